"""Property-based tests (hypothesis) for the CSV connector and timestamp parsing.

Proves that for *any* generated table — random column names (quotes, delimiters, SQL, unicode,
duplicates, empty), random cells (delimiters, quotes, line breaks, unicode, empty, null tokens),
random timestamp spellings, delimiter, line ending and encoding — an import either succeeds with
counts that add up (rows read = loaded + rejected, the rejects table holds every rejected row, and
with the delimiter given every written row is read and every attribute value comes back exactly) or
fails with a one-line ProcesflowError; never another exception. And that datetimes written in every
supported format parse back to the instant Python's zoneinfo gives (fold=0 for DST gaps and
overlaps), in several time zones.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from procesflow import timeparse
from procesflow.connectors.csvfile import NULL_TOKENS, _line_ends
from procesflow.errors import ProcesflowError
from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

# derandomized: CI runs the same examples every time (run with more examples locally to hunt)
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# -- generated tables ------------------------------------------------------------------------------------
NASTY = st.sampled_from([";", ",", "\t", "|", '"', "'", "\n", "\r\n", " ", "\\", "é", "ë", "€", "日本", "🙂",
                         "--", "DROP TABLE events", "{{attrs}}", "$1", "%s", "NULL", "n.v.t.", ""])
TEXT = st.lists(st.one_of(NASTY, st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)),
                max_size=4).map("".join)
TIMESTAMP_TEXT = st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.strftime("%Y-%m-%d %H:%M:%S"), d.strftime("%d-%m-%Y %H:%M"),
                                   d.strftime("%Y-%m-%dT%H:%M:%S.%f"), d.strftime("%d/%m/%Y"),
                                   d.strftime("%Y%m%d"), d.strftime("%Y-%m-%dT%H:%M:%S+02:00"),
                                   str(int(d.replace(tzinfo=UTC).timestamp()))])),
    TEXT,
)


@st.composite
def tables(draw):
    """(header, rows, delimiter, newline, encoding): a table with the three roles and extra columns."""
    extra = draw(st.lists(TEXT, max_size=4))
    header = ["case", "activity", "timestamp", *extra]
    n = draw(st.integers(min_value=0, max_value=12))
    rows = [[draw(st.one_of(st.sampled_from(["Z-1", "Z-2", "Z-3"]), TEXT)),
             draw(st.one_of(st.sampled_from(["Aanvraag", "Besluit"]), TEXT)),
             draw(TIMESTAMP_TEXT), *[draw(TEXT) for _ in extra]] for _ in range(n)]
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return header, rows, delimiter, newline, encoding


def write_table(path: Path, header, rows, delimiter, newline, encoding) -> bool:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        path.write_bytes(buffer.getvalue().encode(encoding))
    except UnicodeEncodeError:
        return False
    return True


def import_table(path: Path, **mapping) -> tuple[object, Store]:
    store = Store(":memory:")
    return import_log(store, ImportRequest(source=str(path), name="t", mapping=Mapping(**mapping))), store


def check_counts(result, store: Store) -> None:
    read, loaded, rejected, quality = store.con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected, quality FROM imports WHERE log = 't'").fetchone()
    assert (read, loaded, rejected) == (result.rows_read, result.events, result.rejected)
    assert read == result.rows_valid + rejected
    assert result.rows_valid == loaded + result.pairs_merged + result.duplicates_removed
    assert store.con.execute("SELECT count(*) FROM rejects WHERE log = 't'").fetchone()[0] == rejected
    assert store.con.execute("SELECT count(*) FROM events WHERE log = 't'").fetchone()[0] == loaded


@SETTINGS
@given(table=tables())
def test_any_table_imports_with_counts_that_add_up_or_fails_cleanly(tmp_path_factory, table):
    header, rows, delimiter, newline, encoding = table
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    assume(write_table(path, header, rows, delimiter, newline, encoding))
    try:
        result, store = import_table(path)
    except ProcesflowError as exc:
        assert "\n" not in str(exc).strip() and str(exc).strip()
        return
    try:
        check_counts(result, store)
    finally:
        store.close()


@SETTINGS
@given(table=tables())
def test_with_the_delimiter_given_every_row_is_read_and_every_value_comes_back(tmp_path_factory, table):
    header, rows, delimiter, newline, encoding = table
    names = [h.strip() or f"column{i}" for i, h in enumerate(header)]
    assume(len(set(names)) == len(names) and "" not in header[3:] and rows)
    assume(not any(h.lower().startswith("case:") for h in header[3:]))
    path = tmp_path_factory.mktemp("prop") / "t.csv"
    assume(write_table(path, header, rows, delimiter, newline, encoding))
    roles = {"case": "case", "activity": "activity", "timestamp": "timestamp"}
    try:
        result, store = import_table(path, roles=roles, source={"delimiter": delimiter})
    except ProcesflowError as exc:
        # only "nothing usable" may stop an import whose file is well-formed
        assert "none of the" in str(exc) and "rows is usable" in str(exc), str(exc)
        return
    try:
        check_counts(result, store)
        assert result.rows_read == len(rows) and result.rejects_by_reason.keys() <= {
            "missing case id (case)", "missing activity (activity)", "missing timestamp (timestamp)",
            "unparseable timestamp (timestamp)", "timestamp outside 1800-2199 (timestamp)"}
        # the rows that were not rejected, in source order (row 1 is the header), against the stored events
        rejected = {r for (r,) in store.con.execute("SELECT source_row FROM rejects WHERE log = 't'").fetchall()}
        loaded_rows = [row for i, row in enumerate(rows) if i + 2 not in rejected]
        attrs = [a for (a,) in store.con.execute("SELECT attrs FROM events WHERE log = 't' ORDER BY seq").fetchall()]
        assert len(attrs) == len(loaded_rows)
        if not result.pairs_merged:
            for row, got in zip(loaded_rows, attrs, strict=True):
                # a line break inside quotes (in a value or a name) may come back as LF when the file
                # mixed CRLF and LF line endings: they are normalised before DuckDB reads the file
                got = {_lf(k): v for k, v in got.items()}
                for name, value in zip(names[3:], row[3:], strict=True):
                    if value in NULL_TOKENS or value == "" or _looks_like_instant(value):
                        continue
                    assert _lf(got.get(_lf(name))) == _lf(value), (name, value, got)
    finally:
        store.close()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"a", b"\xe9", b";"]), max_size=40).map(b"".join),
       cut=st.integers(min_value=0, max_value=80))
def test_line_ends_counted_per_block_as_in_the_whole_file(data, cut):
    """The byte scan's CRLF/LF counts per 1 MB block (numpy) add up to bytes.count over the whole file,
    also when a block ends between the CR and the LF of one line end."""
    cut = min(cut, len(data))
    first, second = data[:cut], data[cut:]
    pairs1, lf1 = _line_ends(first, False)
    pairs2, lf2 = _line_ends(second, first.endswith(b"\r"))
    assert (pairs1 + pairs2, lf1 + lf2) == (data.count(b"\r\n"), data.count(b"\n"))


def _lf(text: str | None) -> str | None:
    return None if text is None else text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_instant(value: str) -> bool:
    return len(value) >= 19 and value[:4].isdigit() and value[4] == "-"


# -- timestamps ---------------------------------------------------------------------------------------------
ZONES = ["Europe/Amsterdam", "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
FORMATS = {  # strftime format -> how the value is read (offset formats are instants, others local)
    "%Y-%m-%d %H:%M:%S": "local",
    "%Y-%m-%dT%H:%M:%S": "local",
    "%Y-%m-%d %H:%M:%S.%f": "local",
    "%Y-%m-%dT%H:%M": "local",
    "%d-%m-%Y %H:%M:%S": "local",
    "%d-%m-%Y %H:%M": "local",
    "%d/%m/%Y %H:%M": "local",
    "%Y/%m/%d %H:%M:%S": "local",
    "%d.%m.%Y %H:%M": "local",
    "%-d-%-m-%Y %-H:%M": "local",  # no leading zeros: "4-3-2024 9:15" names no day in its first ten characters
    "%Y-%m-%dT%H:%M:%S%z": "offset",
    "%Y-%m-%d %H:%M:%S.%f%z": "offset",
}


def expected_instant(local: datetime, fmt: str, tz: str) -> datetime:
    """What the text means: the instant Python gives (zoneinfo, fold=0), at the format's precision."""
    if "%f" not in fmt:
        local = local.replace(microsecond=0)
    if "%S" not in fmt:
        local = local.replace(second=0)
    return local.replace(tzinfo=ZoneInfo(tz), fold=0).astimezone(UTC)


