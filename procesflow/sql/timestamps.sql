-- Timestamp parsing macros, created as TEMP macros on the import connection.
-- Policy (documented in the README, section "Time"):
--  * a value with an offset (Z, +02:00, +0200) is that instant;
--  * a value without one is wall-clock time in the import's zone (--tz);
--  * a wall-clock time that falls in the spring DST gap (does not exist) is read with the offset
--    in force before the change, i.e. shifted forward by the gap (02:30 -> 03:30 CEST);
--  * an ambiguous autumn time (occurs twice) is the first occurrence (summer time);
--    the last two rules are Python's PEP 495 fold=0 convention;
--  * day-first (dd-mm-yyyy, Dutch) unless the import decided month-first from the data;
--  * numbers 20000..80000 are Excel serial dates (days since 1899-12-30, local time);
--    10-digit and 13-digit integers are Unix epoch seconds and milliseconds (UTC).

CREATE OR REPLACE TEMP MACRO pf_has_offset(v) AS
    regexp_matches(v, '\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$');

CREATE OR REPLACE TEMP MACRO pf_is_number(v) AS
    regexp_full_match(v, '\d+([.,]\d+)?');

CREATE OR REPLACE TEMP MACRO pf_is_date_only(v) AS
    regexp_full_match(v, '\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{8}|\d{5}');

-- Wall-clock text without offset -> TIMESTAMP (NULL when it is not a date we know).
-- The date part is normalised to dashes and the date/time separator to a space first (bound once
-- through a one-element list, not a subquery: a subquery is joined for every row, even those a
-- CASE or coalesce around the call does not need).
-- Every strptime value and format ends in '|' (timeparse.strptime_sql says why: DuckDB 1.5.5's
-- strptime reads one byte past the end of a value that stops where the format goes on).
CREATE OR REPLACE TEMP MACRO pf_parse_local(v, dayfirst) AS (
    list_transform([regexp_replace(
                        regexp_replace(trim(v), '^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})', '\1-\2-\3'),
                        '^(\S+)[T ]+', '\1 ')], s -> CASE
        WHEN regexp_full_match(s, '\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)?')
            THEN try_strptime(replace(s, ',', '.') || '|',
                              ['%Y-%m-%d %H:%M:%S.%f|', '%Y-%m-%d %H:%M:%S|', '%Y-%m-%d %H:%M|', '%Y-%m-%d|'])
        WHEN regexp_full_match(s, '\d{1,2}-\d{1,2}-\d{4}( \d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)?')
            THEN CASE WHEN dayfirst
                 THEN try_strptime(replace(s, ',', '.') || '|',
                                   ['%d-%m-%Y %H:%M:%S.%f|', '%d-%m-%Y %H:%M:%S|', '%d-%m-%Y %H:%M|', '%d-%m-%Y|'])
                 ELSE try_strptime(replace(s, ',', '.') || '|',
                                   ['%m-%d-%Y %H:%M:%S.%f|', '%m-%d-%Y %H:%M:%S|', '%m-%d-%Y %H:%M|', '%m-%d-%Y|'])
                 END
        WHEN regexp_full_match(s, '\d{1,2}-\d{1,2}-\d{2}( \d{1,2}:\d{2}(:\d{2})?)?')
            THEN CASE WHEN dayfirst
                 THEN try_strptime(s || '|', ['%d-%m-%y %H:%M:%S|', '%d-%m-%y %H:%M|', '%d-%m-%y|'])
                 ELSE try_strptime(s || '|', ['%m-%d-%y %H:%M:%S|', '%m-%d-%y %H:%M|', '%m-%d-%y|'])
                 END
        WHEN regexp_full_match(s, '\d{8}') THEN try_strptime(s || '|', '%Y%m%d|')
        WHEN regexp_full_match(s, '\d{5}([.,]\d+)?')
             AND TRY_CAST(replace(s, ',', '.') AS DOUBLE) BETWEEN 20000 AND 80000
            THEN TIMESTAMP '1899-12-30'
                 + to_microseconds(CAST(round(TRY_CAST(replace(s, ',', '.') AS DOUBLE)
                                              * 86400000000) AS BIGINT))
        END)[1]);

-- Unix epoch seconds (10 digits) or milliseconds (13 digits) -> instant.
CREATE OR REPLACE TEMP MACRO pf_parse_epoch(v) AS (
    CASE WHEN regexp_full_match(trim(v), '\d{9,10}') THEN to_timestamp(TRY_CAST(trim(v) AS BIGINT))
         WHEN regexp_full_match(trim(v), '\d{12,13}')
             THEN make_timestamptz(TRY_CAST(trim(v) AS BIGINT) * 1000)
    END);

