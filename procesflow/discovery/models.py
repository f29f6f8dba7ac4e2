"""Process models discovered with pm4py from the SQL summaries — never from an event-level log.

* **Inductive miner** (`discover_inductive`): pm4py's IM (noise 0) or IMf (noise > 0) runs on the
  univariate variant collection (`Counter({variant: cases})`) that `sql/variants.sql` computes, via
  pm4py's own `IMDataStructureUVCL` entry point — exactly what `pm4py.discover_process_tree_inductive`
  does after it has grouped the event dataframe into that same collection. The tree is folded and
  sorted like pm4py does, so its string form equals pm4py's on the same log. Result: process tree,
  Petri net with initial/final marking, BPMN.
* **Heuristics miner** (`discover_heuristics`): pm4py's DFG-based heuristics miner
  (`apply_heu_dfg`) on the SQL DFG, activity counts and start/end counts, plus the `a b a` triple
  counts (`sql/conformance_loop2_triples.sql`) that pm4py's length-two-loop detection needs — so the
  heuristics net equals `pm4py.discover_heuristics_net` on the event dataframe. Result: heuristics
  net and Petri net (BPMN when pm4py can convert the net).
* **Export** (`export_model`): BPMN 2.0 with diagram layout (BPMNDI, pm4py's layouter on Graphviz),
  PNML, the process tree as `.ptml` and as readable text.

Cost grows with the number of variants (inductive) or DFG arcs (heuristics), not with events.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..eventlog import EventLog
from .dfg import DFG, discover_dfg
from .variants import discover_variants, variant_counter

DEFAULT_NOISE = 0.2  # = AnalysisOptions().noise_threshold

# pm4py's heuristics-miner defaults (pm4py.algo.discovery.heuristics.parameters defaults)
HEURISTICS_DEFAULTS = {
    "dependency_threshold": 0.5,
    "and_threshold": 0.65,
    "loop_two_threshold": 0.5,
    "min_act_count": 1,
    "min_dfg_occurrences": 1,
}


@dataclass
class Model:
    """A discovered model: Petri net with markings always; tree/BPMN/heuristics net when the miner has them."""

    kind: str  # "inductive" or "heuristics"
    net: Any  # pm4py PetriNet
    im: Any  # initial Marking
    fm: Any  # final Marking
    tree: Any = None  # pm4py ProcessTree (inductive)
    bpmn: Any = None  # pm4py BPMN (inductive always; heuristics when convertible)
    heuristics_net: Any = None  # pm4py HeuristicsNet (heuristics)
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Plain-data description of the model (for metrics.json)."""
        visible = [t for t in self.net.transitions if t.label is not None]
        out: dict[str, Any] = {
            "kind": self.kind,
            "parameters": dict(self.parameters),
            "petri_net": {
                "places": len(self.net.places),
                "transitions": len(self.net.transitions),
                "visible_transitions": len(visible),
                "silent_transitions": len(self.net.transitions) - len(visible),
                "arcs": len(self.net.arcs),
            },
            "notes": list(self.notes),
        }
        if self.tree is not None:
            out["process_tree"] = str(self.tree)
        if self.bpmn is not None:
            out["bpmn"] = {"nodes": len(self.bpmn.get_nodes()), "flows": len(self.bpmn.get_flows())}
        return out


