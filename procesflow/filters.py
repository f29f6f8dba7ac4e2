"""One filter specification for every command, and the one place that turns it into SQL.

Filters are applied in a fixed, documented order (README, "Filters"):

1. case filters — time window, attribute equals/in, starts with / ends with activity;
2. variant filter — the most frequent variants by count (`top_variants`) or by case coverage
   (`variant_coverage`, %), on the full traces of the cases kept by step 1;
3. activity abstraction (`activities`, %) — keep the most frequent activities (by events) and drop
   the events of the others from the traces (Disco-style projection: remaining events follow each
   other directly);
4. path abstraction (`paths`, %) — applied to the directly-follows graph, not to events
   (see `procesflow.discovery.dfg.abstract_paths`).

The result is a TEMP VIEW `pf_ev` on a connection of its own (the store's coded events, with the
case as `case_key`; `pf_case_ids` has the case ids); every metric, rule and map reads it through
the step table, so all of them see exactly the same cases and events.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import duckdb

from .errors import InputError
from .sqlfiles import quote_literal

WINDOW_MODES = ("started", "completed", "contained", "intersecting", "trim")
EVENT_COLUMNS = ("activity", "resource", "department", "channel", "lifecycle", "case_id")


@dataclass(frozen=True)
class FilterSpec:
    """What to keep. Empty spec = the whole log."""

    since: str | None = None  # ISO date or date-time (local dates are UTC midnight)
    until: str | None = None  # exclusive
    window: str = "started"  # how a case relates to [since, until): see WINDOW_MODES
    starts_with: tuple[str, ...] = ()
    ends_with: tuple[str, ...] = ()
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (attribute, allowed values)
    top_variants: int | None = None
    variant_coverage: float | None = None  # percent of cases
    activities: float | None = None  # percent of activities kept (by frequency)
    paths: float | None = None  # percent of paths kept on maps (by frequency)

    def __post_init__(self) -> None:
        if self.window not in WINDOW_MODES:
            raise InputError(f"unknown --window {self.window!r}; choose one of {', '.join(WINDOW_MODES)}")
        for name in ("variant_coverage", "activities", "paths"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 100:
                raise InputError(f"--{name.replace('_', '-')} must be a percentage in (0, 100], got {value}")
        if self.top_variants is not None and self.top_variants < 1:
            raise InputError(f"--top-variants must be at least 1, got {self.top_variants}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                _parse_moment(value, f"--{'from' if name == 'since' else 'to'}")

    def merged(self, **changes: Any) -> FilterSpec:
        """A new spec with `changes` applied; `where` and activity lists are combined."""
        if "where" in changes:
            changes["where"] = self.where + normalise_where(changes["where"])
        for key in ("starts_with", "ends_with"):
            if key in changes and isinstance(changes[key], str):
                changes[key] = (changes[key],)
            if key in changes:
                changes[key] = tuple(getattr(self, key)) + tuple(changes[key])
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return self == FilterSpec()

    def describe(self) -> list[str]:
        """Human-readable lines, for reports ("what was filtered")."""
        lines = []
        if self.since or self.until:
            lines.append(f"cases {self.window} in [{self.since or '…'}, {self.until or '…'})")
        for attr, values in self.where:
            lines.append(f"{attr} in {', '.join(values)}")
        if self.starts_with:
            lines.append(f"starts with {' or '.join(self.starts_with)}")
        if self.ends_with:
            lines.append(f"ends with {' or '.join(self.ends_with)}")
        if self.top_variants:
            lines.append(f"top {self.top_variants} variants")
        if self.variant_coverage:
            lines.append(f"most frequent variants covering {self.variant_coverage:g}% of cases")
        if self.activities:
            lines.append(f"{self.activities:g}% most frequent activities")
        if self.paths:
            lines.append(f"{self.paths:g}% most frequent paths on maps")
        return lines


def normalise_where(where: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Accept {"attr": "v"}, {"attr": ["v1", "v2"]} or [("attr", ("v",))] or ["attr=v", ...]."""
    if not where:
        return ()
    items: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(where, dict):
        for key, values in where.items():
            vals = (values,) if isinstance(values, str) else tuple(str(v) for v in values)
            items.append((str(key), vals))
        return tuple(items)
    merged: dict[str, list[str]] = {}
    for item in where:
        if isinstance(item, str):
            if "=" not in item:
                raise InputError(f"--where {item!r}: write ATTRIBUTE=VALUE, e.g. --where afdeling=Vergunningen")
            key, value = item.split("=", 1)
            merged.setdefault(key.strip(), []).append(value.strip())
        else:
            key, values = item
            vals = [values] if isinstance(values, str) else list(values)
            merged.setdefault(key, []).extend(vals)
    return tuple((k, tuple(v)) for k, v in merged.items())


