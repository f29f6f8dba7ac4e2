"""Lean rule files: loading and validation.

A rule is one TOML file (README, "Writing your own rule"). Validation messages name the file,
the field and what is wrong, so an analyst can fix a rule without reading this code.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from ..errors import InputError

WASTES = ("transport", "inventory", "motion", "waiting", "overproduction", "overprocessing",
          "defects", "skills")
GAIN_UNITS = ("days", "handoffs", "contacts", "hours")
NEEDS = ("deadline", "channels", "departments", "resources", "start_times")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float | int | str | bool
    description: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Example:
    name: str
    expect: str  # "trigger" | "silent"
    log: str  # CSV text (; separated) with a header
    params: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)
    elements: dict[str, list[Any]] = field(default_factory=dict)  # expected highlights (subset)


@dataclass(frozen=True)
class Rule:
    """One validated rule. `sql` returns one row per finding (see README for the columns)."""

    id: str
    path: Path
    title: dict[str, str]
    waste: str
    best_practice: str
    description: str
    parameters: dict[str, Parameter]
    sql: str
    gain_unit: str
    gain_formula: str
    proposal: dict[str, str]
    references: list[str]
    examples: list[Example]
    needs: tuple[str, ...] = ()
    builtin: bool = True

    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.parameters.items()}


def builtin_rule_paths() -> list[Path]:
    folder = resources.files("procesflow.rules")
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".toml"))


def load_rules(extra_dirs: list[Path] | None = None) -> list[Rule]:
    """The built-in rules plus every `*.toml` in `extra_dirs`; ids must be unique."""
    rules = [load_rule(p, builtin=True) for p in builtin_rule_paths()]
    for folder in extra_dirs or []:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError(f"--rules {folder}: not a folder of rule files")
        rules += [load_rule(p, builtin=False) for p in sorted(folder.glob("*.toml"))]
    seen: dict[str, Path] = {}
    for rule in rules:
        if rule.id in seen:
            raise InputError(f"{rule.path}: rule id {rule.id!r} is already used by {seen[rule.id]}")
        seen[rule.id] = rule.path
    return rules


def load_rule(path: Path, builtin: bool = False) -> Rule:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the rule file ({exc})") from None
    v = _Validator(Path(path), data)
    rule_id = v.text("id")
    if not ID_PATTERN.match(rule_id):
        v.fail("id", "must be lower-case letters, digits and dashes, e.g. rework-loop")
    if Path(path).stem != rule_id:
        v.fail("id", f"must equal the file name ({Path(path).stem!r})")
    title = v.languages("title")
    waste = v.choice("waste", WASTES)
    best_practice = v.text("best_practice")
    description = v.text("description")
    parameters = v.parameters()
    detection = v.table("detection")
    sql = v.text("detection.sql", detection.get("sql"))
    v.check_sql(sql)
    impact = v.table("impact")
    gain_unit = v.choice("impact.gain_unit", GAIN_UNITS, impact.get("gain_unit"))
    gain_formula = v.text("impact.formula", impact.get("formula"))
    proposal = v.languages("proposal")
    for lang, text in proposal.items():
        v.check_template(f"proposal.{lang}", text)
    references = data.get("references", [])
    if not (isinstance(references, list) and references and all(isinstance(r, str) for r in references)):
        v.fail("references", "must be a non-empty list of texts (sources for the rule)")
    needs = tuple(data.get("needs", []))
    for need in needs:
        if need not in NEEDS:
            v.fail("needs", f"unknown need {need!r}; valid: {', '.join(NEEDS)}")
    examples = v.examples(parameters)
    unknown = sorted(set(data) - {"id", "title", "waste", "best_practice", "description", "parameters",
                                  "detection", "impact", "proposal", "references", "needs", "examples"})
    if unknown:
        v.fail(unknown[0], "unknown field")
    return Rule(
        id=rule_id, path=Path(path), title=title, waste=waste, best_practice=best_practice,
        description=description, parameters=parameters, sql=sql, gain_unit=gain_unit,
        gain_formula=gain_formula, proposal=proposal, references=references, examples=examples,
        needs=needs, builtin=builtin,
    )


class _Validator:
    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, fieldname: str, problem: str) -> None:
        raise InputError(f"{self.path}: field {fieldname!r} {problem}")

    def text(self, name: str, value: Any = None) -> str:
        value = self.data.get(name) if value is None and "." not in name else value
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "is missing or empty (text expected)")
        return value.strip()

    def table(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        if not isinstance(value, dict):
            self.fail(name, "is missing (a [table] expected)")
        return value

    def choice(self, name: str, options: tuple[str, ...], value: Any = None) -> str:
        value = self.data.get(name) if value is None and "." not in name else value
        if value not in options:
            self.fail(name, f"must be one of {', '.join(options)} (got {value!r})")
        return value

    def languages(self, name: str) -> dict[str, str]:
        value = self.data.get(name)
        if not isinstance(value, dict) or set(value) != {"en", "nl"}:
            self.fail(name, "needs exactly an English and a Dutch text (en = \"...\", nl = \"...\")")
        for lang in ("en", "nl"):
            self.text(f"{name}.{lang}", value[lang])
        return {lang: value[lang].strip() for lang in ("en", "nl")}

    def parameters(self) -> dict[str, Parameter]:
        raw = self.data.get("parameters", {})
        if not isinstance(raw, dict):
            self.fail("parameters", "must be a table of parameters")
        out = {}
        for name, spec in raw.items():
            where = f"parameters.{name}"
            if not re.match(r"^[a-z_][a-z0-9_]*$", name):
                self.fail(where, "name must be lower-case letters, digits and underscores")
            if not isinstance(spec, dict) or "default" not in spec or "description" not in spec:
                self.fail(where, "needs default = ... and description = \"...\"")
            if not isinstance(spec["default"], int | float | str | bool):
                self.fail(f"{where}.default", "must be a number, text or boolean")
            out[name] = Parameter(name, spec["default"], str(spec["description"]), spec.get("min"), spec.get("max"))
        return out

    def check_sql(self, sql: str) -> None:
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as exc:
            self.fail("detection.sql", f"is not valid SQL ({str(exc).splitlines()[0]})")
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            kinds = ", ".join(s.type.name for s in statements) or "nothing"
            self.fail("detection.sql", f"must be exactly one SELECT query (rules only read), found {kinds}")

    def check_template(self, name: str, text: str) -> None:
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f]
        except ValueError as exc:
            self.fail(name, f"has a broken {{placeholder}} ({exc})")
        for f in fields:
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", f):
                self.fail(name, f"placeholder {{{f}}} must be a plain column name")

    def examples(self, parameters: dict[str, Parameter]) -> list[Example]:
        raw = self.data.get("examples", [])
        if not isinstance(raw, list):
            self.fail("examples", "must be a list of [[examples]] tables")
        out = []
        for i, ex in enumerate(raw):
            where = f"examples[{i}]"
            if not isinstance(ex, dict):
                self.fail(where, "must be a table")
            expect = ex.get("expect")
            if expect not in ("trigger", "silent"):
                self.fail(f"{where}.expect", "must be \"trigger\" or \"silent\"")
            log = ex.get("log")
            if not isinstance(log, str) or "\n" not in log.strip():
                self.fail(f"{where}.log", "must be a CSV text with a header and rows")
            params = ex.get("params", {})
            for p in params:
                if p not in parameters:
                    self.fail(f"{where}.params", f"unknown parameter {p!r}")
            out.append(Example(
                name=str(ex.get("name", f"example {i + 1}")), expect=expect, log=log.strip() + "\n",
                params=dict(params), options=dict(ex.get("options", {})), tags=dict(ex.get("tags", {})),
                elements=dict(ex.get("elements", {})),
            ))
        return out
