"""Object-centric event logs (OCEL 2.0 JSON, SQLite and XML; OCEL 1.0 JSON), flattened on one type.

A process-mining log needs one case per event; an object-centric log relates each event to any
number of objects of several types. `--object-type T` chooses the cases: every event related to an
object of type T becomes one row per such object, with that object's id as the case id — the
semantics of `pm4py.ocel_flattening(ocel, T)` (several relations between the same event and
object, e.g. with different qualifiers, give one row). Without `--object-type` the import stops and
lists the object types with their object counts.

Staged columns: `case:concept:name` (object id), `concept:name` (activity = event type),
`time:timestamp` (event time, as text), `ocel:eid` (event id), `ocel:qualifier` (the relation's
qualifier(s), OCEL 2.0), every event attribute under its own name and every attribute of the object
as `case:<name>` (OCEL 2.0 attributes that change over time: the first value in the file, as pm4py
takes it). Values are text: JSON strings as they are, other JSON values in JSON spelling.

`__row` is the 1-based row of the flattened log (events in file order, then their objects in
relation order) — an event with two T objects gives two rows, and the shared pipeline needs one
`__row` per staged row; the event itself is named by `ocel:eid`. A relation to an object id the
log does not declare is a dangling reference: it is rejected (reason "dangling object reference
<id>", `source_row` = the event's 1-based position in the file, `raw` = the event id, activity,
time and object id as JSON) and counted in the notes.

The formats are told apart by content, not name: SQLite by its header, JSON by `{`, XML by `<`.
JSON is read with the standard `json` module and SQLite with the standard `sqlite3` module (read
only; DuckDB's sqlite extension is not needed); OCEL 2.0 XML with the same DTD/entity-refusing
expat parser as XES. The whole log is held in memory while flattening (OCEL files are small);
rows go to `pf_staging` in Arrow batches.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from procesflow.errors import InputError
from procesflow.unpack import open_maybe_gzip

from .base import ROW, ConnectorOptions, Staged, StagingWriter, add_stage_rejects
from .xes import parse_file, secure_parser

CASE = "case:concept:name"
ACTIVITY = "concept:name"
TIMESTAMP = "time:timestamp"
EVENT_ID = "ocel:eid"
QUALIFIER = "ocel:qualifier"
RESERVED = {CASE, ACTIVITY, TIMESTAMP, EVENT_ID, QUALIFIER, ROW}
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class OcelEvent:
    eid: str
    activity: str | None
    time: str | None
    attrs: dict[str, str | None]
    #: (object id, qualifier) in relation order
    relations: list[tuple[str, str | None]]


@dataclass
class OcelLog:
    """An object-centric log as read, before flattening."""

    version: str
    container: str
    object_types: list[str]  # declared types, in declaration order
    objects: dict[str, tuple[str, dict[str, str | None]]]  # id -> (type, attributes)
    events: list[OcelEvent] = field(default_factory=list)


class OcelConnector:
    name = "ocel"
    suffixes = (".jsonocel", ".sqlite", ".sqlite3", ".json", ".xmlocel")

    def stage(
        self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions
    ) -> Staged:
        log = read_ocel(source)
        counts = Counter(otype for otype, _ in log.objects.values())
        for otype in log.object_types:
            counts.setdefault(otype, 0)
        wanted = options.object_type
        if not wanted:
            raise InputError(
                f"{source}: choose an object type with --object-type: {_type_list(counts)}"
            )
        if wanted not in counts:
            raise InputError(
                f"{source}: no object type {wanted!r} in this log; "
                f"choose one with --object-type: {_type_list(counts)}"
            )
        writer = StagingWriter(con)
        flat = _flatten(log, wanted, writer)
        columns = writer.close()
        add_stage_rejects(con, flat.rejects)
        if writer.rows == 0:
            raise InputError(
                f"{source}: no event relates to an object of type {wanted!r} "
                f"({counts[wanted]} objects); choose another --object-type: {_type_list(counts)}"
            )
        notes = [
            f"flattened on object type {wanted!r}: {flat.cases:,} objects with events are the "
            f"cases; {flat.events_used:,} of {len(log.events):,} events relate to one and became "
            f"{writer.rows:,} rows (one per related {wanted!r} object)"
        ]
        if flat.dangling:
            example = next(iter(flat.dangling))
            notes.append(
                f"{sum(flat.dangling.values()):,} relation(s) point to "
                f"{len(flat.dangling):,} object id(s) the log does not declare (dangling object "
                f"references, e.g. {example!r}); they are rejected"
            )
        if flat.renamed:
            notes.append(
                "attributes renamed because their names are taken: "
                + ", ".join(f"{a!r} -> {b!r}" for a, b in sorted(flat.renamed.items()))
            )
        return Staged(
            connector=self.name,
            rows_read=writer.rows + len(flat.rejects),
            columns=columns,
            role_hints={"case": CASE, "activity": ACTIVITY, "timestamp": TIMESTAMP},
            notes=notes,
            detected={
                "ocel_version": log.version,
                "container": log.container,
                "object_type": wanted,
                "object_types": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            },
        )


def _type_list(counts: Counter[str]) -> str:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ordered:
        return "(the log declares no objects)"
    return ", ".join(f"{t} ({n:,} object{'s' if n != 1 else ''})" for t, n in ordered)


# -- flattening ------------------------------------------------------------------------------------
@dataclass
class _Flat:
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    dangling: Counter[str] = field(default_factory=Counter)
    renamed: dict[str, str] = field(default_factory=dict)
    cases: int = 0
    events_used: int = 0


def _flatten(log: OcelLog, otype: str, writer: StagingWriter) -> _Flat:
    flat = _Flat()
    objects = log.objects
    case_attrs: dict[str, dict[str, str | None]] = {}
    for oid, (t, attrs) in objects.items():
        if t == otype:
            case_attrs[oid] = {_name(flat, "case:" + k, "object"): v for k, v in attrs.items()}
    seen_cases: set[str] = set()
    row = 0
    for number, ev in enumerate(log.events, start=1):
        targets: dict[str, list[str]] = {}
        for oid, qualifier in ev.relations:
            if oid not in objects:
                flat.dangling[oid] += 1
                raw = json.dumps(
                    {"ocel:eid": ev.eid, "ocel:activity": ev.activity, "ocel:timestamp": ev.time,
                     "ocel:oid": oid},
                    ensure_ascii=False,
                )
                flat.rejects.append((number, raw, f"dangling object reference {oid}"))
            elif objects[oid][0] == otype:
                quals = targets.setdefault(oid, [])
                if qualifier and qualifier not in quals:
                    quals.append(qualifier)
        if not targets:
            continue
        flat.events_used += 1
        event_attrs = {_name(flat, k, "event"): v for k, v in ev.attrs.items()}
        for oid, quals in targets.items():
            row += 1
            seen_cases.add(oid)
            record: dict[str, str | None] = dict(event_attrs)
            record.update(case_attrs[oid])
            record[CASE] = oid
            record[ACTIVITY] = ev.activity
            record[TIMESTAMP] = ev.time
            record[EVENT_ID] = ev.eid
            if quals:
                record[QUALIFIER] = "; ".join(quals)
            writer.add(row, record)
    flat.cases = len(seen_cases)
    return flat


def _name(flat: _Flat, name: str, kind: str) -> str:
    """The staged column for an attribute; names the connector itself uses get a suffix."""
    taken = name in RESERVED or (kind == "event" and name.lower().startswith("case:"))
    if not taken:
        return name
    new = f"{name} ({kind} attribute)"
    flat.renamed[name] = new
    return new


# -- reading ---------------------------------------------------------------------------------------
def read_ocel(source: Path) -> OcelLog:
    """Read an OCEL file of any supported kind, told apart by its first bytes."""
    with open_maybe_gzip(source) as fh:
        head = fh.read(64)
    if head.startswith(SQLITE_MAGIC):
        return _read_sqlite(source)
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text_head.startswith((b"{", b"[")):
        return _read_json(source)
    if text_head.startswith(b"<"):
        return _read_xml(source)
    raise InputError(
        f"{source}: not an OCEL log (expected OCEL 2.0 JSON, SQLite or XML, or OCEL 1.0 JSON)"
    )


def _text(value: Any) -> str | None:
    """An attribute value as text: strings as they are, other JSON values in JSON spelling."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.hex()
    return json.dumps(value, ensure_ascii=False)


