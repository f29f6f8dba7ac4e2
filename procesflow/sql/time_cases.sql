-- Per case (TEMP TABLE pf_time_case): first and last timestamp, throughput in calendar seconds
-- (last ts - first ts, like pm4py's case duration) and in working seconds (needs pf_calendar_hours,
-- see calendar_table.sql), and processing time where start timestamps exist.
--   work_first_ts      earliest instant any work is known: min(start_ts, ts) — for flow efficiency
--   processing_s       sum of ts - start_ts over events with a start time not after their ts
--   start_after_end    events whose start time lies after their completion (data error, skipped)
CREATE OR REPLACE TEMP TABLE pf_time_case AS
WITH c AS (
    SELECT case_key,
           count(*)                                                  AS events,
           min(ts)                                                   AS first_ts,
           max(ts)                                                   AS last_ts,
           least(min(ts), min(start_ts))                             AS work_first_ts,
           count(start_ts)                                           AS events_with_start,
           count(*) FILTER (WHERE start_ts > ts)                     AS start_after_end,
           coalesce(sum((epoch_us(ts) - epoch_us(start_ts)) / 1e6)
                        FILTER (WHERE start_ts <= ts), 0)            AS processing_s
    FROM pf_steps  -- steps.sql
    GROUP BY case_key
)
SELECT c.*,
       (epoch_us(c.last_ts) - epoch_us(c.first_ts)) / 1e6                       AS throughput_s,
       round(pf_work(c.last_ts, l.boundary, l.a_cum, l.a_open, l.a_work, l.b_cum, l.b_open, l.b_work)
             - pf_work(c.first_ts, f.boundary, f.a_cum, f.a_open, f.a_work, f.b_cum, f.b_open, f.b_work), 6)
                                                                                AS working_throughput_s
FROM c
LEFT JOIN pf_calendar_hours f ON f.hour = pf_hour(c.first_ts)  -- (left joins: the calendar is the side to hash)
LEFT JOIN pf_calendar_hours l ON l.hour = pf_hour(c.last_ts)
ORDER BY c.case_key;
