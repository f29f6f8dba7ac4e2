"""Import a source into the store: stage, map roles, parse time, reject, pair, write — all or nothing.

The steps, each a SQL file in `procesflow/sql/`:

1. the connector stages the source rows as they are (`pf_staging`, see `connectors/base.py`);
2. roles are resolved (flags > mapping file > the format's own names > auto-detection);
3. `normalise.sql` turns rows into candidate events with a reject reason;
4. rejected rows go to `rejects` with their raw content — nothing is silently dropped;
5. `pairing.sql` merges lifecycle start/complete pairs into one event with start and end time;
6. duplicates are counted (and dropped with `dedupe`), events are written sorted by
   (log, case_id, ts, seq), case attributes and activity tags are stored;
7. the data-quality report (`quality.sql`) is computed and stored with the import.

Steps 1-7 up to the quality report work in TEMP objects only (`_prepare`), outside any transaction:
DuckDB scans a table made inside an open transaction on one thread, committed ones on all (at 10M
CSV rows the import took 29.8 s inside one transaction, 21 s like this). Writing the log into the
store (`_write`: its ENUM types and table, rejects, cases, the import's record, replacing an older
import) is one transaction: any error, Ctrl-C or kill leaves the store as it was (only an import id
of the sequence is used up).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from . import privacy, timeparse
from .errors import InputError, ProcesflowError, first_line, out_of_memory
from .roles import Mapping, RoleResolution, case_attribute_columns, event_attribute_columns, resolve_roles
from .sqlfiles import quote_ident, quote_literal, render_sql, sql_text
from .store import (
    ATTR_PREFIX,
    Store,
    attribute_type,
    drop_log_table,
    events_table,
    refresh_events_view,
    role_type,
)
from .unpack import unpack_single

DEFAULT_TZ = "Europe/Amsterdam"


@dataclass
class ImportRequest:
    """Everything that decides how a source becomes a log."""

    source: str
    name: str | None = None
    fmt: str | None = None
    mapping: Mapping = field(default_factory=Mapping)
    strict: bool = False
    dedupe: bool = False
    replace: bool = False
    #: replace case ids, resources and columns with personal data by keyed pseudonyms (procesflow.privacy)
    pseudonymize: bool = False
    #: the source's content hash when the caller computed it already (`content_sha256`), so that the
    #: file is not read twice for it
    known_sha256: str | None = None


@dataclass
class ImportResult:
    """What an import did, in numbers (the CLI prints it, notebooks show it)."""

    log: str
    import_id: int
    connector: str
    source: str
    rows_read: int
    rows_valid: int
    events: int
    rejected: int
    rejects_by_reason: dict[str, int]
    duplicates: int
    duplicates_removed: int
    pairs_merged: int
    roles: list[tuple[str, str, str]]
    time_parsing: dict[str, str]
    detected: dict[str, Any]
    quality: dict[str, Any]
    notes: list[str]
    duration_s: float
    reused: bool = False


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_delta_table(path: Path) -> bool:
    """A Delta Lake table: a folder with a `_delta_log/` (read by `procesflow.connectors.delta`)."""
    return path.is_dir() and (path / "_delta_log").is_dir()


def is_source_path(path: Path) -> bool:
    """A file to import, or a Delta Lake table."""
    return path.is_file() or is_delta_table(path)


def refuse_plain_folder(path: Path) -> None:
    """A folder is a source only as a Delta table; any other folder is a one-line error."""
    if path.is_dir() and not is_delta_table(path):
        raise InputError(f"{path}: is a folder; give the exported log file (or a Delta table's folder)")


def content_sha256(path: Path) -> str:
    """What identifies the content of a source file — or of a Delta table's current version (a
    folder), which is the same import as long as its log has no new version."""
    if path.is_dir():
        from procesflow.connectors.delta import snapshot  # noqa: PLC0415

        refuse_plain_folder(path)
        return snapshot(path).digest()
    return file_sha256(path)


class ContentHash:
    """`content_sha256` of a source file computed on a thread while the import reads the file
    (hashlib lets go of the GIL, so it runs on a second core beside the byte scan and DuckDB's
    reader); `value()` waits for it where it is needed: a name conflict, the import's record."""

    def __init__(self, path: Path, known: str | None = None) -> None:
        self._value = known
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if known is None:
            self._thread = threading.Thread(target=self._run, args=(path,), daemon=True, name="procesflow-hash")
            self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._value = content_sha256(path)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by value()
            self._error = exc

    def value(self) -> str:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def default_log_name(path: Path) -> str:
    """The log name an import gets without --name: the file name without its endings."""
    name = path.name
    for suffix in (".gz", ".zip", ".xes", ".csv", ".txt", ".tsv", ".parquet", ".pq", ".xlsx",
                   ".jsonocel", ".json", ".sqlite", ".sqlite3", ".xmlocel"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    name = re.sub(r"[^\w\-.]+", "_", name).strip("_.") or "log"
    return name


URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
LOG_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")


def is_url(source: str) -> bool:
    """A database or API address (postgresql://, sqlite:///, zgw+https://, ...), not a file."""
    return bool(URL.match(str(source)))


def redact_url(url: str) -> str:
    """The address without user name, password or query-string secrets — what may be stored."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def default_log_name_for_url(url: str, source_options: dict[str, Any]) -> str:
    """Without --name: the table name, else the last part of the address path."""
    from urllib.parse import urlsplit

    base = source_options.get("table") or urlsplit(url).path.rstrip("/").split("/")[-1] or "log"
    base = re.sub(r"\.(sqlite3?|db|duckdb)$", "", base)
    return re.sub(r"[^\w\-.]+", "_", base).strip("_.") or "log"


def check_log_name(name: str) -> str:
    """Log names become folder names (procesflow-out/<log>): letters, digits, _ . - only."""
    if not LOG_NAME.match(name) or name in (".", ".."):
        raise InputError(
            f"--name {name!r}: use letters, digits, '_', '.' and '-' only (at most 100), e.g. vergunningen_2024"
        )
    return name


def import_log(store: Store, request: ImportRequest) -> ImportResult:
    """Import `request.source` into `store` as one transaction and return what happened."""
    from procesflow.connectors import ConnectorOptions, connector_for, connector_for_url  # noqa: PLC0415

    started = time.perf_counter()
    if is_url(request.source):
        # databases and APIs: no file to hash; the stored source never holds credentials
        path = None
        sha: ContentHash | None = None
        label = redact_url(request.source)
        name = check_log_name(request.name or default_log_name_for_url(request.source, request.mapping.source))
    else:
        path = Path(request.source)
        if not path.exists():
            raise InputError(f"{path}: file not found")
        sha = ContentHash(path, request.known_sha256 or (content_sha256(path) if path.is_dir() else None))
        label = str(path)
        name = check_log_name(request.name or default_log_name(path))
    _check_name(store, name, sha, label, request.replace)

    mapping = request.mapping
    tz = timeparse.check_tz(mapping.tz or DEFAULT_TZ)
    src = mapping.source
    options = ConnectorOptions(
        delimiter=src.get("delimiter"),
        encoding=src.get("encoding"),
        quote=src.get("quote"),
        null_tokens=src.get("null"),
        sheet=src.get("sheet"),
        object_type=src.get("object_type"),
        table=src.get("table"),
        query=src.get("query"),
        extra=dict(src),  # connector-specific source options (password_env, client_id, zaaktypen, ...)
    )
    con = store.con
    with tempfile.TemporaryDirectory(prefix="procesflow-") as tmp:
        options.extra["workdir"] = Path(tmp)
        if path is None:
            readable: Path | str = request.source
            connector = connector_for_url(request.source, request.fmt)
        else:
            readable = unpack_single(path, Path(tmp))
            try:
                connector = connector_for(readable, request.fmt)
            except ProcesflowError as exc:
                raise _in_archive(exc, readable, path) from None
        try:
            prepared = _prepare(store, connector, readable, options, request, mapping, tz, label)
            with store.transaction():
                result = _write(store, prepared, request, mapping, tz, name, sha, label)
                result.duration_s = time.perf_counter() - started
                con.execute(
                    "UPDATE imports SET duration_s = ? WHERE import_id = ?",
                    [result.duration_s, result.import_id],
                )
        except ProcesflowError as exc:
            raise _in_archive(exc, readable, path) from None
        except duckdb.InterruptException:  # Ctrl-C during a query: rolled back, report as such
            raise KeyboardInterrupt from None
        except duckdb.OutOfMemoryException as exc:
            raise out_of_memory(f"{label}: importing it", exc) from None
        except duckdb.Error as exc:
            raise InputError(f"{label}: cannot import ({first_line(exc)})") from exc
        finally:
            _drop_temp(con)
    return result


@dataclass(frozen=True)
class _CodedType:
    """A text column the import codes as an ENUM: TEMP while preparing, the store's own type on writing."""

    column: str  # the column of pf_log
    name: str  # the store's type (role_type / attribute_type)
    create_sql: str  # makes the store's type, with the same values in the same order as the TEMP one


@dataclass
class _Prepared:
    """What the preparation leaves in TEMP objects (pf_norm, pf_rejects, pf_events, pf_log, ...) for the write."""

    staged: Any
    resolution: RoleResolution
    personal: list[Any]
    pseudonymised: Any
    ts_plan: timeparse.TimeParse
    start_plan: timeparse.TimeParse | None
    import_id: int
    carried: dict[str, str]
    coded: list[_CodedType]
    by_reason: dict[str, int]
    rows_valid: int
    n_events: int
    dst: tuple[int, int]
    quality: dict[str, Any]
    duplicates: int


def _prepare(
    store: Store,
    connector: Any,
    readable: Path | str,
    options: Any,
    request: ImportRequest,
    mapping: Mapping,
    tz: str,
    label: str,
) -> _Prepared:
    """Stage, check, parse and reject, pair and code the events — in TEMP objects only, outside any
    transaction: DuckDB scans a table made inside an open transaction on one thread, committed ones
    on all of them (benchmarks/PROFILE.md: 10M CSV rows, normalise.sql 11.5 s on 1.2 cores inside,
    5.6 s on 1.9 cores outside)."""
    from procesflow.connectors.base import check_column_count, create_stage_rejects, drop_staging  # noqa: PLC0415

    con = store.con
    create_stage_rejects(con)
    staged = connector.stage(con, readable, options)
    store.fit_memory(staged.rows_read)  # what the import holds grows with the rows, as an analysis
    path = label  # messages name the source as the user gave it (credentials removed)
    if staged.rows_read == 0:
        raise InputError(f"{path}: no rows to import (the file holds no events)")
    check_column_count(path, len(staged.columns))
    resolution = resolve_roles(staged.columns, mapping, staged.role_hints, source_name=label)
    # personal data: found in SQL over the staged columns; pseudonymised before anything is stored
    # (case ids that are themselves personal data always are, so that they cannot reach a report)
    personal = privacy.detect(con, staged.columns, resolution.roles)
    pseudonymised = None
    if request.pseudonymize or any(f.role == "case" for f in personal):
        pseudonymised = privacy.pseudonymise(con, staged.columns, resolution.roles, personal,
                                             only_case=not request.pseudonymize)
        con.execute("DROP TABLE IF EXISTS pf_values")  # the values changed: counted again when needed
    staged.notes.extend(privacy.notes(personal, pseudonymised))
    timeparse.install_macros(con)
    ts_plan = timeparse.plan(
        con, "pf_staging", resolution.roles["timestamp"], tz, mapping.timestamp_format, fast_column="pf_ts_fast"
    )
    start_plan = None
    if "start_timestamp" in resolution.roles:
        start_plan = timeparse.plan(
            con, "pf_staging", resolution.roles["start_timestamp"], tz,
            mapping.start_timestamp_format or mapping.timestamp_format, fast_column="pf_start_fast",
        )
    carried = _carried_columns(staged.columns, resolution)
    # the import's id first: its ENUM types, rejects and events refer to it
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    coded: list[_CodedType] = []
    con.execute(_normalise_sql(con, resolution, ts_plan, start_plan, tz, carried, import_id, coded))
    con.execute("CREATE OR REPLACE TEMP TABLE pf_rejects AS SELECT source_row, raw, reason FROM pf_stage_rejects")
    if con.execute("SELECT count(reason) FROM pf_norm").fetchone()[0]:  # the raw rows only when needed
        con.execute(
            """
            INSERT INTO pf_rejects
            SELECT n.source_row, CAST(to_json(s) AS VARCHAR), n.reason
            FROM pf_norm n JOIN pf_staging s ON s.__row = n.source_row
            WHERE n.reason IS NOT NULL
            """
        )
    drop_staging(con, staged)  # the rows are in pf_norm and pf_rejects now
    by_reason = dict(
        con.execute("SELECT reason, count(*) FROM pf_rejects GROUP BY reason ORDER BY count(*) DESC, reason"
                    ).fetchall()
    )
    rejected = sum(by_reason.values())
    if request.strict and rejected:
        reason, count = next(iter(by_reason.items()))
        first = con.execute("SELECT min(source_row) FROM pf_rejects WHERE reason = ?", [reason]).fetchone()[0]
        raise InputError(
            f"{path}: --strict and {rejected} row(s) rejected, e.g. row {first}: {reason}; "
            "fix the source or import without --strict to keep the rest"
        )
    rows_valid = con.execute("SELECT count(*) FROM pf_norm WHERE reason IS NULL").fetchone()[0]
    if rows_valid == 0:
        reason = next(iter(by_reason), "no rows")
        raise InputError(
            f"{path}: none of the {staged.rows_read} rows is usable ({reason}); "
            "check the column roles (--case/--activity/--timestamp) and --timestamp-format"
        )
    dst = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE pf_is_nonexistent(ts_local, {quote_literal(tz)})),
               count(*) FILTER (WHERE pf_is_ambiguous(ts_local, {quote_literal(tz)}))
        FROM pf_norm WHERE reason IS NULL AND ts_near_dst
        """
    ).fetchone()

    pairs = _has_start_complete(con) if "lifecycle" in resolution.roles else False
    carried_sql = "".join(f", {quote_ident(c)}" for c in carried)
    if pairs:
        carried_pairs = "".join(f",\n    coalesce(e.{quote_ident(c)}, s.{quote_ident(c)}) AS {quote_ident(c)}"
                                for c in carried)
        con.execute(render_sql("pairing", carried=carried_sql, carried_pairs=carried_pairs))
    else:
        con.execute(render_sql("unpaired", carried=carried_sql))
    n_events, first_row, last_row = con.execute(
        "SELECT count(*), min(source_row), max(source_row) FROM pf_events").fetchone()

    # equal events: the same case, activity, times, resource, department, channel and lifecycle
    same = "activity, ts, start_ts, resource, department, channel, lifecycle"
    duplicates = None
    if request.dedupe:  # counted before they go
        duplicates = con.execute(
            f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT case_id, {same} FROM pf_events)) "
            "FROM pf_events"
        ).fetchone()[0]
    # seq is 1..n in source order: the source row itself when the usable rows are contiguous (no
    # rejects, no merged pairs), which saves numbering every event in one more sorted pass
    contiguous = not request.dedupe and last_row - first_row + 1 == n_events
    seq = f"source_row - {int(first_row) - 1}" if contiguous else "row_number() OVER (ORDER BY source_row)"
    attributes = [c for c in carried if c.startswith(ATTR_PREFIX)]
    lifecycle_type = f"{TEMP_TYPE_PREFIX}lifecycle"
    coded.append(_CodedType("lifecycle", role_type("lifecycle", import_id),
                            render_sql("lifecycle_type", temp="", type=quote_ident(role_type("lifecycle", import_id)))))
    con.execute(render_sql("lifecycle_type", temp="OR REPLACE TEMP", type=quote_ident(lifecycle_type)))
    con.execute(render_sql(
        "log_view",
        seq=seq,
        attributes="".join(f",\n       {quote_ident(c)}" for c in attributes),
        dedupe=(f"QUALIFY row_number() OVER (PARTITION BY case_id, {same} ORDER BY source_row) = 1"
                if request.dedupe else ""),
        lifecycle_type=quote_ident(lifecycle_type),
    ))
    quality = _quality(con, "pf_log")
    if duplicates is None:  # equal events share case and timestamp: only tied events can be duplicates
        duplicates = con.execute(
            f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM pf_log "
            f"GROUP BY case_no, {same} HAVING count(*) > 1)"
        ).fetchone()[0] if quality["tied_events"] else 0
    return _Prepared(
        staged=staged, resolution=resolution, personal=personal, pseudonymised=pseudonymised,
        ts_plan=ts_plan, start_plan=start_plan, import_id=import_id, carried=carried, coded=coded,
        by_reason=by_reason, rows_valid=rows_valid, n_events=n_events, dst=(dst[0], dst[1]),
        quality=quality, duplicates=duplicates,
    )


def _write(
    store: Store, p: _Prepared, request: ImportRequest, mapping: Mapping, tz: str, name: str,
    sha: ContentHash | None, label: str,
) -> ImportResult:
    """Store what `_prepare` made: the log's ENUM types and table, its rejects, cases and import record.
    Run inside the import's transaction."""
    con = store.con
    import_id = p.import_id
    # replacing: the old log goes in the same transaction, so a failure keeps it intact
    replaced = [i for (i,) in con.execute("SELECT import_id FROM imports WHERE log = ?", [name]).fetchall()]
    con.execute("UPDATE imports SET active = false WHERE log = ? AND active", [name])
    for table in ("cases", "activity_tags"):
        con.execute(f"DELETE FROM {table} WHERE log = ?", [name])
    con.execute("DELETE FROM rejects WHERE log = ?", [name])
    for old in replaced:
        drop_log_table(con, old)
    con.execute("INSERT INTO rejects SELECT ?, ?, source_row, raw, reason FROM pf_rejects", [import_id, name])

    for t in p.coded:
        con.execute(t.create_sql)
    casts = {t.column: f"CAST({quote_ident(t.column)} AS {quote_ident(t.name)}) AS {quote_ident(t.column)}"
             for t in p.coded}
    columns = [r[0] for r in con.execute("DESCRIBE pf_log").fetchall() if r[0] != "source_row"]
    table = events_table(import_id)
    con.execute(render_sql(
        "log_table", table=quote_ident(table),
        columns=",\n       ".join(casts.get(c, quote_ident(c)) for c in columns),
    ))
    stored = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()[0]
    _store_cases(con, name, [c for c in p.carried if not c.startswith(ATTR_PREFIX)])
    _store_tags(con, name, mapping.tags)

    rejected = sum(p.by_reason.values())
    quality = dict(p.quality)
    quality.update(
        personal_data=[f.to_json() for f in p.personal],
        duplicates=p.duplicates,
        duplicates_removed=p.duplicates if request.dedupe else 0,
        dst_nonexistent=p.dst[0],
        dst_ambiguous=p.dst[1],
        rejected=rejected,
        rejects_by_reason=p.by_reason,
    )
    time_parsing = {"timestamp": p.ts_plan.description}
    if p.start_plan:
        time_parsing["start_timestamp"] = p.start_plan.description
    staged, pseudonymised = p.staged, p.pseudonymised
    mapping_json = {
        "roles": p.resolution.roles,
        "how": p.resolution.how,
        "tz": tz,
        "time_parsing": time_parsing,
        "timestamp_format": mapping.timestamp_format,
        "tags": mapping.tags,
        "source_options": staged.detected,
        "mapping_file": mapping.path,
        "dedupe": request.dedupe,
        "strict": request.strict,
        "privacy": {
            "pseudonymize": request.pseudonymize,
            "personal_data": [f.to_json() for f in p.personal],
            "pseudonymized": pseudonymised.columns if pseudonymised else [],
            "key_id": pseudonymised.key_id if pseudonymised else None,
        },
    }
    con.execute(
        """
        INSERT INTO imports VALUES (?, ?, true, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
        """,
        [
            import_id, name, label, sha.value() if sha else None, staged.connector, json.dumps(mapping_json), tz,
            staged.rows_read, stored, rejected, datetime.now(UTC), json.dumps(quality, default=str),
        ],
    )
    refresh_events_view(con)
    return ImportResult(
        log=name,
        import_id=import_id,
        connector=staged.connector,
        source=label,
        rows_read=staged.rows_read,
        rows_valid=p.rows_valid,
        events=stored,
        rejected=rejected,
        rejects_by_reason=p.by_reason,
        duplicates=p.duplicates,
        duplicates_removed=p.duplicates if request.dedupe else 0,
        pairs_merged=p.rows_valid - p.n_events,
        roles=p.resolution.describe(),
        time_parsing=time_parsing,
        detected=staged.detected,
        quality=quality,
        notes=staged.notes,
        duration_s=0.0,
    )


