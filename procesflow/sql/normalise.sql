-- Staged source rows -> candidate events, each with a reject reason (NULL when usable).
-- The engine fills the double-brace placeholders with quoted column expressions for the roles that
-- were resolved, and the timestamp parts of `procesflow.timeparse.TimeParse` (one per column).
--
-- Speed: a timestamp is parsed once per row (`fast`: the one strptime format most values have, the
-- generic parser only for the rest), and wall-clock time becomes UTC through a lookup per local hour
-- (pf_hours): where the zone's UTC offset is the same from 3 hours before to 4 hours after the hour,
-- every time in it is `local - offset`; only hours near a DST change, and values in an hour pf_hours
-- lacks, use pf_local_to_utc (whose result it equals). `ts_near_dst` marks those rows for the DST counts of the import report.
-- Text roles are cleaned (trimmed, control characters removed, empty -> NULL) once per distinct value
-- (pf_texts, built by the importer) and joined back only for the roles where cleaning changes some value;
-- the other roles are read as they are (`nullif(<column>, '')`).
-- Event attributes travel along as columns "attr:<key>" and case attributes as "case:<key>"; they
-- become columns of the log's table and rows of `cases`.
CREATE OR REPLACE TEMP TABLE pf_norm AS
WITH raw AS (
    SELECT s.*, {{ts_fast}} AS pf_ts_fast, {{start_fast}} AS pf_start_fast
    FROM pf_staging s
),
src AS (
    SELECT
        s.__row                                          AS source_row,
        {{case}}                                         AS case_id,
        {{activity}}                                     AS activity,
        {{ts_present}}                                   AS ts_present,
        {{ts_direct}}                                    AS ts_direct,
        {{ts_date_only}}                                 AS ts_date_only,
        {{ts_local}}                                     AS ts_local,
        {{start_present}}                                AS start_present,
        {{start_direct}}                                 AS start_direct,
        {{start_local}}                                  AS start_local,
        {{resource}}                                     AS resource,
        {{department}}                                   AS department,
        {{channel}}                                      AS channel,
        {{lifecycle}}                                    AS lifecycle{{carried}}
    FROM raw s{{text_joins}}
),
zone AS (  -- pf_hours: the local hours (since 1970, wall clock) the values fall in, from the staged
           -- columns before this query (TimeParse.hours), so that src is read once, not materialised
    SELECT hour, timezone({{tz}}, make_timestamp(CAST(hour * 3600000000 AS BIGINT))) AS i FROM pf_hours
),
offsets AS (  -- per local hour: the UTC offset, and whether it holds from 3 hours before to 4 after
    SELECT hour,
           pf_offset_us(i - INTERVAL 3 HOUR, {{tz}}) = pf_offset_us(i + INTERVAL 4 HOUR, {{tz}}) AS stable,
           pf_offset_us(i, {{tz}}) AS offset_us
    FROM zone
),
converted AS (  -- (integer arithmetic per row; the time-zone functions run per hour, and per row only
                --  near a change of offset)
    SELECT src.* EXCLUDE (ts_direct, start_direct),
           coalesce(ts_direct,
                    CASE WHEN zt.stable THEN make_timestamptz(epoch_us(ts_local) - zt.offset_us)
                         ELSE pf_local_to_utc(ts_local, {{tz}}) END)     AS ts,
           coalesce(start_direct,
                    CASE WHEN zs.stable THEN make_timestamptz(epoch_us(start_local) - zs.offset_us)
                         ELSE pf_local_to_utc(start_local, {{tz}}) END)  AS start_ts,
           ts_local IS NOT NULL AND NOT coalesce(zt.stable, false)       AS ts_near_dst
    FROM src
    LEFT JOIN offsets zt ON zt.hour = pf_hour(src.ts_local)
    LEFT JOIN offsets zs ON zs.hour = pf_hour(src.start_local)
)
SELECT
    * EXCLUDE (ts_present, start_present, start_local),
    CASE
        WHEN case_id IS NULL THEN 'missing case id ({{case_name}})'
        WHEN activity IS NULL THEN 'missing activity ({{activity_name}})'
        WHEN NOT ts_present THEN 'missing timestamp ({{timestamp_name}})'
        WHEN ts IS NULL THEN 'unparseable timestamp ({{timestamp_name}})'
        -- 0001-01-01 and 9999-12-31 are "no date" placeholders in many case systems; years outside
        -- 1800-2199 are never real events (and outside what pandas and Python analyses can hold)
        WHEN ts < TIMESTAMPTZ '1800-01-01 00:00:00+00' OR ts >= TIMESTAMPTZ '2200-01-01 00:00:00+00'
            THEN 'timestamp outside 1800-2199 ({{timestamp_name}})'
        WHEN start_present AND start_ts IS NULL
            THEN 'unparseable start timestamp ({{start_name}})'
        WHEN start_ts < TIMESTAMPTZ '1800-01-01 00:00:00+00' OR start_ts >= TIMESTAMPTZ '2200-01-01 00:00:00+00'
            THEN 'start timestamp outside 1800-2199 ({{start_name}})'
    END AS reason
FROM converted;
