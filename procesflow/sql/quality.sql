-- Data-quality figures for one stored log (its table {{table}}). Import-level figures (rejects,
-- duplicates, DST) are added by the importer. Shares are 0..1. Three passes over the events: the
-- event-level figures, the cases, and the ties (events of a case sharing one timestamp).
WITH e AS (
    SELECT count(*)                                                 AS events,
           count(DISTINCT activity)                                 AS activities,
           min(ts)                                                  AS first_event,
           max(ts)                                                  AS last_event,
           coalesce(avg(CAST(ts_precision = 'day' AS INTEGER)), 0)  AS date_only_share,
           count(*) FILTER (WHERE ts > now() + INTERVAL 1 DAY)      AS future_events,
           count(*) FILTER (WHERE ts < TIMESTAMPTZ '1990-01-01 00:00:00+00') AS events_before_1990,
           coalesce(avg(CAST(resource IS NULL AS INTEGER)), 0)      AS resource_missing_share,
           coalesce(avg(CAST(department IS NULL AS INTEGER)), 0)    AS department_missing_share,
           count(start_ts)                                          AS events_with_start,
           count(*) FILTER (WHERE start_ts > ts)                    AS start_after_end
    FROM {{table}}
),
per_case AS (
    SELECT count(*) AS cases, count(*) FILTER (WHERE n = 1) AS single_event_cases
    FROM (SELECT count(*) AS n FROM {{table}} GROUP BY case_no)
),
ties AS (
    SELECT coalesce(sum(n), 0) AS tied_events, count(DISTINCT case_no) AS cases_with_ties
    FROM (SELECT case_no, count(*) AS n FROM {{table}} GROUP BY case_no, ts HAVING count(*) > 1)
)
SELECT e.events, per_case.cases, e.activities, e.first_event, e.last_event, ties.tied_events,
       ties.cases_with_ties, e.date_only_share, e.future_events, e.events_before_1990,
       per_case.single_event_cases, e.resource_missing_share, e.department_missing_share,
       e.events_with_start, e.start_after_end
FROM e, per_case, ties;
