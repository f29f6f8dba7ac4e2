"""The XES connector: streaming parse, attributes and roles, lifecycle pairs, rejects and hostile XML."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zipfile
from pathlib import Path

import duckdb
import pytest

from procesflow.connectors import xes
from procesflow.connectors.base import ConnectorOptions, create_stage_rejects
from procesflow.importer import ImportRequest, import_log
from procesflow.store import Store

from .helpers import events, query, snapshot, utc

NS = 'xmlns="http://www.xes-standard.org/"'

STANDARD = """<?xml version="1.0" encoding="UTF-8"?>
<!-- written by hand, like OpenXES writes it -->
<log xes.version="1.0" xes.features="nested-attributes" {ns}>
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
  <global scope="event"><string key="org:resource" value="UNKNOWN"/></global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="the log itself"/>
  <float key="meta_org:resource_events" value="2.5">
    <float key="Anouk" value="1.0"><int key="deeper" value="3"/></float>
  </float>
  <trace>
    <string key="concept:name" value="Z-1"/>
    <date key="deadline" value="2024-03-10T12:00:00.000+01:00"/>
    <int key="priority" value="2"/>
    <event>
      <string key="concept:name" value="Aanvraag ontvangen"/>
      <date key="time:timestamp" value="2024-03-04T09:15:00.000+01:00"/>
      <string key="org:resource" value="Anouk"/>
      <string key="org:group" value="KCC"/>
      <string key="lifecycle:transition" value="complete"/>
      <float key="bedrag" value="12.50"/>
      <boolean key="spoed" value="true"/>
      <string key="opmerking" value="a &amp; b &lt;c&gt; één"/>
      <string key="nested" value="parent"><string key="child" value="not kept"/></string>
      <list key="documenten"><values><string key="doc" value="a.pdf"/></values></list>
    </event>
    <event>
      <string key="concept:name" value="Besluit"/>
      <date key="time:timestamp" value="2024-04-02T14:00:00.123+02:00"/>
      <string key="org:resource" value="Jan"/>
      <string key="lifecycle:transition" value="complete"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="Z-2"/>
    <event>
      <string key="concept:name" value="Aanvraag ontvangen"/>
      <date key="time:timestamp" value="2024-03-05T10:00:00Z"/>
      <string key="org:group" value="KCC"/>
    </event>
  </trace>
</log>
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_standard_xes_roles_values_and_case_attributes(tmp_path, cli_run, db):
    src = write(tmp_path / "vergunning.xes", STANDARD.format(ns=NS))
    result = cli_run("import", src)
    assert result.exit_code == 0, result.output
    rows = events(db)
    assert [(r["case_id"], r["activity"], r["ts"], r["resource"], r["department"], r["lifecycle"])
            for r in rows] == [
        ("Z-1", "Aanvraag ontvangen", utc(2024, 3, 4, 8, 15), "Anouk", "KCC", "complete"),
        ("Z-1", "Besluit", utc(2024, 4, 2, 12, 0, 0, 123000), "Jan", None, "complete"),
        ("Z-2", "Aanvraag ontvangen", utc(2024, 3, 5, 10), None, "KCC", None),
    ]
    # values exactly as written; nested children ignored, the parent's value kept; a list has none
    assert rows[0]["attrs"] == {
        "bedrag": "12.50", "spoed": "true", "opmerking": "a & b <c> één", "nested": "parent",
    }
    assert rows[1]["attrs"] == {} and rows[2]["attrs"] == {}
    assert [r["seq"] for r in rows] == [1, 2, 3]
    # trace attributes are the case attributes; the date is stored as its UTC instant
    assert dict(query(db, "SELECT case_id, attrs FROM cases ORDER BY case_id")) == {
        "Z-1": {"deadline": "2024-03-10T11:00:00.000000Z", "priority": "2"},
        "Z-2": {},
    }
    # log attributes, globals, classifiers and meta_* statistics are not imported
    everything = json.dumps(query(db, "SELECT attrs FROM events UNION ALL SELECT attrs FROM cases"))
    assert "meta_" not in everything and "UNKNOWN" not in everything and "the log itself" not in everything
    mapping = json.loads(query(db, "SELECT mapping FROM imports")[0][0])
    assert mapping["roles"] == {
        "case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp",
        "resource": "org:resource", "department": "org:group", "lifecycle": "lifecycle:transition",
    }
    assert set(mapping["how"].values()) == {"format"}
    assert query(db, "SELECT connector, rows_read, rows_loaded, rows_rejected FROM imports") == [
        ("xes", 3, 3, 0)
    ]


