"""Analysis options shared by `metrics`, `findings`, `discover` and the Python API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta

from .errors import InputError

_UNITS = {
    "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "u": 3600, "uur": 3600,
    "d": 86400, "day": 86400, "days": 86400, "dag": 86400, "dagen": 86400,
    "w": 604800, "wk": 604800, "week": 604800, "weeks": 604800, "weken": 604800,
}


def parse_duration(text: str, flag: str = "--deadline") -> timedelta:
    """'8w', '56d', '6 weeks', '8 weken', '36h', '1w3d' -> timedelta (calendar time)."""
    parts = re.findall(r"(\d+(?:[.,]\d+)?)\s*([a-zA-Z]+)", text.strip())
    rebuilt = "".join(f"{n}{u}" for n, u in parts)
    if not parts or rebuilt != re.sub(r"\s+", "", text.strip()):
        raise InputError(f"{flag} {text!r}: write a duration like 8w, 56d, 6 weeks or 36h")
    seconds = 0.0
    for number, unit in parts:
        factor = _UNITS.get(unit.lower())
        if factor is None:
            raise InputError(f"{flag} {text!r}: unknown unit {unit!r}; use s, m, h, d or w")
        seconds += float(number.replace(",", ".")) * factor
    if seconds <= 0:
        raise InputError(f"{flag} {text!r}: must be longer than zero")
    return timedelta(seconds=seconds)


def parse_office_hours(text: str) -> tuple[time, time]:
    """'08:30-17:00' -> (time(8, 30), time(17, 0))."""
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise InputError(f"--office-hours {text!r}: write it like 08:30-17:00")
    h1, m1, h2, m2 = map(int, match.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise InputError(f"--office-hours {text!r}: not a valid time") from None
    if end <= start:
        raise InputError(f"--office-hours {text!r}: the end must be after the start")
    return start, end


@dataclass(frozen=True)
class AnalysisOptions:
    """How to measure. Everything has a default that works on a plain log."""

    deadline: str | None = None  # statutory term, e.g. "8w", or "case:ATTR" (per case); None = no deadline analysis
    deadline_start: str | None = None  # activity that starts the clock (default: first event)
    deadline_end: str | None = None  # activity that stops it (default: last event of the case)
    suspend_start: str | None = None  # activity that suspends the clock
    suspend_end: str | None = None  # activity that resumes it
    at_risk_pct: float = 80.0  # open cases past this share of their term are "at risk"
    office_hours: str = "08:30-17:00"  # for working-time durations
    holidays_country: str = "NL"  # public holidays from the `holidays` package
    handoff_level: str = "department"  # or "resource" (only on request: personal data)
    show_resources: bool = False  # person names in outputs; otherwise resources appear as R001, R002, ...
    alignment_max_variants: int = 100  # alignments only up to this many variants ...
    alignment_seconds: float = 10.0  # ... and within this time budget
    precision_max_prefix_events: int = 200_000  # precision replays every distinct prefix: skip above this
    noise_threshold: float = 0.2  # inductive miner (IMf) noise threshold

    def __post_init__(self) -> None:
        if self.deadline is not None and self.deadline_attribute is None:
            parse_duration(self.deadline)
        if self.deadline_attribute == "":
            raise InputError("--deadline case:ATTRIBUTE needs the name of a case attribute, e.g. case:doorlooptijd")
        if (self.suspend_start is None) != (self.suspend_end is None):
            raise InputError("--suspend-start and --suspend-end go together; give both or neither")
        if not 0 < self.at_risk_pct <= 100:
            raise InputError(f"--at-risk must be a percentage in (0, 100], got {self.at_risk_pct}")
        parse_office_hours(self.office_hours)
        from .metrics.calendar import public_holidays

        public_holidays(self.holidays_country, range(2000, 2001))  # an unknown country fails here, clearly
        if self.handoff_level not in ("department", "resource"):
            raise InputError(f"--handoff-level must be department or resource, got {self.handoff_level!r}")
        if not 0 <= self.noise_threshold <= 1:
            raise InputError(f"--noise must be between 0 and 1, got {self.noise_threshold}")

    @property
    def deadline_attribute(self) -> str | None:
        """For `--deadline case:ATTR` (a term per case, e.g. the ZGW zaaktype doorlooptijd): ATTR."""
        text = (self.deadline or "").strip()
        return text[5:].strip() if text.lower().startswith("case:") else None

    @property
    def deadline_seconds(self) -> float | None:
        """The one term for all cases, in seconds; None without a term or with a term per case."""
        if not self.deadline or self.deadline_attribute is not None:
            return None
        return parse_duration(self.deadline).total_seconds()


_ISO_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$"
)


def parse_term(text: str | None) -> tuple[int, int, int] | None:
    """A per-case term as (months, days, microseconds): ISO 8601 (P8W, P56D, P1M14D, PT36H) or a
    procesflow duration (8w, 56d); None when `text` is neither. Months stay calendar months."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    m = _ISO_DURATION.match(text.upper())
    if m:
        y, mo, w, d, h, mi, sec = m.groups()
        micros = round((int(h or 0) * 3600 + int(mi or 0) * 60 + float((sec or "0").replace(",", "."))) * 1e6)
        return int(y or 0) * 12 + int(mo or 0), int(w or 0) * 7 + int(d or 0), micros
    try:
        return 0, 0, round(parse_duration(text).total_seconds() * 1e6)
    except InputError:
        return None
