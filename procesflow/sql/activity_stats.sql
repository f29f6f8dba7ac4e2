-- Per activity: events, cases, and processing time where start timestamps exist (activities.sql).
SELECT activity, count, cases, with_start, median_processing_s, mean_processing_s
FROM pf_activities
ORDER BY count DESC, activity;
