"""XES event logs (`.xes`, `.xes.gz`), parsed as a stream with DTDs and entities refused.

The file is read in 1 MiB blocks (gzip decompressed with the bounds of `procesflow.unpack`) and fed
to expat with callbacks, so memory stays flat however large the log is (one read block and one
trace are held); the Python work per XML element is a few dictionary operations — the parser
alone reads about 150k events/s of the Sepsis log; rows go to `pf_staging` via `StagingWriter`.

Security is what `defusedxml` gives with `forbid_dtd=True, forbid_entities=True,
forbid_external=True`, done on the expat parser directly: a document type declaration, an entity
declaration or an external entity reference raises (defusedxml's own exception classes) before
anything is expanded, so XXE cannot read local files and billion-laughs cannot expand. Undeclared
entities are malformed XML anyway.

What becomes a staged row: every `<event>`, numbered 1, 2, ... in file order (`__row`). Its
attributes keep their XES keys (`concept:name`, `time:timestamp`, ...), values as text exactly as
written (`value="..."`); the attributes of its trace become `case:<key>` columns (so the trace name
is `case:concept:name`, as in pm4py's dataframe and XES-derived CSVs). Children of an attribute
(nested attributes, list values) are ignored and the parent's value kept. Log-level attributes,
`<global>`, `<extension>` and `<classifier>` are skipped unread (logs often carry huge nested
`meta_*` statistics there). Events without a timestamp, or in a trace without a name, are staged
all the same; the shared pipeline rejects them with a reason. The XES namespace is optional (many
published logs have none) and element prefixes are ignored.
"""

from __future__ import annotations

import pyexpat
from pathlib import Path
from typing import Any

import duckdb
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from procesflow.errors import InputError
from procesflow.sqlfiles import quote_ident
from procesflow.unpack import open_maybe_gzip

from .base import ROW, STAGING, ConnectorOptions, Staged, StagingWriter

READ_BLOCK = 1 << 20
#: the XES standard keys and the roles they play (hints; flags and mapping files still win)
ROLE_KEYS = {
    "case": "case:concept:name",
    "activity": "concept:name",
    "timestamp": "time:timestamp",
    "resource": "org:resource",
    "department": "org:group",
    "lifecycle": "lifecycle:transition",
}
#: the events of one trace are kept until the trace ends (its attributes may follow its events);
#: a longer trace is written out in parts and late trace attributes are filled in afterwards
TRACE_SPILL = 20_000
_NEVER = 1 << 62


class XesConnector:
    name = "xes"
    suffixes = (".xes", ".xes.gz")

    def stage(
        self, con: duckdb.DuckDBPyConnection, source: Path, options: ConnectorOptions
    ) -> Staged:
        writer = StagingWriter(con)
        parser = _XesParser(writer, source)
        parser.run()
        columns = writer.close()
        hints = {role: key for role, key in ROLE_KEYS.items() if key in columns}
        notes: list[str] = []
        if parser.empty_traces:
            notes.append(f"{parser.empty_traces:,} trace(s) without events (no events to import)")
        if parser.orphan_events:
            notes.append(
                f"{parser.orphan_events:,} event(s) outside any trace (without a trace they have "
                "no case id)"
            )
        detected: dict[str, Any] = {
            "xes_namespace": parser.namespace or "none",
            "traces": parser.traces,
        }
        return Staged(
            connector=self.name,
            rows_read=writer.rows,
            columns=columns,
            role_hints=hints,
            notes=notes,
            detected=detected,
        )


def secure_parser() -> Any:
    """An expat parser that refuses DTDs, entity declarations and external references.

    The same protection as defusedxml's `forbid_dtd=True, forbid_entities=True,
    forbid_external=True` (and its exception classes), without the cost of building elements.
    """
    parser = pyexpat.ParserCreate()
    parser.buffer_text = False
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _refuse_dtd(name: str, *args: object) -> None:
    raise DTDForbidden(name, None, None)


def _refuse_entity(name: str, *args: object) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _refuse_external(context: str, base: str, sysid: str, pubid: str) -> bool:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def parse_file(parser: Any, source: Path) -> None:
    """Feed `source` (gzip or not) to `parser` in blocks; XML problems become one-line InputErrors."""
    try:
        with open_maybe_gzip(source) as fh:
            for block in iter(lambda: fh.read(READ_BLOCK), b""):
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except pyexpat.ExpatError as exc:
        raise InputError(
            f"{source}: malformed XML at line {exc.lineno}: {pyexpat.ErrorString(exc.code)}"
        ) from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise InputError(
            f"{source}: XML with a DTD/entity declarations is refused for security "
            f"(line {parser.CurrentLineNumber})"
        ) from None