@dataclass
class FilterReport:
    """What the filters kept and hid — shown on maps and in reports."""

    cases_total: int
    cases_kept: int
    events_total: int
    events_kept: int
    activities_total: int
    hidden_activities: list[tuple[str, int]] = field(default_factory=list)  # (activity, events)
    description: list[str] = field(default_factory=list)


def build_filtered_view(
    con: duckdb.DuckDBPyConnection, store: Any, log: str, spec: FilterSpec, tz: str = "UTC"
) -> FilterReport:
    """Create TEMP VIEW `pf_ev` (and helpers) on `con` for `log` of `store` filtered by `spec`.

    `pf_ev` has `case_key` (an integer per case on DuckDB: what windows partition by) and the
    canonical event columns, the text roles dictionary-coded (`Store.events_relation`).
    Dates and date-times without offset in `since`/`until` are wall-clock time in `tz` (the zone
    the log was imported with), so `--from 2024-01-01` means local midnight."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW pf_log_ev AS {store.events_relation(log)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW pf_case_ids AS {store.cases_relation(log)}")
    totals = con.execute(
        "SELECT count(DISTINCT case_key), count(*), count(DISTINCT activity) FROM pf_log_ev"
    ).fetchone()
    case_filters = _case_predicates(con, store, log, spec, tz)
    if case_filters or spec.top_variants or spec.variant_coverage:
        where = " AND ".join(case_filters) if case_filters else "true"
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE pf_kept_cases AS
            WITH c AS (
                SELECT case_key, min(ts) AS first_ts, max(ts) AS last_ts,
                       arg_min(activity, (ts, seq)) AS first_activity,
                       arg_max(activity, (ts, seq)) AS last_activity
                FROM pf_log_ev GROUP BY case_key
            )
            SELECT case_key FROM c WHERE {where}
            """
        )
        if spec.top_variants or spec.variant_coverage:
            _keep_top_variants(con, spec)
        case_clause = "case_key IN (SELECT case_key FROM pf_kept_cases)"
    else:
        case_clause = "true"
    event_clause = "true"
    if spec.window == "trim" and (spec.since or spec.until):
        event_clause = _window_sql("ts", "ts", spec, tz)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW pf_ev_cases AS SELECT * FROM pf_log_ev "
        f"WHERE {case_clause} AND {event_clause}"
    )
    hidden: list[tuple[str, int]] = []
    if spec.activities is not None and spec.activities < 100:
        freq = con.execute(
            "SELECT CAST(activity AS VARCHAR) AS activity, count(*) AS n FROM pf_ev_cases "
            "GROUP BY activity ORDER BY n DESC, activity"
        ).fetchall()
        keep = max(1, math.floor(len(freq) * spec.activities / 100 + 0.5))
        hidden = [(a, n) for a, n in freq[keep:]]
    if hidden:
        hidden_list = ", ".join(quote_literal(a) for a, _ in hidden)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW pf_ev AS SELECT * FROM pf_ev_cases "
            f"WHERE activity NOT IN ({hidden_list})"
        )
    else:
        con.execute("CREATE OR REPLACE TEMP VIEW pf_ev AS SELECT * FROM pf_ev_cases")
    kept = con.execute("SELECT count(DISTINCT case_key), count(*) FROM pf_ev").fetchone()
    if kept[1] == 0:
        raise InputError(f"log {log!r}: the filters keep no events ({'; '.join(spec.describe())})")
    return FilterReport(
        cases_total=totals[0],
        cases_kept=kept[0],
        events_total=totals[1],
        events_kept=kept[1],
        activities_total=totals[2],
        hidden_activities=hidden,
        description=spec.describe(),
    )


def _case_predicates(con: duckdb.DuckDBPyConnection, store: Any, log: str, spec: FilterSpec, tz: str) -> list[str]:
    preds: list[str] = []
    if (spec.since or spec.until) and spec.window != "trim":
        preds.append(_window_sql("first_ts", "last_ts", spec, tz))
    if spec.starts_with:
        preds.append(f"first_activity IN ({', '.join(quote_literal(a) for a in spec.starts_with)})")
    if spec.ends_with:
        preds.append(f"last_activity IN ({', '.join(quote_literal(a) for a in spec.ends_with)})")
    for attr, values in spec.where:
        preds.append(_attribute_predicate(con, store, log, attr, values))
    return preds


