"""Statutory term (beslistermijn): which cases are decided within the term, how late the others
are, and which open cases are at risk. SQL in `sql/deadline_*.sql`; durations in seconds.

Definitions (per case, case order = ts, then source order):

* **clock start**: the case's first event, or — with `deadline_start` — its first occurrence of
  that activity (cases without it are counted as `no_start` and left out of every figure);
* **decision**: the first occurrence of `deadline_end` after the clock start; without
  `deadline_end` the case's last event, and then *every* case counts as decided (the log cannot
  tell open cases apart; the result says so in `all_cases_decided`);
* **suspension** (`suspend_start`/`suspend_end`, e.g. "Aanvulling gevraagd"/"Aanvulling
  ontvangen", art. 4:15 Awb): from a suspend activity to the next resume activity; a second
  suspend before the resume changes nothing; a resume without a suspension is ignored; an
  *unclosed* suspension (no resume after it) runs until the decision — or, for an open case, until
  the log's last timestamp. Only the part between clock start and stop counts;
* **net time** = (stop - clock start) - suspended time, in calendar time (statutory terms run in
  calendar days). The term is `options.deadline` ("8w" = 56 days) as an exact duration; the
  Algemene termijnenwet extension of a term that ends on a weekend or holiday is *not* applied.
  With `deadline = "case:ATTR"` every case has its own term, from its case attribute ATTR (an ISO
  8601 duration such as the ZGW zaaktype `doorlooptijd`, P8W / P1M14D, or 8w / 56d): days and
  weeks are exact durations, months calendar months from the clock start; cases without a usable
  value are `no_term` and, like `no_start`, left out of every figure;
* **decided** cases are `within` (net time <= term) or `late` (late by net time - term);
* **open** cases (no decision yet) are measured at the log's last timestamp (of the whole log, not
  of the filtered cases — the moment of the extract): `overdue` when the net time exceeds the
  term, `at_risk` when it has used at least `at_risk_pct`% of it, `running` otherwise.
"""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

from ..errors import InputError
from ..eventlog import EventLog
from ..frames import frame
from ..options import AnalysisOptions, parse_term
from ..sqlfiles import sql_text
from .timing import HISTOGRAM_BINS, distribution, histogram, jsonable, records

NO_DEADLINE = "no statutory term given; use --deadline (e.g. 8w for a regular permit)"


def compute_deadline(log: EventLog, options: AnalysisOptions | None = None,
                     bins: int = HISTOGRAM_BINS) -> dict[str, Any]:
    """The `deadline` section of metrics.json; `{"computed": false, "reason": ...}` without a term."""
    options = options or AnalysisOptions()
    if not options.deadline:
        return {"computed": False, "reason": NO_DEADLINE}
    ref_ts = _prepare(log, options)
    counts = dict(log.con.execute("SELECT status, count(*) FROM pf_deadline_case GROUP BY status").fetchall())
    n = {k: int(counts.get(k, 0)) for k in ("no_start", "no_term", "within", "late", "running", "at_risk",
                                            "overdue")}
    term_s = options.deadline_seconds
    if options.deadline_attribute is not None:  # one figure for reports and charts: the median term
        term_s = log.con.execute("SELECT median(term_s) FROM pf_deadline_case WHERE term_s IS NOT NULL").fetchone()[0]
    decided = n["within"] + n["late"]
    open_ = n["running"] + n["at_risk"] + n["overdue"]
    susp = log.con.execute(
        "SELECT count(*) FILTER (WHERE suspensions > 0), coalesce(sum(suspended_s), 0), "
        "       coalesce(sum(unclosed_suspensions), 0), median(suspended_s) FILTER (WHERE suspensions > 0) "
        "FROM pf_deadline_case WHERE state <> 'no_start'"
    ).fetchone()
    result: dict[str, Any] = {
        "computed": True,
        "term": options.deadline,
        "term_s": term_s,
        "term_per_case": None if options.deadline_attribute is None else {
            "attribute": options.deadline_attribute,
            "cases_without_term": n["no_term"],
            "term_s": distribution(log, "pf_deadline_case", "term_s", "term_s IS NOT NULL"),
            "note": "term_s above is the median of the cases' terms",
        },
        "clock": {
            "start": options.deadline_start or "first event of the case",
            "end": options.deadline_end or "last event of the case",
            "all_cases_decided": options.deadline_end is None,
            "note": None if options.deadline_end else (
                "no end activity given (--deadline-end): every case counts as decided at its last event, "
                "so cases still running at the extract look decided"),
            "calendar": "calendar time; Algemene termijnenwet extension to the next working day not applied",
        },
        "cases": decided + open_,
        "cases_without_start_activity": n["no_start"],
        "decided": {
            "cases": decided,
            "within_term": n["within"],
            "late": n["late"],
            "share_within_term": n["within"] / decided if decided else None,
            "net_time": distribution(log, "pf_deadline_case", "net_s", "state = 'decided'"),
        },
        "late": {
            "definition": "net time - term, for decided cases over their term",
            **distribution(log, "pf_deadline_case", "late_s", "status = 'late'"),
            "histogram": histogram(log, "pf_deadline_case", "late_s", "status = 'late'", bins=bins),
        },
        "open": {
            "cases": open_,
            "reference_ts": ref_ts,
            "at_risk_pct": options.at_risk_pct,
            "running": n["running"],
            "at_risk": n["at_risk"],
            "overdue": n["overdue"],
            "term_share": distribution(log, "pf_deadline_case", "term_share", "state = 'open'"),
        },
        "suspension": {
            "start": options.suspend_start,
            "end": options.suspend_end,
            "cases_suspended": int(susp[0]),
            "total_suspended_s": float(susp[1]),
            "median_suspended_s": susp[3],
            "unclosed": int(susp[2]),
            "note": "an unclosed suspension runs until the decision, or for an open case until the log's last "
                    "timestamp",
        } if options.suspend_start else None,
        "by_month": records(log.df("deadline_months", {"tz": log.tz})),
    }
    return jsonable(result)


