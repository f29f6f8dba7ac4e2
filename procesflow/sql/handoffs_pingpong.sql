-- Ping-pong at one level (department or resource) over the filtered events, from the runs of
-- each case ({{runs}}, handoffs_runs.sql: maximal stretches of consecutive events with the same
-- value). Every three consecutive runs X, Y, X of a
-- case are one occurrence of the pair (X, Y): the work left X for Y and came back. Overlapping
-- triples all count (X Y X Y X: two of (X, Y), one of (Y, X)).
-- Time of an occurrence (the time spent away from X): from the completion (ts) of the last event
-- of the first X run to the completion (ts) of the first event of the returning X run — the sum
-- of the DFG-style transition times along the detour. example_cases: the first $examples case
-- ids (sorted) with an occurrence of the pair.
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
SELECT x,
       y,
       count(*)                 AS occurrences,
       count(DISTINCT case_id)  AS cases,
       sum(seconds)             AS total_s,
       median(seconds)          AS median_s,
       avg(seconds)             AS mean_s,
       list(DISTINCT case_id ORDER BY case_id)[1:$examples] AS example_cases
FROM p
WHERE back = x
GROUP BY x, y
ORDER BY occurrences DESC, cases DESC, x, y;
