-- No start/complete pairs in the source: every usable row is one event.
CREATE OR REPLACE TEMP VIEW pf_events AS
SELECT case_id, activity, ts, start_ts, resource, department, channel, lifecycle, source_row,
       ts_date_only{{carried}}
FROM pf_norm WHERE reason IS NULL;
