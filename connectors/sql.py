"""Databases: PostgreSQL and SQLite, a table or a query, streamed into `pf_staging`.

Addresses (the importer never stores them with credentials, see `procesflow.importer.redact_url`):

* `postgresql://user@host:5432/dbname?sslmode=require` (also `postgres://`). The password comes
  from the address, from the variable named by `--password-env VAR` (mapping `[source]
  password_env`), or from `PGPASSWORD`; without any, libpq's own `~/.pgpass` applies. Other query
  parameters are libpq connection parameters (`sslmode`, `connect_timeout`, `application_name`, ...).
* `sqlite:///relative/file.db` or `sqlite:////absolute/file.db` (SQLAlchemy's convention: three
  slashes and a relative path, four for an absolute one).

What is read: `--table NAME` (`schema.name` allowed; plain names as you would type them in the
database's own SQL, e.g. unquoted and so case-folded by PostgreSQL) or `--query SQL` in the
database's own dialect (mapping `[source] table` / `query`). The query runs read-only: in a
`READ ONLY` transaction in PostgreSQL, on a connection opened with `mode=ro` and `query_only` in
SQLite — an `INSERT`, `UPDATE` or `DROP` fails instead of changing the source.

Which driver, and why:

* **PostgreSQL: DuckDB's `postgres_scanner` extension, LOADed from the PyPI package
  `duckdb-extension-postgres_scanner` pinned to our DuckDB version** (the same way as the excel
  extension, never INSTALLed or downloaded: agencies' networks often block DuckDB's extension
  server). The rows go from PostgreSQL's binary `COPY` straight into a DuckDB temp table in C++ —
  no row passes through Python, so a status history of millions of rows streams at database speed
  and memory stays flat (DuckDB spills temp tables to disk). Column types are kept: `timestamptz`
  is an instant, a naive `timestamp` is wall-clock time in `--tz`, `date` a day (the shared
  timestamp planner decides from the type). The extension attaches the database `READ_ONLY`, which
  runs every statement in a `READ ONLY` transaction. The database is attached on a throwaway
  in-memory DuckDB (extension autoloading and autoinstalling off), whose result streams as Arrow
  batches into the store's temp table; the password is a temporary secret of that throwaway DuckDB
  (in memory only, redacted by DuckDB) — never in the connection string, which the extension
  echoes in its errors, and never on the store's connection. A Python driver (psycopg 3) would turn
  every row into Python objects and back into Arrow, and need a type mapping of its own.
* **SQLite: Python's standard `sqlite3` module** (no dependency, no extension), because the query
  must run in SQLite's own dialect — DuckDB's sqlite extension only scans tables, a query over it
  would be DuckDB SQL. Rows are fetched in batches of 10,000 and appended to `pf_staging` as Arrow
  batches. SQLite has no real column types: values are staged as text (numbers in their shortest
  spelling), and the shared parser reads ISO text with or without offset, Unix epochs and Dutch
  dates as for CSV.

`__row` is the 1-based position of the row in the result (in PostgreSQL numbered by
`row_number() OVER ()` around the query, so an `ORDER BY` in the query is the order of the rows).
MySQL/MariaDB is not supported yet; export to CSV or Parquet, or read a PostgreSQL replica.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import duckdb
import pyarrow as pa

from procesflow.errors import InputError
from procesflow.sqlfiles import quote_ident, quote_literal

from .base import (
    ROW,
    STAGING,
    ConnectorOptions,
    Staged,
    load_packaged_extension,
    packaged_extension_path,
    unique_column_names,
)

FETCH_ROWS = 10_000
ARROW_BATCH_ROWS = 100_000
PG_ALIAS = "pf_pgsrc"
PG_SECRET = "pf_pgsecret"
#: a table name as one types it in SQL: name or schema.name, plain or double-quoted parts
_TABLE = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"))?$')
SCHEMES = ("postgresql", "postgres", "sqlite")


class SqlConnector:
    name = "sql"
    suffixes: tuple[str, ...] = ()

    def stage(self, con: duckdb.DuckDBPyConnection, source: Any, options: ConnectorOptions) -> Staged:
        url = str(source)
        scheme = url.split("://", 1)[0].lower()
        label = _redact(url)
        sql = source_sql(options, label)
        if scheme in ("postgresql", "postgres"):
            return stage_postgres(con, url, sql, options, label)
        if scheme == "sqlite":
            return stage_sqlite(con, url, sql, options, label)
        raise InputError(
            f"{label}: the SQL connector reads postgresql:// and sqlite:/// addresses; "
            "MySQL/MariaDB is not supported yet (export to CSV or Parquet)"
        )


def source_sql(options: ConnectorOptions, label: str) -> str:
    """The SELECT to run: `--query` as given (without a trailing ';'), or all rows of `--table`."""
    if options.table and options.query:
        raise InputError(f"{label}: give --table or --query, not both")
    if options.query:
        query = options.query.strip().rstrip(";").strip()
        if not query:
            raise InputError(f"{label}: --query is empty")
        return query
    if options.table:
        table = options.table.strip()
        if not _TABLE.match(table):
            raise InputError(
                f"{label}: --table {options.table!r} is not a table name (name or schema.name); "
                "for anything else use --query"
            )
        return f"SELECT * FROM {table}"
    raise InputError(
        f"{label}: say what to read with --table NAME or --query 'SELECT ...' "
        "(or [source] table/query in the mapping file)"
    )


# -- PostgreSQL --------------------------------------------------------------------------------


def stage_postgres(
    con: duckdb.DuckDBPyConnection, url: str, sql: str, options: ConnectorOptions, label: str
) -> Staged:
    conninfo, password = postgres_conninfo(url, options, label)
    secrets = [password] if password else []
    # The source is attached on a throwaway in-memory DuckDB, never on the store's connection: the
    # attachment and the password secret vanish with it, and the store's transaction stays clean
    # (DuckDB cannot DETACH inside a transaction that used the attached database).
    src = source_connection(options)
    try:
        load_postgres_extension(src)
        if password:
            try:
                src.execute(f"CREATE TEMPORARY SECRET {PG_SECRET} (TYPE postgres, PASSWORD {quote_literal(password)})")
            except duckdb.Error:
                raise InputError(f"{label}: cannot hand the password to the PostgreSQL reader") from None
        secret = f", SECRET {PG_SECRET}" if password else ""
        try:
            src.execute(f"ATTACH {quote_literal(conninfo)} AS {PG_ALIAS} (TYPE postgres, READ_ONLY{secret})")
        except duckdb.Error as exc:
            raise InputError(
                f"{label}: cannot connect to PostgreSQL ({_pg_reason(exc, secrets)}); check the address, the "
                "user and the password (PGPASSWORD or --password-env VAR)"
            ) from None
        wrapped = f"SELECT row_number() OVER () AS {quote_ident(ROW)}, pf_q.* FROM ({sql}\n) AS pf_q"
        what = f"table {options.table}" if options.table else "the query"
        try:
            result = src.execute(
                f"SELECT * FROM postgres_query({quote_literal(PG_ALIAS)}, {quote_literal(wrapped)})"
            )
            stream = result.to_arrow_reader(ARROW_BATCH_ROWS)
        except duckdb.Error as exc:
            reason = _pg_reason(exc, secrets)
            hint = ""
            if options.table and "does not exist" in reason:
                tables = _pg_tables(src)
                hint = ("; tables: " + ", ".join(tables[:30])) if tables else "; no tables are visible to this user"
            raise InputError(f"{label}: reading {what} failed in PostgreSQL: {reason}{hint}") from None
        # Arrow batches from the source connection straight into the store's temp table (C++ only)
        con.register("pf_pg_stream", stream)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGING} AS SELECT * FROM pf_pg_stream")
        except (duckdb.Error, pa.ArrowException) as exc:
            raise InputError(f"{label}: reading {what} failed in PostgreSQL: {_pg_reason(exc, secrets)}") from None
        finally:
            con.unregister("pf_pg_stream")
    finally:
        src.close()
    described = con.execute(f"DESCRIBE {STAGING}").fetchall()
    rows = con.execute(f"SELECT count(*) FROM {STAGING}").fetchone()[0]
    columns = [r[0] for r in described if r[0] != ROW]
    detected: dict[str, Any] = {
        "database": "postgresql",
        "reader": f"duckdb postgres_scanner {duckdb.__version__} (PyPI package, read-only transaction)",
        "column_types": {r[0]: r[1] for r in described if r[0] != ROW},
    }
    detected["table" if options.table else "query"] = options.table or options.query
    return Staged(connector="postgresql", rows_read=int(rows), columns=columns, detected=detected)


def source_connection(options: ConnectorOptions) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that can load only what we LOAD by path: nothing is installed or downloaded."""
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    workdir = options.extra.get("workdir")
    if workdir is not None:  # an empty extension folder of our own: no cached or downloaded extension applies
        config["extension_directory"] = str(Path(workdir) / "duckdb-extensions")
    src = duckdb.connect(":memory:", config=config)
    src.execute("SET TimeZone = 'UTC'")
    return src


