-- The events of one import (pf_events, after pairing) as its table {{table}} (see schema.sql). The
-- text roles are codes already (their ENUM types were made from the distinct values before
-- normalising, role_type.sql; the case's code is its number, case_no); the lifecycle gets its type
-- here, as pairing makes values such as start+complete. Rows are stored sorted by (case_no, ts, seq).
-- `seq` numbers the events 1..n in source order; the event attribute columns
-- ("attr:<key>") and the --dedupe clause are filled in by the importer.
CREATE TYPE {{lifecycle_type}} AS ENUM (  -- with the empty placeholder, see role_type.sql
    SELECT '' UNION ALL SELECT DISTINCT lifecycle FROM pf_events WHERE lifecycle IS NOT NULL ORDER BY 1);

CREATE TABLE {{table}} AS
SELECT CAST(enum_code(case_id) AS INTEGER)                                 AS case_no,
       activity,
       ts,
       start_ts,
       resource,
       department,
       channel,
       CAST(lifecycle AS {{lifecycle_type}})                                    AS lifecycle,
       {{seq}}                                                                  AS seq,
       CAST(CASE WHEN ts_date_only THEN 'day' ELSE 'time' END AS pf_ts_precision) AS ts_precision{{attributes}}
FROM pf_events
{{dedupe}}
-- sorted by case: the case numbers then compress into runs (an unsorted case column costs more to
-- write than the sort), and the events of a case lie together
ORDER BY case_no, ts, source_row;
