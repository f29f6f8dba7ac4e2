"""Terminal output: rich tables for what the library returns. No computation happens here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 140)


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
    for found in info["quality"].get("personal_data") or []:  # see procesflow.privacy
        kinds = ", ".join(f"{found[k]:,} {name}" for k, name in
                          (("bsn", "likely BSNs"), ("email", "e-mail addresses"), ("phone", "phone numbers"))
                          if found.get(k))
        out.print(f"personal data in {found['column']!r}: {kinds}")
    pseudonymized = (info["mapping"].get("privacy") or {}).get("pseudonymized")
    if pseudonymized:
        out.print("pseudonymised (keyed hashes): " + ", ".join(repr(c) for c in pseudonymized))
    print_quality(info["quality"])


def print_findings(document: dict[str, Any], lang: str = "en") -> None:
    findings = document["findings"]
    out.print(f"[bold]{len(findings)} finding(s)[/bold] on {document['log']} "
              f"({document['cases']:,} cases), largest expected gain first")
    if findings:
        table = Table(show_edge=False)
        for col in ("#", "rule", "waste", "severity", "cases", "gain / year"):
            table.add_column(col, justify="right" if col in ("#", "cases", "gain / year") else "left")
        for f in findings:
            gain = f["expected_gain"]
            table.add_row(str(f["number"]), f["rule"], f["waste"], f["severity"],
                          f"{f['affected_cases']:,} ({f['affected_share']:.0%})",
                          f"{gain['value']:,.0f} {gain['unit']}")
        out.print(table)
        for f in findings:
            out.print(f"\n[bold]{f['number']}. {f['title'][lang]}[/bold] ({f['rule']})")
            out.print(f["proposal"][lang])
    for skipped in document["skipped"]:
        out.print(f"skipped {skipped['rule']}: {skipped['reason']}")
    for suggestion in document["suggestions"]:
        out.print(f"suggestion: {suggestion}")


def print_rule_list(rules: list[Any], lang: str = "en") -> None:
    table = Table(show_edge=False)
    for col in ("rule", "waste", "finds", "best practice"):
        table.add_column(col)
    for rule in rules:
        table.add_row(rule.id + ("" if rule.builtin else " (yours)"), rule.waste, rule.title[lang], rule.best_practice)
    out.print(table)


def print_rule(rule: Any, lang: str = "en") -> None:
    out.print(f"[bold]{rule.id}[/bold] — {rule.title[lang]}  ({rule.path})")
    out.print(f"waste: {rule.waste} · best practice: {rule.best_practice}")
    out.print(rule.description)
    if rule.needs:
        out.print("needs: " + ", ".join(rule.needs))
    if rule.parameters:
        table = Table(title="parameters", title_justify="left", show_edge=False)
        for col in ("name", "default", "meaning"):
            table.add_column(col)
        for p in rule.parameters.values():
            table.add_row(p.name, str(p.default), p.description)
        out.print(table)
    out.print(f"expected gain ({rule.gain_unit} per year): {rule.gain_formula}")
    out.print("detection query:")
    out.print(rule.sql, markup=False)
    out.print("sources:")
    for ref in rule.references:
        out.print(f"  - {ref}", markup=False)


def print_metrics(m: dict[str, Any]) -> None:
    """The headline numbers of metrics.json as a few readable tables."""
    from .render.text import fmt_duration

    log = m["log"]
    out.print(f"[bold]{log['name']}[/bold]: {log['cases']:,} cases · {log['events']:,} events · "
              f"{log['activities']} activities · {log['variants']:,} variants · "
              f"{(log['first_event'] or '')[:10]} … {(log['last_event'] or '')[:10]}")
    for line in m["filters"]["description"]:
        out.print(f"filter: {line}")
    t, rw, ho, dl, ct = m["time"], m["rework"], m["handoffs"], m["deadline"], m["citizen"]
    rows: list[tuple[str, str]] = [
        ("throughput time, median", fmt_duration(t["throughput"]["median"])),
        ("throughput time, 90th percentile", fmt_duration(t["throughput"]["p90"])),
        ("waiting share of case time", _pct(t["waiting"].get("share_of_case_time"))),
    ]
    if t["flow_efficiency"].get("computed"):
        rows.append(("flow efficiency, median", _pct(t["flow_efficiency"].get("median"))))
    rows += [
        ("first-time-right cases", _pct(rw["first_time_right_share"])),
        ("extra executions (rework)", f"{rw['extra_executions']:,}"),
        (f"hand-offs per case ({ho['level']}), median", f"{ho['per_case']['median'] or 0:g}"),
        ("ping-pong cases", f"{ho['ping_pong']['cases']:,}"),
    ]
    if dl.get("computed"):
        rows.append((f"decided within the term ({dl['term']})", _pct(dl["decided"]["share_within_term"])))
        rows.append(("open cases at risk / overdue", f"{dl['open']['at_risk']:,} / {dl['open']['overdue']:,}"))
    if ct.get("computed"):
        rows.append(("contacts per case, mean", f"{ct['contacts']['mean_per_case']:.2f}"))
        rows.append(("cases with a contact while waiting", _pct(ct["contact_while_waiting"]["share_of_cases"])))
    conf = m["model"]["conformance"]
    rows.append(("model fitness (token replay)", f"{conf['token_replay']['log_fitness']:.3f}"))
    rows.append(("model precision", "not computed" if conf["precision"] is None else f"{conf['precision']:.3f}"))
    table = Table(title="key figures", title_justify="left", show_edge=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    cx = m["complexity"]
    table = Table(title="complexity", title_justify="left", show_edge=False)
    for col in ("measure", "process map", "BPMN model"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    d, b = cx["dfg"] or {}, cx["bpmn"] or {}
    for key, label in (("nodes", "nodes / size"), ("arcs", "arcs / flows"), ("cnc", "CNC (arcs per node)"),
                       ("cfc", "control-flow complexity (CFC)"), ("density", "density")):
        bkey = {"nodes": "size", "arcs": "flows"}.get(key, key)
        table.add_row(label, _fmt(d.get(key)), _fmt(b.get(bkey)))
    out.print(table)
    out.print(f"variants per 100 cases {cx['log']['variants_per_100_cases']:.1f}; top-10 variants cover "
              f"{_pct(cx['log']['top10_variant_coverage'])}; normalised variant entropy "
              f"{cx['log']['variant_entropy_normalised']:.2f}")
    for g in cx["guidance"]:
        if g.get("triggered"):
            out.print(f"[yellow]{g['rule']}[/yellow] {g['text']}")


def _fmt(x: Any) -> str:
    if x is None:
        return "–"
    return f"{x:,.3f}" if isinstance(x, float) and x < 10 else f"{x:,.0f}" if isinstance(x, int | float) else str(x)


STEP_WORDS = {
    "import": "importing the log", "filter": "filtering", "metrics": "measuring (DFG, variants, model, metrics)",
    "rules": "running the Lean rules (and drawing maps and charts)", "maps": "drawing the findings map",
    "report": "writing the report",
}


@contextmanager
def progress(quiet: bool = False) -> Iterator[Callable[[str], None] | None]:
    """A live status line on a terminal; nothing with --quiet, in CI, or when output is redirected."""
    import os

    if quiet or os.environ.get("CI") or not sys.stdout.isatty():
        yield None
        return
    with out.status("starting") as status:
        yield lambda step: status.update(STEP_WORDS.get(step, step) + " …")


def print_discover(result: Any, lang: str = "en") -> None:
    """The closing summary of `discover`: top findings and where everything is."""
    doc = result.findings
    m = result.metrics
    out.print(f"[bold]{result.log}[/bold]: {m['log']['cases']:,} cases, {m['log']['events']:,} events, "
              f"{len(doc['findings'])} finding(s)")
    if doc["findings"]:
        table = Table(title="top findings", title_justify="left", show_edge=False)
        for col in ("#", "finding", "cases", "gain / year"):
            table.add_column(col, justify="right" if col in ("#", "cases", "gain / year") else "left")
        for f in doc["findings"][:5]:
            gain = f["expected_gain"]
            table.add_row(str(f["number"]), f["title"][lang], f"{f['affected_cases']:,} ({f['affected_share']:.0%})",
                          f"{gain['value']:,.0f} {gain['unit']}")
        out.print(table)
    for suggestion in doc["suggestions"]:
        out.print(f"suggestion: {suggestion}")
    out.print(f"written to {result.folder}/:")
    out.print("  " + ", ".join(sorted(result.files)))
    report = result.folder / "report.html"
    out.print(f"[bold]report: {report}[/bold]")


def print_comparison(document: dict[str, Any], lang: str = "en") -> None:
    from .render.comparison import _context

    ctx = _context(document, lang)
    out.print(f"[bold]{ctx['a_name']} → {ctx['b_name']}[/bold] ({ctx['a_cases']} → {ctx['b_cases']} cases)")
    table = Table(show_edge=False)
    for col in ("measure", "before", "after", "change"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for d in ctx["deltas"]:
        style = {"better": "green", "worse": "red"}.get(d["css"], "")
        table.add_row(d["metric"], d["a"], d["b"], f"[{style}]{d['change']}[/{style}]" if style else d["change"])
    out.print(table)
    for group in ctx["finding_groups"]:
        out.print(f"{group['title']}: " + ("; ".join(f"{f['title']} ({f['detail']})" for f in group["entries"])
                                           or ctx["w"]["none"]))
