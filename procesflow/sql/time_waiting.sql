-- Waiting (queue) time before each activity, from pf_time_event and pf_time_case.
--   to_start          events whose wait ends at their own start time
--   transition        true when some waits end at the event's completion (no start time), so they
--                     include the activity's processing time ("transition time")
--   overlaps          events that started before the previous event completed (counted as 0)
--   share_of_case_time  total wait / total throughput over all cases (calendar and working time)
WITH tot AS (
    SELECT sum(throughput_s) AS case_s, sum(working_throughput_s) AS working_case_s FROM pf_time_case
)
SELECT e.activity,
       count(*)                                              AS count,
       count(DISTINCT e.case_id)                             AS cases,
       count(*) FILTER (WHERE e.to_start)                    AS to_start,
       count(*) FILTER (WHERE NOT e.to_start) > 0            AS transition,
       count(*) FILTER (WHERE e.raw_wait_s < 0)              AS overlaps,
       median(e.wait_s)                                      AS median_s,
       avg(e.wait_s)                                         AS mean_s,
       quantile_cont(e.wait_s, 0.9)                          AS p90_s,
       sum(e.wait_s)                                         AS total_s,
       sum(e.wait_s) / nullif(any_value(tot.case_s), 0)      AS share_of_case_time,
       median(e.working_wait_s)                              AS working_median_s,
       avg(e.working_wait_s)                                 AS working_mean_s,
       quantile_cont(e.working_wait_s, 0.9)                  AS working_p90_s,
       sum(e.working_wait_s)                                 AS working_total_s,
       sum(e.working_wait_s) / nullif(any_value(tot.working_case_s), 0) AS working_share_of_case_time
FROM pf_time_event e, tot
GROUP BY e.activity
ORDER BY total_s DESC, e.activity;
