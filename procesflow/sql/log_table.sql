-- The events of one import (TEMP VIEW pf_log, log_view.sql) as its table {{table}} (see
-- schema.sql), with the store's ENUM types for the coded columns (the importer fills in the columns
-- and their casts). Rows are stored sorted by (case_no, ts, source order).
CREATE TABLE {{table}} AS
SELECT {{columns}}
FROM pf_log
-- sorted by case: the case numbers then compress into runs (an unsorted case column costs more to
-- write than the sort), and the events of a case lie together
ORDER BY case_no, ts, source_row;