def spelled(local: datetime, fmt: str, tz: str) -> str:
    if FORMATS[fmt] == "offset":
        aware = local.replace(tzinfo=ZoneInfo(tz), fold=0)
        text = aware.strftime(fmt)
        return text[:-2] + ":" + text[-2:]  # +0100 -> +01:00, as exports write it
    return local.strftime(fmt)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    moments=st.lists(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31)),
                     min_size=1, max_size=20),
    fmt=st.sampled_from(sorted(FORMATS)),
    tz=st.sampled_from(ZONES),
    near_dst=st.booleans(),
)
def test_supported_formats_parse_to_the_instant_zoneinfo_gives(moments, fmt, tz, near_dst):
    if near_dst:  # put every moment in the hour around a DST change of its year (gaps and overlaps)
        moments = [_near_transition(m, tz) for m in moments]
    texts = [spelled(m, fmt, tz) for m in moments]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    timeparse.install_macros(con)
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(texts)))
    plan = timeparse.plan(con, "t", "v", tz)
    got = [r[0] for r in con.execute(f"SELECT {plan.instant} FROM t ORDER BY i").fetchall()]
    want = [expected_instant(m, fmt, tz) for m in moments]
    for text, g, w in zip(texts, got, want, strict=True):
        assert g == w, f"{text!r} in {tz}: got {g}, zoneinfo gives {w}"
    # the import's own path (fast format, per-hour zone lookup) gives the same instants
    assert import_path_instants(texts, tz) == want


