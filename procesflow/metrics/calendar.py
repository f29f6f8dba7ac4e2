"""Working time: a calendar of working days and office hours, and durations counted in it.

The calendar is a small lookup table built in Python — one row per *local* day (in the zone the
log was imported in, `log.tz`) — and installed as TEMP TABLE `pf_calendar` on the log's
connection. Every duration over events is then computed in SQL:

    W(t) = cum_before_s(day of t) + clamp(t - open_utc(day of t), 0, work_s(day of t))

is the number of working seconds from the start of the calendar up to instant `t`, and the working
seconds between two instants are W(t2) - W(t1). The day of `t` is looked up per UTC hour
(`pf_calendar_hours`: an equality join, with the local midnight inside an hour of a half-hour zone
kept as a boundary), so no time-zone arithmetic or range join runs per event, and DST
changes are handled where they belong: in the table (a working day's open and close are the UTC
instants of the local office hours on that date; `work_s` is the real number of seconds between
them, one hour less or more only if the office hours themselves span a DST change).

Which days are working days:

* Monday to Friday, except public holidays;
* public holidays come from the `holidays` package for `options.holidays_country` (default NL),
  its default ("public") category, national holidays only — no regional subdivisions. For NL
  these are: Nieuwjaarsdag (1 Jan), Goede Vrijdag, Eerste and Tweede Paasdag, Koningsdag
  (27 April, 26 April when the 27th is a Sunday; Koninginnedag 30 April up to 2013),
  Bevrijdingsdag (5 May) *only in lustrum years* (2020, 2025, ...; the package lists it as
  optional otherwise), Hemelvaartsdag, Eerste and Tweede Pinksterdag, Eerste and Tweede Kerstdag.
  Holidays on a Saturday or Sunday change nothing. `"none"` (or an empty string) as country
  means weekends only.

Office hours (`options.office_hours`, default 08:30-17:00) are wall-clock times in `log.tz`.
Instants outside office hours count from the next opening (a case that starts on Saturday starts
on Monday 08:30 in working time); a date-only timestamp is local midnight, so it counts from the
opening of that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays as holidays_pkg
import pandas as pd

from ..errors import InputError
from ..eventlog import EventLog
from ..frames import frame
from ..options import AnalysisOptions, parse_office_hours
from ..sqlfiles import sql_text

CALENDAR_TABLE = "pf_calendar"
NO_HOLIDAYS = ("", "none", "geen")


@dataclass(frozen=True)
class WorkCalendar:
    """What the installed `pf_calendar` holds: zone, office hours, holidays in the span."""

    tz: str
    office_hours: tuple[time, time]
    country: str | None
    first_day: date
    last_day: date
    holidays: dict[date, str] = field(default_factory=dict)  # only those on weekdays within the span

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for metrics.json (`time.working_time.calendar`)."""
        open_, close = self.office_hours
        return {
            "tz": self.tz,
            "office_hours": f"{open_:%H:%M}-{close:%H:%M}",
            "weekend": ["Saturday", "Sunday"],
            "holidays_country": self.country,
            "holidays_source": "python-holidays, default (public) category, national only"
            if self.country else "none (weekends only)",
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "holidays_on_weekdays": [{"date": d.isoformat(), "name": n} for d, n in sorted(self.holidays.items())],
        }


def public_holidays(country: str | None, years: range) -> dict[date, str]:
    """Public holidays of `country` (ISO code, e.g. NL) in `years`; {} for no country."""
    if country is None or country.strip().lower() in NO_HOLIDAYS:
        return {}
    try:
        found = holidays_pkg.country_holidays(country.strip().upper(), years=years)
    except NotImplementedError:
        raise InputError(
            f"--holidays {country!r}: no public holidays known for that country; use an ISO code "
            "such as NL, BE or DE, or 'none' for weekends only"
        ) from None
    return {d: str(name) for d, name in sorted(found.items())}


