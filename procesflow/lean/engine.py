"""The Lean rule engine: run validated rules read-only against a log and rank what they find.

Each rule's detection query runs on the log's own connection, over the documented rule views
(`sql/rule_views.sql`, plus the metric tables in `lean/views.py`), on a store opened read-only
with file access disabled — a rule can read the log, nothing else, and cannot write.
"""

from __future__ import annotations

import math
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..errors import InputError
from ..eventlog import EventLog
from ..options import AnalysisOptions
from ..render.text import fmt_duration, weekday_name
from ..sqlfiles import used_params
from .rulefile import Rule, load_rules
from .views import build_rule_views

RESERVED = {"affected_cases", "gain", "case_ids", "case_keys", "el_activities", "el_edges", "el_departments",
            "severity"}
CONTACT_MINUTES = 10  # staff minutes per citizen contact, for ranking contacts against days
SEVERITIES = ("high", "medium", "low")


@dataclass
class Finding:
    """One evidenced problem with a proposed simplification."""

    rule: str
    waste: str
    severity: str
    title: dict[str, str]
    evidence: dict[str, Any]
    affected_cases: int
    affected_share: float
    expected_gain: dict[str, Any]  # value, unit, per, formula, days_equivalent
    proposal: dict[str, str]
    elements: dict[str, list[Any]]  # activities, edges, departments to highlight
    best_practice: str
    references: list[str]
    case_ids: list[str] = field(default_factory=list)
    number: int = 0  # rank, 1 = largest expected gain

    def to_json(self, max_case_ids: int = 25) -> dict[str, Any]:
        """The JSON form (findings.json): a sample of case ids, not all of them."""
        return {
            "number": self.number,
            "rule": self.rule,
            "waste": self.waste,
            "severity": self.severity,
            "title": self.title,
            "evidence": self.evidence,
            "affected_cases": self.affected_cases,
            "affected_share": self.affected_share,
            "expected_gain": self.expected_gain,
            "proposal": self.proposal,
            "elements": self.elements,
            "best_practice": self.best_practice,
            "references": self.references,
            "case_ids_sample": self.case_ids[:max_case_ids],
        }


@dataclass
class RuleRun:
    """The outcome of running a rule set on a log."""

    findings: list[Finding]
    skipped: list[dict[str, str]]  # {rule, reason}
    suggestions: list[str]
    parameters: dict[str, dict[str, Any]]  # rule -> parameters used


def load_config(path: Path | None) -> dict[str, dict[str, Any]]:
    """`[rules.<id>]` parameter tables (and `[rules] disabled = [...]`) from procesflow.toml."""
    if path is None:
        default = Path("procesflow.toml")
        if not default.exists():
            return {}
        path = default
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise InputError(f"{path}: [rules] must be a table")
    return rules


