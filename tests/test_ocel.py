"""The OCEL connector: OCEL 2.0 JSON/SQLite/XML and OCEL 1.0 JSON, flattened like pm4py does."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .helpers import query, snapshot, utc

# A small OCEL 2.0 log: orders, items and a customer; an object attribute that changes over time,
# an event related twice to the same object (two qualifiers), offsets in the event times.
OCEL2 = {
    "objectTypes": [
        {"name": "order", "attributes": [{"name": "price", "type": "float"},
                                         {"name": "status", "type": "string"}]},
        {"name": "item", "attributes": [{"name": "weight", "type": "float"}]},
        {"name": "customer", "attributes": []},
    ],
    "eventTypes": [
        {"name": "place order", "attributes": [{"name": "channel", "type": "string"}]},
        {"name": "pick item", "attributes": []},
        {"name": "pay order", "attributes": [{"name": "amount", "type": "float"}]},
    ],
    "objects": [
        {"id": "o1", "type": "order", "attributes": [
            {"name": "price", "time": "1970-01-01T00:00:00Z", "value": 25.5},
            {"name": "status", "time": "1970-01-01T00:00:00Z", "value": "new"},
            {"name": "status", "time": "2024-03-02T10:00:00Z", "value": "paid"}]},
        {"id": "o2", "type": "order", "attributes": [
            {"name": "price", "time": "1970-01-01T00:00:00Z", "value": 10.25}]},
        {"id": "i1", "type": "item", "attributes": [
            {"name": "weight", "time": "1970-01-01T00:00:00Z", "value": 1.5}]},
        {"id": "i2", "type": "item"},
        {"id": "i3", "type": "item"},
        {"id": "c1", "type": "customer",
         "relationships": [{"objectId": "o1", "qualifier": "places"}]},
    ],
    "events": [
        {"id": "e1", "type": "place order", "time": "2024-03-01T09:00:00+01:00",
         "attributes": [{"name": "channel", "value": "web"}],
         "relationships": [{"objectId": "o1", "qualifier": "order"},
                           {"objectId": "i1", "qualifier": "item"},
                           {"objectId": "i2", "qualifier": "item"},
                           {"objectId": "c1", "qualifier": "customer"}]},
        {"id": "e2", "type": "place order", "time": "2024-03-01T11:30:00Z",
         "attributes": [{"name": "channel", "value": "phone"}],
         "relationships": [{"objectId": "o2", "qualifier": "order"},
                           {"objectId": "i3", "qualifier": "item"},
                           {"objectId": "c1", "qualifier": "customer"}]},
        {"id": "e3", "type": "pick item", "time": "2024-03-01T12:00:00Z",
         "relationships": [{"objectId": "i1", "qualifier": "item"},
                           {"objectId": "o1", "qualifier": "order"}]},
        {"id": "e4", "type": "pick item", "time": "2024-03-01T12:00:00Z",
         "relationships": [{"objectId": "i2", "qualifier": "item"},
                           {"objectId": "o1", "qualifier": "order"},
                           {"objectId": "o1", "qualifier": "again"}]},
        {"id": "e5", "type": "pay order", "time": "2024-03-02T11:00:00+01:00",
         "attributes": [{"name": "amount", "value": 25.5}],
         "relationships": [{"objectId": "o1", "qualifier": "order"}]},
    ],
}
TYPES = ("order", "item", "customer")


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def import_ocel(db: Path, src: Path, otype: str, name: str | None = None):
    with Store(db) as store:
        return import_log(
            store,
            ImportRequest(source=str(src), name=name or otype,
                          mapping=Mapping(source={"object_type": otype})),
        )


def stored(db: Path, log: str) -> dict[str, list[tuple]]:
    """case -> [(activity, ts, event id), ...] in stored order (time, then source order)."""
    out: dict[str, list[tuple]] = {}
    for case, act, ts, attrs in query(
        db, "SELECT case_id, activity, ts, attrs FROM events WHERE log = ? ORDER BY case_id, ts, seq",
        [log],
    ):
        out.setdefault(case, []).append((act, ts, attrs["ocel:eid"]))
    return out


def pm4py_flat(ocel, otype: str) -> dict[str, list[tuple]]:
    """The same view from pm4py.ocel_flattening, ordered by time with source order breaking ties."""
    import pm4py

    df = pm4py.ocel_flattening(ocel, otype).reset_index(drop=True)
    df["__i"] = range(len(df))
    df = df.sort_values(["case:concept:name", "time:timestamp", "__i"], kind="stable")
    out: dict[str, list[tuple]] = {}
    for case, act, ts, eid in zip(df["case:concept:name"], df["concept:name"],
                                  df["time:timestamp"], df["ocel:eid"], strict=True):
        out.setdefault(case, []).append((act, ts.to_pydatetime(), eid))
    return out


def test_ocel2_json_flattened_on_each_type_matches_pm4py(tmp_path, db):
    import pm4py

    src = write_json(tmp_path / "shop.json", OCEL2)
    ocel = pm4py.read_ocel2_json(str(src))
    for otype in TYPES:
        result = import_ocel(db, src, otype)
        assert stored(db, otype) == pm4py_flat(ocel, otype)
        assert result.rejected == 0 and result.connector == "ocel"
    # hand check of one view: an event related twice to o1 (two qualifiers) is one row
    assert [(a, ts) for a, ts, _ in stored(db, "order")["o1"]] == [
        ("place order", utc(2024, 3, 1, 8)), ("pick item", utc(2024, 3, 1, 12)),
        ("pick item", utc(2024, 3, 1, 12)), ("pay order", utc(2024, 3, 2, 10)),
    ]
    attrs = dict(query(db, "SELECT attrs['ocel:eid'], attrs FROM events WHERE log = 'order'"))
    assert attrs["e4"] == {"ocel:eid": "e4", "ocel:qualifier": "order; again"}
    assert attrs["e5"] == {"ocel:eid": "e5", "ocel:qualifier": "order", "amount": "25.5"}
    # an event attribute named like a role fills that role (here the channel)
    assert query(db, "SELECT attrs['ocel:eid'], channel FROM events WHERE log = 'order' "
                     "AND channel IS NOT NULL ORDER BY 1") == [("e1", "web"), ("e2", "phone")]
    # object attributes are case attributes: the first value, as pm4py takes it
    assert dict(query(db, "SELECT case_id, attrs FROM cases WHERE log = 'order'")) == {
        "o1": {"price": "25.5", "status": "new"}, "o2": {"price": "10.25"},
    }
    objects = pm4py.read_ocel2_json(str(src)).objects.set_index("ocel:oid")
    assert objects.loc["o1", "status"] == "new" and objects.loc["o2", "price"] == 10.25
    # 4 of 5 events relate to an item; e1 relates to two items and becomes two rows
    assert query(db, "SELECT rows_read, rows_loaded FROM imports WHERE log = 'item'") == [(5, 5)]
    assert dict(query(db, "SELECT case_id, count(*) FROM events WHERE log = 'item' GROUP BY 1")) == {
        "i1": 2, "i2": 2, "i3": 1,
    }


def test_ocel2_sqlite_and_xml_written_by_pm4py_give_the_same_log(tmp_path, db):
    import pm4py

    src = write_json(tmp_path / "shop.json", OCEL2)
    ocel = pm4py.read_ocel2_json(str(src))
    pm4py.write_ocel2_sqlite(ocel, str(tmp_path / "shop.sqlite"))
    pm4py.write_ocel2_xml(ocel, str(tmp_path / "shop.xmlocel"))
    for otype in TYPES:
        import_ocel(db, src, otype, name=f"json-{otype}")
        for kind in ("sqlite", "xmlocel"):
            result = import_ocel(db, tmp_path / f"shop.{kind}", otype, name=f"{kind}-{otype}")
            assert result.detected["container"] == {"sqlite": "sqlite", "xmlocel": "xml"}[kind]
            assert stored(db, f"{kind}-{otype}") == stored(db, f"json-{otype}")
            assert stored(db, f"{kind}-{otype}") == pm4py_flat(ocel, otype)
    # case attributes survive both containers (numbers as the container spells them)
    assert dict(query(db, "SELECT case_id, attrs FROM cases WHERE log = 'sqlite-order'")) == {
        "o1": {"price": "25.5", "status": "new"}, "o2": {"price": "10.25"},
    }
    assert dict(query(db, "SELECT case_id, attrs FROM cases WHERE log = 'xmlocel-item'")) == {
        "i1": {"weight": "1.5"}, "i2": {}, "i3": {},
    }


def standard_sqlite(path: Path, dangling: bool = False) -> Path:
    """An OCEL 2.0 SQLite file laid out as the standard describes (written by hand)."""
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
        CREATE TABLE event_map_type (ocel_type TEXT, ocel_type_map TEXT);
        CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
        CREATE TABLE object_map_type (ocel_type TEXT, ocel_type_map TEXT);
        CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT);
        CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT);
        CREATE TABLE event_Register (ocel_id TEXT, ocel_time TIMESTAMP, kanaal TEXT);
        CREATE TABLE event_Decide (ocel_id TEXT, ocel_time TIMESTAMP, uitkomst TEXT);
        CREATE TABLE object_Zaak (ocel_id TEXT, ocel_time TIMESTAMP, ocel_changed_field TEXT,
                                  soort TEXT);
        CREATE TABLE object_Medewerker (ocel_id TEXT, ocel_time TIMESTAMP,
                                        ocel_changed_field TEXT);
        INSERT INTO event_map_type VALUES ('register', 'Register'), ('decide', 'Decide');
        INSERT INTO object_map_type VALUES ('zaak', 'Zaak'), ('medewerker', 'Medewerker');
        INSERT INTO object VALUES ('Z-1', 'zaak'), ('Z-2', 'zaak'), ('m1', 'medewerker');
        INSERT INTO object_Zaak VALUES ('Z-1', '1970-01-01 00:00:00', NULL, 'bezwaar'),
                                       ('Z-2', '1970-01-01 00:00:00', NULL, 'aanvraag'),
                                       ('Z-1', '2024-02-01 00:00:00', 'soort', 'beroep');
        INSERT INTO object_Medewerker VALUES ('m1', '1970-01-01 00:00:00', NULL);
        INSERT INTO event VALUES ('e1', 'register'), ('e2', 'register'), ('e3', 'decide');
        INSERT INTO event_Register VALUES ('e1', '2024-01-10 09:00:00', 'post'),
                                          ('e2', '2024-01-11 10:00:00+01:00', 'web');
        INSERT INTO event_Decide VALUES ('e3', '2024-07-01 15:00:00', 'toegekend');
        INSERT INTO event_object VALUES ('e1', 'Z-1', 'zaak'), ('e1', 'm1', 'behandelaar'),
                                        ('e2', 'Z-2', 'zaak'), ('e3', 'Z-1', 'zaak'),
                                        ('e3', 'm1', 'besluitnemer');
    """)
    if dangling:
        db.execute("INSERT INTO event_object VALUES ('e3', 'Z-404', 'zaak')")
    db.commit()
    db.close()
    return path


