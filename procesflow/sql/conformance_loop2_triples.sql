-- Length-two-loop patterns for the heuristics miner: how often `a b a` (a <> b) occurs as three
-- consecutive events of a case (order: timestamp, then source order). pm4py's heuristics miner
-- counts all triples but uses only these.
WITH t AS (
    SELECT activity                 AS a,
           lead(activity, 1) OVER w AS b,
           lead(activity, 2) OVER w AS c
    FROM pf_ev
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
)
SELECT a, b, count(*) AS count
FROM t
WHERE c = a AND b <> a
GROUP BY a, b
ORDER BY a, b;
