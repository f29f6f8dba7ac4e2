"""metrics.json and dfg.json: every metric of a filtered log in one documented document.

Schemas: docs/schema/metrics.schema.json and docs/schema/dfg.schema.json. Durations are seconds,
shares are 0..1. The DFG at the map's abstraction feeds the complexity scorecard; the full DFG
feeds rework loops; the variant collection feeds the models and conformance.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from .. import __version__
from ..discovery.conformance import check_conformance
from ..discovery.dfg import DFG, discover_dfg
from ..discovery.models import Model, discover_inductive
from ..discovery.variants import discover_variants
from ..eventlog import EventLog
from ..options import AnalysisOptions
from .citizen import compute_citizen
from .complexity import complexity_scorecard
from .deadline import compute_deadline
from .handoffs import compute_handoffs
from .rework import compute_rework
from .timing import compute_time

SCHEMA_VERSION = 1
TOP_VARIANTS = 20


@dataclass
class Analysis:
    """The computed pieces, kept as objects for rendering, and the JSON documents."""

    dfg: DFG
    variants: pd.DataFrame
    model: Model
    conformance: Any
    metrics: dict[str, Any]


def analyse(log: EventLog, options: AnalysisOptions | None = None, map_dfg: DFG | None = None) -> Analysis:
    """Compute every metric of `log`. `map_dfg`: the DFG at the map's abstraction (for complexity).

    The process model and its conformance (pm4py, pure Python over the variants) are computed in a
    worker thread while the other metrics run in DuckDB, which releases Python's lock while it works:
    the two overlap instead of adding up."""
    options = options or AnalysisOptions()
    dfg = discover_dfg(log)
    variants = discover_variants(log)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="procesflow-model") as pool:
        modelled = pool.submit(_model_and_conformance, variants, options)
        sections = {
            "rework": compute_rework(log, dfg=dfg),
            "handoffs": _private(log, compute_handoffs(log, level=options.handoff_level, examples=0), options),
            "time": compute_time(log, options),
            "deadline": compute_deadline(log, options),
            "citizen": compute_citizen(log, options),
        }
        log_section = _log_section(log, dfg, variants)
        model, conformance = modelled.result()
    report = log.filter_report
    quality = log.import_row.get("quality")
    metrics = {
        "schema_version": SCHEMA_VERSION,
        "procesflow_version": __version__,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "log": log_section,
        "options": {k: v for k, v in vars(options).items() if v is not None},
        "variants": _variants_section(variants),
        "model": {
            "algorithm": "inductive miner" + (f" (IMf, noise {options.noise_threshold:g})"
                                              if options.noise_threshold else " (IM)"),
            "conformance": conformance.summary,
        },
        "complexity": complexity_scorecard(log, dfg=map_dfg or dfg, bpmn=model.bpmn),
        **sections,
        "data_quality": _json_or_none(quality),
        "filters": {
            "description": report.description,
            "cases_total": report.cases_total,
            "events_total": report.events_total,
            "hidden_activities": [{"activity": a, "events": n} for a, n in report.hidden_activities],
        },
    }
    return Analysis(dfg=dfg, variants=variants, model=model, conformance=conformance, metrics=metrics)


def _model_and_conformance(variants: pd.DataFrame, options: AnalysisOptions) -> tuple[Model, Any]:
    """The inductive model of the variants and its conformance (no database work: safe in a thread)."""
    model = discover_inductive(None, noise=options.noise_threshold, variants=variants)
    conformance = check_conformance(None, model, options, variants=variants,
                                    precision_max_prefix_events=options.precision_max_prefix_events)
    return model, conformance


def _private(log: EventLog, section: dict[str, Any], options: AnalysisOptions) -> dict[str, Any]:
    """Resource-level hand-offs name people: unless --show-resources, they become R001, R002, ...
    (numbered in alphabetical order of the names, so the same log gives the same aliases)."""
    if section.get("level") != "resource" or options.show_resources:
        return section
    names = [r for (r,) in log.con.execute(
        "SELECT DISTINCT CAST(resource AS VARCHAR) FROM pf_steps WHERE resource IS NOT NULL ORDER BY 1").fetchall()]
    alias = {name: f"R{i:03d}" for i, name in enumerate(names, start=1)}

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            return alias.get(value, value)
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return value

    return {**swap(section), "pseudonymised": True}


def dfg_document(dfg: DFG, log_name: str) -> dict[str, Any]:
    """dfg.json: activities and edges with counts and times; start/end edges marked by `kind`."""
    edges: list[dict[str, Any]] = [
        {"source": None, "target": a, "kind": "start", "count": n, "cases": n}
        for a, n in sorted(dfg.start.items(), key=lambda x: (-x[1], x[0]))
    ]
    for row in dfg.edges.to_dict("records"):
        edges.append({"source": row["source"], "target": row["target"], "kind": "edge",
                      **{k: _py(row[k]) for k in ("count", "cases", "mean_s", "median_s", "p90_s", "min_s", "max_s",
                                                  "total_s")}})
    edges += [
        {"source": a, "target": None, "kind": "end", "count": n, "cases": n}
        for a, n in sorted(dfg.end.items(), key=lambda x: (-x[1], x[0]))
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "log": log_name,
        "activities": [{k: _py(v) for k, v in row.items()} for row in dfg.activities.to_dict("records")],
        "edges": edges,
        "hidden_edges": [{"source": s, "target": t, "count": n} for s, t, n in dfg.hidden_edges],
    }


def _log_section(log: EventLog, dfg: DFG, variants: pd.DataFrame) -> dict[str, Any]:
    first, last, resources, departments, channels = log.con.execute(
        "SELECT min(ts), max(ts), count(DISTINCT resource), count(DISTINCT department), count(DISTINCT channel) "
        "FROM pf_steps"
    ).fetchone()
    return {
        "name": log.name,
        "source": str(log.import_row["source"]),
        "time_zone": log.tz,
        "cases": log.filter_report.cases_kept,
        "events": log.filter_report.events_kept,
        "activities": len(dfg.activities),
        "variants": len(variants),
        "first_event": first.isoformat() if first else None,
        "last_event": last.isoformat() if last else None,
        "resources": resources,
        "departments": departments,
        "channels": channels,
        "has_start_times": log.has_start_times,
    }


def _variants_section(variants: pd.DataFrame) -> dict[str, Any]:
    top = variants.head(TOP_VARIANTS)
    return {
        "count": len(variants),
        "top": [
            {"rank": i + 1, "activities": list(r["variant"]), "length": int(r["length"]), "cases": int(r["cases"]),
             "share": float(r["share"]), "cumulative_share": float(r["cumulative_share"]),
             "median_throughput_s": _py(r["median_throughput_s"])}
            for i, r in enumerate(top.to_dict("records"))
        ],
    }


def _json_or_none(text: Any) -> Any:
    import json

    return json.loads(text) if isinstance(text, str) else text


def _py(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value
