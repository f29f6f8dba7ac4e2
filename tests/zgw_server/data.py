"""Consistent generated data for the ZGW test server: one catalogue, two zaaktypen, zaken with their
statussen, rollen (initiators with test BSNs included), resultaten, documents, besluiten and audit trail.

Everything is built from a seed, with URLs on the server's own address, exactly as the Zaken API
1.5 / Catalogi API 1.3 serialise them (the server validates every response against the specs).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

AMS = ZoneInfo("Europe/Amsterdam")
RSIN = "002220647"  # bronorganisatie / verantwoordelijkeOrganisatie (9 digits)

ZAAKTYPEN = [
    {
        "code": "OV", "omschrijving": "Omgevingsvergunning", "identificatie": "ZT-OMGVERG", "doorlooptijd": "P8W",
        "verlengingstermijn": "P6W",
        "statustypen": ["Ontvangen", "Intake afgerond", "In behandeling", "Besluit genomen", "Afgehandeld"],
        "resultaten": ["Verleend", "Geweigerd"],
    },
    {
        "code": "BZ", "omschrijving": "Bezwaar", "identificatie": "ZT-BEZWAAR", "doorlooptijd": "P12W",
        "verlengingstermijn": None,
        "statustypen": ["Ontvangen", "Hoorzitting gepland", "Advies commissie", "Afgehandeld"],
        "resultaten": ["Gegrond", "Ongegrond"],
    },
]
MEDEWERKERS = [("mdw-jvries", "J.", "de", "Vries"), ("mdw-abakker", "A.", "", "Bakker"),
               ("mdw-mjansen", "M.", "", "Jansen"), ("mdw-psmit", "P.", "", "Smit")]
EENHEDEN = {"OV": ("OE-VERG", "Vergunningen"), "BZ": ("OE-JZ", "Juridische Zaken")}


@dataclass
class ZgwData:
    """Every resource as the API returns it, by kind; `bsns` are the initiators' test BSNs."""

    base: str
    catalogus: str = ""
    zaaktypen: list[dict[str, Any]] = field(default_factory=list)
    statustypen: list[dict[str, Any]] = field(default_factory=list)
    resultaattypen: list[dict[str, Any]] = field(default_factory=list)
    roltypen: list[dict[str, Any]] = field(default_factory=list)
    zaken: list[dict[str, Any]] = field(default_factory=list)
    statussen: list[dict[str, Any]] = field(default_factory=list)
    rollen: list[dict[str, Any]] = field(default_factory=list)
    resultaten: list[dict[str, Any]] = field(default_factory=list)
    zaakinformatieobjecten: list[dict[str, Any]] = field(default_factory=list)
    besluiten: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # zaak uuid -> ZaakBesluit
    audittrail: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # zaak uuid -> AuditTrail
    bsns: list[str] = field(default_factory=list)
    names_of_persons: list[str] = field(default_factory=list)


def _iso(moment: datetime, zulu: bool = False) -> str:
    if zulu:
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return moment.astimezone(AMS).isoformat()


