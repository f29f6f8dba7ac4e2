"""Time metrics in SQL: hand-computed values on tiny logs (one test per definition) and equality
with pandas and pm4py on real logs."""

from __future__ import annotations

import json

import pandas as pd
import pm4py
import pytest

from procesflow.metrics.timing import (
    activity_clock,
    case_times,
    compute_time,
    event_waits,
    flow_by_week,
    processing_by_activity,
    waiting_by_activity,
    wip_by_day,
)

from .test_calendar import build_local_log

H = 3600.0
D = 86400.0

# No start times: every wait is a transition time. Timestamps are UTC.
TRANSITIONS = [
    # case a: A B C D — B and C tie at 11:00 (source order decides), throughput 25 h
    ("a", "A", "2024-01-01 10:00", "r1"), ("a", "B", "2024-01-01 11:00", "r2"), ("a", "C", "2024-01-01 11:00", "r1"),
    ("a", "D", "2024-01-02 11:00", "r2"),
    # case b: A C B B, throughput 26.5 h
    ("b", "A", "2024-01-02 10:00", "r1"), ("b", "C", "2024-01-02 10:30", "r1"), ("b", "B", "2024-01-02 12:30", "r2"),
    ("b", "B", "2024-01-03 12:30", "r2"),
    # case c: a single event without a resource, throughput 0
    ("c", "A", "2024-01-05 09:00", ""),
    # case d: date-only timestamps, throughput 2 days
    ("d", "A", "2024-01-03", ""), ("d", "B", "2024-01-05", ""),
]
THROUGHPUTS = [25 * H, 26.5 * H, 0.0, 2 * D]

# With start times (case, activity, timestamp, start_timestamp)
STARTS = [
    # s1: B waits 1 h for its start; C starts 30 min before B completes (overlap: wait 0)
    ("s1", "A", "2024-01-01 10:00", "2024-01-01 09:00"), ("s1", "B", "2024-01-01 12:00", "2024-01-01 11:00"),
    ("s1", "C", "2024-01-01 13:00", "2024-01-01 11:30"),
    # s2: B has no start time: its wait (1.5 h) is a transition time; not in flow efficiency
    ("s2", "A", "2024-01-01 08:30", "2024-01-01 08:00"), ("s2", "B", "2024-01-01 10:00", ""),
    # s3: one zero-length event: span 0, flow efficiency undefined
    ("s3", "A", "2024-01-01 10:00", "2024-01-01 10:00"),
    # s4: 2 h + 1 h of work in a 4 h span
    ("s4", "A", "2024-01-01 12:00", "2024-01-01 10:00"), ("s4", "B", "2024-01-01 14:00", "2024-01-01 13:00"),
]
START_COLUMNS = ("case", "activity", "timestamp", "start_timestamp")


def test_throughput_percentiles_by_hand(tiny_log):
    t = compute_time(tiny_log(TRANSITIONS), bins=4)["throughput"]
    # sorted: 0, 25 h, 26.5 h, 48 h; linear interpolation between order statistics
    assert t["count"] == 4 and t["min"] == 0 and t["max"] == 2 * D
    assert t["mean"] == pytest.approx(sum(THROUGHPUTS) / 4)
    assert t["median"] == pytest.approx((25 + 26.5) / 2 * H)
    assert t["p10"] == pytest.approx(0.3 * 25 * H)
    assert t["p25"] == pytest.approx(0.75 * 25 * H)
    assert t["p75"] == pytest.approx(26.5 * H + 0.25 * 21.5 * H)
    assert t["p90"] == pytest.approx(26.5 * H + 0.7 * 21.5 * H)
    assert t["histogram"] == {"edges": [0.0, 12 * H, 24 * H, 36 * H, 48 * H], "counts": [1, 0, 2, 1]}


def test_histogram_of_equal_values_is_one_bin(tiny_log):
    log = tiny_log([("a", "A", "2024-01-01 10:00"), ("a", "B", "2024-01-01 11:00"),
                    ("b", "A", "2024-01-02 10:00"), ("b", "B", "2024-01-02 11:00")])
    assert compute_time(log)["throughput"]["histogram"] == {"edges": [H, H], "counts": [2]}


