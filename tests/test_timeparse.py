"""strptime without reading past the end of a value (timeparse.strptime_sql).

DuckDB 1.5.5's strptime compares the format's literals without a length check, so a value that stops
where its format goes on is read one byte beyond its end: a segmentation fault when that byte lies on
an unmapped page (it crashed the test suite, in `StrpTimeFormat::Parse`). The guarded call must read
every value as Python's strptime does, and every strptime call procesflow makes must be the guarded
one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from procesflow import timeparse
from procesflow.errors import InputError

ROOT = Path(__file__).resolve().parents[1]

#: values shorter than, equal to and longer than the formats, with leading spaces, junk and blanks
VALUES = ["2024-03-31 02:00", "2024-03-31 02:00:00", "2024-03-31 02:00:00.123456", "2024-03-31",
          "2024-03-31T02:00:00", "31-03-2024 02:00", "31-03-2024 02:00:07", "31-03-2024", "1-3-2024 9:05",
          "31/03/2024 02:00", "31.03.2024", "03/31/2024 2:00", "  31-03-2024 02:00", "31-03-2024 02:",
          "31-03-2024 02:00 x", "2024-03", "20240331", "2024-13-01", "", "   ", "x", "31-03-2024|",
          "31-03-2024 02:00:00.5", "2024-03-31T02:00:00.25", "31.03.2024 02:00", "31.03.2024 02:00:09",
          "03-31-2024 02:00:09", "31/03/2024 02:00:09", "03/31/2024", "31-03-2024 02:00:00+0200",
          "31/03/2024", "03/31/2024 02:00:09", "03-31-2024"]


def _guarded(fmt: str) -> dict[str, object]:
    """value -> what strptime_sql reads (an instant in UTC where the format has an offset)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return dict(con.execute(f"SELECT v, {timeparse.strptime_sql('v', fmt)} FROM unnest(?) AS t(v)",
                            [VALUES]).fetchall())


def _python(value: str, fmt: str) -> datetime | None:
    """Python's own strptime, the independent reading (DuckDB skips leading spaces, Python does not).
    (Not DuckDB's plain try_strptime: that is the call that reads past the end.)"""
    try:
        got = datetime.strptime(value.lstrip(), fmt)
    except ValueError:
        return None
    return got.astimezone(UTC) if got.tzinfo else got


@pytest.mark.parametrize("fmt", [*timeparse.FAST_FORMATS, "%d-%m-%Y %H:%M:%S%z", "%Y%m%d"])
def test_the_guarded_strptime_reads_every_value_as_python_does(fmt):
    got = _guarded(fmt)
    assert {v: got[v] for v in VALUES} == {v: _python(v, fmt) for v in VALUES}
    assert any(g is not None for g in got.values())  # the battery has values of each format


def test_a_value_that_stops_where_the_format_goes_on_is_no_timestamp():
    got = _guarded("%Y-%m-%d %H:%M:%S")
    assert got["2024-03-31 02:00"] is None and got["2024-03-31"] is None
    assert got["2024-03-31 02:00:00"] == datetime(2024, 3, 31, 2, 0)


def test_the_end_mark_is_one_the_format_does_not_use():
    assert timeparse.strptime_sql("v", "%d|%m|%Y").endswith("'%d|%m|%Y#')")
    con = duckdb.connect()
    assert con.execute(f"SELECT {timeparse.strptime_sql(chr(39) + '01|02|2024' + chr(39), '%d|%m|%Y')}"
                       ).fetchone()[0].isoformat() == "2024-02-01T00:00:00"
    with pytest.raises(InputError, match="--timestamp-format"):
        timeparse.strptime_sql("v", "%d|%m#%Y~%H^%M")


def _calls(text: str) -> list[str]:
    """Every `try_strptime(...)` call in `text`, up to its closing parenthesis (quotes respected)."""
    calls = []
    for m in re.finditer(r"try_strptime\(", text):
        depth, i, quoted = 1, m.end(), False
        while depth:
            c = text[i]
            if c == "'":
                quoted = not quoted
            elif not quoted:
                depth += {"(": 1, ")": -1}.get(c, 0)
            i += 1
        calls.append(text[m.start():i])
    return calls


def test_every_strptime_call_in_the_sql_files_ends_value_and_formats_with_the_mark():
    calls = [c for f in sorted((ROOT / "procesflow" / "sql").glob("*.sql")) for c in _calls(f.read_text())]
    assert len(calls) >= 6  # pf_parse_local's calls are found
    for call in calls:
        formats = re.findall(r"'(%[^']*)'", call)
        assert formats and all(f.endswith("|") for f in formats), call
        assert re.match(r"try_strptime\(.*\|\| '\|',", call, re.S), call


def test_python_code_makes_strptime_calls_only_through_strptime_sql():
    offenders = [str(p.relative_to(ROOT)) for d in ("procesflow", "connectors") for p in (ROOT / d).rglob("*.py")
                 if "try_strptime(" in p.read_text() and p.name != "timeparse.py"]
    assert offenders == []
    source = (ROOT / "procesflow" / "timeparse.py").read_text()
    # (the docstring's mention has no braces; the check of a --timestamp-format reads an empty value,
    # which lies inside DuckDB's string header: there is no byte beyond it to read)
    assert [c for c in _calls(source) if "{" in c] == [
        "try_strptime({value} || {quote_literal(end)}, {quote_literal(fmt + end)})",
        "try_strptime('', {quote_literal(fmt)})"]


@pytest.mark.parametrize(("fmt", "reason"), [("%Q-%m-%Y", "Unrecognized format for strftime/strptime: %Q)"),
                                           ("%d-%m-%Y %H:%M%", "(Trailing format character %)")])
def test_a_bad_explicit_format_is_named_as_the_user_wrote_it(fmt, reason):
    con = duckdb.connect()
    timeparse.install_macros(con)
    con.execute("CREATE TABLE t (v VARCHAR)")
    with pytest.raises(InputError, match="--timestamp-format") as err:
        timeparse.plan(con, "t", "v", "UTC", explicit_format=fmt)
    message = str(err.value)
    assert reason in message and "|" not in message and "\n" not in message
