"""The Delta Lake connector: a table's current snapshot read through its transaction log (deltalake),
partition values put back from the log, rows numbered across files, what it cannot read refused."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .helpers import query, utc

ROLES = Mapping(roles={"case": "zaak", "activity": "stap", "timestamp": "moment", "department": "afdeling"})


def events(cases: range, afdelingen: tuple[str, ...] = ("Team Vergunningen", "KCC")) -> pa.Table:
    """Three events per case, the middle one in another department."""
    rows = [(f"Z-{c}", stap, utc(2024, 3, 1 + c % 20, 9 + i), afdelingen[i % 2])
            for c in cases for i, stap in enumerate(("Aanvraag", "Toets", "Besluit"))]
    zaak, stap, moment, afdeling = zip(*rows, strict=True)
    return pa.table({"zaak": list(zaak), "stap": list(stap), "moment": pa.array(moment, pa.timestamp("us", "UTC")),
                     "afdeling": list(afdeling)})


def imported(db, source, **kw):
    with Store(db) as store:
        return import_log(store, ImportRequest(source=str(source), mapping=kw.pop("mapping", ROLES), **kw))


def test_the_current_version_is_read_not_the_files_an_overwrite_removed(tmp_path, db):
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(10)))
    write_deltalake(table, events(range(100, 104)), mode="overwrite")  # version 1: only these four cases
    write_deltalake(table, events(range(200, 202)), mode="append")  # version 2: and these two
    result = imported(db, table)
    assert result.connector == "delta"
    assert (result.rows_read, result.events, result.rejected) == (18, 18, 0)
    assert sorted(c for (c,) in query(db, "SELECT DISTINCT case_id FROM events")) == [
        "Z-100", "Z-101", "Z-102", "Z-103", "Z-200", "Z-201"]
    assert query(db, "SELECT ts FROM events WHERE case_id = 'Z-201' AND activity = 'Toets'") == [(utc(2024, 3, 2, 10),)]
    assert "Delta table version 2: 2 data file(s)" in result.notes


def test_partition_columns_come_back_from_the_log(tmp_path, db):
    """Delta keeps partition values in the log, not in the files (here with a space, which the log
    writes percent-encoded in the file path); the import equals that of the same rows as Parquet."""
    import pyarrow.parquet as pq

    rows = events(range(30))
    table = tmp_path / "zaken"
    write_deltalake(table, rows, partition_by=["afdeling"])
    imported(db, table)
    pq.write_table(rows, tmp_path / "zaken.parquet")
    other = tmp_path / "parquet.duckdb"
    imported(other, tmp_path / "zaken.parquet")
    compare = "SELECT case_id, activity, ts, department FROM events ORDER BY case_id, ts"
    assert query(db, compare) == query(other, compare)
    assert query(db, "SELECT department, count(*) FROM events GROUP BY 1 ORDER BY 1") == [
        ("KCC", 30), ("Team Vergunningen", 60)]


def test_rejects_name_the_row_across_the_files_of_the_snapshot(tmp_path, db):
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(2)))  # rows 1-6
    broken = events(range(2, 4)).to_pylist()
    broken[4]["stap"] = None  # the fifth row of the second file: row 11 of the snapshot
    write_deltalake(table, pa.Table.from_pylist(broken, schema=events(range(1)).schema), mode="append")
    result = imported(db, table)
    assert (result.rows_read, result.events, result.rejected) == (12, 11, 1)
    assert query(db, "SELECT source_row, reason FROM rejects") == [(11, "missing activity (stap)")]


def test_a_column_added_later_is_empty_in_older_files(tmp_path, db):
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(2)))
    write_deltalake(table, events(range(2, 3)).append_column("toelichting", pa.array(["spoed"] * 3)), mode="append",
                    schema_mode="merge")
    result = imported(db, table)
    assert result.events == 9
    assert query(db, "SELECT case_id, attrs['toelichting'] FROM events WHERE activity = 'Aanvraag' ORDER BY 1") == [
        ("Z-0", None), ("Z-1", None), ("Z-2", "spoed")]


def test_the_same_version_is_the_same_import_a_new_version_is_not(tmp_path, db, cli_run):
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(3)))
    args = ("import", table, "--case", "zaak", "--activity", "stap", "--timestamp", "moment")
    assert cli_run(*args).exit_code == 0
    again = cli_run(*args)
    assert again.exit_code == 2 and "already imported as log 'zaken' (same content" in again.output
    write_deltalake(table, events(range(3, 5)), mode="append")
    changed = cli_run(*args)
    assert changed.exit_code == 2 and "already has a log named 'zaken'" in changed.output, changed.output
    assert cli_run(*args, "--replace").exit_code == 0
    assert query(db, "SELECT count(DISTINCT case_id) FROM events") == [(5,)]


def test_deletion_vectors_switched_on_but_unused_are_readable(tmp_path, db):
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(4)), configuration={"delta.enableDeletionVectors": "true"})
    assert imported(db, table).events == 12


def test_column_mapping_is_refused_in_one_line_without_writing(tmp_path, db, cli_run):
    """Under column mapping the files hold physical column names the log translates: refused, not
    read under the wrong names; nothing is written to the store."""
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(4)), configuration={"delta.columnMapping.mode": "name"})
    result = cli_run("import", table)
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {table}: the Delta table uses column mapping, which only a Delta Lake reader applies; "
        "read it with --engine spark on a platform with Delta Lake, or write it out as Parquet first")
    assert not db.exists() or query(db, "SELECT count(*) FROM imports") == [(0,)]


def test_a_damaged_log_or_a_plain_folder_is_a_one_line_error(tmp_path, cli_run):
    table = tmp_path / "zaken"
    write_deltalake(table, events(range(2)))
    (table / "_delta_log" / "00000000000000000000.json").write_text(json.dumps({"add": "not an action"}))
    damaged = cli_run("import", table)
    assert damaged.exit_code == 2 and damaged.output.startswith(f"error: {table}: not a readable Delta table (")
    assert len(damaged.output.strip().splitlines()) == 1
    plain = tmp_path / "export"
    plain.mkdir()
    for command in ("import", "discover"):  # discover: not mistaken for the name of a log in the store
        folder = cli_run(command, plain)
        assert folder.exit_code == 2
        assert folder.output.strip() == (
            f"error: {plain}: is a folder; give the exported log file (or a Delta table's folder)")


def test_without_the_deltalake_package_the_error_says_what_to_install(tmp_path, db, monkeypatch):
    import builtins

    from procesflow.errors import InputError

    table = tmp_path / "zaken"
    write_deltalake(table, events(range(2)))
    real_import = builtins.__import__

    def no_deltalake(name, *args, **kw):
        if name == "deltalake":
            raise ImportError(name)
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_deltalake)
    with pytest.raises(InputError, match=r"needs the deltalake package: pip install 'procesflow\[delta\]'"):
        imported(db, table)


def test_the_cli_offers_every_connector_as_a_format():
    """--format lists the connector registry's kinds (written out in the CLI so --help stays fast)."""
    from procesflow.cli import cli
    from procesflow.connectors import REGISTRY

    option = next(p for p in cli.commands["import"].params if p.name == "fmt")
    assert list(option.type.choices) == list(REGISTRY)


