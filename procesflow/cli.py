"""The `procesflow` command: a thin layer over the Python API.

Each command parses its options, calls library functions and prints their results with
`procesflow.console`. Heavy libraries (duckdb, pandas, pm4py, matplotlib) are imported inside the
commands so that `procesflow --help` stays instant.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import InputError, ProcesflowError

ROLE_FLAGS = ("case", "activity", "timestamp", "start-timestamp", "resource", "department",
              "channel", "lifecycle")


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Store file (default: $PROCESFLOW_DB or ./procesflow.duckdb).",
    )(fn)


def source_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Role flags and source options shared by `import` and `discover`."""
    opts = [
        click.option("--name", help="Log name in the store (default: the file name)."),
        click.option("--format", "fmt",
                     # the keys of procesflow.connectors.REGISTRY (not imported here: --help stays fast)
                     type=click.Choice(["csv", "excel", "parquet", "delta", "xes", "ocel", "sql", "zgw"]),
                     help="Source kind, when the file name or address does not tell."),
        click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
                     help="TOML file with [roles], [time], [source] and [tags]."),
        click.option("--tz", help="Zone of timestamps without offset (default Europe/Amsterdam)."),
        click.option("--timestamp-format", help="strftime format of the timestamp, e.g. %d-%m-%Y %H:%M."),
        click.option("--delimiter", help="CSV delimiter (default: sniffed)."),
        click.option("--encoding", help="CSV encoding (default: sniffed; utf-8, cp1252, latin-1)."),
        click.option("--sheet", help="Excel sheet name (default: the first)."),
        click.option("--object-type", help="OCEL: the object type whose objects become cases."),
        click.option("--table", help="Database: the table (or schema.table) to read."),
        click.option("--query", help="Database: a SELECT in the database's own SQL (run read-only)."),
        click.option("--password-env", metavar="VAR", help="Database: environment variable holding the password "
                     "(default PGPASSWORD)."),
        click.option("--client-id", help="ZGW: client id the JWT is signed for."),
        click.option("--secret-env", metavar="VAR", help="ZGW: environment variable holding the client secret "
                     "(default ZGW_SECRET)."),
        click.option("--zaaktype", "zaaktypen", multiple=True, metavar="URL|OMSCHRIJVING",
                     help="ZGW: only zaken of this zaaktype (repeat for more)."),
        click.option("--zaak-start-from", metavar="DATE", help="ZGW: only zaken with startdatum on/after DATE."),
        click.option("--zaak-start-to", metavar="DATE", help="ZGW: only zaken with startdatum on/before DATE."),
        click.option("--include", "zgw_include", multiple=True,
                     type=click.Choice(["documents", "audittrail", "besluiten"]),
                     help="ZGW: also read documents, the audit trail or besluiten (repeat for more)."),
        click.option("--strict", is_flag=True, help="Fail when any row would be rejected."),
        click.option("--dedupe", is_flag=True, help="Drop duplicate events (they are counted anyway)."),
        click.option("--replace", is_flag=True, help="Replace a log of the same name."),
        click.option("--pseudonymize", is_flag=True, default=None,
                     help="Store keyed pseudonyms instead of case ids, resources and columns with personal data "
                          "(key: $PROCESFLOW_PSEUDONYM_KEY or ~/.config/procesflow/pseudonym.key)."),
    ]
    for role in reversed(ROLE_FLAGS):
        opts.append(click.option(f"--{role}", f"role_{role.replace('-', '_')}",
                                 metavar="COLUMN", help=f"Column that holds the {role.replace('-', ' ')}."))
    for opt in opts:
        fn = opt(fn)
    return fn


