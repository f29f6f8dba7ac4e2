"""Connectors: one module per source kind, all staging rows the same way (see `base`).

`connector_for(path, fmt)` picks the connector from `--format` or the file name ending; the
registry below is the only list of source kinds.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from procesflow.errors import InputError

from .base import Connector, ConnectorOptions, Staged

# format name -> (module, suffixes it claims); modules are imported only when used
REGISTRY: dict[str, tuple[str, tuple[str, ...]]] = {
    "csv": ("csvfile", (".csv", ".txt", ".tsv", ".csv.gz")),
    "excel": ("excel", (".xlsx",)),
    "parquet": ("parquet", (".parquet", ".pq")),
    "delta": ("delta", ()),  # a Delta Lake table: a folder with _delta_log/
    "xes": ("xes", (".xes", ".xes.gz")),
    "ocel": ("ocel", (".jsonocel", ".sqlite", ".sqlite3", ".json", ".xmlocel")),
    "sql": ("sql", ()),  # databases: postgresql://, sqlite:/// (no file endings)
    "zgw": ("zgw", ()),  # ZGW Zaken API: zgw+https://host/zaken/api/v1
}

# URL scheme -> format, for sources that are not files (databases, APIs)
SCHEMES: dict[str, str] = {
    "postgresql": "sql",
    "postgres": "sql",
    "sqlite": "sql",
    "zgw+https": "zgw",
    "zgw+http": "zgw",  # loopback only (tests, a local tunnel); tokens never cross a network in clear
}

__all__ = ["Connector", "ConnectorOptions", "Staged", "REGISTRY", "SCHEMES", "connector_for", "connector_for_url",
           "format_for"]


def format_for(path: Path) -> str | None:
    """The format a file name ending implies, longest ending first (".xes.gz" before ".gz"); a
    folder with a `_delta_log/` is a Delta Lake table."""
    from procesflow.importer import is_delta_table  # noqa: PLC0415 - importer imports connectors lazily

    if is_delta_table(path):
        return "delta"
    name = path.name.lower()
    matches = [
        (len(suffix), fmt)
        for fmt, (_, suffixes) in REGISTRY.items()
        for suffix in suffixes
        if name.endswith(suffix)
    ]
    return max(matches)[1] if matches else None


def connector_for(path: Path, fmt: str | None = None) -> Connector:
    """The connector for `path`, from `fmt` (a REGISTRY key) or the file name."""
    if fmt is None:
        fmt = format_for(path)
        if fmt is None:
            known = ", ".join(sorted({s for _, sx in REGISTRY.values() for s in sx}))
            raise InputError(
                f"{path}: cannot tell the format from the file name; "
                f"use --format ({'|'.join(REGISTRY)}) or one of: {known}"
            )
    if fmt not in REGISTRY:
        raise InputError(f"unknown --format {fmt!r}; choose one of: {', '.join(REGISTRY)}")
    module = import_module(f"{__name__}.{REGISTRY[fmt][0]}")
    return module.CONNECTOR


def connector_for_url(url: str, fmt: str | None = None) -> Connector:
    """The connector for a database or API address, from `fmt` or the address's scheme."""
    scheme = url.split("://", 1)[0].lower()
    fmt = fmt or SCHEMES.get(scheme)
    if fmt is None or fmt not in REGISTRY:
        known = ", ".join(f"{s}://" for s in sorted(SCHEMES)) or "none yet"
        raise InputError(f"{scheme}://...: no connector for this kind of address; supported: {known}")
    module = import_module(f"{__name__}.{REGISTRY[fmt][0]}")
    return module.CONNECTOR
