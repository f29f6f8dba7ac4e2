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

from .errors import StoreError
from .sqlfiles import sql_text

SCHEMA_VERSION = "1"
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
    """DuckDB's memory limit for procesflow: `PROCESFLOW_MEMORY_LIMIT` (e.g. 8GB) or 2.5 GB, or half
    the memory when that is less. Above it DuckDB spills sorts, joins and aggregates to a temporary
    folder beside the store instead of growing: a 10M-event analysis then fits a 4 GB laptop budget
    (DuckDB's own default, 80% of the memory, lets one analysis take a shared server's RAM)."""
    configured = os.environ.get("PROCESFLOW_MEMORY_LIMIT", "").strip()
    if configured:
        return configured
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2500MB"
    return f"{min(2500, total // 2 // 1_000_000)}MB"


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
        config: dict[str, Any] = {"enable_external_access": False} if read_only else {}
        config["memory_limit"] = memory_limit()
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            raise StoreError(_explain_open_error(self.path, exc)) from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open as a DuckDB store ({_first_line(exc)})") from None
        self.con.execute("SET TimeZone = 'UTC'")
        if read_only:
            self._check_schema()
        else:
            self._ensure_schema()

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
        self.con.execute(sql_text("schema"))
        version = self.con.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchone()
        if version is None:
            self.con.execute(
                "INSERT INTO store_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )
        elif version[0] != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {version[0]}, this procesflow reads "
                f"version {SCHEMA_VERSION}; re-import the logs into a new --db"
            )

    def _check_schema(self) -> None:
        tables = {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not {"events", "imports", "store_meta"} <= tables:
            raise StoreError(f"{self.path}: not a procesflow store (no events/imports tables)")

    # -- logs ------------------------------------------------------------------------------------
    def logs(self) -> list[LogInfo]:
        """The logs in the store, by name."""
        rows = self.con.execute(
            """
            SELECT i.log, i.import_id, i.source, i.connector, i.tz,
                   coalesce(e.cases, 0), coalesce(e.events, 0)
            FROM imports i
            LEFT JOIN (SELECT log, count(DISTINCT case_id) AS cases, count(*) AS events
                       FROM events GROUP BY log) e USING (log)
            WHERE i.active ORDER BY i.log
            """
        ).fetchall()
        return [LogInfo(*r) for r in rows]

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


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _explain_open_error(path: Path, exc: BaseException) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return (
            f"{path}: the store is in use by another process (an import or analysis is running); "
            "wait for it to finish, or use another --db"
        )
    return f"{path}: cannot open the store ({_first_line(exc)})"
