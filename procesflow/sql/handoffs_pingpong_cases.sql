-- Ping-pong per case and pair at one level, from the occurrences in {{occurrences}}
-- (handoffs_pingpong_occurrences.sql): one row per (case, X, Y) with the number of occurrences and
-- their time (completion of the last event of the X run to completion of the first event of the
-- returning X run, summed).
WITH p AS (
    SELECT case_key, x, y, count(*) AS occurrences, sum(seconds) AS seconds
    FROM {{occurrences}}
    GROUP BY case_key, x, y
)
SELECT p.case_key, c.case_id, p.x, p.y, p.occurrences, p.seconds
FROM p JOIN pf_cases c USING (case_key)  -- steps.sql
ORDER BY p.occurrences DESC, p.seconds DESC, p.case_key, p.x, p.y;
