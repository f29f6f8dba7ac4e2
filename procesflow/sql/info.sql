-- Summary of one log ($log): size, time span and the attributes it carries.
WITH e AS (SELECT * FROM events WHERE log = $log)
SELECT
    count(*)                                   AS events,
    count(DISTINCT case_id)                    AS cases,
    count(DISTINCT activity)                   AS activities,
    min(ts)                                    AS first_event,
    max(ts)                                    AS last_event,
    count(DISTINCT resource)                   AS resources,
    count(DISTINCT department)                 AS departments,
    count(DISTINCT channel)                    AS channels,
    count(*) FILTER (WHERE start_ts IS NOT NULL) AS events_with_start,
    (SELECT list(DISTINCT k ORDER BY k) FROM (SELECT unnest(map_keys(attrs)) AS k FROM e))
                                               AS event_attributes,
    (SELECT list(DISTINCT k ORDER BY k)
     FROM (SELECT unnest(map_keys(attrs)) AS k FROM cases WHERE log = $log))
                                               AS case_attributes
FROM e;
