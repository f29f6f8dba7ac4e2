"""The SQL connector against a real PostgreSQL server (and SQLite files).

The server: the one named by PGHOST/PGPORT (with PGUSER/PGPASSWORD of a user that may create
databases) when it answers, else a throwaway cluster started by scripts/postgres-test-server.sh on
127.0.0.1 (CI installs Debian's `postgresql` package via scripts/system-deps.sh). Without a server
the PostgreSQL tests fail in CI (`CI` set) and are skipped locally, with the reason.

The database is shaped like a case system: zaken, statussen (timestamptz with mixed offsets and a
naive registration time), behandelaars and afdelingen, with NULLs; the expected events are computed
here in Python from the same rows, independently of DuckDB and PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from procesflow.errors import InputError
from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "postgres-test-server.sh"
AMS = ZoneInfo("Europe/Amsterdam")

# -- the case system -------------------------------------------------------------------------

AFDELINGEN = [(1, "Vergunningen"), (2, "Juridische Zaken"), (3, "Handhaving")]
BEHANDELAARS = [(10, "J. de Vries", 1), (11, "A. Bakker", 1), (12, "M. Jansen", 2), (13, "P. Smit", None)]
ZAKEN = [  # id, zaaknummer, zaaktype, startdatum, einddatum
    (1, "ZAAK-2024-0001", "Omgevingsvergunning", "2024-03-25", "2024-04-20"),
    (2, "ZAAK-2024-0002", "Omgevingsvergunning", "2024-03-30", None),
    (3, "ZAAK-2024-0003", "Bezwaar", "2024-10-20", "2024-11-02"),
    (4, "ZAAK-2024-0004", None, "2024-11-01", None),
]
OFFSETS = {"+01": timezone(timedelta(hours=1)), "+02": timezone(timedelta(hours=2)), "Z": UTC}
# zaak, status, datum_status_gezet (text as PostgreSQL reads it, or None), geregistreerd_op (naive), behandelaar
STATUSSEN = [
    (1, "Ontvangen", "2024-03-25 09:00:00+01", "2024-03-25 09:05:00", 10),
    (1, "In behandeling", "2024-03-31 03:30:00+02", "2024-03-31 02:30:00", 11),  # DST day; naive in the gap
    (1, "Besluit genomen", "2024-04-19 16:45:30.250+02", "2024-04-19 16:50:00", 12),
    (1, "Afgehandeld", "2024-04-20 08:00:00Z", "2024-04-20 10:00:00", None),
    (2, "Ontvangen", "2024-03-30 23:30:00+01", "2024-03-30 23:31:00", 13),
    (2, "Aanvulling gevraagd", None, None, 10),  # no timestamp: a reject
    (2, "In behandeling", "2024-04-02 10:00:00+02", "2024-04-02 10:00:00", 10),
    (3, "Ontvangen", "2024-10-27 02:30:00+02", "2024-10-27 02:30:00", 12),  # autumn: ambiguous wall clock
    (3, "In behandeling", "2024-10-27 02:30:00+01", "2024-10-27 02:45:00", 12),
    (3, "Afgehandeld", "2024-11-02 12:00:00+01", "2024-11-02 12:00:00", None),
    (4, "Ontvangen", "2024-11-01 00:00:00+01", "2024-11-01 00:00:00", None),
]

SCHEMA = """
CREATE TABLE afdelingen (id integer PRIMARY KEY, naam text NOT NULL);
CREATE TABLE behandelaars (id integer PRIMARY KEY, naam text NOT NULL,
                           afdeling_id integer REFERENCES afdelingen);
CREATE TABLE zaken (id integer PRIMARY KEY, zaaknummer text UNIQUE NOT NULL, zaaktype text,
                    startdatum date NOT NULL, einddatum date);
