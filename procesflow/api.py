"""The Python API notebooks use: `procesflow.open(...)` and the `Log` it returns.

Every method calls the same functions the CLI calls (no logic lives only in the CLI), and every
result renders inline in Jupyter: tables for summaries, metrics and findings, SVG for maps.

    import procesflow
    log = procesflow.open("sample_logs/vergunningen.csv", deadline="8w", deadline_end="Besluit verzenden")
    log.summary(); log.map("findings"); log.findings()
    log.filter(where={"zaaktype": "Omgevingsvergunning bouwen"}).metrics()
"""

from __future__ import annotations

import html
import weakref
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .discovery.dfg import DFG, discover_dfg
from .discovery.variants import discover_variants
from .errors import InputError, StoreError
from .eventlog import EventLog
from .filters import FilterSpec
from .importer import ImportRequest, content_sha256, is_source_path, is_url
from .options import AnalysisOptions
from .roles import ROLES, Mapping, load_mapping
from .session import ensure_imported
from .store import Store

_OPTION_NAMES = {f.name for f in fields(AnalysisOptions)}
_FILTER_NAMES = {f.name for f in fields(FilterSpec)}
_IMPORT_NAMES = {"tz", "timestamp_format", "delimiter", "encoding", "sheet", "object_type", "mapping", "format",
                 "strict", "dedupe", "replace"}
_open_stores: weakref.WeakValueDictionary[str, Store] = weakref.WeakValueDictionary()


def open(  # noqa: A001 - the name the brief asks for: procesflow.open(...)
    source: str | Path,
    name: str | None = None,
    *,
    db: str | Path | None = None,
    spark: Any = None,
    **kwargs: Any,
) -> Log:
    """Open a log for analysis.

    `source`: an exported log file (imported on first use, reused afterwards), a procesflow store
    (`*.duckdb`, then `name` picks the log) or a database/API address. Keyword arguments: column
    roles (`case=`, `activity=`, `timestamp=`, `start_timestamp=`, `resource=`, `department=`,
    `channel=`, `lifecycle=`), import options (`tz=`, `timestamp_format=`, `delimiter=`,
    `encoding=`, `sheet=`, `object_type=`, `mapping=`, `format=`, `strict=`, `dedupe=`,
    `replace=`), analysis options (`deadline=`, `deadline_end=`, `suspend_start=`, ... see
    `AnalysisOptions`) and filters (`where=`, `since=`, `top_variants=`, ... see `FilterSpec`).

    Without `db`, a file gets a store of its own in `./.procesflow/` (named after the file and
    its checksum), so opening several files in one notebook never clashes.

    `spark`: a SparkSession (or `procesflow.spark.SparkOptions`): the events stay where they are (a
    Parquet/Delta path or `spark:catalog.schema.table`), nothing is imported, and every query runs
    on Spark (see the README, "Running on Spark"); the roles and filters work the same way.
    """
    unknown = sorted(set(kwargs) - set(ROLES) - _IMPORT_NAMES - _OPTION_NAMES - _FILTER_NAMES)
    if unknown:
        raise InputError(f"procesflow.open: unknown argument {unknown[0]!r}")
    roles = {k: kwargs.pop(k) for k in list(kwargs) if k in ROLES}
    imports = {k: kwargs.pop(k) for k in list(kwargs) if k in _IMPORT_NAMES}
    options = AnalysisOptions(**{k: kwargs.pop(k) for k in list(kwargs) if k in _OPTION_NAMES})
    filters = FilterSpec().merged(**kwargs) if kwargs else FilterSpec()
    source = str(source)
    if spark is not None:
        from .spark import SparkOptions

        spark_options = spark if isinstance(spark, SparkOptions) else SparkOptions(session=spark)
        mapping = _request(source, name, roles, imports).mapping
        log = Log(Path(source), name or "", filters, options, spark=(spark_options, mapping))
        log.name = log.event_log.name
        return log
    if source.endswith(".duckdb") and not imports and not roles:
        return Log(Path(source), name or _only_log(Path(source)), filters, options)
    if db is None:
        db = _own_store(source)
    request = _request(source, name, roles, imports)
    _release(Path(db))
    resolved = ensure_imported(source, Path(db), request)
    return Log(resolved.db, resolved.name, filters, options)


