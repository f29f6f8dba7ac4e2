-- The ENUM type {{type}} of one text role of an import: its distinct clean values (pf_texts,
-- texts.sql) in sort order, so that comparing codes orders like comparing the text. The empty text
-- comes first as a placeholder (a clean value is never empty): DuckDB cannot sort a column whose
-- ENUM has no values at all, as a role the source does not have would otherwise get.
-- Made TEMP while the import prepares, and again as the store's own type when it writes the log's
-- table (importer.py, _CodedType); the case ids' type stays TEMP: the store keeps each case's code
-- as cases.case_no.
CREATE {{temp}} TYPE {{type}} AS ENUM (
    SELECT '' UNION ALL
    SELECT DISTINCT clean FROM pf_texts WHERE role = {{role}} AND clean IS NOT NULL
    ORDER BY 1);
