-- The events of one import as they will be stored (pf_events, after pairing): TEMP VIEW pf_log,
-- read by the quality report and by log_table.sql, which writes it to the store. The text roles are
-- codes already (their ENUM types were made from the distinct values before normalising,
-- role_type.sql; the case's code is its number, case_no). `seq` numbers the events 1..n in source
-- order; the event attribute columns ("attr:<key>") and the --dedupe clause are filled in by the
-- importer. `source_row` orders the stored rows and is not stored.
CREATE OR REPLACE TEMP VIEW pf_log AS
SELECT CAST(enum_code(case_id) AS INTEGER)                                 AS case_no,
       activity,
       ts,
       start_ts,
       resource,
       department,
       channel,
       CAST(lifecycle AS {{lifecycle_type}})                                    AS lifecycle,
       {{seq}}                                                                  AS seq,
       CAST(CASE WHEN ts_date_only THEN 'day' ELSE 'time' END AS pf_ts_precision) AS ts_precision{{attributes}},
       source_row
FROM pf_events
{{dedupe}};
