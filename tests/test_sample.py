"""The sample permit-log generator: API, determinism, formats, realism and every planted waste.

The wastes are measured here from the generated events alone (pandas), independently of how the
generator plants them, and compared with the sizes `procesflow.sample.PLANTED` documents.
"""

from __future__ import annotations

import gzip
import time
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import holidays
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from procesflow import sample
from procesflow.errors import InputError
from procesflow.importer import ImportRequest, import_log
from procesflow.sample import PLANTED, bsn_valid, generate, write_sample
from procesflow.store import Store

from .conftest import SAMPLE_LOGS

AMS = "Europe/Amsterdam"
STATUS = "Statusvraag burger"
V, JZ = "Vergunningen", "Juridische Zaken"
COLUMNS = ["case_id", "activity", "timestamp", "start_timestamp", "resource", "department", "channel",
           "zaaktype"]


@cache
def log(cases: int = 400, seed: int = 1, profile: str = "asis", personal_data: bool = False) -> pd.DataFrame:
    """The generated events as pandas, in case order (by case, time, then generation order)."""
    df = pa.concat_tables(list(generate(cases, seed, profile, personal_data))).to_pandas()
    df["row"] = np.arange(len(df))
    return df.sort_values(["case_id", "timestamp", "row"]).reset_index(drop=True)


def collapse(seq: list[str]) -> list[str]:
    out: list[str] = []
    for x in seq:
        if not out or out[-1] != x:
            out.append(x)
    return out


def contains(seq: list[str], pattern: list[str]) -> bool:
    k = len(pattern)
    return any(seq[i:i + k] == pattern for i in range(len(seq) - k + 1))


def count(values: pd.Series, predicate) -> int:
    return sum(1 for v in values if predicate(v))


def with_waits(df: pd.DataFrame) -> pd.DataFrame:
    """Waiting time in days before each event (from the previous event's end to its start),
    status calls left out (they happen during the wait, they do not end it)."""
    out = df[df.activity != STATUS].copy()
    prev = out.groupby("case_id").timestamp.shift()
    out["wait_d"] = (out.start_timestamp.fillna(out.timestamp) - prev).dt.total_seconds() / 86400
    out["next"] = out.groupby("case_id").activity.shift(-1)
    return out


