-- Start and end activities: how many cases start / end with each activity.
WITH c AS (
    SELECT arg_min(activity, (ts, seq)) AS first_activity,
           arg_max(activity, (ts, seq)) AS last_activity
    FROM pf_ev GROUP BY case_id
)
SELECT 'start' AS kind, first_activity AS activity, count(*) AS cases FROM c GROUP BY first_activity
UNION ALL
SELECT 'end', last_activity, count(*) FROM c GROUP BY last_activity
ORDER BY kind, cases DESC, activity;
