-- Waiting before each event (TEMP VIEW pf_time_event): one row per event that has a previous
-- event in its case (order: ts, seq). The wait runs from the previous event's ts to this event's
-- start_ts when it has one (`to_start`), else to its ts — then it is a transition time that
-- includes the event's own processing. A start before the previous completion (overlapping
-- work) gives raw_wait_s < 0 and counts as no wait (wait_s = 0, pf_wait_s in steps.sql).
-- working_wait_s is the same interval in working seconds (pf_calendar_hours, calendar_table.sql).
-- A view, not a table: its readers aggregate it in one pass (time_waiting.sql), and writing the
-- millions of rows down would cost more than computing them.
CREATE OR REPLACE TEMP VIEW pf_time_event AS
WITH e AS (
    SELECT case_key, activity, seq, pos, ts, prev_ts, wait_s,
           coalesce(start_ts, ts)                                AS wait_end,
           start_ts IS NOT NULL                                  AS to_start
    FROM pf_steps  -- steps.sql
    WHERE prev_ts IS NOT NULL
)
SELECT e.case_key, e.activity, e.seq, e.pos, e.ts, e.prev_ts, e.wait_end, e.to_start,
       (epoch_us(e.wait_end) - epoch_us(e.prev_ts)) / 1e6                                   AS raw_wait_s,
       e.wait_s,
       greatest(round(pf_work(e.wait_end, ke.boundary, ke.a_cum, ke.a_open, ke.a_work, ke.b_cum, ke.b_open, ke.b_work)
                      - pf_work(e.prev_ts, kp.boundary, kp.a_cum, kp.a_open, kp.a_work, kp.b_cum, kp.b_open, kp.b_work),
                      6), 0)                                                                AS working_wait_s
FROM e
LEFT JOIN pf_calendar_hours ke ON ke.hour = pf_hour(e.wait_end)  -- (left joins: the calendar is the side to hash)
LEFT JOIN pf_calendar_hours kp ON kp.hour = pf_hour(e.prev_ts);
