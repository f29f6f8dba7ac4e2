"""Turn a staged timestamp column, whatever its type and format, into a UTC instant in SQL.

The parsing rules themselves are DuckDB macros in `sql/timestamps.sql` (read there for the DST and
day-first policy). This module only decides, from the column's type and a look at its values, which
macro call to use — so millions of values are parsed inside DuckDB, never in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from .errors import InputError
from .sqlfiles import quote_ident, quote_literal, sql_text


@dataclass(frozen=True)
class TimeParse:
    """SQL for one timestamp column.

    `instant` is the whole per-value parse (a UTC instant, NULL when unparseable): the reference
    semantics, usable in any SELECT. The import (`normalise.sql`) computes the same instant faster, from
    the parts below: `fast` once per row, then `direct` (values that are instants by themselves:
    typed with a zone, an offset in the text, epoch numbers) or `local` (wall-clock time in the import's
    zone), whose conversion to UTC is looked up per distinct local hour instead of per row.
    `direct`, `local` and `date_only` may refer to `fast` as the column named by `fast_column`."""

    instant: str  # TIMESTAMPTZ expression (NULL when unparseable)
    date_only: str  # BOOLEAN expression
    local: str  # TIMESTAMP wall-clock expression (a typed NULL when the value is an instant by itself)
    description: str
    present: str = "false"  # BOOLEAN: a value was given (not NULL, not blank)
    direct: str = "CAST(NULL AS TIMESTAMPTZ)"  # TIMESTAMPTZ of values that carry their own instant
    fast: str = "CAST(NULL AS TIMESTAMP)"  # TIMESTAMP: the one strptime format most values have
    #: a SELECT of the local hours (`hour`: hours since 1970 on the wall clock) the column's wall-clock
    #: values fall in, or a superset; "" when it has none. normalise.sql converts the values of these
    #: hours by a lookup, any other value (a format the cheap look missed) by the time-zone function
    hours: str = ""


#: strptime formats tried on a sample of a text column; when one reads every sampled value exactly as
#: the generic parser does, it is tried first on every row (the generic parser handles the rest)
FAST_FORMATS = (
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m-%d-%Y %H:%M:%S", "%m-%d-%Y %H:%M", "%m-%d-%Y",
)
FAST_SAMPLE_ROWS = 5_000

#: characters that may close a value and its format for `strptime_sql` (the first one the format lacks)
END_MARKS = "|#~^"


def strptime_sql(value: str, fmt: str) -> str:
    """`try_strptime(value, fmt)` that cannot read past the end of the value.

    DuckDB 1.5.5's strptime compares a format's literal characters without checking the value's length:
    a value that stops where the format goes on (`2024-03-31 02:00` read with `%Y-%m-%d %H:%M:%S`) is
    read one byte beyond its end, which crashes the process when that byte is on an unmapped page
    (seen in the test suite: a segmentation fault in `StrpTimeFormat::Parse`). With a character the
    format does not contain after both, every comparison stops at that character, which only the
    format's own last literal can match. (A value with trailing spaces no longer matches; the callers
    trim, or let such a value take the generic parser, which trims.)"""
    end = next((c for c in END_MARKS if c not in fmt), None)
    if end is None:
        raise InputError(f"--timestamp-format {fmt!r} uses all of {END_MARKS}; leave one of them out")
    return f"try_strptime({value} || {quote_literal(end)}, {quote_literal(fmt + end)})"


def check_tz(tz: str) -> str:
    """The zone name if both Python and DuckDB know it; an InputError naming --tz otherwise."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {tz!r} for --tz; use an IANA name such as Europe/Amsterdam or UTC"
        ) from None
    return tz


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("macros"))  # pf_hour (shared with the analysis)
    con.execute(sql_text("timestamps"))