def test_ocel2_sqlite_written_to_the_standard_is_read_with_stdlib_sqlite3(tmp_path, db):
    src = standard_sqlite(tmp_path / "zaken.sqlite")
    result = import_ocel(db, src, "zaak")
    assert (result.rows_read, result.events, result.rejected) == (3, 3, 0)
    rows = query(db, "SELECT case_id, activity, ts, channel, attrs FROM events "
                     "ORDER BY case_id, ts, seq")
    # naive times are wall-clock in the import zone (Europe/Amsterdam): CET in January, CEST in July
    assert rows == [
        ("Z-1", "register", utc(2024, 1, 10, 8), "post", {"ocel:eid": "e1", "ocel:qualifier": "zaak"}),
        ("Z-1", "decide", utc(2024, 7, 1, 13), None,
         {"ocel:eid": "e3", "ocel:qualifier": "zaak", "uitkomst": "toegekend"}),
        ("Z-2", "register", utc(2024, 1, 11, 9), "web", {"ocel:eid": "e2", "ocel:qualifier": "zaak"}),
    ]
    assert dict(query(db, "SELECT case_id, attrs FROM cases")) == {
        "Z-1": {"soort": "bezwaar"}, "Z-2": {"soort": "aanvraag"},
    }
    import_ocel(db, src, "medewerker")
    assert query(db, "SELECT case_id, activity, attrs['ocel:qualifier'] FROM events "
                     "WHERE log = 'medewerker' ORDER BY ts") == [
        ("m1", "register", "behandelaar"), ("m1", "decide", "besluitnemer"),
    ]
    # DuckDB's sqlite extension was not needed (nor loaded)
    with Store(db) as store:
        loaded = store.con.execute(
            "SELECT count(*) FROM duckdb_extensions() WHERE extension_name IN ('sqlite', 'sqlite_scanner') AND loaded"
        ).fetchone()[0]
    assert loaded == 0