def postgres_conninfo(url: str, options: ConnectorOptions, label: str) -> tuple[str, str | None]:
    """A libpq keyword/value connection string without the password, and the password (or None)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"{label}: not a valid PostgreSQL address ({exc})") from None
    params: dict[str, str] = {}
    if parts.hostname:
        params["host"] = parts.hostname
    if port:
        params["port"] = str(port)
    dbname = unquote(parts.path.lstrip("/"))
    if dbname:
        params["dbname"] = dbname
    if parts.username:
        params["user"] = unquote(parts.username)
    password = unquote(parts.password) if parts.password is not None else None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "password":
            password = value
        elif re.fullmatch(r"[a-z_]+", key):
            params[key] = value
        else:
            raise InputError(f"{label}: unknown connection parameter {key!r} in the address")
    params.setdefault("connect_timeout", "10")
    params.setdefault("application_name", "procesflow")
    env_name = options.extra.get("password_env")
    if env_name:
        if env_name not in os.environ:
            raise InputError(f"{label}: --password-env {env_name}: that environment variable is not set")
        password = os.environ[env_name]
    elif password is None and os.environ.get("PGPASSWORD"):
        password = os.environ["PGPASSWORD"]
    conninfo = " ".join(f"{k}={_conninfo_value(v)}" for k, v in params.items())
    return conninfo, password


def _conninfo_value(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def postgres_extension_path() -> Path:
    """Where `duckdb-extension-postgres_scanner` keeps the extension for our DuckDB version."""
    return packaged_extension_path("duckdb-extension-postgres_scanner", "postgres_scanner", "reading PostgreSQL")


def load_postgres_extension(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD the packaged postgres_scanner; never INSTALL (no download)."""
    load_packaged_extension(con, postgres_extension_path(), "PostgreSQL reader")