@pytest.mark.parametrize(
    "variant",
    ["no namespace", "prefixed namespace", "gzip", "zip", "latin-1"],
)
def test_namespace_compression_and_encoding_variants_give_the_same_log(tmp_path, db, variant):
    reference = write(tmp_path / "ref.xes", STANDARD.format(ns=NS))
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(reference), name="ref"))
    if variant == "no namespace":
        src = write(tmp_path / "v.xes", STANDARD.format(ns=""))
    elif variant == "prefixed namespace":
        text = STANDARD.format(ns='xmlns:x="http://www.xes-standard.org/"')
        for tag in ("log", "trace", "event", "string", "date", "int", "float", "boolean", "list",
                    "values", "extension", "global", "classifier"):
            text = text.replace(f"<{tag} ", f"<x:{tag} ").replace(f"<{tag}>", f"<x:{tag}>")
            text = text.replace(f"</{tag}>", f"</x:{tag}>")
        src = write(tmp_path / "v.xes", text)
    elif variant == "gzip":
        src = tmp_path / "v.xes.gz"
        src.write_bytes(gzip.compress(STANDARD.format(ns=NS).encode()))
    elif variant == "zip":
        src = tmp_path / "v.zip"
        with zipfile.ZipFile(src, "w") as zf:
            zf.writestr("export/v.xes", STANDARD.format(ns=NS))
    else:
        src = tmp_path / "v.xes"
        text = STANDARD.format(ns=NS).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        src.write_bytes(text.encode("latin-1"))
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src), name="v"))
    assert result.connector == "xes" and result.events == 3
    assert events(db, "v") == events(db, "ref")
    assert query(db, "SELECT case_id, attrs FROM cases WHERE log = 'v' ORDER BY case_id") == query(
        db, "SELECT case_id, attrs FROM cases WHERE log = 'ref' ORDER BY case_id"
    )


LIFECYCLE = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace>
    <string key="concept:name" value="A"/>
    {a}
  </trace>
  <trace>
    <string key="concept:name" value="B"/>
    {b}
  </trace>
</log>
"""


def _ev(activity: str, transition: str, ts: str, resource: str | None = None) -> str:
    res = f'<string key="org:resource" value="{resource}"/>' if resource else ""
    return (f'<event><string key="concept:name" value="{activity}"/>'
            f'<string key="lifecycle:transition" value="{transition}"/>'
            f'<date key="time:timestamp" value="{ts}"/>{res}</event>')


def test_start_complete_pairs_match_pm4py_to_interval(tmp_path, db):
    import pm4py
    from pm4py.objects.log.util import interval_lifecycle

    text = LIFECYCLE.format(
        a="".join([
            _ev("Check", "start", "2024-01-01T09:00:00.000+01:00", "ann"),
            _ev("Check", "complete", "2024-01-01T09:30:00.000+01:00", "ann"),
            _ev("Check", "start", "2024-01-01T10:00:00.000+01:00", "bob"),
            _ev("Approve", "complete", "2024-01-01T10:05:00.000+01:00", "eve"),
            _ev("Check", "complete", "2024-01-01T11:00:00.000+01:00", "bob"),
        ]),
        b="".join([
            _ev("Review", "start", "2024-07-01T08:00:00Z"),
            _ev("Review", "complete", "2024-07-01T10:30:00+02:00"),
        ]),
    )
    src = write(tmp_path / "lc.xes", text)
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src)))
    assert (result.rows_read, result.events, result.pairs_merged) == (7, 4, 3)

    log = pm4py.read_xes(str(src), variant="iterparse", return_legacy_log_object=True)
    expected = sorted(
        (trace.attributes["concept:name"], ev["concept:name"], ev["start_timestamp"],
         ev["time:timestamp"], ev.get("org:resource"))
        for trace in interval_lifecycle.to_interval(log) for ev in trace
    )
    # pm4py gives a complete-only event start = end; procesflow stores no start for it
    ours = sorted(
        (r["case_id"], r["activity"], r["start_ts"] or r["ts"], r["ts"], r["resource"])
        for r in events(db)
    )
    assert ours == expected
    assert [(r["case_id"], r["activity"], r["start_ts"], r["ts"], r["lifecycle"]) for r in events(db)] == [
        ("A", "Check", utc(2024, 1, 1, 8), utc(2024, 1, 1, 8, 30), "start+complete"),
        ("A", "Approve", None, utc(2024, 1, 1, 9, 5), "complete"),
        ("A", "Check", utc(2024, 1, 1, 9), utc(2024, 1, 1, 10), "start+complete"),
        ("B", "Review", utc(2024, 7, 1, 8), utc(2024, 7, 1, 8, 30), "start+complete"),
    ]


def test_events_without_timestamp_or_case_are_rejected_with_reasons(tmp_path, cli_run, db):
    text = """<log>
  <event><string key="concept:name" value="outside any trace"/>
         <date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
  <trace>
    <string key="concept:name" value="T1"/>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
    <event><string key="concept:name" value="no time"/></event>
    <event><string key="concept:name" value="bad time"/><date key="time:timestamp" value="yesterday"/></event>
    <event><date key="time:timestamp" value="2024-01-01T11:00:00Z"/></event>
  </trace>
  <trace>
    <int key="size" value="1"/>
    <event><string key="concept:name" value="nameless trace"/>
           <date key="time:timestamp" value="2024-01-02T10:00:00Z"/></event>
  </trace>
  <trace><string key="concept:name" value="T3"/></trace>
  <trace><string key="concept:name" value="T4"/>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2024-01-03T10:00:00Z"/></event>
  </trace>