def test_case_durations_by_hand(tiny_log):
    cases = case_times(tiny_log(TRANSITIONS)).set_index("case_id")
    assert cases["throughput_s"].to_dict() == dict(zip("abcd", THROUGHPUTS, strict=True))
    assert cases["events"].to_dict() == {"a": 4, "b": 4, "c": 1, "d": 2}
    assert cases["flow_efficiency"].isna().all()  # no start times


def test_transition_waits_by_hand(tiny_log):
    log = tiny_log(TRANSITIONS)
    w = waiting_by_activity(log).set_index("activity")
    assert list(w.index) == ["B", "D", "C"]  # by total wait
    # B waits 1 h (a), 2 h and 24 h (b), 2 days (d: date-only)
    b = w.loc["B"]
    assert (b["count"], b["cases"], b["to_start"], b["transition"], b["overlaps"]) == (4, 3, 0, True, 0)
    assert b["median_s"] == pytest.approx((2 + 24) / 2 * H)
    assert b["mean_s"] == pytest.approx((1 + 2 + 24 + 48) / 4 * H)
    assert b["p90_s"] == pytest.approx(24 * H + 0.7 * 24 * H)
    assert b["total_s"] == pytest.approx(75 * H)
    assert b["share_of_case_time"] == pytest.approx(75 * H / sum(THROUGHPUTS))
    c = w.loc["C"]  # 0 (tie with B in case a) and 30 min
    assert (c["count"], c["median_s"], c["p90_s"], c["total_s"]) == (2, 900.0, 1620.0, 1800.0)
    assert w.loc["D", "total_s"] == D
    section = compute_time(log)["waiting"]
    assert section["events"] == 7  # every event but the 4 first ones
    assert section["share_of_case_time"] == pytest.approx(1.0)  # transition times add up to throughput
    assert [a["activity"] for a in section["activities"]] == ["B", "D", "C"]


def test_a_first_event_has_no_wait_not_a_wait_of_zero(tiny_log):
    """B starts case 2 and follows A in cases 1 and 3: its waits are 2 h and 4 h, not 0, 2 and 4."""
    from procesflow.lean.views import build_rule_views
    from procesflow.options import AnalysisOptions

    log = tiny_log([("1", "A", "2024-01-01 10:00"), ("1", "B", "2024-01-01 12:00"),
                    ("2", "B", "2024-01-02 10:00"), ("2", "C", "2024-01-02 11:00"),
                    ("3", "A", "2024-01-03 10:00"), ("3", "B", "2024-01-03 14:00")])
    build_rule_views(log, AnalysisOptions(), set())
    waits = dict(log.con.execute("SELECT CAST(activity AS VARCHAR), median_wait_s FROM activity_stats").fetchall())
    assert waits == {"A": None, "B": 3 * H, "C": 1 * H}
    assert waiting_by_activity(log).set_index("activity").loc["B", "median_s"] == 3 * H
    first = log.con.execute("SELECT count(*), count(wait_s) FROM ev WHERE pos = 1").fetchone()
    assert first == (3, 0)


def test_waits_processing_and_flow_efficiency_with_start_times(tiny_log):
    log = tiny_log(STARTS, columns=START_COLUMNS)
    waits = event_waits(log)
    assert list(zip(waits["case_id"], waits["activity"], waits["wait_s"], waits["to_start"], strict=True)) == [
        ("s1", "B", 1 * H, True), ("s1", "C", 0.0, True), ("s2", "B", 1.5 * H, False), ("s4", "B", 1 * H, True)]
    assert waits.set_index(["case_id", "activity"]).loc[("s1", "C"), "raw_wait_s"] == -0.5 * H
    w = waiting_by_activity(log).set_index("activity")
    assert (w.loc["B", "to_start"], w.loc["B", "transition"], w.loc["B", "median_s"]) == (2, True, 1 * H)
    assert (w.loc["C", "transition"], w.loc["C", "overlaps"], w.loc["C", "total_s"]) == (False, 1, 0.0)

    p = processing_by_activity(log).set_index("activity")
    assert p.loc["A", ["count", "with_start", "median_s", "mean_s", "total_s"]].tolist() == [
        4, 4, 0.75 * H, 3.5 * H / 4, 3.5 * H]
    assert p.loc["B", ["count", "with_start", "median_s", "total_s"]].tolist() == [3, 2, 1 * H, 2 * H]
    assert p.loc["C", "total_s"] == 1.5 * H

    cases = case_times(log).set_index("case_id")
    assert cases["processing_s"].to_dict() == {"s1": 3.5 * H, "s2": 0.5 * H, "s3": 0.0, "s4": 3 * H}
    assert cases.loc["s1", "flow_efficiency"] == pytest.approx(3.5 / 4)
    assert cases.loc["s4", "flow_efficiency"] == pytest.approx(3 / 4)
    assert cases[["flow_efficiency"]].loc[["s2", "s3"]].isna().all().all()

    section = compute_time(log)
    fe = section["flow_efficiency"]
    assert fe["computed"] and fe["cases_measured"] == 2
    assert (fe["cases_without_all_start_times"], fe["cases_zero_span"], fe["cases_above_one"]) == (1, 1, 0)
    assert fe["median"] == pytest.approx((3.5 / 4 + 3 / 4) / 2) and fe["mean"] == fe["median"]
    assert section["processing"]["available"] and section["processing"]["events_with_start"] == 7


