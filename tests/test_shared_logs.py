"""Every real log in ../shared/logs, imported and compared with pm4py's own importers.

Compared per log: number of events and cases, the activity set, and per case the activities and
timestamps in order (time, then source order for equal times — Sepsis alone has 4,447 ties).
Timestamps must be the true UTC instants. pm4py issue #561 (`strpfromiso` relabelled an offset as
UTC instead of converting it) is fixed in the pinned pm4py, which agrees with us here; the tests
still check the instants against an independent computation from the raw text (the standard
library's XML parser and `datetime.fromisoformat`/`strptime`), so a pm4py regression cannot make
a wrong instant look right.
"""

from __future__ import annotations

import csv
import gzip
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .helpers import query

XES_LOGS = ("08_receipt.xes.gz", "roadtraffic100traces.xes", "Sepsis_Cases-Event_Log.xes.gz",
            "06_bpic2013_closed.xes.gz")
CSV_LOGS = ("receipt.csv", "BPI2016_Complaints.csv", "ConsultaDataMining201618.csv")
OCEL_LOGS = ("github_pm4py.jsonocel",)
OCEL_TYPES = {"case:concept:name": 353, "org:resource": 178, "case:repo": 1}

# how each CSV is read by pm4py (pandas + format_dataframe) and imported by procesflow; naive
# timestamps are read as UTC on both sides (pm4py's rule) so the instants can be compared
CSV_SETUP = {
    "receipt.csv": {
        "pandas": {},
        "keys": ("case:concept:name", "concept:name", "time:timestamp", None),
        "mapping": Mapping(),
    },
    "BPI2016_Complaints.csv": {
        "pandas": {"sep": ";", "encoding": "ISO-8859-1", "na_values": ["n.v.t."]},
        "keys": ("CustomerID", "ComplaintTopic_EN", "ContactDate", None),
        "mapping": Mapping(roles={"activity": "ComplaintTopic_EN", "timestamp": "ContactDate"},
                           tz="UTC"),
    },
    "ConsultaDataMining201618.csv": {
        "pandas": {},
        "keys": ("Case ID", "Activity", "Complete Timestamp", "Start Timestamp"),
        "mapping": Mapping(tz="UTC"),
    },
}


def _log_name(file: str) -> str:
    return file.replace(".", "_")


