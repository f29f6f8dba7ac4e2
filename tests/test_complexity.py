"""Complexity scorecard: every metric against a hand computation, and sanity on a real log."""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from procesflow.discovery.dfg import abstract_paths, discover_dfg
from procesflow.discovery.models import discover_inductive
from procesflow.metrics.complexity import (
    DEFINITIONS,
    GUIDANCE_THRESHOLDS,
    bpmn_complexity,
    complexity_scorecard,
    dfg_complexity,
    guidance,
    log_complexity,
)

# a: A B C · b: A C B B (self-loop B B, cycle B <-> C) · c: A (a single-event case)
TINY = [
    ("a", "A", "2024-01-01 10:00"), ("a", "B", "2024-01-01 11:00"), ("a", "C", "2024-01-01 11:00"),
    ("b", "A", "2024-01-02 10:00"), ("b", "C", "2024-01-02 10:30"), ("b", "B", "2024-01-02 12:30"),
    ("b", "B", "2024-01-03 12:30"),
    ("c", "A", "2024-01-05 09:00"),
]
SEQUENCE = [(c, act, f"2024-01-0{d} {h}:00") for d, c in ((1, "x"), (2, "y"))
            for h, act in ((10, "A"), (11, "B"), (12, "C"))]


def rows_of(counts: dict[tuple[str, ...], int]) -> list[tuple[str, str, str]]:
    rows, case = [], 0
    for variant, n in counts.items():
        for _ in range(n):
            case += 1
            rows += [(f"c{case:03d}", act, f"2024-02-{case:02d} {9 + i:02d}:00") for i, act in enumerate(variant)]
    return rows


# -- DFG -------------------------------------------------------------------------------------------
@pytest.fixture
def tiny_dfg(tiny_log):
    return dfg_complexity(discover_dfg(tiny_log(TINY)))


def test_dfg_size_counts_include_start_and_end(tiny_dfg):
    # arcs A>B, B>C, A>C, C>B, B>B + ▶>A + C>■, B>■, A>■ on nodes A, B, C, ▶, ■
    assert tiny_dfg["includes_start_end_nodes"] is True
    assert (tiny_dfg["activities"], tiny_dfg["df_arcs"], tiny_dfg["nodes"], tiny_dfg["arcs"]) == (3, 5, 5, 9)
    assert (tiny_dfg["start_activities"], tiny_dfg["end_activities"]) == (1, 3)


def test_dfg_density(tiny_dfg):
    assert tiny_dfg["density"] == pytest.approx(9 / (5 * 4))


def test_dfg_cnc(tiny_dfg):
    assert tiny_dfg["cnc"] == pytest.approx(9 / 5)


def test_dfg_cyclomatic_number(tiny_dfg):
    assert tiny_dfg["cyclomatic_number"] == 9 - 5 + 1  # one weakly connected component


def test_dfg_connector_degrees(tiny_dfg):
    # connectors: A (out 3: B, C, ■), B (in A, C, B; out C, B, ■), C (in A, B; out B, ■), ■ (in 3); ▶ is not
    assert tiny_dfg["connectors"] == 4
    assert tiny_dfg["max_connector_degree"] == 6  # B: 3 + 3 (the self-loop counts once in, once out)
    assert tiny_dfg["avg_connector_degree"] == pytest.approx((4 + 6 + 4 + 3) / 4)


def test_dfg_cfc_reads_every_multi_exit_node_as_an_xor_split(tiny_dfg):
    assert tiny_dfg["cfc"] == 3 + 3 + 2  # A, B, C; ▶ has a single start activity


def test_dfg_cyclicity_counts_self_loops(tiny_dfg, tiny_log):
    assert tiny_dfg["cyclicity"] == pytest.approx(2 / 3)  # B (self-loop and B<->C) and C, not A
    only_self_loop = dfg_complexity(discover_dfg(tiny_log([("x", "A", "2024-01-01 10:00"),
                                                           ("x", "A", "2024-01-01 11:00")])))
    assert only_self_loop["cyclicity"] == 1.0


def test_dfg_sequentiality(tiny_dfg):
    assert tiny_dfg["sequentiality"] == 0.0  # the only non-connector, ▶, points at a connector


