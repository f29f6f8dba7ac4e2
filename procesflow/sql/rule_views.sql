-- The views Lean rules (and analysts writing their own) query. Built once per analysed log on a
-- read-only connection, from the shared step and case tables (steps.sql) and the department
-- hand-off chain (handoffs_steps.sql). Documented in the README ("Rule views").
-- Order within a case is always (ts, seq). Durations are in seconds.
-- (Window names must differ between statements: DuckDB parses the file as one script.)

-- ev: one row per event, with its neighbours in the case.
CREATE OR REPLACE TEMP VIEW ev AS
SELECT
    case_id, activity, ts, start_ts, resource, department, channel, seq, ts_precision,
    local_ts,                                                      -- wall clock, log's zone
    pos, n, prev_activity, prev_ts, prev_department, prev_resource,
    next_activity, next_ts, next_department,
    wait_s,                                                        -- pf_wait_s, macros.sql
    (epoch_us(ts) - epoch_us(start_ts)) / 1e6                      AS processing_s,
    channel IS NOT NULL
        OR activity IN (SELECT activity FROM activity_tags WHERE log = {{log}} AND tag = 'contact')
                                                                   AS is_contact
FROM pf_steps;

-- handoff_steps: one row per pair of consecutive events of the department chain (events with a
-- department; citizen contacts after the first event left out): the later event with the one
-- before it. A step is a hand-off when prev_department differs. The hand-offs metric's definition.
CREATE OR REPLACE TEMP VIEW handoff_steps AS
SELECT case_id, next_activity AS activity, next_who AS department,
       activity AS prev_activity, who AS prev_department, wait_s
FROM pf_handoff_steps_department
WHERE next_who IS NOT NULL;

-- tags: activity tags from the import mapping (approval, check, contact, decision, suspension).
CREATE OR REPLACE TEMP VIEW tags AS
SELECT activity, tag FROM activity_tags WHERE log = {{log}};

-- case_stats: one row per case.
CREATE OR REPLACE TEMP TABLE case_stats AS
WITH per_case AS (
    SELECT case_id,
           count(DISTINCT activity)                                AS activities,
           count(DISTINCT department)                              AS departments,
           count(*) FILTER (WHERE is_contact AND pos > 1)          AS contacts
    FROM ev GROUP BY case_id
),
handoffs AS (
    SELECT case_id, count(*) FILTER (WHERE department <> prev_department) AS handoffs
    FROM handoff_steps GROUP BY case_id
)
SELECT
    c.case_id, c.first_ts, c.last_ts, c.throughput_s,
    c.n                                                            AS events,
    p.activities,
    c.n - p.activities                                             AS extra_executions,
    c.n = p.activities                                             AS first_time_right,
    p.departments,
    coalesce(h.handoffs, 0)                                        AS handoffs,
    p.contacts,
    c.first_activity, c.last_activity,
    c.vkey                                                         -- the variant (see variants)
FROM pf_cases c JOIN per_case p USING (case_id) LEFT JOIN handoffs h USING (case_id);

-- activity_stats: one row per activity.
CREATE OR REPLACE TEMP TABLE activity_stats AS
SELECT
    activity,
    count(*)                                                       AS events,
    count(DISTINCT case_id)                                        AS cases,
    count(DISTINCT case_id) / (SELECT count(*) FROM pf_cases)      AS case_share,
    median(wait_s)                                                 AS median_wait_s,
    avg(wait_s)                                                    AS mean_wait_s,
    coalesce(sum(wait_s), 0)                                       AS total_wait_s,
    coalesce(sum(wait_s), 0)
        / nullif((SELECT sum(throughput_s) FROM pf_cases), 0)      AS wait_share,
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
SELECT activity AS source, next_activity AS target,
       count(*) AS count, count(DISTINCT case_id) AS cases,
       median((epoch_us(next_ts) - epoch_us(ts)) / 1e6) AS median_s,
       avg((epoch_us(next_ts) - epoch_us(ts)) / 1e6) AS mean_s
FROM pf_steps WHERE next_activity IS NOT NULL
GROUP BY activity, next_activity;

-- variants: distinct activity sequences with their case counts; vkey joins case_stats.
CREATE OR REPLACE TEMP VIEW variants AS
SELECT k.vkey, q.variant, k.cases, k.cases / sum(k.cases) OVER () AS share
FROM pf_variant_keys k JOIN pf_variant_seq q USING (vkey);

-- log_stats: one row about the whole (filtered) log; `years` scales gains to "per year".
CREATE OR REPLACE TEMP TABLE log_stats AS
SELECT
    count(*)                                                       AS cases,
    sum(events)                                                    AS events,
    (SELECT count(DISTINCT activity) FROM pf_steps)                AS activities,
    min(first_ts)                                                  AS first_ts,
    max(last_ts)                                                   AS last_ts,
    -- at least one month, so a short extract does not inflate yearly figures
    greatest((epoch_us(max(last_ts)) - epoch_us(min(first_ts))) / 1e6 / (365.25 * 86400), 1 / 12)
                                                                   AS years,
    count(*) / greatest((epoch_us(max(last_ts)) - epoch_us(min(first_ts))) / 1e6
                        / (365.25 * 86400), 1 / 12)                AS cases_per_year,
    median(throughput_s)                                           AS median_throughput_s,
    avg(throughput_s)                                              AS mean_throughput_s,
    (SELECT count(*) FROM pf_steps WHERE channel IS NOT NULL)      AS channel_events,
    (SELECT count(*) FROM pf_steps WHERE department IS NOT NULL)   AS department_events,
    (SELECT count(*) FROM pf_steps WHERE start_ts IS NOT NULL)     AS start_time_events,
    (SELECT median(wait_s) FROM handoff_steps WHERE department <> prev_department) AS median_handoff_wait_s
FROM case_stats;
