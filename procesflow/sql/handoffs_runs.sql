-- The runs of every case at one level (the chain in {{steps}}: department or resource), as TEMP
-- TABLE {{runs}}: the chain of a case cut into maximal stretches of consecutive events with the same
-- value. One row per run: its number within the case (1, 2, ...), the value, and the completion
-- times of its first and last events. Only the events at the edges of a run are read (a run's
-- last event is the one before the next run starts). Shared by handoffs_paths.sql, the ping-pong
-- occurrences (handoffs_pingpong_occurrences.sql) and the hand-off summary.
CREATE OR REPLACE TEMP TABLE {{runs}} AS
WITH edges AS (
    SELECT case_key, pos, who, ts, new_run, run_end
    FROM {{steps}}  -- handoffs_steps.sql
    WHERE new_run OR run_end
),
b AS (
    SELECT *, CASE WHEN run_end THEN ts ELSE lead(ts) OVER (PARTITION BY case_key ORDER BY pos) END AS last_ts
    FROM edges
)
SELECT case_key,
       row_number() OVER (PARTITION BY case_key ORDER BY pos) AS run, who, ts AS first_ts, last_ts
FROM b
WHERE new_run;
