"""The small interface every connector implements.

A connector's only job is to *stage* a source: put its rows, as they are, into the temporary table
`pf_staging` on the import's connection, with one extra column `__row` (BIGINT) saying where the
row came from (as a spreadsheet numbers rows: header = row 1; for XES/OCEL the 1-based event number).
Rows the connector cannot even read (a CSV line with too many fields, an XES event without any
attribute) go to the temporary table `pf_stage_rejects(source_row, raw, reason)`.

Everything after staging — column roles, timestamp parsing, rejects, start/complete pairing,
duplicates, quality report, the write into the store — is shared (`procesflow.importer`), so every
source kind gets the same guarantees.

Conventions for staged columns, so that role detection and case attributes work the same for all
sources: case-level attributes are named `case:<key>` (as pm4py and XES-derived CSVs do), the XES
standard keys keep their names (`concept:name`, `time:timestamp`, `org:resource`, ...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from procesflow.errors import InputError
from procesflow.sqlfiles import quote_ident

#: more columns than any event log needs: the attribute map of a 10,000-column export costs seconds
#: and gigabytes per import (and a CSV's read buffers all of DuckDB's memory limit), so a wider
#: source is refused with a message — a CSV before its rows are read
MAX_COLUMNS = 2000

STAGING = "pf_staging"
STAGE_REJECTS = "pf_stage_rejects"
#: the staged rows with pseudonyms (procesflow.privacy.pseudonymise; pf_staging is then a view of it)
PSEUDONYMISED = "pf_staging_pseudonymised"
ROW = "__row"


@dataclass
class ConnectorOptions:
    """Source options a user may give; connectors ignore those that do not apply to them."""

    delimiter: str | None = None
    encoding: str | None = None
    quote: str | None = None
    null_tokens: list[str] | None = None
    sheet: str | None = None
    object_type: str | None = None
    table: str | None = None
    query: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Staged:
    """What a connector reports after staging."""

    connector: str
    rows_read: int
    columns: list[str]
    #: roles the source format itself defines (e.g. XES: activity = concept:name); flags and
    #: mapping files still win, and auto-detection fills the rest
    role_hints: dict[str, str] = field(default_factory=dict)
    #: remarks for the user, printed after the import (e.g. "flattened on object type 'order'")
    notes: list[str] = field(default_factory=list)
    #: source options that were detected or used (delimiter, encoding, sheet, object type, ...)
    detected: dict[str, Any] = field(default_factory=dict)
    #: TEMP tables behind pf_staging (the import drops them with it once the rows are normalised)
    tables: tuple[str, ...] = ()


def staging_kind(con: duckdb.DuckDBPyConnection) -> str | None:
    """'VIEW' or 'TABLE': what pf_staging is on this connection (None: nothing staged)."""
    row = con.execute(
        f"SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = '{STAGING}' "
        f"UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = '{STAGING}'"
    ).fetchone()
    return row[0] if row else None


def drop_staging(con: duckdb.DuckDBPyConnection, staged: Staged) -> None:
    """Drop pf_staging and the tables behind it: once normalised, the import needs the memory the
    staged text takes (at 10M CSV rows about as much as DuckDB may use) for the rest of its work."""
    kind = staging_kind(con)
    if kind:
        con.execute(f"DROP {kind} {STAGING}")
    for table in (*staged.tables, PSEUDONYMISED):
        con.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")


class Connector(Protocol):
    """One source kind (CSV, Excel, Parquet, XES, OCEL, ...)."""

    name: str
    #: file name endings this connector claims, lower case, e.g. (".csv", ".txt")
    suffixes: tuple[str, ...]

    def stage(
        self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions
    ) -> Staged: ...


def check_column_count(source: object, columns: int) -> None:
    """Refuse a source with more than MAX_COLUMNS columns, in one line that says what to do."""
    if columns > MAX_COLUMNS:
        raise InputError(
            f"{source}: {columns:,} columns; procesflow imports at most {MAX_COLUMNS:,} — "
            "export only the columns you need (case, activity, timestamps and the attributes to analyse)"
        )


def create_stage_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Create the empty connector-level rejects table (every connector calls this first)."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE_REJECTS} "
        "(source_row BIGINT, raw VARCHAR, reason VARCHAR)"
    )


def add_stage_rejects(
    con: duckdb.DuckDBPyConnection, rows: Iterable[tuple[int | None, str, str]]
) -> None:
    """Record rows the connector could not read: (source_row, raw text, reason)."""
    rows = list(rows)
    if rows:
        con.executemany(f"INSERT INTO {STAGE_REJECTS} VALUES (?, ?, ?)", rows)


class StagingWriter:
    """Append records (dicts of column -> text) to `pf_staging`, for connectors that parse in Python.

    Records may have different keys; a new key becomes a new VARCHAR column. Values are collected
    per column and written in Arrow batches — never row-by-row INSERTs.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, batch_size: int = 50_000) -> None:
        self.con = con
        self.batch_size = batch_size
        self.columns: list[str] = []
        self._values: dict[str, list[str | None]] = {}
        self._rows: list[int] = []
        self.rows = 0
        con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGING} ({quote_ident(ROW)} BIGINT)")

    def add_column(self, key: str) -> None:
        """Make sure `key` is a column of pf_staging (existing rows get NULL)."""
        if key not in self._values:
            self._values[key] = [None] * len(self._rows)
            self.columns.append(key)
            self.con.execute(f"ALTER TABLE {STAGING} ADD COLUMN {quote_ident(key)} VARCHAR")

    def add(self, row: int, record: dict[str, str | None]) -> None:
        n = len(self._rows)
        for key, value in record.items():
            column = self._values.get(key)
            if column is None:
                self.add_column(key)
                column = self._values[key]
            column.append(value)
        self._rows.append(row)
        for column in self._values.values():  # keys this record did not have
            if len(column) == n:
                column.append(None)
        if len(self._rows) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        arrays = {ROW: pa.array(self._rows, type=pa.int64())}
        arrays.update({key: pa.array(values, type=pa.string()) for key, values in self._values.items()})
        self.con.register("pf_batch", pa.table(arrays))
        try:
            self.con.execute(f"INSERT INTO {STAGING} BY NAME SELECT * FROM pf_batch")
        finally:
            self.con.unregister("pf_batch")
        self.rows += len(self._rows)
        self._rows = []
        self._values = {key: [] for key in self._values}

    def close(self) -> list[str]:
        """Flush what is left; returns the staged columns in first-seen order."""
        self.flush()
        return self.columns