def test_ocel1_json_with_dangling_reference(tmp_path, cli_run, db):
    log = {
        "ocel:global-log": {"ocel:version": "1.0", "ocel:object-types": ["issue", "user"]},
        "ocel:global-event": {}, "ocel:global-object": {},
        "ocel:events": {
            "1": {"ocel:activity": "opened", "ocel:timestamp": "2024-01-01T10:00:00+00:00",
                  "ocel:omap": ["#1", "alice"], "ocel:vmap": {"labels": 2}},
            "2": {"ocel:activity": "commented", "ocel:timestamp": "2024-01-02T10:00:00+00:00",
                  "ocel:omap": ["#1", "ghost"], "ocel:vmap": {}},
            "3": {"ocel:activity": "closed", "ocel:timestamp": "2024-01-03T10:00:00+00:00",
                  "ocel:omap": ["#1", "alice"], "ocel:vmap": {"reason": None}},
        },
        "ocel:objects": {
            "#1": {"ocel:type": "issue", "ocel:ovmap": {"title": "crash", "votes": 3}},
            "alice": {"ocel:type": "user", "ocel:ovmap": {}},
        },
    }
    src = write_json(tmp_path / "issues.jsonocel", log)
    result = cli_run("import", src, "--object-type", "issue")
    assert result.exit_code == 0, result.output
    assert "1 relation(s) point to 1 object id(s) the log does not declare" in result.output
    assert query(db, "SELECT case_id, activity, attrs FROM events ORDER BY ts") == [
        ("#1", "opened", {"ocel:eid": "1", "labels": "2"}),
        ("#1", "commented", {"ocel:eid": "2"}),
        ("#1", "closed", {"ocel:eid": "3"}),
    ]
    assert query(db, "SELECT attrs FROM cases") == [({"title": "crash", "votes": "3"},)]
    rejects = query(db, "SELECT source_row, reason, raw FROM rejects")
    assert [(r[0], r[1]) for r in rejects] == [(2, "dangling object reference ghost")]
    assert json.loads(rejects[0][2]) == {"ocel:eid": "2", "ocel:activity": "commented",
                                         "ocel:timestamp": "2024-01-02T10:00:00+00:00",
                                         "ocel:oid": "ghost"}
    # counts add up: 3 rows + 1 rejected relation read
    assert query(db, "SELECT rows_read, rows_loaded, rows_rejected FROM imports") == [(4, 3, 1)]