def _read_json(source: Path) -> OcelLog:
    try:
        with open_maybe_gzip(source) as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: malformed JSON at line {exc.lineno}: {exc.msg}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 JSON ({exc.reason} at byte {exc.start})") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: not an OCEL log (the JSON is not an object)")
    try:
        if "ocel:events" in data or "ocel:objects" in data:
            return _json_ocel1(data)
        if "events" in data and "objects" in data:
            return _json_ocel2(data)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InputError(f"{source}: not a valid OCEL JSON log ({_describe(exc)})") from None
    raise InputError(
        f"{source}: not an OCEL log (no OCEL 2.0 'events'/'objects' nor OCEL 1.0 "
        "'ocel:events'/'ocel:objects' keys)"
    )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _json_ocel1(data: dict[str, Any]) -> OcelLog:
    declared = list(data.get("ocel:global-log", {}).get("ocel:object-types", []) or [])
    objects: dict[str, tuple[str, dict[str, str | None]]] = {}
    for oid, obj in data.get("ocel:objects", {}).items():
        attrs = {str(k): _text(v) for k, v in (obj.get("ocel:ovmap") or {}).items()}
        objects[str(oid)] = (str(obj["ocel:type"]), attrs)
    events = [
        OcelEvent(
            eid=str(eid),
            activity=_text(ev.get("ocel:activity")),
            time=_text(ev.get("ocel:timestamp")),
            attrs={str(k): _text(v) for k, v in (ev.get("ocel:vmap") or {}).items()},
            relations=[(str(oid), None) for oid in ev.get("ocel:omap") or []],
        )
        for eid, ev in data.get("ocel:events", {}).items()
    ]
    return OcelLog("1.0", "json", [str(t) for t in declared], objects, events)