def test_no_start_times_say_so(tiny_log):
    section = compute_time(tiny_log(TRANSITIONS))
    assert section["processing"] == {"available": False, "reason": "the log has no start timestamps",
                                     "events_with_start": 0, "events": 11}
    assert section["flow_efficiency"]["computed"] is False
    assert section["date_only_events"] == 2


def test_wip_by_hand(tiny_log):
    log = tiny_log(TRANSITIONS)
    days = wip_by_day(log)
    assert list(days["day"].dt.strftime("%Y-%m-%d")) == [f"2024-01-0{i}" for i in range(1, 6)]
    assert list(days["open"]) == [1, 2, 2, 1, 2]  # a: 1-2, b: 2-3, d: 3-5, c: 5
    assert list(days["arrivals"]) == [1, 1, 1, 0, 1]
    assert list(days["completions"]) == [0, 1, 1, 0, 2]
    weeks = flow_by_week(log)
    assert weeks[["week", "arrivals", "completions", "max_open", "open_at_end"]].values.tolist() == [
        ["2024-W01", 4, 4, 2, 2]]
    assert weeks["mean_open"].iloc[0] == pytest.approx(8 / 5)
    wip = compute_time(log)["wip"]
    assert wip["open_by_day"] == [1, 2, 2, 1, 2] and wip["max_open"] == 2 and wip["max_open_day"] == "2024-01-02"


def test_local_days_weeks_and_clock(tmp_path):
    # Sunday 23:30 and Monday 00:30 in Amsterdam are both Sunday in UTC: local days decide
    log, store = build_local_log(tmp_path, [
        ("w", "A", "2024-01-07 23:30"), ("w", "B", "2024-01-08 00:30"),
        ("v", "A", "2024-01-08 00:30"), ("v", "B", "2024-01-08 09:15"),
        ("u", "B", "2024-01-09"),
    ])
    try:
        days = wip_by_day(log)
        assert list(days["day"].dt.strftime("%Y-%m-%d")) == ["2024-01-07", "2024-01-08", "2024-01-09"]
        assert list(days["open"]) == [1, 2, 1]
        weeks = flow_by_week(log)
        assert weeks[["week", "arrivals", "completions"]].values.tolist() == [["2024-W01", 1, 0],
                                                                              ["2024-W02", 2, 3]]
        clock = activity_clock(log)
        rows = [[None if pd.isna(x) else x for x in r]
                for r in clock[["activity", "weekday", "hour", "events", "same_moment"]].values.tolist()]
        assert rows == [["A", 1, 0, 1, 0], ["A", 7, 23, 1, 0], ["B", 1, 0, 1, 0], ["B", 1, 9, 1, 0],
                        ["B", 2, None, 1, 0]]  # the date-only event has no hour
        section = {c["activity"]: c for c in compute_time(log)["activity_clock"]}
        assert section["A"]["weekday"] == [1, 0, 0, 0, 0, 0, 1] and section["A"]["hour"][23] == 1
        assert section["B"]["date_only"] == 1 and sum(section["B"]["hour"]) == 2
    finally:
        store.close()


