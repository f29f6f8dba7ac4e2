-- Definitions shared by metrics, rules and maps, created on every analysis connection
-- (procesflow.eventlog.EventLog), so each is written once.

-- Waiting before an event, in seconds: from the previous event's completion (`prev_ts`) to this
-- event's start, or to its completion when it has no start time (then it is a transition time
-- that includes the event's own work). Work that started before the previous event completed
-- (overlap) counts as no wait. A case's first event has no previous event: its wait is NULL, not 0
-- (greatest(NULL, 0) would be 0, and zeros would pull down the median wait of activities that
-- start cases).
CREATE OR REPLACE TEMP MACRO pf_wait_s(prev_ts, start_ts, ts) AS
    CASE WHEN epoch_us(coalesce(start_ts, ts)) < epoch_us(prev_ts) THEN 0.0
         ELSE (epoch_us(coalesce(start_ts, ts)) - epoch_us(prev_ts)) / 1e6 END;

-- The UTC hour an instant falls in (hours since 1970): the key of the per-hour lookup tables
-- (pf_zone_hours, pf_calendar_hours), which replace time-zone arithmetic and range joins per event.
CREATE OR REPLACE TEMP MACRO pf_hour(t) AS CAST(floor(epoch_us(t) / 3600e6) AS BIGINT);