@pytest.fixture(scope="module")
def store_db(shared_logs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store with every shared log imported through the real pipeline (OCEL once per type)."""
    db = tmp_path_factory.mktemp("shared") / "store.duckdb"
    with Store(db) as store:
        for file in XES_LOGS:
            import_log(store, ImportRequest(source=str(shared_logs / file), name=_log_name(file)))
        for file in CSV_LOGS:
            import_log(store, ImportRequest(source=str(shared_logs / file), name=_log_name(file),
                                            mapping=CSV_SETUP[file]["mapping"]))
        for otype in OCEL_TYPES:
            import_log(store, ImportRequest(source=str(shared_logs / OCEL_LOGS[0]),
                                            name=f"github-{otype.replace(':', '_')}",
                                            mapping=Mapping(source={"object_type": otype})))
    return db


def ours(db: Path, log: str) -> dict[str, list[tuple[str, datetime]]]:
    """case -> [(activity, ts)] as stored (ordered by time, then source order)."""
    out: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for case, act, ts in query(
        db, "SELECT case_id, activity, ts FROM events WHERE log = ? ORDER BY case_id, ts, seq", [log]
    ):
        out[case].append((act, ts))
    return dict(out)


def theirs(df: pd.DataFrame, case: str, act: str, ts: str) -> dict[str, list[tuple[str, datetime]]]:
    """The same from a pm4py dataframe, ties broken by the dataframe's (source) order."""
    df = df.reset_index(drop=True)
    df["__i"] = range(len(df))
    df = df.sort_values([case, ts, "__i"], kind="stable")
    out: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for c, a, t in zip(df[case].astype(str), df[act], df[ts], strict=True):
        out[c].append((a, t.to_pydatetime()))
    return dict(out)


def assert_same_log(got: dict, expected: dict) -> None:
    assert len(got) == len(expected)  # cases
    assert sum(map(len, got.values())) == sum(map(len, expected.values()))  # events
    assert {a for evs in got.values() for a, _ in evs} == {a for evs in expected.values() for a, _ in evs}
    assert {c: [a for a, _ in evs] for c, evs in got.items()} == {
        c: [a for a, _ in evs] for c, evs in expected.items()
    }
    assert got == expected  # and the instants


def test_every_shared_log_is_covered(shared_logs):
    files = {p.name for p in shared_logs.iterdir() if p.name != "MANIFEST.md"}
    assert files == set(XES_LOGS) | set(CSV_LOGS) | set(OCEL_LOGS)


def _xes_names_and_stamps(path: Path) -> dict[str, list[datetime]]:
    """Independent reading: ElementTree + datetime.fromisoformat on each `value` text."""
    opener = gzip.open if path.name.endswith(".gz") else open
    out: dict[str, list[datetime]] = {}
    with opener(path, "rb") as fh:
        for _event, elem in ET.iterparse(fh, events=("end",)):
            if elem.tag.rpartition("}")[2] != "trace":
                continue
            name = None
            stamps = []
            for child in elem:
                tag = child.tag.rpartition("}")[2]
                if tag != "event" and child.get("key") == "concept:name":
                    name = child.get("value")
                elif tag == "event":
                    for attr in child:
                        if attr.get("key") == "time:timestamp":
                            stamps.append(datetime.fromisoformat(attr.get("value")).astimezone(UTC))
            out[name] = sorted(stamps)
            elem.clear()
    return out


@pytest.mark.parametrize("file", XES_LOGS)
def test_xes_logs_match_pm4py(store_db, shared_logs, file):
    import pm4py

    df = pm4py.read_xes(str(shared_logs / file), variant="iterparse")
    got = ours(store_db, _log_name(file))
    assert_same_log(got, theirs(df, "case:concept:name", "concept:name", "time:timestamp"))
    # the instants, independently of pm4py
    assert {c: sorted(ts for _, ts in evs) for c, evs in got.items()} == _xes_names_and_stamps(
        shared_logs / file
    )
    # event attributes: the same keys as pm4py's columns, minus roles and case attributes
    roles = {"concept:name", "time:timestamp", "org:resource", "org:group", "lifecycle:transition"}
    keys = {k for (k,) in query(store_db, "SELECT DISTINCT unnest(map_keys(attrs)) FROM events "
                                          "WHERE log = ?", [_log_name(file)])}
    assert keys == {c for c in df.columns if c not in roles and not c.startswith("case:")}
    case_keys = {k for (k,) in query(store_db, "SELECT DISTINCT unnest(map_keys(attrs)) FROM cases "
                                               "WHERE log = ?", [_log_name(file)])}
    assert case_keys == {c[5:] for c in df.columns if c.startswith("case:")} - {"concept:name"}
    # log-level meta_* statistics (large nested attributes) are not imported anywhere
    assert not any(k.startswith("meta_") for k in keys | case_keys)
    # sparse resources and groups: present exactly where pm4py has them
    counts = query(store_db, "SELECT count(resource), count(department), count(lifecycle) "
                             "FROM events WHERE log = ?", [_log_name(file)])[0]
    expected = tuple(int(df[c].notna().sum()) if c in df.columns else 0
                     for c in ("org:resource", "org:group", "lifecycle:transition"))
    assert counts == expected


def test_xes_traps(store_db):
    # roadtraffic: no namespace; the resource only on "Create Fine"
    assert query(store_db, "SELECT DISTINCT activity FROM events WHERE log = ? AND resource IS NOT NULL",
                 [_log_name("roadtraffic100traces.xes")]) == [("Create Fine",)]
    # Sepsis: no namespace, a group (department) but never a resource, many equal timestamps
    sepsis = _log_name("Sepsis_Cases-Event_Log.xes.gz")
    assert query(store_db, "SELECT count(resource), count(DISTINCT department) FROM events "
                           "WHERE log = ?", [sepsis]) == [(0, 26)]
    assert query(store_db, "SELECT (quality->>'tied_events')::INT > 4000 FROM imports WHERE log = ?",
                 [sepsis]) == [(True,)]
    # BPIC 2013: non-standard lifecycle values are kept as they are and nothing is paired
    bpic = _log_name("06_bpic2013_closed.xes.gz")
    assert dict(query(store_db, "SELECT lifecycle, count(*) FROM events WHERE log = ? GROUP BY 1",
                      [bpic])) == {"Assigned": 614, "Awaiting Assignment": 875, "Cancelled": 3,
                                   "Closed": 1565, "In Progress": 3066, "Unmatched": 10, "Wait": 527}
    assert query(store_db, "SELECT count(start_ts) FROM events WHERE log = ?", [bpic]) == [(0,)]
    # the MANIFEST's counts
    expected = {"08_receipt.xes.gz": (1434, 8577), "roadtraffic100traces.xes": (100, 390),
                "Sepsis_Cases-Event_Log.xes.gz": (1050, 15214),
                "06_bpic2013_closed.xes.gz": (1487, 6660)}
    for file, counts in expected.items():
        assert query(store_db, "SELECT count(DISTINCT case_id), count(*) FROM events WHERE log = ?",
                     [_log_name(file)]) == [counts]
        assert query(store_db, "SELECT rows_read, rows_rejected FROM imports WHERE log = ?",
                     [_log_name(file)]) == [(counts[1], 0)]


def _csv_frame(shared_logs: Path, file: str) -> pd.DataFrame:
    import pm4py

    setup = CSV_SETUP[file]
    case, act, ts, start = setup["keys"]
    df = pd.read_csv(shared_logs / file, dtype=str, **setup["pandas"])
    return pm4py.format_dataframe(df, case_id=case, activity_key=act, timestamp_key=ts,
                                  start_timestamp_key=start or "start_timestamp")


@pytest.mark.parametrize("file", CSV_LOGS)
def test_csv_logs_match_pm4py(store_db, shared_logs, file):
    df = _csv_frame(shared_logs, file)
    got = ours(store_db, _log_name(file))
    assert_same_log(got, theirs(df, "case:concept:name", "concept:name", "time:timestamp"))


def test_csv_instants_from_the_raw_text(store_db, shared_logs):
    """The instants, independently of pm4py, from the raw text with the standard library."""

    def raw(file: str, encoding: str, delimiter: str, case: str, ts: str, parse) -> dict:
        out: dict[str, list[datetime]] = defaultdict(list)
        with (shared_logs / file).open(encoding=encoding, newline="") as fh:
            for row in csv.DictReader(fh, delimiter=delimiter):
                out[row[case]].append(parse(row[ts]))
        return {c: sorted(v) for c, v in out.items()}

    def stored(file: str) -> dict:
        return {c: sorted(ts for _, ts in evs) for c, evs in ours(store_db, _log_name(file)).items()}

    # receipt: offsets +01:00 and +02:00 mixed in one column
    assert stored("receipt.csv") == raw(
        "receipt.csv", "utf-8", ",", "case:concept:name", "time:timestamp",
        lambda v: datetime.fromisoformat(v).astimezone(UTC))
    # Consulta: naive YYYY/MM/DD HH:MM:SS.fff, imported with --tz UTC
    assert stored("ConsultaDataMining201618.csv") == raw(
        "ConsultaDataMining201618.csv", "utf-8", ",", "Case ID", "Complete Timestamp",
        lambda v: datetime.strptime(v, "%Y/%m/%d %H:%M:%S.%f").replace(tzinfo=UTC))
    # BPI 2016: date-only, imported with --tz UTC
    assert stored("BPI2016_Complaints.csv") == raw(
        "BPI2016_Complaints.csv", "iso-8859-1", ";", "CustomerID", "ContactDate",
        lambda v: datetime.strptime(v, "%Y-%m-%d").replace(tzinfo=UTC))
    assert query(store_db, "SELECT DISTINCT ts_precision FROM events WHERE log = ?",
                 [_log_name("BPI2016_Complaints.csv")]) == [("day",)]


def test_consulta_start_and_complete_columns_match_pm4py(store_db, shared_logs):
    df = _csv_frame(shared_logs, "ConsultaDataMining201618.csv")
    expected = sorted(zip(df["case:concept:name"], df["concept:name"],
                          (t.to_pydatetime() for t in df["start_timestamp"]),
                          (t.to_pydatetime() for t in df["time:timestamp"]), strict=True))
    got = sorted(query(store_db, "SELECT case_id, activity, start_ts, ts FROM events WHERE log = ?",
                       [_log_name("ConsultaDataMining201618.csv")]))
    assert got == expected


def test_naive_times_default_to_amsterdam(shared_logs, tmp_path):
    db = tmp_path / "ams.duckdb"
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(shared_logs / "ConsultaDataMining201618.csv")))
    first = query(db, "SELECT ts FROM events WHERE case_id = '81051' ORDER BY ts, seq LIMIT 1")[0][0]
    # 2016/02/01 13:23:52 is CET (+01:00)
    assert first == datetime(2016, 2, 1, 13, 23, 52, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert first == datetime(2016, 2, 1, 12, 23, 52, tzinfo=UTC)


@pytest.mark.parametrize("otype", list(OCEL_TYPES))
def test_github_ocel_flattened_matches_pm4py(store_db, shared_logs, otype):
    import pm4py

    ocel = pm4py.read_ocel(str(shared_logs / OCEL_LOGS[0]))
    flat = pm4py.ocel_flattening(ocel, otype)
    got = ours(store_db, f"github-{otype.replace(':', '_')}")
    assert_same_log(got, theirs(flat, "case:concept:name", "concept:name", "time:timestamp"))
    assert len(got) == OCEL_TYPES[otype]
    assert query(store_db, "SELECT rows_read, rows_loaded, rows_rejected FROM imports WHERE log = ?",
                 [f"github-{otype.replace(':', '_')}"]) == [(1798, 1798, 0)]


def test_github_ocel_without_object_type_lists_the_types(shared_logs, cli_run):
    src = shared_logs / OCEL_LOGS[0]
    result = cli_run("import", src)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {src}: choose an object type with --object-type: case:concept:name (353 objects), "
        "org:resource (178 objects), case:repo (1 object)\n"
    )


