"""A deterministic generator of a realistic Dutch municipal permit process (omgevingsvergunning).

It is the demo log, the test bed for the Lean rules and the data for benchmarks (10M events to Parquet
in about 12 s on two cores), so it is realistic, deterministic and fast:

* **realistic** — a municipality's permit department as case systems log it: Dutch activity names,
  seven departments, fictional Dutch staff names, work only in office hours (Mon–Fri 08:30–17:00
  Europe/Amsterdam, no work on Dutch public holidays), queues of days and processing times of
  minutes to hours, applications arriving over months (web also in evenings and weekends), the
  statutory term of 8 weeks, suspensions while the applicant completes the file;
* **deterministic** — the same arguments give byte-identical files: all randomness comes from
  `numpy.random.Generator(PCG64)` streams derived from the seed (one stream per aspect, so that the
  `redesigned` profile keeps the same applications as `asis`), nothing depends on the clock, on
  hash or dict order;
* **fast** — cases are simulated in chunks with numpy (every process step is a handful of array
  operations over all cases of the chunk) and written in streaming batches with pyarrow compute,
  so memory stays bounded however many events are asked for.

Profiles: `asis` (the as-is process with thirteen planted wastes, see `PLANTED` and
`sample_logs/README.md`), `clean` (a well-run version on which the Lean rules must stay silent) and
`redesigned` (as-is without the rework loop and with a short queue before "Inhoudelijke toets", for
before/after comparisons).

API::

    generate(cases, seed=1, profile="asis", personal_data=False, start=date(2024, 1, 8))
        -> Iterator[pyarrow.Table]      # batches in case-system order, canonical English columns
    write_sample(out, cases, seed=1, profile="asis", personal_data=False) -> dict
        # .csv (Dutch export conventions), .parquet, .xes / .xes.gz, chosen by the file name

`python -m procesflow.sample --write-bundled sample_logs` regenerates the committed sample logs.
"""

from __future__ import annotations

import argparse
import gzip
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .errors import InputError

__all__ = ["PLANTED", "PROFILES", "BUNDLED", "generate", "write_sample", "write_bundled"]

PROFILES = ("asis", "clean", "redesigned")
TZ = "Europe/Amsterdam"
TERM_DAYS = 56  # statutory term of a regular omgevingsvergunning: 8 weeks

# -- vocabulary (codes are indexes into these tuples) ---------------------------------------------
ACTIVITIES = (
    "Aanvraag ontvangen",  # 0
    "Dossier controleren",  # 1
    "Ontvankelijkheid toetsen",  # 2
    "Aanvullende stukken opvragen",  # 3
    "Opschorting gestart",  # 4
    "Aanvullende stukken ontvangen",  # 5
    "Opschorting beëindigd",  # 6
    "Inhoudelijke toets",  # 7
    "Juridische toets",  # 8
    "Juridisch advies verwerken",  # 9
    "Advies welstand",  # 10
    "Advies brandveiligheid",  # 11
    "Legestoets",  # 12
    "Aanvraag buiten behandeling",  # 13
    "Paraaf teamleider",  # 14
    "Besluit opstellen",  # 15
    "Besluit nemen",  # 16
    "Besluit verzenden",  # 17
    "Termijn verlengd",  # 18
    "Statusvraag burger",  # 19
)
(A_RECEIVED, A_CHECK_FILE, A_ADMISSIBLE, A_REQUEST_DOCS, A_SUSPEND, A_DOCS_RECEIVED, A_RESUME,
 A_REVIEW, A_LEGAL, A_LEGAL_PROCESS, A_WELSTAND, A_FIRE, A_FEES, A_REJECTED, A_INITIAL,
 A_DRAFT, A_DECIDE, A_SEND, A_EXTENDED, A_STATUS) = range(len(ACTIVITIES))

DEPARTMENTS = (
    "Klantcontactcentrum",
    "Vergunningen",
    "Juridische Zaken",
    "Welstand",
    "Veiligheidsregio",
    "Postkamer",
    "Teamleiding Vergunningen",
)
D_KCC, D_PERMITS, D_LEGAL, D_WELSTAND, D_FIRE, D_MAILROOM, D_LEAD = range(len(DEPARTMENTS))

CHANNELS = ("web", "balie", "telefoon", "e-mail", "post")
C_WEB, C_DESK, C_PHONE, C_EMAIL, C_POST = range(len(CHANNELS))
NO_CHANNEL = -1

ZAAKTYPES = ("Omgevingsvergunning bouwen", "Omgevingsvergunning kappen", "Omgevingsvergunning milieu")
Z_BUILD, Z_TREES, Z_ENV = range(len(ZAAKTYPES))
ZAAKTYPE_P = (0.65, 0.20, 0.15)

SYSTEM = 0  # resource code of "systeem"

# Fictional staff and applicants: first names x surnames (non-ASCII on purpose: é, ë, ö must
# survive the Windows-1252 CSV).
FIRST_NAMES = (
    "Anouk", "Sanne", "Lotte", "Fleur", "Eva", "Lisa", "Sophie", "Emma", "Iris", "Femke", "Noor",
    "Fatima", "Yasmina", "Daan", "Bram", "Sem", "Lars", "Thijs", "Ruben", "Jeroen", "Mark", "Pieter",
    "Kees", "Willem", "Mohammed", "Youssef", "Mehmet", "Jan", "Henk", "Ingrid", "Marieke", "Esther",
    "Linda", "Annemarie", "Joost", "Bas", "Niels", "Koen", "Sven", "Maarten", "Wouter", "Ilse",
    "Renée", "Chloë", "Zoë", "Gijs", "Stijn", "Tom", "Hanneke", "Mirjam", "Priya", "Dewi", "Rik",
    "Floor", "Jesse", "Milan", "Saskia", "Gerrit", "Ahmed", "Nadia",
)
SURNAMES = (
    "de Vries", "Jansen", "de Jong", "van den Berg", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok",
    "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra",
    "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "van Dijk",
    "Vermeer", "Yilmaz", "El Amrani", "Öztürk", "Kaya", "Boukhari", "Postma",
    "Kuipers", "Veenstra", "Kramer", "van Wijk", "Scholten", "Wijnands", "de Lange", "Timmermans",
    "van Rijn", "Groen", "Sedney", "Pinas", "Nguyen", "Hermans",
)

# -- time ------------------------------------------------------------------------------------------
OPEN_S = 8 * 3600 + 1800  # 08:30 local
CLOSE_S = 17 * 3600  # 17:00 local
DAY_S = CLOSE_S - OPEN_S  # working seconds per working day
MEETING_S = 13 * 3600 + 1800  # the welstandscommissie meets at 13:30 on alternate Tuesdays
CHUNK_CASES = 8_192  # cases simulated at once; part of what a seed means: changing it changes large logs
BATCH_ROWS = 262_144  # at most this many rows per yielded table / Parquet row group
BASE_RATE = 8.0  # applications per working day of a mid-sized municipality (~2,000 a year)
MAX_YEARS = 10  # larger logs arrive faster rather than over more than ten years
WORK_SIGMA = 0.6  # spread of processing times (lognormal sigma)
HORIZON_DAYS = 900  # calendar days after the last arrival a case may still run