def _check_name(store: Store, name: str, sha: ContentHash | None, path: str, replace: bool) -> None:
    existing = store.con.execute(
        "SELECT source, sha256 FROM imports WHERE log = ? AND active", [name]
    ).fetchone()
    if existing is None or replace:
        return
    if sha is not None and existing[1] == sha.value():
        raise InputError(
            f"{path}: already imported as log {name!r} (same content, sha256); "
            "use --replace to import it again"
        )
    raise InputError(
        f"{path}: the store already has a log named {name!r} (from {existing[0]}); "
        "use --name to choose another name or --replace to overwrite it"
    )


def _carried_columns(columns: list[str], resolution: RoleResolution) -> dict[str, str]:
    """pf_norm column -> source column for the values that travel along with each event: the event
    attributes ("attr:<column>") and the case attributes ("case:<key>", the source's own name)."""
    used = set(resolution.roles.values())
    out = {ATTR_PREFIX + c: c for c in event_attribute_columns(columns, used)}
    out.update({c: c for c in case_attribute_columns(columns)})
    return out


def _normalise_sql(
    con: duckdb.DuckDBPyConnection,
    resolution: RoleResolution,
    ts_plan: timeparse.TimeParse,
    start_plan: timeparse.TimeParse | None,
    tz: str,
    carried: dict[str, str],
    import_id: int,
    coded: list[_CodedType] | None = None,
) -> str:
    """normalise.sql for this source; the ENUM types its coded columns need are made (TEMP) and
    listed in `coded`."""
    roles = resolution.roles
    coded = [] if coded is None else coded

    def col(role: str) -> str:
        return f"s.{quote_ident(roles[role])}"

    no_start = timeparse.TimeParse("CAST(NULL AS TIMESTAMPTZ)", "false", "CAST(NULL AS TIMESTAMP)", "")
    start = start_plan or no_start
    texts, joins = _text_roles(con, roles, import_id, coded)
    carried_sql = "".join(
        f",\n        {_attribute_value(con, import_id, i, source, name, coded)} AS {quote_ident(name)}"
        for i, (name, source) in enumerate(carried.items())
    )
    hours = [p.hours for p in (ts_plan, start) if p.hours] or ["SELECT CAST(NULL AS BIGINT) AS hour"]
    con.execute(f"CREATE OR REPLACE TEMP TABLE pf_hours AS SELECT DISTINCT hour FROM "
                f"({' UNION ALL '.join(hours)}) WHERE hour IS NOT NULL")
    return render_sql(
        "normalise",
        tz=quote_literal(tz),
        ts_fast=ts_plan.fast,
        ts_present=ts_plan.present,
        ts_direct=ts_plan.direct,
        ts_date_only=ts_plan.date_only,
        ts_local=ts_plan.local,
        start_fast=start.fast,
        start_present=start.present,
        start_direct=start.direct,
        start_local=start.local,
        carried=carried_sql,
        text_joins=joins,
        case_name=_sql_escape(roles["case"]),
        activity_name=_sql_escape(roles["activity"]),
        timestamp_name=_sql_escape(roles["timestamp"]),
        start_name=_sql_escape(roles.get("start_timestamp", "")),
        **texts,
    )


