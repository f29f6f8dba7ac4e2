-- The views Lean rules (and analysts writing their own) query. Built once per analysed log on a
-- read-only connection, over the filtered events `pf_ev`. Documented in the README ("Rule views").
-- Order within a case is always (ts, seq). Durations are in seconds.
-- (Window names must differ between statements: DuckDB parses the file as one script.)

-- ev: one row per event, with its neighbours in the case.
CREATE OR REPLACE TEMP TABLE ev AS
SELECT
    case_id, activity, ts, start_ts, resource, department, channel, seq, ts_precision,
    timezone({{tz}}, ts)                                           AS local_ts,  -- wall clock, log's zone
    row_number() OVER w                                            AS pos,
    count(*) OVER (PARTITION BY case_id)                           AS n,
    lag(activity) OVER w                                           AS prev_activity,
    lag(ts) OVER w                                                 AS prev_ts,
    lag(department) OVER w                                         AS prev_department,
    lag(resource) OVER w                                           AS prev_resource,
    lead(activity) OVER w                                          AS next_activity,
    lead(ts) OVER w                                                AS next_ts,
    lead(department) OVER w                                        AS next_department,
    pf_wait_s(lag(ts) OVER w, start_ts, ts)                        AS wait_s,  -- see macros.sql
    (epoch_us(ts) - epoch_us(start_ts)) / 1e6                      AS processing_s,
    channel IS NOT NULL
        OR activity IN (SELECT activity FROM activity_tags WHERE log = {{log}} AND tag = 'contact')
                                                                   AS is_contact
FROM pf_ev
WINDOW w AS (PARTITION BY case_id ORDER BY ts, seq);

-- handoff_steps: the events hand-offs are counted on (pf_handoff_ev, handoffs_events.sql: no
-- contacts after the first event) that have a department, with the previous such event; a step
-- is a hand-off when prev_department differs. The same definition as the hand-offs metric.
CREATE OR REPLACE TEMP TABLE handoff_steps AS
SELECT case_id, activity, department, ts,
       lag(activity) OVER wh                       AS prev_activity,
       lag(department) OVER wh                     AS prev_department,
       pf_wait_s(lag(ts) OVER wh, start_ts, ts)    AS wait_s
FROM pf_handoff_ev
WHERE department IS NOT NULL
WINDOW wh AS (PARTITION BY case_id ORDER BY ts, seq);

-- tags: activity tags from the import mapping (approval, check, contact, decision, suspension).
CREATE OR REPLACE TEMP VIEW tags AS
SELECT activity, tag FROM activity_tags WHERE log = {{log}};

-- case_stats: one row per case.
CREATE OR REPLACE TEMP TABLE case_stats AS
WITH runs AS (
    SELECT case_id, activity, count(*) AS k FROM ev GROUP BY case_id, activity
)
SELECT
    e.case_id,
    min(e.ts)                                                      AS first_ts,
    max(e.ts)                                                      AS last_ts,
    (epoch_us(max(e.ts)) - epoch_us(min(e.ts))) / 1e6              AS throughput_s,
    count(*)                                                       AS events,
    count(DISTINCT e.activity)                                     AS activities,
    count(*) - count(DISTINCT e.activity)                          AS extra_executions,
    count(*) = count(DISTINCT e.activity)                          AS first_time_right,
    count(DISTINCT e.department)                                   AS departments,
    coalesce(any_value(h.handoffs), 0)                             AS handoffs,
    count(*) FILTER (WHERE e.is_contact AND e.pos > 1)             AS contacts,
    arg_min(e.activity, e.pos)                                     AS first_activity,
    arg_max(e.activity, e.pos)                                     AS last_activity,
    list(e.activity ORDER BY e.pos)                                AS variant
FROM ev e
LEFT JOIN (SELECT case_id, count(*) FILTER (WHERE department <> prev_department) AS handoffs
           FROM handoff_steps GROUP BY case_id) h USING (case_id)
GROUP BY e.case_id;

-- activity_stats: one row per activity.
CREATE OR REPLACE TEMP TABLE activity_stats AS
SELECT
    activity,
    count(*)                                                       AS events,
    count(DISTINCT case_id)                                        AS cases,
    count(DISTINCT case_id) / (SELECT count(*) FROM case_stats)    AS case_share,
    median(wait_s)                                                 AS median_wait_s,
    avg(wait_s)                                                    AS mean_wait_s,
    coalesce(sum(wait_s), 0)                                       AS total_wait_s,
    coalesce(sum(wait_s), 0)
        / nullif((SELECT sum(throughput_s) FROM case_stats), 0)    AS wait_share,
    median(processing_s)                                           AS median_processing_s,
    avg(processing_s)                                              AS mean_processing_s,
    stddev_pop(processing_s) / nullif(avg(processing_s), 0)        AS cv_processing,
    count(processing_s)                                            AS with_processing,
    count(DISTINCT resource)                                       AS resources,
    count(DISTINCT department)                                     AS departments,
    avg(pos / n)                                                   AS mean_relative_position
FROM ev
GROUP BY activity;

-- dfg: directly-follows edges with counts and transition times.
CREATE OR REPLACE TEMP TABLE dfg AS
SELECT prev_activity AS source, activity AS target,
       count(*) AS count, count(DISTINCT case_id) AS cases,
       median((epoch_us(ts) - epoch_us(prev_ts)) / 1e6) AS median_s,
       avg((epoch_us(ts) - epoch_us(prev_ts)) / 1e6) AS mean_s
FROM ev WHERE prev_activity IS NOT NULL
GROUP BY prev_activity, activity;

-- variants: distinct activity sequences with their case counts.
CREATE OR REPLACE TEMP TABLE variants AS
SELECT variant, count(*) AS cases, count(*) / sum(count(*)) OVER () AS share
FROM case_stats GROUP BY variant;

-- log_stats: one row about the whole (filtered) log; `years` scales gains to "per year".
CREATE OR REPLACE TEMP TABLE log_stats AS
SELECT
    count(*)                                                       AS cases,
    sum(events)                                                    AS events,
    (SELECT count(DISTINCT activity) FROM ev)                      AS activities,
    min(first_ts)                                                  AS first_ts,
    max(last_ts)                                                   AS last_ts,
    -- at least one month, so a short extract does not inflate yearly figures
    greatest((epoch_us(max(last_ts)) - epoch_us(min(first_ts))) / 1e6 / (365.25 * 86400), 1 / 12)
                                                                   AS years,
    count(*) / greatest((epoch_us(max(last_ts)) - epoch_us(min(first_ts))) / 1e6
                        / (365.25 * 86400), 1 / 12)                AS cases_per_year,
    median(throughput_s)                                           AS median_throughput_s,
    avg(throughput_s)                                              AS mean_throughput_s,
    (SELECT count(*) FROM ev WHERE channel IS NOT NULL)            AS channel_events,
    (SELECT count(*) FROM ev WHERE department IS NOT NULL)         AS department_events,
    (SELECT count(*) FROM ev WHERE start_ts IS NOT NULL)           AS start_time_events,
    (SELECT median(wait_s) FROM handoff_steps WHERE department <> prev_department) AS median_handoff_wait_s
FROM case_stats;