# -- what is planted -------------------------------------------------------------------------------
#: For profile "asis": Lean rule id -> what was planted, its nominal size and the range the measured
#: size falls in for logs of 400+ cases (tests/test_sample.py measures every one of them; the rules'
#: own tests use these to check that they find what is there). Shares are of all cases unless said.
PLANTED: dict[str, dict[str, Any]] = {
    "rework-loop": {
        "what": "documents requested after the admissibility check: 'Aanvullende stukken opvragen' -> "
                "'Opschorting gestart' -> 'Aanvullende stukken ontvangen' -> 'Opschorting beëindigd' -> "
                "'Ontvankelijkheid toetsen' again; a quarter of these cases twice",
        "activities": ["Aanvullende stukken opvragen", "Aanvullende stukken ontvangen",
                       "Ontvankelijkheid toetsen"],
        "share": 0.30, "range": [0.25, 0.35],
        "twice_share_of_looping": 0.25,
        "note": "4% of requests are never answered: the case ends with 'Aanvraag buiten behandeling'",
    },
    "ping-pong": {
        "what": "Vergunningen -> Juridische Zaken -> Vergunningen -> Juridische Zaken (-> Vergunningen): "
                "'Juridische toets' / 'Juridisch advies verwerken' two or three rounds, each hand-off "
                "after a queue (median 3 resp. 1.5 working days)",
        "departments": ["Vergunningen", "Juridische Zaken"],
        "activities": ["Juridische toets", "Juridisch advies verwerken"],
        "share": 0.20, "range": [0.15, 0.25],
        "rounds": {"2": 0.75, "3": 0.25},
        "note": "single excursions X->Y->X exist by design elsewhere: Vergunningen -> Teamleiding -> "
                "Vergunningen (the paraaf, every decided case), Vergunningen -> Veiligheidsregio -> "
                "Vergunningen (milieu cases without welstand), around KCC status calls; only "
                "Vergunningen <-> Juridische Zaken repeats (two or more round trips)",
    },
    "handoff-chain": {
        "what": "a bouwen case passes Klantcontactcentrum, Vergunningen, Welstand, Veiligheidsregio, "
                "Teamleiding Vergunningen and Postkamer (+ Juridische Zaken in ping-pong cases)",
        "median_departments": 6, "share_5_or_more": 0.75, "range": [0.65, 0.85],
    },
    "waiting-bottleneck": {
        "what": "queue before 'Inhoudelijke toets' (from the previous event to its start): lognormal, "
                "median 10 working days (about 14 calendar days): the largest single waiting time",
        "activity": "Inhoudelijke toets",
        "median_queue_working_days": 10.0,
        "median_wait_days_range": [12.0, 17.0],
        "wait_share_range": [0.25, 0.45],
        "note": "wait_share = total waiting before the activity / total throughput time of all cases; "
                "the next largest (advice and applicant waits) stay well below it",
    },
    "rubber-stamp": {
        "what": "'Paraaf teamleider' (Teamleiding Vergunningen, a glance: median 2 minutes) in every "
                "case that gets a decision, always followed by 'Besluit opstellen', never by rework, "
                "after a queue of 3-5 working days",
        "activity": "Paraaf teamleider", "department": "Teamleiding Vergunningen",
        "share_of_decided": 1.0, "followed_by": "Besluit opstellen", "followed_share_min": 0.98,
        "queue_working_days": [3.0, 5.0],
    },
    "late-knockout": {
        "what": "'Legestoets' comes after 'Inhoudelijke toets' and the advices; 15% of the cases that "
                "reach it end with 'Aanvraag buiten behandeling' (no decision)",
        "activity": "Legestoets", "knockout": "Aanvraag buiten behandeling",
        "share_of_checked": 0.15, "range": [0.10, 0.20],
    },
    "deadline-breach": {
        "what": "decided cases whose 'Besluit verzenden' is more than 8 weeks (56 calendar days) after "
                "'Aanvraag ontvangen'; suspensions ('Opschorting gestart' .. 'Opschorting beëindigd') "
                "can be excluded, then fewer breach",
        "term": "8w", "term_days": TERM_DAYS, "start": "Aanvraag ontvangen", "end": "Besluit verzenden",
        "suspend_start": "Opschorting gestart", "suspend_end": "Opschorting beëindigd",
        "share_of_decided": 0.25, "range": [0.20, 0.30],
        "range_without_suspension": [0.08, 0.20],
        "note": "'Termijn verlengd' (term extended by 6 weeks) is logged in about half the cases "
                "still open after 6 weeks; the breach share ignores extensions",
    },
    "failure-demand": {
        "what": "'Statusvraag burger' (KCC, channel telefoon/e-mail): citizens call while they wait: "
                "nobody in the first week of a wait, then a hazard growing linearly with the time waited "
                "(0.08 calls per day per further week; waits for the applicant's own documents "
                "excluded), plus 2% of the cases at random",
        "activity": "Statusvraag burger", "channels": ["telefoon", "e-mail"],
        "share": 0.40, "range": [0.30, 0.50],
        "note": "cases with a queue before 'Inhoudelijke toets' above the median have at least twice "
                "as many status calls as those below it",
    },
    "rare-variants": {
        "what": "a long tail of variants from small random deviations (KCC check skipped, 'Inhoudelijke "
                "toets' or 'Legestoets' twice, admissibility checked twice, 'Dossier controleren' after "
                "the admissibility check, decision sent twice, fire-safety advice on a felling permit) "
                "on top of loops, rounds, advice order and status calls",
        "min_variants_per_100_cases": 20, "share_of_variants_with_1_2_cases_min": 0.70,
        "note": "measured for 400 to 10,000 cases; a longer log has relatively fewer variants",
    },
    "batching": {
        "what": "'Advies welstand' is released by the welstandscommissie, which meets every other "
                "Tuesday at 13:30 (not on public holidays): all its advices are timestamped on those "
                "Tuesdays between 13:30 and 14:30; 5% are held over to the next meeting",
        "activity": "Advies welstand", "weekday": "Tuesday", "every_days": 14, "window": ["13:30", "14:30"],
    },
    "parallelizable": {
        "what": "'Advies welstand' and 'Advies brandveiligheid' are requested at the same moment and are "
                "independent: both orders occur about equally often",
        "activities": ["Advies welstand", "Advies brandveiligheid"],
        "welstand_first_share": 0.50, "range": [0.35, 0.65],
    },
    "automation-candidate": {
        "what": "'Besluit verzenden' (Postkamer) in every decided case, 90-150 s of work (uniform, "
                "coefficient of variation 0.15 where other work varies about 0.65), done by the whole "
                "post room",
        "activity": "Besluit verzenden", "department": "Postkamer",
        "duration_s": [90, 150], "min_resources": 8,
    },
    "redundant-activity": {
        "what": "'Dossier controleren' is done by the Klantcontactcentrum right after intake and again "
                "by Vergunningen in about 40% of the cases",
        "activity": "Dossier controleren", "departments": ["Klantcontactcentrum", "Vergunningen"],
        "share": 0.40, "range": [0.34, 0.46],
    },
}

#: The committed sample logs: file name -> profile (all with `BUNDLED_CASES` cases and seed 1).
BUNDLED = {
    "vergunningen.csv": "asis",
    "vergunningen.parquet": "asis",
    "vergunningen.xes.gz": "asis",
    "vergunningen-schoon.csv": "clean",
    "vergunningen-herontwerp.csv": "redesigned",
}
BUNDLED_CASES = 400
BUNDLED_SEED = 1


@dataclass(frozen=True)
class _Params:
    """The knobs of the as-is process (the redesign changes two of them)."""

    kcc_check_skip: float = 0.03
    redundant_check: float = 0.41
    rework: float = 0.30
    rework_twice: float = 0.25  # of the looping cases
    no_response: float = 0.04
    review_queue_days: float = 10.0
    review_queue_sigma: float = 0.40
    pingpong: float = 0.20
    pingpong_three: float = 0.25
    late_knockout: float = 0.15
    welstand_holdover: float = 0.05
    fire_queue_days: float = 6.0
    status_hazard: float = 0.08  # status calls per day of waiting, per week already waited
    status_random: float = 0.02
    extension: float = 0.5


ASIS = _Params()
REDESIGNED = replace(ASIS, rework=0.0, review_queue_days=3.0)