def test_same_moment_counts_batches(tiny_log):
    log = tiny_log([("a", "A", "2024-01-01 10:00"), ("a", "Print", "2024-01-02 16:00"),
                    ("b", "A", "2024-01-01 11:00"), ("b", "Print", "2024-01-02 16:00"),
                    ("c", "A", "2024-01-01 12:00"), ("c", "Print", "2024-01-03 16:00")])
    clock = {c["activity"]: c for c in compute_time(log)["activity_clock"]}
    assert clock["Print"]["same_moment_share"] == pytest.approx(2 / 3)
    assert clock["A"]["same_moment_share"] == 0


def test_section_is_json(tiny_log):
    section = compute_time(tiny_log(STARTS, columns=START_COLUMNS))
    assert json.loads(json.dumps(section, allow_nan=False)) == section


# -- real logs ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(shared_logs, tmp_path_factory):
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.roles import Mapping
    from procesflow.store import Store

    db = tmp_path_factory.mktemp("timing") / "real.duckdb"
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(shared_logs / "receipt.csv"), name="receipt"))
        # naive timestamps read as UTC, so that pandas on the naive values measures the same
        import_log(store, ImportRequest(source=str(shared_logs / "ConsultaDataMining201618.csv"), name="consulta",
                                        mapping=Mapping(tz="UTC")))
    store = Store(db, read_only=True)
    yield lambda name: EventLog(store, name)
    store.close()


@pytest.fixture(scope="module")
def receipt_df(shared_logs):
    df = pd.read_csv(shared_logs / "receipt.csv", dtype=str)
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    return df


def test_receipt_throughput_equals_pandas_and_pm4py(real, receipt_df):
    log = real("receipt")
    section = compute_time(log)["throughput"]
    g = receipt_df.groupby("case:concept:name")["time:timestamp"]
    durations = (g.max() - g.min()).dt.total_seconds()
    assert section["count"] == len(durations) == 1434
    expected = durations.quantile([0.1, 0.25, 0.5, 0.75, 0.9]).tolist()
    got = [section[k] for k in ("p10", "p25", "median", "p75", "p90")]
    assert got == pytest.approx(expected, rel=1e-12)
    assert section["mean"] == pytest.approx(durations.mean(), rel=1e-12)
    assert section["max"] == pytest.approx(durations.max())
    assert sum(section["histogram"]["counts"]) == 1434

    pm = pm4py.format_dataframe(receipt_df.copy(), case_id="case:concept:name", activity_key="concept:name",
                                timestamp_key="time:timestamp")
    ours = sorted(case_times(log)["throughput_s"])
    assert ours == pytest.approx(sorted(pm4py.get_all_case_durations(pm)), abs=1e-6)


def test_consulta_processing_and_flow_efficiency_equal_pandas(real, shared_logs):
    log = real("consulta")
    df = pd.read_csv(shared_logs / "ConsultaDataMining201618.csv", dtype=str)
    for col in ("Start Timestamp", "Complete Timestamp"):
        df[col] = pd.to_datetime(df[col], format="%Y/%m/%d %H:%M:%S.%f")
    df["proc"] = (df["Complete Timestamp"] - df["Start Timestamp"]).dt.total_seconds()
    assert (df["proc"] >= 0).all()

    per_act = df.groupby("Activity")["proc"]
    ours = processing_by_activity(log).set_index("activity")
    assert ours["with_start"].to_dict() == per_act.count().to_dict()
    assert ours["median_s"].to_dict() == pytest.approx(per_act.median().to_dict())
    assert ours["total_s"].to_dict() == pytest.approx(per_act.sum().to_dict())

    g = df.groupby("Case ID")
    span = (g["Complete Timestamp"].max() - g["Start Timestamp"].min()).dt.total_seconds()
    eff = (g["proc"].sum() / span)[span > 0]
    section = compute_time(log)["flow_efficiency"]
    assert section["cases_measured"] == len(eff) and section["cases_without_all_start_times"] == 0
    assert section["median"] == pytest.approx(eff.median(), rel=1e-12)
    assert section["mean"] == pytest.approx(eff.mean(), rel=1e-12)
    through = (g["Complete Timestamp"].max() - g["Complete Timestamp"].min()).dt.total_seconds()
    assert compute_time(log)["throughput"]["median"] == pytest.approx(through.median())
