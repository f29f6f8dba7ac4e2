-- Per activity, what a map shows in its box: how often, in how many cases, the median waiting
-- time before it (pf_wait_s, macros.sql), and its usual department (the most frequent one)
-- (activities.sql).
SELECT activity, count, cases, median_wait_s, department
FROM pf_activities
ORDER BY activity;
