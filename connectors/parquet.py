"""Parquet files (`.parquet`, `.pq`), read by DuckDB's `read_parquet` directly (no pandas).

Column types are kept: a `TIMESTAMP WITH TIME ZONE` column (Parquet `isAdjustedToUTC`) is an
instant, a naive `TIMESTAMP` is wall-clock time in `--tz` and a `DATE` a day — the shared timestamp
planner decides from the type. `pf_staging` is a view over the file, so nothing is copied; `__row`
is the 1-based row number in the file (`file_row_number` + 1; Parquet has no header row) and
`rows_read` comes from the file's metadata. A damaged file fails with a one-line error naming it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from procesflow.errors import InputError, first_line
from procesflow.sqlfiles import quote_ident, quote_literal

from .base import ROW, STAGING, ConnectorOptions, Staged

RENAMED_ROW = "__row (source)"


class ParquetConnector:
    name = "parquet"
    suffixes = (".parquet", ".pq")

    def stage(
        self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions
    ) -> Staged:
        path = quote_literal(str(source))
        try:
            rows_read = con.execute(
                f"SELECT sum(num_rows) FROM parquet_file_metadata({path})"
            ).fetchone()[0]
            described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({path})").fetchall()
        except duckdb.Error as exc:
            raise InputError(f"{source}: not a readable Parquet file ({first_line(exc)})") from None
        names = [r[0] for r in described]
        select = ", ".join(
            f"{quote_ident(n)} AS {quote_ident(RENAMED_ROW if n == ROW else n)}" for n in names
        )
        notes: list[str] = []
        if "file_row_number" in names:
            # read_parquet cannot add its row number next to a column of that name: copy the rows
            # in file order (insertion order is kept) and number them by rowid
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE pf_parquet AS SELECT {select} FROM read_parquet({path})"
            )
            first = con.execute("SELECT coalesce(min(rowid), 0) FROM pf_parquet").fetchone()[0]
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {STAGING} AS "
                f"SELECT *, rowid - {first} + 1 AS {quote_ident(ROW)} FROM pf_parquet"
            )
        else:
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {STAGING} AS "
                f"SELECT {select}, file_row_number + 1 AS {quote_ident(ROW)} "
                f"FROM read_parquet({path}, file_row_number = true)"
            )
        columns = [RENAMED_ROW if n == ROW else n for n in names]
        if ROW in names:
            notes.append(f"the file's own column {ROW!r} is staged as {RENAMED_ROW!r}")
        temporal = {
            r[0]: r[1] for r in described if r[1].upper().startswith(("TIMESTAMP", "DATE", "TIME"))
        }
        return Staged(
            connector=self.name,
            rows_read=int(rows_read or 0),
            columns=columns,
            notes=notes,
            detected={"temporal_columns": temporal},
            tables=("pf_parquet",),
        )


CONNECTOR = ParquetConnector()