def test_dfg_metrics_of_a_pure_sequence(tiny_log):
    d = dfg_complexity(discover_dfg(tiny_log(SEQUENCE)))
    assert {k: d[k] for k in ("nodes", "arcs", "cyclomatic_number", "connectors", "max_connector_degree",
                              "avg_connector_degree", "cfc", "cyclicity", "sequentiality")} == {
        "nodes": 5, "arcs": 4, "cyclomatic_number": 0, "connectors": 0, "max_connector_degree": 0,
        "avg_connector_degree": 0.0, "cfc": 0, "cyclicity": 0.0, "sequentiality": 1.0}
    assert d["density"] == pytest.approx(4 / 20) and d["cnc"] == pytest.approx(4 / 5)


def test_dfg_metrics_follow_the_abstraction(tiny_log):
    dfg = discover_dfg(tiny_log(TINY))
    slim = abstract_paths(dfg, 1)
    d = dfg_complexity(slim)
    assert d["df_arcs"] == len(slim.edges) < 5
    assert d["hidden_arcs"] == 5 - len(slim.edges)
    assert d["arcs"] == len(slim.edges) + 1 + 3


# -- log -------------------------------------------------------------------------------------------
def test_log_complexity_of_tiny_log(tiny_log):
    c = log_complexity(tiny_log(TINY))
    # three cases, three different variants: H = ln 3, normalised 1
    assert (c["cases"], c["events"], c["variants"]) == (3, 8, 3)
    assert c["variants_per_100_cases"] == pytest.approx(100.0)
    assert c["variant_entropy"] == pytest.approx(math.log(3))
    assert c["variant_entropy_normalised"] == pytest.approx(1.0)
    assert c["trace_length"] == {"min": 1, "mean": pytest.approx(8 / 3), "median": 3.0, "max": 4}
    assert c["top10_variant_coverage"] == 1.0


def test_variant_entropy_by_hand(tiny_log):
    # 4 cases: A B twice, A C, A -> p = 1/2, 1/4, 1/4
    c = log_complexity(tiny_log(rows_of({("A", "B"): 2, ("A", "C"): 1, ("A",): 1})))
    h = -(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))  # = 1.5 ln 2
    assert c["variant_entropy"] == pytest.approx(h) == pytest.approx(1.5 * math.log(2))
    assert c["variant_entropy_normalised"] == pytest.approx(h / math.log(4)) == pytest.approx(0.75)
    assert c["trace_length"] == {"min": 1, "mean": 1.75, "median": 2.0, "max": 2}
    assert c["variants_per_100_cases"] == 75.0


def test_one_variant_has_zero_entropy_and_one_case_is_defined(tiny_log):
    c = log_complexity(tiny_log(SEQUENCE))
    assert c["variant_entropy"] == 0.0 and c["variant_entropy_normalised"] == 0.0
    single = log_complexity(tiny_log([("only", "A", "2024-01-01 10:00")]))
    assert (single["cases"], single["variants"], single["variant_entropy_normalised"]) == (1, 1, 0.0)
    assert single["trace_length"] == {"min": 1, "mean": 1.0, "median": 1.0, "max": 1}


def test_top10_variant_coverage(tiny_log):
    # twelve variants: ten with 2 cases, two with 1 case -> the top ten cover 20 of 22 cases
    counts = {(f"A{i:02d}",): 2 for i in range(10)} | {("B",): 1, ("C",): 1}
    c = log_complexity(tiny_log(rows_of(counts)))
    assert (c["cases"], c["variants"]) == (22, 12)
    assert c["top10_variant_coverage"] == pytest.approx(20 / 22)
    p = [2 / 22] * 10 + [1 / 22] * 2
    assert c["variant_entropy"] == pytest.approx(-sum(x * math.log(x) for x in p))


