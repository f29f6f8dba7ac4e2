"""Prepare what a map shows: a readable abstraction of the DFG and per-activity facts."""

from __future__ import annotations

from ..discovery.dfg import abstract_paths, discover_dfg
from ..eventlog import EventLog
from .maps import MapInput

MAX_ACTIVITIES = 35
EDGES_PER_ACTIVITY = 1.6


def map_input(log: EventLog, max_activities: int = MAX_ACTIVITIES, title: str = "") -> MapInput:
    """The log abstracted to at most `max_activities` activities and a readable number of paths,
    unless the user chose `activities`/`paths` filters; what is hidden is kept for the caption."""
    n_activities = log.con.execute("SELECT count(DISTINCT activity) FROM pf_steps").fetchone()[0]
    view = log
    if log.filters.activities is None and n_activities > max_activities:
        view = log.filter(activities=100.0 * max_activities / n_activities)
    dfg = discover_dfg(view)
    if log.filters.paths is not None:
        dfg = abstract_paths(dfg, log.filters.paths)
    else:
        nodes = len(dfg.activities)
        target = max(EDGES_PER_ACTIVITY * nodes, 12)
        if len(dfg.edges) > target:
            dfg = abstract_paths(dfg, 100.0 * target / len(dfg.edges))
    view.ensure("activities")
    nodes = view.df("map_nodes")
    hidden = list(view.filter_report.hidden_activities)
    return MapInput(dfg=dfg, nodes=nodes, cases=view.filter_report.cases_kept, hidden_activities=hidden,
                    title=title or log.name)