def test_receipt_csv_and_xes_give_identical_stores(store_db):
    csv_log, xes_log = _log_name("receipt.csv"), _log_name("08_receipt.xes.gz")
    cols = ("case_id, activity, ts, start_ts, resource, department, channel, lifecycle, seq, "
            "ts_precision, attrs")
    csv_events = query(store_db, f"SELECT {cols} FROM events WHERE log = ? ORDER BY case_id, ts, seq",
                       [csv_log])
    xes_events = query(store_db, f"SELECT {cols} FROM events WHERE log = ? ORDER BY case_id, ts, seq",
                       [xes_log])
    assert len(csv_events) == 8577
    assert csv_events == xes_events  # every column, seq (dense source order) and attrs included
    # in SQL too: MAP equality in DuckDB is sensitive to key order
    diff = query(store_db, f"SELECT count(*) FROM (SELECT {cols} FROM events WHERE log = ? "
                           f"EXCEPT ALL SELECT {cols} FROM events WHERE log = ?)", [csv_log, xes_log])
    assert diff == [(0,)]
    csv_cases = query(store_db, "SELECT case_id, attrs FROM cases WHERE log = ? ORDER BY case_id",
                      [csv_log])
    xes_cases = query(store_db, "SELECT case_id, attrs FROM cases WHERE log = ? ORDER BY case_id",
                      [xes_log])
    assert len(csv_cases) == 1434
    # equal as values (Python dicts); the CSV's case attributes are alphabetical (its column
    # order), the XES's in trace order, so the MAPs differ in key order only (see the report)
    assert csv_cases == xes_cases
    # date-valued case attributes: CSV `2011-12-06 13:41:31.788000+01:00` and XES
    # `2011-12-06T13:41:31.788+01:00` are both stored as the canonical UTC instant
    first = dict(csv_cases)["case-10011"]
    assert first["deadline"] == "2011-12-06T12:41:31.788000Z"
    assert first["startdate"] == "2011-10-11T11:42:22.688000Z"
    q = "SELECT rows_read, rows_loaded, rows_rejected, quality FROM imports WHERE log = ?"
    assert query(store_db, q, [csv_log]) == query(store_db, q, [xes_log])