def build_calendar(
    first_day: date,
    last_day: date,
    tz: str,
    office_hours: str = "08:30-17:00",
    country: str | None = "NL",
) -> tuple[pd.DataFrame, WorkCalendar]:
    """One row per local day from `first_day` to `last_day` (inclusive):

    day, day_start_utc (local midnight as UTC instant), workday, holiday (name or None),
    open_utc / close_utc (office hours as UTC instants; both = day_start_utc on non-working days),
    work_s (working seconds that day), cum_before_s (working seconds on all earlier days).
    A Python loop over *days* (a few thousand at most), never over events.
    """
    if last_day < first_day:
        raise ValueError("last_day before first_day")
    zone = ZoneInfo(tz)
    open_t, close_t = parse_office_hours(office_hours)
    hols = public_holidays(country, range(first_day.year, last_day.year + 1))
    rows = []
    cum = 0.0
    day = first_day
    while day <= last_day:
        midnight = _utc(day, time(0, 0), zone)
        holiday = hols.get(day)
        workday = day.weekday() < 5 and holiday is None
        if workday:
            opens, closes = _utc(day, open_t, zone), _utc(day, close_t, zone)
        else:
            opens = closes = midnight
        work = (closes - opens).total_seconds()
        rows.append((day, midnight, workday, holiday, opens, closes, work, cum))
        cum += work
        day += timedelta(days=1)
    df = pd.DataFrame(rows, columns=["day", "day_start_utc", "workday", "holiday", "open_utc", "close_utc",
                                     "work_s", "cum_before_s"])
    weekday_hols = {d: n for d, n in hols.items() if first_day <= d <= last_day and d.weekday() < 5}
    cal = WorkCalendar(tz=tz, office_hours=(open_t, close_t), country=_country(country), first_day=first_day,
                       last_day=last_day, holidays=weekday_hols)
    return df, cal


def install_calendar(log: EventLog, options: AnalysisOptions | None = None) -> WorkCalendar:
    """Create TEMP TABLE `pf_calendar` on `log.con` covering every instant of the log (all events,
    start times and the log's last timestamp, with a day to spare on each side)."""
    options = options or AnalysisOptions()
    lo, hi = log.con.execute(
        "SELECT CAST(timezone($tz, least(min(ts), min(start_ts))) AS DATE), "
        "       CAST(timezone($tz, greatest(max(ts), (SELECT max(ts) FROM pf_log_ev))) AS DATE) "
        "FROM pf_steps",
        {"tz": log.tz},
    ).fetchone()
    df, cal = build_calendar(lo - timedelta(days=1), hi + timedelta(days=1), log.tz, options.office_hours,
                             options.holidays_country)
    install_calendar_frame(log.con, df)
    return cal


def install_calendar_frame(con: Any, df: pd.DataFrame) -> None:
    """Load a frame from `build_calendar` into TEMP TABLE `pf_calendar` on `con`."""
    con.register("pf_calendar_src", df)
    try:
        con.execute(sql_text("calendar_table"))
    finally:
        con.unregister("pf_calendar_src")


def working_seconds(log: EventLog, intervals: pd.DataFrame, options: AnalysisOptions | None = None) -> pd.Series:
    """Working seconds between `intervals.start` and `intervals.end` (UTC instants) — for a handful
    of intervals (tests, what-if questions); durations over events use the SQL files directly."""
    cal = install_calendar(log, options)
    df = intervals[["start", "end"]].copy()
    df["start"] = pd.to_datetime(df["start"], utc=True)
    df["end"] = pd.to_datetime(df["end"], utc=True)
    lo = min(df["start"].min(), df["end"].min()).tz_convert(log.tz).date()
    hi = max(df["start"].max(), df["end"].max()).tz_convert(log.tz).date()
    if lo <= cal.first_day or hi >= cal.last_day:
        wider, _ = build_calendar(min(lo, cal.first_day) - timedelta(days=1), max(hi, cal.last_day) + timedelta(days=1),
                                  log.tz, (options or AnalysisOptions()).office_hours,
                                  (options or AnalysisOptions()).holidays_country)
        install_calendar_frame(log.con, wider)
    df["i"] = range(len(df))
    log.con.register("pf_calendar_intervals", df)
    try:
        out = frame(log.con, sql_text("calendar_intervals"))
    finally:
        log.con.unregister("pf_calendar_intervals")
    return pd.Series(out.sort_values("i")["working_s"].to_numpy(), index=intervals.index, name="working_s")


def _utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """Wall-clock `wall` on `day` in `zone` as a UTC instant (fold=0, like the importer)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def _country(country: str | None) -> str | None:
    if country is None or country.strip().lower() in NO_HOLIDAYS:
        return None
    return country.strip().upper()
