"""The directly-follows graph, computed in DuckDB (`sql/dfg_*.sql`), and its path abstraction.

The DFG is the compact summary everything else builds on: maps, complexity, loops, the heuristics
miner. Its counts equal `pm4py.discover_dfg` and its times `pm4py.discover_performance_dfg`
(seconds between completion timestamps) on the same log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from ..eventlog import EventLog

START = "▶"
END = "■"


@dataclass
class DFG:
    """Edges with counts and times; start/end counts; per-activity counts."""

    edges: pd.DataFrame  # source, target, count, cases, mean_s, median_s, p90_s, min_s, max_s, total_s
    start: dict[str, int]
    end: dict[str, int]
    activities: pd.DataFrame  # activity, count, cases, with_start, median/mean_processing_s
    hidden_edges: list[tuple[str, str, int]] = field(default_factory=list)

    def counts(self) -> dict[tuple[str, str], int]:
        """`{(a, b): count}` — the shape of `pm4py.discover_dfg`'s first result."""
        return {(s, t): int(c) for s, t, c in self.edges[["source", "target", "count"]].itertuples(index=False)}

    def to_pm4py(self) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, int]]:
        return self.counts(), dict(self.start), dict(self.end)

    def graph(self, with_endpoints: bool = False) -> nx.DiGraph:
        """The DFG as a networkx DiGraph (edge attributes: count, cases, times; node: count)."""
        g = nx.DiGraph()
        for row in self.activities.itertuples(index=False):
            g.add_node(row.activity, count=int(row.count), cases=int(row.cases))
        for row in self.edges.itertuples(index=False):
            g.add_edge(row.source, row.target, **{k: _py(getattr(row, k)) for k in self.edges.columns
                                                  if k not in ("source", "target")})
        if with_endpoints:
            g.add_node(START, count=sum(self.start.values()))
            g.add_node(END, count=sum(self.end.values()))
            for act, n in self.start.items():
                g.add_edge(START, act, count=n, cases=n)
            for act, n in self.end.items():
                g.add_edge(act, END, count=n, cases=n)
        return g


def discover_dfg(log: EventLog) -> DFG:
    """The DFG of the filtered log (`pf_ev`); computed once per log (maps and metrics share it)."""
    if "dfg" in log.memo:
        return log.memo["dfg"]
    log.ensure("activities", "dfg")
    edges = log.df("dfg_edges")
    ends = log.rows("dfg_endpoints")
    start = {a: int(n) for kind, a, n in ends if kind == "start"}
    end = {a: int(n) for kind, a, n in ends if kind == "end"}
    activities = log.df("activity_stats")
    log.memo["dfg"] = DFG(edges=edges, start=start, end=end, activities=activities)
    return log.memo["dfg"]


def abstract_paths(dfg: DFG, percent: float) -> DFG:
    """Keep the most frequent `percent`% of edges, plus what keeps every activity connected.

    Like Disco's path slider: edges are ranked by count; the top share is kept; then, for every
    activity that is no longer reachable from a start activity, its most frequent incoming edge
    from a reachable activity is added back (and likewise the most frequent outgoing edge towards
    an activity that reaches an end), until every kept activity lies on a start-to-end path.
    The edges left out are listed in `hidden_edges`.
    """
    if percent >= 100 or dfg.edges.empty:
        return dfg
    ranked = dfg.edges.sort_values(["count", "source", "target"], ascending=[False, True, True])
    keep_n = max(1, round(len(ranked) * percent / 100))
    kept = {(r.source, r.target) for r in ranked.head(keep_n).itertuples(index=False)}
    by_count = list(ranked[["source", "target", "count"]].itertuples(index=False, name=None))
    nodes = set(dfg.activities["activity"])

    def graph() -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(nodes | {START, END})
        g.add_edges_from(kept)
        g.add_edges_from((START, a) for a in dfg.start)
        g.add_edges_from((a, END) for a in dfg.end)
        return g

    changed = True
    while changed:
        changed = False
        g = graph()
        reachable = nx.descendants(g, START) | {START}
        for s, t, _ in by_count:  # most frequent edge first
            if t not in reachable and s in reachable and (s, t) not in kept:
                kept.add((s, t))
                changed = True
                break
        if changed:
            continue
        co_reachable = nx.ancestors(g, END) | {END}
        for s, t, _ in by_count:
            if s not in co_reachable and t in co_reachable and (s, t) not in kept:
                kept.add((s, t))
                changed = True
                break
    mask = [(s, t) in kept for s, t in zip(dfg.edges["source"], dfg.edges["target"], strict=True)]
    hidden = [(s, t, int(c)) for s, t, c, k in zip(dfg.edges["source"], dfg.edges["target"],
                                                  dfg.edges["count"], mask, strict=True) if not k]
    return DFG(
        edges=dfg.edges[mask].reset_index(drop=True),
        start=dfg.start,
        end=dfg.end,
        activities=dfg.activities,
        hidden_edges=dfg.hidden_edges + hidden,
    )


def _py(value: object) -> object:
    """numpy scalars -> Python numbers (networkx attributes end up in JSON)."""
    return value.item() if hasattr(value, "item") else value