def plan(
    con: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    tz: str,
    explicit_format: str | None = None,
    fast_column: str | None = None,
) -> TimeParse:
    """Decide how to parse `table.column`, looking at its type and (for text) at its values.

    `fast_column`: the name under which the caller computes `fast` (see `TimeParse`); without it the
    plan has no fast path."""
    col = quote_ident(column)
    tzl = quote_literal(tz)
    ctype = _column_type(con, table, column)
    present = f"{col} IS NOT NULL"
    if ctype.startswith("TIMESTAMP WITH TIME ZONE"):
        return TimeParse(col, "false", "CAST(NULL AS TIMESTAMP)", "timestamps with time zone",
                         present=present, direct=col)
    if ctype.startswith("TIMESTAMP") or ctype == "DATE":
        local = f"CAST({col} AS TIMESTAMP)"
        date_only = "true" if ctype == "DATE" else "false"
        what = f"dates in {tz}" if ctype == "DATE" else f"naive timestamps in {tz}"
        return TimeParse(f"pf_local_to_utc({local}, {tzl})", date_only, local, what, present=present,
                         hours=_hours_of(local, table))
    text = f"CAST({col} AS VARCHAR)"
    present = f"nullif(trim({text}), '') IS NOT NULL"
    if explicit_format is not None:
        return _explicit(con, text, explicit_format, tzl, tz, present, table)
    # numbers (Excel serial dates, epoch seconds) are recognised by the text macros as well
    heads = f"{fast_column}_heads" if fast_column else None
    dayfirst = _dayfirst(con, table, col, heads)
    flag = "true" if dayfirst else "false"
    local = f"pf_parse_local({text}, {flag})"
    # blank values are not parsed at all (the regular expressions are the expensive part)
    direct = (f"CASE WHEN NOT ({present}) THEN NULL "
              f"WHEN pf_has_offset({text}) THEN pf_parse_text({text}, {tzl}, {flag}) "
              f"WHEN regexp_full_match(trim({text}), '\\d{{9,10}}|\\d{{12,13}}') THEN pf_parse_epoch({text}) END")
    local = f"CASE WHEN ({present}) AND NOT pf_has_offset({text}) THEN {local} END"
    date_only = f"coalesce(pf_is_date_only({text}), false)"
    fmt = _fast_format(con, table, text, flag) if fast_column else None
    fast = "CAST(NULL AS TIMESTAMP)"
    if fmt is not None:
        # the value as it is (a value with spaces around it fails here and takes the generic path):
        # only the values the fast format misses are trimmed, tested for an offset and parsed
        fast = strptime_sql(text, fmt)
        # (CASE, not OR / coalesce: DuckDB would compute the generic parts' common terms, such as
        # trim(value), for every row before the OR; a CASE branch runs only for the rows it takes)
        f = quote_ident(fast_column)
        present = f"CASE WHEN {f} IS NOT NULL THEN true ELSE {present} END"
        direct = f"CASE WHEN {f} IS NULL THEN {direct} END"
        local = f"CASE WHEN {f} IS NOT NULL THEN {f} ELSE {local} END"
        date_only = f"CASE WHEN {f} IS NOT NULL THEN {_date_only(fmt)} ELSE {date_only} END"
    if heads:  # every hour of the days the values' first ten characters name
        hours = (f"SELECT DISTINCT pf_hour(CAST(CAST(d AS DATE) AS TIMESTAMP)) + h AS hour "
                 f"FROM (SELECT pf_parse_local(head, {flag}) AS d FROM {quote_ident(heads)} "
                 f"      WHERE regexp_matches(head, '{DATE_HEAD}')), range(24) AS r(h) WHERE d IS NOT NULL")
    else:
        hours = _hours_of(local, table)
    return TimeParse(
        instant=f"pf_parse_text({text}, {tzl}, {flag})",
        date_only=date_only,
        local=local,
        description=(
            f"text, {'day' if dayfirst else 'month'}-first where ambiguous, "
            f"naive values in {tz}"
        ),
        present=present,
        direct=direct,
        fast=fast,
        hours=hours,
    )


#: a value's first ten characters that may name a day: d-m-y / y-m-d with - / . between, yyyymmdd,
#: an Excel serial day number (epoch numbers are instants, not wall-clock time)
DATE_HEAD = r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|^\d{8}$|^\d{5}([.,]|$)"


def _hours_of(local: str, table: str) -> str:
    """The distinct local hours of a wall-clock expression over every row (a pass over the column)."""
    return f"SELECT DISTINCT pf_hour({local}) AS hour FROM {quote_ident(table)}"


def _date_only(fmt: str) -> str:
    return "false" if any(c in fmt for c in ("%H", "%I", "%M", "%S", "%f", "%z")) else "true"


