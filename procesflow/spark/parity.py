"""Comparing an analysis on Spark with the same analysis on DuckDB (tests and benchmarks/spark_bench.py).

`documents(log)` computes metrics.json and findings.json as `discover` does (without the pictures,
which are drawn from these documents on the driver either way); `differences` lists where two such
documents differ: integers exactly, other numbers to rounding (seconds are computed as microseconds
/ 1e6 in a different order on the two engines), everything else exactly.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: fields that differ by design: when the documents were made and where the events came from
BY_DESIGN = frozenset({"generated_at", "source"})
#: paths that hold wall-clock durations (how long pm4py's alignments took)
WALL_CLOCK = frozenset({"/model/conformance/alignments/seconds"})


def documents(log: Any) -> tuple[dict, dict]:
    """(metrics.json, findings.json) of `log` as plain JSON values."""
    from procesflow.lean.engine import run_rules
    from procesflow.lean.report import findings_document
    from procesflow.metrics.summary import analyse
    from procesflow.options import AnalysisOptions
    from procesflow.outputs import _default
    from procesflow.render.mapdata import map_input

    options = AnalysisOptions()
    analysis = analyse(log, options, map_dfg=map_input(log).dfg)
    findings = findings_document(log, run_rules(log, options), options)
    metrics, found = (json.loads(json.dumps(d, default=_default)) for d in (analysis.metrics, findings))
    return metrics, found


def differences(a: Any, b: Any, path: str = "", out: list[str] | None = None,
                ignore: frozenset[str] = BY_DESIGN) -> list[str]:
    """Where document `a` (DuckDB) and `b` (Spark) differ, as "path: a != b" lines."""
    out = [] if out is None else out
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key in ignore or f"{path}/{key}" in WALL_CLOCK:
                continue
            if key not in a or key not in b:
                out.append(f"{path}/{key}: only in {'spark' if key not in a else 'duckdb'}")
            else:
                differences(a[key], b[key], f"{path}/{key}", out, ignore)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items on duckdb, {len(b)} on spark")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            differences(x, y, f"{path}[{i}]", out, ignore)
    elif (isinstance(a, int | float) and isinstance(b, int | float)
          and not isinstance(a, bool) and not isinstance(b, bool)):
        if isinstance(a, int) and isinstance(b, int):
            if a != b:
                out.append(f"{path}: {a} != {b}")
        elif not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6):
            out.append(f"{path}: {a} != {b}")
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")
    return out
