-- Ping-pong per pair (X, Y) at one level, from the occurrences in {{occurrences}}
-- (handoffs_pingpong_occurrences.sql): occurrences, cases, the time away from X per occurrence
-- (total, median, mean), and example_cases: the ids of the first $examples cases (in case id order;
-- chosen by case key, which is in the same order, and looked up in pf_cases).
WITH pairs AS (
    SELECT x,
           y,
           count(*)                  AS occurrences,
           count(DISTINCT case_key)  AS cases,
           sum(seconds)              AS total_s,
           median(seconds)           AS median_s,
           avg(seconds)              AS mean_s,
           min(DISTINCT case_key, greatest($examples, 1))[1:$examples] AS example_keys
    FROM {{occurrences}}
    GROUP BY x, y
),
examples AS (
    SELECT e.x, e.y, list(c.case_id ORDER BY c.case_key) AS example_cases
    FROM (SELECT x, y, unnest(example_keys) AS case_key FROM pairs) e
    JOIN pf_cases c USING (case_key)  -- steps.sql
    GROUP BY e.x, e.y
)
SELECT p.x, p.y, p.occurrences, p.cases, p.total_s, p.median_s, p.mean_s,
       coalesce(e.example_cases, CAST([] AS VARCHAR[])) AS example_cases
FROM pairs p LEFT JOIN examples e USING (x, y)
ORDER BY p.occurrences DESC, p.cases DESC, p.x, p.y;
