"""Run a rule on its own example logs (each rule file carries a log that must trigger it and one
that must not). Used by the generic rule test and by `procesflow rules test`."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..eventlog import EventLog
from ..importer import ImportRequest, import_log
from ..options import AnalysisOptions
from ..roles import ROLES, Mapping
from ..store import Store
from .engine import Finding, run_rules
from .rulefile import Example, Rule


def run_example(rule: Rule, example: Example) -> list[Finding]:
    """Import the example log (naive times in UTC) into a scratch store and run only `rule`."""
    with tempfile.TemporaryDirectory(prefix="procesflow-rule-") as tmp:
        csv = Path(tmp) / "example.csv"
        csv.write_text(example.log, encoding="utf-8")
        header = example.log.splitlines()[0].split(";")
        roles = {column: column for column in header if column in ROLES}
        db = Path(tmp) / "example.duckdb"
        with Store(db) as store:
            import_log(store, ImportRequest(
                source=str(csv), name="example", mapping=Mapping(roles=roles, tz="UTC", tags=example.tags)))
        with Store(db, read_only=True) as store:
            log = EventLog(store, "example")
            options = AnalysisOptions(**example.options)
            run = run_rules(log, options, rules=[rule], overrides={rule.id: example.params} if example.params else None)
            return run.findings


def check_example(rule: Rule, example: Example) -> str | None:
    """None when the example behaves as declared, else what went wrong (one line)."""
    findings = run_example(rule, example)
    if example.expect == "silent":
        return None if not findings else f"expected silence, got {len(findings)} finding(s): {_brief(findings[0])}"
    if not findings:
        return "expected a finding, got none"
    for key, expected in example.elements.items():
        got = [_norm(x) for f in findings for x in f.elements.get(key, [])]
        missing = [x for x in expected if _norm(x) not in got]
        if missing:
            return f"expected {key} {missing} highlighted, got {got}"
    return None


def _norm(x: Any) -> Any:
    return tuple(x) if isinstance(x, list) else x


def _brief(f: Finding) -> str:
    return f"{f.rule}: {f.evidence}"
