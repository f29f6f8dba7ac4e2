"""DFG and variants in SQL equal pm4py on real logs and hand-computed values on tiny logs."""

from __future__ import annotations

import math

import pandas as pd
import pm4py
import pytest

from procesflow.discovery.dfg import abstract_paths, discover_dfg
from procesflow.discovery.variants import discover_variants

TINY = [
    # case a: A B C (ties between B and C are broken by source order)
    ("a", "A", "2024-01-01 10:00"), ("a", "B", "2024-01-01 11:00"), ("a", "C", "2024-01-01 11:00"),
    # case b: A C B B
    ("b", "A", "2024-01-02 10:00"), ("b", "C", "2024-01-02 10:30"), ("b", "B", "2024-01-02 12:30"),
    ("b", "B", "2024-01-03 12:30"),
    # case c: single event
    ("c", "A", "2024-01-05 09:00"),
]


def test_tiny_dfg_by_hand(tiny_log):
    dfg = discover_dfg(tiny_log(TINY))
    edges = {(r.source, r.target): (r.count, r.cases, r.mean_s, r.median_s) for r in dfg.edges.itertuples()}
    assert edges == {
        ("A", "B"): (1, 1, 3600.0, 3600.0),
        ("B", "C"): (1, 1, 0.0, 0.0),
        ("A", "C"): (1, 1, 1800.0, 1800.0),
        ("C", "B"): (1, 1, 7200.0, 7200.0),
        ("B", "B"): (1, 1, 86400.0, 86400.0),
    }
    assert dfg.start == {"A": 3}
    assert dfg.end == {"C": 1, "B": 1, "A": 1}
    acts = dfg.activities.set_index("activity")
    assert acts.loc["B", "count"] == 3 and acts.loc["B", "cases"] == 2
    assert acts.loc["A", "count"] == 3 and acts.loc["A", "cases"] == 3


def test_tiny_p90_is_interpolated(tiny_log):
    rows = [(f"c{i}", "A", "2024-01-01 00:00") for i in range(10)]
    rows += [(f"c{i}", "B", f"2024-01-01 {i:02d}:00") for i in range(10)]
    edge = discover_dfg(tiny_log(rows)).edges.iloc[0]
    hours = [i * 3600.0 for i in range(10)]
    assert edge["p90_s"] == pytest.approx(pd.Series(hours).quantile(0.9))
    assert edge["median_s"] == pytest.approx(4.5 * 3600)


def test_tiny_variants_by_hand(tiny_log):
    v = discover_variants(tiny_log(TINY))
    assert list(v["variant"]) == [("A",), ("A", "B", "C"), ("A", "C", "B", "B")]
    assert list(v["cases"]) == [1, 1, 1]
    assert list(v["cumulative_share"]) == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert v.set_index("variant").loc[[("A", "C", "B", "B")], "median_throughput_s"].iloc[0] == 26.5 * 3600


def test_filters_top_variants_and_activity_projection(tiny_log):
    rows = TINY + [("d", "A", "2024-01-06 10:00"), ("d", "B", "2024-01-06 11:00"), ("d", "C", "2024-01-06 12:00")]
    log = tiny_log(rows)
    top = log.filter(top_variants=1)
    assert top.filter_report.cases_kept == 2  # the A-B-C variant has 2 cases
    assert set(discover_variants(top)["variant"]) == {("A", "B", "C")}
    projected = log.filter(activities=67)  # 2 of 3 activities: A (4) and B (4) stay, C (3) goes
    assert projected.filter_report.hidden_activities == [("C", 3)]
    assert set(discover_dfg(projected).counts()) == {("A", "B"), ("B", "B")}
    coverage = log.filter(variant_coverage=50)
    assert coverage.filter_report.cases_kept == 2


def test_filters_time_window_attributes_and_endpoints(tiny_log):
    log = tiny_log(TINY)
    assert log.filter(since="2024-01-02", until="2024-01-05").filter_report.cases_kept == 1
    assert log.filter(since="2024-01-02", window="intersecting").filter_report.cases_kept == 2
    assert log.filter(until="2024-01-03", window="completed").filter_report.cases_kept == 1
    trimmed = log.filter(since="2024-01-02", until="2024-01-03", window="trim")
    assert trimmed.filter_report.events_kept == 3
    assert log.filter(ends_with="B").filter_report.cases_kept == 1
    assert log.filter(where={"activity": "C"}).filter_report.cases_kept == 2
    from procesflow.errors import InputError

    with pytest.raises(InputError, match="has no attribute 'kleur'"):
        log.filter(where={"kleur": "rood"})
    with pytest.raises(InputError, match="keep no events"):
        log.filter(where={"activity": "Z"})


def test_path_abstraction_keeps_everything_connected(tiny_log):
    dfg = discover_dfg(tiny_log(TINY))
    slim = abstract_paths(dfg, 1)
    import networkx as nx

    g = slim.graph(with_endpoints=True)
    for act in ("A", "B", "C"):
        assert nx.has_path(g, "▶", act) and nx.has_path(g, act, "■")
    assert len(slim.edges) + len(slim.hidden_edges) == len(dfg.edges)
    assert len(slim.edges) < len(dfg.edges)


XES_LOGS = ["08_receipt.xes.gz", "Sepsis_Cases-Event_Log.xes.gz", "06_bpic2013_closed.xes.gz",
            "roadtraffic100traces.xes"]


@pytest.fixture(scope="module")
def imported(shared_logs, tmp_path_factory):
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.store import Store

    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    with Store(db) as store:
        for name in XES_LOGS:
            import_log(store, ImportRequest(source=str(shared_logs / name)))
    store = Store(db, read_only=True)
    yield lambda name: EventLog(store, name.split(".")[0])
    store.close()


@pytest.mark.parametrize("name", XES_LOGS)
def test_dfg_and_variants_equal_pm4py(shared_logs, imported, name):
    log = imported(name)
    df = pm4py.read_xes(str(shared_logs / name))
    dfg = discover_dfg(log)
    counts, start, end = pm4py.discover_dfg(df)
    assert dfg.counts() == dict(counts)
    assert dfg.start == dict(start) and dfg.end == dict(end)
    perf, _, _ = pm4py.discover_performance_dfg(df)
    ours = dfg.edges.set_index(["source", "target"])
    for edge, stats in perf.items():
        assert math.isclose(ours.loc[edge, "mean_s"], stats["mean"], rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(ours.loc[edge, "median_s"], stats["median"], rel_tol=1e-9, abs_tol=1e-6)
    variants = discover_variants(log)
    assert dict(zip(variants["variant"], variants["cases"], strict=True)) == dict(pm4py.get_variants(df))
