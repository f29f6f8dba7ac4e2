-- Per activity: events, cases, and processing time where start timestamps exist.
SELECT activity,
       count(*)                                                        AS count,
       count(DISTINCT case_id)                                         AS cases,
       count(start_ts)                                                 AS with_start,
       median((epoch_us(ts) - epoch_us(start_ts)) / 1e6)               AS median_processing_s,
       avg((epoch_us(ts) - epoch_us(start_ts)) / 1e6)                  AS mean_processing_s
FROM pf_ev
GROUP BY activity
ORDER BY count DESC, activity;
