"""`procesflow metrics` and `procesflow findings`: documented JSON, numbers equal to pm4py."""

from __future__ import annotations

import json

import jsonschema
import pm4py
import pytest

from .conftest import REPO, SAMPLE_LOGS

SCHEMAS = REPO / "docs" / "schema"
TERM = ["--deadline", "8w", "--deadline-end", "Besluit verzenden",
        "--suspend-start", "Opschorting gestart", "--suspend-end", "Opschorting beëindigd"]


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from click.testing import CliRunner

    from procesflow.cli import cli

    tmp = tmp_path_factory.mktemp("metrics")
    db, out = tmp / "s.duckdb", tmp / "out"
    runner = CliRunner()
    xes = str(SAMPLE_LOGS / "vergunningen.xes.gz")
    result = runner.invoke(cli, ["metrics", xes, "--db", str(db), "--out", str(out), *TERM])
    assert result.exit_code == 0, result.output
    findings = runner.invoke(cli, ["findings", "vergunningen", "--db", str(db), "--out", str(out), *TERM])
    assert findings.exit_code == 0, findings.output
    return out, result.output, findings.output


def test_documents_follow_their_schema(outputs):
    out, _, _ = outputs
    for name in ("metrics", "dfg", "findings"):
        jsonschema.validate(json.loads((out / f"{name}.json").read_text(encoding="utf-8")), schema(name))


def test_metrics_equal_pm4py_on_the_same_file(outputs):
    out, printed, _ = outputs
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    dfg = json.loads((out / "dfg.json").read_text(encoding="utf-8"))
    log = pm4py.read_xes(str(SAMPLE_LOGS / "vergunningen.xes.gz"))
    # the XES holds start and complete events; procesflow pairs them into one event per activity
    from pm4py.objects.log.util import interval_lifecycle

    intervals = pm4py.convert_to_dataframe(interval_lifecycle.to_interval(pm4py.convert_to_event_log(log)))
    # to_interval emits a merged event where its start was; order by completion like procesflow does
    # (pm4py's own DFG sorts by timestamp, its get_variants keeps the frame's row order)
    intervals = intervals.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    # pm4py's DFG would order by the start_timestamp column when present; procesflow orders by completion
    intervals = intervals.drop(columns=["start_timestamp"])
    assert metrics["log"]["cases"] == intervals["case:concept:name"].nunique()
    assert metrics["log"]["events"] == len(intervals)
    assert metrics["log"]["variants"] == len(pm4py.get_variants(intervals))
    counts, start, end = pm4py.discover_dfg(intervals)
    ours = {(e["source"], e["target"]): e["count"] for e in dfg["edges"] if e["kind"] == "edge"}
    assert ours == dict(counts)
    assert {e["target"]: e["count"] for e in dfg["edges"] if e["kind"] == "start"} == dict(start)
    assert {e["source"]: e["count"] for e in dfg["edges"] if e["kind"] == "end"} == dict(end)
    assert metrics["deadline"]["computed"] and metrics["deadline"]["term"] == "8w"
    assert "key figures" in printed and "complexity" in printed


def test_findings_cli_prints_the_ranked_list(outputs):
    out, _, printed = outputs
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["findings"] and doc["findings"][0]["number"] == 1
    first = doc["findings"][0]
    assert first["title"]["en"] in printed
    assert "Medewerker" not in json.dumps(doc)  # no personal names: only aggregated evidence
