-- Personal data in the staged source columns (AVG/GDPR): per column, how many values hold a likely
-- BSN, an e-mail address or a phone number. Run during the import on the staged rows; the engine
-- fills {{cells}} with one `SELECT 'c<i>' AS col, <column as text> AS value, count(*) AS n ...
-- GROUP BY 2` per column it scans (all but __row and the timestamps), joined by UNION ALL. Each
-- distinct value is tested once, weighted by how often it occurs.
--
--  * BSN: a run of exactly 9 digits (also written 1234.56.782) passing the 11-proef
--    9a + 8b + 7c + 6d + 5e + 4f + 3g + 2h - i = 0 (mod 11), not 000000000. Random 9-digit numbers
--    pass 1 in 11 times, so `nine_digit` (values with any 9-digit run) lets the engine tell a column
--    of BSNs (all pass) from a column of 9-digit case numbers (about 9% pass).
--  * e-mail: name@domain.tld anywhere in the value.
--  * phone: a Dutch number (06-12345678, 020 123 4567, +31 (0)6 1234 5678, 0031...) or an
--    international one (+ country code and 8-14 digits), not inside a date such as 01-02-2024 10:00.

CREATE OR REPLACE TEMP MACRO pf_elfproef(d) AS (
    d <> '000000000'
    AND (9 * CAST(d[1] AS INTEGER) + 8 * CAST(d[2] AS INTEGER) + 7 * CAST(d[3] AS INTEGER)
         + 6 * CAST(d[4] AS INTEGER) + 5 * CAST(d[5] AS INTEGER) + 4 * CAST(d[6] AS INTEGER)
         + 3 * CAST(d[7] AS INTEGER) + 2 * CAST(d[8] AS INTEGER) - CAST(d[9] AS INTEGER)) % 11 = 0);

WITH cells AS (
    SELECT col, value, n FROM ({{cells}}) WHERE trim(value) <> ''
),
tested AS (
    SELECT col, n,
           list_filter(regexp_extract_all(regexp_replace(value, '(\d{4})\.(\d{2})\.(\d{3})', '\1\2\3', 'g'),
                                          '\d+'),
                       x -> length(x) = 9) AS nines,
           regexp_matches(value, '[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}') AS email,
           NOT regexp_matches(value, '\d{1,4}[\-/.]\d{1,2}[\-/.]\d{1,4}')
           AND (regexp_matches(value, '(^|[^\d+])(0031|\+31|0)[ \-]?(\(0\)[ \-]?)?[1-9]([ \-]?\d){8}($|\D)')
                OR regexp_matches(value, '(^|[^\w+])\+[1-9]([ \-]?\d){7,13}($|\D)')) AS phone
    FROM cells
    WHERE regexp_matches(value, '[0-9@]')
),
totals AS (
    SELECT col, sum(n) AS total FROM cells GROUP BY col
),
found AS (
    SELECT col,
           sum(n) FILTER (WHERE len(nines) > 0) AS nine_digit,
           sum(n) FILTER (WHERE len(list_filter(nines, x -> pf_elfproef(x))) > 0) AS bsn,
           sum(n) FILTER (WHERE email) AS email,
           sum(n) FILTER (WHERE phone) AS phone
    FROM tested
    GROUP BY col
)
SELECT col, total AS "values", coalesce(nine_digit, 0) AS nine_digit, coalesce(bsn, 0) AS bsn,
       coalesce(email, 0) AS email, coalesce(phone, 0) AS phone
FROM totals LEFT JOIN found USING (col)
ORDER BY col;
