-- Staged source rows -> candidate events, each with a reject reason (NULL when usable).
-- The engine fills the double-brace placeholders with quoted column expressions for the roles that were resolved.
CREATE OR REPLACE TEMP TABLE pf_norm AS
WITH src AS (
    SELECT
        s.__row                                          AS source_row,
        nullif(trim(CAST({{case}} AS VARCHAR)), '')      AS case_id,
        nullif(trim(CAST({{activity}} AS VARCHAR)), '')  AS activity,
        nullif(trim(CAST({{timestamp}} AS VARCHAR)), '') AS ts_text,
        {{ts_instant}}                                   AS ts,
        {{ts_date_only}}                                 AS ts_date_only,
        {{ts_local}}                                     AS ts_local,
        {{start_text}}                                   AS start_text,
        {{start_instant}}                                AS start_ts,
        {{resource}}                                     AS resource,
        {{department}}                                   AS department,
        {{channel}}                                      AS channel,
        {{lifecycle}}                                    AS lifecycle,
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
        WHEN start_text IS NOT NULL AND start_ts IS NULL
            THEN 'unparseable start timestamp ({{start_name}})'
    END AS reason
FROM src;