# -- inductive miner ---------------------------------------------------------------------------------
def inductive_tree(variants: Counter[tuple[str, ...]] | dict[tuple[str, ...], int], noise: float = DEFAULT_NOISE):
    """pm4py's inductive miner on a variant collection: IM when `noise` is 0, IMf otherwise.

    The same calls `pm4py.algo.discovery.inductive.algorithm.apply` makes once it holds the variant
    collection (`IMDataStructureUVCL` -> IMUVCL / IMFUVCL -> fold -> tree_sort); the parameters are
    those `pm4py.discover_process_tree_inductive` passes (no multiprocessing, fall-throughs on).
    """
    from pm4py.algo.discovery.inductive.dtypes.im_ds import IMDataStructureUVCL
    from pm4py.algo.discovery.inductive.variants.im import IMUVCL
    from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
    from pm4py.objects.process_tree.utils.generic import fold, tree_sort

    if not 0 <= noise <= 1:
        raise ValueError(f"noise threshold must be between 0 and 1, got {noise}")
    uvcl: Counter[tuple[str, ...]] = Counter({tuple(v): int(n) for v, n in variants.items()})
    params = {"noise_threshold": float(noise), "multiprocessing": False, "disable_fallthroughs": False}
    miner = IMFUVCL(params) if noise > 0 else IMUVCL(params)
    with _one_pass_dfg():
        tree = miner.apply(IMDataStructureUVCL(uvcl), params)
    tree = fold(tree)
    tree_sort(tree)
    return tree


@contextlib.contextmanager
def _one_pass_dfg() -> Iterator[None]:
    """While the miner runs, pm4py's `discover_dfg_uvcl` (called for every sub-log of the recursion)
    is replaced by `dfg_of_variants`, which builds the identical DFG in one pass over the variants
    instead of one pass per activity: the miner itself is untouched and gives the same tree, in a
    fraction of the time on logs with thousands of variants."""
    from pm4py.util.compression import util as comut

    original = comut.discover_dfg_uvcl
    comut.discover_dfg_uvcl = dfg_of_variants
    try:
        yield
    finally:
        comut.discover_dfg_uvcl = original


def dfg_of_variants(log: dict[tuple[str, ...], int]) -> Any:
    """The DFG of a variant collection (variant -> cases) exactly as pm4py's `discover_dfg_uvcl`
    returns it, including the insertion order of its counters: edges in order of first occurrence,
    start and end activities in sorted order."""
    from pm4py.objects.dfg.obj import DFG as Pm4pyDFG

    graph: dict[tuple[str, str], int] = {}
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for trace, n in log.items():
        if not trace:
            continue
        for pair in zip(trace, trace[1:], strict=False):
            graph[pair] = graph.get(pair, 0) + n
        starts[trace[0]] = starts.get(trace[0], 0) + n
        ends[trace[-1]] = ends.get(trace[-1], 0) + n
    dfg = Pm4pyDFG()
    dfg.graph.update(graph)
    for activity in sorted(starts):
        dfg.start_activities[activity] = starts[activity]
    for activity in sorted(ends):
        dfg.end_activities[activity] = ends[activity]
    return dfg


def discover_inductive(log: EventLog | None = None, noise: float = DEFAULT_NOISE, *,
                       variants: pd.DataFrame | None = None) -> Model:
    """Inductive miner (IMf with `noise`; 0 = plain IM) on the log's SQL variant collection.

    Pass `variants` (a `discover_variants` result) to reuse one that is already computed.
    Returns a `Model` with tree, net, im, fm and bpmn.
    """
    from pm4py.objects.conversion.process_tree import converter as pt_converter
    from pm4py.objects.conversion.process_tree.variants import to_bpmn

    if variants is None:
        if log is None:
            raise ValueError("give a log or its variants")
        variants = discover_variants(log)
    tree = inductive_tree(variant_counter(variants), noise)
    net, im, fm = pt_converter.apply(tree)
    bpmn = to_bpmn.apply(tree)
    return Model(kind="inductive", net=net, im=im, fm=fm, tree=tree, bpmn=bpmn,
                 parameters={"miner": "IMf" if noise > 0 else "IM", "noise_threshold": float(noise),
                             "variants": int(len(variants)), "cases": int(variants["cases"].sum())})


