-- Staged source rows -> candidate events, each with a reject reason (NULL when usable).
-- The engine fills the double-brace placeholders with quoted column expressions for the roles that were resolved.
CREATE OR REPLACE TEMP TABLE pf_norm AS
WITH src AS (
    SELECT
        s.__row                                          AS source_row,
        pf_clean_text(CAST({{case}} AS VARCHAR))         AS case_id,
        pf_clean_text(CAST({{activity}} AS VARCHAR))     AS activity,
        nullif(trim(CAST({{timestamp}} AS VARCHAR)), '') AS ts_text,
        {{ts_instant}}                                   AS ts,
        {{ts_date_only}}                                 AS ts_date_only,
        {{ts_local}}                                     AS ts_local,
        {{start_text}}                                   AS start_text,
        {{start_instant}}                                AS start_ts,
        pf_clean_text({{resource}})                      AS resource,
        pf_clean_text({{department}})                    AS department,
        pf_clean_text({{channel}})                       AS channel,
        pf_clean_text({{lifecycle}})                     AS lifecycle,
        {{attrs}}                                        AS attrs
    FROM pf_staging s
)
SELECT
    * EXCLUDE (ts_text, start_text),
    CASE
        WHEN case_id IS NULL THEN 'missing case id ({{case_name}})'
        WHEN activity IS NULL THEN 'missing activity ({{activity_name}})'
        WHEN ts_text IS NULL THEN 'missing timestamp ({{timestamp_name}})'
        WHEN ts IS NULL THEN 'unparseable timestamp ({{timestamp_name}})'
        -- 0001-01-01 and 9999-12-31 are "no date" placeholders in many case systems; years outside
        -- 1800-2199 are never real events (and outside what pandas and Python analyses can hold)
        WHEN ts < TIMESTAMPTZ '1800-01-01 00:00:00+00' OR ts >= TIMESTAMPTZ '2200-01-01 00:00:00+00'
            THEN 'timestamp outside 1800-2199 ({{timestamp_name}})'
        WHEN start_text IS NOT NULL AND start_ts IS NULL
            THEN 'unparseable start timestamp ({{start_name}})'
        WHEN start_ts < TIMESTAMPTZ '1800-01-01 00:00:00+00' OR start_ts >= TIMESTAMPTZ '2200-01-01 00:00:00+00'
            THEN 'start timestamp outside 1800-2199 ({{start_name}})'
    END AS reason
FROM src;