class _XesParser:
    """expat callbacks that turn XES elements into staged records (see the module docstring)."""

    def __init__(self, writer: StagingWriter, source: Path) -> None:
        self.writer = writer
        self.source = source
        self.depth = 0
        self.skip_below = _NEVER  # elements deeper than this are inside an ignored subtree
        self.attr_level = _NEVER  # the depth of the open event's attributes
        self.in_trace = False
        self.event: dict[str, str | None] | None = None
        self.event_row = 0
        self.event_depth = 0
        self.events = 0
        self.traces = 0
        self.empty_traces = 0
        self.orphan_events = 0
        self.namespace: str | None = None
        self.trace_attrs: dict[str, str] = {}
        self.trace_events: list[tuple[int, dict[str, str | None]]] = []
        self.trace_events_seen = 0
        self.spilled: tuple[int, int] | None = None  # first and last __row written early
        self.spilled_attrs: dict[str, str] = {}
        self.parser = secure_parser()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end

    def run(self) -> None:
        parse_file(self.parser, self.source)

    # -- callbacks --------------------------------------------------------------------------------
    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth = depth = self.depth + 1
        if depth >= self.attr_level:
            # an attribute of the open event (the hot path); its children are ignored
            if depth == self.attr_level:
                try:
                    key = attrs["key"]
                    value = attrs["value"]
                except KeyError:  # no key or no value (a list, a container): nothing to keep
                    return
                if key != ROW:
                    self.event[key] = value  # type: ignore[index]
            return
        if depth > self.skip_below:
            return
        if ":" in name:
            name = name.rpartition(":")[2]
        if self.in_trace:
            if name == "event":
                self._open_event(depth)
                return
            self.skip_below = depth
            key = attrs.get("key")
            value = attrs.get("value")
            if key is not None and value is not None:
                self.trace_attrs["case:" + key] = value
            return
        if depth == 2:
            if name == "trace":
                self.in_trace = True
                self.traces += 1
                self.trace_attrs = {}
                self.trace_events = []
                self.trace_events_seen = 0
                self.spilled = None
            elif name == "event":
                self.orphan_events += 1
                self._open_event(depth)
            else:  # log attributes, globals, extensions, classifiers
                self.skip_below = depth
            return
        if depth == 1:
            if name != "log":
                raise InputError(
                    f"{self.source}: not an XES log (the root element is <{name}>, "
                    "expected <log>)"
                )
            self.namespace = next(
                (v for k, v in attrs.items() if k == "xmlns" or k.startswith("xmlns:")), None
            )
            return
        self.skip_below = depth  # anything else is not ours

    def end(self, name: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        if depth >= self.attr_level or depth > self.skip_below:
            return
        if depth == self.skip_below:
            self.skip_below = _NEVER
            return
        if self.event is not None and depth == self.event_depth:
            record = self.event
            self.event = None
            self.attr_level = _NEVER
            if self.in_trace:
                self.trace_events.append((self.event_row, record))
                self.trace_events_seen += 1
                if len(self.trace_events) >= TRACE_SPILL:
                    self._spill()
            else:
                self.writer.add(self.event_row, record)
            return
        if self.in_trace and depth == 2:
            self._close_trace()

    def _open_event(self, depth: int) -> None:
        self.events += 1
        self.event_row = self.events
        self.event_depth = depth
        self.attr_level = depth + 1
        self.event = {}

    # -- traces -----------------------------------------------------------------------------------
    def _emit(self) -> None:
        attrs = self.trace_attrs
        add = self.writer.add
        for row, record in self.trace_events:
            record.update(attrs)
            add(row, record)
        self.trace_events = []

    def _spill(self) -> None:
        """A very long trace: write its events so far with the trace attributes known so far."""
        first = self.trace_events[0][0]
        last = self.trace_events[-1][0]
        self.spilled = (self.spilled[0] if self.spilled else first, last)
        self.spilled_attrs = dict(self.trace_attrs)
        self._emit()

    def _close_trace(self) -> None:
        self.in_trace = False
        if self.trace_events_seen == 0:
            self.empty_traces += 1
        self._emit()
        if self.spilled is not None:
            late = {
                k: v for k, v in self.trace_attrs.items() if self.spilled_attrs.get(k) != v
            }
            if late:
                self._fill_late_attributes(late, *self.spilled)
            self.spilled = None

    def _fill_late_attributes(self, late: dict[str, str], first: int, last: int) -> None:
        """Trace attributes that came after events already written: set them on those rows."""
        writer = self.writer
        writer.flush()
        con = writer.con
        for key, value in late.items():
            writer.add_column(key)
            con.execute(
                f"UPDATE {STAGING} SET {quote_ident(key)} = ? "
                f"WHERE {quote_ident(ROW)} BETWEEN ? AND ?",
                [value, first, last],
            )


CONNECTOR = XesConnector()