# -- heuristics miner --------------------------------------------------------------------------------
def heuristics_net_from_summaries(dfg: DFG, loop2_triples: dict[tuple[str, str, str], int] | None = None,
                                  **thresholds: float):
    """pm4py's heuristics net from a DFG summary (+ the `a b a` triple counts for length-two loops)."""
    from pm4py.algo.discovery.heuristics.variants import classic

    unknown = set(thresholds) - set(HEURISTICS_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown heuristics parameter(s): {sorted(unknown)}")
    p = {**HEURISTICS_DEFAULTS, **thresholds}
    P = classic.Parameters
    parameters = {
        P.DEPENDENCY_THRESH: p["dependency_threshold"],
        P.AND_MEASURE_THRESH: p["and_threshold"],
        P.LOOP_LENGTH_TWO_THRESH: p["loop_two_threshold"],
        P.MIN_ACT_COUNT: p["min_act_count"],
        P.MIN_DFG_OCCURRENCES: p["min_dfg_occurrences"],
    }
    occurrences = {str(a): int(n) for a, n in zip(dfg.activities["activity"], dfg.activities["count"], strict=True)}
    return classic.apply_heu_dfg(
        dfg.counts(),
        activities=list(occurrences),
        activities_occurrences=occurrences,
        start_activities=dict(dfg.start),
        end_activities=dict(dfg.end),
        freq_triples=dict(loop2_triples or {}),
        parameters=parameters,
    ), p


def loop2_triples(log: EventLog) -> dict[tuple[str, str, str], int]:
    """Counts of `a b a` (a ≠ b) in the log — the only triples pm4py's heuristics miner uses."""
    return {(a, b, a): int(n) for a, b, n in log.rows("conformance_loop2_triples")}


def discover_heuristics(log: EventLog, dfg: DFG | None = None, **thresholds: float) -> Model:
    """Heuristics miner on the SQL DFG (pm4py `apply_heu_dfg`), converted to a Petri net.

    `thresholds`: dependency_threshold (0.5), and_threshold (0.65), loop_two_threshold (0.5),
    min_act_count (1), min_dfg_occurrences (1) — pm4py's defaults. Pass `dfg` to reuse one (the
    full DFG gives pm4py's result; an abstracted one mines the abstraction).
    """
    from pm4py.objects.conversion.heuristics_net import converter as hn_converter

    dfg = dfg if dfg is not None else discover_dfg(log)
    heu, used = heuristics_net_from_summaries(dfg, loop2_triples(log), **thresholds)
    net, im, fm = hn_converter.apply(heu)
    notes: list[str] = []
    bpmn = None
    try:
        from pm4py.objects.conversion.wf_net.variants import to_bpmn

        bpmn = to_bpmn.apply(net, im, fm)
    except Exception as exc:  # pm4py converts sound workflow nets only
        notes.append(f"no BPMN: pm4py could not convert the heuristics Petri net ({type(exc).__name__})")
    return Model(kind="heuristics", net=net, im=im, fm=fm, bpmn=bpmn, heuristics_net=heu,
                 parameters={"miner": "heuristics", **used}, notes=notes)


# -- readable tree -----------------------------------------------------------------------------------
_OPERATORS = {
    "->": "sequence",
    "X": "exclusive choice (one of)",
    "+": "parallel (all, any order)",
    "*": "loop",
    "O": "inclusive choice (one or more)",
    "<>": "interleaving (all, one at a time)",
}


def tree_text(tree) -> str:
    """The process tree as indented text, operators in words.

    `(skip)` is a silent step. Two shorthands keep it readable: a choice between one branch and a
    skip is shown as `optional`, and a loop whose redo part is a skip as `repeat (one or more
    times)`; any other loop lists `do:` (the body) and `redo:` (what is done before each repetition).
    """
    lines: list[str] = []

    def is_skip(node) -> bool:
        return node.operator is None and node.label is None

    def walk(node, depth: int, prefix: str = "") -> None:
        pad = "  " * depth
        if node.operator is None:
            lines.append(f"{pad}{prefix}{node.label if node.label is not None else '(skip)'}")
            return
        op = str(node.operator.value if hasattr(node.operator, "value") else node.operator)
        children = list(node.children)
        if op == "X" and len(children) == 2 and sum(map(is_skip, children)) == 1:
            lines.append(f"{pad}{prefix}optional")
            walk(next(c for c in children if not is_skip(c)), depth + 1)
        elif op == "*" and len(children) == 2 and is_skip(children[1]):
            lines.append(f"{pad}{prefix}repeat (one or more times)")
            walk(children[0], depth + 1)
        elif op == "*":
            lines.append(f"{pad}{prefix}{_OPERATORS[op]}")
            for i, child in enumerate(children):
                walk(child, depth + 1, "do: " if i == 0 else "redo: ")
        else:
            lines.append(f"{pad}{prefix}{_OPERATORS.get(op, op)}")
            for child in children:
                walk(child, depth + 1)

    walk(tree, 0)
    return "\n".join(lines) + "\n"


# -- export --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def graphviz_dot() -> Iterator[str | None]:
    """Point the `graphviz` package (which pm4py's BPMN layouter uses) at procesflow's layout program
    while pm4py lays out a diagram: the same program the maps use (`render.graphviz.dot_executable`:
    $PROCESFLOW_DOT, else graphviz-pure), so layouts are the same on every machine. Yields the
    program, or None when there is none. Not thread-safe: it swaps a module global of `graphviz`.
    """
    from graphviz.backend import dot_command

    from ..errors import ProcesflowError
    from ..render.graphviz import dot_executable

    try:
        exe = dot_executable()
    except ProcesflowError:
        yield None
        return
    previous = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = Path(exe)
    try:
        yield exe
    finally:
        dot_command.DOT_BINARY = previous


def layout_bpmn(bpmn) -> str | None:
    """Add diagram layout (node positions, edge waypoints) to a BPMN model in place.

    Returns None when laid out, else why not (the model is then exported without positions).
    """
    from pm4py.objects.bpmn.layout import layouter

    with graphviz_dot() as exe:
        if exe is None:
            return "no layout program (graphviz-pure) found"
        try:
            # the layout program's warnings (graphviz-pure: "no value for width of non-ASCII
            # character", for ë in a label) are not the user's business; a failure still raises
            with contextlib.redirect_stderr(io.StringIO()):
                layouter.apply(bpmn)
        except Exception as exc:  # a failing layout must not lose the model itself
            return f"layout failed ({type(exc).__name__}: {exc})"
    return None


def export_model(model: Model, folder: str | Path, stem: str | None = None) -> dict[str, Path]:
    """Write the model's files into `folder`; returns `{kind: path}`.

    Kinds: `bpmn` (BPMN 2.0 XML with BPMNDI layout), `pnml` (Petri net with markings), and for
    inductive models `ptml` (pm4py process tree) and `tree` (readable text, see `tree_text`).
    """
    from pm4py.objects.bpmn.exporter import exporter as bpmn_exporter
    from pm4py.objects.petri_net.exporter import exporter as pnml_exporter
    from pm4py.objects.process_tree.exporter import exporter as ptml_exporter

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = stem or model.kind
    written: dict[str, Path] = {}
    if model.bpmn is not None:
        problem = layout_bpmn(model.bpmn)
        if problem:
            model.notes.append(f"BPMN written without diagram layout: {problem}")
        path = folder / f"{stem}.bpmn"
        bpmn_exporter.apply(model.bpmn, str(path), parameters={"encoding": "utf-8"})
        written["bpmn"] = path
    path = folder / f"{stem}.pnml"
    pnml_exporter.apply(model.net, model.im, str(path), final_marking=model.fm, parameters={"encoding": "utf-8"})
    written["pnml"] = path
    if model.tree is not None:
        path = folder / f"{stem}.ptml"
        ptml_exporter.apply(model.tree, str(path), parameters={"encoding": "utf-8"})
        written["ptml"] = path
        path = folder / f"{stem}_tree.txt"
        path.write_text(tree_text(model.tree), encoding="utf-8")
        written["tree"] = path
    return written