def _json_ocel2(data: dict[str, Any]) -> OcelLog:
    declared = [str(t["name"]) for t in data.get("objectTypes") or []]
    objects: dict[str, tuple[str, dict[str, str | None]]] = {}
    for obj in data["objects"]:
        attrs: dict[str, str | None] = {}
        for a in obj.get("attributes") or []:
            attrs.setdefault(str(a["name"]), _text(a.get("value")))  # first value, as pm4py
        objects[str(obj["id"])] = (str(obj["type"]), attrs)
    events = [
        OcelEvent(
            eid=str(ev["id"]),
            activity=_text(ev.get("type")),
            time=_text(ev.get("time")),
            attrs={str(a["name"]): _text(a.get("value")) for a in ev.get("attributes") or []},
            relations=[
                (str(r["objectId"]), _text(r.get("qualifier")))
                for r in ev.get("relationships") or []
            ],
        )
        for ev in data["events"]
    ]
    return OcelLog("2.0", "json", declared, objects, events)


def _read_sqlite(source: Path) -> OcelLog:
    uri = source.resolve().as_uri() + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{source}: cannot open the SQLite file ({exc})") from None
    try:
        return _sqlite_ocel2(db, source)
    except sqlite3.Error as exc:
        raise InputError(f"{source}: not a readable OCEL 2.0 SQLite database ({exc})") from None
    finally:
        db.close()


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_ocel2(db: sqlite3.Connection, source: Path) -> OcelLog:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    needed = {"event", "object", "event_object"}
    if not needed <= tables:
        missing = ", ".join(sorted(needed - tables))
        raise InputError(
            f"{source}: not an OCEL 2.0 SQLite database (no table {missing})"
        )

    def maps(kind: str) -> dict[str, str]:
        if f"{kind}_map_type" not in tables:
            return {}
        rows = db.execute(f"SELECT ocel_type, ocel_type_map FROM {kind}_map_type").fetchall()
        return {str(t): str(m) for t, m in rows}

    skip_cols = {"ocel_id", "ocel_time", "ocel_changed_field", "ocel:activity", "ocel:type"}

    def attribute_rows(table: str) -> Iterator[tuple[str, str | None, dict[str, str | None]]]:
        cur = db.execute(f"SELECT * FROM {_qi(table)} ORDER BY rowid")
        names = [d[0] for d in cur.description]
        for values in cur:
            row = dict(zip(names, values, strict=True))
            attrs = {k: _text(v) for k, v in row.items() if k not in skip_cols and v is not None}
            yield str(row["ocel_id"]), _text(row.get("ocel_time")), attrs

    object_types: list[str] = []
    objects: dict[str, tuple[str, dict[str, str | None]]] = {}
    for oid, otype in db.execute("SELECT ocel_id, ocel_type FROM object ORDER BY rowid"):
        objects[str(oid)] = (str(otype), {})
    for otype, suffix in maps("object").items():
        object_types.append(otype)
        table = f"object_{suffix}"
        if table not in tables:
            continue
        for oid, _time, attrs in attribute_rows(table):
            if oid in objects:
                current = objects[oid][1]
                for k, v in attrs.items():
                    current.setdefault(k, v)  # first value in the table, as pm4py
    event_data: dict[str, tuple[str | None, dict[str, str | None]]] = {}
    for _etype, suffix in maps("event").items():
        table = f"event_{suffix}"
        if table in tables:
            for eid, time, attrs in attribute_rows(table):
                event_data[eid] = (time, attrs)
    relations: dict[str, list[tuple[str, str | None]]] = {}
    for eid, oid, qualifier in db.execute(
        "SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object ORDER BY rowid"
    ):
        relations.setdefault(str(eid), []).append((str(oid), _text(qualifier)))
    events = []
    for eid, etype in db.execute("SELECT ocel_id, ocel_type FROM event ORDER BY rowid"):
        eid = str(eid)
        time, attrs = event_data.get(eid, (None, {}))
        events.append(OcelEvent(eid, _text(etype), time, attrs, relations.get(eid, [])))
    return OcelLog("2.0", "sqlite", object_types, objects, events)


