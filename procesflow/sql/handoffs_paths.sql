-- The chains of units a case passes through at one level (department or resource): the runs of
-- its chain ({{runs}}, handoffs_runs.sql: consecutive equal values collapsed) as a list, with the
-- number of cases that follow each path, most frequent first; $top limits the number of paths.
-- Cases are grouped by an order-sensitive hash of their runs (as variants are, steps.sql) and the
-- list is built for one case per path only.
WITH c AS (
    SELECT case_key, count(*) AS runs, bit_xor(hash(hash(CAST(who AS VARCHAR), run))) AS pkey
    FROM {{runs}}
    GROUP BY case_key
),
p AS (
    SELECT pkey, runs, count(*) AS cases, min(case_key) AS rep
    FROM c
    GROUP BY pkey, runs
),
paths AS (
    SELECT p.pkey, any_value(p.cases) AS cases, list(CAST(r.who AS VARCHAR) ORDER BY r.run) AS path
    FROM p JOIN {{runs}} r ON r.case_key = p.rep
    GROUP BY p.pkey
)
SELECT path,
       len(path) - 1                                AS handoffs,
       cases,
       cases / sum(cases) OVER ()                   AS share
FROM paths
ORDER BY cases DESC, array_to_string(path, chr(31))
LIMIT $top;
