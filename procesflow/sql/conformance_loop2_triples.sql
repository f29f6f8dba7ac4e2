-- Length-two-loop patterns for the heuristics miner: how often `a b a` (a <> b) occurs as three
-- consecutive events of a case (order: timestamp, then source order). pm4py's heuristics miner
-- counts all triples but uses only these.
WITH t AS (
    SELECT activity AS a, next_activity AS b, next2_activity AS c
    FROM pf_steps  -- steps.sql
)
SELECT a, b, count(*) AS count
FROM t
WHERE c = a AND b <> a
GROUP BY a, b
ORDER BY a, b;