def _explicit(con: duckdb.DuckDBPyConnection, text: str, fmt: str, tzl: str, tz: str, present: str,
              table: str) -> TimeParse:
    if "%" not in fmt:
        raise InputError(
            f"--timestamp-format {fmt!r} has no % codes; write it like %d-%m-%Y %H:%M "
            "(strftime codes)"
        )
    # the format as the user wrote it (DuckDB's message would show it with strptime_sql's end mark), on an
    # empty value (inline in DuckDB's string header: no byte beyond it to read)
    try:
        con.execute(f"SELECT try_strptime('', {quote_literal(fmt)})")
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0].split(f"{fmt}: ", 1)[-1]  # after "Failed to parse format specifier …: "
        raise InputError(f"--timestamp-format {fmt!r} is not a strptime format ({reason}); "
                         "write it like %d-%m-%Y %H:%M (strftime codes)") from None
    date_only = _date_only(fmt)
    if "%z" in fmt or "%Z" in fmt:
        instant = f"CAST({strptime_sql(f'trim({text})', fmt)} AS TIMESTAMPTZ)"
        return TimeParse(instant, date_only, "CAST(NULL AS TIMESTAMP)", f"format {fmt}",
                         present=present, direct=instant)
    local = f"CAST({strptime_sql(f'trim({text})', fmt)} AS TIMESTAMP)"
    return TimeParse(f"pf_local_to_utc({local}, {tzl})", date_only, local, f"format {fmt} in {tz}",
                     present=present, hours=_hours_of(local, table))


def _fast_format(con: duckdb.DuckDBPyConnection, table: str, text: str, flag: str) -> str | None:
    """The first of FAST_FORMATS that reads the first non-blank values exactly as the generic parser does.

    (The first rows, not a random sample: a crash in the test suite was first blamed on DuckDB 1.5's
    sampling, duckdb/duckdb#16258, before strptime's overread was found, see `strptime_sql`. Which
    values are looked at only decides speed, never a result.)"""
    checks = ", ".join(
        f"bool_and({strptime_sql('v', f)} IS NOT NULL AND {strptime_sql('v', f)} = g)"
        for f in FAST_FORMATS)
    row = con.execute(
        f"""
        WITH sample AS (SELECT trim({text}) AS v FROM {quote_ident(table)}
                        WHERE trim({text}) <> '' LIMIT {FAST_SAMPLE_ROWS}),
        parsed AS (SELECT v, pf_parse_local(v, {flag}) AS g FROM sample WHERE NOT pf_has_offset(v))
        SELECT count(*), {checks} FROM parsed
        """
    ).fetchone()
    if not row or not row[0]:
        return None
    return next((f for f, ok in zip(FAST_FORMATS, row[1:], strict=True) if ok), None)


def _column_type(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str:
    row = con.execute(
        "SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    if row is None:  # a view: ask DuckDB for the type of the expression
        row = con.execute(
            f"SELECT typeof({quote_ident(column)}) FROM {quote_ident(table)} LIMIT 1"
        ).fetchone()
    return (row[0] if row else "VARCHAR").upper()


def _dayfirst(con: duckdb.DuckDBPyConnection, table: str, col: str, keep_heads: str | None = None) -> bool:
    """Day-first unless the values prove month-first (a second field above 12, none in the first).
    `keep_heads`: a TEMP table to keep the distinct heads in (column `head`), for `TimeParse.hours`."""
    # on the distinct first ten characters (the date part of dd-mm-yyyy...): the same answer as on every
    # value, as the pattern only looks at the start, for a fraction of the regular-expression work
    # (the first ten characters are grouped as they are and trimmed afterwards: trimming every value of
    # the column costs more than the rest together; a value with a few spaces before it still shows its
    # day and month, with a two-digit year)
    heads = (f"SELECT DISTINCT trim(raw) AS head "
             f"FROM (SELECT DISTINCT left(CAST({col} AS VARCHAR), 10) AS raw FROM {quote_ident(table)})")
    if keep_heads:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(keep_heads)} AS {heads}")
        heads = f"SELECT head FROM {quote_ident(keep_heads)}"
    row = con.execute(
        f"""
        WITH heads AS ({heads}),
        parts AS (
            SELECT regexp_extract(head, '^(\\d{{1,2}})[-/.](\\d{{1,2}})[-/.]\\d{{2,4}}', ['a', 'b']) AS p
            FROM heads
        )
        -- (no WHERE on the parts: a filter would be pushed down to every value of the column; heads
        -- that do not match give '' for both parts, which TRY_CAST makes NULL)
        SELECT max(TRY_CAST(p.a AS INTEGER)), max(TRY_CAST(p.b AS INTEGER))
        FROM parts
        """
    ).fetchone()
    first, second = row if row else (None, None)
    if first is None:
        return True
    return not (first <= 12 and second is not None and second > 12)
