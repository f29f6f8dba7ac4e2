"""Hand-offs between departments (or, on request, resources), ping-pong and waiting at hand-offs.

All counting over events is SQL on the step table (`procesflow/sql/handoffs_*.sql`); Python only shapes
the compact results (one row per pair, per path, one summary row).

Definitions (the `handoffs` section of metrics.json), at one *level* — the department column by
default, the resource column only when asked (resource names are personal data; at department level
no output holds a resource name):

- **Chain** of a case: its events with a known value at the level, in timestamp then source order.
  Events with an unknown value (no department) are *left out*, not treated as a unit of their own:
  X, ?, Y is one hand-off X → Y, and X, ?, X none. (`events` vs `known_events` and `cases` vs
  `measured_cases` say how much of the log this covers.) pm4py cannot handle missing resources (its
  handover network raises a TypeError); on the log with those events dropped, as one would do to
  make it run, our resource-level matrix equals pm4py's.
- **Transition**: two consecutive events of the chain. A **hand-off** is a transition whose two
  values differ; the others are transitions *within* one unit. The **handover matrix** has a row
  per (from, to) with the number of transitions (`count`), of cases with one (`cases`), and
  `share` = count / all transitions; rows with from = to are included (flag `handoff` false), as
  pm4py's handover-of-work network (beta = 0) counts a → a too, so `share` equals its value.
- **Per case**: hand-offs and distinct units (departments per case), over the measured cases
  (cases with at least one event with a known value): mean, median, max and the distribution.
- **Ping-pong**: the chain is cut into runs (consecutive events with the same value collapsed);
  three consecutive runs X, Y, X are one occurrence of the pair (X, Y). Its time is from the
  completion timestamp (ts) of the last event of the first X run to the completion timestamp of the
  first event of the returning X run.
- **Waiting**: the wait of a transition runs from the completion (ts) of the first event to the
  start (start_ts) of the next where the next has one, else to its completion (ts); a next event
  that started before the first completed (overlap) waits 0. Reported for hand-offs and for
  transitions within one unit, with the hand-offs' share of the total.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import InputError
from ..eventlog import EventLog
from ..sqlfiles import quote_ident, render_sql, sql_text
from .rework import _num, _record

LEVELS = ("department", "resource")


def _who(level: str) -> str:
    if level not in LEVELS:
        raise InputError(f"hand-off level must be department or resource, got {level!r}")
    return quote_ident(level)


def _chain(log: EventLog, level: str) -> str:
    """TEMP TABLE of the hand-off chain of every case at `level` (handoffs_steps.sql, built once per
    log and level, on pf_handoff_ev: no contacts after the first event); returns its name."""
    name = f"pf_handoff_steps_{level}"
    key = f"handoffs:{level}"
    if key not in log._prepared:
        log.ensure("steps")
        log.con.execute(sql_text("handoffs_events"))
        log.con.execute(render_sql("handoffs_steps", who=_who(level), steps=name))
        log._prepared.add(key)
    return name


def _runs(log: EventLog, level: str) -> str:
    """TEMP TABLE of the runs of every case at `level` (handoffs_runs.sql); returns its name."""
    name = f"pf_handoff_runs_{level}"
    key = f"handoff-runs:{level}"
    if key not in log._prepared:
        log.con.execute(render_sql("handoffs_runs", steps=_chain(log, level), runs=name))
        log._prepared.add(key)
    return name


def _occurrences(log: EventLog, level: str) -> str:
    """TEMP TABLE of the ping-pong occurrences at `level` (handoffs_pingpong_occurrences.sql)."""
    name = f"pf_pingpong_{level}"
    key = f"pingpong:{level}"
    if key not in log._prepared:
        log.con.execute(render_sql("handoffs_pingpong_occurrences", runs=_runs(log, level), occurrences=name))
        log._prepared.add(key)
    return name


def handover_matrix(log: EventLog, level: str = "department") -> pd.DataFrame:
    """source, target, handoff (source <> target), count, cases, share (count / all transitions),
    total_wait_s, median_wait_s — one row per (from, to) pair including from = to."""
    return log.df("handoffs_matrix", steps=_chain(log, level))


def handoffs_per_case(log: EventLog, level: str = "department") -> pd.DataFrame:
    """Every case: case_id, events, known_events, handoffs, units (distinct values), runs;
    most hand-offs first."""
    return log.df("handoffs_cases", steps=_chain(log, level))


def ping_pong(log: EventLog, level: str = "department", examples: int = 5) -> pd.DataFrame:
    """Per pair: x (left and returned to), y (visited), occurrences, cases, total_s, median_s,
    mean_s (time from leaving X to returning, per occurrence), example_cases (first case ids)."""
    return log.df("handoffs_pingpong", {"examples": int(examples)}, occurrences=_occurrences(log, level))


def ping_pong_cases(log: EventLog, level: str = "department") -> pd.DataFrame:
    """Per case and pair: case_id, x, y, occurrences, seconds."""
    return log.df("handoffs_pingpong_cases", occurrences=_occurrences(log, level)).drop(columns="case_key")


def handoff_paths(log: EventLog, level: str = "department", top: int = 10) -> pd.DataFrame:
    """The most frequent chains of units (runs collapsed): path (list), handoffs, cases, share."""
    return log.df("handoffs_paths", {"top": int(top)}, runs=_runs(log, level))


def compute_handoffs(log: EventLog, level: str = "department", top_paths: int = 10,
                     examples: int = 5) -> dict[str, Any]:
    """The `handoffs` section of metrics.json (plain JSON-ready data).

    Keys: level; cases, events, known_events, measured_cases; transitions, handoffs,
    cases_with_handoff, share_cases_with_handoff; per_case {mean, median, max, distribution
    [{handoffs, cases}], examples [{case_id, handoffs}]}; units_per_case {mean, median, max,
    distribution [{units, cases}]} (departments per case at department level); matrix [{from, to,
    handoff, count, cases, share, total_wait_s, median_wait_s}]; paths [{path, handoffs, cases,
    share}]; ping_pong {occurrences, cases, pairs [{x, y, occurrences, cases, total_s, median_s,
    mean_s, example_cases}]}; waiting {handoff {...}, within {...}, handoff_share_of_wait,
    transitions_to_start}."""
    s = log.one("handoffs_summary", steps=_chain(log, level), runs=_runs(log, level))
    measured = int(s["measured_cases"])
    matrix = handover_matrix(log, level)
    pp = ping_pong(log, level, examples)
    # cases with a ping-pong, counted where the events are (per-case rows never leave the engine)
    pp_case_count = int(log.con.execute(
        f"SELECT count(DISTINCT case_key) FROM {_occurrences(log, level)}").fetchone()[0]) if len(pp) else 0
    per_case = handoffs_per_case(log, level) if examples else None

    def dist(m: Any, key: str) -> list[dict[str, int]]:
        return [{key: int(k), "cases": int(v)} for k, v in sorted((m or {}).items())]

    hand_total = _num(s["handoff_wait_total_s"]) or 0.0
    within_total = _num(s["within_wait_total_s"]) or 0.0
    pairs = [_record(r) for r in pp.to_dict("records")]
    return {
        "level": level,
        "cases": int(s["cases"]),
        "events": int(s["events"]),
        "known_events": int(s["known_events"]),
        "measured_cases": measured,
        "transitions": int(s["transitions"]),
        "handoffs": int(s["handoffs"] or 0),
        "cases_with_handoff": int(s["cases_with_handoff"]),
        "share_cases_with_handoff": s["cases_with_handoff"] / measured if measured else None,
        "per_case": {
            "mean": _num(s["mean_handoffs"]),
            "median": _num(s["median_handoffs"]),
            "max": _num(s["max_handoffs"]),
            "distribution": dist(s["handoffs_distribution"], "handoffs"),
            "examples": [] if per_case is None else [
                {"case_id": c, "handoffs": int(h)}
                for c, h in per_case[per_case["handoffs"] > 0][["case_id", "handoffs"]].head(examples)
                .itertuples(index=False)
            ],
        },
        "units_per_case": {
            "mean": _num(s["mean_units"]),
            "median": _num(s["median_units"]),
            "max": _num(s["max_units"]),
            "distribution": dist(s["units_distribution"], "units"),
        },
        "matrix": [
            {"from": r["source"], "to": r["target"], **{k: v for k, v in _record(r).items()
                                                         if k not in ("source", "target")}}
            for r in matrix.to_dict("records")
        ],
        "paths": [
            {"path": list(r["path"]), "handoffs": int(r["handoffs"]), "cases": int(r["cases"]),
             "share": _num(r["share"])}
            for r in handoff_paths(log, level, top_paths).to_dict("records")
        ],
        "ping_pong": {
            "occurrences": int(pp["occurrences"].sum()) if len(pp) else 0,
            "cases": pp_case_count,
            "pairs": pairs,
        },
        "waiting": {
            "handoff": {
                "transitions": int(s["handoff_transitions"]),
                "total_s": hand_total,
                "median_s": _num(s["handoff_wait_median_s"]),
                "mean_s": _num(s["handoff_wait_mean_s"]),
            },
            "within": {
                "transitions": int(s["within_transitions"]),
                "total_s": within_total,
                "median_s": _num(s["within_wait_median_s"]),
                "mean_s": _num(s["within_wait_mean_s"]),
            },
            "handoff_share_of_wait": hand_total / (hand_total + within_total)
            if hand_total + within_total > 0 else None,
            "transitions_to_start": int(s["transitions_to_start"]),
        },
    }