def build_request(source: str, kw: dict[str, Any]) -> Any:
    """ImportRequest from the shared source options (flags win over the mapping file)."""
    from .importer import ImportRequest
    from .roles import Mapping, load_mapping

    flags = Mapping(
        roles={
            key[len("role_"):]: value
            for key, value in kw.items()
            if key.startswith("role_") and value
        },
        tz=kw.get("tz"),
        timestamp_format=kw.get("timestamp_format"),
        source={
            k: v for k, v in (
                ("delimiter", kw.get("delimiter")), ("encoding", kw.get("encoding")),
                ("sheet", kw.get("sheet")), ("object_type", kw.get("object_type")),
                ("table", kw.get("table")), ("query", kw.get("query")), ("password_env", kw.get("password_env")),
                ("client_id", kw.get("client_id")), ("secret_env", kw.get("secret_env")),
                ("zaaktypen", list(kw.get("zaaktypen") or ())), ("zaak_start_from", kw.get("zaak_start_from")),
                ("zaak_start_to", kw.get("zaak_start_to")), ("include", list(kw.get("zgw_include") or ())),
            ) if v
        },
    )
    mapping = load_mapping(kw["mapping"]).merged_with(flags) if kw.get("mapping") else flags
    return ImportRequest(
        source=source,
        name=kw.get("name"),
        fmt=kw.get("fmt"),
        mapping=mapping,
        strict=kw.get("strict", False),
        dedupe=kw.get("dedupe", False),
        replace=kw.get("replace", False),
        pseudonymize=bool(kw.get("pseudonymize") or mapping.pseudonymize),
    )


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Filter flags shared by every analysing command (one FilterSpec, see procesflow.filters)."""
    opts = [
        click.option("--from", "since", metavar="DATE", help="Keep cases by time: window start (ISO date)."),
        click.option("--to", "until", metavar="DATE", help="Window end, exclusive (ISO date)."),
        click.option("--window", type=click.Choice(["started", "completed", "contained", "intersecting", "trim"]),
                     default="started", show_default=True, help="How a case must relate to the window."),
        click.option("--starts-with", multiple=True, metavar="ACTIVITY", help="Keep cases starting with it."),
        click.option("--ends-with", multiple=True, metavar="ACTIVITY", help="Keep cases ending with it."),
        click.option("--where", multiple=True, metavar="ATTR=VALUE",
                     help="Keep cases with this attribute value (repeat for more values)."),
        click.option("--top-variants", type=int, metavar="N", help="Keep the N most frequent variants."),
        click.option("--variant-coverage", type=float, metavar="PCT",
                     help="Keep the most frequent variants covering PCT% of cases."),
        click.option("--activities", "activities_pct", type=float, metavar="PCT",
                     help="Keep the PCT% most frequent activities (others are hidden)."),
        click.option("--paths", "paths_pct", type=float, metavar="PCT",
                     help="Keep the PCT% most frequent paths on maps."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def analysis_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """How to measure: statutory term, suspension, calendar, hand-off level."""
    opts = [
        click.option("--deadline", metavar="DURATION", help="Statutory term, e.g. 8w, 56d, 6 weeks; or case:ATTR for "
                     "a term per case from a case attribute (e.g. case:doorlooptijd of a ZGW import)."),
        click.option("--deadline-start", metavar="ACTIVITY", help="Activity that starts the term (default: first)."),
        click.option("--deadline-end", metavar="ACTIVITY", help="Activity that ends it (the decision)."),
        click.option("--suspend-start", metavar="ACTIVITY", help="Activity that suspends the term."),
        click.option("--suspend-end", metavar="ACTIVITY", help="Activity that resumes it."),
        click.option("--at-risk", type=float, default=80.0, show_default=True, metavar="PCT",
                     help="Open cases past PCT% of their term are at risk."),
        click.option("--office-hours", default="08:30-17:00", show_default=True, help="For working-time durations."),
        click.option("--holidays", default="NL", show_default=True, metavar="COUNTRY",
                     help="Public holidays for working time (ISO country code, or 'none')."),
        click.option("--handoff-level", type=click.Choice(["department", "resource"]), default="department",
                     show_default=True, help="Hand-offs between departments, or between people."),
        click.option("--show-resources", is_flag=True,
                     help="Allow person names in outputs (default: never; works-council friendly)."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def build_filters(kw: dict[str, Any]) -> Any:
    from .filters import FilterSpec, normalise_where

    return FilterSpec(
        since=kw.get("since"), until=kw.get("until"), window=kw.get("window") or "started",
        starts_with=tuple(kw.get("starts_with") or ()), ends_with=tuple(kw.get("ends_with") or ()),
        where=normalise_where(list(kw.get("where") or ())), top_variants=kw.get("top_variants"),
        variant_coverage=kw.get("variant_coverage"), activities=kw.get("activities_pct"),
        paths=kw.get("paths_pct"),
    )


def build_options(kw: dict[str, Any]) -> Any:
    from .options import AnalysisOptions

    return AnalysisOptions(
        deadline=kw.get("deadline"), deadline_start=kw.get("deadline_start"), deadline_end=kw.get("deadline_end"),
        suspend_start=kw.get("suspend_start"), suspend_end=kw.get("suspend_end"),
        at_risk_pct=kw.get("at_risk") or 80.0, office_hours=kw.get("office_hours") or "08:30-17:00",
        holidays_country=kw.get("holidays") or "NL",
        handoff_level=kw.get("handoff_level") or "department", show_resources=bool(kw.get("show_resources")),
    )


def out_dir(out: Path | None, log_name: str) -> Path:
    from .importer import check_log_name  # a log name from a crafted store must not escape procesflow-out/

    return out if out is not None else Path("procesflow-out") / check_log_name(log_name)


def open_store(db: Path | None, read_only: bool = False) -> Any:
    from .store import Store, default_db_path

    return Store(db or default_db_path(), read_only=read_only)


class ProcesflowGroup(click.Group):
    """Turns user errors into one line on stderr and exit code 2 (tracebacks only with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except ProcesflowError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(_interrupted_message(), err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug, not the user's fault: say so, briefly
            if _interrupted(exc):  # Ctrl-C inside a DuckDB query arrives as "Query interrupted"
                click.echo(_interrupted_message(), err=True)
                ctx.exit(130)
            if (ctx.obj or {}).get("debug"):
                raise
            if type(exc).__name__ == "OutOfMemoryException":  # duckdb's: the limit can be raised
                from .errors import out_of_memory

                click.echo(f"error: {out_of_memory(ctx.invoked_subcommand or 'procesflow', exc)}", err=True)
                ctx.exit(2)
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} — please report it; "
                "rerun with --debug for the traceback",
                err=True,
            )
            ctx.exit(1)