TEXT_ROLES = ("case", "activity", "resource", "department", "channel", "lifecycle")
#: coded before normalising, from the distinct clean values (lifecycle after pairing, which makes
#: values such as start+complete)
EARLY_CODED = ("case", "activity", "resource", "department", "channel")
#: the import's ENUM types are TEMP while it prepares (named with this prefix); the log's table gets
#: the store's own types with the same values (role_type / attribute_type) when it is written
TEMP_TYPE_PREFIX = "pf_import_"
#: the import's case dictionary (TEMP only: the store keeps each case's code, cases.case_no)
CASE_TYPE = TEMP_TYPE_PREFIX + "case"
#: a role with more values stays text: DuckDB writes columns of larger ENUMs through its log file,
#: which doubles the cost of writing the events
MAX_ENUM_VALUES = 65_000


def _text_roles(con: duckdb.DuckDBPyConnection, roles: dict[str, str], import_id: int,
                coded_types: list[_CodedType]) -> tuple[dict[str, str], str]:
    """The SQL of each text role's value in pf_norm, and the joins they need (texts.sql): a role whose
    distinct values all stay the same under cleaning is read as it is, else its clean value is joined.
    The values become codes at once: each role's ENUM type (schema.sql) is made here from its distinct
    clean values, so pf_norm and everything after it carry small codes, not text."""
    mapped = [r for r in TEXT_ROLES if r in roles]
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'pf_values'"
                       ).fetchone()[0]:
        privacy.count_values(con, sorted({roles[r] for r in mapped}))
    con.execute(render_sql("texts", roles=", ".join(f"({quote_literal(r)}, {quote_literal(roles[r])})"
                                                    for r in mapped)))
    stats = {role: (int(n), bool(dirty)) for role, n, dirty in con.execute(
        "SELECT role, count(DISTINCT clean), bool_or(clean IS DISTINCT FROM nullif(raw, '')) "
        "FROM pf_texts GROUP BY role").fetchall()}
    exprs: dict[str, str] = {}
    joins = ""
    for role in TEXT_ROLES:
        distinct, dirty = stats.get(role, (0, False))
        if role not in roles:
            value = "CAST(NULL AS VARCHAR)"
        elif dirty:
            alias = f"t_{role}"
            joins += (f"\n    LEFT JOIN pf_texts {alias} ON {alias}.role = {quote_literal(role)} "
                      f"AND {alias}.raw = CAST(s.{quote_ident(roles[role])} AS VARCHAR)")
            value = f"{alias}.clean"
        else:
            value = f"nullif(CAST(s.{quote_ident(roles[role])} AS VARCHAR), '')"
        if role == "case":
            coded = CASE_TYPE
            con.execute(render_sql("role_type", temp="OR REPLACE TEMP", type=coded, role=quote_literal(role)))
        elif role in EARLY_CODED and distinct <= MAX_ENUM_VALUES:
            coded = quote_ident(TEMP_TYPE_PREFIX + role)
            con.execute(render_sql("role_type", temp="OR REPLACE TEMP", type=coded, role=quote_literal(role)))
            stored = role_type(role, import_id)
            coded_types.append(_CodedType(role, stored, render_sql(
                "role_type", temp="", type=quote_ident(stored), role=quote_literal(role))))
        else:
            coded = None
        exprs[role] = f"CAST({value} AS {coded})" if coded else value
    return exprs, joins