CREATE TABLE statussen (id serial PRIMARY KEY, zaak_id integer NOT NULL REFERENCES zaken,
                        status text NOT NULL, datum_status_gezet timestamptz,
                        geregistreerd_op timestamp, behandelaar_id integer REFERENCES behandelaars);
CREATE SEQUENCE zaaknummers;
CREATE VIEW statushistorie AS
  SELECT z.zaaknummer, s.status, s.datum_status_gezet, b.naam AS behandelaar, a.naam AS afdeling,
         z.zaaktype AS "case:zaaktype"
  FROM statussen s JOIN zaken z ON z.id = s.zaak_id
  LEFT JOIN behandelaars b ON b.id = s.behandelaar_id LEFT JOIN afdelingen a ON a.id = b.afdeling_id
  ORDER BY s.id;
"""
QUERY = """
SELECT z.zaaknummer, s.status, s.datum_status_gezet AS "datum status gezet",
       b.naam AS behandelaar, a.naam AS afdeling, z.zaaktype AS "case:zaaktype", s.geregistreerd_op
FROM statussen s
JOIN zaken z ON z.id = s.zaak_id
LEFT JOIN behandelaars b ON b.id = s.behandelaar_id
LEFT JOIN afdelingen a ON a.id = b.afdeling_id
ORDER BY s.id;
"""


def _sql_value(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def data_sql() -> str:
    rows = [
        ("afdelingen", AFDELINGEN),
        ("behandelaars", BEHANDELAARS),
        ("zaken", ZAKEN),
    ]
    out = [SCHEMA]
    for table, values in rows:
        for row in values:
            out.append(f"INSERT INTO {table} VALUES ({', '.join(_sql_value(v) for v in row)});")
    for zaak, status, ts, naive, beh in STATUSSEN:
        out.append(
            "INSERT INTO statussen (zaak_id, status, datum_status_gezet, geregistreerd_op, behandelaar_id) "
            f"VALUES ({zaak}, {_sql_value(status)}, {_sql_value(ts)}, {_sql_value(naive)}, {_sql_value(beh)});"
        )
    return "\n".join(out)


def parse_pg_tz(text: str) -> datetime:
    """'2024-03-31 03:30:00+02' / '...Z' -> aware datetime (as PostgreSQL reads it)."""
    for suffix, tz in OFFSETS.items():
        if text.endswith(suffix):
            return datetime.fromisoformat(text[: -len(suffix)]).replace(tzinfo=tz)
    raise ValueError(text)


def expected_events() -> list[tuple[str, str, datetime, str | None, str | None]]:
    zaken = {z[0]: z[1] for z in ZAKEN}
    beh = {b[0]: b for b in BEHANDELAARS}
    afd = dict(AFDELINGEN)
    out = []
    for zaak, status, ts, _naive, b in STATUSSEN:
        if ts is None:
            continue
        person = beh[b][1] if b else None
        dept = afd.get(beh[b][2]) if b and beh[b][2] else None
        out.append((zaken[zaak], status, parse_pg_tz(ts).astimezone(UTC), person, dept))
    return sorted(out, key=lambda e: (e[0], e[2]))


def stored_events(db: Path, log: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute(
            "SELECT case_id, activity, ts, resource, department FROM events WHERE log = ? ORDER BY case_id, ts, seq",
            [log],
        ).fetchall()
    finally:
        con.close()
    return [(c, a, t.astimezone(UTC), r, d) for c, a, t, r, d in rows]


# -- the server --------------------------------------------------------------------------------


@dataclass
class PgServer:
    host: str
    port: int
    admin_env: dict[str, str]
    psql: str
    database: str
    reader: str
    reader_password: str

    def url(self, user: str | None = None, password: str | None = None, database: str | None = None) -> str:
        cred = ""
        if user:
            cred = user + (f":{password}" if password else "") + "@"
        return f"postgresql://{cred}{self.host}:{self.port}/{database or self.database}"

    def run_sql(self, sql: str, database: str | None = None) -> str:
        env = {**os.environ, **self.admin_env, "PGDATABASE": database or self.database}
        done = subprocess.run([self.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], input=sql,
                              capture_output=True, text=True, env=env, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr}")
        return done.stdout.strip()


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL test server: {reason} (CI must run the PostgreSQL tests)")
    pytest.skip(f"PostgreSQL test server: {reason}")


@pytest.fixture(scope="session")
def pg() -> PgServer:
    started_dir = None
    if os.environ.get("PGHOST") and os.environ.get("PGPORT") and _reachable(os.environ["PGHOST"],
                                                                             int(os.environ["PGPORT"])):
        admin = {k: os.environ[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD") if k in os.environ}
        psql = shutil.which("psql")
        if psql is None:
            _unavailable("psql not found to set up the test database")
    else:
        started_dir = tempfile.mkdtemp(prefix="procesflow-pg-")
        os.chmod(started_dir, 0o755)
        done = subprocess.run(["bash", str(SCRIPT), "start", started_dir], capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            shutil.rmtree(started_dir, ignore_errors=True)
            _unavailable(f"could not start one with {SCRIPT.name}: {done.stderr.strip()[-500:]}")
        values = dict(line.split("=", 1) for line in done.stdout.split() if "=" in line)
        admin = {k: values[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")}
        psql = str(Path(values["PGBIN"]) / "psql")
    reader_password = secrets.token_hex(12)
    server = PgServer(admin["PGHOST"], int(admin["PGPORT"]), admin, psql, f"zaaksysteem_{secrets.token_hex(4)}",
                      f"pf_reader_{secrets.token_hex(3)}", reader_password)
    try:
        server.run_sql(f"CREATE DATABASE {server.database};", database="postgres")
        server.run_sql(f"CREATE ROLE {server.reader} LOGIN PASSWORD '{reader_password}';", database="postgres")
        server.run_sql(data_sql())
        server.run_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {server.reader}; "
                       f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {server.reader};")
        yield server
    finally:
        if started_dir:
            subprocess.run(["bash", str(SCRIPT), "stop", started_dir], capture_output=True, timeout=60)
            shutil.rmtree(started_dir, ignore_errors=True)
        else:
            server.run_sql(f"DROP DATABASE IF EXISTS {server.database} WITH (FORCE); DROP ROLE IF EXISTS "
                           f"{server.reader};", database="postgres")


@pytest.fixture
def reader_env(pg: PgServer, monkeypatch):
    """The reader's password in PGPASSWORD (as an analyst would set it), nothing else of the admin."""
    for key in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PGPASSWORD", pg.reader_password)
    return pg