# -- calendar --------------------------------------------------------------------------------------
class _Calendar:
    """Calendar days from `start`: local offsets, working days and a working-time coordinate.

    Working time `W` counts seconds of office time since the first working day: working day `k`
    covers W in [k*DAY_S, (k+1)*DAY_S) = 08:30..17:00 local. Queues expressed in working days thus
    skip evenings, weekends and public holidays by construction. Events outside office hours (web
    applications, evening e-mails) are placed in calendar time between 05:00 and 24:00 local, so a
    day's offset (taken at noon) is always the right one, also on the nights DST changes.
    """

    def __init__(self, start: date, n_days: int) -> None:
        import holidays

        zone = ZoneInfo(TZ)
        self.start = start
        self.n_days = n_days
        dates = [start + timedelta(days=i) for i in range(n_days)]
        nl = holidays.country_holidays("NL", years=range(start.year, dates[-1].year + 1))
        self.weekday = (np.arange(n_days) + start.weekday()) % 7
        self.holiday = np.array([d in nl for d in dates], dtype=bool)
        self.offset = np.array(
            [int(datetime(d.year, d.month, d.day, 12, tzinfo=zone).utcoffset().total_seconds())
             for d in dates], dtype=np.int64,
        )
        self.epoch0 = (start - date(1970, 1, 1)).days * 86400
        self.base = self.epoch0 + np.arange(n_days, dtype=np.int64) * 86400 - self.offset
        self.working = (self.weekday < 5) & ~self.holiday
        self.work_days = np.flatnonzero(self.working)
        self.open_utc = self.base[self.work_days] + OPEN_S
        self.next_work = np.searchsorted(self.work_days, np.arange(n_days))  # first working day >= d
        self.month = np.array([d.month for d in dates], dtype=np.int8)
        self.day_of_month = np.array([d.day for d in dates], dtype=np.int8)
        self.year = np.array([d.year for d in dates], dtype=np.int32)

    def local_day(self, utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(calendar day index, seconds since local midnight) of UTC instants."""
        last = self.n_days - 1
        d0 = np.clip((utc - self.epoch0 + 3600) // 86400, 0, last)
        d = np.clip((utc + self.offset[d0] - self.epoch0) // 86400, 0, last)
        return d, utc + self.offset[d] - self.epoch0 - d * 86400

    def to_work(self, utc: np.ndarray) -> np.ndarray:
        """The first working moment at or after each UTC instant, as working time W."""
        d, sod = self.local_day(utc)
        k = self.next_work[d].astype(np.int64)
        on = self.working[d]
        w = k * DAY_S
        w = np.where(on & (sod >= OPEN_S) & (sod < CLOSE_S), w + sod - OPEN_S, w)
        return np.where(on & (sod >= CLOSE_S), w + DAY_S, w)

    def from_work(self, w: np.ndarray) -> np.ndarray:
        k = w // DAY_S
        if k.size and int(k.max()) >= self.work_days.size:
            raise RuntimeError("sample calendar too short (internal error)")
        return self.open_utc[k] + w % DAY_S

    def local_offset(self, utc: np.ndarray) -> np.ndarray:
        d, _ = self.local_day(utc)
        return self.offset[d]


# -- resources -------------------------------------------------------------------------------------
@dataclass
class _Pool:
    ids: np.ndarray
    p: np.ndarray

    def pick(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.ids[rng.choice(self.ids.size, size=n, p=self.p)]


def _roster(rng: np.random.Generator, scale: float) -> tuple[list[str], dict[str, _Pool]]:
    """Staff names and the pools per role; pool sizes grow with the arrival rate."""
    sizes = {"kcc": 8, "mailroom": 12, "permits": 9, "mandate": 3, "legal": 4, "welstand": 3,
             "fire": 5, "lead": 2}
    combos = len(FIRST_NAMES) * len(SURNAMES)
    scale = min(scale, 0.9 * combos / sum(sizes.values()))  # beyond ~1.8M cases: busier people
    sizes = {k: max(v, int(round(v * scale))) for k, v in sizes.items()}
    total = sum(sizes.values())
    picks = rng.choice(combos, size=total, replace=False)
    names = ["systeem"] + [f"{FIRST_NAMES[i // len(SURNAMES)]} {SURNAMES[i % len(SURNAMES)]}" for i in picks]
    pools: dict[str, _Pool] = {}
    nxt = 1
    for role, size in sizes.items():
        ids = np.arange(nxt, nxt + size)
        nxt += size
        if role in ("mailroom", "welstand"):
            weight = np.ones(size)  # the post room shares the work evenly
        else:
            weight = 1.0 / np.arange(1, size + 1) ** 0.5  # some colleagues do more than others
            weight = weight[rng.permutation(size)]
        pools[role] = _Pool(ids, weight / weight.sum())
    return names, pools


# -- personal data ---------------------------------------------------------------------------------
def _test_bsns() -> np.ndarray:
    """Every number 9999xxxxx that passes the 11-proef (the range used for test BSNs, never issued)."""
    numbers = np.arange(999_900_000, 1_000_000_000, dtype=np.int64)
    digits = (numbers[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
    ok = (digits @ weights) % 11 == 0
    return numbers[ok]


def bsn_valid(value: str) -> bool:
    """The 11-proef for a burgerservicenummer (9 digits)."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(value, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


# -- one chunk of cases ----------------------------------------------------------------------------
class _Events:
    """Events of a chunk, collected step by step as parallel arrays."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, mask: np.ndarray, act: int, start: np.ndarray | None, ts: np.ndarray,
            res: np.ndarray | int, dept: np.ndarray | int, chan: np.ndarray | int = NO_CHANNEL,
            order: int = 0) -> None:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        k = idx.size

        def pick(v: np.ndarray | int, dtype: Any) -> np.ndarray:
            return np.full(k, v, dtype=dtype) if np.isscalar(v) else np.asarray(v)[idx].astype(dtype)

        self.parts.append((
            idx.astype(np.int64),
            np.full(k, act, dtype=np.int8),
            np.full(k, -1, dtype=np.int64) if start is None else start[idx],
            ts[idx],
            pick(res, np.int32),
            pick(dept, np.int8),
            pick(chan, np.int8),
            np.full(k, order, dtype=np.int16),
        ))

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate(col) for col in zip(*self.parts, strict=True))


@dataclass
class _Chunk:
    """Simulated events of consecutive cases, sorted by (case, ts); `case` is the global index."""

    case: np.ndarray
    act: np.ndarray
    start: np.ndarray  # UTC epoch seconds, -1 = instantaneous
    ts: np.ndarray
    res: np.ndarray
    dept: np.ndarray
    chan: np.ndarray
    pos: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # position in its case

    def take(self, idx: np.ndarray) -> _Chunk:
        return _Chunk(*(getattr(self, f)[idx] for f in _CHUNK_FIELDS))

    @staticmethod
    def concat(chunks: list[_Chunk]) -> _Chunk:
        return _Chunk(*(np.concatenate([getattr(c, f) for c in chunks]) for f in _CHUNK_FIELDS))

    def __len__(self) -> int:
        return int(self.ts.size)


_CHUNK_FIELDS = ("case", "act", "start", "ts", "res", "dept", "chan", "pos")


class _Simulation:
    """Arrivals for all cases up front (8 bytes a case), then the process chunk by chunk."""

    def __init__(self, cases: int, seed: int, profile: str, personal_data: bool, start: date) -> None:
        if not isinstance(cases, int | np.integer) or isinstance(cases, bool) or cases < 1:
            raise InputError(f"--cases must be a positive whole number, got {cases!r}")
        if profile not in PROFILES:
            raise InputError(f"unknown --profile {profile!r}; choose one of: {', '.join(PROFILES)}")
        if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
            raise InputError(f"--seed must be a whole number >= 0, got {seed!r}")
        self.cases = int(cases)
        self.seed = int(seed)
        self.profile = profile
        self.personal_data = personal_data
        self.params = REDESIGNED if profile == "redesigned" else ASIS
        streams = np.random.SeedSequence([int(seed), 20240108]).spawn(5)
        rng_arrivals, rng_roster, self.rng, self.rng_contacts, rng_personal = (
            np.random.Generator(np.random.PCG64(s)) for s in streams
        )
        self.rate = max(BASE_RATE, self.cases / (250 * MAX_YEARS))
        span = int(np.ceil(self.cases / self.rate * 7 / 5 * 1.12)) + 14
        self.cal = _Calendar(start, span + HORIZON_DAYS)
        self.names, self.pools = _roster(rng_roster, self.rate / BASE_RATE)
        self._arrivals(rng_arrivals, span)
        self._meetings()
        self.bsn: np.ndarray | None = None
        self.email: np.ndarray | None = None
        if personal_data:
            self._applicants(rng_personal)

    # -- arrivals --------------------------------------------------------------------------------
    def _arrivals(self, rng: np.random.Generator, span: int) -> None:
        cal = self.cal
        days = np.arange(span)
        weight = np.where(cal.working[days], np.array([1.25, 1.1, 1.0, 1.0, 0.8, 0, 0])[cal.weekday[days]], 0.12)
        month = cal.month[days]
        weight = weight * np.where(month == 7, 0.8, 1.0) * np.where(month == 8, 0.7, 1.0)
        weight = weight * np.where((month == 12) & (cal.day_of_month[days] >= 20), 0.5, 1.0)
        # the span covers the cases at `rate` per working day; counts per day are multinomial
        per_day = rng.multinomial(self.cases, weight / weight.sum())
        day = np.repeat(days, per_day)
        n = self.cases
        on_work = cal.working[day]
        u = rng.random(n)
        chan = np.where(u < 0.72, C_WEB, np.where(u < 0.85, C_DESK, C_POST)).astype(np.int8)
        chan = np.where(on_work, chan, C_WEB).astype(np.int8)
        web_hours = np.array([2, 4, 7, 8, 8, 6, 7, 8, 7, 6, 4, 3, 4, 5, 5, 3], dtype=float)  # 07..22h
        hour = 7 + rng.choice(web_hours.size, size=n, p=web_hours / web_hours.sum())
        tod_web = hour * 3600 + rng.integers(0, 3600, n)
        tod_desk = rng.integers(9 * 3600, 16 * 3600 + 1800, n)
        tod_post = rng.integers(9 * 3600, 11 * 3600 + 1800, n)
        tod = np.where(chan == C_WEB, tod_web, np.where(chan == C_DESK, tod_desk, tod_post))
        t0 = cal.base[day] + tod
        order = np.argsort(t0, kind="stable")
        self.t0 = t0[order]
        self.chan0 = chan[order]
        self.ztype = rng.choice(3, size=n, p=ZAAKTYPE_P).astype(np.int8)
        self.handler = self.pools["permits"].pick(rng, n)
        # case numbers: Z-<year>-<number within the year>, the first year continuing from 1 January
        years = cal.year[day[order]]
        first = np.r_[True, years[1:] != years[:-1]]
        group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        number = np.arange(n) - group_start + 1
        number = number + np.where(years == years[0], int(self.rate * 5), 0)
        self.case_ids = pc.binary_join_element_wise(
            "Z-", pc.cast(pa.array(years), pa.string()), "-",
            pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 6, "0"), "")

    def _meetings(self) -> None:
        cal = self.cal
        first_tuesday = int(np.flatnonzero(cal.weekday == 1)[0])
        days = np.arange(first_tuesday, cal.n_days, 14)
        self.meetings = days[~cal.holiday[days]]

    def _applicants(self, rng: np.random.Generator) -> None:
        bsns = _test_bsns()
        pool = min(bsns.size, max(4 * self.cases, 50))  # a few applicants apply more than once
        chosen = rng.choice(bsns.size, size=pool, replace=False)
        who = rng.integers(0, pool, self.cases)
        first = rng.integers(0, len(FIRST_NAMES), pool)
        last = rng.integers(0, len(SURNAMES), pool)
        domain = rng.choice(3, size=pool, p=[0.6, 0.25, 0.15])
        domains = ("example.nl", "example.com", "example.org")
        emails = [f"{_ascii_slug(FIRST_NAMES[f])}.{_ascii_slug(SURNAMES[s])}{i % 97}@{domains[d]}"
                  for i, (f, s, d) in enumerate(zip(first.tolist(), last.tolist(), domain.tolist(), strict=True))]
        self.bsn = np.array([f"{b:09d}" for b in bsns[chosen]], dtype=object)[who]
        self.email = np.array(emails, dtype=object)[who]

    # -- helpers ---------------------------------------------------------------------------------
    def minutes(self, median: float, n: int, lo: float = 1.0, hi: float | None = None) -> np.ndarray:
        """Processing times in seconds: lognormal around `median` minutes (coefficient of variation
        about 0.65, as real work varies), between `lo` and `hi` minutes."""
        hi = min(hi if hi is not None else median * 6, 7.5 * 60)
        return np.round(self.lognorm(median, WORK_SIGMA, n, lo, hi) * 60).astype(np.int64)

    def lognorm(self, median: float, sigma: float, n: int, lo: float = 0.0, hi: float | None = None) -> np.ndarray:
        x = median * np.exp(sigma * self.rng.standard_normal(n))
        return np.clip(x, lo, hi if hi is not None else median * 6)

    def work(self, ev: _Events, mask: np.ndarray, ready: np.ndarray, queue_days: np.ndarray | float,
             dur_s: np.ndarray, act: int, res: np.ndarray | int, dept: int, order: int,
             chan: np.ndarray | int = NO_CHANNEL) -> np.ndarray:
        """Work after a queue (working days) that takes `dur_s` within one working day; the new
        cursor (end) for `mask`, `ready` unchanged elsewhere."""
        cal = self.cal
        dur = np.minimum(np.asarray(dur_s, dtype=np.int64), DAY_S - 1800)
        w = cal.to_work(ready) + np.round(np.asarray(queue_days) * DAY_S).astype(np.int64)
        sod = w % DAY_S
        spill = sod + dur > DAY_S  # does not fit today: start tomorrow morning
        w = np.where(spill, (w // DAY_S + 1) * DAY_S + sod % 1800, w)
        start = cal.from_work(w)
        start = np.maximum(start, ready + 1)
        end = start + dur
        ev.add(mask, act, start, end, res, dept, chan, order)
        return np.where(mask, end, ready)

    def long_work(self, ev: _Events, mask: np.ndarray, ready: np.ndarray, queue_days: np.ndarray,
                  work_days: np.ndarray, act: int, res: np.ndarray, dept: int, order: int) -> np.ndarray:
        """Work picked up after a queue and finished `work_days` working days later."""
        w = self.cal.to_work(ready) + np.round(queue_days * DAY_S).astype(np.int64)
        start = np.maximum(self.cal.from_work(w), ready + 1)
        end = self.cal.from_work(w + np.round(work_days * DAY_S).astype(np.int64))
        ev.add(mask, act, start, end, res, dept, order=order)
        return np.where(mask, end, ready)

    def office_moment(self, after: np.ndarray, queue_days: np.ndarray | float) -> np.ndarray:
        w = self.cal.to_work(after) + np.round(np.asarray(queue_days) * DAY_S).astype(np.int64)
        return np.maximum(self.cal.from_work(w), after + 1)

    # -- the process -----------------------------------------------------------------------------
    def chunks(self) -> Iterator[_Chunk]:
        for lo in range(0, self.cases, CHUNK_CASES):
            hi = min(lo + CHUNK_CASES, self.cases)
            ev = _Events()
            sl = slice(lo, hi)
            if self.profile == "clean":
                self._clean(ev, sl)
            else:
                self._asis(ev, sl)
            yield self._finish(ev, lo)

    def _intake(self, ev: _Events, sl: slice) -> tuple[np.ndarray, int]:
        rng = self.rng
        t0, chan = self.t0[sl], self.chan0[sl]
        n = t0.size
        kcc = self.pools["kcc"].pick(rng, n)
        mail = self.pools["mailroom"].pick(rng, n)
        res = np.where(chan == C_WEB, SYSTEM, np.where(chan == C_DESK, kcc, mail))
        dept = np.where(chan == C_POST, D_MAILROOM, D_KCC)
        ev.add(np.ones(n, bool), A_RECEIVED, None, t0, res, dept, chan, 0)
        return t0.copy(), n

    def _asis(self, ev: _Events, sl: slice) -> None:
        rng, P = self.rng, self.params
        t, n = self._intake(ev, sl)
        t0 = self.t0[sl]
        ztype = self.ztype[sl]
        handler = self.handler[sl]
        pools = self.pools
        every = np.ones(n, bool)

        # 1. the KCC checks the file; 2. Vergunningen checks it again (redundant), mostly before ...
        kcc_check = rng.random(n) >= P.kcc_check_skip
        t = self.work(ev, kcc_check, t, self.lognorm(0.3, 0.6, n, 0.02, 3), self.minutes(9, n),
                      A_CHECK_FILE, pools["kcc"].pick(rng, n), D_KCC, 1)
        again = rng.random(n) < P.redundant_check
        late_check = again & (rng.random(n) < 0.03)
        t = self.work(ev, again & ~late_check, t, self.lognorm(0.7, 0.5, n, 0.05, 5),
                      self.minutes(12, n), A_CHECK_FILE, handler, D_PERMITS, 2)
        # 3. the admissibility check
        t = self.work(ev, every, t, self.lognorm(1.2, 0.45, n, 0.1, 8), self.minutes(30, n),
                      A_ADMISSIBLE, handler, D_PERMITS, 3)
        # ... or after it (rare deviation)
        t = self.work(ev, late_check, t, self.lognorm(0.3, 0.5, n, 0.02, 2), self.minutes(12, n),
                      A_CHECK_FILE, handler, D_PERMITS, 4)
        recheck = rng.random(n) < 0.015  # admissibility checked twice without a request (deviation)
        t = self.work(ev, recheck, t, self.lognorm(0.5, 0.5, n, 0.05, 3), self.minutes(15, n),
                      A_ADMISSIBLE, handler, D_PERMITS, 5)

        # 4. rework loop: documents requested, case suspended until they arrive, checked again
        u = rng.random(n)
        loops = (u < P.rework).astype(np.int8) + (u < P.rework * P.rework_twice)
        alive = every.copy()
        for i in (1, 2):
            m = alive & (loops >= i)
            t = self.work(ev, m, t, self.lognorm(0.03, 0.5, n, 0.0, 0.3), self.minutes(15, n),
                          A_REQUEST_DOCS, handler, D_PERMITS, 10 * i)
            t_susp = t + rng.integers(30, 240, n)
            ev.add(m, A_SUSPEND, None, t_susp, SYSTEM, D_PERMITS, order=10 * i + 1)
            t = np.where(m, t_susp, t)
            silent = m & (rng.random(n) < P.no_response)
            answered = m & ~silent
            resp_days = self.lognorm(7.0, 0.6, n, 1.0, 42.0)
            rchan = rng.choice(np.array([C_WEB, C_EMAIL, C_POST, C_DESK], np.int8), size=n,
                               p=[0.55, 0.2, 0.2, 0.05])
            d, _ = self.cal.local_day(t)
            day = d + np.ceil(resp_days).astype(np.int64)
            hour = rng.integers(7 * 3600, 23 * 3600, n)
            t_web = np.maximum(self.cal.base[day] + hour, t + 3600)
            t_office = self.office_moment(t + (resp_days * 86400).astype(np.int64), rng.random(n) * 0.9)
            t_recv = np.where(rchan == C_WEB, t_web, t_office)
            # the documents go straight into the case: uploaded (systeem) or added by the handler
            recv_res = np.where(rchan == C_WEB, SYSTEM, handler)
            ev.add(answered, A_DOCS_RECEIVED, None, t_recv, recv_res, D_PERMITS, rchan, 10 * i + 2)
            t_resume = t_recv + rng.integers(5, 300, n)
            ev.add(answered, A_RESUME, None, t_resume, SYSTEM, D_PERMITS, order=10 * i + 3)
            # no answer within the term given (4 weeks): the case is closed without a decision
            t_close = self.office_moment(t + 35 * 86400, self.lognorm(1.0, 0.5, n, 0.05, 5))
            ev.add(silent, A_RESUME, None, t_close, SYSTEM, D_PERMITS, order=10 * i + 3)
            ev.add(silent, A_REJECTED, None, t_close + rng.integers(60, 900, n), handler, D_PERMITS, order=10 * i + 4)
            alive &= ~silent
            t = np.where(answered, t_resume, t)
            t = self.work(ev, answered, t, self.lognorm(1.5, 0.45, n, 0.1, 8), self.minutes(25, n),
                          A_ADMISSIBLE, handler, D_PERMITS, 10 * i + 5)

        # 5. the bottleneck: a long queue before the substantive review
        t = self.work(ev, alive, t, self.lognorm(P.review_queue_days, P.review_queue_sigma, n, 0.5),
                      self.minutes(120, n, 30, 390), A_REVIEW, handler, D_PERMITS, 40)
        twice = alive & (rng.random(n) < 0.03)  # review in two sessions (deviation)
        t = self.work(ev, twice, t, self.lognorm(1.0, 0.5, n, 0.1, 4), self.minutes(60, n, 15),
                      A_REVIEW, handler, D_PERMITS, 41)

        # 6. ping-pong with Juridische Zaken: two or three rounds
        pp = rng.random(n) < P.pingpong
        rounds = 2 + (rng.random(n) < P.pingpong_three)
        for i in (1, 2, 3):
            m = alive & pp & (rounds >= i)
            t = self.work(ev, m, t, self.lognorm(3.0, 0.4, n, 0.5, 15), self.minutes(50, n, 15),
                          A_LEGAL, pools["legal"].pick(rng, n), D_LEGAL, 50 + 2 * i)
            t = self.work(ev, m, t, self.lognorm(1.5, 0.4, n, 0.2, 10), self.minutes(35, n, 10),
                          A_LEGAL_PROCESS, handler, D_PERMITS, 51 + 2 * i)

        # 7. the two advices, requested together and independent
        u = rng.random(n)
        need_w = alive & ((ztype == Z_BUILD) | ((ztype == Z_ENV) & (u < 0.4)))
        need_f = alive & ((ztype != Z_TREES) | (u < 0.05))  # fire safety also for 5% of felling permits
        t_w = self._welstand(ev, need_w, t, n)
        t_f = self.work(ev, need_f, t, self.lognorm(P.fire_queue_days, 0.45, n, 1.0),
                        self.minutes(60, n, 15), A_FIRE, pools["fire"].pick(rng, n), D_FIRE, 61)
        t = np.maximum(np.where(need_w, t_w, t), t_f)

        # 8. the fee check, late; 15% of the cases stop here
        t = self.work(ev, alive, t, self.lognorm(1.0, 0.4, n, 0.1, 6), self.minutes(15, n),
                      A_FEES, handler, D_PERMITS, 70)
        fees_twice = alive & (rng.random(n) < 0.02)
        t = self.work(ev, fees_twice, t, self.lognorm(0.5, 0.5, n, 0.02, 3), self.minutes(10, n),
                      A_FEES, handler, D_PERMITS, 71)
        fees_done = t
        ko = alive & (rng.random(n) < P.late_knockout)
        t_ko = self.office_moment(t, self.lognorm(1.0, 0.5, n, 0.05, 5))
        ev.add(ko, A_REJECTED, None, t_ko, handler, D_PERMITS, order=72)
        alive &= ~ko

        # 9. the rubber stamp: 3-5 working days in the team lead's tray for a 1-4 minute paraaf
        t = self.work(ev, alive, t, 3.0 + 2.0 * rng.beta(2.0, 2.0, n), self.minutes(2, n, 0.5, 10),
                      A_INITIAL, pools["lead"].pick(rng, n), D_LEAD, 80)
        # 10. the decision
        t = self.work(ev, alive, t, self.lognorm(0.5, 0.5, n, 0.05, 3), self.minutes(50, n),
                      A_DRAFT, handler, D_PERMITS, 81)
        # nothing is logged from the fee check to drafting the decision but the paraaf: events
        # inserted later (term extension, random status calls) move out of this interval
        self._guard = (np.where(alive, fees_done, 0), np.where(alive, t, 0))
        t = self.work(ev, alive, t, self.lognorm(0.3, 0.5, n, 0.02, 3), self.minutes(8, n),
                      A_DECIDE, pools["mandate"].pick(rng, n), D_PERMITS, 82)
        t = self.work(ev, alive, t, self.lognorm(0.5, 0.5, n, 0.05, 4), rng.integers(90, 151, n),
                      A_SEND, pools["mailroom"].pick(rng, n), D_MAILROOM, 83)
        resend = alive & (rng.random(n) < 0.015)
        t = self.work(ev, resend, t, self.lognorm(3.0, 0.5, n, 0.5, 10), rng.integers(90, 151, n),
                      A_SEND, pools["mailroom"].pick(rng, n), D_MAILROOM, 84)

        # 11. term extended for about half the cases still open after six weeks
        t_last = self._last(ev, n)
        when = self.office_moment(t0 + (42 - rng.integers(0, 8, n)) * 86400, rng.random(n) * 0.9)
        when = self._unguarded(self._outside_work(ev, when, rng.integers(30, 600, n)), rng.integers(60, 600, n))
        ext = (rng.random(n) < P.extension) & (t_last > when + 3600)
        ev.add(ext, A_EXTENDED, None, when, handler, D_PERMITS, order=90)
        self._status_calls(ev, n, t0)

    def _welstand(self, ev: _Events, need: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
        """Advice of the welstandscommissie: at the first meeting at least 2 working days after the
        request (sometimes held over to the next), timestamped during the meeting."""
        rng, cal = self.rng, self.cal
        w = cal.to_work(t) + 2 * DAY_S
        day = cal.work_days[w // DAY_S]
        i = np.searchsorted(self.meetings, day) + (rng.random(n) < self.params.welstand_holdover)
        meeting = self.meetings[np.minimum(i, self.meetings.size - 1)]
        ts = cal.base[meeting] + MEETING_S + rng.integers(300, 3540, n)
        start = np.maximum(ts - self.minutes(8, n, 2, 25), cal.base[meeting] + MEETING_S)
        ev.add(need, A_WELSTAND, start, ts, self.pools["welstand"].pick(rng, n), D_WELSTAND, order=60)
        return np.where(need, ts, t)

    def _unguarded(self, when: np.ndarray, early: np.ndarray | None = None) -> np.ndarray:
        """`when`, or out of the guarded interval it falls in: `early` seconds after its start when
        given, else the next office moment after its end."""
        lo, hi = self._guard
        inside = (when >= lo) & (when <= hi)
        moved = self.office_moment(hi, 0.05) if early is None else lo + early
        return np.where(inside, moved, when)

    @staticmethod
    def _outside_work(ev: _Events, when: np.ndarray, after: np.ndarray) -> np.ndarray:
        """`when`, or shortly after the end of the case's work that is going on at that moment."""
        case, _, start, ts = (np.concatenate([p[k] for p in ev.parts]) for k in range(4))
        order = np.lexsort((ts, case))
        case, start, ts = case[order], start[order], ts[order]
        key = (case << 40) + ts
        i = np.searchsorted(key, (np.arange(when.size) << 40) + when)  # first event ending at/after
        i = np.minimum(i, key.size - 1)
        busy = (case[i] == np.arange(when.size)) & (start[i] >= 0) & (start[i] <= when)
        return np.where(busy, ts[i] + after, when)

    @staticmethod
    def _last(ev: _Events, n: int) -> np.ndarray:
        last = np.zeros(n, np.int64)
        for part in ev.parts:
            np.maximum.at(last, part[0], part[3])
        return last

    def _status_calls(self, ev: _Events, n: int, t0: np.ndarray) -> None:
        """Failure demand: status calls while waiting, more likely the longer the wait."""
        rng, cal, P = self.rng_contacts, self.cal, self.params
        case, act, start, ts = (np.concatenate([p[k] for p in ev.parts]) for k in range(4))
        order = np.lexsort((ts, case))
        case, act, start, ts = case[order], act[order], start[order], ts[order]
        delta = np.where(act == A_SUSPEND, 1, np.where(act == A_RESUME, -1, 0))
        suspended = _group_cumsum(delta, case) > 0  # after this event, until the next
        same = np.r_[case[1:] == case[:-1], False]
        nxt_start = np.r_[np.where(start[1:] >= 0, start[1:], ts[1:]), 0]
        gap_end = nxt_start
        gap = np.where(same & ~suspended, gap_end - ts, 0)
        m = gap > 0
        g_case, g_from, g_to = case[m], ts[m], gap_end[m]
        # nobody calls in the first week; after that the hazard grows linearly with the time waited
        patience = 7 * 86400
        g_days = np.maximum(g_to - g_from - patience, 0) / 86400.0
        k = np.minimum(rng.poisson(P.status_hazard * g_days ** 2 / 14.0), 2)
        u = np.sort(rng.random((2, g_days.size)), axis=0)
        g_from = g_from + patience
        kcc = self.pools["kcc"]
        placed_end = np.zeros(g_days.size, np.int64)
        has_call = np.zeros(n, bool)
        for slot in (0, 1):
            when = g_from + (np.sqrt(u[slot]) * (g_to - g_from)).astype(np.int64)
            phone = rng.random(g_days.size) < 0.65
            dur = np.where(phone, rng.integers(180, 480, g_days.size), rng.integers(300, 720, g_days.size))
            w = cal.to_work(when)
            w = np.where(w % DAY_S + dur > DAY_S, (w // DAY_S + 1) * DAY_S, w)
            s = cal.from_work(w)
            e = s + dur
            ok = (k > slot) & (s > g_from) & (e < g_to - 60)
            if slot == 1:
                ok &= s > placed_end + 7200
            placed_end = np.where(ok, e, placed_end)
            res = kcc.pick(rng, g_days.size)
            chan = np.where(phone, C_PHONE, C_EMAIL)
            self._add_calls(ev, g_case[ok], s[ok], e[ok], res[ok], chan[ok])
            has_call[g_case[ok]] = True
        # a few calls at random, unrelated to waiting (not in cases that already called)
        t_last = self._last(ev, n)
        rnd = (rng.random(n) < P.status_random) & ~has_call
        when = self._unguarded(t0 + ((t_last - t0) * rng.random(n)).astype(np.int64))
        dur = rng.integers(180, 480, n)
        w = cal.to_work(when)
        w = np.where(w % DAY_S + dur > DAY_S, (w // DAY_S + 1) * DAY_S, w)
        s = cal.from_work(w)
        rnd &= s + dur < t_last
        res = kcc.pick(rng, n)
        self._add_calls(ev, np.flatnonzero(rnd), s[rnd], s[rnd] + dur[rnd], res[rnd],
                        np.full(int(rnd.sum()), C_PHONE))

    @staticmethod
    def _add_calls(ev: _Events, case: np.ndarray, s: np.ndarray, e: np.ndarray, res: np.ndarray,
                   chan: np.ndarray, dept: int = D_KCC) -> None:
        k = case.size
        if k:
            ev.parts.append((case.astype(np.int64), np.full(k, A_STATUS, np.int8), s.astype(np.int64),
                             e.astype(np.int64), res.astype(np.int32), np.full(k, dept, np.int8),
                             chan.astype(np.int8), np.full(k, 95, np.int16)))

    def _clean(self, ev: _Events, sl: slice) -> None:
        """The well-run version: checks up front, work picked up within a day, no loops, the case
        handler does (or decides) everything from intake to decision."""
        rng = self.rng
        t, n = self._intake(ev, sl)
        t0, handler = self.t0[sl], self.handler[sl]
        every = np.ones(n, bool)
        t = self.work(ev, every, t, self.lognorm(0.5, 0.4, n, 0.05, 3), self.minutes(25, n),
                      A_ADMISSIBLE, handler, D_PERMITS, 3)
        # the fees are computed and checked by the system at once; 7% stop here
        t = t + rng.integers(30, 300, n)
        ev.add(every, A_FEES, None, t, SYSTEM, D_PERMITS, order=4)
        ko = rng.random(n) < 0.07
        ev.add(ko, A_REJECTED, None, t + rng.integers(60, 900, n), handler, D_PERMITS, order=5)
        alive = ~ko
        # the review is worked on over several days (welstand is checked within it by an architect
        # of the team, not by a committee): processing time, not waiting
        t = self.long_work(ev, alive, t, self.lognorm(0.6, 0.35, n, 0.1, 3), self.lognorm(6.0, 0.4, n, 1.5, 15),
                           A_REVIEW, handler, D_PERMITS, 40)
        t = self.work(ev, alive, t, self.lognorm(0.3, 0.4, n, 0.02, 2), self.minutes(40, n),
                      A_DRAFT, handler, D_PERMITS, 81)
        t = self.work(ev, alive, t, self.lognorm(0.03, 0.5, n, 0.0, 0.3), self.minutes(10, n),
                      A_DECIDE, handler, D_PERMITS, 82)
        ev.add(alive, A_SEND, None, t + rng.integers(60, 600, n), SYSTEM, D_PERMITS, order=83)
        # the handler is the single point of contact; a status question is rare and random
        rc = self.rng_contacts
        t_last = self._last(ev, n)
        call = rc.random(n) < 0.025
        when = t0 + ((t_last - t0) * rc.random(n)).astype(np.int64)
        dur = rc.integers(180, 480, n)
        w = self.cal.to_work(when)
        w = np.where(w % DAY_S + dur > DAY_S, (w // DAY_S + 1) * DAY_S, w)
        s = self.cal.from_work(w)
        call &= s + dur < t_last
        chan = np.where(rc.random(n) < 0.65, C_PHONE, C_EMAIL)
        self._add_calls(ev, np.flatnonzero(call), s[call], s[call] + dur[call], handler[call], chan[call],
                        D_PERMITS)

    def _finish(self, ev: _Events, lo: int) -> _Chunk:
        case, act, start, ts, res, dept, chan, order = ev.arrays()
        idx = np.lexsort((order, ts, case))
        case, act, start, ts, res, dept, chan = (a[idx] for a in (case, act, start, ts, res, dept, chan))
        # strictly increasing times within a case, so every format orders a case the same way
        pos = _group_position(case)
        key = ts - pos + (case << 40)
        ts = np.maximum.accumulate(key) - (case << 40) + pos
        return _Chunk(case + lo, act, start, ts, res, dept, chan, pos.astype(np.int32))

    # -- ordering for the case system's export -----------------------------------------------------
    def time_ordered(self) -> Iterator[_Chunk]:
        """Batches of events in case-system order: by time across cases (ties by case, position).

        Chunk k only holds events at or after its first arrival, so everything before the next
        chunk's first arrival is final; the rest waits (arrival rate x case duration, bounded)."""
        pending: _Chunk | None = None
        for chunk in self.chunks():
            hi = int(chunk.case[-1]) + 1 if len(chunk) else 0
            horizon = int(self.t0[hi]) if hi < self.cases else np.iinfo(np.int64).max
            merged = chunk if pending is None else _Chunk.concat([pending, chunk])
            ready = merged.ts < horizon
            out = merged.take(np.flatnonzero(ready))
            pending = merged.take(np.flatnonzero(~ready))
            order = np.lexsort((out.pos, out.case, out.ts))
            out = out.take(order)
            for lo in range(0, len(out), BATCH_ROWS):
                yield out.take(np.arange(lo, min(lo + BATCH_ROWS, len(out))))

    # -- arrow -----------------------------------------------------------------------------------
    def dictionaries(self) -> dict[str, pa.Array]:
        if not hasattr(self, "_dicts"):
            self._dicts = {
                "case_id": self.case_ids,
                "activity": pa.array(ACTIVITIES, pa.string()),
                "resource": pa.array(self.names, pa.string()),
                "department": pa.array(DEPARTMENTS, pa.string()),
                "channel": pa.array(CHANNELS, pa.string()),
                "zaaktype": pa.array(ZAAKTYPES, pa.string()),
            }
        return self._dicts

    def table(self, c: _Chunk) -> pa.Table:
        d = self.dictionaries()
        has_chan = c.chan >= 0
        chan_idx = pa.array(np.where(has_chan, c.chan, 0), mask=~has_chan)
        inst = c.start < 0
        cols: dict[str, pa.Array] = {
            "case_id": d["case_id"].take(pa.array(c.case)),
            "activity": d["activity"].take(pa.array(c.act)),
            "timestamp": pa.array(c.ts * 1_000_000, pa.timestamp("us", tz="UTC")),
            "start_timestamp": pa.array(np.where(inst, 0, c.start) * 1_000_000, pa.timestamp("us", tz="UTC"),
                                        mask=inst),
            "resource": d["resource"].take(pa.array(c.res)),
            "department": d["department"].take(pa.array(c.dept)),
            "channel": d["channel"].take(chan_idx),
            "zaaktype": d["zaaktype"].take(pa.array(self.ztype[c.case])),
        }
        if self.personal_data:
            assert self.bsn is not None and self.email is not None
            cols["bsn"] = pa.array(np.where(has_chan, self.bsn[c.case], None), pa.string())
            cols["email"] = pa.array(np.where(has_chan, self.email[c.case], None), pa.string())
        return pa.table(cols)


def _group_position(case: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal (sorted) case values."""
    n = case.size
    first = np.r_[True, case[1:] != case[:-1]] if n else np.zeros(0, bool)
    starts = np.maximum.accumulate(np.where(first, np.arange(n), 0)) if n else np.zeros(0, np.int64)
    return np.arange(n) - starts


def _group_cumsum(values: np.ndarray, case: np.ndarray) -> np.ndarray:
    """Cumulative sum within runs of equal (sorted) case values."""
    total = np.cumsum(values)
    before = total - values
    first = np.r_[True, case[1:] != case[:-1]] if case.size else np.zeros(0, bool)
    base = np.maximum.accumulate(np.where(first, np.arange(case.size), 0)) if case.size else first
    return total - before[base]


# -- public API ------------------------------------------------------------------------------------
def generate(cases: int, seed: int = 1, profile: str = "asis", personal_data: bool = False,
             start: date = date(2024, 1, 8)) -> Iterator[pa.Table]:
    """Event batches (pyarrow Tables) of the permit process, in case-system order (by time).

    Columns: case_id, activity, timestamp and start_timestamp (timestamp[us, tz=UTC]; the start is
    null for instantaneous events), resource, department, channel (null except on contact events),
    zaaktype, and with `personal_data` bsn and email (on contact events only).
    """
    sim = _Simulation(cases, seed, profile, personal_data, start)
    for batch in sim.time_ordered():
        yield sim.table(batch)


def write_sample(out: Path | str, cases: int, seed: int = 1, profile: str = "asis",
                 personal_data: bool = False) -> dict[str, Any]:
    """Generate a log and write it; the format follows the file name (.csv, .parquet, .xes, .xes.gz).

    Returns stats: cases, events, activities, resources, departments, first and last event (UTC),
    profile, seed, format, path, bytes, seconds and events per second.
    """
    out = Path(out)
    name = out.name.lower()
    suffix = next((s for s in (".xes.gz", ".csv", ".parquet", ".xes") if name.endswith(s)), None)
    if suffix is None:
        raise InputError(f"{out}: write the sample as .csv, .parquet, .xes or .xes.gz (from the file name)")
    started = time.perf_counter()
    sim = _Simulation(cases, seed, profile, personal_data, date(2024, 1, 8))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    try:
        if suffix == ".parquet":
            stats = _write_parquet(sim, tmp)
        else:
            with tmp.open("wb") as raw:
                write = _write_csv if suffix == ".csv" else _write_xes
                if suffix == ".xes.gz":  # no file name and time in the header: the same bytes every time
                    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
                        stats = write(sim, gz)
                else:
                    stats = write(sim, raw)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    result = stats.as_dict(sim)
    result.update(profile=profile, seed=seed, format=suffix.lstrip("."), path=str(out),
                  bytes=out.stat().st_size, personal_data=personal_data, seconds=round(seconds, 3),
                  events_per_s=round(stats.events / seconds) if seconds > 0 else None)
    return result


@dataclass
class _Stats:
    events: int = 0
    rows: int = 0  # rows/XES events written (start + complete count twice in XES)
    acts: np.ndarray = field(default_factory=lambda: np.zeros(len(ACTIVITIES), np.int64))
    res: set[int] = field(default_factory=set)
    depts: np.ndarray = field(default_factory=lambda: np.zeros(len(DEPARTMENTS), np.int64))
    first: int | None = None
    last: int | None = None

    def update(self, c: _Chunk) -> None:
        if not len(c):
            return
        self.events += len(c)
        self.acts += np.bincount(c.act, minlength=len(ACTIVITIES))
        self.depts += np.bincount(c.dept, minlength=len(DEPARTMENTS))
        self.res.update(np.unique(c.res).tolist())
        lo, hi = int(c.ts.min()), int(c.ts.max())
        self.first = lo if self.first is None else min(self.first, lo)
        self.last = hi if self.last is None else max(self.last, hi)

    def as_dict(self, sim: _Simulation) -> dict[str, Any]:
        def iso(t: int | None) -> str | None:
            return None if t is None else datetime.fromtimestamp(t, UTC).isoformat()

        return {
            "cases": sim.cases,
            "events": self.events,
            "rows": self.rows,
            "activities": int((self.acts > 0).sum()),
            "resources": len(self.res),
            "departments": int((self.depts > 0).sum()),
            "first_event": iso(self.first),
            "last_event": iso(self.last),
        }


# -- writers ---------------------------------------------------------------------------------------
def _time_text(sim: _Simulation, utc: np.ndarray, style: str) -> pa.Array:
    """Local wall-clock text of UTC instants, built as fixed-width bytes with numpy (10x faster than
    strftime): style "nl" = dd-mm-yyyy HH:MM:SS, "xes" = yyyy-mm-ddTHH:MM:SS.000+01:00."""
    offset = sim.cal.local_offset(utc)
    local = (utc + offset).astype("datetime64[s]")
    days = local.astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months).astype(np.int64) + 1
    sod = (local - days).astype(np.int64)
    fields = [(year, 4), (month, 2), (day, 2), (sod // 3600, 2), (sod // 60 % 60, 2), (sod % 60, 2)]
    if style == "nl":
        layout = [2, "-", 1, "-", 0, " ", 3, ":", 4, ":", 5]
    else:
        fields.append((offset // 3600, 2))
        layout = [0, "-", 1, "-", 2, "T", 3, ":", 4, ":", 5, ".000+", 6, ":00"]
    width = sum(fields[x][1] if isinstance(x, int) else len(x) for x in layout)
    n = utc.size
    buf = np.empty((n, width), dtype=np.uint8)
    col = 0
    for item in layout:
        if isinstance(item, str):
            buf[:, col:col + len(item)] = np.frombuffer(item.encode(), np.uint8)
            col += len(item)
            continue
        value, digits = fields[item]
        for k in range(digits):
            buf[:, col + k] = 48 + value // 10 ** (digits - 1 - k) % 10
        col += digits
    offsets = pa.py_buffer(np.arange(0, (n + 1) * width, width, dtype=np.int32))
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(buf)])


def _lines(parts: list[Any], sep: str, eol: str) -> bytes:
    """Rows of string columns (or literals) joined by `sep`, each ending in `eol`, as one UTF-8
    bytes object taken straight from the Arrow buffer."""
    parts = [p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p for p in parts]
    arr = pc.binary_join_element_wise(*parts, sep)
    arr = pc.binary_join_element_wise(arr, eol, "")
    if len(arr) == 0:
        return b""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=arr.offset * 4)
    return arr.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


def _write_csv(sim: _Simulation, fh: Any) -> _Stats:
    """Dutch case-system export: `;`, Windows-1252, CRLF, Dutch headers, local dd-mm-yyyy times,
    `n.v.t.` where a channel does not apply, an empty start time for instantaneous events."""
    header = ["zaaknummer", "activiteit", "starttijd", "tijdstip", "medewerker", "afdeling", "kanaal", "zaaktype"]
    if sim.personal_data:
        header += ["bsn", "email"]
    fh.write((";".join(header) + "\r\n").encode("cp1252"))
    stats = _Stats()
    for c in sim.time_ordered():
        stats.update(c)
        stats.rows += len(c)
        t = sim.table(c)
        inst = c.start < 0
        start_txt = pc.if_else(pa.array(inst), "", _time_text(sim, np.where(inst, c.ts, c.start), "nl"))
        parts: list[Any] = [
            t["case_id"], t["activity"], start_txt, _time_text(sim, c.ts, "nl"), t["resource"],
            t["department"], pc.fill_null(t["channel"], "n.v.t."), t["zaaktype"],
        ]
        if sim.personal_data:
            parts += [pc.fill_null(t["bsn"], ""), pc.fill_null(t["email"], "")]
        fh.write(_lines(parts, ";", "\r\n").decode("utf-8").encode("cp1252"))
    return stats


def _write_parquet(sim: _Simulation, path: Path) -> _Stats:
    import pyarrow.parquet as pq

    stats = _Stats()
    writer: pq.ParquetWriter | None = None
    try:
        for c in sim.time_ordered():
            stats.update(c)
            stats.rows += len(c)
            table = sim.table(c)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd", use_dictionary=True)
            writer.write_table(table, row_group_size=BATCH_ROWS)
        if writer is None:  # pragma: no cover - cases >= 1 always gives events
            raise InputError("no events generated")
    finally:
        if writer is not None:
            writer.close()
    return stats


def _xml_escape(values: list[str]) -> pa.Array:
    return pa.array([v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
                     for v in values], pa.string())


def _write_xes(sim: _Simulation, fh: Any) -> _Stats:
    """Standard XES, streamed: one trace per case (concept:name, zaaktype), events with
    concept:name, lifecycle:transition, time:timestamp (local time with offset), org:resource,
    org:group, channel (and bsn, email); work with a start time becomes a start and a complete event."""
    title = f"Omgevingsvergunning (procesflow sample, profile {sim.profile}, seed {sim.seed}, {sim.cases} cases)"
    fh.write(XES_HEADER.format(title=_xml_escape([title])[0].as_py()).encode("utf-8"))
    d = sim.dictionaries()
    acts = _xml_escape(list(ACTIVITIES))
    names = _xml_escape(sim.names)
    depts = _xml_escape(list(DEPARTMENTS))
    chans = _xml_escape(list(CHANNELS))
    stats = _Stats()
    for c in sim.chunks():
        stats.update(c)
        # one row per XES event: starts (at start_ts) and completes, in time order within the case
        has_start = np.flatnonzero(c.start >= 0)
        row_ev = np.r_[np.arange(len(c)), has_start]
        is_start = np.r_[np.zeros(len(c), bool), np.ones(has_start.size, bool)]
        when = np.where(is_start, c.start[row_ev], c.ts[row_ev])
        order = np.lexsort((~is_start, c.pos[row_ev], when, c.case[row_ev]))
        row_ev, is_start, when = row_ev[order], is_start[order], when[order]
        case = c.case[row_ev]
        stats.rows += row_ev.size
        first = np.r_[True, case[1:] != case[:-1]]
        last = np.r_[case[1:] != case[:-1], True]
        for lo in range(0, row_ev.size, XES_ROWS):
            sl = slice(lo, lo + XES_ROWS)
            ev, cs = row_ev[sl], case[sl]
            trace_head = pc.binary_join_element_wise(
                '\t<trace>\n\t\t<string key="concept:name" value="', _xml_escape_array(d["case_id"].take(pa.array(cs))),
                '"/>\n\t\t<string key="zaaktype" value="', d["zaaktype"].take(pa.array(sim.ztype[cs])), '"/>\n', "")
            chan = c.chan[ev]
            chan_txt = chans.take(pa.array(np.where(chan >= 0, chan, 0), mask=chan < 0))
            parts: list[Any] = [
                pc.if_else(pa.array(first[sl]), trace_head, ""),
                '\t\t<event>\n\t\t\t<string key="concept:name" value="', acts.take(pa.array(c.act[ev])),
                '"/>\n\t\t\t<string key="lifecycle:transition" value="',
                pc.if_else(pa.array(is_start[sl]), "start", "complete"),
                '"/>\n\t\t\t<date key="time:timestamp" value="', _time_text(sim, when[sl], "xes"),
                '"/>\n\t\t\t<string key="org:resource" value="', names.take(pa.array(c.res[ev])),
                '"/>\n\t\t\t<string key="org:group" value="', depts.take(pa.array(c.dept[ev])), '"/>\n',
                _optional("channel", chan_txt),
            ]
            if sim.personal_data:
                assert sim.bsn is not None and sim.email is not None
                on_contact = chan >= 0
                parts += [
                    _optional("bsn", pa.array(np.where(on_contact, sim.bsn[cs], None), pa.string())),
                    _optional("email", _xml_escape_array(pa.array(np.where(on_contact, sim.email[cs], None),
                                                                  pa.string()))),
                ]
            parts += ["\t\t</event>\n", pc.if_else(pa.array(last[sl]), "\t</trace>\n", "")]
            fh.write(_lines(parts, "", ""))
    fh.write(b"</log>\n")
    return stats


XES_ROWS = 65_536
XES_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<global scope="trace">
\t\t<string key="concept:name" value="__INVALID__"/>
\t</global>
\t<global scope="event">
\t\t<string key="concept:name" value="__INVALID__"/>
\t\t<string key="lifecycle:transition" value="complete"/>
\t\t<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
\t</global>
\t<classifier name="Activity" keys="concept:name"/>
\t<classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>
\t<string key="concept:name" value="{title}"/>
"""


def _optional(key: str, values: pa.Array) -> pa.Array:
    """`<string key=.. value=../>` where the value is not null, else nothing."""
    snippet = pc.binary_join_element_wise(f'\t\t\t<string key="{key}" value="', values, '"/>\n', "")
    return pc.fill_null(snippet, "")


def _xml_escape_array(values: pa.Array) -> pa.Array:
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        values = pc.replace_substring(values, char, entity)
    return values


# -- bundled sample logs ---------------------------------------------------------------------------
def write_bundled(folder: Path | str) -> list[dict[str, Any]]:
    """(Re)generate the committed sample logs in `folder` (see BUNDLED)."""
    folder = Path(folder)
    return [write_sample(folder / name, BUNDLED_CASES, BUNDLED_SEED, profile) for name, profile in BUNDLED.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m procesflow.sample",
        description="Generate the sample permit log (omgevingsvergunning), or regenerate the bundled ones.",
    )
    parser.add_argument("--write-bundled", metavar="FOLDER", type=Path,
                        help="regenerate the committed sample logs in FOLDER (e.g. sample_logs)")
    parser.add_argument("--cases", type=int, default=BUNDLED_CASES)
    parser.add_argument("--seed", type=int, default=BUNDLED_SEED)
    parser.add_argument("--profile", choices=PROFILES, default="asis")
    parser.add_argument("--personal-data", action="store_true")
    parser.add_argument("--out", type=Path, help="file to write: .csv, .parquet, .xes or .xes.gz")
    args = parser.parse_args(argv)
    if args.write_bundled:
        for stats in write_bundled(args.write_bundled):
            print(f"{stats['path']}: {stats['cases']} cases, {stats['events']} events, {stats['bytes']:,} bytes")
        return 0
    if args.out is None:
        parser.error("give --out FILE or --write-bundled FOLDER")
    stats = write_sample(args.out, args.cases, args.seed, args.profile, args.personal_data)
    print(f"{stats['path']}: {stats['cases']:,} cases, {stats['events']:,} events in {stats['seconds']} s "
          f"({stats['events_per_s']:,} events/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