def measure(df: pd.DataFrame) -> dict[str, float]:
    """Every planted waste, measured on the events alone."""
    m: dict[str, float] = {}
    n = df.case_id.nunique()
    by_case = df.groupby("case_id", sort=False)
    no_calls = df[df.activity != STATUS]
    acts = no_calls.groupby("case_id").activity.apply(list)
    loop = ["Aanvullende stukken opvragen", "Opschorting gestart", "Aanvullende stukken ontvangen",
            "Opschorting beëindigd", "Ontvankelijkheid toetsen"]
    m["rework"] = count(acts, lambda s: contains(s, loop)) / n
    depts = no_calls.groupby("case_id").department.apply(lambda s: collapse(list(s)))
    m["ping_pong"] = count(depts, lambda s: contains(s, [V, JZ, V, JZ])) / n
    m["any_repeated_bounce"] = count(
        depts, lambda s: any(s[i] == s[i + 2] and s[i + 1] == s[i + 3] for i in range(len(s) - 3))) / n
    n_depts = by_case.department.nunique()
    m["departments_median"] = float(n_depts.median())
    m["departments_max"] = float(n_depts.max())
    m["departments_5plus"] = float((n_depts >= 5).mean())
    w = with_waits(df)
    throughput = (by_case.timestamp.max() - by_case.timestamp.min()).dt.total_seconds().sum() / 86400
    waits = w.groupby("activity").wait_d.agg(["median", "sum"])
    m["review_wait_median"] = float(waits.loc["Inhoudelijke toets", "median"])
    m["review_wait_share"] = float(waits.loc["Inhoudelijke toets", "sum"] / throughput)
    m["max_other_wait_share"] = float(waits.drop("Inhoudelijke toets")["sum"].max() / throughput)
    m["max_median_wait"] = float(waits["median"].max())
    decided = set(df[df.activity == "Besluit verzenden"].case_id)
    paraaf = w[w.activity == "Paraaf teamleider"]
    m["paraaf_of_decided"] = paraaf.case_id.nunique() / max(len(decided), 1)
    m["paraaf_then_draft"] = float((paraaf.next == "Besluit opstellen").mean()) if len(paraaf) else 0.0
    m["paraaf_queue_min"] = float(paraaf.wait_d.min()) if len(paraaf) else 0.0
    m["paraaf_queue_median"] = float(paraaf.wait_d.median()) if len(paraaf) else 0.0
    last_fees = w[w.activity == "Legestoets"].groupby("case_id").tail(1)
    m["knockout_after_fees"] = float((last_fees.next == "Aanvraag buiten behandeling").mean())
    received = df[df.activity == "Aanvraag ontvangen"].groupby("case_id").timestamp.min()
    sent = df[df.activity == "Besluit verzenden"].groupby("case_id").timestamp.min()
    days = (sent - received.reindex(sent.index)).dt.total_seconds() / 86400
    susp = df[df.activity.isin(["Opschorting gestart", "Opschorting beëindigd"])]
    sign = np.where(susp.activity == "Opschorting gestart", -1.0, 1.0)
    epoch = (susp.timestamp - pd.Timestamp("2000-01-01", tz="UTC")).dt.total_seconds() / 86400
    suspended = (epoch * sign).groupby(susp.case_id).sum().reindex(sent.index).fillna(0.0)
    m["breach"] = float((days > 56).mean())
    m["breach_without_suspension"] = float((days - suspended > 56).mean())
    calls = (df.activity == STATUS).groupby(df.case_id).sum()
    m["calls_share"] = float((calls > 0).mean())
    review_wait = w[w.activity == "Inhoudelijke toets"].groupby("case_id").wait_d.first()
    long_wait = review_wait > review_wait.median()
    lo = calls.reindex(review_wait[~long_wait].index).mean()
    m["calls_long_vs_short_wait"] = float(calls.reindex(review_wait[long_wait].index).mean() / max(lo, 1e-9))
    variants = by_case.activity.apply(tuple).value_counts()
    m["variants"] = float(len(variants))
    m["variants_1_2_share"] = float((variants <= 2).mean())
    m["top_variant_share"] = float(variants.iloc[0] / n)
    welstand = df[df.activity == "Advies welstand"].timestamp.dt.tz_convert(AMS)
    minute = welstand.dt.hour * 60 + welstand.dt.minute
    m["welstand_tuesday"] = float((welstand.dt.day_of_week == 1).mean()) if len(welstand) else 0.0
    m["welstand_in_meeting_hour"] = float(((minute >= 13 * 60 + 30) & (minute <= 14 * 60 + 30)).mean())
    m["welstand_weekdays"] = float(welstand.dt.day_of_week.nunique())
    advices = df[df.activity.isin(["Advies welstand", "Advies brandveiligheid"])]
    pairs = advices.groupby("case_id").activity.apply(list)
    pairs = pairs[pairs.apply(len) == 2]
    m["both_advices"] = float(len(pairs))
    m["welstand_first"] = count(pairs, lambda s: s[0] == "Advies welstand") / max(len(pairs), 1)
    send = df[df.activity == "Besluit verzenden"]
    dur = (send.timestamp - send.start_timestamp).dt.total_seconds()
    m["send_resources"] = float(send.resource.nunique())
    m["send_duration_min"] = float(dur.min()) if dur.notna().any() else 0.0
    m["send_duration_max"] = float(dur.max()) if dur.notna().any() else 0.0
    m["send_duration_cv"] = float(dur.std() / dur.mean()) if dur.notna().any() else 0.0
    checks = df[df.activity == "Dossier controleren"].groupby("case_id").department.apply(set)
    m["redundant"] = count(checks, lambda s: {"Klantcontactcentrum", V} <= s) / n
    return m


