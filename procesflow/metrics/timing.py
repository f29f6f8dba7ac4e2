"""Time: throughput, waiting (queue) time, processing time, flow efficiency and work in progress.

All aggregation runs in DuckDB over the step table (`sql/time_*.sql`); Python only shapes the compact
results. Durations are seconds. Definitions (also in each result's `definition` fields):

* **throughput** of a case = last ts - first ts (completion timestamps; equals
  `pm4py.get_all_case_durations`). Percentiles interpolate linearly (pandas' default).
* **waiting before an activity** = from the previous event's ts (case order: ts, then source
  order) to this event's start_ts when it has one, else to its ts. In the second case it is a
  *transition time* that includes the activity's own processing; each activity says whether any
  of its waits is one (`transition`). A start before the previous completion (overlapping work)
  counts as 0 and is counted in `overlaps`. The first event of a case has no wait.
* **processing** = ts - start_ts, over events with a start time (start after ts is a data error:
  counted, skipped).
* **flow efficiency** of a case = sum of its processing times / its span from the first start time
  to the last completion; only over cases whose events all have start times (the rest are
  counted, not guessed).
* **work in progress**: a case is open on every local day from its first event's day to its last
  event's day (inclusive); arrivals (first events) and completions (last events) per ISO week.
* **working time**: the same throughput and waits counted in the working-time calendar
  (`procesflow.metrics.calendar`).
"""

from __future__ import annotations

import math
import weakref
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from ..eventlog import EventLog
from ..frames import frame
from ..options import AnalysisOptions
from ..sqlfiles import quote_ident, sql_text
from .calendar import WorkCalendar, install_calendar

PERCENTILES = ("p10", "p25", "median", "p75", "p90")
HISTOGRAM_BINS = 20

# per log: (office hours, holidays country) the temp tables pf_time_case / pf_time_event were built with
_prepared: weakref.WeakKeyDictionary[EventLog, tuple[tuple[str, str], WorkCalendar]] = weakref.WeakKeyDictionary()


# -- the section of metrics.json -------------------------------------------------------------------
def compute_time(log: EventLog, options: AnalysisOptions | None = None, bins: int = HISTOGRAM_BINS) -> dict[str, Any]:
    """The `time` section of metrics.json (JSON-ready; durations in seconds)."""
    options = options or AnalysisOptions()
    cal = prepare(log, options)
    counts = log.con.execute(
        "SELECT (SELECT count(*) FROM pf_cases), count(*), count(*) FILTER (WHERE ts_precision = 'day'), "
        "count(start_ts) FROM pf_steps"
    ).fetchone()
    cases, events, date_only, with_start = (int(x) for x in counts)
    waiting = waiting_by_activity(log, options)
    totals = {"count": int(waiting["count"].sum()), "total": float(waiting["total_s"].sum())}
    working_totals = {"total": float(waiting["working_total_s"].sum())}
    case_sums = log.con.execute("SELECT sum(throughput_s), sum(working_throughput_s) FROM pf_time_case").fetchone()
    result = {
        "cases": cases,
        "events": events,
        "date_only_events": date_only,
        "throughput": {
            "definition": "last event's timestamp - first event's timestamp, per case",
            **distribution(log, "pf_time_case", "throughput_s"),
            "histogram": histogram(log, "pf_time_case", "throughput_s", bins=bins),
        },
        "waiting": {
            "definition": (
                "per event: from the previous event's timestamp to this event's start timestamp when it has one, "
                "else to its timestamp (a transition time, including the activity's processing); overlapping "
                "work counts as 0; the first event of a case has no wait"
            ),
            "events": int(totals["count"] or 0),
            "total_s": _num(totals["total"]) or 0.0,
            "share_of_case_time": _ratio(totals["total"], case_sums[0]),
            "working_total_s": _num(working_totals["total"]) or 0.0,
            "working_share_of_case_time": _ratio(working_totals["total"], case_sums[1]),
            "activities": records(waiting),
        },
        "processing": _processing_section(log, events, with_start),
        "flow_efficiency": _flow_section(log, cases, with_start),
        "working_time": {
            "calendar": cal.describe(),
            "throughput": {
                **distribution(log, "pf_time_case", "working_throughput_s"),
                "histogram": histogram(log, "pf_time_case", "working_throughput_s", bins=bins),
            },
        },
        "wip": _wip_section(log),
        "activity_clock": _clock_section(log),
    }
    return jsonable(result)


