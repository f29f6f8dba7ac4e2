"""The benchmark's smoke mode (100k events): it completes and procesflow agrees with pm4py.

`python benchmarks/run.py --smoke` generates a 100k-event permit log with procesflow's generator,
runs every measured step once in fresh processes (procesflow discover end-to-end and its steps, the
pm4py pipeline) and compares what both computed. Only completion and agreement are checked here;
the timing targets belong to the full benchmark (benchmarks/RESULTS.md), not to tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_smoke_benchmark_completes_and_agrees_with_pm4py(tmp_path: Path) -> None:
    out, summary_json = tmp_path / "RESULTS.md", tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke", "--data", str(tmp_path / "data"),
         "--out", str(out), "--json", str(summary_json)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    payload = json.loads(summary_json.read_text(encoding="utf-8"))
    assert payload["errors"] == []
    (size,) = payload["summary"]["sizes"]
    assert size["label"] == "100k" and 90_000 < size["events"] < 110_000

    # every step ran and has a time and a peak RSS on both sides
    rows = {r["row"]: r for r in size["rows"]}
    for row in ("load_csv", "load_parquet", "dfg", "performance_dfg", "variants", "inductive", "handover",
                "token_replay"):
        for side in ("pf", "pm"):
            assert rows[row][side]["status"] == "ok", (row, side, rows[row][side])
            assert rows[row][side]["seconds"] >= 0 and rows[row][side]["rss_mb"] > 0
    discover = size["discover"]["csv"]
    assert discover["status"] == "ok" and discover["wall_s"] > 0 and discover["rss_mb"] > 0
    assert set(discover["timings"]) >= {"import", "metrics", "rules", "maps", "report"}
    assert discover["pm4py_pipeline"]["complete"]

    # procesflow's SQL summaries equal pm4py's on the same log
    agree = size["agreement"]
    assert agree["dfg_counts_equal"] is True
    assert agree["dfg_start_end_equal"] is True
    assert agree["variants_equal"] is True and agree["variants"] == size["variants"]
    assert agree["performance_dfg_same_edges"] is True
    assert agree["performance_dfg_max_rel_diff"] < 1e-9
    assert agree["inductive_net_equal"] is True
    assert agree["token_replay_max_abs_diff"] < 1e-9
    # the handover network over the events procesflow's hand-off chain reads (no citizen contacts after
    # a case's first event): the same pairs and shares
    assert agree["handover_same_pairs"] is True and agree["handover_pairs"]["procesflow"] > 0
    assert agree["handover_max_abs_diff"] < 1e-9

    assert "| 100k | DFG |" in out.read_text(encoding="utf-8")
