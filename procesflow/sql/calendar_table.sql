-- The working-time calendar (see procesflow/metrics/calendar.py): one row per local day, built in
-- Python as `pf_calendar_src` and stored as TEMP TABLE `pf_calendar`, plus the macro that turns an
-- instant into "working seconds since the calendar's first day":
--   W(t) = cum_before_s + clamp(t - open_utc, 0, work_s)   of the day t falls on.
-- Working seconds between two instants are W(t2) - W(t1).
-- The day of an instant is looked up per UTC hour (TEMP TABLE pf_calendar_hours, joined on
-- pf_hour(t), macros.sql): an hour lies in one day (a), or a local midnight falls inside it (zones
-- with half-hour offsets), and then instants from `boundary` on belong to the next day (b).
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

CREATE OR REPLACE TEMP TABLE pf_calendar_hours AS
WITH d AS (
    SELECT *, lead(day_start_utc) OVER (ORDER BY day_start_utc) AS next_start FROM pf_calendar
),
h AS (  -- the hours each day touches (the last day: 25 hours, enough for any DST change)
    SELECT d.*,
           unnest(range(pf_hour(day_start_utc),
                        pf_hour(coalesce(next_start, day_start_utc + INTERVAL 25 HOUR) - INTERVAL 1 MICROSECOND)
                        + 1)) AS hour
    FROM d
)
SELECT hour,
       arg_min(cum_before_s, day_start_utc)                       AS a_cum,
       arg_min(open_utc, day_start_utc)                           AS a_open,
       arg_min(work_s, day_start_utc)                             AS a_work,
       CASE WHEN count(*) > 1 THEN max(day_start_utc) END         AS boundary,
       arg_max(cum_before_s, day_start_utc)                       AS b_cum,
       arg_max(open_utc, day_start_utc)                           AS b_open,
       arg_max(work_s, day_start_utc)                             AS b_work
FROM h
GROUP BY hour;

CREATE OR REPLACE TEMP MACRO pf_work_at(t, cum_before_s, open_utc, work_s) AS
    round(cum_before_s + least(greatest((epoch_us(t) - epoch_us(open_utc)) / 1e6, 0), work_s), 6);

-- W(t) with the hour's row k of pf_calendar_hours (joined on k.hour = pf_hour(t)).
CREATE OR REPLACE TEMP MACRO pf_work(t, boundary, a_cum, a_open, a_work, b_cum, b_open, b_work) AS
    CASE WHEN boundary IS NULL OR t < boundary THEN pf_work_at(t, a_cum, a_open, a_work)
         ELSE pf_work_at(t, b_cum, b_open, b_work) END;