def make_data(base: str, seed: int = 7, n_zaken: int = 24) -> ZgwData:
    rng = random.Random(seed)

    def new_uuid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    zrc = f"{base}/zaken/api/v1"
    ztc = f"{base}/catalogi/api/v1"
    data = ZgwData(base=base)
    data.catalogus = f"{ztc}/catalogussen/{new_uuid()}"
    types: dict[str, dict[str, Any]] = {}
    for spec in ZAAKTYPEN:
        zt_uuid = new_uuid()
        zt_url = f"{ztc}/zaaktypen/{zt_uuid}"
        statustypen = []
        for i, name in enumerate(spec["statustypen"], start=1):
            st = {
                "url": f"{ztc}/statustypen/{new_uuid()}", "omschrijving": name, "omschrijvingGeneriek": "",
                "statustekst": "", "zaaktype": zt_url, "zaaktypeIdentificatie": spec["identificatie"],
                "volgnummer": i, "isEindstatus": i == len(spec["statustypen"]), "informeren": False,
                "doorlooptijd": None, "toelichting": None, "checklistitemStatustype": [], "catalogus": data.catalogus,
                "eigenschappen": [], "zaakobjecttypen": [], "beginGeldigheid": "2023-01-01", "eindeGeldigheid": None,
                "beginObject": "2023-01-01", "eindeObject": "2023-01-01",
            }
            statustypen.append(st)
        resultaattypen = []
        for name in spec["resultaten"]:
            resultaattypen.append({
                "url": f"{ztc}/resultaattypen/{new_uuid()}", "zaaktype": zt_url,
                "zaaktypeIdentificatie": spec["identificatie"], "omschrijving": name,
                "resultaattypeomschrijving": "https://selectielijst.openzaak.nl/api/v1/resultaattypeomschrijvingen/1",
                "omschrijvingGeneriek": name, "selectielijstklasse":
                    "https://selectielijst.openzaak.nl/api/v1/resultaten/1",
                "toelichting": "", "archiefnominatie": "vernietigen", "archiefactietermijn": "P10Y",
                "procesobjectaard": "", "indicatieSpecifiek": None,
                "procestermijn": None, "catalogus": data.catalogus, "besluittypen": [], "besluittypeOmschrijving": [],
                "informatieobjecttypen": [], "informatieobjecttypeOmschrijving": [], "beginGeldigheid": "2023-01-01",
                "eindeGeldigheid": None, "beginObject": "2023-01-01", "eindeObject": "2023-01-01",
            })
        zaaktype = {
            "url": zt_url, "identificatie": spec["identificatie"], "omschrijving": spec["omschrijving"],
            "omschrijvingGeneriek": "", "vertrouwelijkheidaanduiding": "openbaar", "doel": "Test", "aanleiding": "Test",
            "toelichting": "", "indicatieInternOfExtern": "extern", "handelingInitiator": "aanvragen",
            "onderwerp": spec["omschrijving"], "handelingBehandelaar": "behandelen",
            "doorlooptijd": spec["doorlooptijd"], "servicenorm": None, "opschortingEnAanhoudingMogelijk": True,
            "verlengingMogelijk": spec["verlengingstermijn"] is not None,
            "verlengingstermijn": spec["verlengingstermijn"], "trefwoorden": [], "publicatieIndicatie": False,
            "publicatietekst": "", "verantwoordingsrelatie": [], "productenOfDiensten": [],
            "selectielijstProcestype": "https://selectielijst.openzaak.nl/api/v1/procestypen/1",
            "referentieproces": {"naam": "Test", "link": ""}, "concept": False, "verantwoordelijke": "Gemeente",
            "beginGeldigheid": "2023-01-01", "eindeGeldigheid": None, "versiedatum": "2023-01-01",
            "beginObject": "2023-01-01", "eindeObject": "2023-01-01", "catalogus": data.catalogus,
            "statustypen": [s["url"] for s in statustypen], "resultaattypen": [r["url"] for r in resultaattypen],
            "eigenschappen": [], "informatieobjecttypen": [], "roltypen": [], "besluittypen": [],
            "deelzaaktypen": [], "gerelateerdeZaaktypen": [], "zaakobjecttypen": [],
        }
        data.zaaktypen.append(zaaktype)
        data.statustypen.extend(statustypen)
        data.resultaattypen.extend(resultaattypen)
        types[spec["code"]] = {"spec": spec, "zaaktype": zaaktype, "statustypen": statustypen,
                               "resultaattypen": resultaattypen}

    start = datetime(2024, 1, 8, 9, 0, tzinfo=AMS)
    for n in range(n_zaken):
        code = "OV" if n % 3 != 2 else "BZ"
        t = types[code]
        z_uuid = new_uuid()
        z_url = f"{zrc}/zaken/{z_uuid}"
        opened = start + timedelta(days=9 * n, hours=rng.randint(0, 6), minutes=rng.choice([0, 15, 30, 45]))
        n_status = len(t["statustypen"]) if n % 5 != 4 else rng.randint(1, len(t["statustypen"]) - 1)
        closed = n_status == len(t["statustypen"])
        moments = []
        moment = opened
        for i in range(n_status):
            if i > 0 and not (i == 1 and n % 4 == 0):  # every 4th zaak: status 2 at the same instant as status 1
                moment += timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8), seconds=rng.randint(0, 59))
            moments.append(moment)
        # roles: an initiator (a person with a test BSN), behandelaars (medewerker, unit), sometimes more
        rollen: list[dict[str, Any]] = []
        bsn = f"9999{rng.randint(10000, 99999)}"
        data.bsns.append(bsn)
        surname = rng.choice(["Visser", "Meijer", "Mulder", "de Boer"])
        data.names_of_persons.append(surname)
        rollen.append(_rol(new_uuid(), zrc, z_url, "natuurlijk_persoon", "initiator", "Aanvrager", moments[0], {
            "inpBsn": bsn, "anpIdentificatie": "", "geslachtsnaam": surname,
            "voorvoegselGeslachtsnaam": "", "voorletters": "K.", "voornamen": "Kees", "geslachtsaanduiding": "m",
            "geboortedatum": "1980-01-01",
        }, betrokkene=f"https://brp.example.nl/ingeschrevenpersonen/{bsn}"))
        registered = moments[1] if len(moments) > 1 else moments[0] + timedelta(hours=1)
        mdw = MEDEWERKERS[n % len(MEDEWERKERS)]
        rollen.append(_rol(new_uuid(), zrc, z_url, "medewerker", "behandelaar", "Behandelaar", registered,
                           _medewerker(mdw)))
        oe = EENHEDEN[code]
        rollen.append(_rol(new_uuid(), zrc, z_url, "organisatorische_eenheid", "behandelaar", "Behandelend team",
                           opened, {"identificatie": oe[0], "naam": oe[1], "isGehuisvestIn": ""}))
        if n % 6 == 1 and len(moments) > 3:  # re-assigned: a second behandelaar from the 4th status on
            other = MEDEWERKERS[(n + 1) % len(MEDEWERKERS)]
            rollen.append(_rol(new_uuid(), zrc, z_url, "medewerker", "behandelaar", "Behandelaar", moments[3],
                               _medewerker(other)))
        if n % 7 == 3:  # an adviseur: not a behandelaar, never imported
            rollen.append(_rol(new_uuid(), zrc, z_url, "medewerker", "adviseur", "Adviseur", moments[0],
                               _medewerker(("mdw-adviseur", "X.", "", "Adviseur"))))
        data.rollen.extend(rollen)
        setter = rollen[1]["url"]
        statussen = []
        for i, moment in enumerate(moments):
            st = t["statustypen"][i]
            statussen.append({
                "url": f"{zrc}/statussen/{new_uuid()}", "uuid": "", "zaak": z_url, "statustype": st["url"],
                "datumStatusGezet": _iso(moment, zulu=(i % 3 == 2)), "statustoelichting": "",
                "indicatieLaatstGezetteStatus": i == len(moments) - 1,
                "gezetdoor": setter if (n % 2 == 0 and i == len(moments) - 1) else None,
                "zaakinformatieobjecten": [],
            })
        for s in statussen:
            s["uuid"] = s["url"].rsplit("/", 1)[1]
        data.statussen.extend(reversed(statussen))  # the API does not list them in time order
        resultaat = None
        if closed:
            rt = t["resultaattypen"][n % 2]
            resultaat = {"url": f"{zrc}/resultaten/{new_uuid()}", "uuid": "", "zaak": z_url,
                         "resultaattype": rt["url"], "toelichting": ""}
            resultaat["uuid"] = resultaat["url"].rsplit("/", 1)[1]
            data.resultaten.append(resultaat)
        # documents: one at the start, one with the third status
        zios = []
        for k, (moment, status) in enumerate([(moments[0] + timedelta(minutes=5), None),
                                              (moments[min(2, len(moments) - 1)] + timedelta(hours=2),
                                               statussen[min(2, len(statussen) - 1)])]):
            if k == 1 and n % 2 == 1:
                continue
            zio = {
                "url": f"{zrc}/zaakinformatieobjecten/{new_uuid()}", "uuid": "",
                "informatieobject": f"{base}/documenten/api/v1/enkelvoudiginformatieobjecten/{new_uuid()}",
                "zaak": z_url, "aardRelatieWeergave": "Hoort bij, omgekeerd: kent", "titel": f"Document {k + 1}",
                "beschrijving": "", "registratiedatum": _iso(moment, zulu=True), "vernietigingsdatum": None,
                "status": status["url"] if status else None,
            }
            zio["uuid"] = zio["url"].rsplit("/", 1)[1]
            if status:
                status["zaakinformatieobjecten"].append(zio["url"])
            zios.append(zio)
        data.zaakinformatieobjecten.extend(zios)
        # suspension and extension (with their audit trail)
        audit = [_audit(new_uuid(), zrc, z_url, "zaak", "create", "Object aangemaakt", moments[0], {}, {})]
        for s in statussen:
            audit.append(_audit(new_uuid(), zrc, s["url"], "status", "create", "Object aangemaakt",
                                datetime.fromisoformat(s["datumStatusGezet"]), {}, {}, hoofd=z_url))
        opschorting = None
        verlenging = None
        if n % 4 == 1 and len(moments) > 2:
            paused, resumed = moments[1] + timedelta(hours=3), moments[2] - timedelta(hours=1)
            audit.append(_audit(new_uuid(), zrc, z_url, "zaak", "partial_update", "Object deels bijgewerkt", paused,
                                {"opschorting": {"indicatie": False, "reden": ""}},
                                {"opschorting": {"indicatie": True, "reden": "Wacht op aanvulling"}}))
            audit.append(_audit(new_uuid(), zrc, z_url, "zaak", "partial_update", "Object deels bijgewerkt", resumed,
                                {"opschorting": {"indicatie": True, "reden": "Wacht op aanvulling"}},
                                {"opschorting": {"indicatie": False, "reden": "Wacht op aanvulling"}}))
            opschorting = {"indicatie": False, "eerdereOpschorting": True, "reden": "Wacht op aanvulling"}
        if code == "OV" and n % 5 == 3:
            verlenging = {"reden": "Complexe aanvraag", "duur": "P6W"}
            audit.append(_audit(new_uuid(), zrc, z_url, "zaak", "partial_update", "Object deels bijgewerkt",
                                moments[0] + timedelta(days=1), {"verlenging": None}, {"verlenging": verlenging}))
        data.audittrail[z_uuid] = audit
        if closed and code == "OV":
            data.besluiten[z_uuid] = [{"url": f"{zrc}/zaken/{z_uuid}/besluiten/{(b := new_uuid())}", "uuid": b,
                                       "besluit": f"{base}/besluiten/api/v1/besluiten/{new_uuid()}"}]
        zaak = {
            "url": z_url, "uuid": z_uuid, "identificatie": f"ZAAK-2024-{n + 1:07d}", "bronorganisatie": RSIN,
            "omschrijving": f"{t['spec']['omschrijving']} {n + 1}", "toelichting": "", "zaaktype": t["zaaktype"]["url"],
            "registratiedatum": opened.date().isoformat(), "verantwoordelijkeOrganisatie": RSIN,
            "startdatum": opened.date().isoformat(),
            "einddatum": moments[-1].astimezone(AMS).date().isoformat() if closed else None,
            "einddatumGepland": None,
            "uiterlijkeEinddatumAfdoening": (opened.date() + timedelta(weeks=8 if code == "OV" else 12)).isoformat(),
            "publicatiedatum": None, "laatstGemuteerd": _iso(moments[-1], zulu=True), "laatstGeopend": None,
            "communicatiekanaal": "", "communicatiekanaalNaam": "", "productenOfDiensten": [],
            "vertrouwelijkheidaanduiding": "openbaar", "betalingsindicatie": "", "betalingsindicatieWeergave": "",
            "laatsteBetaaldatum": None, "zaakgeometrie": None, "verlenging": verlenging, "opschorting": opschorting,
            "selectielijstklasse": "", "hoofdzaak": None, "deelzaken": [], "relevanteAndereZaken": [],
            "gerelateerdeZaken": [], "eigenschappen": [], "rollen": [r["url"] for r in rollen],
            "status": statussen[-1]["url"], "zaakinformatieobjecten": [z["url"] for z in zios], "zaakobjecten": [],
            "kenmerken": [], "archiefnominatie": None, "archiefstatus": "nog_te_archiveren",
            "archiefactiedatum": None, "resultaat": resultaat["url"] if resultaat else None,
            "processobjectaard": "", "startdatumBewaartermijn": None,
        }
        # `nullable` next to `allOf` does not make null valid (OpenAPI 3.0.3): such fields are left out
        for key in ("zaakgeometrie", "verlenging", "opschorting"):
            if zaak[key] is None:
                del zaak[key]
        data.zaken.append(zaak)
    return data


