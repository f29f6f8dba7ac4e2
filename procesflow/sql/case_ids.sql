-- One row per stored case when the source has no case attributes (the case ids of the usable rows).
INSERT INTO cases
SELECT $log, CAST(case_id AS VARCHAR), CAST(MAP {} AS MAP(VARCHAR, VARCHAR))
FROM (SELECT DISTINCT case_id FROM pf_norm WHERE reason IS NULL)
ORDER BY enum_code(case_id);  -- the codes are in case id order (sorting the ENUM itself is slow)