# -- DuckDB extensions from PyPI -------------------------------------------------------------------
def packaged_extension_path(package: str, extension: str, needed_for: str, alternative: str = "") -> Path:
    """Where the PyPI package `package` (e.g. duckdb-extension-excel) keeps `extension` for our DuckDB
    version. DuckDB's own extension server is unreachable at many agencies, so procesflow never
    INSTALLs: it LOADs the file the pip-installed package ships."""
    import importlib

    try:
        module = importlib.import_module(package.replace("-", "_"))
    except ImportError:
        raise InputError(
            f"{needed_for} needs the package {package} (pip install {package}=={duckdb.__version__}){alternative}"
        ) from None
    path = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{extension}.duckdb_extension"
    if not path.is_file():
        raise InputError(
            f"the installed {package} has no extension for DuckDB {duckdb.__version__} "
            f"({path}); install {package}=={duckdb.__version__}"
        )
    return path


def load_packaged_extension(con: duckdb.DuckDBPyConnection, path: Path, reader: str) -> None:
    """LOAD an extension file (see `packaged_extension_path`); a one-line error naming `reader`."""
    from procesflow.sqlfiles import quote_literal

    try:
        con.execute(f"LOAD {quote_literal(str(path))}")
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(f"cannot load the {reader} {path} ({first})") from None


def unique_column_names(cells: Iterable[object], clash_label: str) -> list[str]:
    """Column names from header cells or result columns: empty -> column<i>, repeated -> name_1,
    name_2 ...; a column called like procesflow's row number becomes `<name> (<clash_label>)`."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = (str(cell).strip() if cell is not None else "") or f"column{i}"
        if name == ROW:
            name = f"{ROW} ({clash_label})"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names
