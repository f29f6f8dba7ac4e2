"""A local ZGW server for the tests: Zaken API 1.5 and Catalogi API 1.3 endpoints the connector
uses, with consistent generated data (`data.make_data`), real paging, JWT checking and fault
injection — and every response it sends validated against the official OpenAPI specifications
(`../shared/specs/zgw/`) with openapi-core, so the connector is tested against the contract.

    with ZgwTestServer(secrets={"procesflow": "..."}) as server:
        server.zaken_url            # http://127.0.0.1:<port>/zaken/api/v1
        server.faults.append(Fault("/zaken/api/v1/statussen", "429", times=2))
        ...
    assert server.spec_errors == []  # the fixture checks this: a response of ours broke the spec

Faults (each matching request consumes one `times`): "429" and "500" (problem+json, as the spec
allows), "malformed" (a 200 whose JSON is cut off), "violate" (a 200 whose first result lacks a
required field), "slow" (answers after `delay` seconds). Responses of "malformed" and "violate"
must fail validation — the server checks that too. JWT: HS256 with the client's secret, claims
`iss`, `iat`, `client_id`; a bad signature, an unknown client or a token older than
`token_max_age` (by the server's `clock`) gets 401; no token 401.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt

from .data import ZgwData, make_data

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "zgw"
CATALOGI_REMOTE = "https://raw.githubusercontent.com/vng-Realisatie/catalogi-api/1.2.0/src/openapi.yaml"
ZRC = "/zaken/api/v1"
ZTC = "/catalogi/api/v1"


@dataclass
class Fault:
    path: str  # request path prefix, e.g. /zaken/api/v1/statussen
    kind: str  # 429, 500, malformed, violate, slow
    times: int = 1
    query: str | None = None  # only requests whose query string contains this
    delay: float = 0.0


class SpecValidator:
    """openapi-core validators for both APIs, loaded once per test session."""

    _cache: dict[str, Any] = {}

    def __init__(self) -> None:
        import yaml
        from openapi_core import Config, OpenAPI

        if "apis" not in self._cache:
            apis = {}
            for prefix, name in ((ZRC, "zaken-openapi.yaml"), (ZTC, "catalogi-openapi.yaml")):
                path = SPEC_DIR / name
                spec = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                _point_catalogi_refs_home(spec)
                config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
                apis[prefix] = OpenAPI.from_dict(spec, config=config, base_uri=path.as_uri())
            self._cache["apis"] = apis
        self.apis = self._cache["apis"]

    def errors(self, host: str, path: str, query: str, status: int, content_type: str, headers: dict[str, str],
               body: bytes) -> str | None:
        """None when the response is what the spec allows for this request, else the reason."""
        from openapi_core.testing import MockRequest, MockResponse

        api = self.apis[ZRC if path.startswith(ZRC) else ZTC]
        request = MockRequest(host, "get", path, args={k: v[0] for k, v in parse_qs(query).items()})
        response = MockResponse(body, status_code=status, content_type=content_type, headers=headers)
        try:
            api.validate_response(request, response)
        except Exception as exc:  # openapi-core raises its own hierarchy; any failure is a violation
            return describe_violation(exc)
        return None


def describe_violation(exc: BaseException) -> str:
    """The schema errors of an openapi-core failure with their paths (not the whole value)."""
    errors = getattr(exc.__cause__, "schema_errors", None) or getattr(exc, "schema_errors", None)
    if not errors:
        return f"{type(exc).__name__}: {str(exc)[:500]}"

    def flat(error: Any) -> list[str]:
        subs = list(getattr(error, "context", None) or [])
        if subs:
            return [line for sub in subs for line in flat(sub)]
        where = "/".join(str(p) for p in getattr(error, "absolute_path", []))
        return [f"at /{where}: {getattr(error, 'message', error)}"]

    return f"{type(exc).__name__}: " + "; ".join(line for e in errors for line in flat(e))[:2000]


def _point_catalogi_refs_home(node: Any) -> None:
    """The Zaken spec refers to the Catalogi ZaakType by a remote URL: use the local file instead."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(CATALOGI_REMOTE):
                node[key] = "catalogi-openapi.yaml" + value[len(CATALOGI_REMOTE):]
            else:
                _point_catalogi_refs_home(value)
    elif isinstance(node, list):
        for value in node:
            _point_catalogi_refs_home(value)


