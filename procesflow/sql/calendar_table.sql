-- The working-time calendar (see procesflow/metrics/calendar.py): one row per local day, built in
-- Python as `pf_calendar_src` and stored as TEMP TABLE `pf_calendar`, plus the macro that turns an
-- instant into "working seconds since the calendar's first day":
--   W(t) = cum_before_s + clamp(t - open_utc, 0, work_s)   of the day t falls on,
-- found with `ASOF JOIN pf_calendar k ON t >= k.day_start_utc`. Working seconds between two
-- instants are W(t2) - W(t1).
CREATE OR REPLACE TEMP TABLE pf_calendar AS
SELECT CAST(day AS DATE)                  AS day,
       CAST(day_start_utc AS TIMESTAMPTZ) AS day_start_utc,
       CAST(workday AS BOOLEAN)           AS workday,
       CAST(holiday AS VARCHAR)           AS holiday,
       CAST(open_utc AS TIMESTAMPTZ)      AS open_utc,
       CAST(close_utc AS TIMESTAMPTZ)     AS close_utc,
       CAST(work_s AS DOUBLE)             AS work_s,
       CAST(cum_before_s AS DOUBLE)       AS cum_before_s
FROM pf_calendar_src
ORDER BY day_start_utc;

CREATE OR REPLACE TEMP MACRO pf_work_at(t, cum_before_s, open_utc, work_s) AS
    round(cum_before_s + least(greatest((epoch_us(t) - epoch_us(open_utc)) / 1e6, 0), work_s), 6);
