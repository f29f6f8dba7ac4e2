"""OCEL 2.0 export of a log, written for logs imported from the ZGW APIs (`connectors/zgw.py`).

`procesflow export-ocel NAME --out zaken.jsonocel` writes the OCEL 2.0 JSON format
(https://www.ocel-standard.org, as `pm4py.read_ocel2_json` reads it) so that object-centric tools
can use the log. Objects and relations:

| object type | id | attributes | from |
|---|---|---|---|
| `zaak` | the zaaknummer (the case id) | zaaktype, doorlooptijd, resultaat, startdatum, einddatum | the case |
| `status` | `status-<uuid>` | statustype, volgnummer | each status event (`status_id`) |
| `document` | `document-<uuid>` | — | document events and their `document_id` |
| `besluit` | `besluit-<uuid>` | — | the case attribute `besluiten` |

Every event is related to its zaak (qualifier `zaak`); a status event also to its status object
(`status`), a document event to its document (`document`) and to the status it was filed with
(`status`). The Zaken API gives no time for a besluit: the besluiten of a zaak are related to the
event of its final status (`eindstatus`, qualifier `besluit`) and, object to object, to the zaak
(`besluit`); the zaak is related to its statuses and documents as well, and a status to the
documents filed with it (`document`).

Event attributes: `resource` and `department`. Resources are people: unless `show_resources`,
they are written as R001, R002, ... (numbered in alphabetical order, as everywhere in procesflow's
outputs). Times are UTC instants (`...Z`). The file is written atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import InputError
from .outputs import write_json
from .store import Store

STATIC = "1970-01-01T00:00:00Z"  # OCEL 2.0: the time of an attribute value that does not change
ZAAK_ATTRIBUTES = ("zaaktype", "doorlooptijd", "resultaat", "startdatum", "einddatum")


@dataclass
class OcelExport:
    path: Path
    events: int
    objects: dict[str, int]
    relations: int


def _time(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ocel_document(store: Store, log: str, show_resources: bool = False) -> dict[str, Any]:
    """The OCEL 2.0 JSON document of `log` (a dict ready for json.dump)."""
    name = store.require_log(log)
    con = store.con.cursor()
    con.execute("SET TimeZone = 'UTC'")
    connector = con.execute("SELECT connector FROM imports WHERE log = ? AND active", [name]).fetchone()[0]
    if connector != "zgw":
        raise InputError(
            f"log {name!r} was imported with the {connector} connector; the OCEL export is made for logs "
            "imported from the ZGW APIs (zgw+https://...)"
        )
    events = con.execute(
        "SELECT case_id, activity, ts, resource, department, seq, attrs FROM events WHERE log = ? "
        "ORDER BY case_id, ts, seq", [name]).fetchall()
    cases = {c: dict(a or {}) for c, a in con.execute(
        "SELECT case_id, attrs FROM cases WHERE log = ?", [name]).fetchall()}
    con.close()
    people = sorted({e[3] for e in events if e[3] is not None})
    alias = {p: (p if show_resources else f"R{i:03d}") for i, p in enumerate(people, start=1)}

    objects: dict[str, dict[str, Any]] = {}
    o2o: dict[str, dict[tuple[str, str], None]] = {}

    def obj(oid: str, otype: str, attrs: dict[str, Any] | None = None) -> str:
        if oid not in objects:
            objects[oid] = {"id": oid, "type": otype, "attributes": [
                {"name": k, "time": STATIC, "value": v} for k, v in (attrs or {}).items() if v is not None]}
            o2o[oid] = {}
        return oid

    def link(source: str, target: str, qualifier: str) -> None:
        o2o[source][(target, qualifier)] = None

    besluiten_of: dict[str, list[str]] = {}
    for case_id in sorted(cases):
        attrs = cases[case_id]
        obj(case_id, "zaak", {k: attrs.get(k) for k in ZAAK_ATTRIBUTES})
        try:
            ids = json.loads(attrs.get("besluiten") or "[]")
        except ValueError:
            ids = []
        besluiten_of[case_id] = [obj(f"besluit-{b}", "besluit") for b in ids if isinstance(b, str)]
        for b in besluiten_of[case_id]:
            link(case_id, b, "besluit")

    out_events = []
    relations = 0
    types: dict[str, None] = {}
    for case_id, activity, ts, resource, department, seq, attrs in events:
        attrs = dict(attrs or {})
        obj(case_id, "zaak")
        rels = [{"objectId": case_id, "qualifier": "zaak"}]
        status_id = attrs.get("status_id")
        status = f"status-{status_id}" if status_id else None
        if attrs.get("bron") == "status" and status:
            obj(status, "status", {"statustype": activity, "volgnummer": _int(attrs.get("statustype_volgnummer"))})
            link(case_id, status, "status")
            rels.append({"objectId": status, "qualifier": "status"})
            if attrs.get("eindstatus") == "true":
                rels += [{"objectId": b, "qualifier": "besluit"} for b in besluiten_of.get(case_id, [])]
        elif attrs.get("bron") == "document" and attrs.get("document_id"):
            document = obj(f"document-{attrs['document_id']}", "document")
            link(case_id, document, "document")
            rels.append({"objectId": document, "qualifier": "document"})
            if status:
                obj(status, "status")
                link(status, document, "document")
                rels.append({"objectId": status, "qualifier": "status"})
        types[activity] = None
        event_attrs = [{"name": "resource", "value": alias[resource]} if resource is not None else None,
                       {"name": "department", "value": department} if department is not None else None]
        out_events.append({"id": f"e{seq}", "type": activity, "time": _time(ts),
                           "attributes": [a for a in event_attrs if a], "relationships": rels})
        relations += len(rels)
    for oid, targets in o2o.items():
        objects[oid]["relationships"] = [{"objectId": t, "qualifier": q} for t, q in targets]
    string = "string"
    return {
        "objectTypes": [
            {"name": "zaak", "attributes": [{"name": a, "type": string} for a in ZAAK_ATTRIBUTES]},
            {"name": "status", "attributes": [{"name": "statustype", "type": string},
                                              {"name": "volgnummer", "type": "integer"}]},
            {"name": "besluit", "attributes": []},
            {"name": "document", "attributes": []},
        ],
        "eventTypes": [{"name": t, "attributes": [{"name": "resource", "type": string},
                                                  {"name": "department", "type": string}]} for t in sorted(types)],
        "objects": list(objects.values()),
        "events": out_events,
    }


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def export_ocel(store: Store, log: str, out: Path, show_resources: bool = False) -> OcelExport:
    """Write `log` as OCEL 2.0 JSON to `out` (atomically) and say what was written."""
    document = ocel_document(store, log, show_resources)
    path = write_json(Path(out), document)
    counts: dict[str, int] = {}
    for o in document["objects"]:
        counts[o["type"]] = counts.get(o["type"], 0) + 1
    relations = sum(len(e["relationships"]) for e in document["events"])
    return OcelExport(path=path, events=len(document["events"]), objects=counts, relations=relations)
