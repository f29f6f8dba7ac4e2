"""Personal data in imported logs (AVG/GDPR): find it, and replace it by keyed pseudonyms.

**Detection.** During every import `detect` scans the staged source columns in SQL
(`sql/personal_data.sql`; never a Python loop over rows) for likely BSNs (9 digits passing the
11-proef), e-mail addresses and phone numbers. Columns where they occur are reported with counts:
printed as a note, stored in the import's quality report (`personal_data`) and shown by
`procesflow info`. A column counts as holding BSNs when at least half of its values that contain a
9-digit number pass the 11-proef (one in eleven random numbers does, so a column of 9-digit case
numbers is not flagged); one e-mail address or phone number is enough.

**Pseudonymisation** (`--pseudonymize`, or `[privacy] pseudonymize = true` in the mapping file):
case ids, resources and every column flagged above are replaced *before anything is stored* by
`p_` + the first 16 hex digits of HMAC-SHA256(key, value) — computed by DuckDB over the whole
column (`pf_pseudonym`), so the same key gives the same pseudonym in every import and logs of later
months link up. The key never enters the store or the outputs; it comes from:

1. `$PROCESFLOW_PSEUDONYM_KEY` (the key itself, at least 16 characters), else
2. the key file `$PROCESFLOW_PSEUDONYM_KEY_FILE`, else `$XDG_CONFIG_HOME/procesflow/pseudonym.key`
   (`~/.config/procesflow/pseudonym.key`), created on first use with 32 random bytes, mode 0600.

Keep the key file safe and backed up (whoever holds it can test whether a given BSN is in a log;
without it pseudonyms cannot be linked to new imports). The store records only a key id (a hash
of the key) to warn when two logs were pseudonymised with different keys.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .errors import InputError
from .sqlfiles import quote_ident, quote_literal, render_sql

KEY_ENV = "PROCESFLOW_PSEUDONYM_KEY"
KEY_FILE_ENV = "PROCESFLOW_PSEUDONYM_KEY_FILE"
MIN_KEY_LENGTH = 16
PSEUDONYM_HEX = 16  # 64 bits: no collisions to expect below a few hundred million distinct values
#: roles never scanned (dates) and roles always pseudonymised (people and cases)
NOT_SCANNED = ("timestamp", "start_timestamp")
ALWAYS_PSEUDONYMISED = ("case", "resource")
KINDS = {"bsn": "likely BSNs", "email": "e-mail addresses", "phone": "phone numbers"}


@dataclass
class ColumnFinding:
    """Personal data found in one source column."""

    column: str
    role: str | None  # the column's role (case, activity, ...) or None for an attribute
    values: int  # non-empty values
    bsn: int = 0
    email: int = 0
    phone: int = 0

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in KINDS if getattr(self, kind)]

    def to_json(self) -> dict[str, Any]:
        return {"column": self.column, "role": self.role, "values": self.values, "bsn": self.bsn,
                "email": self.email, "phone": self.phone}

    def describe(self) -> str:
        found = ", ".join(f"{getattr(self, k):,} {KINDS[k]}" for k in self.kinds)
        role = f" ({self.role})" if self.role else ""
        return f"{self.column!r}{role}: {found} in {self.values:,} values"


@dataclass
class Pseudonymised:
    """What `pseudonymise` replaced (for the import's notes and the stored mapping)."""

    columns: list[str]
    key_id: str
    key_source: str
    withheld_rejects: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# -- detection --------------------------------------------------------------------------------------
def detect(con: duckdb.DuckDBPyConnection, columns: list[str], roles: dict[str, str],
           table: str = "pf_staging") -> list[ColumnFinding]:
    """Columns of `table` holding likely BSNs, e-mail addresses or phone numbers, with counts.

    Reads the per-column value counts of `count_values` (TEMP TABLE pf_values), made here when the
    caller has not made them yet."""
    role_of = {column: role for role, column in roles.items()}
    scanned = scanned_columns(columns, roles)
    if not scanned:
        return []
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = 'pf_values'"
                       ).fetchone()[0]:
        count_values(con, scanned, table)
    types = dict(con.execute(
        f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {quote_ident(table)})").fetchall())
    parts = []
    for i, column in enumerate(scanned):
        text = "value"
        if any(k in str(types.get(column, "")).upper() for k in ("INT", "DECIMAL", "DOUBLE", "FLOAT")):
            # a BSN in a number column lost its leading zero (Excel, Parquet): 12345672 -> 012345672
            text = "regexp_replace(value, '^(\\d{8})$', '0\\1')"
        parts.append(f"SELECT 'c{i}' AS col, {text} AS value, n FROM pf_values WHERE col = {quote_literal(column)}")
    statements = duckdb.extract_statements(render_sql("personal_data", cells=" UNION ALL ".join(parts)))
    for statement in statements[:-1]:
        con.execute(statement.query)
    rows = con.execute(statements[-1].query).fetchall()
    found = []
    for col, values, nine_digit, bsn, email, phone in rows:
        column = scanned[int(col[1:])]
        finding = ColumnFinding(column, role_of.get(column), int(values),
                                bsn=int(bsn) if bsn and 2 * bsn >= nine_digit else 0,
                                email=int(email), phone=int(phone))
        if finding.kinds:
            found.append(finding)
    return found


def scanned_columns(columns: list[str], roles: dict[str, str]) -> list[str]:
    """The staged columns whose values are looked at: all but the row number and the timestamps."""
    skip = {roles[r] for r in NOT_SCANNED if r in roles}
    return [c for c in columns if c not in skip and c != "__row"]


def count_values(con: duckdb.DuckDBPyConnection, columns: list[str], table: str = "pf_staging") -> None:
    """TEMP TABLE pf_values(col, value, n): every distinct value of each of `columns` (as text) with
    how often it occurs — one grouping per column, shared by the personal-data scan and the
    cleaning of the role columns (procesflow.importer)."""
    parts = [f"SELECT {quote_literal(c)} AS col, CAST({quote_ident(c)} AS VARCHAR) AS value, count(*) AS n "
             f"FROM {quote_ident(table)} GROUP BY 2" for c in columns]
    con.execute("CREATE OR REPLACE TEMP TABLE pf_values AS " + (" UNION ALL ".join(parts) if parts else
                "SELECT CAST(NULL AS VARCHAR) AS col, CAST(NULL AS VARCHAR) AS value, 0::BIGINT AS n WHERE false"))


def notes(found: list[ColumnFinding], done: Pseudonymised | None) -> list[str]:
    """One-line notes for the import report."""
    out = []
    if found:
        out.append("personal data found — " + "; ".join(f.describe() for f in found))
    replaced = set(done.columns) if done else set()
    if done is not None:
        cols = ", ".join(repr(c) for c in done.columns)
        out.append(f"pseudonymised with keyed hashes (key id {done.key_id}, key from {done.key_source}): {cols}"
                   + (f"; the raw text of {done.withheld_rejects:,} unreadable row(s) is withheld"
                      if done.withheld_rejects else ""))
    kept = [f for f in found if f.column not in replaced and f.role in (None, "resource")]
    if kept:
        cols = ", ".join(repr(f.column) for f in kept)
        out.append(f"{cols} stay in the store as they are; outputs never show them (nor resource names) — to "
                   "keep them out of the store too, import with --pseudonymize")
    for f in found:
        if f.role in ("activity", "department", "channel", "lifecycle"):
            out.append(f"the {f.role} column {f.column!r} holds personal data and cannot be pseudonymised (the "
                       "analysis needs it): it appears on maps and in reports — clean it at the source")
    return out


# -- pseudonymisation -------------------------------------------------------------------------------
def pseudonymise(con: duckdb.DuckDBPyConnection, columns: list[str], roles: dict[str, str],
                 found: list[ColumnFinding], only_case: bool = False) -> Pseudonymised:
    """Replace `pf_staging` by a view in which case ids, resources and the flagged columns are
    keyed pseudonyms, so that nothing downstream (events, case attributes, rejects) sees the values.
    The raw text of rows the connector could not read is withheld (it may hold the same data).
    `only_case`: just the case ids (used without --pseudonymize when they are personal data)."""
    key, source = load_key()
    install(con, key)
    if only_case:
        targets = [roles["case"]]
    else:
        targets = [roles[r] for r in ALWAYS_PSEUDONYMISED if r in roles]
        for f in found:
            if f.role in (None, "case", "resource") and f.column not in targets:
                targets.append(f.column)
    from procesflow.connectors.base import PSEUDONYMISED, staging_kind  # noqa: PLC0415

    kind = staging_kind(con)
    if kind is None:
        raise InputError("internal: nothing staged to pseudonymise")
    # materialised once (each value hashed once), then pf_staging is a view of the result
    replaced = ", ".join(f"pf_pseudonym({quote_ident(c)}) AS {quote_ident(c)}" for c in targets)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PSEUDONYMISED} AS SELECT * REPLACE ({replaced}) "
                "FROM pf_staging")
    con.execute(f"DROP {kind} pf_staging")
    con.execute(f"CREATE TEMP VIEW pf_staging AS SELECT * FROM {PSEUDONYMISED}")
    withheld = con.execute("SELECT count(*) FROM pf_stage_rejects").fetchone()[0]
    if withheld:
        con.execute("UPDATE pf_stage_rejects SET raw = '(withheld: imported with --pseudonymize; see the source row)'")
    return Pseudonymised(columns=targets, key_id=key_id(key), key_source=source, withheld_rejects=withheld)