def _attribute_value(con: duckdb.DuckDBPyConnection, import_id: int, index: int, source: str, name: str,
                     coded_types: list[_CodedType]) -> str:
    """An attribute's value as stored: text, empty as NULL; event attributes that are ISO date-times
    with an offset in one UTC spelling (pf_canon_value; case attributes get it once per case).
    An event attribute with few distinct values (a case type, a product, a status) is coded like the
    roles: an ENUM of its values (role_type.sql), which costs a fraction of text to keep and write."""
    text = f"nullif(CAST(s.{quote_ident(source)} AS VARCHAR), '')"
    if not name.startswith(ATTR_PREFIX):
        return text
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'pf_values'"
                       ).fetchone()[0]:
        privacy.count_values(con, [source])
    distinct, canon_changes = con.execute(
        "SELECT count(*), bool_or(pf_canon_value(value) IS DISTINCT FROM value) FROM pf_values "
        "WHERE col = ? AND value IS NOT NULL AND value <> ''", [source]).fetchone()
    if distinct == 0 or distinct > MAX_ENUM_VALUES or canon_changes:
        return f"pf_canon_value({text})"
    coded = quote_ident(f"{TEMP_TYPE_PREFIX}attr{int(index)}")
    con.execute(render_sql("attribute_type", temp="OR REPLACE TEMP", type=coded, column=quote_literal(source)))
    stored = attribute_type(import_id, index)
    coded_types.append(_CodedType(name, stored, render_sql(
        "attribute_type", temp="", type=quote_ident(stored), column=quote_literal(source))))
    return f"CAST({text} AS {coded})"


