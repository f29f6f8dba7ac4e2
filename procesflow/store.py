"""The canonical event store: one DuckDB file that holds any number of logs.

The schema is in `procesflow/sql/schema.sql` and documented in the README. Everything that reads
events goes through a `Store`; it sets the session time zone to UTC so that every TIMESTAMPTZ is the
true instant, and turns DuckDB's lock and corruption errors into messages a user can act on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .errors import StoreError, first_line
from .sqlfiles import quote_ident, quote_literal, sql_text

SCHEMA_VERSION = "2"
DEFAULT_DB = "procesflow.duckdb"


def default_db_path() -> Path:
    """The store used when no `--db` is given: `$PROCESFLOW_DB` or `procesflow.duckdb` here."""
    return Path(os.environ.get("PROCESFLOW_DB", DEFAULT_DB))


@dataclass(frozen=True)
class LogInfo:
    """What the store knows about one log."""

    name: str
    import_id: int
    source: str
    connector: str
    tz: str
    cases: int
    events: int


def memory_limit() -> str:
    """DuckDB's memory limit when a store is opened: `PROCESFLOW_MEMORY_LIMIT` (e.g. 8GB), else the
    default for a small log; `Store.fit_memory` raises it for the log imported or analysed.

    The default is 150 bytes per event, at least 800 MB, at most half the machine's memory; above it
    DuckDB spills sorts, joins and aggregates to a temporary folder beside the store instead of
    growing. Measured (benchmarks/PROFILE.md, 2 cores): 5M events take 26.8 s in 1.47 GB with 800 MB
    against 26.4 s in 2.70 GB with 2.5 GB; 10M events 50.4 s in 2.4 GB with 1.5 GB, 57-61 s with
    800 MB, 52-54 s in 3.5 GB with 2.5 GB. What DuckDB holds (the step table and its sorts) grows with
    the events, so a fixed limit makes large logs spill more and more; DuckDB's own default, 80 % of
    the memory, would let one analysis take a shared server's RAM."""
    return configured_memory_limit() or f"{default_memory_mb(0)}MB"


def configured_memory_limit() -> str | None:
    return os.environ.get("PROCESFLOW_MEMORY_LIMIT", "").strip() or None