def _interrupted_message() -> str:
    """What Ctrl-C left behind: an import rolls back unless it had already been committed."""
    from .store import changes_committed

    if changes_committed():
        return "interrupted after the import was stored (it is complete); nothing else was written"
    return "interrupted; the store is unchanged"


def _interrupted(exc: BaseException) -> bool:
    """Whether `exc` is DuckDB's answer to Ctrl-C (its InterruptException, or a RuntimeError
    "Query interrupted" caused by the KeyboardInterrupt)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, KeyboardInterrupt) or type(seen).__name__ == "InterruptException":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@click.group(cls=ProcesflowGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="procesflow")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """procesflow: process mining and complexity reduction for public-service agencies.

    Import an exported event log, then discover the process, measure it and get evidenced
    simplification proposals.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command("import")
@click.argument("source")  # a file, or an address: postgresql://, sqlite:///, zgw+https:// (kept as text)
@db_option
@source_options
def import_cmd(source: str, db: Path | None, **kw: Any) -> None:
    """Import an exported log (CSV, Excel, Parquet, XES, OCEL), a database table/query or a ZGW API."""
    from . import console
    from .importer import import_log

    request = build_request(str(source), kw)
    with open_store(db) as store:
        result = import_log(store, request)
    console.print_import(result)


@cli.command("export-ocel")
@click.argument("name")
@db_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write, e.g. zaken.jsonocel (OCEL 2.0 JSON).")
@click.option("--show-resources", is_flag=True, help="Write person names (default: R001, R002, ...).")
def export_ocel_cmd(name: str, db: Path | None, out: Path, show_resources: bool) -> None:
    """Export a log imported from the ZGW APIs as OCEL 2.0 JSON (zaak, status, besluit, document objects)."""
    from . import console
    from .ocel_export import export_ocel

    with open_store(db, read_only=True) as store:
        written = export_ocel(store, name, out, show_resources=show_resources)
    objects = ", ".join(f"{n:,} {t}" for t, n in written.objects.items())
    console.out.print(f"written {written.path}: {written.events:,} events, objects: {objects}, "
                      f"{written.relations:,} event-object relations")


@cli.command()
@click.argument("name", required=False)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def info(name: str | None, db: Path | None, as_json: bool) -> None:
    """List the logs in the store, or describe one log."""
    from . import console
    from .info import log_info

    with open_store(db, read_only=True) as store:
        if name is None and len(store.log_names()) != 1:
            console.print_logs(store.logs(), store.path, as_json)
            return
        log = store.require_log(name)
        console.print_info(log_info(store, log), as_json)


@cli.command()
@click.argument("log")
@db_option
@source_options
@filter_options
@analysis_options
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder with your own rule files (added to the built-in rules).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="procesflow.toml with [rules.<id>] parameters (default: ./procesflow.toml if present).")
@click.option("--param", "params", multiple=True, metavar="RULE.NAME=VALUE", help="Override a rule parameter.")
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en", show_default=True,
              help="Language of maps, charts and reports.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default procesflow-out/<log>); replaced as a whole.")
