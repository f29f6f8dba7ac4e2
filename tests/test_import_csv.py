"""The CSV connector and the shared import pipeline: roles, time, rejects, transactions, quality."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .conftest import write
from .helpers import events, query, utc

DUTCH_HEADER = "Zaaknummer;Activiteit;Tijdstip;Medewerker;Afdeling;Kanaal;Opmerking\r\n"
DUTCH_ROWS = [
    "Z-1;Aanvraag ontvangen;04-03-2024 09:15;Anouk de Vries;KCC;web;n.v.t.\r\n",
    "Z-1;Ontvankelijkheid toetsen;05-03-2024 10:00:30;Jan Bakker;Vergunningen;n.v.t.;€ 12,50 leges\r\n",
    "Z-1;Besluit één;02-04-2024 14:00;Jan Bakker;Vergunningen;;geëist\r\n",
    "Z-2;Aanvraag ontvangen;15-03-2024 11:00;Anouk de Vries;KCC;balie;\r\n",
]


def test_dutch_cp1252_export_is_detected_and_read(tmp_path, cli_run, db):
    src = write(tmp_path / "export.csv", DUTCH_HEADER + "".join(DUTCH_ROWS), "cp1252")
    result = cli_run("import", src)
    assert result.exit_code == 0, result.output
    # the mapping that was used is printed
    for role, column in [("case", "Zaaknummer"), ("activity", "Activiteit"),
                         ("timestamp", "Tijdstip"), ("resource", "Medewerker"),
                         ("department", "Afdeling"), ("channel", "Kanaal")]:
        assert any(role in line and column in line for line in result.output.splitlines())
    assert "cp1252" in result.output
    rows = events(db)
    assert [(r["case_id"], r["activity"]) for r in rows] == [
        ("Z-1", "Aanvraag ontvangen"), ("Z-1", "Ontvankelijkheid toetsen"), ("Z-1", "Besluit één"),
        ("Z-2", "Aanvraag ontvangen"),
    ]
    # naive local times in Europe/Amsterdam: CET (+1) in March before the 31st, CEST (+2) after
    assert rows[0]["ts"] == utc(2024, 3, 4, 8, 15)
    assert rows[1]["ts"] == utc(2024, 3, 5, 9, 0, 30)
    assert rows[2]["ts"] == utc(2024, 4, 2, 12, 0)
    # n.v.t. and empty are NULL; non-ASCII survives
    assert rows[0]["channel"] == "web" and rows[1]["channel"] is None and rows[2]["channel"] is None
    assert rows[0]["attrs"] == {}
    assert rows[1]["attrs"] == {"Opmerking": "€ 12,50 leges"}
    assert rows[2]["attrs"] == {"Opmerking": "geëist"}
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]


def test_a_store_in_a_folder_that_does_not_exist_yet_is_made_there(tmp_path, cli_run):
    src = write(tmp_path / "a.csv", "case_id,activity,timestamp\nA,x,2024-01-02T10:00:00Z\n")
    store = tmp_path / "new" / "deeper" / "s.duckdb"
    result = cli_run("import", src, "--db", store)
    assert result.exit_code == 0, result.output
    assert [r["activity"] for r in events(store)] == ["x"]
    (tmp_path / "file").write_text("not a folder")
    result = cli_run("import", src, "--db", tmp_path / "file" / "s.duckdb")
    assert result.exit_code != 0 and "cannot create the folder of the store" in result.output
    assert "Traceback" not in result.output


def test_utf8_bom_and_comma(tmp_path, cli_run, db):
    text = "\ufeffcase_id,activity,timestamp\nA,x,2024-01-02T10:00:00Z\nA,y,2024-01-02T11:00:00+01:00\n"
    src = write(tmp_path / "bom.csv", text)
    assert cli_run("import", src).exit_code == 0
    rows = events(db)
    assert [(r["activity"], r["ts"]) for r in rows] == [
        ("x", utc(2024, 1, 2, 10)), ("y", utc(2024, 1, 2, 10))
    ]
    # equal instants: source order decides
    assert [r["seq"] for r in rows] == [1, 2]


def test_latin1_semicolon_crlf_null_token(tmp_path, cli_run, db):
    # 0x81 is undefined in cp1252, so this file can only be Latin-1
    raw = "klant;onderwerp;datum;kantoor\r\n7;klacht \x81;2016-01-12;n.v.t.\r\n7;vraag;2016-01-13;33\r\n"
    src = tmp_path / "latin.csv"
    src.write_bytes(raw.encode("latin-1"))
    result = cli_run("import", src, "--case", "klant", "--activity", "onderwerp")
    assert result.exit_code == 0, result.output
    assert "latin-1" in result.output
    rows = events(db)
    assert rows[0]["activity"] == "klacht \x81"
    assert rows[0]["ts_precision"] == "day" and rows[1]["ts_precision"] == "day"
    assert rows[0]["ts"] == utc(2016, 1, 11, 23)  # local midnight, CET
    assert rows[0]["attrs"] == {} and rows[1]["attrs"] == {"kantoor": "33"}


def test_mixed_offsets_are_kept_correct(tmp_path, cli_run, db):
    text = ("case,activity,time\n"
            "c,a,2011-10-29 10:00:00.000+02:00\n"
            "c,b,2011-10-31 09:00:00.000+01:00\n"
            "c,c,2011-11-01T08:00:00Z\n")
    src = write(tmp_path / "offsets.csv", text)
    assert cli_run("import", src).exit_code == 0
    assert [r["ts"] for r in events(db)] == [utc(2011, 10, 29, 8), utc(2011, 10, 31, 8),
                                             utc(2011, 11, 1, 8)]


def test_dst_gap_and_overlap_policy_and_report(tmp_path, cli_run, db):
    text = ("zaak;activiteit;tijdstip\n"
            "z;voor;31-03-2024 01:30\n"
            "z;gat;31-03-2024 02:30\n"        # does not exist in Amsterdam
            "z;dubbel;27-10-2024 02:30\n"     # happens twice in Amsterdam
            "z;na;27-10-2024 03:30\n")
    src = write(tmp_path / "dst.csv", text)
    result = cli_run("import", src)
    assert result.exit_code == 0
    ts = [r["ts"] for r in events(db)]
    assert ts == [
        utc(2024, 3, 31, 0, 30),
        utc(2024, 3, 31, 1, 30),   # read with the offset before the change (+01:00) = 03:30 CEST
        utc(2024, 10, 27, 0, 30),  # the first occurrence (CEST, +02:00)
        utc(2024, 10, 27, 2, 30),
    ]
    quality = json.loads(query(db, "SELECT quality FROM imports")[0][0])
    assert quality["dst_nonexistent"] == 1 and quality["dst_ambiguous"] == 1
    assert "non-existent DST times" in result.output


def test_excel_serial_dates_and_explicit_format(tmp_path, cli_run, db):
    src = write(tmp_path / "serial.csv", "case;activity;timestamp\na;x;45000\na;y;45000,5\n")
    assert cli_run("import", src).exit_code == 0
    rows = events(db)
    # 45000 = 2023-03-15 in Excel's calendar, local midnight in Amsterdam (CET)
    assert [r["ts"] for r in rows] == [utc(2023, 3, 14, 23), utc(2023, 3, 15, 11)]
    assert [r["ts_precision"] for r in rows] == ["day", "time"]

    src2 = write(tmp_path / "fmt.csv", "case;activity;timestamp\na;x;2024|03|05 10h07\n")
    result = cli_run("import", src2, "--timestamp-format", "%Y|%m|%d %Hh%M", "--tz", "UTC")
    assert result.exit_code == 0, result.output
    assert events(db, "fmt")[0]["ts"] == utc(2024, 3, 5, 10, 7)


def test_month_first_is_recognised_from_the_data(tmp_path, cli_run, db):
    src = write(tmp_path / "us.csv",
                "case,activity,timestamp\na,x,03/04/2024 10:00\na,y,03/25/2024 10:00\n")
    assert cli_run("import", src, "--tz", "UTC").exit_code == 0
    assert [r["ts"] for r in events(db)] == [utc(2024, 3, 4, 10), utc(2024, 3, 25, 10)]


def test_every_bad_row_lands_in_rejects_with_reason(tmp_path, cli_run, db):
    text = ("case;activity;timestamp;resource\n"
            "a;start;01-02-2024 10:00;r1\n"          # row 2 ok
            ";start;01-02-2024 10:00;r1\n"           # row 3 no case
            "b;;01-02-2024 10:00;r1\n"               # row 4 no activity
            "c;start;;r1\n"                          # row 5 no timestamp
            "d;start;31-02-2024 10:00;r1\n"          # row 6 impossible date
            "e;start;gisteren;r1\n"                  # row 7 unparseable
            "f;start;01-02-2024 10:00;r1;extra\n"    # row 8 too many fields
            "g;start\n"                              # row 9 too few fields
            "a;end;02-02-2024 10:00;r2\n")           # row 10 ok
    src = write(tmp_path / "bad.csv", text)
    result = cli_run("import", src)
    assert result.exit_code == 0, result.output
    rejects = query(db, "SELECT source_row, reason, raw FROM rejects ORDER BY source_row")
    assert [(r[0], r[1]) for r in rejects] == [
        (3, "missing case id (case)"),
        (4, "missing activity (activity)"),
        (5, "missing timestamp (timestamp)"),
        (6, "unparseable timestamp (timestamp)"),
        (7, "unparseable timestamp (timestamp)"),
        (8, "malformed CSV line: too many columns"),
        (9, "malformed CSV line: missing columns"),
    ]
    assert json.loads(rejects[4][2])["timestamp"] == "gisteren"
    assert rejects[5][2] == "f;start;01-02-2024 10:00;r1;extra"
    rows = events(db)
    assert [(r["case_id"], r["activity"], r["seq"]) for r in rows] == [("a", "start", 1),
                                                                      ("a", "end", 2)]
    imp = query(db, "SELECT rows_read, rows_loaded, rows_rejected FROM imports")[0]
    assert imp == (9, 2, 7)
    assert "rows read 9 · loaded 2 · rejected 7" in result.output
    assert "rejected 2: unparseable timestamp (timestamp)" in result.output


def test_strict_turns_rejects_into_an_error_and_changes_nothing(tmp_path, cli_run, db):
    good = write(tmp_path / "good.csv", "case,activity,timestamp\na,x,2024-01-01 10:00\n")
    assert cli_run("import", good).exit_code == 0
    before = query(db, "SELECT count(*) FROM events")[0][0]
    bad = write(tmp_path / "bad.csv", "case,activity,timestamp\na,x,2024-01-01 10:00\nb,y,nope\n")
    result = cli_run("import", bad, "--strict")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "row 3" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert query(db, "SELECT count(*) FROM events")[0][0] == before
    assert query(db, "SELECT count(*) FROM imports")[0][0] == 1
    assert query(db, "SELECT count(*) FROM rejects")[0][0] == 0


def test_failure_midway_rolls_back_everything(tmp_path, db, monkeypatch):
    first = write(tmp_path / "one.csv", "case,activity,timestamp\na,x,2024-01-01 10:00\n")
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(first)))
    second = write(tmp_path / "one_v2.csv", "case,activity,timestamp\nb,y,2024-01-01 11:00\n")

    import procesflow.importer as importer

    def boom(con, log):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_quality", boom)
    with Store(db) as store, pytest.raises(RuntimeError):
        import_log(store, ImportRequest(source=str(second), name="one", replace=True))
    # the replaced log is intact, the failed import left nothing behind
    assert query(db, "SELECT case_id FROM events") == [("a",)]
    assert query(db, "SELECT log, active FROM imports") == [("one", True)]
    assert query(db, "SELECT count(*) FROM cases") == [(1,)]


def test_same_file_twice_is_refused_unless_replace(tmp_path, cli_run, db):
    src = write(tmp_path / "log.csv", "case,activity,timestamp\na,x,2024-01-01 10:00\n")
    assert cli_run("import", src).exit_code == 0
    again = cli_run("import", src)
    assert again.exit_code == 2 and "already imported as log 'log'" in again.stderr
    (tmp_path / "other").mkdir()
    other = write(tmp_path / "other" / "log.csv", "case,activity,timestamp\nb,x,2024-01-01 10:00\n")
    clash = cli_run("import", other)
    assert clash.exit_code == 2 and "already has a log named 'log'" in clash.stderr
    assert cli_run("import", other, "--replace").exit_code == 0
    assert query(db, "SELECT case_id FROM events") == [("b",)]
    assert query(db, "SELECT count(*), count(*) FILTER (WHERE active) FROM imports") == [(2, 1)]
    assert cli_run("import", src, "--name", "log2").exit_code == 0
    assert query(db, "SELECT DISTINCT log FROM events ORDER BY log") == [("log",), ("log2",)]


def test_duplicates_counted_and_removed_on_request(tmp_path, cli_run, db):
    text = "case,activity,timestamp\na,x,2024-01-01 10:00\na,x,2024-01-01 10:00\na,y,2024-01-01 11:00\n"
    src = write(tmp_path / "dup.csv", text)
    assert cli_run("import", src).exit_code == 0
    assert len(events(db)) == 3
    assert json.loads(query(db, "SELECT quality FROM imports")[0][0])["duplicates"] == 1
    assert cli_run("import", src, "--name", "d2", "--dedupe").exit_code == 0
    assert [r["activity"] for r in events(db, "d2")] == ["x", "y"]


def test_start_and_complete_columns(tmp_path, cli_run, db):
    text = ("Case ID,Activity,Resource,Start Timestamp,Complete Timestamp\n"
            "1,Validar,387,2016/02/01 13:27:47.000,2016/02/01 13:32:06.000\n"
            "1,Start,Start,2016/02/01 13:23:52.000,2016/02/01 13:23:52.000\n")
    src = write(tmp_path / "consulta.csv", text)
    result = cli_run("import", src, "--tz", "UTC")
    assert result.exit_code == 0, result.output
    rows = events(db)
    assert [(r["activity"], r["start_ts"], r["ts"]) for r in rows] == [
        ("Start", utc(2016, 2, 1, 13, 23, 52), utc(2016, 2, 1, 13, 23, 52)),
        ("Validar", utc(2016, 2, 1, 13, 27, 47), utc(2016, 2, 1, 13, 32, 6)),
    ]


def test_lifecycle_start_complete_rows_become_one_event(tmp_path, cli_run, db):
    text = ("case,activity,timestamp,lifecycle,resource\n"
            "a,Check,2024-01-01 09:00,start,ann\n"
            "a,Check,2024-01-01 09:30,complete,ann\n"
            "a,Check,2024-01-01 10:00,start,bob\n"
            "a,Approve,2024-01-01 10:05,complete,eve\n"
            "a,Check,2024-01-01 11:00,complete,bob\n"
            "a,Archive,2024-01-01 12:00,start,eve\n")
    src = write(tmp_path / "lc.csv", text)
    result = cli_run("import", src, "--tz", "UTC")
    assert result.exit_code == 0, result.output
    assert "2 start/complete pairs merged" in result.output
    rows = events(db)
    assert [(r["activity"], r["start_ts"], r["ts"], r["lifecycle"], r["resource"]) for r in rows] == [
        ("Check", utc(2024, 1, 1, 9), utc(2024, 1, 1, 9, 30), "start+complete", "ann"),
        ("Approve", None, utc(2024, 1, 1, 10, 5), "complete", "eve"),
        ("Check", utc(2024, 1, 1, 10), utc(2024, 1, 1, 11), "start+complete", "bob"),
        ("Archive", utc(2024, 1, 1, 12), utc(2024, 1, 1, 12), "start", "eve"),
    ]


def test_quality_report_values(tmp_path, cli_run, db):
    text = ("case,activity,timestamp,resource\n"
            "a,x,2024-01-01 10:00,r\n"
            "a,y,2024-01-01 10:00,\n"       # tie with x
            "a,z,1985-06-01,r\n"            # before 1990, date only
            "b,x,2099-01-01 10:00,\n"       # future, single-event case
            "c,x,2024-01-02 10:00,r\n"
            "c,y,2024-01-03 10:00,r\n")
    src = write(tmp_path / "q.csv", text)
    assert cli_run("import", src).exit_code == 0
    q = json.loads(query(db, "SELECT quality FROM imports")[0][0])
    assert q["events"] == 6 and q["cases"] == 3 and q["activities"] == 3
    assert q["tied_events"] == 2 and q["cases_with_ties"] == 1
    assert q["date_only_share"] == pytest.approx(1 / 6)
    assert q["future_events"] == 1 and q["events_before_1990"] == 1
    assert q["single_event_cases"] == 1
    assert q["resource_missing_share"] == pytest.approx(2 / 6)


def test_mapping_file_roles_tags_and_errors(tmp_path, cli_run, db):
    src = write(tmp_path / "m.csv", "nr;stap;wanneer;wie\n1;Paraaf;01-01-2024 10:00;p\n")
    mapping = write(tmp_path / "map.toml", """