class Log:
    """A log in a store, seen through filters, measured with options. Cheap to derive from."""

    def __init__(self, db: Path, name: str, filters: FilterSpec | None = None,
                 options: AnalysisOptions | None = None, spark: tuple[Any, Any] | None = None) -> None:
        self.db = Path(db)  # the store; with `spark`, the Spark source (a path or spark:table)
        self.name = name
        self.filters = filters or FilterSpec()
        self.options = options or AnalysisOptions()
        self.spark = spark  # (SparkOptions, Mapping) when the events are read on Spark
        self._event_log: EventLog | None = None

    # -- deriving ----------------------------------------------------------------------------------
    def filter(self, **changes: Any) -> Log:
        """The same log with more filters: since=, until=, window=, where={...}, starts_with=, ends_with=,
        top_variants=, variant_coverage=, activities= (percent), paths= (percent)."""
        return Log(self.db, self.name, self.filters.merged(**changes), self.options, self.spark)

    def with_options(self, **changes: Any) -> Log:
        """The same log measured differently: deadline=, deadline_end=, suspend_start=, office_hours=, ..."""
        return Log(self.db, self.name, self.filters, replace(self.options, **changes), self.spark)

    # -- the engine's view -------------------------------------------------------------------------
    @property
    def event_log(self) -> EventLog:
        """The engine object (built on first use; rebuilt if the store was released meanwhile)."""
        if self.spark is not None:
            if self._event_log is None:
                from .spark import open_spark_log

                spark_options, mapping = self.spark
                self._event_log = open_spark_log(str(self.db), spark_options, mapping=mapping,
                                                 name=self.name or None, filters=self.filters)
            return self._event_log
        store = _store(self.db)
        if self._event_log is None or self._event_log.store is not store:
            self._event_log = EventLog(store, self.name, self.filters)
        return self._event_log

    def close(self) -> None:
        """Release the store (needed before importing into the same store from this process)."""
        if self._event_log is not None:
            self._event_log.con.close()
            self._event_log = None
        if self.spark is None:
            _release(self.db)

    # -- results -----------------------------------------------------------------------------------
    def summary(self) -> Summary:
        """Size, time span, roles, what the filters kept and the data quality."""
        from .info import log_info

        info = log_info(self.event_log.store, self.name)
        report = self.event_log.filter_report
        return Summary({
            "log": self.name, "cases": report.cases_kept, "events": report.events_kept,
            "activities": int(self.event_log.con.execute(
                "SELECT count(DISTINCT activity) FROM pf_steps").fetchone()[0]),
            "variants": int(self.event_log.con.execute("SELECT count(*) FROM pf_variant_keys").fetchone()[0]),
            "first_event": info["first_event"], "last_event": info["last_event"],
            "departments": info["departments"], "channels": info["channels"],
            "filters": report.description or ["none"], "roles": info["mapping"]["roles"],
            "cases_in_log": report.cases_total, "quality": info["quality"],
        })

    def dfg(self) -> DFG:
        """The directly-follows graph: `.edges` (DataFrame), `.start`, `.end`, `.activities`, `.graph()`."""
        return discover_dfg(self.event_log)

    def variants(self) -> pd.DataFrame:
        """One row per variant, most frequent first."""
        return discover_variants(self.event_log)

    def metrics(self) -> Metrics:
        """Everything `procesflow metrics` computes (the metrics.json document)."""
        from .metrics.summary import analyse

        return Metrics(analyse(self.event_log, self.options).metrics)

    def findings(self, rules: str | Path | list[str | Path] | None = None, only: list[str] | None = None,
                 **params: dict[str, Any]) -> Findings:
        """The Lean findings, largest expected gain first. `rules`: extra rule folder(s);
        `only`: rule ids; `params`: {"rework-loop": {"min_case_share": 0.1}}-style overrides, given
        as keyword arguments with the rule id's dashes written as underscores."""
        from .lean.engine import run_rules
        from .lean.report import findings_document

        folders = [Path(r) for r in ([rules] if isinstance(rules, str | Path) else rules or [])]
        overrides = {rule.replace("_", "-"): values for rule, values in params.items()}
        run = run_rules(self.event_log, self.options, rule_dirs=folders, overrides=overrides, only=only)
        return Findings(findings_document(self.event_log, run, self.options), run.findings, self)

    def cases(self, finding: Any) -> pd.DataFrame:
        """The events of the cases behind a finding (a Finding, its number, or a list of case ids)."""
        if isinstance(finding, int):
            raise InputError("give the finding itself (e.g. findings[0]), not its number")
        ids = list(finding.case_ids) if hasattr(finding, "case_ids") else list(finding)
        return self._events("list_contains($ids, e.case_id)", "resource", {"ids": [str(i) for i in ids]})

    def map(self, kind: str = "frequency", lang: str = "en", findings: Findings | None = None) -> ProcessMap:
        """A process map: kind "frequency", "performance" or "findings" (runs the rules if needed)."""
        from .render.mapdata import map_input
        from .render.maps import findings_map, frequency_map, performance_map

        data = map_input(self.event_log)
        if kind == "frequency":
            return ProcessMap(frequency_map(data, lang))
        if kind == "performance":
            return ProcessMap(performance_map(data, lang))
        if kind == "findings":
            doc = (findings or self.findings()).document
            return ProcessMap(findings_map(data, doc["findings"], lang))
        raise InputError(f"map kind {kind!r}: choose frequency, performance or findings")

    def model(self, kind: str = "inductive", noise: float | None = None) -> Any:
        """A process model (pm4py objects: .net, .im, .fm, .tree, .bpmn) from the SQL summaries."""
        from .discovery.models import discover_heuristics, discover_inductive

        if kind == "inductive":
            return discover_inductive(self.event_log, noise=self.options.noise_threshold if noise is None else noise)
        if kind == "heuristics":
            return discover_heuristics(self.event_log)
        raise InputError(f"model kind {kind!r}: choose inductive or heuristics")

    def to_pandas(self) -> pd.DataFrame:
        """The (filtered) events with procesflow's column names; resources left out unless
        `show_resources=True` was given (personal data)."""
        return self._events("true", "" if self.options.show_resources else "resource")

    def _events(self, where: str, drop: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """The filtered events (`pf_ev`) with every column of the store's `events` view (attributes
        as the `attrs` map), in case order; `drop`: a column to leave out."""
        from .frames import frame

        exclude = ", ".join(c for c in ("log", drop) if c)
        return frame(self.event_log.con,
                     f"SELECT e.* EXCLUDE ({exclude}) FROM events e SEMI JOIN pf_ev f ON f.seq = e.seq "
                     f"WHERE e.log = $log AND {where} ORDER BY e.case_id, e.ts, e.seq",
                     {"log": self.name, **(params or {})})

    def to_pm4py(self) -> pd.DataFrame:
        """The (filtered) events as a pm4py-ready DataFrame (case:concept:name, concept:name,
        time:timestamp, start_timestamp, org:group, ...), sorted like procesflow orders them."""
        frame = self.to_pandas().rename(columns={
            "case_id": "case:concept:name", "activity": "concept:name", "ts": "time:timestamp",
            "start_ts": "start_timestamp", "resource": "org:resource", "department": "org:group",
            "lifecycle": "lifecycle:transition",
        })
        return frame.drop(columns=["attrs", "ts_precision"]).reset_index(drop=True)

    def compare(self, other: Log, lang: str = "en") -> Any:
        """Before/after: metric deltas, findings that appeared or disappeared, and a difference map."""
        from .compare import compare_logs

        return compare_logs(self.event_log, other.event_log, self.options, other.options, lang=lang)

    def discover(self, out: str | Path | None = None, lang: str = "en") -> Any:
        """Write the whole `procesflow discover` output folder for this log."""
        from .discover import discover

        self.close()  # discover opens the store itself
        return discover(self.name, db=self.db, filters=self.filters, options=self.options,
                        out=Path(out) if out else None, lang=lang)

    def __repr__(self) -> str:
        filters = "; ".join(self.filters.describe()) or "no filters"
        return f"<procesflow.Log {self.name!r} in {self.db} ({filters})>"


# -- results that render in notebooks ----------------------------------------------------------------
class Summary(dict):
    """Plain dict with a table view in notebooks."""

    def _repr_html_(self) -> str:
        rows = [("log", self["log"]), ("cases", f"{self['cases']:,} of {self['cases_in_log']:,}"),
                ("events", f"{self['events']:,}"), ("activities", self["activities"]),
                ("variants", f"{self['variants']:,}"),
                ("period (UTC)", f"{(self['first_event'] or '')[:10]} … {(self['last_event'] or '')[:10]}"),
                ("departments", self["departments"]), ("channels", self["channels"]),
                ("filters", "; ".join(self["filters"])),
                ("roles", ", ".join(f"{k}={v}" for k, v in self["roles"].items()))]
        return _table(["", ""], rows)


class Metrics(dict):
    """The metrics.json document, with the headline figures as a table in notebooks."""

    def _repr_html_(self) -> str:
        from .render.text import fmt_duration

        t, rw, ho, dl = self["time"], self["rework"], self["handoffs"], self["deadline"]
        rows = [
            ("cases", f"{self['log']['cases']:,}"), ("variants", f"{self['log']['variants']:,}"),
            ("throughput, median", fmt_duration(t["throughput"]["median"])),
            ("throughput, 90th percentile", fmt_duration(t["throughput"]["p90"])),
            ("first-time-right", f"{rw['first_time_right_share']:.0%}"),
            (f"hand-offs per case ({ho['level']}), median", f"{ho['per_case']['median'] or 0:g}"),
            ("ping-pong cases", f"{ho['ping_pong']['cases']:,}"),
        ]
        if dl.get("computed"):
            rows.append((f"within the term ({dl['term']})", f"{dl['decided']['share_within_term']:.0%}"))
        cx = self["complexity"]["dfg"]
        rows += [("map: nodes / arcs / CNC", f"{cx['nodes']} / {cx['arcs']} / {cx['cnc']:.2f}"),
                 ("model fitness", f"{self['model']['conformance']['token_replay']['log_fitness']:.3f}")]
        return _table(["measure", "value"], rows)


class Findings(list):
    """The ranked findings (`procesflow.lean.Finding` objects) plus the findings.json document."""

    def __init__(self, document: dict[str, Any], findings: list[Any], log: Log) -> None:
        super().__init__(findings)
        self.document = document
        self.log = log

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "number": f.number, "rule": f.rule, "waste": f.waste, "severity": f.severity, "title": f.title["en"],
            "cases": f.affected_cases, "share": f.affected_share, "gain": f.expected_gain["value"],
            "unit": f.expected_gain["unit"],
        } for f in self])

    def _repr_html_(self) -> str:
        rows = [(f.number, f.rule, f.title["en"], f.severity, f"{f.affected_cases:,} ({f.affected_share:.0%})",
                 f"{f.expected_gain['value']:,.0f} {f.expected_gain['unit']}/yr") for f in self]
        extra = "".join(f"<p><b>{f.number}.</b> {html.escape(f.proposal['en'])}</p>" for f in self[:5])
        skipped = "".join(f"<p><i>skipped {html.escape(s['rule'])}: {html.escape(s['reason'])}</i></p>"
                          for s in self.document["skipped"])
        return _table(["#", "rule", "finding", "severity", "cases", "gain"], rows) + extra + skipped