-- Wall-clock TIMESTAMP `l` in zone `tz` -> the UTC instant (fold=0, see above), for any size of
-- change (1 hour, Lord Howe's 30 minutes, Troll's 2 hours): the two candidates are `l` read with the
-- UTC offset in force 3 hours before and 3 hours after; the one with the earlier offset wins unless
-- only the later one gives `l` back (an overlap then yields the first occurrence, a gap the offset
-- before the change — Python's zoneinfo with fold=0, checked minute by minute in the tests).
CREATE OR REPLACE TEMP MACRO pf_utc_offset(i, tz) AS (timezone(tz, i) - timezone('UTC', i));
-- the same in microseconds (for integer arithmetic per row)
CREATE OR REPLACE TEMP MACRO pf_offset_us(i, tz) AS (epoch_us(timezone(tz, i)) - epoch_us(timezone('UTC', i)));

CREATE OR REPLACE TEMP MACRO pf_local_candidate(l, tz, shift) AS
    timezone('UTC', l - pf_utc_offset(timezone(tz, l) + shift, tz));

-- (`l` is bound once through a one-element list: a macro argument used ten times would be the
-- whole parsing expression ten times)
CREATE OR REPLACE TEMP MACRO pf_local_to_utc(l, tz) AS (
    list_transform([l], x ->
        CASE WHEN timezone(tz, pf_local_candidate(x, tz, INTERVAL '-3 hours')) = x
                  OR timezone(tz, pf_local_candidate(x, tz, INTERVAL '3 hours')) <> x
             THEN pf_local_candidate(x, tz, INTERVAL '-3 hours')
             ELSE pf_local_candidate(x, tz, INTERVAL '3 hours') END)[1]);

CREATE OR REPLACE TEMP MACRO pf_is_nonexistent(l, tz) AS (timezone(tz, timezone(tz, l)) <> l);

CREATE OR REPLACE TEMP MACRO pf_is_ambiguous(l, tz) AS (
    timezone(tz, pf_local_candidate(l, tz, INTERVAL '-3 hours')) = l
    AND timezone(tz, pf_local_candidate(l, tz, INTERVAL '3 hours')) = l
    AND pf_local_candidate(l, tz, INTERVAL '-3 hours') <> pf_local_candidate(l, tz, INTERVAL '3 hours'));

-- Any text timestamp -> instant. Offsets win, then epoch numbers, then wall-clock time in tz.
CREATE OR REPLACE TEMP MACRO pf_parse_text(v, tz, dayfirst) AS (
    CASE WHEN pf_has_offset(v)
             THEN TRY_CAST(regexp_replace(replace(trim(v), ',', '.'), '\s+([+-]\d|Z$)', '\1')
                           AS TIMESTAMPTZ)
         WHEN regexp_full_match(trim(v), '\d{9,10}|\d{12,13}') THEN pf_parse_epoch(v)
         ELSE pf_local_to_utc(pf_parse_local(v, dayfirst), tz)
    END);

-- Attribute values that are ISO date-times with an offset are stored as the UTC instant in one
-- spelling (2011-12-06T12:41:31.788000Z), so that the same value exported by different tools
-- (XES `2011-12-06T13:41:31.788+01:00`, CSV `2011-12-06 13:41:31.788000+01:00`) compares equal.
-- (the length and the dash are checked first: most values are not date-times, and the regular
-- expression is the expensive part)
CREATE OR REPLACE TEMP MACRO pf_canon_value(v) AS (
    CASE WHEN length(v) >= 20 AND substr(v, 5, 1) = '-' AND regexp_full_match(v, '\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)')
         THEN coalesce(strftime(TRY_CAST(v AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%fZ'), v)
         ELSE v END);

-- Role values (case id, activity, resource, ...) without control characters (NUL, ESC, ...), which
-- are never meant and break the XML and DOT outputs; tab and newline stay inside a value, and are
-- trimmed with spaces from its ends. Empty becomes NULL.
CREATE OR REPLACE TEMP MACRO pf_clean_text(v) AS
    nullif(trim(CASE WHEN regexp_matches(v, '[\x00-\x08\x0b-\x1f\x7f]')
                     THEN regexp_replace(v, '[\x00-\x08\x0b-\x1f\x7f]', '', 'g') ELSE v END,
                ' ' || chr(9) || chr(10) || chr(13)), '');