def _medewerker(m: tuple[str, str, str, str]) -> dict[str, str]:
    return {"identificatie": m[0], "voorletters": m[1], "voorvoegselAchternaam": m[2], "achternaam": m[3]}


def _rol(u: str, zrc: str, zaak: str, kind: str, generiek: str, omschrijving: str, registered: datetime,
         ident: dict[str, Any], betrokkene: str = "") -> dict[str, Any]:
    return {
        "url": f"{zrc}/rollen/{u}", "uuid": u, "zaak": zaak, "betrokkene": betrokkene, "betrokkeneType": kind,
        "afwijkendeNaamBetrokkene": "", "roltype": f"{zrc.replace('/zaken/', '/catalogi/')}/roltypen/{u}",
        "omschrijving": omschrijving, "omschrijvingGeneriek": generiek, "roltoelichting": omschrijving,
        "registratiedatum": _iso(registered, zulu=True), "indicatieMachtiging": "",
        "statussen": [], "beginGeldigheid": None, "eindeGeldigheid": None, "betrokkeneIdentificatie": ident,
    }


def _audit(u: str, zrc: str, resource_url: str, resource: str, actie: str, weergave: str, moment: datetime,
           oud: dict[str, Any], nieuw: dict[str, Any], hoofd: str | None = None) -> dict[str, Any]:
    return {
        "uuid": u, "bron": "zrc", "applicatieId": "test-app", "applicatieWeergave": "Zaaksysteem",
        "gebruikersId": "mdw-jvries", "gebruikersWeergave": "J. de Vries", "actie": actie, "actieWeergave": weergave,
        "resultaat": 201 if actie == "create" else 200, "hoofdObject": hoofd or resource_url, "resource": resource,
        "resourceUrl": resource_url, "toelichting": "", "resourceWeergave": resource_url.rsplit("/", 1)[1],
        "aanmaakdatum": _iso(moment, zulu=True), "wijzigingen": {"oud": oud, "nieuw": nieuw},
    }
