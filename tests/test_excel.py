"""The Excel connector: the packaged DuckDB extension (offline), sheets, rows and Excel dates."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .helpers import query, snapshot

AMS = ZoneInfo("Europe/Amsterdam")
OFFLINE = (
    "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; "
    "SET custom_extension_repository = 'http://127.0.0.1:9/'"
)


def local(*args: int) -> datetime:
    """A wall-clock time in Amsterdam as its UTC instant (computed by zoneinfo, not by us)."""
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


HEADER = ["Zaaknummer", "Activiteit", "Tijdstip", "Medewerker", "Bedrag", "case:Afdeling",
          "Ontvangen"]
ROWS = [  # (sheet row, values)
    (4, ["Z-1", "Aanvraag ontvangen", datetime(2024, 3, 4, 9, 15), "Anouk", 12.5, "KCC",
         date(2024, 3, 1)]),
    (5, ["Z-1", "Besluit", datetime(2024, 4, 2, 14, 0, 0, 123000), "Jan", 7, None,
         date(2024, 3, 1)]),
    # row 6 is left empty
    (7, ["Z-2", "Aanvraag ontvangen", "05-03-2024 10:00", None, None, "Balie", "onbekend"]),
    (8, ["Z-2", None, datetime(2024, 3, 6, 8, 0), "Jan", 3, None, None]),  # no activity
    (9, ["Z-2", "Besluit", datetime(2024, 10, 27, 2, 30), "Jan", 3, None, date(2024, 3, 5)]),
]


def workbook(path: Path, *, epoch_1904: bool = False, hidden_first: bool = False) -> Path:
    """Header in row 3 from column B (rows 1-2 and column A empty), a second sheet, typed cells."""
    wb = openpyxl.Workbook()
    if hidden_first:
        notes = wb.active
        notes.title = "Uitleg"
        notes["A1"] = "export van het zaaksysteem"
        notes.sheet_state = "hidden"
        ws = wb.create_sheet("Log")
    else:
        ws = wb.active
        ws.title = "Log"
    if epoch_1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for j, name in enumerate(HEADER):
        ws.cell(row=3, column=2 + j, value=name)
    for row, values in ROWS:
        for j, value in enumerate(values):
            cell = ws.cell(row=row, column=2 + j, value=value)
            if isinstance(value, datetime) and value.microsecond:
                cell.number_format = "yyyy-mm-dd hh:mm:ss.000"
    other = wb.create_sheet("Tweede")
    other.append(["case", "activity", "timestamp"])
    other.append(["X-1", "iets", datetime(2024, 1, 2, 3, 4, 5)])
    wb.save(path)
    return path


def test_offline_import_keeps_excel_dates_as_local_time(tmp_path, db):
    src = workbook(tmp_path / "zaken.xlsx")
    with Store(db) as store:
        store.con.execute(OFFLINE)
        result = import_log(store, ImportRequest(source=str(src), mapping=Mapping(
            roles={"case": "Zaaknummer"})))
        # loaded from the PyPI package, never installed from a repository
        ext = store.con.execute(
            "SELECT loaded, installed, install_mode FROM duckdb_extensions() "
            "WHERE extension_name = 'excel'"
        ).fetchone()
    assert ext == (True, False, "NOT_INSTALLED")
    assert result.connector == "excel"
    assert result.detected["sheet"] == "Log" and result.detected["header_row"] == 3
    assert result.detected["date_columns"] == ["Tijdstip", "Ontvangen"]
    assert (result.rows_read, result.events, result.rejected) == (5, 4, 1)
    assert "1 empty row(s) in sheet 'Log' skipped" in result.notes

    rows = query(db, "SELECT case_id, activity, ts, resource, ts_precision, attrs FROM events "
                     "ORDER BY case_id, ts, seq")
    assert rows == [
        ("Z-1", "Aanvraag ontvangen", local(2024, 3, 4, 9, 15), "Anouk", "time",
         {"Bedrag": "12.5", "Ontvangen": "2024-03-01"}),
        ("Z-1", "Besluit", local(2024, 4, 2, 14, 0, 0, 123000), "Jan", "time",
         {"Bedrag": "7", "Ontvangen": "2024-03-01"}),
        # text in a date column is kept as written and read day-first by the shared parser
        ("Z-2", "Aanvraag ontvangen", local(2024, 3, 5, 10, 0), None, "time",
         {"Ontvangen": "onbekend"}),
        # 02:30 on the last Sunday of October happens twice: the first (summer time) is taken
        ("Z-2", "Besluit", local(2024, 10, 27, 2, 30), "Jan", "time",
         {"Bedrag": "3", "Ontvangen": "2024-03-05"}),
    ]
    assert rows[2][2] == datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    assert rows[3][2] == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    # the reject names the row as Excel shows it
    assert query(db, "SELECT source_row, reason FROM rejects") == [
        (8, "missing activity (Activiteit)")
    ]
    assert dict(query(db, "SELECT case_id, attrs FROM cases")) == {
        "Z-1": {"Afdeling": "KCC"}, "Z-2": {"Afdeling": "Balie"},
    }


def test_dates_agree_with_openpyxl_reading_the_same_cells(tmp_path, db):
    src = workbook(tmp_path / "zaken.xlsx")
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(src), mapping=Mapping(roles={"case": "Zaaknummer"})))
    sheet = openpyxl.load_workbook(src, read_only=True)["Log"]
    expected = sorted(
        (row[1].value, row[2].value, row[3].value.replace(tzinfo=AMS).astimezone(UTC))
        for row in sheet.iter_rows(min_row=4)
        if row[2].value and isinstance(row[3].value, datetime)
    )
    ours = sorted(query(db, "SELECT case_id, activity, ts FROM events "
                            "WHERE attrs['Ontvangen'] IS DISTINCT FROM 'onbekend'"))
    assert ours == expected


def test_1904_date_system_and_hidden_first_sheet(tmp_path, db):
    src = workbook(tmp_path / "mac.xlsx", epoch_1904=True, hidden_first=True)
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src), mapping=Mapping(
            roles={"case": "Zaaknummer"}, tz="UTC")))
    assert result.detected["sheet"] == "Log"  # the first visible sheet
    assert result.detected["date_system"] == "1904"
    assert query(db, "SELECT ts FROM events ORDER BY ts LIMIT 1") == [
        (datetime(2024, 3, 4, 9, 15, tzinfo=UTC),)
    ]


def test_sheet_option_and_unknown_sheet(tmp_path, cli_run, db):
    src = workbook(tmp_path / "zaken.xlsx")
    result = cli_run("import", src, "--sheet", "Tweede", "--tz", "UTC")
    assert result.exit_code == 0, result.output
    assert query(db, "SELECT case_id, activity, ts FROM events") == [
        ("X-1", "iets", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    ]
    before = snapshot(db)
    result = cli_run("import", src, "--sheet", "Blad1", "--name", "other")
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: no sheet named 'Blad1'; sheets: 'Log', 'Tweede'\n"
    assert snapshot(db) == before


def test_header_names_are_made_unique(tmp_path, db):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["case", "activity", "timestamp", "note", None, "note"])
    ws.append(["a", "x", datetime(2024, 1, 1, 10), "n1", "unnamed", "n2"])
    wb.save(tmp_path / "dup.xlsx")
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(tmp_path / "dup.xlsx")))
    assert result.events == 1
    assert query(db, "SELECT attrs FROM events") == [({"note": "n1", "column4": "unnamed",
                                                       "note_1": "n2"},)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"case,activity,timestamp\na,b,2024-01-01\n",
         "not an Excel .xlsx workbook (the file is not a zip/OOXML package); if it is a CSV or "
         "another export, rename it or give --format"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
         "an old Excel 97-2003 (.xls) or password-protected workbook, not .xlsx; open it in Excel "
         "and save it as .xlsx (without a password) or CSV"),
        ("zip", "not an Excel workbook (a zip without xl/workbook.xml)"),
        (b"", "not an Excel .xlsx workbook (the file is not a zip/OOXML package); if it is a CSV "
              "or another export, rename it or give --format"),
    ],
)
def test_files_that_are_not_xlsx(tmp_path, cli_run, db, content, message):
    src = tmp_path / "export.xlsx"
    if content == "zip":
        with zipfile.ZipFile(src, "w") as zf:
            zf.writestr("word/document.xml", "<document/>")
    else:
        src.write_bytes(content)
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: {message}\n"
    assert "Traceback" not in result.output
    assert query(db, "SELECT count(*) FROM imports") == [(0,)]