def test_a_table_without_data_files_is_a_one_line_error(tmp_path, cli_run):
    from deltalake import DeltaTable

    table = tmp_path / "zaken"
    DeltaTable.create(str(table), events(range(1)).schema)
    result = cli_run("import", table)
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {table}: the Delta table holds no data files (version 0)"


def test_int96_timestamps_of_older_writers_are_instants(tmp_path, db):
    """Delta's `timestamp` is an instant. Older Spark writers store it as INT96, which DuckDB reads as a
    naive timestamp — it is read as UTC, not as local time in --tz (here Amsterdam, one hour off)."""
    import pyarrow.parquet as pq

    from procesflow.connectors.delta import snapshot

    rows = events(range(2))
    table = tmp_path / "zaken"
    write_deltalake(table, rows)
    (data_file,) = snapshot(table).paths
    pq.write_table(rows, data_file, use_deprecated_int96_timestamps=True)  # the same rows, as INT96
    assert pq.ParquetFile(data_file).schema.column(2).physical_type == "INT96"
    imported(db, table, mapping=Mapping(roles=ROLES.roles, tz="Europe/Amsterdam"))
    assert query(db, "SELECT min(ts), max(ts) FROM events") == [(utc(2024, 3, 1, 9), utc(2024, 3, 2, 11))]
