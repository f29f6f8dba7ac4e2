-- One row per stored case when the source has no case attributes (the cases of the usable rows):
-- its number (the code of the import's case dictionary, role_type.sql) and its id.
INSERT INTO cases
SELECT $log, CAST(enum_code(case_id) AS INTEGER), CAST(case_id AS VARCHAR), CAST(MAP {} AS MAP(VARCHAR, VARCHAR))
FROM (SELECT DISTINCT case_id FROM pf_norm WHERE reason IS NULL)
ORDER BY enum_code(case_id);  -- the codes are in case id order (sorting the ENUM itself is slow)
