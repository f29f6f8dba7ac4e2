-- Per activity, what a map shows in its box: how often, in how many cases, the median waiting
-- time before it (pf_wait_s, macros.sql), and its usual department (the most frequent one).
WITH e AS (
    SELECT activity, case_id, department,
           pf_wait_s(lag(ts) OVER w, start_ts, ts) AS wait_s  -- see macros.sql
    FROM pf_ev
    WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq)
)
SELECT activity,
       count(*)                AS count,
       count(DISTINCT case_id) AS cases,
       median(wait_s)          AS median_wait_s,
       mode(department)        AS department
FROM e
GROUP BY activity
ORDER BY activity;
