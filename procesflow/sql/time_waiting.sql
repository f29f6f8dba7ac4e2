-- Waiting (queue) time before each activity, from pf_time_event and pf_time_case, in one pass.
--   to_start          events whose wait ends at their own start time
--   transition        true when some waits end at the event's completion (no start time), so they
--                     include the activity's processing time ("transition time")
--   overlaps          events that started before the previous event completed (counted as 0)
--   share_of_case_time  total wait / total throughput over all cases (calendar and working time)
-- `cases` (cases with a wait before the activity: it occurs after the first event) is counted over
-- the variants (pf_variant_steps, steps.sql).
WITH tot AS (
    SELECT sum(throughput_s) AS case_s, sum(working_throughput_s) AS working_case_s FROM pf_time_case
),
c AS (
    SELECT v.activity, CAST(sum(k.cases) AS BIGINT) AS cases
    FROM (SELECT DISTINCT vkey, activity FROM pf_variant_steps WHERE pos > 1) v JOIN pf_variant_keys k USING (vkey)
    GROUP BY v.activity
),
w AS (
    SELECT activity,
           count(*)                                              AS count,
           count(*) FILTER (WHERE to_start)                      AS to_start,
           count(*) FILTER (WHERE NOT to_start) > 0              AS transition,
           count(*) FILTER (WHERE raw_wait_s < 0)                AS overlaps,
           quantile_cont(wait_s, [0.5, 0.9])                     AS q,
           avg(wait_s)                                           AS mean_s,
           sum(wait_s)                                           AS total_s,
           quantile_cont(working_wait_s, [0.5, 0.9])             AS working_q,
           avg(working_wait_s)                                   AS working_mean_s,
           sum(working_wait_s)                                   AS working_total_s
    FROM pf_time_event
    GROUP BY activity
)
SELECT w.activity, w.count, c.cases, w.to_start, w.transition, w.overlaps, w.q[1] AS median_s, w.mean_s,
       w.q[2] AS p90_s, w.total_s, w.total_s / nullif(tot.case_s, 0)               AS share_of_case_time,
       w.working_q[1] AS working_median_s, w.working_mean_s, w.working_q[2] AS working_p90_s, w.working_total_s,
       w.working_total_s / nullif(tot.working_case_s, 0)                            AS working_share_of_case_time
FROM w JOIN c USING (activity), tot
ORDER BY w.total_s DESC, w.activity;
