"""Models mined from the SQL summaries equal pm4py's on the event log; exports are complete and readable."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pm4py
import pytest

from procesflow.discovery.dfg import discover_dfg
from procesflow.discovery.models import (
    discover_heuristics,
    discover_inductive,
    export_model,
    inductive_tree,
    loop2_triples,
    tree_text,
)
from procesflow.discovery.variants import discover_variants

ROWS = [  # A B C twice, A C B once: IM finds ->(A, +(B, C))
    ("1", "A", "2024-01-01 09:00"), ("1", "B", "2024-01-01 10:00"), ("1", "C", "2024-01-01 11:00"),
    ("2", "A", "2024-01-02 09:00"), ("2", "B", "2024-01-02 10:00"), ("2", "C", "2024-01-02 11:00"),
    ("3", "A", "2024-01-03 09:00"), ("3", "C", "2024-01-03 10:00"), ("3", "B", "2024-01-03 11:00"),
]


def pm4py_frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True)
    return df


def canon_net(net) -> tuple:
    """A Petri net up to the names of places and silent transitions."""
    def lab(t):
        return t.label if t.label is not None else "τ"

    places = sorted((tuple(sorted(lab(a.source) for a in p.in_arcs)), tuple(sorted(lab(a.target) for a in p.out_arcs)))
                    for p in net.places)
    transitions = sorted((lab(t), len(t.in_arcs), len(t.out_arcs)) for t in net.transitions)
    return places, transitions


def canon_bpmn(bpmn) -> tuple:
    """A BPMN model up to node ids: node kinds and names, and flows as (kind:name, kind:name) pairs."""
    def key(node):
        return f"{type(node).__name__}:{node.get_name()}"

    return (sorted(key(n) for n in bpmn.get_nodes()),
            sorted((key(f.get_source()), key(f.get_target())) for f in bpmn.get_flows()))


def canon_heuristics(heu) -> dict:
    return {name: (node.node_occ, node.is_start_activity, node.is_end_activity,
                   sorted((o.node_name, round(e[0].dependency_value, 12), e[0].dfg_value)
                          for o, e in node.output_connections.items()),
                   sorted(node.loop_length_two), node.and_measures_out, node.and_measures_in)
            for name, node in heu.nodes.items()}


# -- hand-built ------------------------------------------------------------------------------------
def test_inductive_on_tiny_log_by_hand(tiny_log):
    model = discover_inductive(tiny_log(ROWS), noise=0)
    assert str(model.tree) == "->( 'A', +( 'C', 'B' ) )"
    assert str(model.tree) == str(pm4py.discover_process_tree_inductive(pm4py_frame(ROWS)))
    assert sorted(t.label for t in model.net.transitions if t.label) == ["A", "B", "C"]
    assert len(model.im) == 1 and len(model.fm) == 1
    assert model.parameters == {"miner": "IM", "noise_threshold": 0.0, "variants": 2, "cases": 3}
    assert tree_text(model.tree) == "sequence\n  A\n  parallel (all, any order)\n    C\n    B\n"


def test_inductive_tree_from_a_counter_and_noise():
    # 9 cases A B C, 1 case A C: IM makes B optional; IMf with noise 0.2 drops the arc A -> C
    # (1 < 0.2 x 9, the most frequent arc out of A), so B becomes mandatory
    counter = {("A", "B", "C"): 9, ("A", "C"): 1}
    assert str(inductive_tree(counter, 0)) == "->( 'A', X( tau, 'B' ), 'C' )"
    assert str(inductive_tree(counter, 0.2)) == "->( 'A', 'B', 'C' )"
    with pytest.raises(ValueError, match="between 0 and 1"):
        inductive_tree(counter, 1.5)


def test_tree_text_shorthands():
    from pm4py.objects.process_tree.utils.generic import parse

    tree = parse("->( 'a', X( tau, 'b' ), *( 'c', tau ), *( 'd', 'e' ) )")
    assert tree_text(tree) == ("sequence\n  a\n  optional\n    b\n  repeat (one or more times)\n    c\n"
                               "  loop\n    do: d\n    redo: e\n")


def test_loop2_triples_by_hand(tiny_log):
    rows = [("1", "A", "2024-01-01 09:00"), ("1", "B", "2024-01-01 10:00"), ("1", "A", "2024-01-01 11:00"),
            ("1", "B", "2024-01-01 12:00"), ("2", "A", "2024-01-02 09:00"), ("2", "A", "2024-01-02 10:00"),
            ("2", "A", "2024-01-02 11:00")]
    # case 1: A B A, B A B; case 2: A A A is a self-loop, not a length-two loop
    assert loop2_triples(tiny_log(rows)) == {("A", "B", "A"): 1, ("B", "A", "B"): 1}


def test_heuristics_on_tiny_log_equals_pm4py(tiny_log):
    log = tiny_log(ROWS)
    model = discover_heuristics(log)
    ref = pm4py.discover_heuristics_net(pm4py_frame(ROWS))
    assert canon_heuristics(model.heuristics_net) == canon_heuristics(ref)
    # A->B 2, A->C 1, B->C 2, C->B 1: dependency(B, C) = (2 - 1) / (2 + 1 + 1) = 0.25 < 0.5, so no B-C arc
    deps = model.heuristics_net.dependency_matrix
    assert deps["A"]["B"] == pytest.approx(2 / 3) and deps["B"]["C"] == pytest.approx(0.25)
    assert canon_net(model.net) == canon_net(pm4py.discover_petri_net_heuristics(pm4py_frame(ROWS))[0])


# -- real logs ---------------------------------------------------------------------------------------
REAL = {"08_receipt": "08_receipt.xes.gz", "Sepsis_Cases-Event_Log": "Sepsis_Cases-Event_Log.xes.gz"}


@pytest.fixture(scope="module")
def real(shared_logs, tmp_path_factory):
    """name -> (EventLog, pm4py dataframe of the same file)."""
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.store import Store

    db = tmp_path_factory.mktemp("models") / "real.duckdb"
    with Store(db) as store:
        for file in REAL.values():
            import_log(store, ImportRequest(source=str(shared_logs / file)))
    store = Store(db, read_only=True)
    frames = {name: pm4py.read_xes(str(shared_logs / file)) for name, file in REAL.items()}
    yield lambda name: (EventLog(store, name), frames[name])
    store.close()


@pytest.mark.parametrize("name", list(REAL))
@pytest.mark.parametrize("noise", [0.0, 0.2])
def test_inductive_equals_pm4py_on_real_logs(real, name, noise):
    log, df = real(name)
    model = discover_inductive(log, noise=noise)
    assert str(model.tree) == str(pm4py.discover_process_tree_inductive(df, noise_threshold=noise))
    net, _, _ = pm4py.discover_petri_net_inductive(df, noise_threshold=noise)
    assert canon_net(model.net) == canon_net(net)
    assert canon_bpmn(model.bpmn) == canon_bpmn(pm4py.discover_bpmn_inductive(df, noise_threshold=noise))
    assert model.parameters["variants"] == len(pm4py.get_variants(df))


def test_inductive_from_the_csv_equals_the_xes(shared_logs, tmp_path, real):
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.store import Store

    with Store(tmp_path / "csv.duckdb") as store:
        import_log(store, ImportRequest(source=str(shared_logs / "receipt.csv"), name="receipt"))
        from_csv = discover_inductive(EventLog(store, "receipt"), noise=0.2)
    from_xes = discover_inductive(real("08_receipt")[0], noise=0.2)
    assert str(from_csv.tree) == str(from_xes.tree)


@pytest.mark.parametrize("name", list(REAL))
def test_heuristics_equals_pm4py_on_real_logs(real, name):
    log, df = real(name)
    model = discover_heuristics(log, dfg=discover_dfg(log))
    ref = pm4py.discover_heuristics_net(df)
    assert canon_heuristics(model.heuristics_net) == canon_heuristics(ref)
    assert canon_net(model.net) == canon_net(pm4py.discover_petri_net_heuristics(df)[0])
    stricter = discover_heuristics(log, dependency_threshold=0.9)
    ref = pm4py.discover_heuristics_net(df, dependency_threshold=0.9)
    assert canon_heuristics(stricter.heuristics_net) == canon_heuristics(ref)


def test_receipt_model_numbers(real):
    log, _ = real("08_receipt")
    model = discover_inductive(log, noise=0.2, variants=discover_variants(log))
    s = model.summary()
    assert s["parameters"] == {"miner": "IMf", "noise_threshold": 0.2, "variants": 116, "cases": 1434}
    assert s["petri_net"] == {"places": 47, "transitions": 69, "visible_transitions": 27,
                              "silent_transitions": 42, "arcs": 146}
    assert s["bpmn"] == {"nodes": 89, "flows": 119}


def test_export_bpmn_with_layout_pnml_ptml_and_text(real, tmp_path):
    log, _ = real("08_receipt")
    model = discover_inductive(log, noise=0.2)
    files = export_model(model, tmp_path / "out", stem="receipt")
    assert {k: p.name for k, p in files.items()} == {
        "bpmn": "receipt.bpmn", "pnml": "receipt.pnml", "ptml": "receipt.ptml", "tree": "receipt_tree.txt"}
    assert model.notes == []  # laid out (Graphviz dot or graphviz-pure found)

    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
          "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
    root = ET.parse(files["bpmn"]).getroot()
    process = root.find("bpmn:process", ns)
    flows = process.findall("bpmn:sequenceFlow", ns)
    nodes = [e for e in process if not e.tag.endswith("sequenceFlow")]
    assert len(nodes) == 89 and len(flows) == 119
    shapes = root.findall(".//bpmndi:BPMNShape", ns)
    edges = root.findall(".//bpmndi:BPMNEdge", ns)
    assert {s.get("bpmnElement") for s in shapes} == {n.get("id") for n in nodes}
    assert {e.get("bpmnElement") for e in edges} == {f.get("id") for f in flows}
    xs = {float(s.find("dc:Bounds", ns).get("x")) for s in shapes}
    assert len(xs) > 10  # real positions, not all nodes on one spot
    assert all(len(e.findall("di:waypoint", ns)) >= 2 for e in edges)
    tasks = {t.get("name") for t in process.findall("bpmn:task", ns)}
    assert "T02 Check confirmation of receipt" in tasks and len(tasks) == 27

    back = pm4py.read_bpmn(str(files["bpmn"]))
    assert len(back.get_nodes()) == 89 and len(back.get_flows()) == 119
    net, im, fm = pm4py.read_pnml(str(files["pnml"]))
    assert canon_net(net) == canon_net(model.net) and len(im) == 1 and len(fm) == 1
    assert str(pm4py.read_ptml(str(files["ptml"]))) == str(model.tree)
    text = files["tree"].read_text(encoding="utf-8")
    assert text.startswith("sequence\n  Confirmation of receipt\n") and text == tree_text(model.tree)


def test_export_heuristics_model(real, tmp_path):
    log, _ = real("08_receipt")
    files = export_model(discover_heuristics(log), tmp_path)
    assert sorted(files) == ["bpmn", "pnml"]
    net, _, _ = pm4py.read_pnml(str(files["pnml"]))
    assert len([t for t in net.transitions if t.label]) == 27


def test_export_without_a_working_layout_program_still_writes_the_model(tiny_log, tmp_path, monkeypatch):
    monkeypatch.setenv("PROCESFLOW_DOT", str(tmp_path / "no-such-dot"))
    model = discover_inductive(tiny_log(ROWS), noise=0)
    files = export_model(model, tmp_path / "out")
    assert sorted(files) == ["bpmn", "pnml", "ptml", "tree"]
    assert len(model.notes) == 1 and model.notes[0].startswith("BPMN written without diagram layout: layout failed")
    assert len(pm4py.read_bpmn(str(files["bpmn"])).get_nodes()) == 7