def within(value: float, bounds: list[float]) -> bool:
    return bounds[0] <= value <= bounds[1]


# -- API and realism -------------------------------------------------------------------------------
def test_batches_have_the_canonical_columns_and_types():
    tables = list(generate(300, seed=3))
    assert tables and all(t.column_names == COLUMNS for t in tables)
    schema = tables[0].schema
    assert schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    assert schema.field("start_timestamp").type == pa.timestamp("us", tz="UTC")
    df = log(300, 3)
    assert df.case_id.nunique() == 300
    assert df.case_id.str.fullmatch(r"Z-\d{4}-\d{6}").all()
    assert set(df.zaaktype) == set(sample.ZAAKTYPES)
    assert (df.groupby("case_id").zaaktype.nunique() == 1).all()
    assert set(df.department) == set(sample.DEPARTMENTS)
    assert set(df.activity) == set(sample.ACTIVITIES)
    # channels only on contact events, and the right ones
    channels = df.dropna(subset=["channel"]).groupby("activity").channel.apply(set).to_dict()
    assert channels.keys() == {"Aanvraag ontvangen", "Aanvullende stukken ontvangen", STATUS}
    assert channels["Aanvraag ontvangen"] == {"web", "balie", "post"}
    assert channels[STATUS] == {"telefoon", "e-mail"}
    assert channels["Aanvullende stukken ontvangen"] <= {"web", "e-mail", "post", "balie"}
    # start times only where there is work, always before the end; instantaneous events have none
    work = df.dropna(subset=["start_timestamp"])
    assert (work.start_timestamp < work.timestamp).all()
    instant = {"Aanvraag ontvangen", "Aanvullende stukken ontvangen", "Opschorting gestart",
               "Opschorting beëindigd", "Termijn verlengd", "Aanvraag buiten behandeling"}
    assert set(df[df.start_timestamp.isna()].activity) == instant
    # every case starts with its application and times are strictly increasing within a case
    assert (df.groupby("case_id").activity.first() == "Aanvraag ontvangen").all()
    assert (df.groupby("case_id").timestamp.diff().dropna() > pd.Timedelta(0)).all()
    # people have Dutch names; systems are "systeem"
    people = set(df.resource) - {"systeem"}
    assert len(people) > 30 and all(" " in p for p in people)
    assert set(df[df.resource == "systeem"].activity) >= {"Aanvraag ontvangen", "Opschorting gestart"}


def test_work_happens_in_office_hours_on_working_days():
    df = log(1000, 2)
    nl = holidays.country_holidays("NL", years=range(2024, 2027))
    work = df.dropna(subset=["start_timestamp"])
    for column in ("start_timestamp", "timestamp"):
        local = work[column].dt.tz_convert(AMS)
        minute = local.dt.hour * 60 + local.dt.minute + local.dt.second / 60
        assert (local.dt.day_of_week < 5).all()
        assert ((minute >= 8 * 60 + 30) & (minute <= 17 * 60)).all()
        assert not local.dt.date.isin(list(nl)).any()
    # web applications also come in evenings and weekends, but never at night
    web = df[(df.activity == "Aanvraag ontvangen") & (df.channel == "web")].timestamp.dt.tz_convert(AMS)
    assert (web.dt.hour >= 7).all() and (web.dt.hour >= 17).any() and (web.dt.day_of_week >= 5).any()
    assert not df[(df.activity == "Aanvraag ontvangen") & (df.channel != "web")].timestamp.dt.tz_convert(
        AMS).dt.day_of_week.ge(5).any()


