"""Terminal output: rich tables for what the library returns. No computation happens here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

out = Console(highlight=False, soft_wrap=True)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def print_import(result: Any) -> None:
    """The mapping used, the counts (read / loaded / rejected by reason) and the quality report."""
    verb = "reused" if result.reused else "imported"
    out.print(f"[bold]{verb}[/bold] {result.source} → log [bold]{result.log}[/bold] "
              f"({result.connector}, {result.duration_s:.1f} s)")
    detected = {k: v for k, v in result.detected.items() if v not in (None, [], "")}
    if detected:
        out.print("source: " + ", ".join(f"{k}={v!r}" for k, v in detected.items()))
    mapping = Table(title="column roles", title_justify="left", show_edge=False)
    mapping.add_column("role")
    mapping.add_column("column")
    mapping.add_column("how")
    for role, column, how in result.roles:
        mapping.add_row(role, column, how)
    out.print(mapping)
    for role, how in result.time_parsing.items():
        out.print(f"{role}: {how}")
    out.print(
        f"rows read {result.rows_read:,} · loaded {result.rows_valid:,} · "
        f"rejected {result.rejected:,} → {result.events:,} events in "
        f"{result.quality['cases']:,} cases"
        + (f" ({result.pairs_merged:,} start/complete pairs merged)" if result.pairs_merged else "")
    )
    for reason, count in result.rejects_by_reason.items():
        out.print(f"  rejected {count:,}: {reason}")
    if result.rejected:
        out.print("  (the rows are kept in the store's rejects table with their content)")
    for note in result.notes:
        out.print(f"note: {note}")
    print_quality(result.quality)


def print_quality(q: dict[str, Any]) -> None:
    table = Table(title="data quality", title_justify="left", show_edge=False)
    table.add_column("check")
    table.add_column("value", justify="right")
    rows = [
        ("time span", f"{(q.get('first_event') or '')[:10]} … {(q.get('last_event') or '')[:10]}"),
        ("events sharing a timestamp within a case", f"{q['tied_events']:,} in {q['cases_with_ties']:,} cases"),
        ("date-only timestamps", _pct(q["date_only_share"])),
        ("events in the future", f"{q['future_events']:,}"),
        ("events before 1990", f"{q['events_before_1990']:,}"),
        ("cases with one event", f"{q['single_event_cases']:,}"),
        ("events without resource", _pct(q["resource_missing_share"])),
        ("events without department", _pct(q["department_missing_share"])),
        ("duplicate events", f"{q.get('duplicates', 0):,}"
         + (f" ({q['duplicates_removed']:,} removed)" if q.get("duplicates_removed") else "")),
        ("non-existent DST times (shifted)", f"{q.get('dst_nonexistent', 0):,}"),
        ("ambiguous DST times (first taken)", f"{q.get('dst_ambiguous', 0):,}"),
    ]
    if q.get("start_after_end"):
        rows.append(("start after end", f"{q['start_after_end']:,}"))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)


def print_logs(logs: list[Any], path: Path, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps([vars(log) for log in logs]))
        return
    if not logs:
        out.print(f"{path}: no logs yet; import one with: procesflow import FILE")
        return
    table = Table(title=f"logs in {path}", title_justify="left")
    for col in ("log", "cases", "events", "source"):
        table.add_column(col, justify="right" if col in ("cases", "events") else "left")
    for log in logs:
        table.add_row(log.name, f"{log.cases:,}", f"{log.events:,}", log.source)
    out.print(table)


def print_info(info: dict[str, Any], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(info, default=str))
        return
    out.print(f"[bold]{info['log']}[/bold] from {info['source']} ({info['connector']}, "
              f"imported {info['imported_at'][:19]})")
    out.print(
        f"{info['cases']:,} cases · {info['events']:,} events · {info['activities']:,} activities · "
        f"{info['departments']:,} departments · {info['resources']:,} resources · "
        f"{info['channels']:,} channels"
    )
    out.print(f"time span {(info['first_event'] or '')[:19]} … {(info['last_event'] or '')[:19]} (UTC)")
    roles = info["mapping"]["roles"]
    out.print("roles: " + ", ".join(f"{r}={c!r}" for r, c in roles.items()))
    out.print(f"time zone for naive timestamps: {info['mapping']['tz']}")
    if info["event_attributes"]:
        out.print("event attributes: " + ", ".join(info["event_attributes"]))
    if info["case_attributes"]:
        out.print("case attributes: " + ", ".join(info["case_attributes"]))
    out.print(f"rows read {info['rows_read']:,}, rejected {info['rows_rejected']:,}")
    for reason, count in info["quality"].get("rejects_by_reason", {}).items():
        out.print(f"  rejected {count:,}: {reason}")
    print_quality(info["quality"])
