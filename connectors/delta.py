"""Delta Lake tables (a folder with `_delta_log/`), read without Spark and without DuckDB's delta
extension (which DuckDB would fetch from its own server at run time).

The `deltalake` package (delta-rs, from PyPI) reads the transaction log and gives the table's
current snapshot: the Parquet files that make it up now, each with its partition values — which
Delta keeps in the log, not in the files. DuckDB then reads those files itself (`read_parquet`
over the list, columns matched by name so that an evolved schema reads), and the partition columns
come back from the log by a join on the file name. Files an older version removed are not read.

`__row` is the row's place in the snapshot (files in the order they were written, then the row in
its file), so a reject still names a row. Tables whose files alone do not say which rows and columns they hold
(deletion vectors, column mapping) are refused with a one-line error instead of being read wrongly.

`snapshot(path)` is shared with the Spark engine, which reads the same files where Spark has no
Delta Lake reader of its own (`procesflow.spark.source`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from procesflow.errors import InputError, first_line
from procesflow.sqlfiles import quote_ident, quote_literal

from .base import ROW, STAGING, ConnectorOptions, Staged

#: reader features whose meaning is in the log, not in the Parquet files: read without them, the
#: files would give deleted rows back or columns under their physical names
UNREADABLE_FEATURES = {"deletionVectors": "deletion vectors", "columnMapping": "column mapping"}
FILES = "pf_delta_files"  # one row per data file: path, partition values, order, first row
FILE_COLUMN, PATH, ORDER, FIRST_ROW = "__pf_file", "__pf_path", "__pf_order", "__pf_first_row"


@dataclass
class Snapshot:
    """The current version of a Delta table: its files with their partition values."""

    root: Path
    version: int
    table_id: str
    #: one row per data file, in the order they were written: PATH (absolute), then one column per
    #: partition column (typed)
    files: pa.Table
    partition_columns: list[str]
    #: the table's columns in schema order, with Delta's type names (string, timestamp, …)
    columns: list[tuple[str, str]]

    @property
    def paths(self) -> list[str]:
        return self.files.column(PATH).to_pylist()

    def digest(self) -> str:
        """What identifies this snapshot's content (an import of the same version is the same
        import): the table id, its version and its files."""
        text = "\n".join([self.table_id, str(self.version), *sorted(self.paths)])
        return hashlib.sha256(text.encode()).hexdigest()


def snapshot(path: Path) -> Snapshot:
    """Read the transaction log of the Delta table at `path` (one-line errors for what cannot be read)."""
    try:
        from deltalake import DeltaTable
    except ImportError:
        raise InputError(f"{path}: reading a Delta table needs the deltalake package: "
                         "pip install 'procesflow[delta]'") from None
    try:
        table = DeltaTable(str(path))
        protocol, metadata = table.protocol(), table.metadata()
        features = set(protocol.reader_features or [])
        mode = (metadata.configuration or {}).get("delta.columnMapping.mode", "none")
        if mode != "none":
            features.add("columnMapping")
        # files in the order they were written (then by name): rows are numbered in that order
        actions = pa.table(table.get_add_actions(flatten=True)).sort_by([("modification_time", "ascending"),
                                                                          ("path", "ascending")])
        # the feature may be on while no file has deleted rows (the default on some platforms)
        if "deletionVectors" in features and not len(pa.table(table.deletion_vectors())):
            features.discard("deletionVectors")
    except Exception as exc:  # noqa: BLE001 - delta-rs raises its own kinds for a damaged log
        raise InputError(f"{path}: not a readable Delta table ({first_line(exc)})") from None
    blocked = [UNREADABLE_FEATURES[f] for f in sorted(features) if f in UNREADABLE_FEATURES]
    if blocked:
        raise InputError(
            f"{path}: the Delta table uses {' and '.join(blocked)}, which only a Delta Lake reader applies; "
            "read it with --engine spark on a platform with Delta Lake, or write it out as Parquet first")
    partitions = list(metadata.partition_columns)
    root = Path(path).resolve()
    paths = [_local_path(root, p, path) for p in actions.column("path").to_pylist()]
    files = pa.table({PATH: pa.array(paths, pa.string()),
                      **{c: actions.column(f"partition.{c}") for c in partitions}})
    if not paths:
        raise InputError(f"{path}: the Delta table holds no data files (version {table.version()})")
    columns = [(f.name, _type_name(f.type)) for f in table.schema().fields]
    return Snapshot(root=root, version=table.version(), table_id=str(metadata.id), files=files,
                    partition_columns=partitions, columns=columns)


class DeltaConnector:
    name = "delta"
    suffixes = ()  # a folder: recognised by its `_delta_log/` (`procesflow.connectors.format_for`)

    def stage(self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions) -> Staged:
        snap = snapshot(source)
        clash = {ROW, "file_row_number", FILE_COLUMN, PATH, ORDER, FIRST_ROW, "num_rows"} & {n for n, _ in snap.columns}
        if clash:
            raise InputError(f"{source}: the Delta table has a column named {sorted(clash)[0]!r}, "
                             "which procesflow uses itself; rename it in a view and read that")
        paths = "[" + ", ".join(quote_literal(p) for p in snap.paths) + "]"
        files = snap.files.append_column(ORDER, pa.array(range(len(snap.paths)), pa.int64()))
        con.register("pf_delta_arrow", files)
        try:
            # per file: its partition values, and its first row in the snapshot (the rows of the
            # files written before it)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {FILES} AS SELECT f.*, coalesce(sum(m.num_rows) OVER "
                f"(ORDER BY f.{ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS {FIRST_ROW}, "
                f"m.num_rows FROM pf_delta_arrow f JOIN parquet_file_metadata({paths}) m ON m.file_name = f.{PATH}")
            rows_read = con.execute(f"SELECT sum(num_rows) FROM {FILES}").fetchone()[0]
            read = f"read_parquet({paths}, filename = {quote_literal(FILE_COLUMN)}, file_row_number = true, " \
                   "union_by_name = true)"
            physical = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()}
        except duckdb.Error as exc:
            raise InputError(f"{source}: a data file of the Delta table cannot be read ({first_line(exc)})") from None
        finally:
            con.unregister("pf_delta_arrow")
        select = []
        for name, delta_type in snap.columns:
            if name in snap.partition_columns:
                select.append(f"d.{quote_ident(name)}")
            elif name not in physical:  # added to the schema after these files were written
                select.append(f"NULL AS {quote_ident(name)}")
            elif delta_type == "timestamp" and physical[name].upper() == "TIMESTAMP":
                # Delta's `timestamp` is an instant; files written as INT96 read back as naive UTC
                select.append(f"timezone('UTC', p.{quote_ident(name)}) AS {quote_ident(name)}")
            else:
                select.append(f"p.{quote_ident(name)}")
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {STAGING} AS SELECT {', '.join(select)}, "
            f"d.{FIRST_ROW} + p.file_row_number + 1 AS {quote_ident(ROW)} "
            f"FROM {read} p JOIN {FILES} d ON d.{PATH} = p.{FILE_COLUMN}")
        described = con.execute(f"DESCRIBE SELECT * FROM {STAGING}").fetchall()
        temporal = {r[0]: r[1] for r in described if r[1].upper().startswith(("TIMESTAMP", "DATE", "TIME"))}
        notes = [f"Delta table version {snap.version}: {len(snap.paths):,} data file(s)"
                 + (f", partitioned by {', '.join(snap.partition_columns)}" if snap.partition_columns else "")]
        return Staged(connector=self.name, rows_read=int(rows_read or 0), columns=[n for n, _ in snap.columns],
                      notes=notes, detected={"temporal_columns": temporal, "delta_version": snap.version},
                      tables=(FILES,))


def _local_path(root: Path, uri: str, table: Path) -> str:
    """A data file's path: the log holds URIs, relative to the table (percent-encoded) or absolute."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(uri)
    if parts.scheme in ("", "file"):
        return str(root / unquote(parts.path)) if not parts.scheme else unquote(parts.path)
    raise InputError(f"{table}: the Delta table keeps data files at {parts.scheme}:// addresses; "
                     "read it with --engine spark where those files are reachable")


def _type_name(delta_type: Any) -> str:
    """Delta's name of a column type ('string', 'timestamp', 'timestamp_ntz', …; 'struct' etc. for nested)."""
    name = getattr(delta_type, "type", None)
    return str(name) if isinstance(name, str) else type(delta_type).__name__.removesuffix("Type").lower()


CONNECTOR = DeltaConnector()