def test_applications_arrive_over_months_mostly_on_weekdays():
    df = log(400, 1)
    arrivals = df[df.activity == "Aanvraag ontvangen"].timestamp.dt.tz_convert(AMS)
    span_days = (arrivals.max() - arrivals.min()).days
    assert 60 <= span_days <= 120  # ~400 cases: about 8 a working day, over 2-4 months
    assert (arrivals.dt.day_of_week < 5).mean() > 0.9
    assert arrivals.dt.month.nunique() >= 3
    # queues are days, processing minutes to hours
    work = df.dropna(subset=["start_timestamp"])
    minutes = (work.timestamp - work.start_timestamp).dt.total_seconds() / 60
    assert 5 <= minutes.median() <= 60 and minutes.max() <= 8.5 * 60
    throughput = df.groupby("case_id").timestamp.agg(lambda s: (s.max() - s.min()).days)
    assert 25 <= throughput.median() <= 60


def test_bad_arguments_are_refused():
    for kwargs in ({"cases": 0}, {"cases": -3}, {"cases": 10, "profile": "tobe"}, {"cases": 10, "seed": -1}):
        with pytest.raises(InputError):
            next(generate(**kwargs))
    with pytest.raises(InputError, match=".csv, .parquet, .xes or .xes.gz"):
        write_sample(Path("out.json"), 10)


def test_tiny_logs_work():
    for profile in sample.PROFILES:
        df = pa.concat_tables(list(generate(1, 5, profile))).to_pandas()
        assert df.case_id.nunique() == 1 and len(df) >= 3


# -- determinism -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["log.csv", "log.parquet", "log.xes.gz", "log.xes"])
def test_same_arguments_give_the_same_bytes(tmp_path, name):
    a, b = tmp_path / "a" / name, tmp_path / "b" / name
    write_sample(a, 250, seed=11, personal_data=True)
    write_sample(b, 250, seed=11, personal_data=True)
    assert a.read_bytes() == b.read_bytes()
    c = tmp_path / "c" / name
    write_sample(c, 250, seed=12, personal_data=True)
    assert c.read_bytes() != a.read_bytes()


def test_generate_is_deterministic_and_ignores_batching():
    first = pa.concat_tables(list(generate(500, 4)))
    again = pa.concat_tables(list(generate(500, 4)))
    assert first.equals(again)
    # batches are in case-system order: by time across cases, not grouped by case
    ts = first["timestamp"].to_numpy()
    assert (np.diff(ts.astype("int64")) >= 0).all()
    cases = first["case_id"].to_pylist()
    assert sum(a != b for a, b in zip(cases, cases[1:], strict=False)) > len(set(cases)) * 3


def test_time_order_across_many_chunks(monkeypatch):
    """Large logs are simulated in chunks of cases and merged into one time order; with tiny chunks
    every event still comes out exactly once, in order, and the same as the case-grouped stream."""
    monkeypatch.setattr(sample, "CHUNK_CASES", 37)
    monkeypatch.setattr(sample, "BATCH_ROWS", 500)
    tables = list(generate(600, seed=8))
    assert len(tables) > 20 and max(t.num_rows for t in tables) <= 500
    merged = pa.concat_tables(tables)
    ts = merged["timestamp"].to_numpy().astype("int64")
    assert (np.diff(ts) >= 0).all()
    sim = sample._Simulation(600, 8, "asis", False, date(2024, 1, 8))
    grouped = pa.concat_tables([sim.table(c) for c in sim.chunks()])
    assert merged.num_rows == grouped.num_rows
    assert merged.sort_by([("case_id", "ascending"), ("timestamp", "ascending")]).equals(
        grouped.sort_by([("case_id", "ascending"), ("timestamp", "ascending")]))