def resolve_parameters(
    rules: list[Rule], config: dict[str, Any], overrides: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """Parameters per rule: defaults < procesflow.toml < flags. Unknown names are errors."""
    by_id = {r.id: r for r in rules}
    out = {r.id: r.defaults() for r in rules}
    for source, tables in (("procesflow.toml", config), ("--param", overrides or {})):
        for rule_id, values in tables.items():
            if rule_id == "disabled":
                continue
            if rule_id not in by_id:
                raise InputError(f"{source}: unknown rule {rule_id!r}; rules: {', '.join(sorted(by_id))}")
            if not isinstance(values, dict):
                raise InputError(f"{source}: [rules.{rule_id}] must be a table of parameters")
            rule = by_id[rule_id]
            for name, value in values.items():
                if name not in rule.parameters:
                    valid = ", ".join(sorted(rule.parameters)) or "none"
                    raise InputError(f"{source}: rule {rule_id} has no parameter {name!r}; valid: {valid}")
                out[rule_id][name] = _coerce(rule, name, value, source)
    return out


def parse_param_flags(flags: tuple[str, ...] | list[str]) -> dict[str, dict[str, Any]]:
    """`--param rework-loop.min_share=0.05` flags -> {"rework-loop": {"min_share": "0.05"}}."""
    out: dict[str, dict[str, Any]] = {}
    for flag in flags:
        match = re.fullmatch(r"\s*([a-z0-9-]+)\.([a-z_0-9]+)\s*=\s*(.+?)\s*", flag)
        if not match:
            raise InputError(f"--param {flag!r}: write RULE.PARAMETER=VALUE, e.g. rework-loop.min_share=0.05")
        out.setdefault(match.group(1), {})[match.group(2)] = match.group(3)
    return out


def run_rules(
    log: EventLog,
    options: AnalysisOptions | None = None,
    rule_dirs: list[Path] | None = None,
    config: dict[str, Any] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    only: list[str] | None = None,
    rules: list[Rule] | None = None,
) -> RuleRun:
    """Run the rules on `log`; findings ranked by expected gain (in days-equivalent per year)."""
    options = options or AnalysisOptions()
    rules = rules if rules is not None else load_rules(rule_dirs)
    config = config or {}
    disabled = set(config.get("disabled", []))
    if only:
        unknown = sorted(set(only) - {r.id for r in rules})
        if unknown:
            raise InputError(f"unknown rule {unknown[0]!r}; rules: {', '.join(sorted(r.id for r in rules))}")
        rules = [r for r in rules if r.id in only]
    params = resolve_parameters(rules, config, overrides)
    facts = build_rule_views(log, options, {need for r in rules for need in r.needs})
    findings: list[Finding] = []
    skipped: list[dict[str, str]] = []
    for rule in rules:
        if rule.id in disabled:
            skipped.append({"rule": rule.id, "reason": "disabled in procesflow.toml"})
            continue
        missing = [need for need in rule.needs if not facts["available"].get(need)]
        if missing:
            skipped.append({"rule": rule.id, "reason": facts["why_not"][missing[0]]})
            continue
        findings += _run_one(log, rule, params[rule.id], facts)
    _rank(findings, facts)
    return RuleRun(findings=findings, skipped=skipped, suggestions=facts["suggestions"], parameters=params)


def _run_one(log: EventLog, rule: Rule, params: dict[str, Any], facts: dict[str, Any]) -> list[Finding]:
    try:
        cur = log.con.execute(rule.sql, used_params(rule.sql, params))
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        raise InputError(f"{rule.path}: detection.sql failed ({str(exc).splitlines()[0]})") from None
    for needed in ("affected_cases", "gain"):
        if needed not in columns:
            raise InputError(f"{rule.path}: detection.sql must return a column {needed!r}")
    total_cases = facts["cases"]
    out = []
    ids = _case_ids(log, [k for row in rows for k in (dict(zip(columns, row, strict=True)).get("case_keys") or [])])
    for row in rows:
        data = dict(zip(columns, row, strict=True))
        if data.get("case_keys") is not None:
            data["case_ids"] = [ids[k] for k in data["case_keys"] if k in ids]
        affected = int(data["affected_cases"] or 0)
        if affected <= 0:
            continue
        evidence = {k: _plain(v) for k, v in data.items() if k not in RESERVED}
        share = affected / total_cases if total_cases else 0.0
        evidence.setdefault("affected_share", share)
        evidence.setdefault("affected_cases", affected)
        gain = float(data["gain"] or 0.0)
        severity = data.get("severity") or ("high" if share >= 0.25 else "medium" if share >= 0.10 else "low")
        if severity not in SEVERITIES:
            raise InputError(f"{rule.path}: severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
        format_values = {**evidence, "affected_cases": affected, "affected_share": share, "gain": gain}
        out.append(Finding(
            rule=rule.id,
            waste=rule.waste,
            severity=severity,
            title=rule.title,
            evidence=evidence,
            affected_cases=affected,
            affected_share=share,
            expected_gain={
                "value": gain,
                "unit": rule.gain_unit,
                "per": "year",
                "formula": rule.gain_formula,
                "days_equivalent": _days_equivalent(gain, rule.gain_unit, facts),
            },
            proposal={lang: fill_template(text, format_values, lang) for lang, text in rule.proposal.items()},
            elements={
                "activities": list(data.get("el_activities") or []),
                "edges": [list(e) for e in (data.get("el_edges") or [])],
                "departments": list(data.get("el_departments") or []),
            },
            best_practice=rule.best_practice,
            references=rule.references,
            case_ids=[str(c) for c in (data.get("case_ids") or [])],
        ))
    return out


def _case_ids(log: EventLog, keys: list[Any]) -> dict[Any, str]:
    """Case key -> case id, for the `case_keys` a rule returned (keys are cheaper to compute with)."""
    if not keys:
        return {}
    rows = log.con.execute("SELECT case_key, case_id FROM pf_cases WHERE case_key IN (SELECT unnest($keys))",
                           {"keys": list(dict.fromkeys(keys))}).fetchall()
    return dict(rows)


def _days_equivalent(value: float, unit: str, facts: dict[str, Any]) -> float:
    """One scale to rank on: lead-time days; staff hours as 8-hour days; a hand-off as the median
    waiting time at hand-offs measured in this log; a contact as CONTACT_MINUTES of staff time."""
    if unit == "days":
        return value
    if unit == "hours":
        return value / 8
    if unit == "handoffs":
        return value * facts["handoff_days"]
    return value * CONTACT_MINUTES / 480


def _rank(findings: list[Finding], facts: dict[str, Any]) -> None:
    # last key: what the finding points at, so equal findings of one rule come in the same order
    # whatever order the engine (DuckDB, Spark) returned the rule's rows in
    findings.sort(key=lambda f: (-f.expected_gain["days_equivalent"], -f.affected_cases, f.rule,
                                 repr(sorted(f.elements.items()))))
    for i, finding in enumerate(findings, start=1):
        finding.number = i


class _SafeFormatter(string.Formatter):
    """str.format for rule templates: plain names only, numbers formatted for people.

    `{x:duration}` shows a number of days in human units; `{x:%}`-style specs work as usual."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field_name):
            raise InputError(f"placeholder {{{field_name}}} must be a plain column name")
        return super().get_field(field_name, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "duration":
            return "–" if value is None else fmt_duration(float(value) * 86400, self.lang, words=True)
        if value is None:
            return "–"
        if isinstance(value, str):
            return super().format_field(weekday_name(value, self.lang), format_spec)
        if format_spec or not isinstance(value, float):
            text = super().format_field(value, format_spec)
        else:
            text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2g}"
        if self.lang == "nl" and isinstance(value, int | float):  # 1,234.5 -> 1.234,5
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text


def fill_template(text: str, values: dict[str, Any], lang: str = "en") -> str:
    try:
        return _SafeFormatter(lang).format(text, **values)
    except KeyError as exc:
        raise InputError(f"proposal placeholder {exc} is not a column of the detection query") from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"proposal template cannot be filled ({exc})") from None


def _plain(value: Any) -> Any:
    """Evidence values JSON can hold (lists, numbers, text); NaN becomes None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _coerce(rule: Rule, name: str, value: Any, source: str) -> Any:
    spec = rule.parameters[name]
    kind = type(spec.default)
    try:
        if kind is bool:
            coerced = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "ja")
        elif kind is int:
            coerced = int(value)
        elif kind is float:
            coerced = float(value)
        else:
            coerced = str(value)
    except (TypeError, ValueError):
        raise InputError(f"{source}: {rule.id}.{name} must be a {kind.__name__}, got {value!r}") from None
    if isinstance(coerced, int | float) and not isinstance(coerced, bool):
        if spec.minimum is not None and coerced < spec.minimum:
            raise InputError(f"{source}: {rule.id}.{name} must be at least {spec.minimum}, got {coerced}")
        if spec.maximum is not None and coerced > spec.maximum:
            raise InputError(f"{source}: {rule.id}.{name} must be at most {spec.maximum}, got {coerced}")
    return coerced
