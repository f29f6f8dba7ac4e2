-- The distinct values of the text roles (case id, activity, resource, ...), each cleaned once
-- (pf_clean_text, timestamps.sql): normalise.sql joins a role's clean values back only when cleaning
-- changes one of them, and reads the column as it is otherwise (the usual case: clean exports).
-- The values come from pf_values (procesflow.privacy.count_values: every column's distinct values,
-- also read by the personal-data scan); {{roles}} maps each mapped role to its column.
CREATE OR REPLACE TEMP TABLE pf_texts AS
SELECT r.role, v.value AS raw, pf_clean_text(v.value) AS clean
FROM pf_values v JOIN (VALUES {{roles}}) AS r(role, col) ON r.col = v.col
WHERE v.value IS NOT NULL;