def do_import(db: Path, source: str, name: str = "zaken", replace: bool = False, **source_opts) -> object:
    roles = source_opts.pop("roles", {})
    tz = source_opts.pop("tz", None)
    with Store(db) as store:
        return import_log(store, ImportRequest(source=source, name=name, replace=replace,
                                               mapping=Mapping(roles=roles, tz=tz, source=source_opts)))


def store_snapshot(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t").fetchone()
                     for table in ("events", "cases", "imports", "rejects"))
    finally:
        con.close()


# -- PostgreSQL --------------------------------------------------------------------------------


def test_query_streams_events_with_instants_nulls_and_rejects(reader_env: PgServer, db: Path):
    pg = reader_env
    result = do_import(db, pg.url(pg.reader), query=QUERY)
    assert result.connector == "postgresql"
    assert result.rows_read == len(STATUSSEN)
    assert result.rejected == 1 and result.rejects_by_reason == {"missing timestamp (datum status gezet)": 1}
    assert stored_events(db, "zaken") == expected_events()
    roles = {role: column for role, column, _ in result.roles}
    assert roles == {"case": "zaaknummer", "activity": "status", "timestamp": "datum status gezet",
                     "resource": "behandelaar", "department": "afdeling"}
    assert result.time_parsing["timestamp"] == "timestamps with time zone"
    assert result.detected["column_types"]["datum status gezet"] == "TIMESTAMP WITH TIME ZONE"
    con = duckdb.connect(str(db), read_only=True)
    try:
        source, connector = con.execute("SELECT source, connector FROM imports").fetchone()
        reject = con.execute("SELECT source_row, raw FROM rejects").fetchone()
        cases = dict(con.execute("SELECT case_id, attrs['zaaktype'] FROM cases").fetchall())
        attrs = con.execute("SELECT attrs['geregistreerd_op'] FROM events WHERE case_id = 'ZAAK-2024-0001' "
                            "ORDER BY ts LIMIT 1").fetchone()[0]
    finally:
        con.close()
    assert source == f"postgresql://127.0.0.1:{pg.port}/{pg.database}" and connector == "postgresql"
    assert reject[0] == 6 and '"Aanvulling gevraagd"' in reject[1]  # 6th row of the ORDER BY s.id result
    assert cases["ZAAK-2024-0001"] == "Omgevingsvergunning" and cases["ZAAK-2024-0004"] is None
    assert attrs == "2024-03-25 09:05:00"  # a naive timestamp attribute stays wall-clock text
    # the password is nowhere in the store file
    assert pg.reader_password.encode() not in db.read_bytes()


