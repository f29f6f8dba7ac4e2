"""Complexity scorecard: the `complexity` section of metrics.json, as plain data.

Three views, each a dict of numbers, plus guidance next to them:

* `dfg_complexity(dfg)` — the directly-follows graph *at the chosen abstraction* (pass the DFG
  object that is shown, e.g. after `abstract_paths`). Computed on the graph G* = the activities
  **plus an artificial start node ▶ and end node ■**: ▶ has an arc to every activity that starts a
  case, every activity that ends a case has an arc to ■. All DFG metrics below include ▶ and ■,
  except `cyclicity` (share of *activities*).
  DFG adaptation of the connector-based metrics: a DFG has no explicit gateways, so every node
  with more than one outgoing arc is read as an (implicit) XOR split and every node with more than
  one incoming arc as an XOR join; these nodes are the DFG's *connectors*. Cardoso's CFC then
  becomes the sum of the out-degrees of the nodes with out-degree > 1 (▶ included: a choice of
  first activity is a choice).
* `bpmn_complexity(bpmn)` — a BPMN model (pm4py `BPMN`, e.g. the inductive miner's): Mendling's
  size, density, CNC, connector degree, mismatch and heterogeneity, Cardoso's CFC, gateway counts.
* `log_complexity(log)` — variants, variants per 100 cases, normalised variant entropy, trace
  lengths and top-10 variant coverage, computed in DuckDB (`sql/complexity_log.sql`).

`guidance(...)` puts the Seven Process Modeling Guidelines (7PMG) next to the numbers; every
metric's one-line definition and source is in `DEFINITIONS` (quoted by the README).
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from ..discovery.dfg import DFG, END, START
from ..eventlog import EventLog

# -- definitions ---------------------------------------------------------------------------------
MENDLING_2008 = "Mendling (2008), Metrics for Process Models, LNBIP 6, Springer"
CARDOSO_2005 = "Cardoso (2005), How to Measure the Control-flow Complexity of Web Processes and Workflows"
MCCABE_1976 = "McCabe (1976), A Complexity Measure, IEEE TSE 2(4)"
SHANNON_1948 = "Shannon (1948), A Mathematical Theory of Communication"
PMG_2010 = "Mendling, Reijers & van der Aalst (2010), Seven Process Modeling Guidelines (7PMG), IST 52(2)"
DESCRIPTIVE = "descriptive statistic (procesflow)"
DFG_NOTE = "on the DFG with artificial start ▶ and end ■ nodes"

DEFINITIONS: dict[str, dict[str, str]] = {
    # DFG
    "dfg.activities": {"definition": "number of activities (DFG nodes without ▶ and ■)", "source": DESCRIPTIVE},
    "dfg.df_arcs": {"definition": "number of directly-follows arcs between activities, self-loops included",
                    "source": DESCRIPTIVE},
    "dfg.nodes": {"definition": f"|N| = activities + 2 ({DFG_NOTE})", "source": MENDLING_2008},
    "dfg.arcs": {"definition": f"|A| = directly-follows arcs + arcs from ▶ to each start activity + arcs from each "
                               f"end activity to ■ ({DFG_NOTE})", "source": MENDLING_2008},
    "dfg.density": {"definition": f"|A| / (|N|·(|N|−1)) ({DFG_NOTE})", "source": MENDLING_2008},
    "dfg.cnc": {"definition": f"coefficient of network connectivity |A| / |N| ({DFG_NOTE})",
                "source": MENDLING_2008 + " (after Latva-Koivisto 2001)"},
    "dfg.cyclomatic_number": {"definition": f"|A| − |N| + P, P = weakly connected components ({DFG_NOTE})",
                              "source": MCCABE_1976},
    "dfg.connectors": {"definition": f"nodes with in-degree > 1 (implicit XOR join) or out-degree > 1 (implicit "
                                     f"XOR split) ({DFG_NOTE})", "source": MENDLING_2008 + ", DFG adaptation"},
    "dfg.max_connector_degree": {"definition": f"largest in-degree + out-degree of a connector; 0 without connectors "
                                               f"({DFG_NOTE})", "source": MENDLING_2008 + ", DFG adaptation"},
    "dfg.avg_connector_degree": {"definition": f"mean in-degree + out-degree of the connectors; 0 without connectors "
                                               f"({DFG_NOTE})", "source": MENDLING_2008 + ", DFG adaptation"},
    "dfg.cfc": {"definition": f"Cardoso's control-flow complexity, DFG adaptation: every node with out-degree > 1 is "
                              f"an XOR split contributing its out-degree; CFC = Σ out-degree over those nodes "
                              f"({DFG_NOTE})", "source": CARDOSO_2005 + ", DFG adaptation"},
    "dfg.cyclicity": {"definition": "share of activities that lie on a cycle (a self-loop counts as a cycle)",
                      "source": MENDLING_2008},
    "dfg.sequentiality": {"definition": f"share of arcs whose source and target are both non-connectors "
                                        f"({DFG_NOTE})", "source": MENDLING_2008 + ", DFG adaptation"},
    "dfg.includes_start_end_nodes": {"definition": "true: the graph metrics count the artificial start ▶ and end ■ "
                                                   "nodes and their arcs", "source": DESCRIPTIVE},
    "dfg.hidden_arcs": {"definition": "directly-follows arcs left out by the path abstraction (not counted above)",
                        "source": DESCRIPTIVE},
    "dfg.start_activities": {"definition": "number of distinct activities that start a case", "source": DESCRIPTIVE},
    "dfg.end_activities": {"definition": "number of distinct activities that end a case", "source": DESCRIPTIVE},
    # BPMN
    "bpmn.size": {"definition": "number of flow nodes: tasks + gateways + events", "source": MENDLING_2008},
    "bpmn.tasks": {"definition": "number of activities (tasks and sub-processes)", "source": DESCRIPTIVE},
    "bpmn.events": {"definition": "number of events (start, end, intermediate)", "source": DESCRIPTIVE},
    "bpmn.start_events": {"definition": "number of start events", "source": PMG_2010},
    "bpmn.end_events": {"definition": "number of end events", "source": PMG_2010},
    "bpmn.flows": {"definition": "number of sequence flows (arcs)", "source": MENDLING_2008},
    "bpmn.gateways": {"definition": "gateways by type (exclusive, parallel, inclusive, event_based) and role: a split "
                                    "has > 1 outgoing flow, a join > 1 incoming flow (a gateway can be both)",
                      "source": MENDLING_2008},
    "bpmn.density": {"definition": "flows / (size·(size−1))", "source": MENDLING_2008},
    "bpmn.cnc": {"definition": "coefficient of network connectivity: flows / size",
                 "source": MENDLING_2008 + " (after Latva-Koivisto 2001)"},
    "bpmn.max_connector_degree": {"definition": "largest number of flows (in + out) at a gateway",
                                  "source": MENDLING_2008},
    "bpmn.avg_connector_degree": {"definition": "mean number of flows (in + out) per gateway", "source": MENDLING_2008},
    "bpmn.connector_mismatch": {"definition": "per gateway type l: |Σ out-flows of l-splits − Σ in-flows of l-joins|; "
                                              "total = sum over types (0 = every split matched by a join)",
                                "source": MENDLING_2008},
    "bpmn.connector_heterogeneity": {"definition": "−Σ p(l)·log₃ p(l) over gateway types l ∈ {exclusive, parallel, "
                                                   "inclusive}, p(l) = share of gateways of type l (0 = one type only, "
                                                   "1 = all three equally; event-based counts as exclusive)",
                                     "source": MENDLING_2008},
    "bpmn.cfc": {"definition": "Σ over splits: exclusive split → its fan-out, inclusive split → 2^fan-out − 1, "
                               "parallel split → 1 (event-based counts as exclusive)", "source": CARDOSO_2005},
    # log
    "log.cases": {"definition": "number of cases", "source": DESCRIPTIVE},
    "log.events": {"definition": "number of events", "source": DESCRIPTIVE},
    "log.variants": {"definition": "number of distinct activity sequences (variants)", "source": DESCRIPTIVE},
    "log.variants_per_100_cases": {"definition": "100 · variants / cases", "source": DESCRIPTIVE},
    "log.variant_entropy": {"definition": "H = −Σ_v p_v·ln p_v with p_v = cases of variant v / cases (in nats)",
                            "source": SHANNON_1948},
    "log.variant_entropy_normalised": {"definition": "H / ln(cases): 0 = every case follows the same variant, "
                                                     "1 = every case is a variant of its own; 0 when there is one case",
                                       "source": SHANNON_1948 + ", normalised by procesflow"},
    "log.trace_length": {"definition": "events per case: min, mean, median (interpolated), max", "source": DESCRIPTIVE},
    "log.top10_variant_coverage": {"definition": "share of cases that follow one of the 10 most frequent variants",
                                   "source": DESCRIPTIVE},
    "guidance": {"definition": "Seven Process Modeling Guidelines next to the numbers; thresholds in "
                               "GUIDANCE_THRESHOLDS (7PMG's own where the paper gives one, else procesflow's)",
                 "source": PMG_2010},
}

# Thresholds for the 7PMG checks: (value, basis). Only G3, G4, G5 and G7 have a number in the paper
# (one start/one end event, matched splits/joins, no OR, 50 elements); the others are procesflow's.
GUIDANCE_THRESHOLDS: dict[str, tuple[float, str]] = {
    "G1_gateways_per_task": (1.0, "procesflow: more routing elements than tasks"),
    "G2_avg_connector_degree": (3.0, "procesflow: 3 = every gateway binary (one in, two out or two in, one out)"),
    "G2_dfg_cnc": (1.5, "procesflow: on average more than 1.5 arcs per node reads as a 'spaghetti' map"),
    "G3_start_end": (2, "7PMG: one start and one end event"),
    "G4_mismatch": (0, "7PMG: every split matched by a join of the same type"),
    "G5_inclusive": (0, "7PMG: avoid OR routing elements"),
    "G7_size": (50, "7PMG: decompose a model with more than 50 elements"),
}


# -- DFG -----------------------------------------------------------------------------------------
def dfg_complexity(dfg: DFG) -> dict[str, Any]:
    """Complexity of the DFG at its abstraction, on G* with artificial start ▶ and end ■ nodes.

    DFG adaptation (see `DEFINITIONS`): nodes with out-degree > 1 are implicit XOR splits, with
    in-degree > 1 implicit XOR joins; CFC = Σ out-degree over the XOR splits (▶ included).
    """
    g = dfg.graph(with_endpoints=True)
    n, a = g.number_of_nodes(), g.number_of_edges()
    activities = [x for x in g.nodes if x not in (START, END)]
    connectors = [x for x in g.nodes if g.in_degree(x) > 1 or g.out_degree(x) > 1]
    degrees = [g.in_degree(x) + g.out_degree(x) for x in connectors]
    on_cycle: set[str] = set()
    for comp in nx.strongly_connected_components(g):
        if len(comp) > 1:
            on_cycle |= comp
    on_cycle |= {x for x in activities if g.has_edge(x, x)}
    plain = {x for x in g.nodes if x not in set(connectors)}
    seq_arcs = sum(1 for s, t in g.edges if s in plain and t in plain)
    components = nx.number_weakly_connected_components(g) if n else 0
    return {
        "includes_start_end_nodes": True,
        "activities": len(activities),
        "df_arcs": int(len(dfg.edges)),
        "nodes": n,
        "arcs": a,
        "density": a / (n * (n - 1)) if n > 1 else 0.0,
        "cnc": a / n if n else 0.0,
        "cyclomatic_number": a - n + components,
        "connectors": len(connectors),
        "max_connector_degree": max(degrees, default=0),
        "avg_connector_degree": sum(degrees) / len(degrees) if degrees else 0.0,
        "cfc": sum(g.out_degree(x) for x in g.nodes if g.out_degree(x) > 1),
        "cyclicity": len(on_cycle & set(activities)) / len(activities) if activities else 0.0,
        "sequentiality": seq_arcs / a if a else 0.0,
        "start_activities": len(dfg.start),
        "end_activities": len(dfg.end),
        "hidden_arcs": len(dfg.hidden_edges),
    }


# -- BPMN ----------------------------------------------------------------------------------------
def _gateway_type(node) -> str | None:
    from pm4py.objects.bpmn.obj import BPMN

    if isinstance(node, BPMN.ParallelGateway):
        return "parallel"
    if isinstance(node, BPMN.InclusiveGateway):
        return "inclusive"
    if isinstance(node, BPMN.EventBasedGateway):
        return "event_based"
    if isinstance(node, BPMN.Gateway):  # exclusive, or a gateway of unknown type
        return "exclusive"
    return None


def bpmn_complexity(bpmn) -> dict[str, Any]:
    """Mendling's and Cardoso's metrics on a pm4py `BPMN` model (sequence flows only)."""
    from pm4py.objects.bpmn.obj import BPMN

    nodes = list(bpmn.get_nodes())
    flows = [f for f in bpmn.get_flows() if isinstance(f, BPMN.SequenceFlow)]
    indeg = dict.fromkeys(nodes, 0)
    outdeg = dict.fromkeys(nodes, 0)
    for f in flows:
        outdeg[f.get_source()] = outdeg.get(f.get_source(), 0) + 1
        indeg[f.get_target()] = indeg.get(f.get_target(), 0) + 1
    types = ("exclusive", "parallel", "inclusive", "event_based")
    gateways = {t: {"total": 0, "splits": 0, "joins": 0} for t in types}
    split_out = dict.fromkeys(types, 0)
    join_in = dict.fromkeys(types, 0)
    degrees: list[int] = []
    cfc = 0
    for node in nodes:
        kind = _gateway_type(node)
        if kind is None:
            continue
        gateways[kind]["total"] += 1
        degrees.append(indeg[node] + outdeg[node])
        if outdeg[node] > 1:
            gateways[kind]["splits"] += 1
            split_out[kind] += outdeg[node]
            cfc += {"parallel": 1, "inclusive": 2 ** outdeg[node] - 1}.get(kind, outdeg[node])
        if indeg[node] > 1:
            gateways[kind]["joins"] += 1
            join_in[kind] += indeg[node]
    # event-based gateways route like exclusive ones for mismatch and heterogeneity
    merged = {"exclusive": ("exclusive", "event_based"), "parallel": ("parallel",), "inclusive": ("inclusive",)}
    mismatch = {t: abs(sum(split_out[k] for k in ks) - sum(join_in[k] for k in ks)) for t, ks in merged.items()}
    n_gw = len(degrees)
    shares = [sum(gateways[k]["total"] for k in ks) / n_gw for ks in merged.values()] if n_gw else []
    heterogeneity = -sum(p * math.log(p, 3) for p in shares if p > 0) + 0.0
    tasks = sum(isinstance(x, BPMN.Activity) for x in nodes)
    starts = sum(isinstance(x, BPMN.StartEvent) for x in nodes)
    ends = sum(isinstance(x, BPMN.EndEvent) for x in nodes)
    events = sum(isinstance(x, BPMN.Event) for x in nodes)
    size, arcs = len(nodes), len(flows)
    return {
        "size": size,
        "tasks": tasks,
        "gateways": {"total": n_gw, **gateways},
        "events": events,
        "start_events": starts,
        "end_events": ends,
        "flows": arcs,
        "density": arcs / (size * (size - 1)) if size > 1 else 0.0,
        "cnc": arcs / size if size else 0.0,
        "max_connector_degree": max(degrees, default=0),
        "avg_connector_degree": sum(degrees) / n_gw if n_gw else 0.0,
        "connector_mismatch": {"total": sum(mismatch.values()), **mismatch},
        "connector_heterogeneity": heterogeneity,
        "cfc": cfc,
    }


# -- log -----------------------------------------------------------------------------------------
def log_complexity(log: EventLog) -> dict[str, Any]:
    """Variant-based log complexity, computed in DuckDB (`sql/complexity_log.sql`)."""
    r = log.one("complexity_log")
    cases = int(r["cases"] or 0)
    variants = int(r["variants"] or 0)
    entropy = float(r["entropy"] or 0.0) + 0.0
    return {
        "cases": cases,
        "events": int(r["events"] or 0),
        "variants": variants,
        "variants_per_100_cases": 100.0 * variants / cases if cases else 0.0,
        "variant_entropy": entropy,
        "variant_entropy_normalised": entropy / math.log(cases) if cases > 1 else 0.0,
        "trace_length": {"min": int(r["len_min"] or 0), "mean": float(r["len_mean"] or 0.0),
                         "median": float(r["len_median"] or 0.0), "max": int(r["len_max"] or 0)},
        "top10_variant_coverage": int(r["top10_cases"] or 0) / cases if cases else 0.0,
    }


# -- guidance ------------------------------------------------------------------------------------
def _rule(rule: str, applies_to: str, text: str, value: float, key: str) -> dict[str, Any]:
    threshold, basis = GUIDANCE_THRESHOLDS[key]
    return {"rule": rule, "applies_to": applies_to, "text": text, "value": value, "threshold": threshold,
            "triggered": bool(value > threshold), "basis": basis}


def guidance(dfg: dict[str, Any] | None = None, bpmn: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """7PMG checks on the DFG and/or BPMN metrics: `{"rule", "applies_to", "text", "value",
    "threshold", "triggered", "basis"}` each; triggered means value > threshold."""
    out: list[dict[str, Any]] = []
    if bpmn is not None:
        gw, tasks = bpmn["gateways"]["total"], bpmn["tasks"]
        ratio = gw / tasks if tasks else float(gw)
        out += [
            _rule("7PMG-G1", "bpmn", f"Use as few elements as possible: {gw} gateways for {tasks} tasks.",
                  round(ratio, 4), "G1_gateways_per_task"),
            _rule("7PMG-G2", "bpmn", "Minimise the routing paths per element: average gateway degree "
                  f"{bpmn['avg_connector_degree']:.2f} (largest {bpmn['max_connector_degree']}).",
                  round(bpmn["avg_connector_degree"], 4), "G2_avg_connector_degree"),
            _rule("7PMG-G3", "bpmn", f"Use one start and one end event: {bpmn['start_events']} start and "
                  f"{bpmn['end_events']} end events.", bpmn["start_events"] + bpmn["end_events"], "G3_start_end"),
            _rule("7PMG-G4", "bpmn", "Model as structured as possible: connector mismatch "
                  f"{bpmn['connector_mismatch']['total']} (0 when every split has a matching join).",
                  bpmn["connector_mismatch"]["total"], "G4_mismatch"),
            _rule("7PMG-G5", "bpmn", f"Avoid OR routing elements: {bpmn['gateways']['inclusive']['total']} "
                  "inclusive gateways.", bpmn["gateways"]["inclusive"]["total"], "G5_inclusive"),
            _rule("7PMG-G7", "bpmn", f"Decompose a model with more than 50 elements: {bpmn['size']} elements.",
                  bpmn["size"], "G7_size"),
        ]
    if dfg is not None:
        out += [
            _rule("7PMG-G2", "dfg", f"Minimise the routing paths per element: the map has {dfg['cnc']:.2f} arcs "
                  "per node (CNC).", round(dfg["cnc"], 4), "G2_dfg_cnc"),
            _rule("7PMG-G3", "dfg", f"Use one start and one end event: cases start with {dfg['start_activities']} "
                  f"and end with {dfg['end_activities']} different activities.",
                  dfg["start_activities"] + dfg["end_activities"], "G3_start_end"),
            _rule("7PMG-G7", "dfg", f"Decompose a model with more than 50 elements: the map has "
                  f"{dfg['activities']} activities.", dfg["activities"], "G7_size"),
        ]
    return out


# -- all together --------------------------------------------------------------------------------
def complexity_scorecard(log: EventLog | None = None, dfg: DFG | None = None, bpmn=None) -> dict[str, Any]:
    """The `complexity` section of metrics.json: `{"dfg", "bpmn", "log", "guidance", "definitions"}`.

    `dfg`: the DFG at the chosen abstraction (default: the log's full DFG); `bpmn`: a pm4py BPMN
    model (e.g. `discover_inductive(log).bpmn`) or None; `log` is needed for the log section and
    for the default DFG. Sections without input are None.
    """
    if dfg is None and log is not None:
        from ..discovery.dfg import discover_dfg

        dfg = discover_dfg(log)
    d = dfg_complexity(dfg) if dfg is not None else None
    b = bpmn_complexity(bpmn) if bpmn is not None else None
    return {
        "dfg": d,
        "bpmn": b,
        "log": log_complexity(log) if log is not None else None,
        "guidance": guidance(d, b),
        "definitions": {k: dict(v) for k, v in DEFINITIONS.items()},
    }