# -- DataFrame helpers (charts, rules) ---------------------------------------------------------------
def prepare(log: EventLog, options: AnalysisOptions | None = None) -> WorkCalendar:
    """Install the calendar and build TEMP TABLEs pf_time_case and pf_time_event on `log.con`
    (once per log and calendar settings)."""
    options = options or AnalysisOptions()
    key = (options.office_hours, options.holidays_country)
    done = _prepared.get(log)
    if done and done[0] == key:
        return done[1]
    cal = install_calendar(log, options)
    log.con.execute(sql_text("time_cases"))
    log.con.execute(sql_text("time_events"))
    _prepared[log] = (key, cal)
    return cal


def case_times(log: EventLog, options: AnalysisOptions | None = None) -> pd.DataFrame:
    """Per case: case_id, events, first_ts, last_ts, work_first_ts, events_with_start, start_after_end,
    processing_s, throughput_s, working_throughput_s, flow_efficiency (NaN unless all events have
    start times and the span is > 0)."""
    prepare(log, options)
    log.con.execute(sql_text("time_flow_efficiency"))
    return frame(log.con, "SELECT k.case_id, c.* EXCLUDE (case_key), f.flow_efficiency FROM pf_time_case c "
                          "JOIN pf_cases k USING (case_key) LEFT JOIN pf_time_flow f USING (case_key) "
                          "ORDER BY c.case_key")


def event_waits(log: EventLog, options: AnalysisOptions | None = None) -> pd.DataFrame:
    """Per event with a predecessor: case_id, activity, seq, ts, prev_ts, wait_end, to_start,
    raw_wait_s, wait_s, working_wait_s."""
    prepare(log, options)
    return frame(log.con, "SELECT k.case_id, e.* EXCLUDE (case_key, pos) FROM pf_time_event e "
                          "JOIN pf_cases k USING (case_key) ORDER BY e.case_key, e.pos")


def waiting_by_activity(log: EventLog, options: AnalysisOptions | None = None) -> pd.DataFrame:
    """Per activity: count, cases, to_start, transition, overlaps, median_s, mean_s, p90_s,
    total_s, share_of_case_time and the working_* variants — the input of `waiting-bottleneck`."""
    prepare(log, options)
    return log.df("time_waiting")


def processing_by_activity(log: EventLog) -> pd.DataFrame:
    """Per activity: count, with_start, start_after_end, median_s, mean_s, p90_s, total_s."""
    return log.df("time_processing")


def wip_by_day(log: EventLog) -> pd.DataFrame:
    """Per local day: day, open, arrivals, completions."""
    log.con.execute(sql_text("time_wip"), {"tz": log.tz})
    return frame(log.con, "SELECT * FROM pf_time_day ORDER BY day")


def flow_by_week(log: EventLog) -> pd.DataFrame:
    """Per ISO week: week (2024-W05), week_start, arrivals, completions, mean_open, max_open, open_at_end."""
    wip_by_day(log)
    return log.df("time_weeks")


def activity_clock(log: EventLog) -> pd.DataFrame:
    """Events per activity, local ISO weekday (1 = Monday) and local hour (NULL for date-only),
    with `same_moment` (events sharing their exact timestamp with the same activity in another
    case) — the input of `batching`."""
    return log.df("time_clock")


# -- building blocks shared with deadline/citizen ------------------------------------------------
def distribution(log: EventLog, table: str, column: str, where: str = "true") -> dict[str, Any]:
    """count, mean, min, p10, p25, median, p75, p90, max of `table.column` (rows matching `where`)."""
    row = log.one("time_distribution", table=quote_ident(table), column=quote_ident(column), where=where)
    q = row["q"] or [None] * len(PERCENTILES)
    out: dict[str, Any] = {"count": int(row["count"] or 0), "mean": _num(row["mean"]), "min": _num(row["min"])}
    out.update({name: _num(v) for name, v in zip(PERCENTILES, q, strict=True)})
    out["max"] = _num(row["max"])
    return out


