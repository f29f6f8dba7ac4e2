"""Rework: repeated activities, first-time-right cases and the loops of the DFG.

All counting over events is SQL on the step table (`procesflow/sql/rework_*.sql`); what depends only
on the activity sequence (repeats, self-loops, rework paths) is counted per variant and weighted by
its cases. Python only ranks the compact results (one row per activity or per loop) and finds the
loops on the DFG with networkx.
Order within a case is always timestamp, then source order (`seq`).

Definitions (the `rework` section of metrics.json):

- **Extra execution**: an execution of an activity that is not its first in the case
  (occurrences − 1, summed over cases). A case has a *repeat* of an activity when it occurs more
  than once in the case.
- **Self-loop** vs **after other steps**: an extra execution is a self-loop when the event
  directly before it in the case is the same activity (a → a, the DFG self-loop count), else
  other activities lie between it and the previous execution. The two add up to the extra
  executions.
- **Repeat** vs **redo**: each extra execution is compared with the *previous execution of the
  same activity in the same case*: same performer → repeat (the same person does it again), a
  different one → redo (someone else does it again), either unknown → unknown. The performer is
  the resource when the (filtered) log has any resource, else the department when it has any,
  else there is none and every extra execution is unknown (`repeat_basis` says which). The three
  add up to the extra executions.
- **First-time-right case**: no activity occurs more than once (a single-event case is one).
  Rework cases are the others.
- **Loops**: the strongly connected components of the DFG with more than one activity, or one
  activity with a self-loop. A case is affected when it has at least one pair of consecutive
  events whose both activities are in the component; its time inside is the sum of the times
  between the completion timestamps of those pairs. Loops are ranked by cases affected, then
  total time inside. On real logs the DFG is often one large component; the **rework paths**
  (from an execution of an activity to its next execution in the case, e.g. a → x → a) show the
  concrete small loops inside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

from ..discovery.dfg import DFG, discover_dfg
from ..eventlog import EventLog
from ..sqlfiles import quote_ident


def repeat_basis(log: EventLog) -> str | None:
    """The column repetitions are compared on: "resource", else "department", else None."""
    has_resource, has_department = log.con.execute(
        "SELECT count(resource) > 0, count(department) > 0 FROM pf_steps"
    ).fetchone()
    if has_resource:
        return "resource"
    if has_department:
        return "department"
    return None


def rework_activities(log: EventLog, basis: str | None = None) -> pd.DataFrame:
    """Per activity: events, cases, cases_with_repeat, extra_executions, self_loops,
    after_other_steps, repeat_same, redo_other, unknown_performer, max_in_case.

    `basis` is the performer column ("resource" or "department"); default `repeat_basis(log)`."""
    basis = repeat_basis(log) if basis is None else basis
    if basis not in ("resource", "department", None):
        raise ValueError(f"basis must be resource, department or None, got {basis!r}")
    who = quote_ident(basis) if basis else "CAST(NULL AS VARCHAR)"
    prev_who = quote_ident(f"prev_{basis}") if basis else "CAST(NULL AS VARCHAR)"
    log.ensure("activities", "rework_occurrences")
    return log.df("rework_activities", who=who, prev_who=prev_who)


def rework_cases(log: EventLog) -> pd.DataFrame:
    """Per case: events, activities (distinct), extra_executions, repeated_activities,
    first_time_right."""
    return log.df("rework_cases")


def find_loops(dfg: DFG) -> list[dict[str, Any]]:
    """The loops of the DFG: strongly connected components with more than one activity, or a single
    activity with a self-loop. Each: `activities` (sorted) and `edges` inside it (source, target,
    count, cases; most frequent first). Unranked (see `rework_loops`)."""
    g = dfg.graph()
    loops = []
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            (node,) = comp
            if not g.has_edge(node, node):
                continue
        sub = g.subgraph(comp)
        edges = sorted(
            ({"source": s, "target": t, "count": int(d["count"]), "cases": int(d["cases"])}
             for s, t, d in sub.edges(data=True)),
            key=lambda e: (-e["count"], e["source"], e["target"]),
        )
        loops.append({"activities": sorted(comp), "edges": edges})
    loops.sort(key=lambda lp: lp["activities"])
    return loops


def rework_paths(log: EventLog, top: int = 10) -> pd.DataFrame:
    """The most frequent rework paths: per (activity, path) where path runs from an execution of
    the activity to its next execution in the case (both included): occurrences, cases, total_s,
    median_s (completion to completion). The small, concrete loops inside a large component."""
    ensure_rework_occurrences(log)
    return log.df("rework_paths", {"top": int(top)})


def ensure_rework_occurrences(log: EventLog) -> None:
    """Build TEMP TABLE pf_rework_occurrences (one row per extra execution, with its rework path)
    once per log; shared by `rework_paths` and the `rework-loop` rule."""
    log.ensure("steps", "rework_occurrences")


def rework_loops(log: EventLog, dfg: DFG | None = None) -> list[dict[str, Any]]:
    """The loops of the DFG of `log`, ranked by cases affected, then total time inside.

    `dfg` must be the full DFG of the same filtered log (not a path-abstracted one).

    Each loop: rank, activities, edges, size, self_loop_only, cases, case_share, traversals (pairs
    of consecutive events inside), total_s, median_case_s, mean_case_s, max_case_s (time inside per
    affected case, seconds between completion timestamps)."""
    dfg = discover_dfg(log) if dfg is None else dfg
    loops = find_loops(dfg)
    if not loops:
        return []
    acts = [a for lp in loops for a in lp["activities"]]
    comps = [i for i, lp in enumerate(loops) for _ in lp["activities"]]
    stats = log.df("rework_loops", {"acts": acts, "comps": comps}).set_index("comp")
    n_cases = log.filter_report.cases_kept
    out = []
    for i, lp in enumerate(loops):  # every loop has a row: its edges come from the same pf_ev
        row = stats.loc[i]
        out.append({
            "activities": lp["activities"],
            "edges": lp["edges"],
            "size": len(lp["activities"]),
            "self_loop_only": len(lp["activities"]) == 1,
            "cases": int(row["cases"]),
            "case_share": int(row["cases"]) / n_cases,
            "traversals": int(row["traversals"]),
            "total_s": _num(row["total_s"]),
            "median_case_s": _num(row["median_case_s"]),
            "mean_case_s": _num(row["mean_case_s"]),
            "max_case_s": _num(row["max_case_s"]),
        })
    out.sort(key=lambda lp: (-lp["cases"], -lp["total_s"], lp["activities"]))
    for rank, lp in enumerate(out, 1):
        lp["rank"] = rank
    return [{"rank": lp.pop("rank"), **lp} for lp in out]


def loop_cases(log: EventLog, activities: Iterable[str]) -> pd.DataFrame:
    """Cases going through the loop made of `activities`: case_id, traversals, seconds (time inside,
    summed over consecutive event pairs whose both activities are in the loop), longest first."""
    return log.df("rework_loop_cases", {"acts": list(activities)})


def compute_rework(log: EventLog, dfg: DFG | None = None, top_paths: int = 10) -> dict[str, Any]:
    """The `rework` section of metrics.json (plain JSON-ready data).

    Keys: cases, events, first_time_right_cases, first_time_right_share, rework_cases,
    rework_share, extra_executions, mean/median_extra_per_rework_case, max_extra_in_case,
    repeat_basis, activities (list, per activity; only activities with an extra execution, most
    extra executions first), repeated_activities (how many), loops (see `rework_loops`), paths
    (the `top_paths` most frequent rework paths, see `rework_paths`)."""
    s = log.one("rework_summary")
    basis = repeat_basis(log)
    acts = rework_activities(log, basis)
    repeated = acts[acts["extra_executions"] > 0]
    cases = int(s["cases"])
    return {
        "cases": cases,
        "events": int(s["events"]),
        "first_time_right_cases": int(s["first_time_right_cases"]),
        "first_time_right_share": s["first_time_right_cases"] / cases if cases else None,
        "rework_cases": int(s["rework_cases"]),
        "rework_share": s["rework_cases"] / cases if cases else None,
        "extra_executions": int(s["extra_executions"]),
        "mean_extra_per_rework_case": _num(s["mean_extra_per_rework_case"]),
        "median_extra_per_rework_case": _num(s["median_extra_per_rework_case"]),
        "max_extra_in_case": int(s["max_extra_in_case"]),
        "repeat_basis": basis,
        "repeated_activities": len(repeated),
        "activities": [_record(r) for r in repeated.to_dict("records")],
        "loops": rework_loops(log, dfg),
        "paths": [_record(r) for r in rework_paths(log, top_paths).to_dict("records")],
    }


def _num(value: Any) -> Any:
    """numpy/pandas scalars -> Python; NaN/NA -> None; arrays and lists -> lists."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1:
        return [_num(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _num(v) for k, v in row.items()}
