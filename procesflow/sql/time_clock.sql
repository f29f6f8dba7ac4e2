-- When activities happen: events per activity by local ISO weekday (1 = Monday) and local hour
-- ($tz); hour is NULL for date-only timestamps. `same_moment` counts events whose exact
-- timestamp is shared with an event of the same activity in another case (a sign of batching;
-- date-only timestamps never count).
WITH e AS (  -- local_ts: the wall clock in $tz, computed once in steps.sql
    SELECT case_id, activity, ts, ts_precision, local_ts AS l FROM pf_steps
),
moments AS (
    SELECT activity, ts FROM e WHERE ts_precision <> 'day'
    GROUP BY activity, ts HAVING count(DISTINCT case_id) > 1
)
SELECT e.activity,
       isodow(e.l)                                                  AS weekday,
       CASE WHEN e.ts_precision = 'day' THEN NULL ELSE hour(e.l) END AS hour,
       count(*)                                                     AS events,
       count(m.ts)                                                  AS same_moment
FROM e LEFT JOIN moments m ON m.activity = e.activity AND m.ts = e.ts
GROUP BY ALL
ORDER BY ALL;
