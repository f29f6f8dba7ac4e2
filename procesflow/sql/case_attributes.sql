-- One row per stored case with its number, its id and its case-level attributes (`case:<key>`
-- columns, prefix dropped); per key the first non-empty value in source order, over the usable rows
-- (pf_norm).
INSERT INTO cases
SELECT $log, CAST(enum_code(n.case_id) AS INTEGER), CAST(n.case_id AS VARCHAR),
       map_from_entries(list_filter([{{entries}}], x -> x.v IS NOT NULL))
FROM pf_norm n
WHERE n.reason IS NULL
GROUP BY n.case_id
ORDER BY enum_code(n.case_id);  -- the codes are in case id order (sorting the ENUM itself is slow)
