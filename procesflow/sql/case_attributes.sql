-- One row per stored case with its case-level attributes (`case:<key>` columns, prefix dropped);
-- per key the first non-empty value in source order.
INSERT INTO cases
SELECT $log, n.case_id, map_from_entries(list_filter([{{entries}}], x -> x.v IS NOT NULL))
FROM pf_norm n
JOIN pf_staging s ON s.__row = n.source_row
WHERE n.reason IS NULL
GROUP BY n.case_id
ORDER BY n.case_id;
