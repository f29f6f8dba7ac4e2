-- Time and cases inside the loops of the DFG (its strongly connected components with a cycle).
-- Parameters: $acts and $comps, two lists of equal length: activity $acts[i] belongs to
-- component $comps[i] (an activity is in at most one component).
-- A consecutive event pair (ts, then seq order) of a case lies inside a component when both its
-- activities belong to it; the time of the pair is the time between the two completion
-- timestamps, as on the DFG. Per component: the cases with at least one pair inside (cases
-- affected), the pairs (traversals), and the per-case time inside (sum over its pairs):
-- total, median, mean and max over the cases affected.
WITH comp AS (
    SELECT unnest($acts) AS activity, unnest($comps) AS comp
),
t AS (
    SELECT case_key,
           activity                                          AS source,
           next_activity                                     AS target,
           (epoch_us(next_ts) - epoch_us(ts)) / 1e6          AS seconds
    FROM pf_steps  -- steps.sql
    WHERE next_activity IS NOT NULL
),
per_case AS (
    SELECT cs.comp, t.case_key, count(*) AS traversals, sum(t.seconds) AS seconds
    FROM t
    JOIN comp cs ON cs.activity = t.source
    JOIN comp ct ON ct.activity = t.target AND ct.comp = cs.comp
    GROUP BY cs.comp, t.case_key
)
SELECT comp,
       count(*)                 AS cases,
       sum(traversals)::BIGINT  AS traversals,
       sum(seconds)             AS total_s,
       median(seconds)          AS median_case_s,
       avg(seconds)             AS mean_case_s,
       max(seconds)             AS max_case_s
FROM per_case
GROUP BY comp
ORDER BY comp;
