-- The cases that go through one loop: consecutive event pairs (ts, then seq order) whose both
-- activities are in the list $acts. Per case: the pairs inside (traversals) and their time
-- (seconds between completion timestamps, summed), longest first.
WITH t AS (
    SELECT case_key, case_id,
           activity                                          AS source,
           next_activity                                     AS target,
           (epoch_us(next_ts) - epoch_us(ts)) / 1e6          AS seconds
    FROM pf_steps  -- steps.sql
    WHERE next_activity IS NOT NULL
)
SELECT any_value(case_id)  AS case_id,
       count(*)            AS traversals,
       sum(seconds)        AS seconds
FROM t
WHERE list_contains($acts, CAST(source AS VARCHAR)) AND list_contains($acts, CAST(target AS VARCHAR))
GROUP BY case_key
ORDER BY seconds DESC, case_key;
