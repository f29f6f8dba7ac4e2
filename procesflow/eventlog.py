"""A log in the store seen through a filter: the object every analysis function receives.

An `EventLog` owns a DuckDB connection of its own (a cursor on the store), on which the filter
views (`pf_ev` and friends, see `procesflow.filters`) live as TEMP objects — so two differently
filtered logs can be used side by side, and every query of one log sees the same events.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import duckdb
import pandas as pd

from .filters import FilterReport, FilterSpec, build_filtered_view
from .frames import frame
from .sqlfiles import quote_literal, render_sql, run_script, sql_text
from .store import Store


class EventLog:
    """`store` + log `name` + `filters`. Cheap to create; queries run in DuckDB."""

    def __init__(self, store: Store, name: str | None = None, filters: FilterSpec | None = None) -> None:
        self.store = store
        self.name = store.require_log(name)
        self.filters = filters or FilterSpec()
        self.con: duckdb.DuckDBPyConnection = store.con.cursor()
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute(sql_text("macros"))
        self.import_row = store.active_import(self.name)
        if hasattr(store, "fit_memory"):  # DuckDB (a Spark session's memory is Spark's business)
            store.fit_memory(int(self.import_row.get("rows_loaded") or 0))
        self.tz: str = str(self.import_row["tz"])
        self.filter_report: FilterReport = build_filtered_view(self.con, store, self.name, self.filters, self.tz)
        self._prepared: set[str] = set()
        self.memo: dict[str, Any] = {}  # results computed once per log (DFG, variants)
        self.ensure("steps")  # pf_steps, pf_cases, variant keys: every analysis reads them

    def ensure(self, *scripts: str) -> None:
        """Run the table-building SQL scripts (e.g. "steps") on this log's connection, each once.

        Shared tables (pf_steps, pf_cases, ...) are built on first use and reused by every metric,
        rule and map of this log, so the events of a case are sorted once per analysis."""
        for name in scripts:
            if name not in self._prepared:
                text = sql_text(name)
                if "{{tz}}" in text:  # scripts that need the log's time zone (local days and hours)
                    text = render_sql(name, tz=quote_literal(self.tz))
                run_script(self.con, text)
                self._prepared.add(name)

    def filter(self, **changes: Any) -> EventLog:
        """The same log with more filters (see `FilterSpec` for the names)."""
        return EventLog(self.store, self.name, self.filters.merged(**changes))

    # -- running SQL -----------------------------------------------------------------------------
    def df(self, sql_name: str, params: dict[str, Any] | None = None, **parts: str) -> pd.DataFrame:
        """Run `procesflow/sql/<sql_name>.sql` on this log and return a DataFrame (the shared step
        and case tables exist from the start)."""
        text = render_sql(sql_name, **parts) if parts else sql_text(sql_name)
        return frame(self.con, text, params)

    def rows(self, sql_name: str, params: dict[str, Any] | None = None, **parts: str) -> list[tuple]:
        text = render_sql(sql_name, **parts) if parts else sql_text(sql_name)
        return self.con.execute(text, params or {}).fetchall()

    def one(self, sql_name: str, params: dict[str, Any] | None = None, **parts: str) -> dict[str, Any]:
        """The single row a query returns, as a dict."""
        text = render_sql(sql_name, **parts) if parts else sql_text(sql_name)
        cur = self.con.execute(text, params or {})
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row or [None] * len(cur.description), strict=True))

    # -- facts about the log -----------------------------------------------------------------------
    @cached_property
    def mapping(self) -> dict[str, Any]:
        return json.loads(str(self.import_row["mapping"]))

    @cached_property
    def has_start_times(self) -> bool:
        return bool(self.con.execute("SELECT count(start_ts) > 0 FROM pf_steps").fetchone()[0])

    @cached_property
    def tags(self) -> dict[str, list[str]]:
        """Activity tags from the mapping (approval, check, contact, decision, suspension)."""
        rows = self.con.execute(
            "SELECT tag, list(activity ORDER BY activity) FROM activity_tags WHERE log = ? GROUP BY tag",
            [self.name],
        ).fetchall()
        return {tag: acts for tag, acts in rows}

    def __repr__(self) -> str:
        r = self.filter_report
        return f"<EventLog {self.name!r}: {r.cases_kept:,} cases, {r.events_kept:,} events>"
