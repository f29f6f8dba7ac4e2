-- The runs of every case at one level ({{who}}: department or resource column), as TEMP VIEW
-- {{runs}}: the chain of a case (events of pf_handoff_ev with a known {{who}}, ts then seq order)
-- cut into maximal stretches of consecutive events with the same value. One row per run: its
-- number within the case (1, 2, ...), the value, and the completion times of its first and last
-- events. Shared by handoffs_paths.sql, handoffs_pingpong.sql and handoffs_pingpong_cases.sql.
CREATE OR REPLACE TEMP VIEW {{runs}} AS
WITH k AS (
    SELECT case_id, ts, seq, {{who}} AS who
    FROM pf_handoff_ev  -- handoffs_events.sql: no contacts after the first event
    WHERE {{who}} IS NOT NULL
),
f AS (
    SELECT *,
           CASE WHEN lag(who) OVER w IS DISTINCT FROM who THEN 1 ELSE 0 END AS new_run
    FROM k
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
),
r AS (
    SELECT *,
           sum(new_run) OVER (PARTITION BY case_id ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS run
    FROM f
)
SELECT case_id, run, any_value(who) AS who, min(ts) AS first_ts, max(ts) AS last_ts
FROM r
GROUP BY case_id, run;