class ProcessMap:
    """A map as DOT text; shows as SVG in notebooks; `.save("map.png")` writes svg, png, pdf or dot."""

    def __init__(self, dot: str) -> None:
        self.dot = dot
        self._svg: bytes | None = None

    def svg(self) -> str:
        from .render.graphviz import render

        if self._svg is None:
            self._svg = render(self.dot, "svg")
        return self._svg.decode("utf-8")

    def _repr_svg_(self) -> str:
        from .render.maps import svg_for_browser

        return svg_for_browser(self.svg(), fit_width=True)

    def save(self, path: str | Path) -> Path:
        from .render.graphviz import render, svg_to_pdf

        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            data = self.svg().encode("utf-8")
        elif suffix == ".png":
            data = render(self.dot, "png")
        elif suffix == ".pdf":
            data = svg_to_pdf(self.svg().encode("utf-8"))
        elif suffix in (".dot", ".gv"):
            data = self.dot.encode("utf-8")
        else:
            raise InputError(f"{path}: save a map as .svg, .png, .pdf or .dot")
        path.write_bytes(data)
        return path


# -- helpers -----------------------------------------------------------------------------------------
def _request(source: str, name: str | None, roles: dict[str, str], imports: dict[str, Any]) -> ImportRequest:
    flags = Mapping(
        roles=roles, tz=imports.get("tz"), timestamp_format=imports.get("timestamp_format"),
        source={k: imports[k] for k in ("delimiter", "encoding", "sheet", "object_type") if imports.get(k)},
    )
    mapping = load_mapping(imports["mapping"]).merged_with(flags) if imports.get("mapping") else flags
    return ImportRequest(source=source, name=name, fmt=imports.get("format"), mapping=mapping,
                         strict=bool(imports.get("strict")), dedupe=bool(imports.get("dedupe")),
                         replace=bool(imports.get("replace")))


