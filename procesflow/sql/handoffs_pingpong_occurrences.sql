-- Ping-pong at one level (department or resource): every three consecutive runs X, Y, X of a case
-- ({{runs}}, handoffs_runs.sql) are one occurrence of the pair (X, Y): the work left X for Y and
-- came back. Overlapping triples all count (X Y X Y X: two of (X, Y), one of (Y, X)). As TEMP TABLE
-- {{occurrences}}, one row per occurrence, shared by the per-pair and per-case figures.
-- Time of an occurrence (the time spent away from X): from the completion (ts) of the last event
-- of the first X run to the completion (ts) of the first event of the returning X run — the sum
-- of the DFG-style transition times along the detour.
CREATE OR REPLACE TEMP TABLE {{occurrences}} AS
WITH p AS (
    SELECT case_key,
           who                                                     AS x,
           lead(who) OVER w                                        AS y,
           lead(who, 2) OVER w                                     AS back,
           (epoch_us(lead(first_ts, 2) OVER w) - epoch_us(last_ts)) / 1e6 AS seconds
    FROM {{runs}}
    WINDOW w AS (PARTITION BY case_key ORDER BY run)
)
SELECT case_key, x, y, seconds
FROM p
WHERE back = x;
