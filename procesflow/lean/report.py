"""findings.json: the findings of a rule run as one documented JSON document
(schema: docs/schema/findings.schema.json)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .. import __version__
from ..eventlog import EventLog
from ..options import AnalysisOptions
from .engine import RuleRun

SCHEMA_VERSION = 1


def findings_document(log: EventLog, run: RuleRun, options: AnalysisOptions) -> dict[str, Any]:
    report = log.filter_report
    return {
        "schema_version": SCHEMA_VERSION,
        "procesflow_version": __version__,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "log": log.name,
        "cases": report.cases_kept,
        "events": report.events_kept,
        "filters": report.description,
        "options": {k: v for k, v in vars(options).items() if v is not None},
        "parameters": run.parameters,
        "findings": [f.to_json() for f in run.findings],
        "skipped": run.skipped,
        "suggestions": run.suggestions,
    }
