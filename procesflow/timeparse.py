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
    """SQL for one timestamp column: the instant, whether it was date-only, and the local value."""

    instant: str  # TIMESTAMPTZ expression (NULL when unparseable)
    date_only: str  # BOOLEAN expression
    local: str  # TIMESTAMP wall-clock expression for DST checks (a typed NULL when not applicable)
    description: str


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
    con.execute(sql_text("timestamps"))


def plan(
    con: duckdb.DuckDBPyConnection,
    table: str,
    column: str,
    tz: str,
    explicit_format: str | None = None,
) -> TimeParse:
    """Decide how to parse `table.column`, looking at its type and (for text) at its values."""
    col = quote_ident(column)
    tzl = quote_literal(tz)
    ctype = _column_type(con, table, column)
    if ctype.startswith("TIMESTAMP WITH TIME ZONE"):
        return TimeParse(col, "false", "CAST(NULL AS TIMESTAMP)", "timestamps with time zone")
    if ctype.startswith("TIMESTAMP"):
        local = f"CAST({col} AS TIMESTAMP)"
        return TimeParse(
            f"pf_local_to_utc({local}, {tzl})", "false", local, f"naive timestamps in {tz}"
        )
    if ctype == "DATE":
        local = f"CAST({col} AS TIMESTAMP)"
        return TimeParse(f"pf_local_to_utc({local}, {tzl})", "true", local, f"dates in {tz}")
    text = f"CAST({col} AS VARCHAR)"
    if explicit_format is not None:
        return _explicit(text, explicit_format, tzl, tz)
    # numbers (Excel serial dates, epoch seconds) are recognised by the text macros as well
    dayfirst = _dayfirst(con, table, col)
    flag = "true" if dayfirst else "false"
    local = f"pf_parse_local({text}, {flag})"
    return TimeParse(
        instant=f"pf_parse_text({text}, {tzl}, {flag})",
        date_only=f"coalesce(pf_is_date_only({text}), false)",
        local=f"CASE WHEN NOT pf_has_offset({text}) THEN {local} END",
        description=(
            f"text, {'day' if dayfirst else 'month'}-first where ambiguous, "
            f"naive values in {tz}"
        ),
    )


def _explicit(text: str, fmt: str, tzl: str, tz: str) -> TimeParse:
    if "%" not in fmt:
        raise InputError(
            f"--timestamp-format {fmt!r} has no % codes; write it like %d-%m-%Y %H:%M "
            "(strftime codes)"
        )
    fmtl = quote_literal(fmt)
    date_only = "false" if any(c in fmt for c in ("%H", "%I", "%M", "%S", "%f", "%z")) else "true"
    if "%z" in fmt or "%Z" in fmt:
        return TimeParse(
            f"CAST(try_strptime(trim({text}), {fmtl}) AS TIMESTAMPTZ)", date_only, "CAST(NULL AS TIMESTAMP)",
            f"format {fmt}",
        )
    local = f"CAST(try_strptime(trim({text}), {fmtl}) AS TIMESTAMP)"
    return TimeParse(f"pf_local_to_utc({local}, {tzl})", date_only, local, f"format {fmt} in {tz}")


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


def _dayfirst(con: duckdb.DuckDBPyConnection, table: str, col: str) -> bool:
    """Day-first unless the values prove month-first (a second field above 12, none in the first)."""
    row = con.execute(
        f"""
        WITH parts AS (
            SELECT regexp_extract(trim(CAST({col} AS VARCHAR)),
                                  '^(\\d{{1,2}})[-/.](\\d{{1,2}})[-/.]\\d{{2,4}}', ['a', 'b']) AS p
            FROM {quote_ident(table)}
        )
        SELECT max(TRY_CAST(p.a AS INTEGER)), max(TRY_CAST(p.b AS INTEGER))
        FROM parts WHERE p.a <> ''
        """
    ).fetchone()
    first, second = row if row else (None, None)
    if first is None:
        return True
    return not (first <= 12 and second is not None and second > 12)
