"""The Parquet connector: read_parquet directly, column types kept, file row numbers, damage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .helpers import query, snapshot, utc

AMS = ZoneInfo("Europe/Amsterdam")


def typed_table() -> pa.Table:
    """Six rows: an instant column, a naive column, a date column, numbers and a case attribute."""
    instants = [utc(2024, 3, 4, 8, 15), utc(2024, 3, 31, 0, 30), utc(2024, 7, 1, 10),
                utc(2024, 7, 1, 10), None, utc(2024, 10, 27, 0, 30)]
    naive = [datetime(2024, 3, 4, 9, 15), datetime(2024, 3, 31, 2, 30), datetime(2024, 7, 1, 12),
             datetime(2024, 7, 1, 12), None, datetime(2024, 10, 27, 2, 30)]
    return pa.table({
        "case_id": ["Z-1", "Z-1", "Z-2", "Z-2", "Z-3", None],
        "activity": ["Aanvraag", "Toets", "Aanvraag", "Besluit", "Aanvraag", "Besluit"],
        "ts": pa.array(instants, pa.timestamp("us", tz="UTC")),
        "local_ts": pa.array(naive, pa.timestamp("ms")),
        "day": pa.array([date(2024, 3, 4), date(2024, 3, 31), date(2024, 7, 1), date(2024, 7, 1),
                         None, date(2024, 10, 27)], pa.date32()),
        "amount": pa.array([12.5, None, 3.0, 4.25, 1.0, 2.0], pa.float64()),
        "count": pa.array([1, 2, 3, 4, 5, 6], pa.int32()),
        "case:afdeling": ["KCC", "KCC", "Vergunningen", None, "KCC", "KCC"],
    })


def write(path: Path, table: pa.Table, **kw) -> Path:
    pq.write_table(table, path, **kw)
    return path


def test_types_are_kept_and_rows_numbered_from_the_file(tmp_path, db):
    src = write(tmp_path / "log.parquet", typed_table(), row_group_size=2)  # three row groups
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src), mapping=Mapping(
            roles={"case": "case_id", "activity": "activity", "timestamp": "ts"})))
    assert result.connector == "parquet"
    assert (result.rows_read, result.events, result.rejected) == (6, 4, 2)
    assert result.time_parsing["timestamp"] == "timestamps with time zone"
    rows = query(db, "SELECT case_id, activity, ts, ts_precision, attrs FROM events "
                     "ORDER BY case_id, ts, seq")
    assert [r[:4] for r in rows] == [
        ("Z-1", "Aanvraag", utc(2024, 3, 4, 8, 15), "time"),
        ("Z-1", "Toets", utc(2024, 3, 31, 0, 30), "time"),
        ("Z-2", "Aanvraag", utc(2024, 7, 1, 10), "time"),
        ("Z-2", "Besluit", utc(2024, 7, 1, 10), "time"),
    ]
    assert rows[0][4] == {"local_ts": "2024-03-04 09:15:00", "day": "2024-03-04", "amount": "12.5",
                          "count": "1"}
    # __row is the 1-based row in the file, also across row groups
    assert query(db, "SELECT source_row, reason FROM rejects ORDER BY source_row") == [
        (5, "missing timestamp (ts)"), (6, "missing case id (case_id)"),
    ]
    assert dict(query(db, "SELECT case_id, attrs['afdeling'] FROM cases")) == {
        "Z-1": "KCC", "Z-2": "Vergunningen",
    }
    assert query(db, "SELECT rows_read FROM imports") == [(pq.ParquetFile(src).metadata.num_rows,)]


def test_naive_timestamps_are_local_time_in_tz(tmp_path, db):
    src = write(tmp_path / "naive.parquet", typed_table())
    roles = {"case": "case_id", "activity": "activity", "timestamp": "local_ts"}
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src), mapping=Mapping(roles=roles)))
        import_log(store, ImportRequest(source=str(src), name="utc", mapping=Mapping(roles=roles, tz="UTC")))
    assert result.time_parsing["timestamp"] == "naive timestamps in Europe/Amsterdam"
    ams = query(db, "SELECT ts FROM events WHERE log = 'naive' ORDER BY seq")
    # expected instants from zoneinfo (fold=0: the spring gap moves forward, the autumn overlap
    # takes the first occurrence); every naive value is the same instant as the `ts` column
    expected = [datetime(2024, 3, 4, 9, 15), datetime(2024, 3, 31, 2, 30),
                datetime(2024, 7, 1, 12), datetime(2024, 7, 1, 12)]
    assert [r[0] for r in ams] == [d.replace(tzinfo=AMS).astimezone(UTC) for d in expected]
    assert [r[0] for r in ams] == [utc(2024, 3, 4, 8, 15), utc(2024, 3, 31, 1, 30),
                                   utc(2024, 7, 1, 10), utc(2024, 7, 1, 10)]
    assert [r[0] for r in query(db, "SELECT ts FROM events WHERE log = 'utc' ORDER BY seq")] == [
        utc(2024, 3, 4, 9, 15), utc(2024, 3, 31, 2, 30), utc(2024, 7, 1, 12), utc(2024, 7, 1, 12),
    ]
    quality = query(db, "SELECT quality->>'dst_nonexistent' FROM imports WHERE log = 'naive'")
    assert quality == [("1",)]


def test_date_column_is_day_precision(tmp_path, db):
    src = write(tmp_path / "days.parquet", typed_table())
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(src), mapping=Mapping(
            roles={"case": "case_id", "activity": "activity", "timestamp": "day"})))
    assert query(db, "SELECT ts, ts_precision FROM events ORDER BY seq LIMIT 1") == [
        (utc(2024, 3, 3, 23), "day")  # local midnight in Amsterdam (CET)
    ]


def test_matches_pyarrow_reading_of_a_log(tmp_path, db):
    """A larger log: cases, events and per-case order as pyarrow reads the same file."""
    n = 5000
    table = pa.table({
        "case:concept:name": [f"c{i % 97}" for i in range(n)],
        "concept:name": [f"act {i % 7}" for i in range(n)],
        "time:timestamp": pa.array([utc(2024, 1, 1) + (i // 3) * (utc(2024, 1, 1, 0, 1) - utc(2024, 1, 1))
                                    for i in range(n)], pa.timestamp("us", tz="UTC")),
    })
    src = write(tmp_path / "big.pq", table, row_group_size=1000)
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src)))
    assert result.events == n and result.rows_read == n
    expected: dict[str, list[str]] = {}
    rows = sorted(zip(table["case:concept:name"].to_pylist(), table["time:timestamp"].to_pylist(),
                      range(n), table["concept:name"].to_pylist(), strict=True))
    for case, _ts, _i, act in rows:
        expected.setdefault(case, []).append(act)
    ours: dict[str, list[str]] = {}
    for case, act in query(db, "SELECT case_id, activity FROM events ORDER BY case_id, ts, seq"):
        ours.setdefault(case, []).append(act)
    assert ours == expected


def test_a_column_called_file_row_number_or___row(tmp_path, db):
    table = pa.table({"case": ["a", "a", None], "activity": ["x", "y", "z"],
                      "timestamp": ["2024-01-01 10:00", "2024-01-01 11:00", "2024-01-01 12:00"],
                      "file_row_number": [70, 80, 90], "__row": [7, 8, 9]})
    src = write(tmp_path / "odd.parquet", table)
    with Store(db) as store:
        result = import_log(store, ImportRequest(source=str(src), mapping=Mapping(tz="UTC")))
    assert result.events == 2
    assert query(db, "SELECT activity, attrs FROM events ORDER BY seq") == [
        ("x", {"file_row_number": "70", "__row (source)": "7"}),
        ("y", {"file_row_number": "80", "__row (source)": "8"}),
    ]
    assert query(db, "SELECT source_row FROM rejects") == [(3,)]


def _good(tmp_path: Path) -> Path:
    return write(tmp_path / "good.parquet", typed_table())


@pytest.mark.parametrize("damage", ["truncated", "text", "footer"])
def test_corrupt_parquet_is_refused_with_one_line(tmp_path, cli_run, db, damage):
    good = _good(tmp_path)
    assert cli_run("import", good, "--case", "case_id", "--activity", "activity",
                   "--timestamp", "local_ts").exit_code == 0
    before = snapshot(db)
    data = good.read_bytes()
    src = tmp_path / "bad.parquet"
    if damage == "truncated":
        src.write_bytes(data[: len(data) // 2])
        message = f"not a readable Parquet file (Invalid Input Error: No magic bytes found at end of file '{src}')"
    elif damage == "text":
        src.write_bytes(b"a,b\n1,2\n")
        message = f"not a readable Parquet file (Invalid Input Error: File '{src}' too small to be a Parquet file)"
    else:
        src.write_bytes(data[:-8] + b"\xff\xff\xff\x7fPAR1")
        message = f"not a readable Parquet file (Invalid Input Error: Footer length error in file '{src}')"
    result = cli_run("import", src, "--case", "case_id", "--activity", "activity", "--timestamp", "ts")
    assert result.exit_code == 2
    assert result.stderr == f"error: {src}: {message}\n"
    assert "Traceback" not in result.output
    assert snapshot(db) == before


def test_damaged_data_pages_fail_the_import_and_change_nothing(tmp_path, cli_run, db):
    good = _good(tmp_path)
    assert cli_run("import", good, "--case", "case_id", "--activity", "activity",
                   "--timestamp", "local_ts").exit_code == 0
    before = snapshot(db)
    data = bytearray(write(tmp_path / "plain.parquet", typed_table(), compression="snappy").read_bytes())
    for i in range(8, 400):  # scramble the column chunks, keep the footer intact
        data[i] = (data[i] * 7 + 13) % 256
    src = tmp_path / "scrambled.parquet"
    src.write_bytes(bytes(data))
    result = cli_run("import", src, "--case", "case_id", "--activity", "activity", "--timestamp", "ts")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {src}: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert snapshot(db) == before