def default_memory_mb(events: int) -> int:
    """The default limit in MB for a log of `events` events (see `memory_limit`)."""
    wanted = max(MIN_MEMORY_MB, events * BYTES_PER_EVENT // 1_000_000)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return wanted
    return min(wanted, total // 2 // 1_000_000)


MIN_MEMORY_MB = 800
BYTES_PER_EVENT = 150


#: transactions committed by this process (so that Ctrl-C after an import finished is not
#: reported as "the store is unchanged")
_commits = 0


def changes_committed() -> bool:
    """Whether this process has committed a change to a store (a finished import)."""
    return _commits > 0


class Store:
    """A connection to a procesflow store file.

    `read_only=True` is what analysis uses: the rules then run on a connection that cannot write
    and cannot touch files outside the store.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(
                f"{self.path}: no procesflow store here; import a log first "
                f"(procesflow import FILE --db {self.path})"
            )
        if not read_only:
            try:  # like --out: a store in a folder that does not exist yet is made there
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot create the folder of the store ({exc.strerror})") from None
        config: dict[str, Any] = {"enable_external_access": False} if read_only else {}
        config["memory_limit"] = memory_limit()
        self._memory_mb = default_memory_mb(0)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            raise StoreError(_explain_open_error(self.path, exc)) from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open as a DuckDB store ({first_line(exc)})") from None
        self.con.execute("SET TimeZone = 'UTC'")
        if read_only:
            self._check_schema()
        else:
            self._ensure_schema()

    def fit_memory(self, events: int) -> None:
        """Let DuckDB use the memory `default_memory_mb` gives a log of `events` events: more for a larger
        log, never less than the connection has (several logs may be open on one store), and nothing
        changes when PROCESFLOW_MEMORY_LIMIT is set."""
        if configured_memory_limit():
            return
        wanted = default_memory_mb(events)
        if wanted > self._memory_mb:
            self.con.execute(f"SET memory_limit = '{wanted}MB'")
            self._memory_mb = wanted

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: on any exception (or Ctrl-C) the store is left exactly as before."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
            global _commits
            _commits += 1

    # -- schema ----------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        has_meta = self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'store_meta' AND NOT temporary").fetchone()[0]
        version = self.con.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone() if has_meta else None
        if version is not None and version[0] != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version[0]}, this procesflow reads "
                f"version {SCHEMA_VERSION}; re-import the logs into a new --db"
            )
        self.con.execute(sql_text("schema"))
        if version is None:
            self.con.execute(
                "INSERT INTO store_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )
        if not self._has_events_view():
            refresh_events_view(self.con)

    def _has_events_view(self) -> bool:
        return bool(self.con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = 'events' AND NOT temporary").fetchone()[0])

    def _check_schema(self) -> None:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"imports", "store_meta"} <= tables or not (self._has_events_view() or "events" in tables):
            raise StoreError(f"{self.path}: not a procesflow store (no events/imports tables)")
        version = self.con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        if version is None or version[0] != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version[0] if version else '?'}, this procesflow reads "
                f"version {SCHEMA_VERSION}; re-import the logs into a new --db"
            )

    # -- logs ------------------------------------------------------------------------------------
    def logs(self) -> list[LogInfo]:
        """The logs in the store, by name (case and event counts as the import stored them)."""
        rows = self.con.execute(
            """
            SELECT log, import_id, source, connector, tz,
                   coalesce(CAST(json_extract(quality, '$.cases') AS BIGINT), 0), rows_loaded
            FROM imports WHERE active ORDER BY log
            """
        ).fetchall()
        return [LogInfo(*r) for r in rows]

    def events_relation(self, log: str) -> str:
        """SQL for the events of `log` as analysis reads them (`procesflow.filters`): `case_key` (the
        case's number, in case id order: what windows partition by and queries group on), then the
        canonical columns without the case id (`cases_relation` has it) and without the attribute
        columns; the text roles dictionary-coded."""
        table = quote_ident(events_table(int(self.active_import(log)["import_id"])))
        columns = ", ".join(c for c in CANONICAL if c != "case_id")
        return f"SELECT case_no AS case_key, {columns} FROM {table}"

    def cases_relation(self, log: str) -> str:
        """SQL for the cases of `log`: case_key (as in `events_relation`) and case_id."""
        return f"SELECT case_no AS case_key, case_id FROM cases WHERE log = {quote_literal(log)}"

    def event_attributes(self, log: str) -> tuple[str, dict[str, str]]:
        """Where the event attributes of `log` are (a FROM clause with a `case_key` column) and, per
        attribute key, the SQL of its value there — for `--where` on an event attribute."""
        import_id = int(self.active_import(log)["import_id"])
        keys = attribute_keys(self.con, import_id)
        source = f"(SELECT *, case_no AS case_key FROM {quote_ident(events_table(import_id))})"
        return source, {k: quote_ident(ATTR_PREFIX + k) for k in keys}

    def log_names(self) -> list[str]:
        return [
            r[0]
            for r in self.con.execute(
                "SELECT log FROM imports WHERE active ORDER BY log"
            ).fetchall()
        ]

    def require_log(self, name: str | None) -> str:
        """The log called `name`, or the only log when `name` is None; a clear error otherwise."""
        names = self.log_names()
        if name is None:
            if len(names) == 1:
                return names[0]
            if not names:
                raise StoreError(f"{self.path}: the store holds no logs; import one first")
            raise StoreError(
                f"{self.path}: the store holds {len(names)} logs ({', '.join(names)}); name one"
            )
        if name not in names:
            known = ", ".join(names) if names else "none"
            raise StoreError(f"{self.path}: no log named {name!r} (logs in this store: {known})")
        return name

    def active_import(self, log: str) -> dict[str, object]:
        """The imports row of the active import of `log`, as a dict."""
        cur = self.con.execute("SELECT * FROM imports WHERE log = ? AND active", [log])
        row = cur.fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no log named {log!r}")
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def find_import_by_sha(self, sha256: str) -> str | None:
        """The name of an active log imported from a file with this checksum, if any."""
        row = self.con.execute(
            "SELECT log FROM imports WHERE active AND sha256 = ? ORDER BY import_id DESC LIMIT 1",
            [sha256],
        ).fetchone()
        return row[0] if row else None


#: the canonical event columns of schema version 1, in order (the `events` view, Spark sources)
CANONICAL = ("case_id", "activity", "ts", "start_ts", "resource", "department", "channel", "lifecycle", "seq",
             "ts_precision")
#: text roles stored dictionary-coded as an ENUM type of their own per import (the case id is a number
#: in `cases` instead: ENUMs of more than 65,535 values defeat DuckDB's direct writes to the file)
CODED_ROLES = {"activity": "activity", "resource": "resource", "department": "department",
               "channel": "channel", "lifecycle": "lifecycle"}
#: event attribute columns of a log table are named `attr:<key>`
ATTR_PREFIX = "attr:"


def events_table(import_id: int) -> str:
    """The table that holds the events of one import."""
    return f"events_{int(import_id)}"


def role_type(role: str, import_id: int) -> str:
    """The ENUM type of a coded text role (`case`, `activity`, ...) of one import."""
    return f"pf_{role}_{int(import_id)}"


def attribute_type(import_id: int, index: int) -> str:
    """The ENUM type of a coded event attribute column of one import."""
    return f"pf_attr{int(index)}_{int(import_id)}"


def attribute_keys(con: duckdb.DuckDBPyConnection, import_id: int) -> list[str]:
    """The event attribute keys of one import, in column order."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT internal "
        "AND starts_with(column_name, ?) ORDER BY column_index",
        [events_table(import_id), ATTR_PREFIX],
    ).fetchall()
    return [name[len(ATTR_PREFIX):] for (name,) in rows]


def refresh_events_view(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the view `events`: every active log's events with text columns, as schema version 1
    stored them (`attrs` a MAP of the attribute columns). For readers outside procesflow's analysis
    (tests, exports, an analyst's own SQL); analysis reads the coded tables."""
    parts = []
    for log, import_id in con.execute("SELECT log, import_id FROM imports WHERE active ORDER BY log").fetchall():
        keys = attribute_keys(con, import_id)
        if keys:
            entries = ", ".join(f"{{'k': {quote_literal(k)}, 'v': CAST(e.{quote_ident(ATTR_PREFIX + k)} AS VARCHAR)}}"
                                for k in keys)
            attrs = f"map_from_entries(list_filter([{entries}], x -> x.v IS NOT NULL))"
        else:
            attrs = "CAST(MAP {} AS MAP(VARCHAR, VARCHAR))"
        columns = ", ".join("c.case_id" if c == "case_id" else
                            f"CAST(e.{c} AS VARCHAR) AS {c}" if c in CODED_ROLES or c == "ts_precision" else f"e.{c}"
                            for c in CANONICAL)
        lit = quote_literal(log)
        parts.append(f"SELECT {lit} AS log, {columns}, {attrs} AS attrs "
                     f"FROM {quote_ident(events_table(import_id))} e "
                     f"JOIN cases c ON c.log = {lit} AND c.case_no = e.case_no")
    if not parts:
        parts.append("SELECT CAST(NULL AS VARCHAR) AS log, CAST(NULL AS VARCHAR) AS case_id, "
                     "CAST(NULL AS VARCHAR) AS activity, CAST(NULL AS TIMESTAMPTZ) AS ts, "
                     "CAST(NULL AS TIMESTAMPTZ) AS start_ts, CAST(NULL AS VARCHAR) AS resource, "
                     "CAST(NULL AS VARCHAR) AS department, CAST(NULL AS VARCHAR) AS channel, "
                     "CAST(NULL AS VARCHAR) AS lifecycle, CAST(NULL AS BIGINT) AS seq, "
                     "CAST(NULL AS VARCHAR) AS ts_precision, CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS attrs WHERE false")
    con.execute("CREATE OR REPLACE VIEW events AS\n" + "\nUNION ALL\n".join(parts))


def drop_log_table(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Drop the events table of one import and its ENUM types (the log was replaced)."""
    con.execute(f"DROP TABLE IF EXISTS {quote_ident(events_table(import_id))}")
    for role in CODED_ROLES.values():
        con.execute(f"DROP TYPE IF EXISTS {quote_ident(role_type(role, import_id))}")
    for (name,) in con.execute("SELECT type_name FROM duckdb_types() WHERE NOT internal AND "
                               "regexp_full_match(type_name, ?)", [f"pf_attr\\d+_{int(import_id)}"]).fetchall():
        con.execute(f"DROP TYPE IF EXISTS {quote_ident(name)}")


def _explain_open_error(path: Path, exc: BaseException) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"{path}: the store is in use by another process (an import or analysis is running); "
            "wait for it to finish, or use another --db"
        )
    return f"{path}: cannot open the store ({first_line(exc)})"