def _own_store(source: str) -> Path:
    """`./.procesflow/<file>-<sha12>.duckdb` for a file, `./.procesflow/sources.duckdb` otherwise."""
    folder = Path(".procesflow")
    folder.mkdir(exist_ok=True)
    if is_url(source):
        return folder / "sources.duckdb"
    path = Path(source)
    if not is_source_path(path):
        raise InputError(f"{source}: file not found")
    stem = path.name.split(".")[0] or "log"
    return folder / f"{stem}-{content_sha256(path)[:12]}.duckdb"


def _only_log(db: Path) -> str:
    return _store(db).require_log(None)


def _store(db: Path) -> Store:
    """One read-only Store per file in this process (DuckDB allows one configuration per file)."""
    key = str(Path(db).resolve())
    store = _open_stores.get(key)
    if store is None:
        store = Store(db, read_only=True)
        _open_stores[key] = store
    return store


def _release(db: Path) -> None:
    """Close this process's read-only handle on `db` before importing into it."""
    key = str(Path(db).resolve())
    store = _open_stores.pop(key, None)
    if store is not None:
        try:
            store.close()
        except Exception as exc:  # pragma: no cover - closing a closed connection
            raise StoreError(f"{db}: cannot release the store ({exc})") from None


def _table(header: list[str], rows: list[tuple[Any, ...]]) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in row)
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
