"""Spark parity: for every real log in ../shared/logs, metrics.json and findings.json computed on
Spark (pyspark local mode) equal those computed on DuckDB — counts exactly, times to rounding.

Each log is imported with DuckDB as usual, analysed on DuckDB, then its canonical events are
written to Parquet and the same analysis (`procesflow.discover.discover(..., spark=...)`, the code
path of `procesflow discover FILE.parquet --engine spark`) runs on Spark. Only the fields that
describe where the events came from differ by design (`log.source`, the import's data-quality
report, which the Spark run is given from the store here) and `generated_at`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark") if not os.environ.get("CI") else __import__("pyspark")

# The JVMs of these tests (the local session, the Spark Connect server) run about a hundred short
# queries per analysis over logs of a few thousand events: the optimising JIT compiler (C2) costs more
# CPU than it ever gains back, and the suite runs beside the rest of `make test` on 2 cores. C1 alone
# halves the JVM's CPU time; it does not change a result.
os.environ.setdefault("JDK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1")

from procesflow.discover import discover  # noqa: E402
from procesflow.importer import ImportRequest  # noqa: E402
from procesflow.roles import Mapping  # noqa: E402
from procesflow.spark import SparkOptions  # noqa: E402
from procesflow.spark.parity import differences  # noqa: E402
from procesflow.spark.parity import documents as parity_documents  # noqa: E402
from procesflow.spark.source import export_events, spark_session  # noqa: E402
from procesflow.store import Store  # noqa: E402

from .test_shared_logs import CSV_SETUP  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LOGS = {
    "06_bpic2013_closed.xes.gz": Mapping(),
    "08_receipt.xes.gz": Mapping(),
    "roadtraffic100traces.xes": Mapping(),
    "Sepsis_Cases-Event_Log.xes.gz": Mapping(),
    "receipt.csv": CSV_SETUP["receipt.csv"]["mapping"],
    "BPI2016_Complaints.csv": CSV_SETUP["BPI2016_Complaints.csv"]["mapping"],
    "ConsultaDataMining201618.csv": CSV_SETUP["ConsultaDataMining201618.csv"]["mapping"],
    "github_pm4py.jsonocel": Mapping(source={"object_type": "case:concept:name"}),
}
#: Spark in local mode costs a fraction of a second per query whatever the data size (about 100 queries
#: per analysis), so the parity over the shared logs takes minutes; `make test` runs this file beside
#: the rest of the suite. receipt.csv holds the events of 08_receipt.xes.gz (MANIFEST.md), and
#: test_shared_logs shows both import to the same canonical events: on Spark, which reads those
#: events, it would repeat the XES file's parity.
PARITY_LOGS = sorted(set(LOGS) - {"receipt.csv"})


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]")
    # tiny logs: one shuffle partition and no adaptive re-planning cut the fixed cost per query
    # (the results do not depend on either)
    session.conf.set("spark.sql.shuffle.partitions", "1")
    session.conf.set("spark.sql.adaptive.enabled", "false")
    # and expressions evaluated without generated code (no Java compiled per query); the Spark Connect
    # test's server keeps Spark's default, so the generated-code path is compared with DuckDB too
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    session.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
    yield session


def test_differences_sees_what_matters():
    assert differences({"a": 1, "t": 1.0000000001, "generated_at": "x"}, {"a": 1, "t": 1.0, "generated_at": "y"}) == []
    assert differences({"a": 1}, {"a": 2}) == ["/a: 1 != 2"]
    assert differences({"l": [1, 2]}, {"l": [1]}) == ["/l: 2 items on duckdb, 1 on spark"]
    assert differences({"s": "Tuesday"}, {"s": "Tue"}) == ["/s: 'Tuesday' != 'Tue'"]


def documents(log) -> tuple[dict, dict]:
    """metrics.json and findings.json of `log` (procesflow.spark.parity), closing its store after."""
    try:
        return parity_documents(log)
    finally:
        log.store.close()


@pytest.mark.parametrize("file", PARITY_LOGS)
def test_spark_equals_duckdb(file, shared_logs, spark, tmp_path):
    from procesflow.importer import import_log
    from procesflow.session import open_log
    from procesflow.spark import open_spark_log

    db = tmp_path / "store.duckdb"
    with Store(db) as store:
        name = import_log(store, ImportRequest(source=str(shared_logs / file), mapping=LOGS[file])).log
        parquet = export_events(store, name, tmp_path / f"{name}.parquet")
        row = store.active_import(name)
    duck_metrics, duck_findings = documents(open_log(db, name))
    spark_log = open_spark_log(
        str(parquet), SparkOptions(session=spark, import_row={"quality": row["quality"]}), name=name,
        mapping=Mapping(tz=str(row["tz"]), tags=LOGS[file].tags))
    assert type(spark_log.con).__name__ == "SparkConnection"
    spark_metrics, spark_findings = documents(spark_log)
    pairs = (("metrics.json", duck_metrics, spark_metrics), ("findings.json", duck_findings, spark_findings))
    for label, a, b in pairs:
        diff = differences(a, b)
        assert not diff, f"{file} {label}: {len(diff)} differences:\n" + "\n".join(diff[:30])
    assert spark_metrics["log"]["events"] == duck_metrics["log"]["events"] > 0
    assert spark_findings["log"] == name


def test_parquet_with_own_column_names_and_roles(spark, tmp_path):
    """A Parquet file with the source's own column names: roles recognised or given by flags,
    naive timestamps are local time in --tz, events without a case are left out."""
    import pandas as pd

    frame = pd.DataFrame({
        "zaaknummer": ["Z1", "Z1", "Z2", "Z2", None],
        "status": ["Ontvangen", "Besluit", "Ontvangen", "Besluit", "Ontvangen"],
        "datum": pd.to_datetime(["2024-03-01 09:00", "2024-03-05 10:00", "2024-03-02 09:00",
                                 "2024-03-02 12:00", "2024-03-03 09:00"]),
        "afdeling": ["A", "B", "A", "A", "A"],
        "zaaktype": ["x", "x", "y", "y", "y"],
    })
    path = tmp_path / "zaken.parquet"
    frame.to_parquet(path)
    result = discover(str(path), spark=SparkOptions(session=spark), out=tmp_path / "out",
                      request=ImportRequest(source=str(path), mapping=Mapping(roles={"department": "afdeling"},
                                                                             tz="Europe/Amsterdam")))
    log = result.metrics["log"]
    assert (log["cases"], log["events"], log["departments"]) == (2, 4, 2)
    assert log["first_event"] == "2024-03-01T08:00:00+00:00"  # 09:00 in Amsterdam (CET) is 08:00 UTC


def test_procesflow_open_with_a_spark_session_gives_the_duckdb_numbers(spark, tmp_path, monkeypatch):
    """The notebook API: procesflow.open(path, spark=session) reads the Parquet file in place on Spark;
    its DFG, variants and a filtered view equal those of the same file imported into DuckDB."""
    import procesflow

    monkeypatch.chdir(tmp_path)  # procesflow.open keeps its DuckDB store in ./.procesflow/
    source = str(REPO / "sample_logs" / "vergunningen.parquet")
    on_duckdb = procesflow.open(source)
    on_spark = procesflow.open(source, spark=spark)
    assert type(on_spark.event_log.con).__name__ == "SparkConnection"
    assert on_spark.name == on_duckdb.name
    duck_dfg, spark_dfg = on_duckdb.dfg(), on_spark.dfg()
    edges = ["source", "target", "count", "cases"]
    assert (spark_dfg.edges[edges].sort_values(edges[:2]).reset_index(drop=True)
            .equals(duck_dfg.edges[edges].sort_values(edges[:2]).reset_index(drop=True)))
    assert (spark_dfg.start, spark_dfg.end) == (duck_dfg.start, duck_dfg.end)
    columns = ["variant", "cases"]
    assert [tuple(v) for v in on_spark.variants()["variant"]] == [tuple(v) for v in on_duckdb.variants()["variant"]]
    assert on_spark.variants()[columns[1]].tolist() == on_duckdb.variants()[columns[1]].tolist()
    top = on_spark.filter(top_variants=3)
    assert top.spark is on_spark.spark
    assert top.variants()["cases"].tolist() == on_duckdb.filter(top_variants=3).variants()["cases"].tolist()
    on_duckdb.close()


def test_missing_table_or_path_is_a_one_line_error(spark, tmp_path):
    from procesflow.errors import InputError
    from procesflow.spark.source import SparkStore

    with pytest.raises(InputError) as missing_table:
        SparkStore(spark, "spark:no_such_db.events")
    assert "spark:no_such_db.events: cannot read it on Spark" in str(missing_table.value)
    assert "\n" not in str(missing_table.value)
    with pytest.raises(InputError, match="no such file or folder"):
        SparkStore(spark, str(tmp_path / "nope.parquet"))


@pytest.fixture(scope="module")
def readme_on_duckdb(tmp_path_factory) -> Path:
    """The output folder of `procesflow discover sample_logs/vergunningen.parquet` on DuckDB: what the
    two CLI tests below compare the Spark runs with (computed once for both)."""
    from click.testing import CliRunner

    from procesflow.cli import cli

    base = tmp_path_factory.mktemp("readme-duckdb")
    result = CliRunner().invoke(cli, ["discover", str(REPO / "sample_logs" / "vergunningen.parquet"), "--db",
                                      str(base / "store.duckdb"), "--out", str(base / "out"), "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return base / "out"


def test_cli_discover_engine_spark_on_the_readme_parquet_file(spark, cli_run, readme_on_duckdb, tmp_path,
                                                             monkeypatch):
    """The README's `procesflow discover sample_logs/vergunningen.parquet --engine spark`: the whole
    output folder (maps, charts, report) is written, and its metrics.json and findings.json equal those
    of the same command on DuckDB — apart from what only an import into a store knows (its data-quality
    report and the import's own figures)."""
    import json

    source = REPO / "sample_logs" / "vergunningen.parquet"
    # the CLI gets this module's session (getOrCreate) and would set its own number of shuffle
    # partitions on it (8) beside the session's tiny-log tuning (no adaptive coalescing): 8 tasks per
    # shuffle of a few thousand rows, a third longer; the documented variable keeps the session's 1
    monkeypatch.setenv("PROCESFLOW_SPARK_PARTITIONS", "1")
    on_spark = cli_run("discover", source, "--engine", "spark", "--spark-master", "local[2]",
                       "--out", tmp_path / "spark", "--quiet", with_db=False)
    assert on_spark.exit_code == 0, on_spark.output
    written = {p.name for p in (tmp_path / "spark").iterdir()}
    assert {"metrics.json", "findings.json", "report.html"} <= written, written
    assert any(name.endswith(".svg") for name in written), written
    only_a_store_knows = frozenset({"generated_at", "source", "data_quality"})
    for name in ("metrics.json", "findings.json"):
        a, b = (json.loads((folder / name).read_text()) for folder in (readme_on_duckdb, tmp_path / "spark"))
        diff = differences(a, b, ignore=only_a_store_knows)
        assert not diff, f"{name}: {len(diff)} differences:\n" + "\n".join(diff[:30])
    metrics = json.loads((tmp_path / "spark" / "metrics.json").read_text())
    assert metrics["log"]["events"] > 1000
    # the pictures are drawn from those documents on the driver: the same bytes from either engine
    pictures = ["dfg.json", "map.dot", "map.svg", "map-findings.dot", "map-performance.dot", "model_tree.txt",
                "charts/throughput.svg", "charts/variants.svg", "charts/handoffs.svg", "charts/wip.svg"]
    for name in pictures:
        assert (tmp_path / "spark" / name).read_bytes() == (readme_on_duckdb / name).read_bytes(), name


def test_where_on_a_case_attribute_on_spark_equals_duckdb(spark, tmp_path, monkeypatch):
    """`--where` on a case attribute (`case:<key>` columns of the source, or the case attributes a store
    export carries) keeps the same cases on Spark as on DuckDB; case attributes do not leak into the
    event attributes."""
    import pandas as pd

    import procesflow

    monkeypatch.chdir(tmp_path)
    rows = []
    for i in range(12):
        applicant = "bedrijf" if i % 3 == 0 else "burger"
        steps = ["Ontvangen", "Beoordelen"] + (["Aanvullen", "Beoordelen"] if i % 2 else []) + ["Besluit"]
        for j, activity in enumerate(steps):
            # the case attribute only on the first event, empty on the rest (as many exports write it)
            rows.append((f"Z{i:02d}", activity, pd.Timestamp("2024-03-01 09:00") + pd.Timedelta(days=i, hours=j),
                         applicant if j == 0 else "", f"team{j % 2}"))
    frame = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp",
                                        "case:aanvrager", "org:group"])
    frame["time:timestamp"] = frame["time:timestamp"].dt.tz_localize("Europe/Amsterdam")
    source = tmp_path / "zaken.parquet"
    frame.to_parquet(source)

    on_duckdb = procesflow.open(str(source))
    on_spark = procesflow.open(str(source), spark=spark)
    with Store(on_duckdb.db) as store:
        exported = export_events(store, on_duckdb.name, tmp_path / "export.parquet")
    on_export = procesflow.open(str(exported), spark=spark)
    expected = sorted(f"Z{i:02d}" for i in range(12) if i % 3 == 0)
    for log in (on_duckdb, on_spark, on_export):
        kept = log.filter(where={"aanvrager": "bedrijf"})
        assert kept.variants()["cases"].sum() == len(expected) == 4
        assert sorted(kept.to_pandas()["case_id"].unique()) == expected
        keys = kept.event_log.con.execute("SELECT DISTINCT unnest(map_keys(attrs)) FROM events").fetchall()
        assert "aanvrager" not in {k[0] for k in keys}
    on_duckdb.close()


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory):
    """A Spark Connect server on a free local port, started from the jars pyspark ships
    (`spark-connect_2.13-*.jar`), as `sbin/start-connect-server.sh` would; stopped after the module."""
    import socket
    import subprocess
    import time
    from types import SimpleNamespace

    from pyspark.find_spark_home import _find_spark_home

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("connect") / "server.log"
    conf = {"spark.connect.grpc.binding.port": port, "spark.ui.enabled": "false",
            # tiny logs, as the local session of these tests: one shuffle partition, no re-planning
            "spark.sql.shuffle.partitions": 1, "spark.sql.adaptive.enabled": "false"}
    command = [str(Path(_find_spark_home()) / "bin" / "spark-submit"), "--master", "local[2]",
               "--driver-memory", "2g", "--class", "org.apache.spark.sql.connect.service.SparkConnectServer"]
    command += [arg for key, value in conf.items() for arg in ("--conf", f"{key}={value}")] + ["spark-internal"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while "Spark Connect server started" not in log.read_text(errors="replace"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Spark Connect server did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield SimpleNamespace(url=f"sc://127.0.0.1:{port}", log=log)
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_cli_discover_through_spark_connect_equals_duckdb(connect_server, readme_on_duckdb, tmp_path):
    """`procesflow discover … --spark-master sc://…` in a terminal: the analysis runs on a Spark
    Connect server (the client starts no JVM of its own) and gives the metrics.json and findings.json
    of the same command on DuckDB. The CLI runs as its own process: pyspark cannot mix a Connect
    session with the classic session this test module holds."""
    import json
    import subprocess
    import sys

    source = REPO / "sample_logs" / "vergunningen.parquet"
    executed_before = connect_server.log.read_text(errors="replace").count("ExecuteHolder ExecuteKey")
    on_connect = subprocess.run(
        [sys.executable, "-m", "procesflow.cli", "discover", str(source), "--engine", "spark",
         "--spark-master", connect_server.url, "--out", str(tmp_path / "connect"), "--quiet"],
        capture_output=True, text=True, timeout=900, check=False)
    assert on_connect.returncode == 0, on_connect.stderr[-3000:]
    assert (tmp_path / "connect" / "report.html").is_file()
    # every query of the analysis ran on the server
    executed = connect_server.log.read_text(errors="replace").count("ExecuteHolder ExecuteKey") - executed_before
    assert executed >= 40, executed
    only_a_store_knows = frozenset({"generated_at", "source", "data_quality"})
    for name in ("metrics.json", "findings.json"):
        a, b = (json.loads((folder / name).read_text()) for folder in (readme_on_duckdb, tmp_path / "connect"))
        diff = differences(a, b, ignore=only_a_store_knows)
        assert not diff, f"{name}: {len(diff)} differences:\n" + "\n".join(diff[:30])
    assert json.loads((tmp_path / "connect" / "metrics.json").read_text())["log"]["events"] == 5791


def test_delta_table_on_spark_without_its_delta_reader_equals_duckdb(spark, tmp_path, monkeypatch):
    """A partitioned Delta table in two versions, on a Spark without Delta Lake's reader (as here:
    its jars come from Maven): Spark reads the snapshot's files the transaction log lists, with the
    partition values from the log, and reads the events DuckDB reads from the same table — every
    column of every event, so the analysis of them is the one the parity tests above compare."""
    import pyarrow.parquet as pq
    from deltalake import write_deltalake

    import procesflow

    with pytest.raises(Exception, match="DATA_SOURCE_NOT_FOUND"):  # the fallback is what this test reads
        spark.read.format("delta").load(str(tmp_path)).schema  # noqa: B018
    monkeypatch.chdir(tmp_path)
    rows = pq.read_table(REPO / "sample_logs" / "vergunningen.parquet")
    table = tmp_path / "zaken"
    write_deltalake(table, rows.slice(0, 3000), partition_by=["department"])
    write_deltalake(table, rows.slice(3000), partition_by=["department"], mode="append")
    on_duckdb, on_spark = procesflow.open(str(table)), procesflow.open(str(table), spark=spark)
    assert type(on_spark.event_log.con).__name__ == "SparkConnection"
    duck, sparked = (log.to_pandas().drop(columns=["seq"]) for log in (on_duckdb, on_spark))
    assert len(sparked) == len(duck) == rows.num_rows == 5791
    assert list(sparked.columns) == list(duck.columns)
    def values(frame, column):  # a missing value as None (pandas gives NaN or None by column type)
        return [None if v is None or v != v else v for v in frame[column]]

    for column in duck.columns:  # in case order (case, time, sequence): the same value in each row
        assert values(sparked, column) == values(duck, column), column
    assert sparked["department"].nunique() == len(set(rows.column("department").to_pylist())) > 1
    edges = ["source", "target", "count", "cases", "mean_s"]
    assert (on_spark.dfg().edges[edges].sort_values(edges[:2]).reset_index(drop=True)
            .equals(on_duckdb.dfg().edges[edges].sort_values(edges[:2]).reset_index(drop=True)))
    on_duckdb.close()