def _sql_escape(text: str) -> str:
    return text.replace("'", "''")


def _store_cases(con: duckdb.DuckDBPyConnection, log: str, case_columns: list[str]) -> None:
    """One `cases` row per stored case with its case attributes (case_attributes.sql, case_ids.sql)."""
    if not case_columns:
        con.execute(sql_text("case_ids"), {"log": log})
        return
    entries = ", ".join(
        f"{{'k': {quote_literal(c[5:])}, "
        f"'v': pf_canon_value(arg_min({quote_ident(c)}, source_row) FILTER (WHERE {quote_ident(c)} IS NOT NULL))}}"
        for c in case_columns
    )
    con.execute(render_sql("case_attributes", entries=entries), {"log": log})


def _store_tags(con: duckdb.DuckDBPyConnection, log: str, tags: dict[str, list[str]]) -> None:
    rows = [(log, activity, tag) for tag, activities in tags.items() for activity in activities]
    if rows:
        con.executemany("INSERT INTO activity_tags VALUES (?, ?, ?)", rows)


def _has_start_complete(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FILTER (WHERE lower(lifecycle) = 'start'), "
        "count(*) FILTER (WHERE lower(lifecycle) = 'complete') FROM pf_norm WHERE reason IS NULL"
    ).fetchone()
    return bool(row[0]) and bool(row[1])


