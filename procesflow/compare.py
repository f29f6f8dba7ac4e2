"""Before/after: two logs (or two periods, or two municipalities) side by side.

`compare_logs(a, b)` measures both with the same functions `metrics` and `findings` use and reports
metric deltas (each marked better or worse), findings that appeared, disappeared or stayed, and a
difference map: activities and paths added or removed, and paths that got faster or slower.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .eventlog import EventLog
from .lean.engine import Finding, run_rules
from .metrics.summary import Analysis, analyse
from .options import AnalysisOptions

# (label, path in metrics.json, unit, lower is better?)
DELTAS: list[tuple[str, tuple[str, ...], str, bool]] = [
    ("cases", ("log", "cases"), "count", False),
    ("throughput time, median", ("time", "throughput", "median"), "seconds", True),
    ("throughput time, 90th percentile", ("time", "throughput", "p90"), "seconds", True),
    ("waiting share of case time", ("time", "waiting", "share_of_case_time"), "share", True),
    ("decided within the term", ("deadline", "decided", "share_within_term"), "share", False),
    ("first-time-right cases", ("rework", "first_time_right_share"), "share", False),
    ("extra executions (rework)", ("rework", "extra_executions"), "count", True),
    ("hand-offs per case, mean", ("handoffs", "per_case", "mean"), "number", True),
    ("ping-pong cases", ("handoffs", "ping_pong", "cases"), "count", True),
    ("contacts per case, mean", ("citizen", "contacts", "mean_per_case"), "number", True),
    ("variants", ("log", "variants"), "count", True),
    ("variants per 100 cases", ("complexity", "log", "variants_per_100_cases"), "number", True),
    ("map nodes", ("complexity", "dfg", "nodes"), "count", True),
    ("map arcs", ("complexity", "dfg", "arcs"), "count", True),
    ("map CNC (arcs per node)", ("complexity", "dfg", "cnc"), "number", True),
    ("map control-flow complexity (CFC)", ("complexity", "dfg", "cfc"), "count", True),
    ("model size (BPMN elements)", ("complexity", "bpmn", "size"), "count", True),
    ("model fitness", ("model", "conformance", "token_replay", "log_fitness"), "share", False),
]
CHANGE_THRESHOLD = 0.2  # a path is faster/slower when its median time changes by more than 20% ...
MIN_CHANGE_S = 3600.0  # ... and by at least an hour ...
MIN_COUNT_FOR_SPEED = 10  # ... over at least this many transitions before and after


@dataclass
class Comparison:
    """The comparison as plain data (`document`) plus the pieces to draw the difference map."""

    document: dict[str, Any]
    a: Analysis
    b: Analysis
    lang: str = "en"

    @property
    def deltas(self) -> pd.DataFrame:
        return pd.DataFrame(self.document["deltas"])

    def map(self) -> Any:
        from .api import ProcessMap
        from .render.diffmap import difference_map

        return ProcessMap(difference_map(self.document, self.lang))

    def _repr_html_(self) -> str:
        from .render.comparison import comparison_html_fragment

        return comparison_html_fragment(self.document, self.lang)

    def write(self, folder: Path) -> dict[str, Path]:
        """compare.json, map-diff.svg/png and compare.html (self-contained) into `folder`."""
        from .render.comparison import write_comparison

        return write_comparison(Path(folder), self.document, self.map(), self.lang)


def compare_logs(a: EventLog, b: EventLog, options_a: AnalysisOptions | None = None,
                 options_b: AnalysisOptions | None = None, lang: str = "en") -> Comparison:
    """Measure `a` (before) and `b` (after) and describe the differences."""
    options_a = options_a or AnalysisOptions()
    options_b = options_b or options_a
    analysis_a, analysis_b = analyse(a, options_a), analyse(b, options_b)
    findings_a = run_rules(a, options_a).findings
    findings_b = run_rules(b, options_b).findings
    document = {
        "a": {"log": a.name, "filters": a.filter_report.description, "cases": a.filter_report.cases_kept},
        "b": {"log": b.name, "filters": b.filter_report.description, "cases": b.filter_report.cases_kept},
        "deltas": metric_deltas(analysis_a.metrics, analysis_b.metrics),
        "findings": finding_changes(findings_a, findings_b),
        "map": map_changes(analysis_a, analysis_b),
    }
    return Comparison(document, analysis_a, analysis_b, lang)


def metric_deltas(ma: dict[str, Any], mb: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per metric that both logs have: a, b, change and whether the change is better."""
    rows = []
    for label, path, unit, lower_is_better in DELTAS:
        va, vb = _get(ma, path), _get(mb, path)
        if not isinstance(va, int | float) or not isinstance(vb, int | float):
            continue
        delta = vb - va
        rows.append({
            "metric": label, "unit": unit, "a": va, "b": vb, "delta": delta,
            "delta_pct": (delta / va) if va else None,
            "better": None if delta == 0 else (delta < 0) == lower_is_better,
        })
    return rows


