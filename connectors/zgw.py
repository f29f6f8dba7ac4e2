"""ZGW APIs (Zaakgericht Werken: Zaken API 1.5, Catalogi API 1.3, as Open Zaak serves them).

`procesflow import zgw+https://zaken.gemeente.nl/zaken/api/v1 --client-id procesflow --secret-env ZGW_SECRET`

What is read, and what it becomes (one staged row per event; the shared pipeline does the rest):

* **zaken** (`/zaken`, optionally `--zaaktype URL|omschrijving`, `--zaak-start-from/--zaak-start-to`
  on `startdatum`): the cases. Case id `zaaknummer` = `identificatie` (else the uuid).
* **statussen** with their **statustypen** (Catalogi): one event per status — activity = statustype
  `omschrijving`, time = `datumStatusGezet` (an instant with its offset); statussen of one zaak at
  the same instant are ordered by statustype `volgnummer` (the store breaks timestamp ties by
  source order).
* **rollen**: only `behandelaar` roles (`omschrijvingGeneriek`) of `betrokkeneType` medewerker
  (→ resource: `identificatie`, else the name) and organisatorische_eenheid (→ department: `naam`,
  else `identificatie`). A status set by a medewerker role (`gezetdoor`) gets that medewerker; other
  events get the behandelaar registered last before them (the first behandelaar for earlier events).
  **Initiator and every other role, natural persons and BSNs are never stored** — they are dropped
  as the page is read.
* **resultaat** (+ resultaattype `omschrijving`) → case attribute `resultaat`.
* **zaaktype** (Catalogi) → case attributes `zaaktype`, `zaaktype_identificatie` and the statutory
  term: `doorlooptijd` = zaaktype `doorlooptijd` plus the zaak's `verlenging.duur` when extended
  (ISO 8601 durations, added component-wise), `doorlooptijd_zaaktype`, `verlenging_duur`;
  `opgeschort` / `eerder_opgeschort` from `opschorting`; `startdatum`, `registratiedatum`,
  `einddatum`, `uiterlijke_einddatum_afdoening` as dates.
* `--include documents`: `zaakinformatieobjecten` → events "Document toegevoegd" (time =
  `registratiedatum`, attributes `document_id`, `status_id`); `--include audittrail`: the zaak's
  audit trail → events "<resource>: <actie>" by `gebruikersId` (else `gebruikersWeergave`), and
  "Opschorting gestart" / "Opschorting beëindigd" / "Verlenging" where a change to the zaak switched
  `opschorting.indicatie` or set `verlenging` (only those keys of the change are read); status
  creations are skipped (they are the status events); `--include besluiten`: `besluiten` (ids) as a
  case attribute.

Event attributes: `bron` (status/document/audittrail), `status_id`, `statustype_volgnummer`,
`eindstatus`, `document_id`, `zaak_uuid` — enough for `procesflow.ocel_export` to rebuild the
zaak/status/besluit/document objects.

Protocol: every request carries a JWT (HS256, claims `iss`, `iat`, `client_id`, `user_id`,
`user_representation`) signed here with the client secret from the environment (`--secret-env VAR`,
default `ZGW_SECRET`; `--client-id` or `ZGW_CLIENT_ID`) and signed again before it is
`token_lifetime` old (servers refuse tokens older than their leeway; Open Zaak: 1 h) — and once more
after a 401. Lists are followed through `next`. 429 and 5xx answers and network errors are retried
with exponential backoff (Retry-After honoured). Sub-resources are read from the global list
(`/statussen`, `/rollen`, `/resultaten`, filtered here) or per zaak (`?zaak=`), whichever takes
fewer requests. `zgw+http://` is allowed for loopback addresses only: a token never crosses a
network in clear text.

Every field the connector relies on is checked (type and format) as it is read; a response that
is not JSON, or lacks a field, fails with the URL and the field — never with the value (it may be
personal data). Failures of the zaken, statussen, statustypen or zaaktypen reads stop the import
(nothing is stored). Failures reading rollen, resultaten or an `--include` part are *partial*: the
import goes on with what was read, the notes say what is missing for how many zaken, and those
zaken get the case attribute `zgw_onvolledig`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import duckdb

from procesflow.errors import InputError

from .base import ConnectorOptions, Staged, StagingWriter

PAGE_SIZE = 500  # the Zaken API's maximum page size; servers may send fewer
USER_AGENT = "procesflow-zgw/1 (read-only process analysis)"
ROLE_HINTS = {
    "case": "zaaknummer",
    "activity": "activiteit",
    "timestamp": "tijdstip",
    "resource": "behandelaar",
    "department": "afdeling",
}
INCLUDES = ("documents", "audittrail", "besluiten")
_DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
_LOCAL = ZoneInfo("Europe/Amsterdam")


class ZgwError(Exception):
    """A read failed; the message names the URL (and field), never a value."""


class ZgwAuthError(ZgwError):
    """The API refused the credentials."""


# -- configuration -----------------------------------------------------------------------------


@dataclass
class ZgwConfig:
    base: str  # https://host/zaken/api/v1 (no trailing slash)
    label: str
    client_id: str
    secret: str
    secret_env: str
    user_id: str = "procesflow"
    user_representation: str = "procesflow (read-only analysis)"
    zaaktypen: list[str] = field(default_factory=list)
    start_from: str | None = None
    start_to: str | None = None
    include: set[str] = field(default_factory=set)
    page_size: int = PAGE_SIZE
    timeout: float = 30.0
    retries: int = 5  # attempts after the first, for 429/5xx and network errors
    retry_base: float = 1.0  # seconds; doubled per attempt
    retry_max: float = 60.0
    token_lifetime: float = 300.0  # re-sign tokens older than this (seconds)
    workers: int = 4  # parallel per-zaak requests
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def from_options(cls, url: str, options: ConnectorOptions) -> ZgwConfig:
        from procesflow.importer import redact_url  # noqa: PLC0415

        label = redact_url(url)
        extra = options.extra
        scheme, _, rest = url.partition("://")
        inner = scheme.lower().removeprefix("zgw+")
        if inner not in ("https", "http"):
            raise InputError(f"{label}: a ZGW address starts with zgw+https:// (e.g. zgw+https://host/zaken/api/v1)")
        parts = urlsplit(f"{inner}://{rest}")
        if parts.username or parts.password:
            raise InputError(
                f"{label}: no credentials in a ZGW address; give --client-id and the secret in an "
                "environment variable (--secret-env VAR)"
            )
        if not parts.hostname:
            raise InputError(f"{label}: no host in the ZGW address")
        if inner == "http" and not is_loopback(parts.hostname):
            raise InputError(
                f"{label}: zgw+http:// sends the token in clear text; it is allowed for loopback addresses "
                "only — use zgw+https://"
            )
        base = urlunsplit((inner, parts.netloc, parts.path.rstrip("/"), "", ""))
        if not base.endswith("/zaken/api/v1"):
            raise InputError(f"{label}: give the root of the Zaken API, ending in /zaken/api/v1")
        client_id = extra.get("client_id") or os.environ.get("ZGW_CLIENT_ID")
        if not client_id:
            raise InputError(f"{label}: give the client id with --client-id (or ZGW_CLIENT_ID)")
        secret_env = extra.get("secret_env") or "ZGW_SECRET"
        secret = os.environ.get(secret_env)
        if not secret:
            raise InputError(
                f"{label}: the client secret is read from the environment variable {secret_env}, which is not "
                "set (name another one with --secret-env VAR)"
            )
        include = set(extra.get("include") or ())
        unknown = include - set(INCLUDES)
        if unknown:
            raise InputError(f"{label}: unknown include {sorted(unknown)[0]!r}; choose from {', '.join(INCLUDES)}")
        zaaktypen = extra.get("zaaktypen") or []
        if isinstance(zaaktypen, str):
            zaaktypen = [zaaktypen]
        for key in ("zaak_start_from", "zaak_start_to"):
            value = extra.get(key)
            if value is not None:
                try:
                    date.fromisoformat(str(value))
                except ValueError:
                    raise InputError(
                        f"{label}: {key.replace('_', '-')} {value!r}: write a date as 2024-01-31") from None
        config = cls(
            base=base, label=label, client_id=str(client_id), secret=secret, secret_env=secret_env,
            zaaktypen=[str(z) for z in zaaktypen],
            start_from=str(extra["zaak_start_from"]) if extra.get("zaak_start_from") else None,
            start_to=str(extra["zaak_start_to"]) if extra.get("zaak_start_to") else None,
            include=include,
        )
        if extra.get("user_id"):
            config.user_id = str(extra["user_id"])
        # tuning for tests and the Python API (not in mapping files): _retries, _retry_base, _clock, ...
        for key in ("retries", "retry_base", "retry_max", "token_lifetime", "workers", "timeout", "page_size",
                    "clock", "sleep"):
            if f"_{key}" in extra:
                setattr(config, key, extra[f"_{key}"])
        return config

    @property
    def filtered(self) -> bool:
        return bool(self.zaaktypen or self.start_from or self.start_to)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# -- JWT ---------------------------------------------------------------------------------------


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def sign_jwt(client_id: str, secret: str, user_id: str, user_representation: str, issued_at: float) -> str:
    """An HS256 JWT as the ZGW APIs expect it (RFC 7519; claims of the ZGW authorisation standard)."""
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "iss": client_id,
        "iat": int(issued_at),
        "client_id": client_id,
        "user_id": user_id,
        "user_representation": user_representation,
    }
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + b"."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(signature)).decode()


# -- HTTP --------------------------------------------------------------------------------------


class ZgwClient:
    """GET with a fresh token, retries with backoff, JSON parsing and paging."""

    def __init__(self, config: ZgwConfig) -> None:
        import httpx  # noqa: PLC0415

        self.httpx = httpx
        self.config = config
        self.http = httpx.Client(
            timeout=config.timeout,
            follow_redirects=False,
            headers={"Accept": "application/json", "Accept-Crs": "EPSG:4326", "User-Agent": USER_AGENT},
        )
        self._lock = threading.Lock()
        self._token: str | None = None
        self._signed_at = 0.0
        self.requests = 0
        self.retried = 0
        self.tokens_signed = 0

    def close(self) -> None:
        self.http.close()

    def token(self, renew: bool = False) -> str:
        with self._lock:
            now = self.config.clock()
            if renew or self._token is None or now - self._signed_at >= self.config.token_lifetime:
                c = self.config
                self._token = sign_jwt(c.client_id, c.secret, c.user_id, c.user_representation, now)
                self._signed_at = now
                self.tokens_signed += 1
            return self._token

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        c = self.config
        attempt = 0
        renewed = False
        shown = url + (("?" + "&".join(f"{k}={v}" for k, v in params.items())) if params else "")
        while True:
            token = self.token()
            try:
                with self._lock:
                    self.requests += 1
                resp = self.http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
            except self.httpx.HTTPError as exc:
                if attempt >= c.retries:
                    raise ZgwError(f"cannot reach {shown} ({_transport_reason(exc)}) after {attempt + 1} attempts") \
                        from None
                self._backoff(attempt, None)
                attempt += 1
                continue
            status = resp.status_code
            if status == 401 and not renewed:
                renewed = True  # a token the server thinks too old: sign a new one, once
                self.token(renew=True)
                continue
            if status in (401, 403):
                raise ZgwAuthError(
                    f"{shown}: HTTP {status}, the API refused the credentials ({_problem(resp)}); check --client-id "
                    f"{c.client_id!r} and the secret in ${c.secret_env}"
                )
            if status == 429 or status >= 500:
                if attempt >= c.retries:
                    raise ZgwError(f"{shown}: HTTP {status} ({_problem(resp)}) after {attempt + 1} attempts")
                self._backoff(attempt, resp.headers.get("Retry-After"))
                attempt += 1
                continue
            if status != 200:
                raise ZgwError(f"{shown}: HTTP {status} ({_problem(resp)})")
            try:
                return json.loads(resp.content)
            except ValueError as exc:
                raise ZgwError(f"{shown}: the response is not valid JSON ({exc})") from None

    def _backoff(self, attempt: int, retry_after: str | None) -> None:
        c = self.config
        delay = c.retry_base * (2 ** attempt)
        if retry_after and re.fullmatch(r"\d+(\.\d+)?", retry_after.strip()):
            delay = max(delay, float(retry_after))  # seconds; an HTTP date is ignored
        with self._lock:
            self.retried += 1
        c.sleep(min(delay, c.retry_max))

    def pages(self, url: str, params: dict[str, Any] | None, schema: str) -> Iterator[tuple[str, list[Any]]]:
        """(page url, results) of a paginated list, following `next` until it is null."""
        seen: set[str] = set()
        next_url: str | None = url
        while next_url is not None:
            page = self.get_json(next_url, params)
            shown = next_url if params is None else f"{url} (first page)"
            check_page(page, shown, schema)
            yield shown, page["results"]
            nxt = page.get("next")
            if nxt in seen or nxt == next_url:
                raise ZgwError(f"{shown}: `next` points back to a page already read ({nxt})")
            if nxt is not None:
                seen.add(nxt)
            next_url, params = nxt, None


def _transport_reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _problem(resp: Any) -> str:
    """The `title`/`detail` of a problem+json answer, briefly; else the reason phrase."""
    try:
        body = resp.json()
    except ValueError:
        return resp.reason_phrase or "no details"
    if isinstance(body, dict):
        parts = [str(body[k]) for k in ("title", "detail") if isinstance(body.get(k), str) and body.get(k)]
        if parts:
            return ": ".join(parts)[:300]
    return resp.reason_phrase or "no details"


# -- shape checks ------------------------------------------------------------------------------


def check_page(page: Any, url: str, schema: str) -> None:
    if not isinstance(page, dict):
        raise ZgwError(f"{url}: expected a paginated {schema} (an object with count, next and results), got "
                       f"{_kind(page)}")
    if not isinstance(page.get("results"), list):
        raise ZgwError(f"{url}: {schema}.results is {_kind(page.get('results'))}, expected a list")
    if not isinstance(page.get("count"), int) or isinstance(page.get("count"), bool):
        raise ZgwError(f"{url}: {schema}.count is {_kind(page.get('count'))}, expected an integer")
    nxt = page.get("next")
    if nxt is not None and not (isinstance(nxt, str) and nxt.startswith(("http://", "https://"))):
        raise ZgwError(f"{url}: {schema}.next is {_kind(nxt)}, expected a URL or null")


def _kind(value: Any) -> str:
    if value is None:
        return "missing or null"
    return {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


class Shape:
    """Reads the fields of one resource, checking each; errors name URL, schema and field."""

    def __init__(self, obj: Any, url: str, where: str) -> None:
        if not isinstance(obj, dict):
            raise ZgwError(f"{url}: {where} is {_kind(obj)}, expected an object")
        self.obj, self.url, self.where = obj, url, where

    def _fail(self, name: str, expected: str) -> ZgwError:
        return ZgwError(f"{self.url}: {self.where}.{name} is {_kind(self.obj.get(name))}, expected {expected}")

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.obj.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and value == ""):
            raise self._fail(name, "text")
        return value

    def url_(self, name: str, required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is not None and value != "" and not value.startswith(("http://", "https://")):
            raise ZgwError(f"{self.url}: {self.where}.{name} is not a URL")
        return value or None

    def integer(self, name: str) -> int:
        value = self.obj.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._fail(name, "an integer")
        return value

    def boolean(self, name: str, required: bool = False) -> bool | None:
        value = self.obj.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, bool):
            raise self._fail(name, "true or false")
        return value

    def moment(self, name: str, required: bool = True) -> str | None:
        value = self.text(name, required)
        if value is None:
            return None
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ZgwError(f"{self.url}: {self.where}.{name} is not an ISO 8601 date-time") from None
        return value

    def day(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, required)
        if value is None or value == "":
            return None
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ZgwError(f"{self.url}: {self.where}.{name} is not an ISO 8601 date") from None
        return value

    def duration(self, name: str, required: bool = False) -> str | None:
        value = self.text(name, required)
        if value is None or value == "":
            return None
        if not _DURATION.match(value):
            raise ZgwError(f"{self.url}: {self.where}.{name} is not an ISO 8601 duration")
        return value

    def child(self, name: str) -> Shape | None:
        value = self.obj.get(name)
        if value is None:
            return None
        return Shape(value, self.url, f"{self.where}.{name}")

    def urls(self, name: str) -> list[str]:
        value = self.obj.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(name, "a list of URLs")
        return value


def add_durations(a: str, b: str | None) -> str:
    """ISO 8601 durations added component-wise: P8W + P2W = P70D, P1M + P14D = P1M14D."""
    if not b:
        return a
    parts = [_duration_parts(a), _duration_parts(b)]
    y, mo, d, h, mi = (sum(p[i] for p in parts) for i in range(5))
    s = parts[0][5] + parts[1][5]
    out = "P" + (f"{y}Y" if y else "") + (f"{mo}M" if mo else "") + (f"{d}D" if d else "")
    clock = (f"{h}H" if h else "") + (f"{mi}M" if mi else "") + (f"{s:g}S" if s else "")
    return out + ("T" + clock if clock else "") if (out != "P" or clock) else "P0D"


def _duration_parts(text: str) -> tuple[int, int, int, int, int, float]:
    m = _DURATION.match(text)
    if not m:
        raise ValueError(text)
    y, mo, w, d, h, mi, s = m.groups()
    return (int(y or 0), int(mo or 0), int(w or 0) * 7 + int(d or 0), int(h or 0), int(mi or 0), float(s or 0))


def last_segment(url: str | None) -> str | None:
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


# -- reading -----------------------------------------------------------------------------------


@dataclass
class Zaak:
    url: str
    uuid: str
    nummer: str
    zaaktype: str
    attrs: dict[str, str | None]
    opschorting: bool | None
    verlenging: str | None


@dataclass
class Handler:
    """A behandelaar role: who (medewerker) or which unit (organisatorische eenheid), since when."""

    url: str
    kind: str  # medewerker / organisatorische_eenheid
    name: str
    since: str | None


@dataclass
class ZgwData:
    zaken: list[Zaak] = field(default_factory=list)
    zaaktypen: dict[str, dict[str, Any]] = field(default_factory=dict)
    statussen: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # zaak url -> statussen
    statustypen: dict[str, dict[str, Any]] = field(default_factory=dict)
    handlers: dict[str, list[Handler]] = field(default_factory=dict)  # zaak url -> behandelaars
    resultaat: dict[str, str] = field(default_factory=dict)  # zaak url -> resultaattype omschrijving
    documents: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    audit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    besluiten: dict[str, list[str]] = field(default_factory=dict)
    incomplete: dict[str, set[str]] = field(default_factory=dict)  # zaak url -> parts missing
    failures: dict[str, list[str]] = field(default_factory=dict)  # part -> first messages
    strategy: dict[str, str] = field(default_factory=dict)
    dropped_roles: int = 0


class ZgwReader:
    def __init__(self, client: ZgwClient, config: ZgwConfig) -> None:
        self.client = client
        self.config = config
        self.data = ZgwData()

    # essential ------------------------------------------------------------------------------
    def read(self) -> ZgwData:
        self.read_zaken()
        wanted = {z.url for z in self.data.zaken}
        for zaaktype in sorted({z.zaaktype for z in self.data.zaken}):
            self.read_zaaktype(zaaktype)
        self.read_related("statussen", "PaginatedStatusList", wanted, self._take_status, essential=True)
        for url in sorted({s["statustype"] for ss in self.data.statussen.values() for s in ss}):
            self.read_statustype(url)
        self.read_related("rollen", "PaginatedRolList", wanted, self._take_rol, essential=False)
        resultaattypen: dict[str, str] = {}
        self.read_related("resultaten", "PaginatedResultaatList", wanted,
                          lambda r, u: self._take_resultaat(r, u, resultaattypen), essential=False)
        if "documents" in self.config.include:
            self.per_zaak("documents", self._read_documents)
        if "audittrail" in self.config.include:
            self.per_zaak("audittrail", self._read_audit)
        if "besluiten" in self.config.include:
            self.per_zaak("besluiten", self._read_besluiten)
        return self.data

    def read_zaken(self) -> None:
        c = self.config
        base_params: dict[str, Any] = {"pageSize": c.page_size}
        if c.start_from:
            base_params["startdatum__gte"] = c.start_from
        if c.start_to:
            base_params["startdatum__lte"] = c.start_to
        selections = [None] if not c.zaaktypen else c.zaaktypen
        seen: set[str] = set()
        for zaaktype in selections:
            params = dict(base_params)
            if zaaktype is not None:
                key = "zaaktype" if zaaktype.startswith(("http://", "https://")) else "zaaktype__omschrijving"
                params[key] = zaaktype
            for page_url, results in self.client.pages(f"{c.base}/zaken", params, "PaginatedZaakList"):
                for i, item in enumerate(results):
                    zaak = self._take_zaak(Shape(item, page_url, f"results[{i}]"))
                    if zaak.url not in seen:
                        seen.add(zaak.url)
                        self.data.zaken.append(zaak)

    def _take_zaak(self, z: Shape) -> Zaak:
        url = z.url_("url")
        uuid = z.text("uuid", required=False) or last_segment(url)
        nummer = z.text("identificatie", required=False) or uuid
        attrs: dict[str, str | None] = {
            "zaak_uuid": uuid,
            "startdatum": z.day("startdatum", required=True),
            "registratiedatum": z.day("registratiedatum"),
            "einddatum": z.day("einddatum"),
            "uiterlijke_einddatum_afdoening": z.day("uiterlijkeEinddatumAfdoening"),
        }
        opschorting = None
        o = z.child("opschorting")
        if o is not None:
            opschorting = o.boolean("indicatie")
            earlier = o.boolean("eerdereOpschorting")
            attrs["opgeschort"] = None if opschorting is None else str(opschorting).lower()
            attrs["eerder_opgeschort"] = None if earlier is None else str(earlier).lower()
        verlenging = None
        v = z.child("verlenging")
        if v is not None:
            verlenging = v.duration("duur")
        return Zaak(url=url, uuid=uuid, nummer=nummer, zaaktype=z.url_("zaaktype"), attrs=attrs,
                    opschorting=opschorting, verlenging=verlenging)

    def read_zaaktype(self, url: str) -> None:
        z = Shape(self.client.get_json(url), url, "ZaakType")
        self.data.zaaktypen[url] = {
            "omschrijving": z.text("omschrijving"),
            "identificatie": z.text("identificatie", required=False),
            "doorlooptijd": z.duration("doorlooptijd"),
        }

    def read_statustype(self, url: str) -> None:
        s = Shape(self.client.get_json(url), url, "StatusType")
        self.data.statustypen[url] = {
            "omschrijving": s.text("omschrijving"),
            "volgnummer": s.integer("volgnummer"),
            "eind": s.boolean("isEindstatus"),
        }

    def read_related(self, kind: str, schema: str, wanted: set[str], take: Callable[[Shape, str], None],
                     essential: bool) -> None:
        """All `kind` of the wanted zaken: from the global list, or per zaak when that takes fewer requests."""
        c = self.config
        url = f"{c.base}/{kind}"
        try:
            if c.filtered:
                first = self.client.get_json(url, {"pageSize": c.page_size})
                check_page(first, url, schema)
                per_page = max(1, len(first["results"]))
                if math.ceil(first["count"] / per_page) > len(wanted):
                    self.data.strategy[kind] = "per zaak"
                    self.per_zaak(kind, lambda zaak: self._related_of(zaak, kind, schema, take),
                                  essential=essential)
                    return
            self.data.strategy[kind] = "global list"
            for page_url, results in self.client.pages(url, {"pageSize": c.page_size}, schema):
                for i, item in enumerate(results):
                    shape = Shape(item, page_url, f"results[{i}]")
                    if shape.url_("zaak") in wanted:
                        take(shape, page_url)
        except ZgwError as exc:
            if essential:
                raise
            self._partial(kind, str(exc), [z.url for z in self.data.zaken])

    def _related_of(self, zaak: Zaak, kind: str, schema: str, take: Callable[[Shape, str], None]) -> None:
        for page_url, results in self.client.pages(f"{self.config.base}/{kind}", {"zaak": zaak.url}, schema):
            for i, item in enumerate(results):
                shape = Shape(item, page_url, f"results[{i}]")
                if shape.url_("zaak") == zaak.url:
                    take(shape, page_url)

    def per_zaak(self, part: str, read_one: Callable[[Zaak], None], essential: bool = False) -> None:
        """Run `read_one` for every zaak (a few in parallel); failures are partial unless `essential`."""

        def run(zaak: Zaak) -> tuple[Zaak, ZgwError | None]:
            try:
                read_one(zaak)
                return zaak, None
            except ZgwError as exc:
                return zaak, exc

        workers = max(1, int(self.config.workers))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(run, self.data.zaken))
        for zaak, exc in outcomes:
            if exc is None:
                continue
            if essential or isinstance(exc, ZgwAuthError):
                raise exc
            self._partial(part, str(exc), [zaak.url])

    def _partial(self, part: str, message: str, zaken: list[str]) -> None:
        self.data.failures.setdefault(part, []).append(message)
        for url in zaken:
            self.data.incomplete.setdefault(url, set()).add(part)

    # the parts ------------------------------------------------------------------------------
    def _take_status(self, s: Shape, page_url: str) -> None:
        zaak = s.url_("zaak")
        status = {
            "url": s.url_("url"),
            "statustype": s.url_("statustype"),
            "ts": s.moment("datumStatusGezet"),
            "gezetdoor": s.url_("gezetdoor", required=False),
        }
        with self.client._lock:
            self.data.statussen.setdefault(zaak, []).append(status)

    def _take_rol(self, r: Shape, page_url: str) -> None:
        generic = r.text("omschrijvingGeneriek", required=False)
        kind = r.text("betrokkeneType", required=False)
        if generic != "behandelaar" or kind not in ("medewerker", "organisatorische_eenheid"):
            self.data.dropped_roles += 1  # initiators, natural persons, BSNs: never kept
            return
        ident = r.child("betrokkeneIdentificatie")
        name = None
        if ident is not None and kind == "medewerker":
            name = ident.text("identificatie", required=False) or " ".join(
                p for p in (ident.text("voorletters", required=False),
                            ident.text("voorvoegselAchternaam", required=False),
                            ident.text("achternaam", required=False)) if p)
        elif ident is not None:
            name = ident.text("naam", required=False) or ident.text("identificatie", required=False)
        name = name or r.text("afwijkendeNaamBetrokkene", required=False)
        if not name:
            return
        handler = Handler(url=r.url_("url"), kind=kind, name=name, since=r.moment("registratiedatum", required=False))
        with self.client._lock:
            self.data.handlers.setdefault(r.url_("zaak"), []).append(handler)

    def _take_resultaat(self, r: Shape, page_url: str, types: dict[str, str]) -> None:
        url = r.url_("resultaattype")
        if url not in types:
            t = Shape(self.client.get_json(url), url, "ResultaatType")
            types[url] = t.text("omschrijving")
        self.data.resultaat[r.url_("zaak")] = types[url]

    def _read_documents(self, zaak: Zaak) -> None:
        url = f"{self.config.base}/zaakinformatieobjecten"
        items = self.client.get_json(url, {"zaak": zaak.url})
        shown = f"{url}?zaak={zaak.url}"
        if not isinstance(items, list):
            raise ZgwError(f"{shown}: expected a list of ZaakInformatieObject, got {_kind(items)}")
        docs = []
        for i, item in enumerate(items):
            d = Shape(item, shown, f"[{i}]")
            docs.append({"document": d.url_("informatieobject"), "ts": d.moment("registratiedatum"),
                         "status": d.url_("status", required=False)})
        self.data.documents[zaak.url] = docs

    def _read_audit(self, zaak: Zaak) -> None:
        url = f"{self.config.base}/zaken/{zaak.uuid}/audittrail"
        items = self.client.get_json(url)
        if not isinstance(items, list):
            raise ZgwError(f"{url}: expected a list of AuditTrail, got {_kind(items)}")
        entries = []
        for i, item in enumerate(items):
            a = Shape(item, url, f"[{i}]")
            entry = {
                "ts": a.moment("aanmaakdatum"),
                "resource": a.text("resource"),
                "actie": a.text("actie"),
                "actie_weergave": a.text("actieWeergave", required=False),
                "wie": a.text("gebruikersId", required=False) or a.text("gebruikersWeergave", required=False),
                "opschorting": None,
                "verlenging": False,
            }
            w = a.child("wijzigingen")
            if entry["resource"] == "zaak" and w is not None:
                old, new = (w.obj.get("oud") or {}), (w.obj.get("nieuw") or {})
                if isinstance(old, dict) and isinstance(new, dict):
                    before = (old.get("opschorting") or {}).get("indicatie") if isinstance(
                        old.get("opschorting"), dict) else None
                    after = (new.get("opschorting") or {}).get("indicatie") if isinstance(
                        new.get("opschorting"), dict) else None
                    if after is True and before is not True:
                        entry["opschorting"] = "start"
                    elif before is True and after is False:
                        entry["opschorting"] = "end"
                    if isinstance(new.get("verlenging"), dict) and new.get("verlenging") != old.get("verlenging") \
                            and new["verlenging"].get("duur"):
                        entry["verlenging"] = True
            entries.append(entry)
        self.data.audit[zaak.url] = entries

    def _read_besluiten(self, zaak: Zaak) -> None:
        url = f"{self.config.base}/zaken/{zaak.uuid}/besluiten"
        items = self.client.get_json(url)
        if not isinstance(items, list):
            raise ZgwError(f"{url}: expected a list of ZaakBesluit, got {_kind(items)}")
        self.data.besluiten[zaak.url] = [last_segment(Shape(it, url, f"[{i}]").url_("besluit"))
                                         for i, it in enumerate(items)]


# -- rows --------------------------------------------------------------------------------------


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_LOCAL)
    return moment.astimezone(UTC)


def _handler_at(handlers: list[Handler], kind: str, ts: str) -> str | None:
    """The behandelaar of `kind` registered last at or before `ts`; else the first registered."""
    mine = sorted((h for h in handlers if h.kind == kind),
                  key=lambda h: (_instant(h.since) if h.since else datetime.min.replace(tzinfo=UTC), h.url))
    if not mine:
        return None
    moment = _instant(ts)
    before = [h for h in mine if h.since is None or _instant(h.since) <= moment]
    return (before[-1] if before else mine[0]).name


def build_records(data: ZgwData) -> Iterator[dict[str, str | None]]:
    """Staged records: per zaak (in listing order) its events by time, ties by statustype volgnummer."""
    for zaak in data.zaken:
        zaaktype = data.zaaktypen[zaak.zaaktype]
        term = zaaktype["doorlooptijd"]
        case: dict[str, str | None] = {f"case:{k}": v for k, v in zaak.attrs.items()}
        case["case:zaaktype"] = zaaktype["omschrijving"]
        case["case:zaaktype_identificatie"] = zaaktype["identificatie"]
        case["case:doorlooptijd_zaaktype"] = term
        case["case:verlenging_duur"] = zaak.verlenging
        case["case:doorlooptijd"] = add_durations(term, zaak.verlenging) if term else None
        case["case:resultaat"] = data.resultaat.get(zaak.url)
        if zaak.url in data.besluiten:
            case["case:besluiten"] = json.dumps(data.besluiten[zaak.url])
        if zaak.url in data.incomplete:
            case["case:zgw_onvolledig"] = ", ".join(sorted(data.incomplete[zaak.url]))
        handlers = data.handlers.get(zaak.url, [])
        by_url = {h.url: h for h in handlers}
        events: list[tuple[datetime, int, int, dict[str, str | None]]] = []
        for status in data.statussen.get(zaak.url, []):
            stype = data.statustypen[status["statustype"]]
            setter = by_url.get(status["gezetdoor"] or "")
            resource = setter.name if setter and setter.kind == "medewerker" else \
                _handler_at(handlers, "medewerker", status["ts"])
            events.append((_instant(status["ts"]), 0, stype["volgnummer"], {
                "activiteit": stype["omschrijving"],
                "tijdstip": status["ts"],
                "behandelaar": resource,
                "afdeling": _handler_at(handlers, "organisatorische_eenheid", status["ts"]),
                "bron": "status",
                "status_id": last_segment(status["url"]),
                "statustype_volgnummer": str(stype["volgnummer"]),
                "eindstatus": "true" if stype["eind"] else None,
            }))
        for doc in data.documents.get(zaak.url, []):
            events.append((_instant(doc["ts"]), 1, 0, {
                "activiteit": "Document toegevoegd",
                "tijdstip": doc["ts"],
                "behandelaar": _handler_at(handlers, "medewerker", doc["ts"]),
                "afdeling": _handler_at(handlers, "organisatorische_eenheid", doc["ts"]),
                "bron": "document",
                "document_id": last_segment(doc["document"]),
                "status_id": last_segment(doc["status"]),
            }))
        for entry in data.audit.get(zaak.url, []):
            if entry["resource"] == "status" and entry["actie"] == "create":
                continue  # that is a status event already
            if entry["opschorting"] == "start":
                activity = "Opschorting gestart"
            elif entry["opschorting"] == "end":
                activity = "Opschorting beëindigd"
            elif entry["verlenging"]:
                activity = "Verlenging"
            else:
                activity = f"{entry['resource']}: {entry['actie_weergave'] or entry['actie']}"
            events.append((_instant(entry["ts"]), 2, 0, {
                "activiteit": activity,
                "tijdstip": entry["ts"],
                "behandelaar": entry["wie"],
                "afdeling": _handler_at(handlers, "organisatorische_eenheid", entry["ts"]),
                "bron": "audittrail",
            }))
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        for _, _, _, event in events:
            yield {"zaaknummer": zaak.nummer, **event, **case}


# -- the connector -----------------------------------------------------------------------------


class ZgwConnector:
    name = "zgw"
    suffixes: tuple[str, ...] = ()

    def stage(self, con: duckdb.DuckDBPyConnection, source: Any, options: ConnectorOptions) -> Staged:
        config = ZgwConfig.from_options(str(source), options)
        client = ZgwClient(config)
        try:
            data = ZgwReader(client, config).read()
        except ZgwError as exc:
            raise InputError(f"{config.label}: {exc}") from None
        finally:
            client.close()
        writer = StagingWriter(con)
        for key in ("zaaknummer", *[v for k, v in ROLE_HINTS.items() if k != "case"]):
            writer.add_column(key)  # the role columns exist even when every value is empty
        rows = 0
        for rows, record in enumerate(build_records(data), start=1):
            writer.add(rows, record)
        columns = writer.close()
        notes = []
        without = sum(1 for z in data.zaken if not data.statussen.get(z.url))
        if without:
            notes.append(f"{without:,} zaak/zaken without any status (no events)")
        for part, messages in data.failures.items():
            count = sum(1 for parts in data.incomplete.values() if part in parts)
            notes.append(f"partial: {part} could not be read for {count:,} zaak/zaken (case attribute "
                         f"zgw_onvolledig), e.g. {messages[0]}")
        if data.dropped_roles:
            notes.append(f"{data.dropped_roles:,} role(s) other than behandelaar medewerker/afdeling not read "
                         "(initiators and persons are never stored)")
        detected: dict[str, Any] = {
            "api": config.base,
            "zaken": len(data.zaken),
            "zaaktypen": sorted(t["omschrijving"] for t in data.zaaktypen.values()),
            "filters": {k: v for k, v in (("zaaktypen", config.zaaktypen), ("zaak_start_from", config.start_from),
                                          ("zaak_start_to", config.start_to)) if v},
            "include": sorted(config.include),
            "strategy": data.strategy,
            "requests": client.requests,
            "retries": client.retried,
            "tokens_signed": client.tokens_signed,
            "partial_failures": {part: len(msgs) for part, msgs in data.failures.items()},
        }
        return Staged(connector=self.name, rows_read=rows, columns=columns, role_hints=dict(ROLE_HINTS),
                      notes=notes, detected=detected)


CONNECTOR = ZgwConnector()