def _quality(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, Any]:
    cur = con.execute(render_sql("quality", table=quote_ident(table)))
    row = cur.fetchone()
    out = dict(zip([d[0] for d in cur.description], row, strict=True))
    for key in ("first_event", "last_event"):
        if out[key] is not None:
            out[key] = out[key].isoformat()
    return out


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every temporary object the import made (all are named pf_...), whatever its kind."""
    views = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND starts_with(view_name, 'pf_')").fetchall()
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'pf_')").fetchall()
    for kind, names in (("VIEW", views), ("TABLE", tables)):
        for (name,) in names:
            con.execute(f"DROP {kind} IF EXISTS {quote_ident(name)}")
    types = con.execute("SELECT type_name FROM duckdb_types() WHERE database_name = 'temp' AND "
                        "starts_with(type_name, ?)", [TEMP_TYPE_PREFIX]).fetchall()
    for (name,) in types:  # after the tables and views that use them
        con.execute(f"DROP TYPE IF EXISTS {quote_ident(name)}")


def _in_archive(exc: ProcesflowError, readable: Path | str, path: Path | None) -> ProcesflowError:
    """The error with the temporary path of a log extracted from a zip replaced by the zip's name."""
    if path is None or str(readable) == str(path) or str(readable) not in str(exc):
        return exc
    return type(exc)(str(exc).replace(str(readable), f"{path} ({Path(readable).name} in it)"))
