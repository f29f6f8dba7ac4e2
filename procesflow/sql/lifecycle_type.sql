-- The ENUM type {{type}} of an import's lifecycle values, after pairing (which makes values such as
-- start+complete), with the empty placeholder of role_type.sql; TEMP while the import prepares, the
-- store's own type when it writes the log's table.
CREATE {{temp}} TYPE {{type}} AS ENUM (
    SELECT '' UNION ALL SELECT DISTINCT lifecycle FROM pf_events WHERE lifecycle IS NOT NULL ORDER BY 1);