# -- BPMN ------------------------------------------------------------------------------------------
def hand_bpmn():
    """start -> X1 (xor split: a, b, c); a, b -> X2 (xor join) -> P1 (and split: d, e) -> P2 (and join)
    -> end1; c -> O1 (or split: f, g); f -> end2; g -> end3."""
    from pm4py.objects.bpmn.obj import BPMN

    g = BPMN()
    n = {"S": BPMN.NormalStartEvent(name="S"), "E1": BPMN.NormalEndEvent(name="E1"),
         "E2": BPMN.NormalEndEvent(name="E2"), "E3": BPMN.NormalEndEvent(name="E3"),
         "X1": BPMN.ExclusiveGateway(), "X2": BPMN.ExclusiveGateway(), "P1": BPMN.ParallelGateway(),
         "P2": BPMN.ParallelGateway(), "O1": BPMN.InclusiveGateway()}
    n |= {t: BPMN.Task(name=t) for t in "abcdefg"}
    for node in n.values():
        g.add_node(node)
    for s, t in map(str.split, ["S X1", "X1 a", "X1 b", "X1 c", "a X2", "b X2", "X2 P1", "P1 d", "P1 e", "d P2",
                                "e P2", "P2 E1", "c O1", "O1 f", "O1 g", "f E2", "g E3"]):
        g.add_flow(BPMN.SequenceFlow(n[s], n[t]))
    return g


@pytest.fixture
def hand():
    return bpmn_complexity(hand_bpmn())


def test_bpmn_sizes(hand):
    assert (hand["size"], hand["tasks"], hand["events"], hand["flows"]) == (16, 7, 4, 17)
    assert (hand["start_events"], hand["end_events"]) == (1, 3)


def test_bpmn_gateway_counts(hand):
    assert hand["gateways"] == {
        "total": 5,
        "exclusive": {"total": 2, "splits": 1, "joins": 1},
        "parallel": {"total": 2, "splits": 1, "joins": 1},
        "inclusive": {"total": 1, "splits": 1, "joins": 0},
        "event_based": {"total": 0, "splits": 0, "joins": 0},
    }


def test_bpmn_density_and_cnc(hand):
    assert hand["density"] == pytest.approx(17 / (16 * 15))
    assert hand["cnc"] == pytest.approx(17 / 16)


def test_bpmn_connector_degree(hand):
    assert hand["max_connector_degree"] == 4  # X1: 1 in + 3 out
    assert hand["avg_connector_degree"] == pytest.approx((4 + 3 + 3 + 3 + 3) / 5)


def test_bpmn_connector_mismatch(hand):
    # xor: split fan-out 3 vs join fan-in 2; and: 2 vs 2; or: 2 vs no join
    assert hand["connector_mismatch"] == {"total": 3, "exclusive": 1, "parallel": 0, "inclusive": 2}


def test_bpmn_connector_heterogeneity(hand):
    # p = 2/5 exclusive, 2/5 parallel, 1/5 inclusive; −Σ p log₃ p
    expected = -(2 * 0.4 * math.log(0.4) + 0.2 * math.log(0.2)) / math.log(3)
    assert hand["connector_heterogeneity"] == pytest.approx(expected) == pytest.approx(0.960230, abs=1e-6)


def test_bpmn_cardoso_cfc(hand):
    assert hand["cfc"] == 3 + 1 + (2 ** 2 - 1)  # xor fan-out 3, and split 1, or split 2^2 - 1


def test_bpmn_of_a_mined_parallel_block(tiny_log):
    rows = rows_of({("A", "B", "C"): 2, ("A", "C", "B"): 1})
    b = bpmn_complexity(discover_inductive(tiny_log(rows), noise=0).bpmn)
    # start -> A -> AND split -> B, C -> AND join -> end
    assert (b["size"], b["tasks"], b["flows"], b["cfc"], b["max_connector_degree"]) == (7, 3, 7, 1, 3)
    assert b["gateways"]["parallel"] == {"total": 2, "splits": 1, "joins": 1}
    assert b["connector_mismatch"]["total"] == 0 and b["connector_heterogeneity"] == 0.0
    assert b["density"] == pytest.approx(7 / 42) and b["cnc"] == 1.0