def _pg_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    try:
        rows = con.execute(
            f"SELECT * FROM postgres_query({quote_literal(PG_ALIAS)}, "
            "'SELECT table_schema || ''.'' || table_name AS t FROM information_schema.tables "
            "WHERE table_schema NOT IN (''pg_catalog'', ''information_schema'') ORDER BY 1')"
        ).fetchall()
    except duckdb.Error:
        return []
    return [r[0] for r in rows]


def _pg_reason(exc: BaseException, secrets: list[str]) -> str:
    """PostgreSQL's own message from an extension error, without the echoed connection string/SQL."""
    text = str(exc)
    for secret in secrets:
        text = text.replace(secret, "***")
    match = re.search(r"(?:ERROR|FATAL):\s+(.*)", text)
    if match:
        reason = match.group(1)
    else:
        reason = re.sub(r'^.*?Unable to connect to Postgres at "[^"]*":\s*', "", text, flags=re.S)
        reason = re.sub(r'connection to server at "[^"]*", port \d+ failed:\s*', "", reason)
    lines = [line.strip() for line in reason.strip().splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(exc).__name__


# -- SQLite ------------------------------------------------------------------------------------


def sqlite_path(url: str, label: str) -> Path:
    """`sqlite:///rel.db` -> rel.db, `sqlite:////abs.db` -> /abs.db (SQLAlchemy's convention)."""
    parts = urlsplit(url)
    if parts.netloc:
        raise InputError(
            f"{label}: a SQLite address has no host: write sqlite:///relative/file.db or "
            "sqlite:////absolute/file.db"
        )
    path = unquote(parts.path)
    if path.startswith("/"):
        path = path[1:]
    if not path:
        raise InputError(f"{label}: no database file in the address (sqlite:///file.db)")
    return Path(path)


def stage_sqlite(
    con: duckdb.DuckDBPyConnection, url: str, sql: str, options: ConnectorOptions, label: str
) -> Staged:
    path = sqlite_path(url, label)
    if not path.is_file():
        hint = ""
        if not path.is_absolute() and Path("/" + str(path)).is_file():
            hint = f" (for the absolute path /{path} write four slashes: sqlite:////{path})"
        raise InputError(f"{label}: database file {path} not found{hint}")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputError(f"{label}: {path} is not a SQLite database")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{label}: cannot open {path} read-only ({exc})") from None
    try:
        db.execute("PRAGMA query_only = ON")
        try:
            cursor = db.execute(sql)
        except sqlite3.Error as exc:
            what = f"table {options.table}" if options.table else "the query"
            hint = ""
            if options.table and "no such table" in str(exc):
                tables = [r[0] for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
                hint = "; tables: " + ", ".join(tables[:30])
            raise InputError(f"{label}: reading {what} failed in SQLite: {exc}{hint}") from None
        if cursor.description is None:
            raise InputError(f"{label}: the query returns no rows (not a SELECT)")
        columns = unique_columns([d[0] for d in cursor.description])
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {STAGING} ({quote_ident(ROW)} BIGINT, "
            + ", ".join(f"{quote_ident(c)} VARCHAR" for c in columns) + ")"
        )
        rows = 0
        while True:
            try:
                batch = cursor.fetchmany(FETCH_ROWS)
            except sqlite3.Error as exc:
                raise InputError(f"{label}: reading failed in SQLite after {rows:,} rows: {exc}") from None
            if not batch:
                break
            append_batch(con, columns, rows, batch)
            rows += len(batch)
    finally:
        db.close()
    detected: dict[str, Any] = {"database": "sqlite", "reader": "python sqlite3 (mode=ro, query_only)"}
    detected["table" if options.table else "query"] = options.table or options.query
    return Staged(connector="sqlite", rows_read=rows, columns=columns, detected=detected)


def append_batch(con: duckdb.DuckDBPyConnection, columns: list[str], first: int, batch: list[tuple]) -> None:
    """Append fetched rows (tuples) to pf_staging as one Arrow batch; `__row` continues from `first`."""
    arrays = {ROW: pa.array(range(first + 1, first + len(batch) + 1), type=pa.int64())}
    for name, values in zip(columns, zip(*batch, strict=True), strict=True):
        arrays[name] = pa.array([_text(v) for v in values], type=pa.string())
    con.register("pf_batch", pa.table(arrays))
    try:
        con.execute(f"INSERT INTO {STAGING} BY NAME SELECT * FROM pf_batch")
    finally:
        con.unregister("pf_batch")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return "0x" + value.hex()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def unique_columns(names: list[str]) -> list[str]:
    """Result column names made unique (a join may return two `id`s): id, id_1, ..."""
    return unique_column_names(names, "source")


def _redact(url: str) -> str:
    from procesflow.importer import redact_url  # noqa: PLC0415

    return redact_url(url)


CONNECTOR = SqlConnector()
