"""`procesflow discover`: one command, one folder with every output, written atomically."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from .conftest import REPO, SAMPLE_LOGS

EXPECTED = [
    "map.svg", "map.png", "map.pdf", "map-performance.svg", "map-findings.svg", "map-findings.png",
    "model.bpmn", "model.pnml", "charts/throughput.svg", "charts/throughput.png", "charts/variants.svg",
    "charts/variants.png", "charts/handoffs.svg", "charts/handoffs.png", "charts/wip.svg", "charts/wip.png",
    "report.html", "report.md", "metrics.json", "dfg.json", "findings.json",
]
TERM = ["--deadline", "8w", "--deadline-end", "Besluit verzenden",
        "--suspend-start", "Opschorting gestart", "--suspend-end", "Opschorting beëindigd"]


def svg_texts(path) -> list[str]:
    root = ET.parse(path).getroot()  # parses as XML or raises
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory):
    from click.testing import CliRunner

    from procesflow.cli import cli

    tmp = tmp_path_factory.mktemp("discover")
    out = tmp / "out"
    result = CliRunner().invoke(cli, ["discover", str(SAMPLE_LOGS / "vergunningen.csv"), "--db", str(tmp / "s.duckdb"),
                                      "--out", str(out), "--lang", "nl", "--quiet", *TERM])
    assert result.exit_code == 0, result.output
    return out, result.output, tmp


def test_every_output_is_written(sample_out):
    out, printed, _ = sample_out
    missing = [name for name in EXPECTED if not (out / name).is_file()]
    assert missing == []
    assert f"{out}/report.html" in printed.replace("\n", "")
    assert not list(out.parent.glob(".out.*")), "temporary folders must not stay behind"


def test_json_documents_follow_their_schemas(sample_out):
    out, _, _ = sample_out
    for name in ("metrics", "dfg", "findings"):
        schema = json.loads((REPO / "docs" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(json.loads((out / f"{name}.json").read_text(encoding="utf-8")), schema)


def test_maps_show_the_activities_and_the_finding_numbers(sample_out):
    out, _, _ = sample_out
    dfg = json.loads((out / "dfg.json").read_text(encoding="utf-8"))
    activities = {a["activity"] for a in dfg["activities"]}
    for name in ("map.svg", "map-performance.svg", "map-findings.svg"):
        text = " ".join(svg_texts(out / name))
        for activity in activities:
            assert activity.split()[0] in text, f"{activity} missing on {name}"
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    texts = svg_texts(out / "map-findings.svg")
    for f in findings:
        assert str(f["number"]) in texts
        assert f["title"]["nl"] in " ".join(texts).replace("\n", " ") or any(
            f["title"]["nl"][:20] in t for t in texts)
    assert "Bevindingenkaart" in " ".join(texts)


def test_model_files_are_valid_xml(sample_out):
    out, _, _ = sample_out
    bpmn = ET.parse(out / "model.bpmn").getroot()
    assert bpmn.tag.endswith("definitions")
    assert any(el.tag.endswith("BPMNDiagram") for el in bpmn.iter()), "BPMN needs diagram layout"
    assert ET.parse(out / "model.pnml").getroot().tag == "pnml"


def test_rerun_replaces_the_folder_and_reuses_the_store(sample_out):
    from click.testing import CliRunner

    from procesflow.cli import cli

    out, _, tmp = sample_out
    (out / "stale.txt").write_text("from an earlier run")
    result = CliRunner().invoke(cli, ["discover", str(SAMPLE_LOGS / "vergunningen.csv"), "--db", str(tmp / "s.duckdb"),
                                      "--out", str(out), "--quiet", *TERM])
    assert result.exit_code == 0, result.output
    assert not (out / "stale.txt").exists()
    assert "imported" not in result.output  # the earlier import was reused
    assert (out / "report.html").read_text(encoding="utf-8").count("<html") == 1


def test_discover_receipt(shared_logs, tmp_path):
    from click.testing import CliRunner

    from procesflow.cli import cli

    out = tmp_path / "receipt"
    result = CliRunner().invoke(cli, ["discover", str(shared_logs / "08_receipt.xes.gz"), "--db",
                                      str(tmp_path / "r.duckdb"), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert [name for name in EXPECTED if not (out / name).is_file()] == []
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert (metrics["log"]["cases"], metrics["log"]["events"]) == (1434, 8577)
    # without --deadline no term is assumed; the report says why
    assert metrics["deadline"]["computed"] is False


def test_failed_discover_leaves_the_old_output(sample_out, monkeypatch):
    from click.testing import CliRunner

    import procesflow.render.report as report
    from procesflow.cli import cli

    out, _, tmp = sample_out
    before = sorted(p.name for p in out.iterdir())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "write_reports", broken)
    result = CliRunner().invoke(cli, ["discover", "vergunningen", "--db", str(tmp / "s.duckdb"), "--out", str(out),
                                      "--quiet"])
    assert result.exit_code == 1 and "internal error" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == before
    assert not list(out.parent.glob(".out.tmp-*"))


def test_discover_reads_a_database_address(tmp_path):
    import sqlite3

    from click.testing import CliRunner

    from procesflow.cli import cli

    db_file = tmp_path / "zaken.db"
    with sqlite3.connect(db_file) as con:
        con.execute("CREATE TABLE statussen (zaak TEXT, status TEXT, gezet_op TEXT)")
        rows = [(f"Z{i}", status, f"2024-03-{day:02d} 10:00:00")
                for i in range(1, 6) for status, day in (("Ontvangen", i), ("In behandeling", i + 2),
                                                        ("Afgehandeld", i + 9))]
        con.executemany("INSERT INTO statussen VALUES (?, ?, ?)", rows)
    out = tmp_path / "out"
    args = ["discover", f"sqlite:///{db_file}", "--table", "statussen", "--case", "zaak", "--activity", "status",
            "--timestamp", "gezet_op", "--db", str(tmp_path / "s.duckdb"), "--out", str(out), "--quiet"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output + result.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert (metrics["log"]["cases"], metrics["log"]["events"], metrics["log"]["variants"]) == (5, 15, 1)
    again = CliRunner().invoke(cli, args)  # the second run reuses the imported log
    assert again.exit_code == 0 and "imported" not in again.output
