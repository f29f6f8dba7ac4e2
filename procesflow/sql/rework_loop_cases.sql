-- The cases that go through one loop: consecutive event pairs (ts, then seq order) whose both
-- activities are in the list $acts. Per case: the pairs inside (traversals) and their time
-- (seconds between completion timestamps, summed), longest first.
WITH t AS (
    SELECT case_id,
           activity                                          AS source,
           next_activity                                     AS target,
           (epoch_us(next_ts) - epoch_us(ts)) / 1e6          AS seconds
    FROM pf_steps  -- steps.sql
    WHERE next_activity IS NOT NULL
)
SELECT case_id,
       count(*)       AS traversals,
       sum(seconds)   AS seconds
FROM t
WHERE list_contains($acts, source) AND list_contains($acts, target)
GROUP BY case_id
ORDER BY seconds DESC, case_id;
