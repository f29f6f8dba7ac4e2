-- Lifecycle start/complete pairs -> one event with a start and an end time.
-- Within a case and activity the k-th `start` (in time order) pairs with the k-th `complete`.
-- A start without its complete stays an event (lifecycle 'start', start_ts = ts); every other
-- lifecycle value (schedule, suspend, non-standard values, ...) passes through unchanged.
-- Attribute columns of a pair take the complete's value, else the start's.
CREATE OR REPLACE TEMP TABLE pf_events AS
WITH ok AS (
    SELECT * FROM pf_norm WHERE reason IS NULL
),
starts AS (
    SELECT *, row_number() OVER (PARTITION BY case_id, activity ORDER BY ts, source_row) AS k
    FROM ok WHERE lower(lifecycle) = 'start'
),
ends AS (
    SELECT *, row_number() OVER (PARTITION BY case_id, activity ORDER BY ts, source_row) AS k
    FROM ok WHERE lower(lifecycle) = 'complete'
)
SELECT
    coalesce(e.case_id, s.case_id)             AS case_id,
    coalesce(e.activity, s.activity)           AS activity,
    coalesce(e.ts, s.ts)                       AS ts,
    CASE WHEN e.source_row IS NULL THEN s.ts
         ELSE coalesce(s.ts, e.start_ts) END   AS start_ts,
    coalesce(e.resource, s.resource)           AS resource,
    coalesce(e.department, s.department)       AS department,
    coalesce(e.channel, s.channel)             AS channel,
    CASE WHEN e.source_row IS NULL THEN s.lifecycle
         WHEN s.source_row IS NULL THEN e.lifecycle
         ELSE s.lifecycle || '+' || e.lifecycle END AS lifecycle,
    -- a paired event takes its place in source order where the work started (as pm4py's
    -- interval conversion does): it breaks ties between equal completion times
    coalesce(s.source_row, e.source_row)       AS source_row,
    coalesce(e.ts_date_only, s.ts_date_only)   AS ts_date_only{{carried_pairs}}
FROM ends e
FULL OUTER JOIN starts s ON e.case_id = s.case_id AND e.activity = s.activity AND e.k = s.k
UNION ALL
SELECT case_id, activity, ts, start_ts, resource, department, channel, lifecycle, source_row,
       ts_date_only{{carried}}
FROM ok WHERE lifecycle IS NULL OR lower(lifecycle) NOT IN ('start', 'complete');