def install(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Create `pf_pseudonym(v)` on `con`: 'p_' + HMAC-SHA256(key, trimmed text of v), truncated.

    HMAC is written out in SQL: sha256((K xor opad) || sha256((K xor ipad) || v)), with K the key
    padded to SHA-256's 64-byte block (RFC 2104). The padded key lives in a TEMP table of this
    connection only — never in the store file — and is dropped with the import's other temp objects."""
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in block)
    opad = bytes(b ^ 0x5C for b in block)
    con.execute("CREATE OR REPLACE TEMP TABLE pf_pseudonym_key (ipad BLOB, opad BLOB)")
    con.execute("INSERT INTO pf_pseudonym_key VALUES (?, ?)", [ipad, opad])
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO pf_pseudonym(v) AS (
            CASE WHEN nullif(trim(CAST(v AS VARCHAR)), '') IS NULL THEN NULL
                 ELSE 'p_' || left(sha256((SELECT opad FROM pf_pseudonym_key)
                                          || unhex(sha256((SELECT ipad FROM pf_pseudonym_key)
                                                          || encode(trim(CAST(v AS VARCHAR)))))),
                                   {PSEUDONYM_HEX})
            END)
        """
    )


def pseudonym(key: bytes, value: str) -> str:
    """The pseudonym of one value (the same as `pf_pseudonym` in SQL), e.g. to look a case up."""
    return "p_" + hmac.new(key, value.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def key_id(key: bytes) -> str:
    """A short, non-secret name for a key: equal ids, equal pseudonyms."""
    return hmac.new(key, b"procesflow key id", hashlib.sha256).hexdigest()[:8]


def key_file() -> Path:
    override = os.environ.get(KEY_FILE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "procesflow" / "pseudonym.key"


def load_key() -> tuple[bytes, str]:
    """(key, where it came from); a key file is created (0600) on first use."""
    text = os.environ.get(KEY_ENV)
    if text is not None:
        if len(text.strip()) < MIN_KEY_LENGTH:
            raise InputError(f"${KEY_ENV} is too short: use at least {MIN_KEY_LENGTH} random characters")
        return text.strip().encode("utf-8"), f"${KEY_ENV}"
    path = key_file()
    if not path.exists():
        _create_key_file(path)
    try:
        mode = path.stat().st_mode
        data = path.read_bytes().strip()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the pseudonym key ({exc.strerror})") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(f"{path}: the pseudonym key file is readable by others; run: chmod 600 {path}")
    if len(data) < MIN_KEY_LENGTH:
        raise InputError(f"{path}: the pseudonym key is too short (at least {MIN_KEY_LENGTH} bytes)")
    return data, str(path)


def _create_key_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another import created it just now
        return
    except OSError as exc:
        raise InputError(f"{path}: cannot create the pseudonym key ({exc.strerror}); set ${KEY_FILE_ENV} "
                         f"or ${KEY_ENV}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
