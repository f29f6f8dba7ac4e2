-- Ping-pong per case and pair at one level (the runs in {{runs}}: department or resource): the same
-- runs and X, Y, X triples as handoffs_pingpong.sql, one row per (case, X, Y) with the number of
-- occurrences and their time (completion of the last event of the X run to completion of the first
-- event of the returning X run, summed).
WITH runs AS (
    SELECT * FROM {{runs}}  -- handoffs_runs.sql
),
p AS (
    SELECT case_id,
           who                                                     AS x,
           lead(who) OVER w                                        AS y,
           lead(who, 2) OVER w                                     AS back,
           (epoch_us(lead(first_ts, 2) OVER w) - epoch_us(last_ts)) / 1e6 AS seconds
    FROM runs
    WINDOW w AS (PARTITION BY case_id ORDER BY run)
)
SELECT case_id,
       x,
       y,
       count(*)       AS occurrences,
       sum(seconds)   AS seconds
FROM p
WHERE back = x
GROUP BY case_id, x, y
ORDER BY occurrences DESC, seconds DESC, case_id, x, y;
