"""The ZGW connector against the local ZGW server (tests/zgw_server), whose every response is validated
against the official Zaken API 1.5.1 / Catalogi API 1.3.1 OpenAPI specs (../shared/specs/zgw).

Expected events are computed here from the server's raw data with the documented rules, not with
the connector's code.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import jwt
import pytest

from procesflow.errors import InputError
from procesflow.importer import ImportRequest, import_log
from procesflow.roles import Mapping
from procesflow.store import Store

from .zgw_server import SPEC_DIR, Fault, ZgwTestServer

CLIENT = "procesflow-test"
SECRET = "een-lang-geheim-van-de-tests-0123456789"


@pytest.fixture(scope="session")
def specs() -> Path:
    if not (SPEC_DIR / "zaken-openapi.yaml").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SPEC_DIR} is missing: CI must provide the ZGW specs")
        pytest.skip(f"{SPEC_DIR} not present (CI requires it)")
    return SPEC_DIR


@pytest.fixture
def server(specs: Path):
    srv = ZgwTestServer(secrets={CLIENT: SECRET})
    with srv:
        yield srv
    assert srv.spec_errors == [], "the test server sent responses the ZGW specs do not allow"
    assert srv.responses_validated > 0


@pytest.fixture(autouse=True)
def secret_env(monkeypatch):
    monkeypatch.setenv("ZGW_SECRET", SECRET)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def zgw_import(db: Path, server_or_url: Any, name: str = "zgw", replace: bool = False, **source: Any):
    url = server_or_url if isinstance(server_or_url, str) else "zgw+" + server_or_url.zaken_url
    options = {"client_id": CLIENT, "_retry_base": 0.001, "_sleep": Sleeps(), **source}
    with Store(db) as store:
        return import_log(store, ImportRequest(source=url, name=name, replace=replace,
                                               mapping=Mapping(source=options)))


def stored(db: Path, log: str = "zgw", bron: str | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute(
            "SELECT case_id, activity, ts, resource, department FROM events WHERE log = ? "
            "AND (CAST(? AS VARCHAR) IS NULL OR attrs['bron'] = ?) ORDER BY case_id, ts, seq", [log, bron, bron]
        ).fetchall()
    finally:
        con.close()
    return [(c, a, t.astimezone(UTC), r, d) for c, a, t, r, d in rows]


def case_attrs(db: Path, log: str = "zgw") -> dict[str, dict[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {c: dict(a) for c, a in con.execute("SELECT case_id, attrs FROM cases WHERE log = ?", [log]).fetchall()}
    finally:
        con.close()


def snapshot(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {t} t").fetchone()
                     for t in ("events", "cases", "imports", "rejects"))
    finally:
        con.close()


# -- the expectation, from the raw API data ----------------------------------------------------


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def expected_status_events(server: ZgwTestServer, zaken: list[dict] | None = None) -> list[tuple]:
    d = server.data
    stypes = {s["url"]: s for s in d.statustypen}
    rollen = [r for r in d.rollen if r["omschrijvingGeneriek"] == "behandelaar"]
    out = []
    for zaak in zaken if zaken is not None else d.zaken:
        mine = [r for r in rollen if r["zaak"] == zaak["url"]]

        def handler(kind: str, ts: datetime, mine: list[dict] = mine) -> str | None:
            cands = sorted((r for r in mine if r["betrokkeneType"] == kind),
                           key=lambda r: instant(r["registratiedatum"]))
            if not cands:
                return None
            before = [r for r in cands if instant(r["registratiedatum"]) <= ts]
            ident = (before[-1] if before else cands[0])["betrokkeneIdentificatie"]
            return ident["identificatie"] if kind == "medewerker" else ident["naam"]

        events = []
        for s in (s for s in d.statussen if s["zaak"] == zaak["url"]):
            ts = instant(s["datumStatusGezet"])
            setter = next((r for r in mine if r["url"] == s["gezetdoor"]), None)
            resource = setter["betrokkeneIdentificatie"]["identificatie"] if setter else handler("medewerker", ts)
            events.append((stypes[s["statustype"]]["volgnummer"], (zaak["identificatie"], stypes[s["statustype"]]
                           ["omschrijving"], ts, resource, handler("organisatorische_eenheid", ts))))
        events.sort(key=lambda e: (e[1][2], e[0]))
        out.extend(e[1] for e in events)
    return sorted(out, key=lambda e: e[0])  # stable: keeps time/volgnummer order within a zaak


# -- import ------------------------------------------------------------------------------------


def test_import_equals_the_api_data(server: ZgwTestServer, db: Path):
    result = zgw_import(db, server, include=["documents", "audittrail", "besluiten"])
    d = server.data
    assert result.connector == "zgw" and result.rejected == 0
    assert {r[0]: r[1] for r in result.roles} == {"case": "zaaknummer", "activity": "activiteit",
                                                  "timestamp": "tijdstip", "resource": "behandelaar",
                                                  "department": "afdeling"}
    # statussen: activity = statustype omschrijving, instants, ties by volgnummer, handlers by time
    status_events = stored(db, bron="status")
    assert status_events == expected_status_events(server)
    assert len(status_events) == len(d.statussen)
    ties = [e for e in status_events if e[1] == "Intake afgerond" and any(
        f[0] == e[0] and f[2] == e[2] and f[1] == "Ontvangen" for f in status_events)]
    assert ties, "the data has statussen at the same instant (ordered by volgnummer)"
    # documents and suspension events from the audit trail
    documents = stored(db, bron="document")
    assert sorted((c, t) for c, _, t, _, _ in documents) == sorted(
        (next(z["identificatie"] for z in d.zaken if z["url"] == zio["zaak"]), instant(zio["registratiedatum"]))
        for zio in d.zaakinformatieobjecten)
    audit = stored(db, bron="audittrail")
    suspended = {c for c, a, *_ in audit if a == "Opschorting gestart"}
    resumed = {c for c, a, *_ in audit if a == "Opschorting beëindigd"}
    expected_suspended = {z["identificatie"] for z in d.zaken if z.get("opschorting")}
    assert suspended == resumed == expected_suspended and expected_suspended
    assert not any(a.startswith("status:") for _, a, *_ in audit)  # status creations are the status events
    # case attributes: zaaktype, statutory term (+ verlenging), resultaat, besluiten; initiators never stored
    attrs = case_attrs(db)
    types = {z["url"]: z for z in d.zaaktypen}
    for zaak in d.zaken:
        a = attrs[zaak["identificatie"]]
        zt = types[zaak["zaaktype"]]
        assert a["zaaktype"] == zt["omschrijving"] and a["doorlooptijd_zaaktype"] == zt["doorlooptijd"]
        if zaak.get("verlenging"):
            assert (zt["doorlooptijd"], zaak["verlenging"]["duur"], a["doorlooptijd"]) == ("P8W", "P6W", "P98D")
        else:
            assert a["doorlooptijd"] == zt["doorlooptijd"]
        assert a["startdatum"] == zaak["startdatum"]
        assert a.get("resultaat") is not None if zaak["resultaat"] else "resultaat" not in a
        assert json.loads(a.get("besluiten", "[]")) == [b["besluit"].rsplit("/", 1)[1]
                                                        for b in d.besluiten.get(zaak["uuid"], [])]
    raw = db.read_bytes()
    for bsn in d.bsns:
        assert bsn.encode() not in raw, "a BSN reached the store"
    for surname in set(d.names_of_persons):
        assert surname.encode() not in raw, "an initiator's name reached the store"
    assert b"mdw-adviseur" not in raw  # only behandelaars
    # the protocol: pages followed, one token (long lifetime), every response checked against the specs
    assert any("page=2" in p for p, _ in server.log if p.startswith("/zaken/api/v1/statussen"))
    assert result.detected["strategy"] == {"statussen": "global list", "rollen": "global list",
                                           "resultaten": "global list"}
    assert result.detected["tokens_signed"] == 1 and all(status == 200 for _, status in server.log)
    assert any("roles other than behandelaar" in n or "role(s) other than behandelaar" in n for n in result.notes)


def test_filters_use_the_cheaper_per_zaak_reads(server: ZgwTestServer, db: Path):
    d = server.data
    wanted = [z for z in d.zaken if z["zaaktype"] == d.zaaktypen[1]["url"] and "2024-02-01" <= z["startdatum"]
              <= "2024-06-30"]
    assert 0 < len(wanted) < 8
    result = zgw_import(db, server, zaaktypen=["Bezwaar"], zaak_start_from="2024-02-01", zaak_start_to="2024-06-30")
    assert result.detected["strategy"]["statussen"] == "per zaak"
    assert stored(db) == expected_status_events(server, wanted)
    zaaktype_url = d.zaaktypen[1]["url"]
    result = zgw_import(db, server, name="by-url", zaaktypen=[zaaktype_url])
    assert {c for c, *_ in stored(db, "by-url")} == {z["identificatie"] for z in d.zaken
                                                      if z["zaaktype"] == zaaktype_url}


def test_cli_import_keeps_secret_and_client_out_of_store_and_output(server: ZgwTestServer, db: Path, cli_run,
                                                                   monkeypatch):
    monkeypatch.delenv("ZGW_SECRET")
    monkeypatch.setenv("MIJN_ZGW_GEHEIM", SECRET)
    result = cli_run("import", "zgw+" + server.zaken_url, "--client-id", CLIENT, "--secret-env", "MIJN_ZGW_GEHEIM",
                     "--name", "zaken", "--include", "documents")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    raw = db.read_bytes()
    assert SECRET.encode() not in raw and CLIENT.encode() not in raw
    assert stored(db, "zaken", bron="status") == expected_status_events(server)
    monkeypatch.delenv("MIJN_ZGW_GEHEIM")
    result = cli_run("import", "zgw+" + server.zaken_url, "--client-id", CLIENT, "--secret-env", "MIJN_ZGW_GEHEIM",
                     "--name", "again")
    assert result.exit_code == 2 and "MIJN_ZGW_GEHEIM" in result.output and "not set" in result.output


# -- protocol: retries, tokens -----------------------------------------------------------------


def test_429_and_500_are_retried_with_backoff(server: ZgwTestServer, db: Path):
    server.faults += [Fault("/zaken/api/v1/statussen", "429", times=2, query="page=2"),
                      Fault("/catalogi/api/v1/zaaktypen/", "500", times=1)]
    sleeps = Sleeps()
    result = zgw_import(db, server, _sleep=sleeps, _retry_base=0.01)
    assert stored(db) == expected_status_events(server)
    assert result.detected["retries"] == 3
    assert sleeps == [0.01, 0.01, 0.02]  # the 500 on a zaaktype, then 429 twice on one page: doubled
    page2 = [s for p, s in server.log if p.startswith("/zaken/api/v1/statussen") and "page=2" in p]
    assert page2 == [429, 429, 200]


def test_tokens_are_signed_again_before_the_server_finds_them_too_old(specs: Path, db: Path):
    now = [1_700_000_000.0]

    def server_clock() -> float:  # every request the server checks moves time on by 50 s
        now[0] += 50
        return now[0]

    srv = ZgwTestServer(secrets={CLIENT: SECRET}, token_max_age=300, clock=server_clock)
    with srv:
        result = zgw_import(db, srv, _clock=lambda: now[0], _token_lifetime=240)
        assert all(status == 200 for _, status in srv.log), "no token was refused"
        assert result.detected["tokens_signed"] > 5 and len(srv.tokens) == result.detected["tokens_signed"]
        # a client that never re-signs on its own: the 401 makes it sign a new token and go on
        result = zgw_import(db, srv, name="late", _clock=lambda: now[0], _token_lifetime=10**9)
        refused = [s for _, s in srv.log if s == 401]
        assert refused and result.events == len(srv.data.statussen)
        assert result.detected["tokens_signed"] == 1 + len(refused)
    assert srv.spec_errors == []


def test_jwt_is_hs256_with_the_zgw_claims():
    from procesflow.connectors.zgw import sign_jwt

    token = sign_jwt(CLIENT, SECRET, "procesflow", "procesflow (read-only analysis)", 1_700_000_000.5)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    assert claims == {"iss": CLIENT, "iat": 1_700_000_000, "client_id": CLIENT, "user_id": "procesflow",
                      "user_representation": "procesflow (read-only analysis)"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another secret of sufficient length 0000", algorithms=["HS256"])


# -- failures: clear error, store unchanged ----------------------------------------------------


@pytest.fixture
def store_with_log(server: ZgwTestServer, db: Path) -> tuple:
    zgw_import(db, server)
    return snapshot(db)


def test_bad_credentials(server: ZgwTestServer, db: Path, store_with_log: tuple, monkeypatch):
    monkeypatch.setenv("ZGW_SECRET", "not-the-secret-but-long-enough-000000")
    with pytest.raises(InputError) as err:
        zgw_import(db, server, replace=True)
    message = str(err.value)
    assert "HTTP 401" in message and "refused the credentials" in message and "$ZGW_SECRET" in message
    assert "/zaken/api/v1/zaken" in message and "not-the-secret" not in message
    assert snapshot(db) == store_with_log
    with pytest.raises(InputError, match="refused the credentials"):
        zgw_import(db, server, replace=True, client_id="someone-else")
    assert snapshot(db) == store_with_log


def test_server_down(server: ZgwTestServer, db: Path, store_with_log: tuple):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(InputError) as err:
        zgw_import(db, f"zgw+http://127.0.0.1:{port}/zaken/api/v1", replace=True, _sleep=sleeps, _retries=3)
    assert f"cannot reach http://127.0.0.1:{port}/zaken/api/v1/zaken" in str(err.value)
    assert "after 4 attempts" in str(err.value) and sleeps == [0.001, 0.002, 0.004]
    assert snapshot(db) == store_with_log


def test_persistent_500(server: ZgwTestServer, db: Path, store_with_log: tuple):
    server.faults.append(Fault("/zaken/api/v1/statussen", "500", times=100))
    with pytest.raises(InputError, match=r"statussen.*HTTP 500 .*after 3 attempts"):
        zgw_import(db, server, replace=True, _retries=2)
    assert snapshot(db) == store_with_log


def test_malformed_page(server: ZgwTestServer, db: Path, store_with_log: tuple):
    server.faults.append(Fault("/zaken/api/v1/statussen", "malformed", query="page=3"))
    with pytest.raises(InputError) as err:
        zgw_import(db, server, replace=True)
    assert "/zaken/api/v1/statussen" in str(err.value) and "page=3" in str(err.value)
    assert "not valid JSON" in str(err.value)
    assert snapshot(db) == store_with_log


def test_spec_violating_response(server: ZgwTestServer, db: Path, store_with_log: tuple):
    server.faults.append(Fault("/zaken/api/v1/statussen", "violate", query="page=2"))
    with pytest.raises(InputError) as err:
        zgw_import(db, server, replace=True)
    assert "statussen?pageSize=500&page=2" in str(err.value) or "page=2" in str(err.value)
    assert "results[0].datumStatusGezet is missing" in str(err.value)
    assert snapshot(db) == store_with_log
    # and the server's validator confirmed that this response broke the spec (spec_errors stays empty)


def test_partial_failure_keeps_what_was_read(server: ZgwTestServer, db: Path):
    broken = server.data.zaken[4]
    server.faults.append(Fault(f"/zaken/api/v1/zaken/{broken['uuid']}/audittrail", "500", times=100))
    result = zgw_import(db, server, include=["audittrail", "documents"], _retries=1)
    assert stored(db, bron="status") == expected_status_events(server)
    note = next(n for n in result.notes if n.startswith("partial: audittrail"))
    assert "for 1 zaak" in note and broken["uuid"] in note
    attrs = case_attrs(db)
    assert attrs[broken["identificatie"]]["zgw_onvolledig"] == "audittrail"
    assert sum("zgw_onvolledig" in a for a in attrs.values()) == 1
    assert result.detected["partial_failures"] == {"audittrail": 1}


def test_address_and_credentials_are_checked(db: Path, monkeypatch):
    with pytest.raises(InputError, match="clear text"):
        zgw_import(db, "zgw+http://zaken.example.nl/zaken/api/v1")
    with pytest.raises(InputError, match="no credentials in a ZGW address"):
        zgw_import(db, "zgw+https://user:pw@zaken.example.nl/zaken/api/v1")
    with pytest.raises(InputError, match="/zaken/api/v1"):
        zgw_import(db, "zgw+https://zaken.example.nl/api")
    monkeypatch.delenv("ZGW_SECRET")
    with pytest.raises(InputError, match="ZGW_SECRET, which is not set"):
        zgw_import(db, "zgw+https://zaken.example.nl/zaken/api/v1")
    assert not db.exists() or snapshot(db)[2][0] == 0


# -- the statutory term per case ---------------------------------------------------------------


def test_zaaktype_doorlooptijd_is_the_term_of_each_case(server: ZgwTestServer, db: Path, cli_run, tmp_path: Path):
    from procesflow.metrics.deadline import compute_deadline, deadline_cases
    from procesflow.options import AnalysisOptions
    from procesflow.session import open_log

    zgw_import(db, server, include=["audittrail"])
    d = server.data
    types = {z["url"]: z for z in d.zaaktypen}
    options = AnalysisOptions(deadline="case:doorlooptijd", deadline_end="Afgehandeld",
                              suspend_start="Opschorting gestart", suspend_end="Opschorting beëindigd")
    log = open_log(db, "zgw")
    try:
        per_case = deadline_cases(log, options).set_index("case_id")
        section = compute_deadline(log, options)
    finally:
        log.store.close()
    events = stored(db)
    for zaak in d.zaken:
        row = per_case.loc[zaak["identificatie"]]
        weeks = {"P8W": 8, "P12W": 12}[types[zaak["zaaktype"]]["doorlooptijd"]] + (6 if zaak.get("verlenging") else 0)
        assert row["term_s"] == weeks * 7 * 86400
        mine = [e for e in events if e[0] == zaak["identificatie"]]
        start = mine[0][2]
        end = next((e[2] for e in mine if e[1] == "Afgehandeld"), None)
        assert row["state"] == ("decided" if end else "open")
        if end:
            pauses = [e[2] for e in mine if e[1] in ("Opschorting gestart", "Opschorting beëindigd")]
            suspended = (pauses[1] - pauses[0]).total_seconds() if pauses else 0.0
            assert row["suspended_s"] == pytest.approx(suspended)
            net = (end - start).total_seconds() - suspended
            assert row["net_s"] == pytest.approx(net)
            assert row["status"] == ("within" if net <= row["term_s"] else "late")
    assert section["term"] == "case:doorlooptijd" and section["term_per_case"]["cases_without_term"] == 0
    assert section["term_s"] == per_case["term_s"].median()
    assert section["suspension"]["cases_suspended"] == sum(1 for z in d.zaken if z.get("opschorting")) > 0
    result = cli_run("metrics", "zgw", "--deadline", "case:doorlooptijd", "--deadline-end", "Afgehandeld",
                     "--out", tmp_path / "m")
    assert result.exit_code == 0, result.output
    result = cli_run("metrics", "zgw", "--deadline", "case:termijn", "--out", tmp_path / "m")
    assert result.exit_code == 2 and "doorlooptijd" in result.output  # names the attributes there are
