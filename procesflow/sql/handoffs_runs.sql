-- The runs of every case at one level (the chain in {{steps}}: department or resource), as TEMP
-- TABLE {{runs}}: the chain of a case cut into maximal stretches of consecutive events with the same value. One row per run: its
-- number within the case (1, 2, ...), the value, and the completion times of its first and last
-- events. Shared by handoffs_paths.sql, handoffs_pingpong.sql and handoffs_pingpong_cases.sql.
CREATE OR REPLACE TEMP TABLE {{runs}} AS
WITH r AS (
    SELECT *, sum(CAST(new_run AS INTEGER)) OVER (PARTITION BY case_id ORDER BY pos ROWS UNBOUNDED PRECEDING) AS run
    FROM {{steps}}  -- handoffs_steps.sql
)
SELECT case_id, run, any_value(who) AS who, min(ts) AS first_ts, max(ts) AS last_ts
FROM r
GROUP BY case_id, run;
