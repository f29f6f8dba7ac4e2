-- The cases that go through one loop: consecutive event pairs (ts, then seq order) whose both
-- activities are in the list $acts. Per case: the pairs inside (traversals) and their time
-- (seconds between completion timestamps, summed), longest first.
WITH t AS (
    SELECT case_key,
           activity                                          AS source,
           next_activity                                     AS target,
           (epoch_us(next_ts) - epoch_us(ts)) / 1e6          AS seconds
    FROM pf_steps  -- steps.sql
    WHERE next_activity IS NOT NULL
),
per_case AS (
    SELECT case_key, count(*) AS traversals, sum(seconds) AS seconds
    FROM t
    WHERE list_contains($acts, CAST(source AS VARCHAR)) AND list_contains($acts, CAST(target AS VARCHAR))
    GROUP BY case_key
)
SELECT c.case_id, p.traversals, p.seconds
FROM per_case p JOIN pf_cases c USING (case_key)  -- steps.sql
ORDER BY p.seconds DESC, p.case_key;