# -- formats ---------------------------------------------------------------------------------------
def stored_events(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    try:
        return con.execute(
            "SELECT case_id, activity, ts, start_ts, resource, department, channel FROM events "
            "ORDER BY case_id, ts, activity"
        ).fetchall()
    finally:
        con.close()


def import_file(path: Path, db: Path):
    with Store(db) as store:
        return import_log(store, ImportRequest(source=str(path)))


@pytest.fixture(scope="module")
def three_formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    return {fmt: write_sample(folder / f"zaken.{fmt}", 200, seed=5)["path"] for fmt in ("csv", "parquet", "xes.gz")}


def test_csv_and_xes_import_into_the_same_store_content(tmp_path, three_formats):
    csv_result = import_file(Path(three_formats["csv"]), tmp_path / "csv.duckdb")
    xes_result = import_file(Path(three_formats["xes.gz"]), tmp_path / "xes.duckdb")
    assert csv_result.rejected == 0 and xes_result.rejected == 0
    # the Dutch column names are recognised without a mapping
    roles = {role: column for role, column, _ in csv_result.roles}
    assert roles == {"case": "zaaknummer", "activity": "activiteit", "timestamp": "tijdstip",
                     "start_timestamp": "starttijd", "resource": "medewerker", "department": "afdeling",
                     "channel": "kanaal"}
    assert csv_result.detected["encoding"] == "cp1252" and csv_result.detected["delimiter"] == ";"
    csv_events = stored_events(tmp_path / "csv.duckdb")
    xes_events = stored_events(tmp_path / "xes.duckdb")
    expected = log(200, 5)
    assert len(csv_events) == len(expected) == csv_result.events == xes_result.events
    # XES start/complete pairs became one event with a start time again
    assert xes_result.pairs_merged == expected.start_timestamp.notna().sum()
    assert csv_events == xes_events
    # and they are the generated events, to the second
    got = pd.DataFrame(csv_events, columns=COLUMNS[:7])
    assert sorted(got.case_id.unique()) == sorted(expected.case_id.unique())
    assert sorted(pd.to_datetime(got.timestamp, utc=True)) == sorted(expected.timestamp)
    assert sorted(pd.to_datetime(got.start_timestamp.dropna(), utc=True)) == sorted(
        expected.start_timestamp.dropna())
    assert sorted(got.activity) == sorted(expected.activity)
    assert "Opschorting beëindigd" in set(got.activity)  # the ë survived Windows-1252


def test_parquet_imports_like_csv(tmp_path, three_formats):
    table = pq.read_table(three_formats["parquet"])
    assert table.column_names == COLUMNS
    assert table.schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    assert table.equals(pa.concat_tables(list(generate(200, 5))))
    result = import_file(Path(three_formats["parquet"]), tmp_path / "pq.duckdb")
    assert result.rejected == 0
    import_file(Path(three_formats["csv"]), tmp_path / "csv.duckdb")
    assert stored_events(tmp_path / "pq.duckdb") == stored_events(tmp_path / "csv.duckdb")


def test_csv_follows_dutch_export_conventions(three_formats):
    raw = Path(three_formats["csv"]).read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == len(log(200, 5)) + 1
    text = raw.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really Windows-1252: ë is one byte
    lines = text.split("\r\n")
    assert lines[0] == "zaaknummer;activiteit;starttijd;tijdstip;medewerker;afdeling;kanaal;zaaktype"
    rows = [line.split(";") for line in lines[1:-1]]
    assert all(len(r) == 8 for r in rows)
    assert all(pd.Series([r[3] for r in rows]).str.fullmatch(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}"))
    assert {r[6] for r in rows} == {"n.v.t.", "web", "balie", "post", "telefoon", "e-mail"}
    assert {r[2] for r in rows if r[1] == "Aanvraag ontvangen"} == {""}
    # case-system order: by time across cases
    stamps = pd.to_datetime([r[3] for r in rows], format="%d-%m-%Y %H:%M:%S")
    # local wall-clock time is non-decreasing except where DST ends (none in the first half of 2024)
    assert (np.diff(stamps.values.astype("int64")) >= 0).all()


def test_xes_is_standard(three_formats):
    text = gzip.decompress(Path(three_formats["xes.gz"]).read_bytes()).decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016"')
    for key in ("concept:name", "time:timestamp", "org:resource", "org:group", "lifecycle:transition"):
        assert f'key="{key}"' in text
    assert text.count("<trace>") == 200 and text.count('value="start"') == text.count("</event>") - len(log(200, 5))
    assert '<string key="zaaktype" value="Omgevingsvergunning' in text
    assert "+01:00\"/>" in text and "+02:00\"/>" in text  # local time with the offset of the day


# -- planted wastes (as-is) and their absence (clean) ----------------------------------------------
SEEDS = [1, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_rework_loop(seed):
    m = measure(log(400, seed))
    assert within(m["rework"], PLANTED["rework-loop"]["range"])
    twice = log(400, seed).groupby("case_id").activity.apply(lambda s: (s == "Aanvullende stukken opvragen").sum())
    assert 0.04 <= (twice >= 2).mean() <= 0.12
    assert measure(log(1000, seed, "clean"))["rework"] == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_ping_pong(seed):
    m = measure(log(400, seed))
    assert within(m["ping_pong"], PLANTED["ping-pong"]["range"])
    # Vergunningen <-> Juridische Zaken is the only repeated bounce (status calls left out)
    assert m["any_repeated_bounce"] == pytest.approx(m["ping_pong"], abs=0.01)
    # with waiting at each hand-off
    w = with_waits(log(400, seed))
    assert w[w.activity == "Juridische toets"].wait_d.median() > 3
    assert w[w.activity == "Juridisch advies verwerken"].wait_d.median() > 1
    clean = measure(log(1000, seed, "clean"))
    assert clean["ping_pong"] == 0 and clean["any_repeated_bounce"] == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_handoff_chain(seed):
    m = measure(log(400, seed))
    assert m["departments_median"] in (5, 6)
    assert within(m["departments_5plus"], PLANTED["handoff-chain"]["range"])
    assert measure(log(1000, seed, "clean"))["departments_max"] <= 3


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_waiting_bottleneck(seed):
    m = measure(log(400, seed))
    spec = PLANTED["waiting-bottleneck"]
    assert within(m["review_wait_median"], spec["median_wait_days_range"])
    assert within(m["review_wait_share"], spec["wait_share_range"])
    assert m["review_wait_share"] > 1.5 * m["max_other_wait_share"]  # the dominant wait
    clean = measure(log(1000, seed, "clean"))
    assert clean["review_wait_median"] < 3 and clean["max_median_wait"] < 3
    redesigned = measure(log(400, seed, "redesigned"))
    assert redesigned["review_wait_median"] < m["review_wait_median"] / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_rubber_stamp(seed):
    m = measure(log(400, seed))
    spec = PLANTED["rubber-stamp"]
    assert m["paraaf_of_decided"] == spec["share_of_decided"]
    assert m["paraaf_then_draft"] >= spec["followed_share_min"]
    df = log(400, seed)
    paraaf = df[df.activity == "Paraaf teamleider"]
    assert set(paraaf.department) == {spec["department"]}
    minutes = (paraaf.timestamp - paraaf.start_timestamp).dt.total_seconds() / 60
    assert minutes.max() <= 10 and minutes.median() <= 3  # a glance, not a review
    # never followed by rework: nothing after the paraaf goes back to an earlier step
    after = df.merge(paraaf[["case_id", "timestamp"]].rename(columns={"timestamp": "paraaf_ts"}), on="case_id")
    after = after[after.timestamp > after.paraaf_ts]
    assert set(after.activity) <= {"Besluit opstellen", "Besluit nemen", "Besluit verzenden", STATUS,
                                   "Termijn verlengd"}
    # 3-5 working days in the tray: at least 3 calendar days, about 6 typically
    assert m["paraaf_queue_min"] >= 3 - 0.5 and 4 <= m["paraaf_queue_median"] <= 7.5
    assert "Paraaf teamleider" not in set(log(1000, seed, "clean").activity)


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_late_knockout(seed):
    m = measure(log(400, seed))
    assert within(m["knockout_after_fees"], PLANTED["late-knockout"]["range"])
    df = log(400, seed)
    order = df.groupby("case_id").activity.apply(list)
    assert all(s.index("Legestoets") > s.index("Inhoudelijke toets") for s in order if "Legestoets" in s)
    # clean: the knock-out check comes right after intake, before any substantive work
    clean = log(1000, seed, "clean").groupby("case_id").activity.apply(list)
    for s in clean:
        assert s.index("Legestoets") == s.index("Ontvankelijkheid toetsen") + 1 or STATUS in s
        if "Aanvraag buiten behandeling" in s:
            assert "Inhoudelijke toets" not in s
    assert 0.04 <= sum("Aanvraag buiten behandeling" in s for s in clean) / len(clean) <= 0.10


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_deadline_breach(seed):
    m = measure(log(400, seed))
    spec = PLANTED["deadline-breach"]
    assert within(m["breach"], spec["range"])
    assert within(m["breach_without_suspension"], spec["range_without_suspension"])
    assert m["breach_without_suspension"] < m["breach"]
    assert measure(log(1000, seed, "clean"))["breach"] <= 0.05
    assert measure(log(400, seed, "redesigned"))["breach"] < m["breach"] / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_failure_demand(seed):
    m = measure(log(400, seed))
    assert within(m["calls_share"], PLANTED["failure-demand"]["range"])
    assert m["calls_long_vs_short_wait"] >= 2
    calls = log(400, seed).query("activity == @STATUS")
    assert set(calls.channel) == {"telefoon", "e-mail"} and set(calls.department) == {"Klantcontactcentrum"}
    clean = measure(log(2000, seed, "clean"))
    assert clean["calls_share"] <= 0.05 and clean["calls_long_vs_short_wait"] < 2


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_rare_variants(seed):
    m = measure(log(400, seed))
    spec = PLANTED["rare-variants"]
    assert m["variants"] >= spec["min_variants_per_100_cases"] * 4
    assert m["variants_1_2_share"] >= spec["share_of_variants_with_1_2_cases_min"]
    clean = measure(log(1000, seed, "clean"))
    assert clean["variants"] <= 20 and clean["top_variant_share"] >= 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_batching(seed):
    m = measure(log(400, seed))
    assert m["welstand_tuesday"] == 1.0 and m["welstand_in_meeting_hour"] == 1.0
    welstand = log(400, seed).query("activity == 'Advies welstand'").timestamp.dt.tz_convert(AMS)
    meetings = sorted(set(welstand.dt.date))
    assert all((b - a).days % 14 == 0 for a, b in zip(meetings, meetings[1:], strict=False))
    assert len(welstand) / len(meetings) >= 10  # batches, not a trickle
    # clean: no committee, the welstand check is part of the review
    assert "Advies welstand" not in set(log(1000, seed, "clean").activity)


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_parallelizable(seed):
    m = measure(log(400, seed))
    assert m["both_advices"] >= 200
    assert within(m["welstand_first"], PLANTED["parallelizable"]["range"])
    assert measure(log(1000, seed, "clean"))["both_advices"] == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_automation_candidate(seed):
    m = measure(log(400, seed))
    spec = PLANTED["automation-candidate"]
    assert m["send_resources"] >= spec["min_resources"]
    assert spec["duration_s"][0] <= m["send_duration_min"] and m["send_duration_max"] <= spec["duration_s"][1]
    assert m["send_duration_cv"] < 0.2
    clean = log(1000, seed, "clean").query("activity == 'Besluit verzenden'")
    assert set(clean.resource) == {"systeem"} and clean.start_timestamp.isna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_redundant_activity(seed):
    m = measure(log(400, seed))
    assert within(m["redundant"], PLANTED["redundant-activity"]["range"])
    assert "Dossier controleren" not in set(log(1000, seed, "clean").activity)


def test_planted_is_documented_for_every_waste():
    assert set(PLANTED) == {
        "rework-loop", "ping-pong", "handoff-chain", "waiting-bottleneck", "rubber-stamp", "late-knockout",
        "deadline-breach", "failure-demand", "rare-variants", "batching", "parallelizable",
        "automation-candidate", "redundant-activity",
    }
    readme = (SAMPLE_LOGS / "README.md").read_text(encoding="utf-8")
    for rule in PLANTED:
        assert f"`{rule}`" in readme
    assert "python -m procesflow.sample --write-bundled sample_logs" in readme


def test_redesigned_keeps_the_cases_and_drops_the_loop():
    asis, redesigned = log(400, 1), log(400, 1, "redesigned")
    arrivals = [d[d.activity == "Aanvraag ontvangen"][["case_id", "timestamp", "channel", "zaaktype"]]
                .reset_index(drop=True) for d in (asis, redesigned)]
    pd.testing.assert_frame_equal(arrivals[0], arrivals[1])
    assert "Aanvullende stukken opvragen" not in set(redesigned.activity)
    m = measure(redesigned)
    assert m["rework"] == 0 and 2 <= m["review_wait_median"] <= 6
    # the other wastes are still there
    assert within(m["ping_pong"], PLANTED["ping-pong"]["range"])
    assert m["welstand_tuesday"] == 1.0 and m["paraaf_then_draft"] >= 0.98
    assert within(m["redundant"], PLANTED["redundant-activity"]["range"])


# -- personal data ---------------------------------------------------------------------------------
def test_personal_data_only_on_contact_events():
    df = log(300, 6, personal_data=True)
    assert list(df.columns[:10]) == [*COLUMNS, "bsn", "email"]
    contact = df.channel.notna()
    assert df[~contact].bsn.isna().all() and df[~contact].email.isna().all()
    assert df[contact].bsn.notna().all() and df[contact].email.notna().all()
    assert all(bsn_valid(b) for b in df[contact].bsn.unique())
    assert df[contact].bsn.str.startswith("9999").all()  # the test range, never issued
    assert (df[contact].groupby("case_id").bsn.nunique() == 1).all()
    assert df[contact].email.str.fullmatch(r"[a-z]+\.[a-z]+\d*@example\.(nl|com|org)").all()
    # the rest of the log is the same as without personal data
    plain = log(300, 6)
    pd.testing.assert_frame_equal(df[plain.columns], plain)
    assert bsn_valid("111222333") and not bsn_valid("111222334") and not bsn_valid("12345678")


# -- committed sample logs and speed ---------------------------------------------------------------
def test_committed_sample_logs_equal_a_fresh_regeneration(tmp_path):
    sample.write_bundled(tmp_path)
    for name in sample.BUNDLED:
        committed = SAMPLE_LOGS / name
        assert committed.exists(), f"{committed} is missing: run make sample-logs"
        assert committed.stat().st_size < 1_000_000
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), (
            f"{committed} differs from a fresh regeneration: run make sample-logs (never edit by hand)")


def test_bundled_csv_imports_with_auto_detected_roles_and_no_rejects(tmp_path):
    result = import_file(SAMPLE_LOGS / "vergunningen.csv", tmp_path / "demo.duckdb")
    assert result.rejected == 0 and result.events == len(log(sample.BUNDLED_CASES, sample.BUNDLED_SEED))
    assert {how for _, _, how in result.roles} == {"auto"}


def test_main_writes_a_file(tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert sample.main(["--cases", "20", "--seed", "3", "--profile", "clean", "--out", str(out)]) == 0
    assert out.exists() and "20 cases" in capsys.readouterr().out


def test_streaming_generation_is_fast():
    """A smoke test of the vectorised path (the benchmark itself is in the README: 10M events to
    Parquet in about 15 s): 20,000 cases must not take more than a few seconds."""
    started = time.perf_counter()
    events = sum(t.num_rows for t in generate(20_000, seed=9, start=date(2024, 1, 8)))
    elapsed = time.perf_counter() - started
    assert events > 250_000
    assert events / elapsed > 100_000, f"{events / elapsed:,.0f} events/s"