@click.option("--quiet", is_flag=True, help="No progress display.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default=None,
              help="Where the aggregations run: duckdb (default, the store) or spark (LOG is a Parquet/Delta "
                   "path or spark:schema.table, read in place).")
@click.option("--spark-master", metavar="URL",
              help="Spark master for --engine spark: local[2], spark://host:7077, sc://host:15002 (Spark Connect).")
def discover(log: str, db: Path | None, rule_dirs: tuple[Path, ...], config: Path | None,
             params: tuple[str, ...], lang: str, out: Path | None, quiet: bool, engine: str | None,
             spark_master: str | None, **kw: Any) -> None:
    """Everything in one go: import (or reuse), maps, metrics, findings and a report.

    LOG is an exported log file (imported on first use, reused afterwards) or a log name in the store;
    with --engine spark a Parquet/Delta path or a Spark table (spark:catalog.schema.table).
    """
    from . import console
    from .discover import discover as run_discover
    from .importer import is_url
    from .lean.engine import load_config, parse_param_flags

    spark = None
    if engine == "spark" or (engine is None and log.startswith("spark:")):
        from .spark import SparkOptions

        if db is not None:
            raise InputError("--db is for the DuckDB engine; with --engine spark the events are read in place")
        spark = SparkOptions(master=spark_master)
        request = build_request(log, kw)
    elif spark_master or log.startswith("spark:"):
        raise InputError("--spark-master and spark: tables need --engine spark")
    else:
        request = build_request(log, kw) if Path(log).is_file() or is_url(log) else None
    with console.progress(quiet) as progress:
        result = run_discover(
            log, db=db, request=request, filters=build_filters(kw), options=build_options(kw), out=out,
            lang=lang, rule_dirs=list(rule_dirs), config=load_config(config), overrides=parse_param_flags(params),
            progress=progress, spark=spark,
        )
    if result.imported is not None:
        console.print_import(result.imported)
    console.print_discover(result, lang)


@cli.command()
@click.argument("log")
@db_option
@filter_options
@analysis_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder for metrics.json and dfg.json (default procesflow-out/<log>).")
def metrics(log: str, db: Path | None, out: Path | None, **kw: Any) -> None:
    """Measure a log (file or name): complexity, rework, hand-offs, time, deadline, citizen view."""
    from . import console
    from .metrics.summary import analyse, dfg_document
    from .outputs import write_json
    from .session import ensure_imported, open_log

    resolved = ensure_imported(log, db)
    event_log = open_log(resolved.db, resolved.name, build_filters(kw))
    try:
        analysis = analyse(event_log, build_options(kw))
    finally:
        event_log.store.close()
    folder = out_dir(out, resolved.name)
    written = [write_json(folder / "metrics.json", analysis.metrics),
               write_json(folder / "dfg.json", dfg_document(analysis.dfg, resolved.name))]
    console.print_metrics(analysis.metrics)
    for path in written:
        console.out.print(f"written: {path}")


@cli.command()
@click.argument("log")
@db_option
@filter_options
@analysis_options
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder with your own rule files (added to the built-in rules).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="procesflow.toml with [rules.<id>] parameters (default: ./procesflow.toml if present).")
@click.option("--param", "params", multiple=True, metavar="RULE.NAME=VALUE", help="Override a rule parameter.")
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder for findings.json.")
def findings(log: str, db: Path | None, rule_dirs: tuple[Path, ...], config: Path | None, params: tuple[str, ...],
             lang: str, out: Path | None, **kw: Any) -> None:
    """Run the Lean rules on a log (file or name) and list the findings, largest gain first."""
    from . import console
    from .lean.engine import load_config, parse_param_flags, run_rules
    from .lean.report import findings_document
    from .outputs import write_json
    from .session import ensure_imported, open_log

    resolved = ensure_imported(log, db)
    options = build_options(kw)
    event_log = open_log(resolved.db, resolved.name, build_filters(kw))
    try:
        run = run_rules(event_log, options, rule_dirs=list(rule_dirs), config=load_config(config),
                        overrides=parse_param_flags(params))
        document = findings_document(event_log, run, options)
    finally:
        event_log.store.close()
    target = write_json(out_dir(out, resolved.name) / "findings.json", document)
    console.print_findings(document, lang)
    console.out.print(f"written: {target}")