def histogram(log: EventLog, table: str, column: str, where: str = "true", bins: int = HISTOGRAM_BINS) -> dict:
    """{"edges": [bins + 1 values], "counts": [bins values]}; empty lists when there are no values."""
    df = log.df("time_histogram", {"bins": int(bins)}, table=quote_ident(table), column=quote_ident(column),
                where=where)
    if df.empty:
        return {"edges": [], "counts": []}
    edges = [float(x) for x in df["lower"]] + [float(df["upper"].iloc[-1])]
    return {"edges": edges, "counts": [int(x) for x in df["count"]]}


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready records (NaN -> None, numpy -> Python, timestamps -> ISO)."""
    return jsonable(df.to_dict(orient="records"))


def jsonable(value: Any) -> Any:
    """Recursively make `value` JSON-serialisable."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, pd.Timestamp | datetime | date):
        return None if pd.isna(value) else value.isoformat()
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


# -- sections ----------------------------------------------------------------------------------------
def _processing_section(log: EventLog, events: int, with_start: int) -> dict[str, Any]:
    if not with_start:
        return {"available": False, "reason": "the log has no start timestamps", "events_with_start": 0,
                "events": events}
    df = processing_by_activity(log)
    return {
        "available": True,
        "definition": "per event: timestamp - start timestamp (events whose start is after their end are skipped)",
        "events": events,
        "events_with_start": with_start,
        "share_events_with_start": with_start / events if events else None,
        "start_after_end": int(df["start_after_end"].sum()),
        "activities": records(df),
    }


def _flow_section(log: EventLog, cases: int, with_start: int) -> dict[str, Any]:
    definition = ("per case: sum of processing times / time from the first start to the last completion; only "
                  "over cases in which every event has a start time")
    if not with_start:
        return {"computed": False, "reason": "the log has no start timestamps", "definition": definition}
    log.con.execute(sql_text("time_flow_efficiency"))
    eligible, measured, zero_span = log.con.execute(
        "SELECT count(*), count(flow_efficiency), count(*) FILTER (WHERE span_s = 0) FROM pf_time_flow"
    ).fetchone()
    if not measured:
        return {"computed": False, "definition": definition, "cases": cases, "cases_all_start": int(eligible),
                "reason": "no case has start times on all its events and a span longer than zero"}
    dist = distribution(log, "pf_time_flow", "flow_efficiency", "flow_efficiency IS NOT NULL")
    above = log.con.execute("SELECT count(*) FROM pf_time_flow WHERE flow_efficiency > 1").fetchone()[0]
    return {
        "computed": True,
        "definition": definition,
        "cases": cases,
        "cases_measured": int(measured),
        "cases_without_all_start_times": cases - int(eligible),
        "cases_zero_span": int(zero_span),
        "cases_above_one": int(above),
        **{k: dist[k] for k in ("mean", "median", "p10", "p25", "p75", "p90", "min", "max")},
    }


def _wip_section(log: EventLog) -> dict[str, Any]:
    days = wip_by_day(log)
    weeks = log.df("time_weeks")
    days["day"] = days["day"].dt.strftime("%Y-%m-%d")
    weeks["week_start"] = weeks["week_start"].dt.strftime("%Y-%m-%d")
    top = days.loc[days["open"].idxmax()]
    return {
        "definition": ("a case is open on every local day from its first event's day to its last event's day; "
                       "arrivals = first events, completions = last events, per ISO week (Monday-Sunday)"),
        "tz": log.tz,
        "first_day": days["day"].iloc[0],
        "last_day": days["day"].iloc[-1],
        "open_by_day": [int(x) for x in days["open"]],
        "mean_open": float(days["open"].mean()),
        "max_open": int(top["open"]),
        "max_open_day": top["day"],
        "weeks": records(weeks),
    }


def _clock_section(log: EventLog) -> list[dict[str, Any]]:
    df = activity_clock(log)
    out = []
    for act, g in df.groupby("activity", sort=False):
        weekday = [0] * 7
        hour = [0] * 24
        for wd, hr, n in g[["weekday", "hour", "events"]].itertuples(index=False):
            weekday[int(wd) - 1] += int(n)
            if not pd.isna(hr):
                hour[int(hr)] += int(n)
        events = int(g["events"].sum())
        out.append({
            "activity": act,
            "events": events,
            "weekday": weekday,
            "hour": hour,
            "date_only": int(g.loc[g["hour"].isna(), "events"].sum()),
            "same_moment_share": int(g["same_moment"].sum()) / events,
        })
    out.sort(key=lambda r: (-r["events"], r["activity"]))
    return out


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _ratio(a: Any, b: Any) -> float | None:
    a, b = _num(a), _num(b)
    return a / b if a is not None and b else None