def test_table_with_naive_timestamps_in_tz(reader_env: PgServer, db: Path):
    """A naive `timestamp` column is wall-clock time in --tz; the spring-gap time is counted."""
    pg = reader_env
    result = do_import(db, pg.url(pg.reader), table="statussen",
                       roles={"case": "zaak_id", "activity": "status", "timestamp": "geregistreerd_op"},
                       tz="Europe/Amsterdam")
    assert result.time_parsing["timestamp"] == "naive timestamps in Europe/Amsterdam"
    assert result.quality["dst_nonexistent"] == 1 and result.quality["dst_ambiguous"] == 2  # 02:30, 02:45
    got = {(c, a): t for c, a, t, _, _ in stored_events(db, "zaken")}
    for zaak, status, _ts, naive, _b in STATUSSEN:
        if naive is None:
            continue
        local = datetime.fromisoformat(naive).replace(tzinfo=AMS)
        if naive == "2024-03-31 02:30:00":  # does not exist: read with the offset before the change
            local = datetime(2024, 3, 31, 2, 30, tzinfo=timezone(timedelta(hours=1)))
        assert got[(str(zaak), status)] == local.astimezone(UTC), (zaak, status)


def test_cli_view_password_env_and_default_name(reader_env: PgServer, db: Path, cli_run, monkeypatch):
    pg = reader_env
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("ZAAKSYSTEEM_WW", pg.reader_password)
    result = cli_run("import", pg.url(pg.reader), "--table", "statushistorie", "--password-env", "ZAAKSYSTEEM_WW")
    assert result.exit_code == 0, result.output
    assert pg.reader_password not in result.output
    assert stored_events(db, "statushistorie") == expected_events()
    # without the variable: a clear error
    monkeypatch.delenv("ZAAKSYSTEEM_WW")
    result = cli_run("import", pg.url(pg.reader), "--table", "statushistorie", "--password-env", "ZAAKSYSTEEM_WW",
                     "--name", "again")
    assert result.exit_code == 2 and "ZAAKSYSTEEM_WW" in result.output and "not set" in result.output


def test_password_in_the_address_is_used_never_stored_or_shown(reader_env: PgServer, db: Path, monkeypatch):
    pg = reader_env
    monkeypatch.delenv("PGPASSWORD")
    result = do_import(db, pg.url(pg.reader, pg.reader_password), table="statushistorie")
    assert result.source == f"postgresql://127.0.0.1:{pg.port}/{pg.database}"
    assert result.events == len(expected_events())
    assert pg.reader_password.encode() not in db.read_bytes()
    with pytest.raises(InputError) as err:
        do_import(db, pg.url(pg.reader, "Wr0ng-Secret!"), table="statushistorie", name="other")
    assert "Wr0ng-Secret!" not in str(err.value)


