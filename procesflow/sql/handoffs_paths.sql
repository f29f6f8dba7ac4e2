-- The chains of units a case passes through at one level ({{who}}: department or resource
-- column): the runs of its chain (events with a known {{who}}, ts then seq order, consecutive equal
-- values collapsed) as a list, with the number of cases that follow each path, most frequent
-- first; $top limits the number of paths returned.
WITH k AS (
    SELECT case_id, ts, seq, {{who}} AS who
    FROM pf_handoff_ev  -- handoffs_events.sql: no contacts after the first event
    WHERE {{who}} IS NOT NULL
),
f AS (
    SELECT *,
           CASE WHEN lag(who) OVER w IS DISTINCT FROM who THEN 1 ELSE 0 END AS new_run
    FROM k
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
),
r AS (
    SELECT *,
           sum(new_run) OVER (PARTITION BY case_id ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS run
    FROM f
),
runs AS (
    SELECT case_id, run, any_value(who) AS who, min(ts) AS first_ts, max(ts) AS last_ts
    FROM r
    GROUP BY case_id, run
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