[roles]
case = "nr"
activity = "stap"
timestamp = "wanneer"
resource = "wie"
[time]
tz = "UTC"
[tags]
approval = ["Paraaf"]
""")
    result = cli_run("import", src, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert events(db)[0]["ts"] == utc(2024, 1, 1, 10) and events(db)[0]["resource"] == "p"
    assert query(db, "SELECT activity, tag FROM activity_tags") == [("Paraaf", "approval")]

    wrong = write(tmp_path / "wrong.toml", '[roles]\ncase = "nrr"\n')
    result = cli_run("import", src, "--mapping", wrong, "--name", "w")
    assert result.exit_code == 2
    assert "names column 'nrr' for case" in result.stderr and "did you mean 'nr'" in result.stderr
    unknown = write(tmp_path / "unknown.toml", '[roles]\nkaas = "nr"\n')
    result = cli_run("import", src, "--mapping", unknown, "--name", "u")
    assert result.exit_code == 2 and "unknown key 'kaas' in [roles]" in result.stderr


def test_missing_role_names_the_flag(tmp_path, cli_run):
    src = write(tmp_path / "x.csv", "a;b;c\n1;2;3\n")
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {src}: no case column found among 'a', 'b', 'c'; name it with --case COLUMN"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"case,activity,timestamp\n", "no rows to import"),
        (b"\x00\x01\x02binary\xff\xfe" * 50, "binary data"),
        (b"case activity timestamp\na x y\n", "cannot find the delimiter"),
    ],
)
def test_unusable_files_give_one_line_errors(tmp_path, cli_run, db, content, message):
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_zone_and_format(tmp_path, cli_run):
    src = write(tmp_path / "x.csv", "case,activity,timestamp\na,b,2024-01-01\n")
    result = cli_run("import", src, "--tz", "Mars/Olympus")
    assert result.exit_code == 2 and "unknown time zone 'Mars/Olympus'" in result.stderr
    odd = write(tmp_path / "x.weird", "case,activity,timestamp\n")
    result = cli_run("import", odd)
    assert result.exit_code == 2 and "use --format" in result.stderr
    assert cli_run("import", tmp_path / "nope.csv").stderr.strip().endswith("file not found")


def test_info_lists_and_describes(tmp_path, cli_run, db):
    src = write(tmp_path / "export.csv", DUTCH_HEADER + "".join(DUTCH_ROWS), "cp1252")
    assert cli_run("import", src).exit_code == 0
    assert cli_run("import", src, "--name", "tweede").exit_code == 0
    listing = cli_run("info")
    assert listing.exit_code == 0 and "export" in listing.output and "tweede" in listing.output
    result = cli_run("info", "export", "--json")
    info = json.loads(result.output)
    assert (info["cases"], info["events"], info["activities"], info["departments"]) == (2, 4, 3, 2)
    assert info["event_attributes"] == ["Opmerking"]
    assert info["mapping"]["roles"]["case"] == "Zaaknummer"
    assert info["first_event"].startswith("2024-03-04T08:15")
    missing = cli_run("info", "nope")
    assert missing.exit_code == 2 and "no log named 'nope'" in missing.stderr


def test_zip_with_one_log(tmp_path, cli_run, db):
    import zipfile

    with zipfile.ZipFile(tmp_path / "export.zip", "w") as zf:
        zf.writestr("deep/path/log.csv", "case,activity,timestamp\na,x,2024-01-01 10:00\n")
    result = cli_run("import", tmp_path / "export.zip")
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT log, connector FROM imports") == [("export", "csv")]
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as zf:
        zf.writestr("a.csv", "x")
        zf.writestr("b.csv", "y")
    result = cli_run("import", tmp_path / "two.zip")
    assert result.exit_code == 2 and "exactly one log file" in result.stderr


def test_mapping_merge_flags_win():
    file_mapping = Mapping(roles={"case": "a", "activity": "b"}, tz="UTC", path="m.toml")
    flags = Mapping(roles={"case": "c"})
    merged = file_mapping.merged_with(flags)
    assert merged.roles == {"case": "c", "activity": "b"} and merged.tz == "UTC"


def test_store_caps_duckdb_memory_and_the_limit_can_be_raised(tmp_path, monkeypatch):
    from procesflow.store import Store

    def limit_bytes(path):
        with Store(path) as store:
            return store.con.execute(
                "SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'").fetchone()[0]

    monkeypatch.delenv("PROCESFLOW_MEMORY_LIMIT", raising=False)
    default = limit_bytes(tmp_path / "a.duckdb")
    assert default.endswith(("MiB", "GiB")) and _size_mb(default) == pytest.approx(800 / 1.048576, abs=1)
    monkeypatch.setenv("PROCESFLOW_MEMORY_LIMIT", "5GB")
    assert _size_mb(limit_bytes(tmp_path / "b.duckdb")) == pytest.approx(5000 / 1.048576, rel=0.03)


def test_the_memory_limit_grows_with_the_log_analysed(tmp_path, monkeypatch, tiny_log):
    """150 bytes per event, at least 800 MB, at most half the machine; never lowered by a smaller
    log on the same store; PROCESFLOW_MEMORY_LIMIT wins."""
    from procesflow.store import Store, default_memory_mb

    monkeypatch.delenv("PROCESFLOW_MEMORY_LIMIT", raising=False)
    monkeypatch.setattr(os, "sysconf", lambda name: {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 16 * 10**9 // 4096}[name])
    assert [default_memory_mb(n) for n in (0, 5_000_000, 10_000_000, 30_000_000, 200_000_000)] == [
        800, 800, 1500, 4500, 8000]  # 8000: half of the 16 GB machine

    def limit(store):  # the setting in MB; DuckDB shows it in MiB or in GiB cut to one decimal
        return _size_mb(store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]) * 1.048576

    with Store(tmp_path / "a.duckdb") as store:
        store.fit_memory(20_000_000)
        assert 3000 - 110 < limit(store) <= 3000
        store.fit_memory(1_000)
        assert 3000 - 110 < limit(store) <= 3000
    monkeypatch.setattr("procesflow.store.BYTES_PER_EVENT", 500_000_000)  # opening a log fits the limit to it
    log = tiny_log([("c1", "A", "2024-01-01 10:00"), ("c1", "B", "2024-01-01 11:00"), ("c2", "A", "2024-01-02 10:00")])
    assert 1500 - 110 < limit(log.store) <= 1500
    log.store.close()
    monkeypatch.setenv("PROCESFLOW_MEMORY_LIMIT", "600MB")
    with Store(tmp_path / "b.duckdb") as store:
        store.fit_memory(30_000_000)
        assert limit(store) == pytest.approx(600, abs=1)


def test_running_out_of_memory_says_how_to_give_more(tmp_path, monkeypatch, cli_run):
    """A memory limit too small for the log: one line naming the limit to raise, exit 2, no store
    change and no output folder — not an "internal error" with DuckDB's tuning-guide text."""
    sample = Path(__file__).resolve().parents[1] / "sample_logs" / "vergunningen.csv"
    assert cli_run("import", sample).exit_code == 0
    monkeypatch.setenv("PROCESFLOW_MEMORY_LIMIT", "2MB")
    for args in (("import", sample, "--name", "again"), ("discover", "vergunningen", "--out", tmp_path / "out")):
        result = cli_run(*args)
        assert result.exit_code == 2, result.output
        (line,) = result.output.strip().splitlines()
        assert "DuckDB ran out of memory (" in line and line.endswith("e.g. PROCESFLOW_MEMORY_LIMIT=4GB"), line
    assert not (tmp_path / "out").exists()
    monkeypatch.delenv("PROCESFLOW_MEMORY_LIMIT")
    assert cli_run("info").output.count("vergunningen") >= 1 and "again" not in cli_run("info").output


def _size_mb(text: str) -> float:
    number, unit = text.split()
    return float(number) * (1024 if unit == "GiB" else 1)


def test_discover_reads_a_new_file_once_for_its_hash(tmp_path, monkeypatch, cli_run):
    """`discover FILE` looks the file's hash up in the store and the import records it: one pass over
    the bytes for both (a 10M-event CSV costs 2.3 s per pass), computed beside the import's reading;
    the record holds the real hash."""
    import hashlib

    import procesflow.importer as importer

    calls = []
    real = importer.file_sha256
    monkeypatch.setattr(importer, "file_sha256", lambda path: calls.append(path) or real(path))
    sample = Path(__file__).resolve().parents[1] / "sample_logs" / "vergunningen.csv"
    result = cli_run("discover", sample, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert calls == [sample]
    stored = query(tmp_path / "store.duckdb", "SELECT sha256 FROM imports")
    assert stored == [(hashlib.sha256(sample.read_bytes()).hexdigest(),)]