</log>"""
    src = write(tmp_path / "gaps.xes", text)
    result = cli_run("import", src)
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT source_row, reason FROM rejects ORDER BY source_row") == [
        (1, "missing case id (case:concept:name)"),
        (3, "missing timestamp (time:timestamp)"),
        (4, "unparseable timestamp (time:timestamp)"),
        (5, "missing activity (concept:name)"),
        (6, "missing case id (case:concept:name)"),
    ]
    raw = json.loads(query(db, "SELECT raw FROM rejects WHERE source_row = 6")[0][0])
    assert raw["concept:name"] == "nameless trace" and raw["case:size"] == "1"
    assert [(r["case_id"], r["activity"]) for r in events(db)] == [("T1", "a"), ("T4", "b")]
    # nothing is lost: 7 events read = 2 stored + 5 rejected
    assert query(db, "SELECT rows_read, rows_loaded, rows_rejected FROM imports") == [(7, 2, 5)]
    assert "rows read 7 · loaded 2 · rejected 5" in result.output
    assert "1 trace(s) without events" in result.output
    assert "1 event(s) outside any trace (without a trace they have no case id)" in result.output


def _stage(path: Path) -> tuple[duckdb.DuckDBPyConnection, object]:
    con = duckdb.connect()
    create_stage_rejects(con)
    staged = xes.CONNECTOR.stage(con, path, ConnectorOptions())
    return con, staged


def test_a_very_long_trace_gets_trace_attributes_that_follow_its_events(tmp_path, monkeypatch):
    monkeypatch.setattr(xes, "TRACE_SPILL", 2)  # write the trace out in parts
    evs = "".join(
        f'<event><string key="concept:name" value="e{i}"/>'
        f'<date key="time:timestamp" value="2024-01-01T10:0{i}:00Z"/></event>'
        for i in range(5)
    )
    text = (f'<log><trace><string key="concept:name" value="early"/>{evs}'
            '<string key="late" value="after the events"/></trace>'
            f'<trace><string key="concept:name" value="second"/>{evs}</trace></log>')
    con, staged = _stage(write(tmp_path / "long.xes", text))
    assert staged.rows_read == 10
    rows = con.execute(
        'SELECT __row, "case:concept:name", "case:late" FROM pf_staging ORDER BY __row'
    ).fetchall()
    assert rows == [(i, "early", "after the events") for i in range(1, 6)] + [
        (i, "second", None) for i in range(6, 11)
    ]


def test_parser_memory_stays_flat(tmp_path):
    """Peak Python memory while parsing does not grow with the file (only one trace is held)."""

    class Counter:
        rows = 0

        def add(self, row: int, record: dict) -> None:
            self.rows += 1

        def flush(self) -> None:
            pass

    def make(n_traces: int) -> Path:
        path = tmp_path / f"big{n_traces}.xes"
        with path.open("w", encoding="utf-8") as fh:
            fh.write(f"<log {NS}>")
            for t in range(n_traces):
                fh.write(f'<trace><string key="concept:name" value="c{t}"/>')
                for i in range(10):
                    fh.write(f'<event><string key="concept:name" value="act {i}"/>'
                             f'<date key="time:timestamp" value="2024-01-01T10:00:{i:02d}Z"/>'
                             f'<string key="org:resource" value="r{t % 7}"/></event>')
                fh.write("</trace>")
            fh.write("</log>")
        return path

    peaks = []
    for n in (2000, 8000):  # 3 MB and 13 MB of XML, both more than one read block
        path = make(n)
        sink = Counter()
        tracemalloc.start()
        xes._XesParser(sink, path).run()  # type: ignore[arg-type]
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert sink.rows == n * 10
    # four times the events, the same peak: the read block and one trace, whatever the file size
    assert peaks[1] < peaks[0] + 256 * 1024
    assert peaks[1] < 6 * 1024 * 1024


def _good_log(tmp_path: Path) -> Path:
    return write(tmp_path / "good.xes", STANDARD.format(ns=NS))


XXE_FILE = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file://{path}">]>
<log><trace><string key="concept:name" value="&secret;"/>
<event><string key="concept:name" value="&secret;"/>
<date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event></trace></log>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE log SYSTEM "file://{path}">
<log><trace><string key="concept:name" value="c"/></trace></log>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY % remote SYSTEM "file://{path}"> %remote;]>
<log/>
"""
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<log><trace><string key="concept:name" value="&lol9;"/></trace></log>
"""
REFUSED = "XML with a DTD/entity declarations is refused for security"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("xxe.xes", XXE_FILE, f"{REFUSED} (line 2)"),
        ("dtd.xes", EXTERNAL_DTD, f"{REFUSED} (line 2)"),
        ("param.xes", PARAMETER_ENTITY, f"{REFUSED} (line 2)"),
        ("laughs.xes", LAUGHS, f"{REFUSED} (line 2)"),
        ("broken.xes", '<log>\n<trace>\n<event>\n<string key="a" value="b">\n</event>',
         "malformed XML at line 5: mismatched tag"),
        ("unclosed.xes", "<log>\n<trace>\n", "malformed XML at line 3: no element found"),
        ("entity.xes", '<log>\n<trace><string key="a" value="&nope;"/></trace></log>',
         "malformed XML at line 2: undefined entity"),
        ("empty.xes", "", "malformed XML at line 1: no element found"),
        ("ocel.xes", "<ocel><events/></ocel>",
         "not an XES log (the root element is <ocel>, expected <log>)"),
        ("nothing.xes", f"<log {NS}><trace/></log>", "no rows to import (the file holds no events)"),
    ],
)
def test_hostile_and_broken_xml_is_refused_with_one_line(tmp_path, cli_run, db, name, content,
                                                         message):
    secret = tmp_path / "secret.txt"
    secret_text = "TOP-SECRET-6f1c2a"
    secret.write_text(secret_text)
    assert cli_run("import", _good_log(tmp_path)).exit_code == 0
    before = snapshot(db)
    src = write(tmp_path / name, content.replace("{path}", str(secret)))
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: {message}\n"
    assert "Traceback" not in result.output
    assert snapshot(db) == before
    assert secret_text not in result.output and secret_text.encode() not in db.read_bytes()


def test_truncated_gzip_is_refused(tmp_path, cli_run, db):
    assert cli_run("import", _good_log(tmp_path)).exit_code == 0
    before = snapshot(db)
    data = gzip.compress((STANDARD.format(ns=NS) * 1).encode())
    src = tmp_path / "cut.xes.gz"
    src.write_bytes(data[: len(data) // 2])
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: compressed data is damaged or truncated "
        "(Compressed file ended before the end-of-stream marker was reached)\n"
    )
    assert snapshot(db) == before