# -- guidance ---------------------------------------------------------------------------------------
def test_guidance_on_the_hand_model(hand, tiny_dfg):
    rules = guidance(tiny_dfg, hand)
    by = {(r["rule"], r["applies_to"]): r for r in rules}
    assert set(by) == {("7PMG-G1", "bpmn"), ("7PMG-G2", "bpmn"), ("7PMG-G3", "bpmn"), ("7PMG-G4", "bpmn"),
                       ("7PMG-G5", "bpmn"), ("7PMG-G7", "bpmn"), ("7PMG-G2", "dfg"), ("7PMG-G3", "dfg"),
                       ("7PMG-G7", "dfg")}
    assert {k: (r["value"], r["threshold"], r["triggered"]) for k, r in by.items()} == {
        ("7PMG-G1", "bpmn"): (round(5 / 7, 4), 1.0, False),
        ("7PMG-G2", "bpmn"): (3.2, 3.0, True),
        ("7PMG-G3", "bpmn"): (4, 2, True),  # one start, three end events
        ("7PMG-G4", "bpmn"): (3, 0, True),
        ("7PMG-G5", "bpmn"): (1, 0, True),
        ("7PMG-G7", "bpmn"): (16, 50, False),
        ("7PMG-G2", "dfg"): (1.8, 1.5, True),
        ("7PMG-G3", "dfg"): (4, 2, True),  # one start activity, three end activities
        ("7PMG-G7", "dfg"): (3, 50, False),
    }
    for r in rules:
        assert set(r) == {"rule", "applies_to", "text", "value", "threshold", "triggered", "basis"}
        assert r["text"] and r["basis"]
    assert by[("7PMG-G3", "bpmn")]["text"] == "Use one start and one end event: 1 start and 3 end events."


def test_every_threshold_and_metric_is_defined(hand, tiny_dfg, tiny_log):
    assert all(set(v) == {"definition", "source"} and v["definition"] and v["source"] for v in DEFINITIONS.values())
    log_keys = set(log_complexity(tiny_log(TINY)))
    assert {f"dfg.{k}" for k in tiny_dfg} <= set(DEFINITIONS)
    assert {f"bpmn.{k}" for k in hand} <= set(DEFINITIONS)
    assert {f"log.{k}" for k in log_keys} <= set(DEFINITIONS)
    assert "Cardoso" in DEFINITIONS["bpmn.cfc"]["source"] and "DFG adaptation" in DEFINITIONS["dfg.cfc"]["source"]
    assert "▶" in DEFINITIONS["dfg.cyclomatic_number"]["definition"]
    assert set(GUIDANCE_THRESHOLDS) == {"G1_gateways_per_task", "G2_avg_connector_degree", "G2_dfg_cnc",
                                        "G3_start_end", "G4_mismatch", "G5_inclusive", "G7_size"}


# -- real log ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def receipt(shared_logs, tmp_path_factory):
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.store import Store

    db = tmp_path_factory.mktemp("complexity") / "real.duckdb"
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(shared_logs / "08_receipt.xes.gz")))
    store = Store(db, read_only=True)
    yield EventLog(store, "08_receipt")
    store.close()


def test_scorecard_on_receipt(receipt, shared_logs):
    import pm4py

    card = complexity_scorecard(receipt, bpmn=discover_inductive(receipt, noise=0.2).bpmn)
    json.dumps(card)  # plain data
    assert set(card) == {"dfg", "bpmn", "log", "guidance", "definitions"}
    df = pm4py.read_xes(str(shared_logs / "08_receipt.xes.gz"))
    variants = Counter({v: n for v, n in pm4py.get_variants(df).items()})
    n = sum(variants.values())
    h = -sum(c / n * math.log(c / n) for c in variants.values())
    log = card["log"]
    assert (log["cases"], log["events"], log["variants"]) == (1434, 8577, 116)
    assert log["variant_entropy"] == pytest.approx(h, rel=1e-12)
    assert log["variant_entropy_normalised"] == pytest.approx(h / math.log(1434), rel=1e-12)
    assert log["top10_variant_coverage"] == pytest.approx(sum(c for _, c in variants.most_common(10)) / n)
    lengths = df.groupby("case:concept:name").size()
    assert log["trace_length"] == {"min": int(lengths.min()), "mean": pytest.approx(lengths.mean()),
                                   "median": float(lengths.median()), "max": int(lengths.max())}
    counts, start, end = pm4py.discover_dfg(df)
    d = card["dfg"]
    assert (d["activities"], d["df_arcs"]) == (27, len(counts))
    assert d["arcs"] == len(counts) + len(start) + len(end) and d["nodes"] == 29
    b = card["bpmn"]
    assert (b["size"], b["tasks"], b["flows"], b["start_events"], b["end_events"]) == (89, 27, 119, 1, 1)
    assert b["connector_mismatch"]["total"] == 0  # inductive miner models are block-structured
    g7 = next(r for r in card["guidance"] if r["rule"] == "7PMG-G7" and r["applies_to"] == "bpmn")
    assert g7["triggered"] is True and g7["value"] == 89