@dataclass
class ZgwTestServer:
    secrets: dict[str, str] = field(default_factory=lambda: {"procesflow-test": "geheim-voor-tests-123"})
    seed: int = 7
    n_zaken: int = 24
    max_page_size: int = 10
    token_max_age: float = 3600.0
    clock: Callable[[], float] = time.time
    faults: list[Fault] = field(default_factory=list)
    # what happened
    log: list[tuple[str, int]] = field(default_factory=list)  # (path?query, status)
    tokens: set[str] = field(default_factory=set)
    spec_errors: list[str] = field(default_factory=list)
    responses_validated: int = 0

    def __post_init__(self) -> None:
        self.validator = SpecValidator()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self.data: ZgwData | None = None

    # lifecycle ------------------------------------------------------------------------------
    def start(self) -> ZgwTestServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self.data = make_data(self.base, seed=self.seed, n_zaken=self.n_zaken)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ZgwTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def zaken_url(self) -> str:
        return f"{self.base}{ZRC}"

    def requests_to(self, path: str) -> list[tuple[str, int]]:
        return [entry for entry in self.log if entry[0].split("?")[0] == path]

    # requests -------------------------------------------------------------------------------
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, parts.query
        params = {k: v[0] for k, v in parse_qs(query).items()}
        fault = self._take_fault(path, query)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
            fault = None
        status, body, extra_headers = self._answer(h, path, params, fault)
        content_type = "application/json" if status == 200 else "application/problem+json"
        if isinstance(body, bytes):
            raw = body
        else:
            if fault is not None and fault.kind == "violate" and status == 200:
                body = _violate(body)
            raw = json.dumps(body).encode()
        if fault is not None and fault.kind == "malformed" and status == 200:
            raw = raw[: max(1, len(raw) // 2)]
        headers = {"API-version": "1.5.1" if path.startswith(ZRC) else "1.3.1", **extra_headers}
        if path.startswith(f"{ZRC}/zaken") and status == 200 and "/audittrail" not in path \
                and "/besluiten" not in path:
            headers["Content-Crs"] = "EPSG:4326"
        problem = self.validator.errors(self.base, path, query, status, content_type, headers, raw)
        with self._lock:
            self.responses_validated += 1
            expect_invalid = fault is not None and fault.kind in ("malformed", "violate") and status == 200
            if expect_invalid and problem is None:
                self.spec_errors.append(f"{h.path}: fault {fault.kind} produced a response the spec accepts")
            elif not expect_invalid and problem is not None:
                self.spec_errors.append(f"{h.path} -> {status}: {problem}")
            self.log.append((h.path, status))
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(raw)))
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(raw)

    def _take_fault(self, path: str, query: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and path.startswith(fault.path) and (fault.query is None or fault.query in query):
                    fault.times -= 1
                    return fault
        return None

    def _answer(self, h: BaseHTTPRequestHandler, path: str, params: dict[str, str],
                fault: Fault | None) -> tuple[int, Any, dict[str, str]]:
        denied = self._check_token(h.headers.get("Authorization"))
        if denied is not None:
            return 401, _problem(401, "not_authenticated", "Niet geauthenticeerd.", denied, path), {}
        if fault is not None and fault.kind == "429":
            return 429, _problem(429, "throttled", "Te veel verzoeken.", "Probeer het later.", path), \
                {"Retry-After": "0"}
        if fault is not None and fault.kind == "500":
            return 500, _problem(500, "error", "Er is een serverfout opgetreden.", "Interne fout.", path), {}
        d = self.data
        assert d is not None
        routes: list[tuple[str, Callable[..., tuple[int, Any, dict[str, str]]]]] = [
            (rf"^{ZRC}/zaken$", lambda: self._list(path, params, self._zaken(params))),
            (rf"^{ZRC}/zaken/([0-9a-f-]+)/audittrail$", lambda u: self._plain(d.audittrail.get(u), path)),
            (rf"^{ZRC}/zaken/([0-9a-f-]+)/besluiten$", lambda u: self._plain(
                d.besluiten.get(u, []) if u in d.audittrail else None, path)),
            (rf"^{ZRC}/zaken/([0-9a-f-]+)$", lambda u: self._one(d.zaken, u, path)),
            (rf"^{ZRC}/statussen$", lambda: self._list(path, params, _of_zaak(d.statussen, params))),
            (rf"^{ZRC}/rollen$", lambda: self._list(path, params, _of_zaak(d.rollen, params))),
            (rf"^{ZRC}/resultaten$", lambda: self._list(path, params, _of_zaak(d.resultaten, params))),
            (rf"^{ZRC}/zaakinformatieobjecten$", lambda: (200, _of_zaak(d.zaakinformatieobjecten, params), {})),
            (rf"^{ZTC}/zaaktypen/([0-9a-f-]+)$", lambda u: self._one(d.zaaktypen, u, path)),
            (rf"^{ZTC}/statustypen/([0-9a-f-]+)$", lambda u: self._one(d.statustypen, u, path)),
            (rf"^{ZTC}/resultaattypen/([0-9a-f-]+)$", lambda u: self._one(d.resultaattypen, u, path)),
        ]
        for pattern, route in routes:
            match = re.match(pattern, path)
            if match:
                return route(*match.groups())
        return 404, _problem(404, "not_found", "Niet gevonden.", f"Geen resource op {path}.", path), {}

    def _check_token(self, header: str | None) -> str | None:
        if not header or not header.startswith("Bearer "):
            return "Authenticatiegegevens zijn niet opgegeven."
        token = header[len("Bearer "):]
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            secret = self.secrets.get(str(unverified.get("client_id")))
            if secret is None:
                return "Onbekende client_id."
            claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["iat", "client_id"]})
        except jwt.PyJWTError as exc:
            return f"Ongeldige JWT: {exc}"
        if claims.get("iss") != claims.get("client_id"):
            return "iss en client_id verschillen."
        age = self.clock() - float(claims["iat"])
        if age > self.token_max_age:
            return "De JWT is verlopen (iat te oud)."
        if age < -60:
            return "De JWT is uitgegeven in de toekomst."
        with self._lock:
            self.tokens.add(token)
        return None

    def _zaken(self, params: dict[str, str]) -> list[dict[str, Any]]:
        d = self.data
        assert d is not None
        by_omschrijving = {z["omschrijving"]: z["url"] for z in d.zaaktypen}
        out = []
        for zaak in d.zaken:
            if "zaaktype" in params and zaak["zaaktype"] != params["zaaktype"]:
                continue
            if "zaaktype__omschrijving" in params and \
                    zaak["zaaktype"] != by_omschrijving.get(params["zaaktype__omschrijving"]):
                continue
            if "startdatum__gte" in params and zaak["startdatum"] < params["startdatum__gte"]:
                continue
            if "startdatum__lte" in params and zaak["startdatum"] > params["startdatum__lte"]:
                continue
            out.append(zaak)
        return out

    def _list(self, path: str, params: dict[str, str], items: list[dict[str, Any]]) -> tuple[int, Any, dict]:
        size = min(int(params.get("pageSize", self.max_page_size)), self.max_page_size)
        page = int(params.get("page", "1"))
        pages = max(1, math.ceil(len(items) / size))
        if page < 1 or page > pages:
            return 404, _problem(404, "not_found", "Ongeldige pagina.", "Ongeldige pagina.", path), {}

        def link(n: int) -> str | None:
            if n < 1 or n > pages:
                return None
            return f"{self.base}{path}?{urlencode({**params, 'page': n})}"

        return 200, {"count": len(items), "next": link(page + 1), "previous": link(page - 1),
                     "results": items[(page - 1) * size: page * size]}, {}

    def _one(self, items: list[dict[str, Any]], uuid: str, path: str) -> tuple[int, Any, dict]:
        for item in items:
            if item["url"].rsplit("/", 1)[1] == uuid:
                return 200, item, {}
        return 404, _problem(404, "not_found", "Niet gevonden.", f"Geen resource op {path}.", path), {}

    def _plain(self, items: list[dict[str, Any]] | None, path: str) -> tuple[int, Any, dict]:
        if items is None:
            return 404, _problem(404, "not_found", "Niet gevonden.", f"Geen zaak op {path}.", path), {}
        return 200, items, {}


def _of_zaak(items: list[dict[str, Any]], params: dict[str, str]) -> list[dict[str, Any]]:
    return [i for i in items if "zaak" not in params or i["zaak"] == params["zaak"]]


def _problem(status: int, code: str, title: str, detail: str, instance: str) -> dict[str, Any]:
    return {"type": f"https://example.nl/fouten/{code}", "code": code, "title": title, "status": status,
            "detail": detail, "instance": instance}


def _violate(body: Any) -> Any:
    """Break the contract the way a buggy server would: the first result loses a required field."""
    body = json.loads(json.dumps(body))
    target = body["results"][0] if isinstance(body, dict) and body.get("results") else \
        (body[0] if isinstance(body, list) and body else body)
    for key in ("datumStatusGezet", "zaaktype", "omschrijving", "registratiedatum", "aanmaakdatum", "count"):
        if isinstance(target, dict) and key in target:
            del target[key]
            break
    return body
