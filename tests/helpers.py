"""Small helpers the tests share: reading a store back, independently of procesflow's own code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of `sql` on the store file `db`, read-only, timestamps in UTC."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Everything the store holds, order-independent: equal snapshots = unchanged store — its rows and
    its catalog (the log tables and their ENUM types: an import that fails must not leave one behind)."""
    out = {t: sorted(query(db, f"SELECT * FROM {t}"), key=repr) for t in ("events", "cases", "imports", "rejects")}
    out["catalog"] = sorted(
        query(db, "SELECT 'table', table_name FROM duckdb_tables() WHERE NOT temporary "
                  "UNION ALL SELECT 'type', type_name FROM duckdb_types() "
                  "WHERE NOT internal AND database_name NOT IN ('temp', 'system')"))
    return out


def events(db: Path, log: str | None = None) -> list[dict]:
    """The stored events as dicts, in procesflow's order (log, case, ts, seq); with `log` given,
    the log column is left out so that two logs' events can be compared."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    try:
        where = "WHERE log = ?" if log else ""
        columns = "* EXCLUDE (log)" if log else "*"
        cur = con.execute(f"SELECT {columns} FROM events {where} ORDER BY log, case_id, ts, seq", [log] if log else [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
