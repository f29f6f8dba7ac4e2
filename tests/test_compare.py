"""compare: deltas, findings that came and went, and the difference map — on logs with known changes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from procesflow.compare import compare_logs, map_changes, metric_deltas
from procesflow.options import AnalysisOptions

from .conftest import SAMPLE_LOGS

TERM = AnalysisOptions(deadline="8w", deadline_end="Besluit verzenden")


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.store import Store

    db = tmp_path_factory.mktemp("cmp") / "c.duckdb"
    with Store(db) as store:
        for name in ("vergunningen.csv", "vergunningen-herontwerp.csv"):
            import_log(store, ImportRequest(source=str(SAMPLE_LOGS / name)))
    store = Store(db, read_only=True)
    result = compare_logs(EventLog(store, "vergunningen"), EventLog(store, "vergunningen-herontwerp"), TERM)
    yield result
    store.close()


def test_the_removed_rework_loop_shows_as_removed(comparison):
    edges = {(e["source"], e["target"]): e for e in comparison.document["map"]["edges"]}
    loop = edges[("Ontvankelijkheid toetsen", "Aanvullende stukken opvragen")]
    assert loop["status"] == "removed" and loop["count_b"] == 0 and loop["count_a"] > 0
    acts = {a["activity"]: a for a in comparison.document["map"]["activities"]}
    assert acts["Aanvullende stukken opvragen"]["status"] == "removed"
    gone = {(f["rule"], tuple(f["elements"]["activities"][:1])) for f in comparison.document["findings"]["disappeared"]}
    assert any(rule == "rework-loop" for rule, _ in gone)
    assert any(rule == "waiting-bottleneck" for rule, _ in gone)


def test_the_faster_review_queue_shows_as_faster(comparison):
    edges = {(e["source"], e["target"]): e for e in comparison.document["map"]["edges"]}
    review = edges[("Ontvankelijkheid toetsen", "Inhoudelijke toets")]
    assert review["status"] == "faster"
    assert review["median_s_b"] < 0.8 * review["median_s_a"]


def test_deltas_say_better_where_the_redesign_improved(comparison):
    deltas = {d["metric"]: d for d in comparison.document["deltas"]}
    assert deltas["first-time-right cases"]["better"] is True
    assert deltas["throughput time, median"]["better"] is True
    assert deltas["decided within the term"]["better"] is True
    assert deltas["cases"]["delta"] == 0
    a, b = comparison.a.metrics, comparison.b.metrics
    assert deltas["variants"]["a"] == a["log"]["variants"] and deltas["variants"]["b"] == b["log"]["variants"]


def test_tiny_logs_by_hand(tiny_log):
    before = tiny_log([("1", "A", "2024-01-01 00:00"), ("1", "B", "2024-01-03 00:00"), ("1", "C", "2024-01-03 01:00"),
                       ("2", "A", "2024-01-01 00:00"), ("2", "B", "2024-01-03 00:00"), ("2", "C", "2024-01-03 01:00")]
                     , name="before")
    after = tiny_log([("1", "A", "2024-01-01 00:00"), ("1", "B", "2024-01-01 06:00"), ("1", "D", "2024-01-01 07:00"),
                      ("2", "A", "2024-01-01 00:00"), ("2", "B", "2024-01-01 06:00"), ("2", "D", "2024-01-01 07:00")],
                     name="after")
    import procesflow.compare as cmp
    from procesflow.metrics.summary import analyse

    old = cmp.MIN_COUNT_FOR_SPEED
    cmp.MIN_COUNT_FOR_SPEED = 1
    try:
        changes = map_changes(analyse(before), analyse(after))
    finally:
        cmp.MIN_COUNT_FOR_SPEED = old
    status = {(e["source"], e["target"]): e["status"] for e in changes["edges"]}
    assert status == {("A", "B"): "faster", ("B", "C"): "removed", ("B", "D"): "added"}
    acts = {a["activity"]: a["status"] for a in changes["activities"]}
    assert acts == {"A": "same", "B": "same", "C": "removed", "D": "added"}
    rows = {d["metric"]: d for d in metric_deltas(analyse(before).metrics, analyse(after).metrics)}
    assert rows["throughput time, median"]["a"] == 49 * 3600 and rows["throughput time, median"]["b"] == 7 * 3600
    assert rows["throughput time, median"]["better"] is True


def test_compare_command_writes_report_json_and_map(tmp_path, cli_run, db):
    result = cli_run("compare", SAMPLE_LOGS / "vergunningen.csv", SAMPLE_LOGS / "vergunningen-herontwerp.csv",
                     "--out", tmp_path / "cmp", "--deadline", "8w", "--deadline-end", "Besluit verzenden",
                     "--lang", "nl")
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "cmp" / "compare.json").read_text(encoding="utf-8"))
    assert doc["a"]["log"] == "vergunningen" and doc["b"]["log"] == "vergunningen-herontwerp"
    texts = " ".join("".join(t.itertext()) for t in ET.parse(tmp_path / "cmp" / "map-diff.svg").getroot().iter()
                     if t.tag.endswith("text"))
    assert "verdwenen" in texts and "Verschilkaart" in texts
    html = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "http://" not in html and "Wat veranderde" in html
    assert "first-time-right" in result.output
