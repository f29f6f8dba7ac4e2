-- Directly-follows graph edges over the filtered events (pf_steps, steps.sql), as TEMP TABLE pf_dfg
-- (read by the DFG, the maps, the rules' `dfg` view and the loops).
-- Order within a case: timestamp, then source order (seq). Times are seconds between the
-- completion timestamps of the two events, as pm4py's performance DFG measures them.
-- `cases` (cases with the edge at least once) depends only on the activity sequence: it is counted
-- over the variants (pf_variant_steps), each with its number of cases.
CREATE OR REPLACE TEMP TABLE pf_dfg AS
WITH t AS (
    SELECT activity                                          AS source,
           next_activity                                     AS target,
           (epoch_us(next_ts) - epoch_us(ts)) / 1e6          AS seconds
    FROM pf_steps
    WHERE next_activity IS NOT NULL
),
times AS (
    SELECT source, target,
           count(*)                        AS count,
           avg(seconds)                    AS mean_s,
           median(seconds)                 AS median_s,
           quantile_cont(seconds, 0.9)     AS p90_s,
           min(seconds)                    AS min_s,
           max(seconds)                    AS max_s,
           sum(seconds)                    AS total_s
    FROM t
    GROUP BY source, target
),
cases AS (
    SELECT v.source, v.target, CAST(sum(k.cases) AS BIGINT) AS cases
    FROM (SELECT DISTINCT vkey, activity AS source, next_activity AS target
          FROM pf_variant_steps WHERE next_activity IS NOT NULL) v
    JOIN pf_variant_keys k USING (vkey)
    GROUP BY v.source, v.target
)
SELECT source, target, count, cases, mean_s, median_s, p90_s, min_s, max_s, total_s
FROM times JOIN cases USING (source, target);