def finding_changes(fa: list[Finding], fb: list[Finding]) -> dict[str, list[dict[str, Any]]]:
    """Findings matched by rule and what they point at (activities, departments)."""
    def key(f: Finding) -> tuple[Any, ...]:
        # a finding about departments (ping-pong, hand-offs) is the same finding when its departments
        # are; otherwise what it points at is its activities
        if f.elements["departments"]:
            return (f.rule, "departments", tuple(sorted(f.elements["departments"])))
        return (f.rule, "activities", tuple(sorted(f.elements["activities"])))

    def brief(f: Finding) -> dict[str, Any]:
        return {"rule": f.rule, "title": f.title, "elements": f.elements, "affected_cases": f.affected_cases,
                "affected_share": f.affected_share, "gain": f.expected_gain["value"], "unit": f.expected_gain["unit"]}

    by_a, by_b = {key(f): f for f in fa}, {key(f): f for f in fb}
    stayed = []
    for k in by_a.keys() & by_b.keys():
        stayed.append({**brief(by_b[k]), "affected_cases_before": by_a[k].affected_cases,
                       "gain_before": by_a[k].expected_gain["value"]})
    return {
        "appeared": [brief(by_b[k]) for k in sorted(by_b.keys() - by_a.keys())],
        "disappeared": [brief(by_a[k]) for k in sorted(by_a.keys() - by_b.keys())],
        "stayed": sorted(stayed, key=lambda x: (x["rule"], x["elements"]["activities"])),
    }


def map_changes(a: Analysis, b: Analysis) -> dict[str, Any]:
    """Activities and edges of both DFGs with their status: added, removed, faster, slower, same."""
    acts_a = dict(zip(a.dfg.activities["activity"], a.dfg.activities["count"], strict=True))
    acts_b = dict(zip(b.dfg.activities["activity"], b.dfg.activities["count"], strict=True))
    activities = []
    for act in sorted(acts_a.keys() | acts_b.keys()):
        status = "added" if act not in acts_a else "removed" if act not in acts_b else "same"
        activities.append({"activity": act, "status": status, "count_a": int(acts_a.get(act, 0)),
                           "count_b": int(acts_b.get(act, 0))})
    ea = {(r.source, r.target): r for r in a.dfg.edges.itertuples(index=False)}
    eb = {(r.source, r.target): r for r in b.dfg.edges.itertuples(index=False)}
    edges = []
    for key in sorted(ea.keys() | eb.keys()):
        ra, rb = ea.get(key), eb.get(key)
        if ra is None:
            status = "added"
        elif rb is None:
            status = "removed"
        else:
            change = float(rb.median_s) - float(ra.median_s)
            relative = change / float(ra.median_s) if ra.median_s else 0.0
            status = ("faster" if change < 0 else "slower") if (
                abs(change) >= MIN_CHANGE_S and abs(relative) > CHANGE_THRESHOLD
                and min(int(ra.count), int(rb.count)) >= MIN_COUNT_FOR_SPEED) else "same"
        edges.append({
            "source": key[0], "target": key[1], "status": status,
            "count_a": int(ra.count) if ra is not None else 0, "count_b": int(rb.count) if rb is not None else 0,
            "median_s_a": float(ra.median_s) if ra is not None else None,
            "median_s_b": float(rb.median_s) if rb is not None else None,
        })
    return {"activities": activities, "edges": edges,
            "start_a": a.dfg.start, "start_b": b.dfg.start, "end_a": a.dfg.end, "end_b": b.dfg.end,
            "rule": f"faster/slower: median transition time changed by more than {CHANGE_THRESHOLD:.0%} "
                    f"and at least {MIN_CHANGE_S / 3600:g} hour, over at least {MIN_COUNT_FOR_SPEED} transitions"}


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data
