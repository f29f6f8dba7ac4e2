-- The ENUM type {{type}} of one coded event attribute column of an import: the column's distinct
-- non-empty values (pf_values, procesflow.privacy.count_values) in sort order, after the empty
-- placeholder (see role_type.sql). TEMP while the import prepares, the store's own when it writes
-- (importer.py, _CodedType).
CREATE {{temp}} TYPE {{type}} AS ENUM (
    SELECT '' UNION ALL
    SELECT DISTINCT value FROM pf_values WHERE col = {{column}} AND value IS NOT NULL AND value <> ''
    ORDER BY 1);
