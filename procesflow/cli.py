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

from .errors import ProcesflowError

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
        click.option("--format", "fmt", type=click.Choice(["csv", "excel", "parquet", "xes", "ocel"]),
                     help="Source kind, when the file name does not tell."),
        click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
                     help="TOML file with [roles], [time], [source] and [tags]."),
        click.option("--tz", help="Zone of timestamps without offset (default Europe/Amsterdam)."),
        click.option("--timestamp-format", help="strftime format of the timestamp, e.g. %d-%m-%Y %H:%M."),
        click.option("--delimiter", help="CSV delimiter (default: sniffed)."),
        click.option("--encoding", help="CSV encoding (default: sniffed; utf-8, cp1252, latin-1)."),
        click.option("--sheet", help="Excel sheet name (default: the first)."),
        click.option("--object-type", help="OCEL: the object type whose objects become cases."),
        click.option("--strict", is_flag=True, help="Fail when any row would be rejected."),
        click.option("--dedupe", is_flag=True, help="Drop duplicate events (they are counted anyway)."),
        click.option("--replace", is_flag=True, help="Replace a log of the same name."),
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
    )


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
            click.echo("interrupted; the store is unchanged", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug, not the user's fault: say so, briefly
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} — please report it; "
                "rerun with --debug for the traceback",
                err=True,
            )
            ctx.exit(1)


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
@click.argument("source", type=click.Path(path_type=Path))
@db_option
@source_options
def import_cmd(source: Path, db: Path | None, **kw: Any) -> None:
    """Import an exported log (CSV, Excel, Parquet, XES, OCEL) into the store."""
    from . import console
    from .importer import import_log

    request = build_request(str(source), kw)
    with open_store(db) as store:
        result = import_log(store, request)
    console.print_import(result)


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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="procesflow")


if __name__ == "__main__":
    main()