def _window_sql(first: str, last: str, spec: FilterSpec, tz: str) -> str:
    since = _moment_sql(spec.since, "--from", tz) if spec.since else None
    until = _moment_sql(spec.until, "--to", tz) if spec.until else None
    lo_first = f"{first} >= {since}" if since else "true"
    hi_first = f"{first} < {until}" if until else "true"
    lo_last = f"{last} >= {since}" if since else "true"
    hi_last = f"{last} < {until}" if until else "true"
    if spec.window == "started":
        return f"({lo_first} AND {hi_first})"
    if spec.window == "completed":
        return f"({lo_last} AND {hi_last})"
    if spec.window in ("contained", "trim"):  # trim: first = last = the event's ts
        return f"({lo_first} AND {hi_last})"
    # intersecting: the case's span overlaps the window
    return f"({lo_last} AND {hi_first})"


def _attribute_predicate(con: duckdb.DuckDBPyConnection, store: Any, log: str, attr: str,
                         values: tuple[str, ...]) -> str:
    vals = ", ".join(quote_literal(v) for v in values)
    key = quote_literal(attr)
    source, event_attrs = store.event_attributes(log)
    case_keys = {r[0] for r in con.execute(
        f"SELECT DISTINCT unnest(map_keys(attrs)) FROM cases WHERE log = {quote_literal(log)}").fetchall()}
    # a name may be a role column (department), an event attribute and a case attribute at once
    parts = []
    if attr == "case_id":
        parts.append(f"case_key IN (SELECT case_key FROM pf_case_ids WHERE case_id IN ({vals}))")
    elif attr in EVENT_COLUMNS:
        parts.append(f"case_key IN (SELECT case_key FROM pf_log_ev WHERE {attr} IN ({vals}))")
    if attr in event_attrs:
        parts.append(f"case_key IN (SELECT case_key FROM {source} WHERE {event_attrs[attr]} IN ({vals}))")
    if attr in case_keys:
        parts.append(
            f"case_key IN (SELECT k.case_key FROM pf_case_ids k JOIN cases c ON c.log = {quote_literal(log)} "
            f"AND c.case_id = k.case_id WHERE c.attrs[{key}] IN ({vals}))"
        )
    if not parts:
        known = sorted(set(EVENT_COLUMNS) | set(event_attrs) | case_keys)
        raise InputError(f"--where {attr}=...: log {log!r} has no attribute {attr!r}; attributes: {', '.join(known)}")
    return "(" + " OR ".join(parts) + ")"


def _keep_top_variants(con: duckdb.DuckDBPyConnection, spec: FilterSpec) -> None:
    """Reduce pf_kept_cases to the cases of the most frequent variants (ties by variant text)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE pf_case_variant AS
        SELECT case_key, list(CAST(activity AS VARCHAR) ORDER BY ts, seq) AS variant
        FROM pf_log_ev WHERE case_key IN (SELECT case_key FROM pf_kept_cases)
        GROUP BY case_key
        """
    )
    limit = (
        f"rank <= {int(spec.top_variants)}"
        if spec.top_variants
        else f"covered_before < {float(spec.variant_coverage) / 100} * total"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE pf_kept_cases AS
        WITH v AS (SELECT variant, count(*) AS n FROM pf_case_variant GROUP BY variant),
        r AS (
            SELECT variant, n,
                   row_number() OVER (ORDER BY n DESC, array_to_string(variant, chr(31))) AS rank,
                   coalesce(sum(n) OVER (ORDER BY n DESC, array_to_string(variant, chr(31))
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                       AS covered_before,
                   sum(n) OVER () AS total
            FROM v
        )
        SELECT c.case_key FROM pf_case_variant c JOIN r USING (variant) WHERE {limit}
        """
    )


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_moment(text: str, flag: str) -> datetime:
    """ISO date or date-time; an InputError naming the flag otherwise."""
    try:
        if _DATE.match(text):
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag} {text!r}: use an ISO date like 2024-01-31 or 2024-01-31T12:00") from None


def _moment_sql(text: str, flag: str, tz: str) -> str:
    """SQL for the instant: wall-clock values are local time in `tz`."""
    moment = _parse_moment(text, flag)
    if moment.tzinfo is None:
        return f"timezone({quote_literal(tz)}, TIMESTAMP {quote_literal(moment.isoformat(sep=' '))})"
    return f"TIMESTAMPTZ {quote_literal(moment.isoformat(sep=' '))}"
