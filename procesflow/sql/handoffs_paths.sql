-- The chains of units a case passes through at one level (department or resource): the runs of
-- its chain ({{runs}}, handoffs_runs.sql: consecutive equal values collapsed) as a list, with the number of cases that follow each path, most frequent
-- first; $top limits the number of paths returned.
WITH runs AS (
    SELECT * FROM {{runs}}  -- handoffs_runs.sql
),
c AS (
    SELECT case_id, list(who ORDER BY run) AS path
    FROM runs
    GROUP BY case_id
)
SELECT path,
       len(path) - 1                                AS handoffs,
       count(*)                                     AS cases,
       count(*) / sum(count(*)) OVER ()             AS share
FROM c
GROUP BY path
ORDER BY cases DESC, array_to_string(path, chr(31))
LIMIT $top;