def _read_xml(source: Path) -> OcelLog:
    reader = _OcelXml(source)
    parse_file(reader.parser, source)
    if not reader.seen_log:
        raise InputError(f"{source}: not an OCEL 2.0 XML log (no <log> root element)")
    if reader.legacy:
        raise InputError(
            f"{source}: OCEL 1.0 XML is not supported; convert it to OCEL 2.0 "
            "(e.g. pm4py.write_ocel2_xml) or export OCEL JSON"
        )
    return OcelLog("2.0", "xml", reader.object_types, reader.objects, reader.events)


class _OcelXml:
    """expat callbacks for OCEL 2.0 XML (object types, objects, events, relationships)."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.parser = secure_parser()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.stack: list[str] = []
        self.seen_log = False
        self.legacy = False
        self.object_types: list[str] = []
        self.objects: dict[str, tuple[str, dict[str, str | None]]] = {}
        self.events: list[OcelEvent] = []
        self.current: OcelEvent | tuple[str, dict[str, str | None]] | None = None
        self.attr_name: str | None = None
        self.buffer: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        stack = self.stack
        parent = stack[-1] if stack else None
        stack.append(name)
        if parent is None:
            self.seen_log = name == "log"
            return
        section = stack[1] if len(stack) > 1 else None
        if name == "object-type" and parent == "object-types":
            self.object_types.append(attrs.get("name", ""))
        elif name == "object" and parent == "objects" and len(stack) == 3:
            oid = attrs.get("id", "")
            self.current = (oid, {})
            self.objects[oid] = (attrs.get("type", ""), self.current[1])
        elif name == "event" and parent == "events" and len(stack) == 3:
            self.current = OcelEvent(attrs.get("id", ""), attrs.get("type"), attrs.get("time"),
                                     {}, [])
            self.events.append(self.current)
        elif name == "attribute" and parent == "attributes" and len(stack) == 5:
            self.attr_name = attrs.get("name", "")
            self.buffer = []
        elif name == "relationship" and section == "events" and isinstance(self.current, OcelEvent):
            self.current.relations.append((attrs.get("object-id", ""), attrs.get("qualifier")))
        elif name == "global" or (section == "events" and name in ("string", "date", "list")):
            self.legacy = True  # OCEL 1.0 XML: <global>, <event><string key="id" .../>

    def text(self, data: str) -> None:
        if self.attr_name is not None:
            self.buffer.append(data)

    def end(self, name: str) -> None:
        stack = self.stack
        if self.attr_name is not None and name == "attribute":
            value = "".join(self.buffer).strip()
            current = self.current
            if isinstance(current, OcelEvent):
                current.attrs[self.attr_name] = value
            elif current is not None:
                current[1].setdefault(self.attr_name, value)  # first value, as pm4py
            self.attr_name = None
        elif name in ("object", "event") and len(stack) == 3:
            self.current = None
        stack.pop()


CONNECTOR = OcelConnector()
