"""From "a file or a log name" to an `EventLog` ready for analysis.

Commands and notebooks accept either an exported file (imported on first use, reused afterwards:
the store remembers each file's sha256) or the name of a log already in the store. Analysis then
runs on a read-only connection, so nothing an analysis or a rule does can change the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, StoreError
from .eventlog import EventLog
from .filters import FilterSpec
from .importer import (
    ImportRequest,
    ImportResult,
    content_sha256,
    default_log_name_for_url,
    import_log,
    is_source_path,
    is_url,
    refuse_plain_folder,
)
from .store import Store, default_db_path


@dataclass
class Resolved:
    db: Path
    name: str
    imported: ImportResult | None  # None when an earlier import was reused or a name was given


def ensure_imported(arg: str, db: Path | None, request: ImportRequest | None = None) -> Resolved:
    """Import `arg` if it is a file not yet in the store; return the store path and the log name."""
    db = Path(db) if db else default_db_path()
    path = Path(arg)
    if is_url(arg):  # a database or API: the log of that name is reused unless --replace reads it again
        request = request or ImportRequest(source=arg)
        request.source = arg
        with Store(db) as store:
            name = request.name or default_log_name_for_url(arg, request.mapping.source)
            if not request.replace and name in store.log_names():
                return Resolved(db, name, None)
            result = import_log(store, request)
        return Resolved(db, result.log, result)
    refuse_plain_folder(path)
    if is_source_path(path):
        request = request or ImportRequest(source=str(path))
        request.source = str(path)
        with Store(db) as store:
            if not request.replace:
                request.known_sha256 = content_sha256(path)
                existing = store.find_import_by_sha(request.known_sha256)
                if existing and (request.name is None or request.name == existing):
                    if request.pseudonymize and not _pseudonymized(store, existing):
                        raise InputError(
                            f"{path}: already imported as log {existing!r} without --pseudonymize; "
                            "add --replace to import it again with pseudonyms"
                        )
                    return Resolved(db, existing, None)
            result = import_log(store, request)
        return Resolved(db, result.log, result)
    if not db.exists():
        raise StoreError(
            f"{arg}: no such file, and no store at {db} to find a log of that name in; "
            "give the exported log file"
        )
    with Store(db, read_only=True) as store:
        name = store.require_log(arg)
    return Resolved(db, name, None)


def _pseudonymized(store: Store, log: str) -> bool:
    mapping = json.loads(str(store.active_import(log)["mapping"]))
    return bool((mapping.get("privacy") or {}).get("pseudonymize"))


def open_log(db: Path, name: str, filters: FilterSpec | None = None) -> EventLog:
    """A read-only `EventLog`; close it with `log.store.close()` (or use `analysed_log`)."""
    store = Store(db, read_only=True)
    try:
        return EventLog(store, name, filters)
    except BaseException:
        store.close()
        raise
