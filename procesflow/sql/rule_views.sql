-- The views Lean rules (and analysts writing their own) query. Built once per analysed log on a
-- read-only connection, from the shared step, case, variant and activity tables (steps.sql,
-- activities.sql, dfg.sql) and the department hand-off chain (handoffs_steps.sql). Documented in
-- the README ("Rule views"). Order within a case is always (ts, seq). Durations are in seconds.
-- A case is `case_key` (a number, in case id order; case_stats has its id); the text
-- columns (activity, resource, ...) are dictionary codes that read and compare as text.
-- (Window names must differ between statements: DuckDB parses the file as one script.)

-- The activities tagged `contact` (as the log's activity codes, so that `ev` compares codes).
CREATE OR REPLACE TEMP TABLE pf_contact_activities AS
SELECT activity FROM pf_activities
WHERE CAST(activity AS VARCHAR) IN (SELECT activity FROM activity_tags WHERE log = {{log}} AND tag = 'contact');

-- ev: one row per event, with its neighbours in the case.
CREATE OR REPLACE TEMP VIEW ev AS
SELECT
    case_key, activity, ts, start_ts, resource, department, channel, seq, ts_precision,
    local_ts,                                                      -- wall clock, log's zone
    pos, n, prev_activity, prev_ts, prev_department, prev_resource,
    next_activity, next_ts, next_department, next_channel,
    wait_s,                                                        -- pf_wait_s, macros.sql
    (epoch_us(ts) - epoch_us(start_ts)) / 1e6                      AS processing_s,
    channel IS NOT NULL OR activity IN (SELECT activity FROM pf_contact_activities) AS is_contact,
    next_activity IS NOT NULL
        AND (next_channel IS NOT NULL OR next_activity IN (SELECT activity FROM pf_contact_activities))
                                                                   AS next_is_contact
FROM pf_steps;

-- handoff_steps: one row per pair of consecutive events of the department chain (events with a
-- department; citizen contacts after the first event left out): the later event with the one
-- before it. A step is a hand-off when prev_department differs. The hand-offs metric's definition.
CREATE OR REPLACE TEMP VIEW handoff_steps AS
SELECT case_key, next_activity AS activity, next_who AS department,
       activity AS prev_activity, who AS prev_department, wait_s
FROM pf_handoff_steps_department
WHERE next_who IS NOT NULL;

-- tags: activity tags from the import mapping (approval, check, contact, decision, suspension).
CREATE OR REPLACE TEMP VIEW tags AS
SELECT activity, tag FROM activity_tags WHERE log = {{log}};

-- case_stats: one row per case. Activities, extra executions and first-time-right depend only on
-- the case's variant (pf_variant_seq); departments and contacts come from one pass over the events,
-- hand-offs from the department runs (handoffs_runs.sql: runs - 1).
CREATE OR REPLACE TEMP TABLE case_stats AS
WITH per_case AS (
    SELECT case_key,
           len(list_distinct(list(department)))                    AS departments,
           count(*) FILTER (WHERE pos > 1 AND (channel IS NOT NULL
                            OR activity IN (SELECT activity FROM pf_contact_activities))) AS contacts
    FROM pf_steps GROUP BY case_key
),
handoffs AS (
    SELECT case_key, count(*) - 1 AS handoffs FROM pf_handoff_runs_department GROUP BY case_key
)
SELECT
    c.case_key, c.case_id, c.first_ts, c.last_ts, c.throughput_s,
    c.n                                                            AS events,
    v.activities,
    c.n - v.activities                                             AS extra_executions,
    c.n = v.activities                                             AS first_time_right,
    p.departments,
    coalesce(h.handoffs, 0)                                        AS handoffs,
    p.contacts,
    c.first_activity, c.last_activity,
    c.vkey                                                         -- the variant (see variants)
FROM pf_cases c
JOIN pf_variant_seq v USING (vkey)
JOIN per_case p USING (case_key)
LEFT JOIN handoffs h USING (case_key);

-- activity_stats: one row per activity (activities.sql).
CREATE OR REPLACE TEMP TABLE activity_stats AS
SELECT
    activity,
    count                                                          AS events,
    cases,
    cases / (SELECT count(*) FROM pf_cases)                        AS case_share,
    median_wait_s,
    mean_wait_s,
    total_wait_s,
    total_wait_s / nullif((SELECT sum(throughput_s) FROM pf_cases), 0) AS wait_share,
    median_processing_s,
    mean_processing_s,
    sd_processing_s / nullif(mean_processing_s, 0)                 AS cv_processing,
    with_start                                                     AS with_processing,
    resources,
    departments,
    mean_relative_position
FROM pf_activities;

-- dfg: directly-follows edges with counts and transition times (dfg.sql).
CREATE OR REPLACE TEMP TABLE dfg AS
SELECT source, target, count, cases, median_s, mean_s
FROM pf_dfg;

-- variants: distinct activity sequences with their case counts; vkey joins case_stats.
CREATE OR REPLACE TEMP VIEW variants AS
SELECT k.vkey, q.variant, k.cases, k.cases / sum(k.cases) OVER () AS share
FROM pf_variant_keys k JOIN pf_variant_seq q USING (vkey);

-- variant_steps: one row per step of each variant (its representative case, steps.sql), with the
-- variant's cases: what depends only on the activity sequence is cheapest counted here, weighted by
-- `cases` (cost grows with the variants, not the events). `occ` numbers the executions of the
-- activity within the sequence (1, 2, ...), `prev_occ_pos` is where the execution before it was.
CREATE OR REPLACE TEMP VIEW variant_steps AS
SELECT s.vkey, k.cases, s.pos, s.activity, s.next_activity, s.occ, s.prev_occ_pos
FROM pf_variant_steps s JOIN pf_variant_keys k USING (vkey);

-- log_stats: one row about the whole (filtered) log; `years` scales gains to "per year".
CREATE OR REPLACE TEMP TABLE log_stats AS
WITH e AS (
    SELECT count(*)                                                AS events,
           count(channel)                                          AS channel_events,
           count(department)                                       AS department_events,
           count(start_ts)                                         AS start_time_events
    FROM pf_steps
)
SELECT
    count(*)                                                       AS cases,
    any_value(e.events)                                            AS events,
    (SELECT count(*) FROM pf_activities)                           AS activities,
    min(first_ts)                                                  AS first_ts,
    max(last_ts)                                                   AS last_ts,
    -- at least one month, so a short extract does not inflate yearly figures
    greatest((epoch_us(max(last_ts)) - epoch_us(min(first_ts))) / 1e6 / (365.25 * 86400), 1 / 12)
                                                                   AS years,
    count(*) / greatest((epoch_us(max(last_ts)) - epoch_us(min(first_ts))) / 1e6
                        / (365.25 * 86400), 1 / 12)                AS cases_per_year,
    median(throughput_s)                                           AS median_throughput_s,
    avg(throughput_s)                                              AS mean_throughput_s,
    any_value(e.channel_events)                                    AS channel_events,
    any_value(e.department_events)                                 AS department_events,
    any_value(e.start_time_events)                                 AS start_time_events,
    (SELECT median(wait_s) FROM handoff_steps WHERE department <> prev_department) AS median_handoff_wait_s
FROM pf_cases, e;