def test_query_runs_read_only(reader_env: PgServer, db: Path):
    pg = reader_env
    result = do_import(db, pg.url(pg.reader), query=(
        "SELECT 'Z1' AS zaaknummer, current_setting('transaction_read_only') AS status, "
        "timestamptz '2024-01-01 10:00+01' AS tijdstip"))
    assert stored_events(db, "zaken")[0][1] == "on"
    before = pg.run_sql("SELECT last_value, is_called FROM zaaknummers;")
    with pytest.raises(InputError, match="read-only transaction"):
        do_import(db, pg.url(pg.reader), name="write", query=(
            "SELECT 'Z1' AS zaaknummer, nextval('zaaknummers')::text AS status, now() AS tijdstip"))
    assert pg.run_sql("SELECT last_value, is_called FROM zaaknummers;") == before
    assert result.detected["query"].startswith("SELECT 'Z1'")


def test_bad_credentials_down_server_and_missing_table_leave_the_store_unchanged(reader_env: PgServer, db: Path,
                                                                               monkeypatch):
    pg = reader_env
    do_import(db, pg.url(pg.reader), table="statushistorie")
    before = store_snapshot(db)

    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    with pytest.raises(InputError) as err:
        do_import(db, pg.url(pg.reader), table="statushistorie", replace=True)
    message = str(err.value)
    assert "cannot connect to PostgreSQL" in message and "password authentication failed" in message
    assert "not-the-password" not in message
    assert store_snapshot(db) == before

    monkeypatch.setenv("PGPASSWORD", pg.reader_password)
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    with pytest.raises(InputError) as err:
        do_import(db, f"postgresql://{pg.reader}@127.0.0.1:{free}/{pg.database}", table="statushistorie",
                  replace=True)
    assert "cannot connect to PostgreSQL" in str(err.value) and "Connection refused" in str(err.value)
    assert store_snapshot(db) == before

    with pytest.raises(InputError) as err:
        do_import(db, pg.url(pg.reader), table="status_historie", replace=True)
    assert "does not exist" in str(err.value) and "public.statushistorie" in str(err.value)
    with pytest.raises(InputError, match="syntax error"):
        do_import(db, pg.url(pg.reader), query="SELEC zaaknummer FROM zaken", replace=True)
    with pytest.raises(InputError, match="--table NAME or --query"):
        do_import(db, pg.url(pg.reader), replace=True)
    with pytest.raises(InputError, match="not a table name"):
        do_import(db, pg.url(pg.reader), table="zaken; DROP TABLE zaken", replace=True)
    assert store_snapshot(db) == before
    # nothing of the failed imports stays attached to the store's connection
    with Store(db) as store:
        names = {r[0] for r in store.con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
        assert "pf_pgsrc" not in names


def test_offline_extension_is_loaded_from_the_package(reader_env: PgServer, db: Path, tmp_path: Path,
                                                     monkeypatch):
    """No download, no cached extension: an empty home folder, and the reader's own DuckDB refuses to
    install or autoload anything; the extension comes from the pinned PyPI package by path."""
    from procesflow.connectors.base import ConnectorOptions
    from procesflow.connectors.sql import postgres_extension_path, source_connection

    pg = reader_env
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    src = source_connection(ConnectorOptions(extra={"workdir": tmp_path}))
    try:
        settings = dict(src.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions', "
            "'autoload_known_extensions', 'extension_directory')").fetchall())
    finally:
        src.close()
    assert settings["autoinstall_known_extensions"] == "false" and settings["autoload_known_extensions"] == "false"
    assert settings["extension_directory"] == str(tmp_path / "duckdb-extensions")
    assert postgres_extension_path().name == "postgres_scanner.duckdb_extension"
    result = do_import(db, pg.url(pg.reader), name="offline", table="statushistorie")
    assert result.events == len(expected_events())
    assert list(home.iterdir()) == []  # nothing was installed into ~/.duckdb


