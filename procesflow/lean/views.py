"""Build the views rules query (`sql/rule_views.sql` + metric tables) and the facts about the log
that decide which rules can run (is there a deadline, are there channels, departments, ...)."""

from __future__ import annotations

import re
from typing import Any

from ..eventlog import EventLog
from ..options import AnalysisOptions
from ..sqlfiles import quote_literal, render_sql, run_script

PERMIT_WORDS = re.compile(r"vergunning|besluit|beschikking|permit|aanvraag|ontvankelijk", re.IGNORECASE)


def build_rule_views(log: EventLog, options: AnalysisOptions, needs: set[str]) -> dict[str, Any]:
    """Create the rule views on the log's connection; return facts for the engine."""
    if not getattr(log, "_rule_views_built", False):
        from ..metrics.handoffs import _runs

        log.ensure("steps", "activities", "dfg")
        _runs(log, "department")  # the department chain and its runs, shared with the metrics
        run_script(log.con, render_sql("rule_views", log=quote_literal(log.name)))
        _register_metric_tables(log)
        log._rule_views_built = True  # type: ignore[attr-defined]
    stats = log.con.execute(
        "SELECT cases, channel_events, department_events, start_time_events, median_handoff_wait_s FROM log_stats"
    ).fetchone()
    cases, channel_events, department_events, start_events, handoff_wait = stats
    resources = log.con.execute("SELECT count(resource) FROM pf_steps").fetchone()[0]
    available = {
        "deadline": options.deadline is not None,
        "channels": bool(channel_events) or bool(log.tags.get("contact")),
        "departments": bool(department_events),
        "resources": bool(resources),
        "start_times": bool(start_events),
    }
    why_not = {
        "deadline": "no statutory term given (use --deadline, e.g. 8w)",
        "channels": "the log has no contact channels (map a channel column or tag contact activities)",
        "departments": "the log has no departments (map a department column with --department)",
        "resources": "the log has no resources",
        "start_times": "the log has no start timestamps",
    }
    suggestions = []
    if options.deadline is None:
        activities = [a for (a,) in log.con.execute("SELECT activity FROM pf_activities").fetchall()]
        if any(PERMIT_WORDS.search(a) for a in activities):
            suggestions.append(
                "No statutory term was given, so deadline-breach did not run. This looks like a permit "
                "process: a regular permit (omgevingsvergunning) has a term of 8 weeks — rerun with "
                "--deadline 8w --deadline-end <decision activity> to measure it."
            )
    if options.deadline is not None and "deadline" in needs:
        _register_deadline_cases(log, options)
    return {
        "cases": int(cases or 0),
        "handoff_days": (handoff_wait / 86400) if handoff_wait else 1.0,
        "available": available,
        "why_not": why_not,
        "suggestions": suggestions,
    }


def _register_metric_tables(log: EventLog) -> None:
    """Views that come from the metrics modules, so rules and metrics share one definition:
    `rework_occurrences` (every extra execution with its rework path and loop key), `rework_path_keys`
    (the distinct paths) and
    `ping_pong_cases` (per case and department pair X, Y: X -> Y -> X occurrences and seconds)."""
    from ..metrics.handoffs import _occurrences
    from ..metrics.rework import ensure_rework_occurrences

    ensure_rework_occurrences(log)
    # the path lists live once per distinct path (rework_path_keys); the view joins them back, and a
    # query that groups on path_id and joins rework_path_keys afterwards never copies them per row
    log.con.execute("CREATE OR REPLACE TEMP VIEW rework_path_keys AS SELECT * FROM pf_rework_path_keys")
    log.con.execute("CREATE OR REPLACE TEMP VIEW rework_occurrences AS SELECT o.*, k.path, k.loop "
                    "FROM pf_rework_occurrences o JOIN pf_rework_path_keys k USING (path_id)")
    # built where the events are (one row per case and pair: never through Python, so on Spark
    # per-case data stays on the cluster)
    log.con.execute("CREATE OR REPLACE TEMP TABLE ping_pong_cases AS\n"
                    + render_sql("handoffs_pingpong_cases", occurrences=_occurrences(log, "department")
                                 ).rstrip().rstrip(";"))


def _register_deadline_cases(log: EventLog, options: AnalysisOptions) -> None:
    """`deadline_cases`: one row per case with its term status (from the deadline metric)."""
    from ..metrics.deadline import _prepare

    _prepare(log, options)  # TEMP TABLE pf_deadline_case, where the events are
    log.con.execute("CREATE OR REPLACE TEMP VIEW deadline_cases AS SELECT * FROM pf_deadline_case")
