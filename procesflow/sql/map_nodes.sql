-- Per activity, what a map shows in its box: how often, in how many cases, the median waiting
-- time before it (pf_wait_s, macros.sql), and its usual department (the most frequent one).
SELECT activity,
       count(*)                AS count,
       count(DISTINCT case_id) AS cases,
       median(wait_s)          AS median_wait_s,
       mode(department)        AS department
FROM pf_steps
GROUP BY activity
ORDER BY activity;