# -- SQLite ------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "zaaksysteem.db"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE zaken (id INTEGER PRIMARY KEY, zaaknummer TEXT, zaaktype TEXT);
        CREATE TABLE statussen (id INTEGER PRIMARY KEY, zaak_id INTEGER, status TEXT, gezet TEXT, epoch INTEGER,
                                medewerker TEXT);
        INSERT INTO zaken VALUES (1, 'Z-1', 'Bezwaar'), (2, 'Z-2', NULL);
        INSERT INTO statussen VALUES
          (1, 1, 'Ontvangen', '2024-03-30T23:30:00+01:00', 1711837800, 'Jan'),
          (2, 1, 'Afgehandeld', '2024-04-02 10:00:00', 1712044800, NULL),
          (3, 2, 'Ontvangen', NULL, NULL, 'Piet'),
          (4, 2, 'Afgehandeld', '02-04-2024 11:00', 1712048400, 'Piet');
    """)
    con.commit()
    con.close()
    return path


def test_sqlite_query_and_table(sqlite_db: Path, db: Path, monkeypatch):
    monkeypatch.chdir(sqlite_db.parent)
    query = ("SELECT z.zaaknummer, s.status, s.gezet AS tijdstip, s.medewerker, z.zaaktype AS \"case:zaaktype\" "
             "FROM statussen s JOIN zaken z ON z.id = s.zaak_id ORDER BY s.id")
    result = do_import(db, "sqlite:///zaaksysteem.db", query=query, tz="Europe/Amsterdam")
    assert result.connector == "sqlite" and result.rows_read == 4 and result.rejected == 1
    ams = ZoneInfo("Europe/Amsterdam")
    assert stored_events(db, "zaken") == [
        ("Z-1", "Ontvangen", datetime(2024, 3, 30, 22, 30, tzinfo=UTC), "Jan", None),
        ("Z-1", "Afgehandeld", datetime(2024, 4, 2, 10, tzinfo=ams).astimezone(UTC), None, None),
        ("Z-2", "Afgehandeld", datetime(2024, 4, 2, 11, tzinfo=ams).astimezone(UTC), "Piet", None),
    ]
    # a table with Unix epoch seconds (integers staged as text); absolute path with four slashes
    result = do_import(db, f"sqlite:///{sqlite_db}", name="epochs", table="statussen",
                       roles={"case": "zaak_id", "activity": "status", "timestamp": "epoch"})
    assert result.events == 3 and stored_events(db, "epochs")[0][2] == datetime(2024, 3, 30, 22, 30, tzinfo=UTC)


def test_sqlite_is_opened_read_only_and_errors_are_clear(sqlite_db: Path, db: Path, monkeypatch):
    monkeypatch.chdir(sqlite_db.parent)
    with pytest.raises(InputError, match="readonly|read-only|attempt to write"):
        do_import(db, "sqlite:///zaaksysteem.db",
                  query="INSERT INTO zaken VALUES (3, 'Z-3', NULL) RETURNING zaaknummer, zaaktype, zaaktype")
    con = sqlite3.connect(sqlite_db)
    assert con.execute("SELECT count(*) FROM zaken").fetchone()[0] == 2
    con.close()
    with pytest.raises(InputError, match="no such table.*tables: statussen, zaken"):
        do_import(db, "sqlite:///zaaksysteem.db", table="statusen")
    with pytest.raises(InputError, match="not found"):
        do_import(db, "sqlite:///missing.db", table="zaken")
    (sqlite_db.parent / "notes.db").write_text("not a database")
    with pytest.raises(InputError, match="not a SQLite database"):
        do_import(db, "sqlite:///notes.db", table="zaken")
