"""Working time: the Dutch calendar (weekends, public holidays, office hours in local time) and
working seconds W(t2) - W(t1) computed in SQL, checked against hand-computed values across a
weekend, Koningsdag, Christmas, both DST changes and timestamps outside office hours."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from procesflow.errors import InputError
from procesflow.metrics.calendar import build_calendar, public_holidays, working_seconds
from procesflow.metrics.timing import case_times, compute_time, event_waits
from procesflow.options import AnalysisOptions

AMS = "Europe/Amsterdam"
HOUR = 3600.0
DAY_WORK = 8.5 * HOUR  # 08:30-17:00


def build_local_log(tmp_path: Path, rows, tz: str = AMS, columns=("case", "activity", "timestamp"), tags=None,
                    name: str = "local"):
    """Like the `tiny_log` fixture, but naive timestamps are wall-clock time in `tz` (as with
    `procesflow import --tz`). Returns (EventLog, store); close the store when done."""
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.roles import Mapping
    from procesflow.store import Store

    path = tmp_path / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(columns)
        writer.writerows(rows)
    db = tmp_path / f"{name}.duckdb"
    mapping = Mapping(roles={c: c for c in columns}, tz=tz, tags=tags or {})
    with Store(db) as store:
        import_log(store, ImportRequest(source=str(path), name=name, mapping=mapping))
    store = Store(db, read_only=True)
    return EventLog(store, name), store


@pytest.fixture
def local_log(tmp_path):
    stores = []
    counter = iter(range(100))

    def build(rows, **kw):
        log, store = build_local_log(tmp_path, rows, name=f"local{next(counter)}", **kw)
        stores.append(store)
        return log

    yield build
    for store in stores:
        store.close()


def local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=AMS)


# hand-computed working seconds, office hours 08:30-17:00 Europe/Amsterdam, NL holidays
INTERVALS = [
    # (start, end, working seconds, why)
    ("2023-04-24 10:00", "2023-04-24 10:30", 0.5 * HOUR, "within one day"),
    ("2023-04-21 16:00", "2023-04-24 09:00", 1.5 * HOUR, "Fri 16:00 -> Mon 09:00: weekend"),
    ("2023-04-26 16:00", "2023-04-28 09:00", 1.5 * HOUR, "Wed -> Fri over Koningsdag (Thu 27 April 2023)"),
    ("2023-04-25 07:00", "2023-04-25 19:00", DAY_WORK, "before opening to after closing"),
    ("2023-04-22 10:00", "2023-04-23 15:00", 0.0, "Saturday to Sunday"),
    ("2023-04-24 17:30", "2023-04-25 08:00", 0.0, "evening to early morning"),
    ("2023-12-22 12:00", "2023-12-27 10:00", 5 * HOUR + 1.5 * HOUR, "Fri -> Wed over Christmas (Mon 25, Tue 26)"),
    ("2024-03-28 16:00", "2024-04-02 09:00", 1.5 * HOUR,
     "Thu -> Tue over Good Friday, the spring DST change (31 March) and Easter Monday"),
    ("2023-10-27 16:30", "2023-10-30 08:45", 0.75 * HOUR, "Fri CEST -> Mon CET over the autumn DST change"),
    ("2023-04-17 08:30", "2023-04-21 17:00", 5 * DAY_WORK, "a full working week"),
]


def test_public_holidays_nl():
    hols = public_holidays("NL", range(2023, 2026))
    assert hols[date(2023, 4, 27)] == "King's Day"
    assert hols[date(2025, 4, 26)] == "King's Day"  # 27 April 2025 is a Sunday
    assert {date(2023, 12, 25), date(2023, 12, 26), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 9)} <= set(hols)
    assert date(2024, 5, 5) not in hols and date(2025, 5, 5) in hols  # Bevrijdingsdag: lustrum years only
    assert public_holidays("none", range(2023, 2024)) == {}
    with pytest.raises(InputError, match="no public holidays known"):
        public_holidays("XX", range(2023, 2024))


def test_calendar_table_by_hand():
    df, cal = build_calendar(date(2024, 3, 28), date(2024, 4, 2), AMS)
    rows = df.set_index("day")
    # Thursday in winter time: 08:30 CET = 07:30 UTC; Tuesday in summer time: 08:30 CEST = 06:30 UTC
    assert rows.loc[date(2024, 3, 28), "open_utc"] == pd.Timestamp("2024-03-28 07:30", tz="UTC")
    assert rows.loc[date(2024, 4, 2), "open_utc"] == pd.Timestamp("2024-04-02 06:30", tz="UTC")
    assert rows.loc[date(2024, 3, 31), "day_start_utc"] == pd.Timestamp("2024-03-30 23:00", tz="UTC")
    assert rows.loc[date(2024, 4, 1), "day_start_utc"] == pd.Timestamp("2024-03-31 22:00", tz="UTC")
    assert list(df["workday"]) == [True, False, False, False, False, True]  # Good Friday, weekend, Easter Monday
    assert list(df["work_s"]) == [DAY_WORK, 0, 0, 0, 0, DAY_WORK]
    assert list(df["cum_before_s"]) == [0, DAY_WORK, DAY_WORK, DAY_WORK, DAY_WORK, DAY_WORK]
    assert rows.loc[date(2024, 3, 29), "holiday"] == "Good Friday"
    described = cal.describe()
    assert described["office_hours"] == "08:30-17:00" and described["holidays_country"] == "NL"
    assert [h["date"] for h in described["holidays_on_weekdays"]] == ["2024-03-29", "2024-04-01"]


def test_working_seconds_by_hand(local_log):
    log = local_log([("x", "A", "2023-01-02 10:00"), ("x", "B", "2024-12-30 10:00")])
    intervals = pd.DataFrame({"start": [local(s) for s, *_ in INTERVALS], "end": [local(e) for _, e, *_ in INTERVALS]})
    got = working_seconds(log, intervals)
    for (start, end, expected, why), value in zip(INTERVALS, got, strict=True):
        assert value == pytest.approx(expected, abs=1e-6), f"{start} -> {end}: {why}"


def test_working_seconds_options(local_log):
    log = local_log([("x", "A", "2023-04-21 11:00"), ("x", "B", "2023-04-28 10:00")])
    iv = pd.DataFrame({"start": [local("2023-04-21 11:00"), local("2023-04-26 16:00")],
                       "end": [local("2023-04-24 10:00"), local("2023-04-28 09:00")]})
    short = working_seconds(log, iv, AnalysisOptions(office_hours="09:00-12:00"))
    assert list(short) == [2 * HOUR, 0.0]  # Fri 11-12 + Mon 9-10; Wed after 12:00, Thu holiday, Fri 9:00 = opening
    no_holidays = working_seconds(log, iv, AnalysisOptions(holidays_country="none"))
    assert no_holidays.iloc[1] == 1 * HOUR + DAY_WORK + 0.5 * HOUR  # Koningsdag is a working day now


def test_working_throughput_and_waits_in_the_log(local_log):
    log = local_log([
        # over Koningsdag: calendar 41 h, working 1.5 h
        ("k", "A", "2023-04-26 16:00"), ("k", "B", "2023-04-28 09:00"),
        # over the spring DST change: 4 days 16 real hours (wall clock says 17), working 1.5 h
        ("s", "A", "2024-03-28 16:00"), ("s", "B", "2024-04-02 09:00"),
        # Saturday to Monday before opening: no working time at all
        ("o", "A", "2023-04-22 10:00"), ("o", "B", "2023-04-24 07:00"),
        # date-only: local midnight, so Monday to Wednesday is two full working days
        ("d", "A", "2023-04-24"), ("d", "B", "2023-04-26"),
    ])
    cases = case_times(log).set_index("case_id")
    assert cases.loc["k", "throughput_s"] == 41 * HOUR
    assert cases.loc["s", "throughput_s"] == 4 * 86400 + 16 * HOUR
    assert cases["working_throughput_s"].to_dict() == pytest.approx(
        {"k": 1.5 * HOUR, "s": 1.5 * HOUR, "o": 0.0, "d": 2 * DAY_WORK})
    waits = event_waits(log).set_index("case_id")
    assert waits["working_wait_s"].to_dict() == pytest.approx(cases["working_throughput_s"].to_dict())
    section = compute_time(log)["working_time"]
    assert section["throughput"]["median"] == pytest.approx(1.5 * HOUR)
    assert section["throughput"]["max"] == pytest.approx(2 * DAY_WORK)
    assert section["calendar"]["tz"] == AMS
    assert {"date": "2023-04-27", "name": "King's Day"} in section["calendar"]["holidays_on_weekdays"]
