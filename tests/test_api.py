"""The Python API returns what the CLI writes for the same log, and renders in notebooks."""

from __future__ import annotations

import json

import pm4py
import pytest

import procesflow

from .conftest import SAMPLE_LOGS

OPTIONS = {"deadline": "8w", "deadline_end": "Besluit verzenden"}
VOLATILE = {"generated_at"}


@pytest.fixture(scope="module")
def cli_outputs(tmp_path_factory):
    from click.testing import CliRunner

    from procesflow.cli import cli

    tmp = tmp_path_factory.mktemp("api-cli")
    runner = CliRunner()
    args = ["--db", str(tmp / "cli.duckdb"), "--out", str(tmp / "out"), "--deadline", "8w",
            "--deadline-end", "Besluit verzenden"]
    for command in ("metrics", "findings"):
        result = runner.invoke(cli, [command, str(SAMPLE_LOGS / "vergunningen.csv"), *args])
        assert result.exit_code == 0, result.output
    info = runner.invoke(cli, ["info", "vergunningen", "--json", "--db", str(tmp / "cli.duckdb")])
    return tmp / "out", json.loads(info.output)


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("api"))  # the API keeps its own stores in ./.procesflow
    try:
        opened = procesflow.open(SAMPLE_LOGS / "vergunningen.csv", **OPTIONS)
        yield opened
        opened.close()
    finally:
        os.chdir(cwd)


def strip(doc):
    return {k: v for k, v in doc.items() if k not in VOLATILE}


def same(a, b, path="") -> None:
    """Equal documents; floats to 1e-9 (DuckDB sums in parallel, so the last digit may differ)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-9), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_public_api_is_small():
    assert set(procesflow.__all__) == {"open", "Log", "FilterSpec", "AnalysisOptions", "ProcesflowError",
                                       "write_sample", "__version__"}


def test_metrics_and_findings_equal_the_cli_documents(log, cli_outputs):
    out, _ = cli_outputs
    cli_metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    api_metrics = json.loads(json.dumps(dict(log.metrics()), default=str))
    api_metrics["log"]["source"] = cli_metrics["log"]["source"]  # same file, imported via another path
    same(strip(api_metrics), strip(cli_metrics))
    cli_findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    same(strip(json.loads(json.dumps(log.findings().document, default=str))), strip(cli_findings))


def test_dfg_variants_and_summary_equal_the_cli(log, cli_outputs):
    out, info = cli_outputs
    dfg_doc = json.loads((out / "dfg.json").read_text(encoding="utf-8"))
    cli_edges = {(e["source"], e["target"]): e["count"] for e in dfg_doc["edges"] if e["kind"] == "edge"}
    assert log.dfg().counts() == cli_edges
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    variants = log.variants()
    assert len(variants) == metrics["log"]["variants"]
    top = metrics["variants"]["top"][0]
    assert list(variants.iloc[0]["variant"]) == top["activities"] and variants.iloc[0]["cases"] == top["cases"]
    summary = log.summary()
    assert (summary["cases"], summary["events"], summary["activities"]) == (info["cases"], info["events"],
                                                                             info["activities"])


def test_pandas_and_pm4py_frames(log):
    frame = log.to_pandas()
    assert len(frame) == log.summary()["events"] and "resource" not in frame.columns
    # pm4py orders events by their start_timestamp column when there is one; procesflow by completion
    pm = log.to_pm4py().drop(columns=["start_timestamp"])
    counts, start, end = pm4py.discover_dfg(pm, case_id_key="case:concept:name", activity_key="concept:name",
                                            timestamp_key="time:timestamp")
    assert dict(counts) == log.dfg().counts()


def test_filters_chain_like_the_cli(log, cli_run, db):
    bouwen = log.filter(where={"zaaktype": "Omgevingsvergunning bouwen"})
    result = cli_run("metrics", SAMPLE_LOGS / "vergunningen.csv", "--where", "zaaktype=Omgevingsvergunning bouwen",
                     "--out", db.parent / "f")
    assert result.exit_code == 0, result.output
    cli = json.loads((db.parent / "f" / "metrics.json").read_text(encoding="utf-8"))
    assert bouwen.summary()["cases"] == cli["log"]["cases"] < log.summary()["cases"]
    assert bouwen.filter(top_variants=3).summary()["variants"] == 3


def test_notebook_renderings(log, tmp_path):
    assert "<table>" in log.summary()._repr_html_()
    assert "<table>" in log.metrics()._repr_html_()
    findings = log.findings()
    html = findings._repr_html_()
    assert findings[0].title["en"] in html
    svg = log.map("performance")._repr_svg_()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:500]
    for suffix in (".svg", ".png", ".pdf", ".dot"):
        assert log.map().save(tmp_path / f"map{suffix}").stat().st_size > 100
    cases = log.cases(findings[0])
    assert set(cases["case_id"]) == set(findings[0].case_ids)


def test_custom_parameters_and_rules(log, tmp_path):
    strict = log.findings(only=["rework-loop"], rework_loop={"min_case_share": 0.3})
    loose = log.findings(only=["rework-loop"], rework_loop={"min_case_share": 0.01})
    assert len(strict) < len(loose)
    with pytest.raises(procesflow.ProcesflowError, match="no parameter 'nope'"):
        log.findings(rework_loop={"nope": 1})