@cli.command()
@click.argument("before")
@click.argument("after")
@db_option
@filter_options
@analysis_options
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default procesflow-out/compare-<before>-<after>).")
def compare(before: str, after: str, db: Path | None, lang: str, out: Path | None, **kw: Any) -> None:
    """Compare two logs (files or names): metric deltas, findings that came and went, a difference map.

    The same filters and options apply to both; e.g. two periods of one log:
    procesflow compare 2023 2024, after importing each year under its own --name.
    """
    from . import console
    from .compare import compare_logs
    from .session import ensure_imported, open_log

    first, second = ensure_imported(before, db), ensure_imported(after, db)
    filters, options = build_filters(kw), build_options(kw)
    log_a = open_log(first.db, first.name, filters)
    log_b = open_log(second.db, second.name, filters) if second.db != first.db else \
        _same_store_log(log_a, second.name, filters)
    try:
        comparison = compare_logs(log_a, log_b, options, options, lang=lang)
    finally:
        log_a.store.close()
        log_b.store.close()
    folder = out or Path("procesflow-out") / f"compare-{first.name}-{second.name}"
    files = comparison.write(folder)
    console.print_comparison(comparison.document, lang)
    console.out.print(f"written: {', '.join(str(p) for p in files.values())}")


def _same_store_log(log: Any, name: str, filters: Any) -> Any:
    from .eventlog import EventLog

    return EventLog(log.store, name, filters)


@cli.command()
@click.option("--cases", type=click.IntRange(min=1), default=400, show_default=True, help="Number of cases.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same file (byte for byte).")
@click.option("--profile", type=click.Choice(["asis", "clean", "redesigned"]), default="asis", show_default=True,
              help="asis: with planted wastes; clean: a well-run process; redesigned: as-is minus the rework "
                   "loop and with a faster review.")
@click.option("--personal-data", is_flag=True, help="Add test BSNs and e-mail addresses (for privacy tests).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write: .csv (Dutch export conventions), .parquet, .xes or .xes.gz.")
def sample(cases: int, seed: int, profile: str, personal_data: bool, out: Path) -> None:
    """Write a realistic, deterministic event log of a Dutch municipal permit process."""
    from . import console
    from .sample import write_sample

    stats = write_sample(out, cases, seed=seed, profile=profile, personal_data=personal_data)
    console.out.print(f"written {out}: {stats['cases']:,} cases, {stats['events']:,} events "
                      f"({profile}, seed {seed})")


@cli.group()
def rules() -> None:
    """The Lean rule set: list, explain and test rules."""


@rules.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en")
def rules_list(rule_dirs: tuple[Path, ...], lang: str) -> None:
    """One line per rule: id, waste and what it finds."""
    from . import console
    from .lean.rulefile import load_rules

    console.print_rule_list(load_rules(list(rule_dirs)), lang)


@rules.command("explain")
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "nl"]), default="en")
def rules_explain(rule_id: str, rule_dirs: tuple[Path, ...], lang: str) -> None:
    """What a rule detects, its parameters, how the gain is computed, and its sources."""
    from . import console
    from .errors import InputError
    from .lean.rulefile import load_rules

    by_id = {r.id: r for r in load_rules(list(rule_dirs))}
    if rule_id not in by_id:
        raise InputError(f"no rule {rule_id!r}; rules: {', '.join(sorted(by_id))}")
    console.print_rule(by_id[rule_id], lang)


@rules.command("test")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
def rules_test(rule_dirs: tuple[Path, ...]) -> None:
    """Run every rule on its own example logs (for rule authors)."""
    from .errors import InputError
    from .lean.examples import check_example
    from .lean.rulefile import load_rules

    failures = 0
    for rule in load_rules(list(rule_dirs)):
        kinds = {ex.expect for ex in rule.examples}
        if kinds != {"trigger", "silent"}:
            click.echo(f"FAIL {rule.id}: needs a 'trigger' and a 'silent' example ({rule.path})")
            failures += 1
        for ex in rule.examples:
            problem = check_example(rule, ex)
            click.echo(f"{'ok  ' if problem is None else 'FAIL'} {rule.id}: {ex.name}"
                       + ("" if problem is None else f" — {problem}"))
            failures += problem is not None
    if failures:
        raise InputError(f"{failures} rule example(s) failed")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="procesflow")


if __name__ == "__main__":
    main()
