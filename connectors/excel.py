"""Excel workbooks (`.xlsx`), read by DuckDB's `excel` extension from the PyPI package.

DuckDB's extension server is unreachable at many agencies, so the extension is never downloaded:
it is LOADed from the `duckdb-extension-excel` package (a dependency pinned to our DuckDB version),
`<package>/extensions/v<duckdb version>/excel.duckdb_extension`.

How the sheet becomes rows:
* the sheet is `--sheet` (mapping `[source] sheet`), else the first visible sheet; the sheet list
  and the workbook's date system come from `xl/workbook.xml` (read with the DTD-refusing parser);
* every cell is read as text (`all_varchar`), so a column that mixes dates, numbers and text loses
  nothing (typed reading infers a type from the first data row and fails or blanks the rest);
* the header is the first non-empty row of the sheet; `__row` is the sheet's own row number (as
  Excel shows it), empty rows are skipped (counted in the notes);
* Excel stores date-times as day numbers. Columns whose first data cell is formatted as a date,
  date-time or time (DuckDB's typed probe says DATE, TIMESTAMP or TIME) get their numbers turned
  into local wall-clock text here — `2024-03-04 09:15:00`, rounded to the millisecond as Excel
  shows it, `2024-03-04` for whole days in a DATE column, `09:15:00` for times — also for
  workbooks in the 1904 date system (which the extension itself ignores). The shared timestamp
  parser then reads them in `--tz`. Other cells that still hold day numbers (e.g. a date column
  whose first cell is empty) are understood by the shared parser as well (20000..80000).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb

from procesflow.errors import InputError, first_line
from procesflow.sqlfiles import quote_ident, quote_literal
from procesflow.unpack import unpacked_limit

from .base import (
    ROW,
    STAGING,
    ConnectorOptions,
    Staged,
    load_packaged_extension,
    packaged_extension_path,
    unique_column_names,
)
from .xes import secure_parser

EXCEL_BASE = "TIMESTAMP '1899-12-30'"
EXCEL_BASE_1904 = "TIMESTAMP '1904-01-01'"
MAX_SERIAL = 2958465  # 9999-12-31
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_NUMBER = r"'-?\d+(\.\d+)?([eE][-+]?\d+)?'"


class ExcelConnector:
    name = "excel"
    suffixes = (".xlsx",)

    def stage(
        self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions
    ) -> Staged:
        sheets, hidden, date1904 = workbook_info(source)
        if options.sheet is not None:
            if options.sheet not in sheets:
                raise InputError(
                    f"{source}: no sheet named {options.sheet!r}; sheets: "
                    + ", ".join(repr(s) for s in sheets)
                )
            sheet = options.sheet
        else:
            visible = [s for s in sheets if s not in hidden]
            sheet = (visible or sheets)[0]
        load_excel_extension(con)
        args = f"{quote_literal(str(source))}, sheet = {quote_literal(sheet)}, stop_at_empty = false"
        try:
            raw = con.execute(
                f"DESCRIBE SELECT * FROM read_xlsx({args}, header = false, all_varchar = true)"
            ).fetchall()
        except duckdb.Error as exc:
            raise InputError(f"{source}: cannot read sheet {sheet!r} ({first_line(exc)})") from None
        if not raw:
            raise InputError(f"{source}: sheet {sheet!r} is empty")
        match = _CELL_REF.fullmatch(raw[0][0])
        header_row = int(match.group(2)) if match else 1
        try:
            typed = [
                r[1] for r in con.execute(
                    f"DESCRIBE SELECT * FROM read_xlsx({args}, header = true, ignore_errors = true)"
                ).fetchall()
            ]
        except duckdb.Error:
            typed = []  # a one-row sheet (only a header): no types to learn
        if len(typed) != len(raw):
            typed = ["VARCHAR"] * len(raw)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE pf_xlsx AS "
            f"SELECT * FROM read_xlsx({args}, header = false, all_varchar = true)"
        )
        raw_cols = [quote_ident(r[0]) for r in raw]
        first = con.execute("SELECT min(rowid) FROM pf_xlsx").fetchone()[0]
        if first is None:
            raise InputError(f"{source}: sheet {sheet!r} is empty")
        header = con.execute(
            f"SELECT {', '.join(raw_cols)} FROM pf_xlsx WHERE rowid = ?", [first]
        ).fetchone()
        names = unique_names(header)
        base = EXCEL_BASE_1904 if date1904 else EXCEL_BASE
        exprs = [
            f"{_cell_expr(col, kind, base)} AS {quote_ident(name)}"
            for col, kind, name in zip(raw_cols, typed, names, strict=True)
        ]
        not_empty = f"coalesce({', '.join(raw_cols)}) IS NOT NULL"
        con.execute(
            f"""
            CREATE OR REPLACE TEMP VIEW {STAGING} AS
            SELECT {', '.join(exprs)}, rowid - {first} + {header_row} AS {quote_ident(ROW)}
            FROM pf_xlsx WHERE rowid > {first} AND {not_empty}
            """
        )
        rows, empty = con.execute(
            f"SELECT count(*) FILTER (WHERE {not_empty}), count(*) FILTER (WHERE NOT ({not_empty})) "
            f"FROM pf_xlsx WHERE rowid > {first}"
        ).fetchone()
        notes = []
        if empty:
            notes.append(f"{empty:,} empty row(s) in sheet {sheet!r} skipped")
        dated = [n for n, k in zip(names, typed, strict=True) if _kind(k)]
        return Staged(
            connector=self.name,
            rows_read=rows,
            columns=names,
            notes=notes,
            detected={
                "sheet": sheet,
                "sheets": sheets,
                "header_row": header_row,
                "date_columns": dated,
                "date_system": "1904" if date1904 else "1900",
            },
            tables=("pf_xlsx",),
        )


def _kind(duck_type: str) -> str | None:
    t = duck_type.upper()
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "DATE":
        return "date"
    if t.startswith("TIME"):
        return "time"
    return None


def _cell_expr(col: str, duck_type: str, base: str) -> str:
    """SQL turning the text of one column into staged text (day numbers -> wall-clock text)."""
    kind = _kind(duck_type)
    if kind is None:
        return col
    millis = f"CAST(round(CAST({col} AS DOUBLE) * 86400000) AS BIGINT)"
    moment = f"({base} + to_milliseconds({millis}))"
    full = (
        f"CASE WHEN {millis} % 1000 = 0 THEN strftime({moment}, '%Y-%m-%d %H:%M:%S') "
        f"ELSE strftime({moment}, '%Y-%m-%d %H:%M:%S.%g') END"
    )
    if kind == "date":
        text = f"CASE WHEN {millis} % 86400000 = 0 THEN strftime({moment}, '%Y-%m-%d') ELSE {full} END"
    elif kind == "time":
        text = (
            f"CASE WHEN CAST({col} AS DOUBLE) < 1 THEN strftime({moment}, '%H:%M:%S') "
            f"ELSE {full} END"
        )
    else:
        text = full
    # only day numbers Excel can show as dates (0 .. 9999-12-31); anything else stays as written
    return (
        f"CASE WHEN regexp_full_match({col}, {_NUMBER}) "
        f"AND CAST({col} AS DOUBLE) BETWEEN 0 AND {MAX_SERIAL} THEN {text} ELSE {col} END"
    )


def unique_names(header: tuple[object, ...]) -> list[str]:
    """Column names from the header cells: empty -> column<i>, repeated -> name_1, name_2 ..."""
    return unique_column_names(header, "sheet")


def workbook_info(source: Path) -> tuple[list[str], set[str], bool]:
    """(sheet names in workbook order, hidden sheet names, 1904 date system) of an .xlsx file."""
    with source.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{source}: an old Excel 97-2003 (.xls) or password-protected workbook, not .xlsx; "
            "open it in Excel and save it as .xlsx (without a password) or CSV"
        )
    if not zipfile.is_zipfile(source):
        raise InputError(
            f"{source}: not an Excel .xlsx workbook (the file is not a zip/OOXML package); "
            "if it is a CSV or another export, rename it or give --format"
        )
    try:
        with zipfile.ZipFile(source) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if "xl/workbook.xml" not in infos:
                raise InputError(
                    f"{source}: not an Excel workbook (a zip without xl/workbook.xml)"
                )
            total = sum(i.file_size for i in infos.values())
            limit = unpacked_limit(source.stat().st_size)
            if total > limit:
                raise InputError(
                    f"{source}: unpacks to {total:,} bytes, more than the limit of {limit:,} "
                    "(a zip bomb?); raise PROCESFLOW_MAX_RATIO / PROCESFLOW_MAX_BYTES if it is real"
                )
            workbook = zf.read("xl/workbook.xml")
    except zipfile.BadZipFile as exc:
        raise InputError(f"{source}: damaged .xlsx file ({exc})") from None
    sheets: list[str] = []
    hidden: set[str] = set()
    flags = {"date1904": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "sheet" and "name" in attrs:
            sheets.append(attrs["name"])
            if attrs.get("state", "visible") != "visible":
                hidden.add(attrs["name"])
        elif local == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    parser = secure_parser()
    parser.StartElementHandler = start
    try:
        parser.Parse(workbook, True)
    except Exception as exc:  # malformed XML or a refused DTD in the workbook part
        raise InputError(f"{source}: damaged .xlsx file (xl/workbook.xml: {exc})") from None
    if not sheets:
        raise InputError(f"{source}: the workbook has no sheets")
    return sheets, hidden, flags["date1904"]


def excel_extension_path() -> Path:
    """Where the `duckdb-extension-excel` package keeps the extension for our DuckDB version."""
    return packaged_extension_path("duckdb-extension-excel", "excel", "reading .xlsx", "; or export the sheet as CSV")


def load_excel_extension(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the packaged excel extension; never INSTALL (no download)."""
    load_packaged_extension(con, excel_extension_path(), "Excel reader")


CONNECTOR = ExcelConnector()