def test_dangling_reference_with_strict_is_an_error_and_changes_nothing(tmp_path, cli_run, db):
    good = standard_sqlite(tmp_path / "good.sqlite")
    assert cli_run("import", good, "--object-type", "zaak").exit_code == 0
    before = snapshot(db)
    src = standard_sqlite(tmp_path / "dangling.sqlite", dangling=True)
    result = cli_run("import", src, "--object-type", "zaak", "--strict")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: --strict and 1 row(s) rejected, e.g. row 3: dangling object reference "
        "Z-404; fix the source or import without --strict to keep the rest\n"
    )
    assert snapshot(db) == before
    # without --strict the rest is imported and the reference is a reject
    result = cli_run("import", src, "--object-type", "zaak")
    assert result.exit_code == 0
    assert query(db, "SELECT source_row, reason FROM rejects") == [
        (3, "dangling object reference Z-404")
    ]


def test_without_object_type_the_types_are_listed(tmp_path, cli_run, db):
    src = write_json(tmp_path / "shop.json", OCEL2)
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: choose an object type with --object-type: item (3 objects), "
        "order (2 objects), customer (1 object)\n"
    )
    result = cli_run("import", src, "--object-type", "invoice")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: no object type 'invoice' in this log; choose one with --object-type: "
        "item (3 objects), order (2 objects), customer (1 object)\n"
    )
    assert query(db, "SELECT count(*) FROM imports") == [(0,)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.json", '{"objects": [\n{"id": "o1",',
         "malformed JSON at line 2: Expecting property name enclosed in double quotes"),
        ("list.json", "[1, 2]", "not an OCEL log (the JSON is not an object)"),
        ("other.json", '{"rows": []}',
         "not an OCEL log (no OCEL 2.0 'events'/'objects' nor OCEL 1.0 'ocel:events'/'ocel:objects' keys)"),
        ("noid.json", '{"objects": [{"type": "order"}], "events": []}',
         "not a valid OCEL JSON log (missing key 'id')"),
        ("db.sqlite", "SQLite format 3\x00" + "x" * 200,
         "not a readable OCEL 2.0 SQLite database (file is not a database)"),
        ("text.sqlite", "hello", "not an OCEL log (expected OCEL 2.0 JSON, SQLite or XML, or OCEL 1.0 JSON)"),
        ("xxe.xmlocel", '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<log/>',
         "XML with a DTD/entity declarations is refused for security (line 2)"),
        ("v1.xmlocel",
         '<log><global scope="event"/><events><event><string key="id" value="e1"/></event></events></log>',
         "OCEL 1.0 XML is not supported; convert it to OCEL 2.0 (e.g. pm4py.write_ocel2_xml) or export OCEL JSON"),
        ("empty-types.json", '{"objects": [], "events": []}',
         "choose an object type with --object-type: (the log declares no objects)"),
    ],
)
def test_bad_ocel_files_give_one_line_errors(tmp_path, cli_run, db, name, content, message):
    src = tmp_path / name
    src.write_bytes(content.encode("utf-8"))
    result = cli_run("import", src, "--object-type", "order") if "types" not in name else cli_run(
        "import", src
    )
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: {message}\n"
    assert query(db, "SELECT count(*) FROM imports") == [(0,)]


def test_a_non_ocel_sqlite_database_is_named(tmp_path, cli_run, db):
    src = tmp_path / "app.sqlite"
    con = sqlite3.connect(src)
    con.execute("CREATE TABLE users (id INTEGER)")
    con.commit()
    con.close()
    result = cli_run("import", src, "--object-type", "order")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: not an OCEL 2.0 SQLite database (no table event, event_object, object)\n"
    )
