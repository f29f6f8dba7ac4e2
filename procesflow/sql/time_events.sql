-- Waiting before each event (TEMP TABLE pf_time_event): one row per event that has a previous
-- event in its case (order: ts, seq). The wait runs from the previous event's ts to this event's
-- start_ts when it has one (`to_start`), else to its ts — then it is a transition time that
-- includes the event's own processing. A start before the previous completion (overlapping
-- work) gives raw_wait_s < 0 and counts as no wait (wait_s = 0).
-- working_wait_s is the same interval in working seconds (pf_calendar, see calendar_table.sql).
CREATE OR REPLACE TEMP TABLE pf_time_event AS
WITH e AS (
    SELECT case_id, activity, seq, ts, prev_ts,
           coalesce(start_ts, ts)                                AS wait_end,
           start_ts IS NOT NULL                                  AS to_start
    FROM pf_steps  -- steps.sql
),
p AS (
    SELECT e.*, pf_work_at(e.prev_ts, k.cum_before_s, k.open_utc, k.work_s) AS w_prev
    FROM e ASOF JOIN pf_calendar k ON e.prev_ts >= k.day_start_utc
    WHERE e.prev_ts IS NOT NULL
)
SELECT p.case_id, p.activity, p.seq, p.ts, p.prev_ts, p.wait_end, p.to_start,
       (epoch_us(p.wait_end) - epoch_us(p.prev_ts)) / 1e6                                     AS raw_wait_s,
       pf_wait_s(p.prev_ts, p.wait_end, p.wait_end)                                           AS wait_s,
       greatest(round(pf_work_at(p.wait_end, k.cum_before_s, k.open_utc, k.work_s) - p.w_prev, 6), 0) AS working_wait_s
FROM p ASOF JOIN pf_calendar k ON p.wait_end >= k.day_start_utc;  -- unordered: readers order what they show
