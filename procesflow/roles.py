"""Column roles: which source column is the case, the activity, the timestamp, ...

Exports name their columns in English, Dutch or XES style. `detect_roles` recognises the common
names; flags (`--case` ...) and a mapping file (`--mapping FILE`, TOML) override it. The mapping
that was used is printed and stored with the import, so every result can be traced to it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

ROLES = (
    "case",
    "activity",
    "timestamp",
    "start_timestamp",
    "resource",
    "department",
    "channel",
    "lifecycle",
)
REQUIRED = ("case", "activity", "timestamp")
FLAG = {role: "--" + role.replace("_", "-") for role in ROLES}
TAGS = ("approval", "check", "contact", "decision", "suspension")

# Names per role, most specific first, compared after `normalise_name`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "case": (
        "case:concept:name", "caseid", "casenumber", "casenr", "case", "zaaknummer", "zaakid",
        "zaaknr", "zaakidentificatie", "zaak", "dossiernummer", "dossierid", "dossiernr",
        "dossier", "aanvraagnummer", "aanvraagid", "processinstance", "instanceid", "traceid",
        "ticketid", "incidentid", "klantnummer", "customerid",
    ),
    "activity": (
        "concept:name", "activity", "activityname", "activiteit", "activiteitnaam", "taak",
        "taaknaam", "task", "taskname", "processtap", "stap", "step", "handeling", "gebeurtenis",
        "eventname", "event", "actie", "action", "statustype", "statusomschrijving", "status",
    ),
    "timestamp": (
        "time:timestamp", "timestamp", "completetimestamp", "endtimestamp", "completetime",
        "endtime", "eindtijdstip", "eindtijd", "einddatum", "tijdstip", "datumtijd", "datetime",
        "tijd", "statusdatum", "datumstatusgezet", "registratiedatum", "datum", "date", "time",
    ),
    "start_timestamp": (
        "start_timestamp", "starttimestamp", "starttime", "starttijdstip", "starttijd",
        "startdatum", "begintijd", "begindatum", "begintijdstip", "start",
    ),
    "resource": (
        "org:resource", "resource", "medewerker", "behandelaar", "uitvoerder", "gebruiker",
        "user", "username", "employee", "performer", "actor", "agent",
    ),
    "department": (
        "org:group", "department", "afdeling", "team", "group", "unit", "organisatieonderdeel",
        "organisatorischeeenheid", "orgunit", "eenheid", "sector",
    ),
    "channel": ("channel", "kanaal", "contactkanaal", "contactchannel", "medium"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "eventtype"),
}


def normalise_name(name: str) -> str:
    """Lower case without spaces, underscores, dashes and dots; XES colons are kept."""
    return re.sub(r"[\s_\-.()]+", "", name.strip().lower())


_NORMALISED = {role: tuple(normalise_name(s) for s in names) for role, names in SYNONYMS.items()}


@dataclass
class Mapping:
    """Roles and import options from flags and/or a TOML mapping file."""

    roles: dict[str, str] = field(default_factory=dict)
    tz: str | None = None
    timestamp_format: str | None = None
    start_timestamp_format: str | None = None
    tags: dict[str, list[str]] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)  # delimiter, encoding, sheet, ...
    path: str | None = None
    pseudonymize: bool | None = None  # [privacy] pseudonymize = true (see procesflow.privacy)

    def merged_with(self, overrides: Mapping) -> Mapping:
        """This mapping with everything `overrides` sets taking precedence (flags over file)."""
        return Mapping(
            roles={**self.roles, **overrides.roles},
            tz=overrides.tz or self.tz,
            timestamp_format=overrides.timestamp_format or self.timestamp_format,
            start_timestamp_format=overrides.start_timestamp_format or self.start_timestamp_format,
            tags={**self.tags, **overrides.tags},
            source={**self.source, **overrides.source},
            path=overrides.path or self.path,
            pseudonymize=overrides.pseudonymize if overrides.pseudonymize is not None else self.pseudonymize,
        )


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping file; every unknown section or key is an error naming the valid ones.

    ```toml
    [roles]
    case = "Zaaknummer"
    activity = "Status"
    timestamp = "Datum status gezet"
    [time]
    tz = "Europe/Amsterdam"
    format = "%d-%m-%Y %H:%M"
    [source]
    delimiter = ";"
    encoding = "cp1252"
    [tags]
    approval = ["Paraaf teamleider"]
    ```
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: mapping file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a valid TOML mapping file ({exc})") from None

    _only(path, "", data, {"roles", "time", "source", "tags", "privacy"})
    privacy = data.get("privacy", {})
    _only(path, "privacy", privacy, {"pseudonymize"})
    if not isinstance(privacy.get("pseudonymize", False), bool):
        raise InputError(f"{path}: [privacy] pseudonymize must be true or false")
    roles = data.get("roles", {})
    _only(path, "roles", roles, set(ROLES))
    for role, column in roles.items():
        if not isinstance(column, str) or not column:
            raise InputError(f"{path}: [roles] {role} must be a column name (text)")
    time = data.get("time", {})
    _only(path, "time", time, {"tz", "format", "start_format"})
    source = data.get("source", {})
    _only(path, "source", source, {"delimiter", "encoding", "quote", "null", "sheet",
                                   "object_type", "table", "query", "password_env",
                                   # ZGW (connectors/zgw.py)
                                   "client_id", "secret_env", "user_id", "zaaktypen",
                                   "zaak_start_from", "zaak_start_to", "include"})
    tags = data.get("tags", {})
    _only(path, "tags", tags, set(TAGS))
    for tag, activities in tags.items():
        if not (isinstance(activities, list) and all(isinstance(a, str) for a in activities)):
            raise InputError(f"{path}: [tags] {tag} must be a list of activity names")
    return Mapping(
        roles=dict(roles),
        tz=time.get("tz"),
        timestamp_format=time.get("format"),
        start_timestamp_format=time.get("start_format"),
        tags={k: list(v) for k, v in tags.items()},
        source=dict(source),
        path=str(path),
        pseudonymize=privacy.get("pseudonymize"),
    )


def _only(path: Path, section: str, table: Any, allowed: set[str]) -> None:
    where = f"[{section}]" if section else "top level"
    if not isinstance(table, dict):
        raise InputError(f"{path}: {where} must be a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"{path}: unknown key {unknown[0]!r} in {where}; valid keys: {', '.join(sorted(allowed))}"
        )


@dataclass
class RoleResolution:
    """The roles chosen for a source, and how each was chosen (flag/mapping, format, auto)."""

    roles: dict[str, str]
    how: dict[str, str]

    def describe(self) -> list[tuple[str, str, str]]:
        return [(role, self.roles[role], self.how[role]) for role in ROLES if role in self.roles]


def resolve_roles(
    columns: list[str],
    mapping: Mapping,
    hints: dict[str, str] | None = None,
    source_name: str = "the source",
) -> RoleResolution:
    """Choose a column per role: explicit mapping first, then the format's hints, then names.

    Raises `InputError` naming the missing column or role and the flag that fixes it.
    """
    available = set(columns)
    roles: dict[str, str] = {}
    how: dict[str, str] = {}
    for role, column in mapping.roles.items():
        if column not in available:
            close = _closest(column, columns)
            hint = f" (did you mean {close!r}?)" if close else ""
            origin = f"mapping file {mapping.path}" if mapping.path else FLAG[role]
            raise InputError(
                f"{source_name}: {origin} names column {column!r} for {role}, but there is no "
                f"such column{hint}; columns: {_list(columns)}"
            )
        roles[role] = column
        how[role] = "given"
    taken = set(roles.values())
    for role, column in (hints or {}).items():
        if role not in roles and column in available and column not in taken:
            roles[role] = column
            how[role] = "format"
            taken.add(column)
    detected = detect_roles([c for c in columns if c not in taken], skip=set(roles))
    for role, column in detected.items():
        roles[role] = column
        how[role] = "auto"
    missing = [role for role in REQUIRED if role not in roles]
    if missing:
        role = missing[0]
        raise InputError(
            f"{source_name}: no {role} column found among {_list(columns)}; "
            f"name it with {FLAG[role]} COLUMN"
        )
    return RoleResolution(roles, how)


def case_attribute_columns(columns: list[str]) -> list[str]:
    """The source's case-attribute columns (`case:<key>`, the case id `case:concept:name` aside),
    sorted: each becomes attribute `<key>` of the case (the store's `cases` table)."""
    return sorted(c for c in columns if c.lower().startswith("case:") and c.lower() != "case:concept:name")


def event_attribute_columns(columns: list[str], used: set[str]) -> list[str]:
    """The columns that become event attributes: neither a role column nor a case attribute; sorted,
    so that the same attributes give equal maps whatever the source's column order."""
    return sorted(c for c in columns if c not in used and not c.lower().startswith("case:"))


def detect_roles(columns: list[str], skip: set[str] | None = None) -> dict[str, str]:
    """Recognise roles from column names; each column gets at most one role.

    Case-level columns (`case:...`) never get an event role, except `case:concept:name`; the
    required roles are matched first so that e.g. `status` can still be the activity.
    """
    skip = skip or set()
    candidates = {
        normalise_name(c): c
        for c in reversed(columns)  # first column wins when two normalise the same
        if not normalise_name(c).startswith("case:") or normalise_name(c) == "case:concept:name"
    }
    found: dict[str, str] = {}
    used: set[str] = set()
    for role in ROLES:
        if role in skip:
            continue
        for name in _NORMALISED[role]:
            column = candidates.get(name)
            if column is not None and column not in used:
                found[role] = column
                used.add(column)
                break
    return found


def _closest(name: str, columns: list[str]) -> str | None:
    import difflib

    target = normalise_name(name)
    by_norm = {normalise_name(c): c for c in columns}
    match = difflib.get_close_matches(target, list(by_norm), n=1, cutoff=0.6)
    return by_norm[match[0]] if match else None


def _list(columns: list[str], limit: int = 12) -> str:
    shown = ", ".join(repr(c) for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")