def deadline_cases(log: EventLog, options: AnalysisOptions) -> pd.DataFrame:
    """Per case: case_id, state (decided/open/no_start), status (within/late/running/at_risk/
    overdue/no_start), clock_start, decision_ts, clock_stop, elapsed_s, suspended_s, suspensions,
    unclosed_suspensions, net_s, term_s, term_share, late_s, remaining_s — the input of
    `deadline-breach`."""
    if not options.deadline:
        raise InputError(NO_DEADLINE)
    _prepare(log, options)
    return frame(log.con, "SELECT * EXCLUDE (case_key) FROM pf_deadline_case ORDER BY case_key")


def _prepare(log: EventLog, options: AnalysisOptions) -> Any:
    """Check the activity names and build TEMP TABLE pf_deadline_case; returns the reference instant."""
    _check_activities(log, options)
    _case_terms(log, options)
    ref_ts = log.con.execute("SELECT max(ts) FROM pf_log_ev").fetchone()[0]  # the log's last timestamp
    log.con.execute(sql_text("deadline_cases"), {
        "start_act": options.deadline_start,
        "end_act": options.deadline_end,
        "susp_start": options.suspend_start,
        "susp_end": options.suspend_end,
        "term_s": options.deadline_seconds,
        "at_risk": options.at_risk_pct / 100,
        "ref_ts": ref_ts,
    })
    return ref_ts


def _case_terms(log: EventLog, options: AnalysisOptions) -> None:
    """TEMP TABLE pf_case_term(case_id, months, days, micros): the terms of `--deadline case:ATTR`
    (empty for one term for all cases)."""
    import pyarrow as pa

    rows: list[tuple[str, int, int, int]] = []
    attribute = options.deadline_attribute
    if attribute is not None:
        values = log.con.execute(
            "SELECT case_id, attrs[$attr] FROM cases WHERE log = $log AND attrs IS NOT NULL",
            {"attr": attribute, "log": log.name}).fetchall()
        for case_id, text in values:
            term = parse_term(text)
            if term is not None and any(term):
                rows.append((case_id, *term))
        if not rows:
            known = sorted({k for (keys,) in log.con.execute(
                "SELECT map_keys(attrs) FROM cases WHERE log = ?", [log.name]).fetchall() for k in keys or []})
            raise InputError(
                f"--deadline case:{attribute}: no case of log {log.name!r} has a duration in case attribute "
                f"{attribute!r}; case attributes: " + (", ".join(known[:30]) or "none")
            )
    table = pa.table({
        "case_id": pa.array([r[0] for r in rows], pa.string()),
        "months": pa.array([r[1] for r in rows], pa.int32()),
        "days": pa.array([r[2] for r in rows], pa.int32()),
        "micros": pa.array([r[3] for r in rows], pa.int64()),
    })
    log.con.register("pf_case_term_rows", table)
    try:
        log.con.execute("CREATE OR REPLACE TEMP TABLE pf_case_term AS SELECT * FROM pf_case_term_rows")
    finally:
        log.con.unregister("pf_case_term_rows")


def _check_activities(log: EventLog, options: AnalysisOptions) -> None:
    """A misspelt activity would silently make every case open: name it and suggest the closest."""
    given = {
        "--deadline-start": options.deadline_start,
        "--deadline-end": options.deadline_end,
        "--suspend-start": options.suspend_start,
        "--suspend-end": options.suspend_end,
    }
    wanted = {flag: act for flag, act in given.items() if act is not None}
    if not wanted:
        return
    known = [r[0] for r in log.con.execute(
        "SELECT DISTINCT CAST(activity AS VARCHAR) FROM pf_log_ev ORDER BY 1").fetchall()]
    for flag, act in wanted.items():
        if act not in known:
            close = difflib.get_close_matches(act, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(
                f"{flag} {act!r}: log {log.name!r} has no such activity{hint}; activities: "
                + ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
            )
