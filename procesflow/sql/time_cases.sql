-- Per case (TEMP TABLE pf_time_case): first and last timestamp, throughput in calendar seconds
-- (last ts - first ts, like pm4py's case duration) and in working seconds (needs pf_calendar, see
-- calendar_table.sql), and processing time where start timestamps exist.
--   work_first_ts      earliest instant any work is known: min(start_ts, ts) — for flow efficiency
--   processing_s       sum of ts - start_ts over events with a start time not after their ts
--   start_after_end    events whose start time lies after their completion (data error, skipped)
CREATE OR REPLACE TEMP TABLE pf_time_case AS
WITH c AS (
    SELECT case_id,
           count(*)                                                  AS events,
           min(ts)                                                   AS first_ts,
           max(ts)                                                   AS last_ts,
           least(min(ts), min(start_ts))                             AS work_first_ts,
           count(start_ts)                                           AS events_with_start,
           count(*) FILTER (WHERE start_ts > ts)                     AS start_after_end,
           coalesce(sum((epoch_us(ts) - epoch_us(start_ts)) / 1e6)
                        FILTER (WHERE start_ts <= ts), 0)            AS processing_s
    FROM pf_ev
    GROUP BY case_id
),
f AS (
    SELECT c.*, pf_work_at(c.first_ts, k.cum_before_s, k.open_utc, k.work_s) AS w_first
    FROM c ASOF JOIN pf_calendar k ON c.first_ts >= k.day_start_utc
)
SELECT f.* EXCLUDE (w_first),
       (epoch_us(f.last_ts) - epoch_us(f.first_ts)) / 1e6                       AS throughput_s,
       round(pf_work_at(f.last_ts, k.cum_before_s, k.open_utc, k.work_s) - f.w_first, 6) AS working_throughput_s
FROM f ASOF JOIN pf_calendar k ON f.last_ts >= k.day_start_utc
ORDER BY f.case_id;
