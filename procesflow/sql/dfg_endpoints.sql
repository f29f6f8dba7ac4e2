-- Start and end activities: how many cases start / end with each activity (pf_cases, steps.sql).
SELECT 'start' AS kind, first_activity AS activity, count(*) AS cases FROM pf_cases GROUP BY first_activity
UNION ALL
SELECT 'end', last_activity, count(*) FROM pf_cases GROUP BY last_activity
ORDER BY kind, cases DESC, activity;
