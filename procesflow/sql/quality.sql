-- Data-quality figures for one stored log ($log). Import-level figures (rejects, duplicates, DST)
-- are added by the importer. Shares are 0..1.
WITH e AS (
    SELECT * FROM events WHERE log = $log
),
per_case AS (
    SELECT case_id, count(*) AS n FROM e GROUP BY case_id
),
ties AS (
    SELECT case_id, count(*) AS n FROM e GROUP BY case_id, ts HAVING count(*) > 1
)
SELECT
    (SELECT count(*) FROM e)                                         AS events,
    (SELECT count(*) FROM per_case)                                  AS cases,
    (SELECT count(DISTINCT activity) FROM e)                         AS activities,
    (SELECT min(ts) FROM e)                                          AS first_event,
    (SELECT max(ts) FROM e)                                          AS last_event,
    (SELECT coalesce(sum(n), 0) FROM ties)                           AS tied_events,
    (SELECT count(DISTINCT case_id) FROM ties)                       AS cases_with_ties,
    (SELECT coalesce(avg(CAST(ts_precision = 'day' AS INTEGER)), 0) FROM e) AS date_only_share,
    (SELECT count(*) FROM e WHERE ts > now() + INTERVAL 1 DAY)       AS future_events,
    (SELECT count(*) FROM e WHERE ts < TIMESTAMPTZ '1990-01-01 00:00:00+00') AS events_before_1990,
    (SELECT count(*) FROM per_case WHERE n = 1)                      AS single_event_cases,
    (SELECT coalesce(avg(CAST(resource IS NULL AS INTEGER)), 0) FROM e)   AS resource_missing_share,
    (SELECT coalesce(avg(CAST(department IS NULL AS INTEGER)), 0) FROM e) AS department_missing_share,
    (SELECT count(*) FROM e WHERE start_ts IS NOT NULL)              AS events_with_start,
    (SELECT count(*) FROM e WHERE start_ts > ts)                     AS start_after_end;