def import_path_instants(texts: list[str], tz: str) -> list:
    """The instants the import's normalise.sql computes for `texts` (one timestamp column)."""
    from procesflow.importer import _normalise_sql
    from procesflow.roles import RoleResolution

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    timeparse.install_macros(con)
    con.execute("CREATE TABLE pf_staging (__row INTEGER, c VARCHAR, a VARCHAR, v VARCHAR)")
    con.executemany("INSERT INTO pf_staging VALUES (?, 'c', 'a', ?)", list(enumerate(texts)))
    plan = timeparse.plan(con, "pf_staging", "v", tz, fast_column="pf_ts_fast")
    roles = {"case": "c", "activity": "a", "timestamp": "v"}
    con.execute(_normalise_sql(con, RoleResolution(roles, dict.fromkeys(roles, "flag")), plan, None, tz,
                               carried={}, import_id=1))
    return [r[0] for r in con.execute("SELECT ts FROM pf_norm ORDER BY source_row").fetchall()]


def test_values_in_hours_the_lookup_lacks_are_converted_one_by_one():
    """normalise.sql converts wall-clock time per local hour of pf_hours (TimeParse.hours: the days the
    values' first ten characters name); a value in another hour takes the time-zone function itself
    and gets the same instant — also in a DST gap or overlap."""
    texts = ["4-3-2024 9:15", "31-3-2024 2:30", "27-10-2024 2:30", "3-11-2024 23:59", "31-12-2024 23:59"]
    con = duckdb.connect()
    timeparse.install_macros(con)
    con.execute("CREATE TABLE pf_staging (v VARCHAR)")
    con.executemany("INSERT INTO pf_staging VALUES (?)", [[t] for t in texts])
    plan = timeparse.plan(con, "pf_staging", "v", "Europe/Amsterdam", fast_column="pf_ts_fast")
    hours = {h for (h,) in con.execute(plan.hours).fetchall()}
    march_4 = int(datetime(2024, 3, 4, 9).replace(tzinfo=UTC).timestamp()) // 3600
    assert march_4 not in hours and march_4 + 24 * 27 in hours  # 4 March is missing, 31 March is there
    moments = [datetime(2024, 3, 4, 9, 15), datetime(2024, 3, 31, 2, 30), datetime(2024, 10, 27, 2, 30),
               datetime(2024, 11, 3, 23, 59), datetime(2024, 12, 31, 23, 59)]
    assert import_path_instants(texts, "Europe/Amsterdam") == [
        expected_instant(m, "%d-%m-%Y %H:%M", "Europe/Amsterdam") for m in moments]


def _near_transition(moment: datetime, tz: str) -> datetime:
    """A wall-clock time within an hour of a UTC-offset change of `tz` in the moment's year (or the moment)."""
    zone = ZoneInfo(tz)
    start = datetime(moment.year, 1, 1, tzinfo=UTC)
    previous = start.astimezone(zone).utcoffset()
    for day in range(366):
        at = start + timedelta(days=day)
        offset = at.astimezone(zone).utcoffset()
        if offset != previous:
            for hour in range(-24, 1):  # the change in that day, hour by hour
                when = at + timedelta(hours=hour)
                if when.astimezone(zone).utcoffset() == offset:
                    local = when.astimezone(zone).replace(tzinfo=None)
                    return local + timedelta(minutes=moment.minute - 60 + moment.second % 60 * 2)
        previous = offset
    return moment


@pytest.mark.parametrize("tz", ZONES)
def test_every_wall_clock_minute_around_the_changes_matches_zoneinfo(tz):
    """Exhaustive, not sampled: every minute in the two hours around each change of 2024."""
    zone = ZoneInfo(tz)
    locals_: list[datetime] = []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    previous = start.astimezone(zone).utcoffset()
    for hour in range(24 * 366):
        at = start + timedelta(hours=hour)
        offset = at.astimezone(zone).utcoffset()
        if offset != previous:
            centre = at.astimezone(zone).replace(tzinfo=None, minute=0)
            locals_ += [centre + timedelta(minutes=m) for m in range(-120, 121)]
        previous = offset
    if not locals_:
        locals_ = [datetime(2024, 6, 1, 12, 0)]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    timeparse.install_macros(con)
    texts = [m.strftime("%Y-%m-%d %H:%M") for m in locals_]
    got = [r[0] for r in con.execute(
        f"SELECT pf_parse_text(v, '{tz}', true) FROM (SELECT unnest(?) AS v, generate_subscripts(?, 1) AS i) "
        "ORDER BY i", [texts, texts]).fetchall()]
    want = [m.replace(tzinfo=zone, fold=0).astimezone(UTC) for m in locals_]
    wrong = [(t, g, w) for t, g, w in zip(texts, got, want, strict=True) if g != w]
    assert wrong == [], wrong[:5]
    fast = import_path_instants(texts, tz)
    wrong = [(t, g, w) for t, g, w in zip(texts, fast, want, strict=True) if g != w]
    assert wrong == [], wrong[:5]
