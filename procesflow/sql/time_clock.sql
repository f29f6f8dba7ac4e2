-- When activities happen: events per activity by local ISO weekday (1 = Monday) and local hour
-- ($tz); hour is NULL for date-only timestamps. `same_moment` counts events whose exact
-- timestamp is shared with an event of the same activity in another case (a sign of batching;
-- date-only timestamps never count).
-- One grouping by (activity, timestamp): the events of a moment share its weekday and hour, and a
-- moment is shared when its smallest and largest case differ.
WITH m AS (
    SELECT activity, ts_precision, any_value(local_ts) AS l,  -- local_ts: wall clock, steps.sql
           count(*)                                        AS events,
           min(case_key) < max(case_key)                   AS shared
    FROM pf_steps
    GROUP BY activity, ts, ts_precision
)
SELECT activity,
       isodow(l)                                                        AS weekday,
       CASE WHEN ts_precision = 'day' THEN NULL ELSE hour(l) END        AS hour,
       CAST(sum(events) AS BIGINT)                                      AS events,
       CAST(coalesce(sum(events) FILTER (WHERE shared AND ts_precision <> 'day'), 0) AS BIGINT) AS same_moment
FROM m
GROUP BY ALL
ORDER BY ALL;
