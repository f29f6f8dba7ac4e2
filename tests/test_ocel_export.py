"""OCEL 2.0 export of a ZGW log: read back by pm4py and by procesflow's own OCEL connector."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from procesflow.errors import InputError
from procesflow.importer import ImportRequest, import_log
from procesflow.ocel_export import export_ocel
from procesflow.roles import Mapping
from procesflow.store import Store

from .test_zgw import CLIENT, SECRET, server, specs, zgw_import  # noqa: F401  (fixtures)


@pytest.fixture
def zgw_log(server, db: Path, monkeypatch) -> Path:  # noqa: F811
    monkeypatch.setenv("ZGW_SECRET", SECRET)
    zgw_import(db, server, name="zaken", include=["documents", "besluiten"])
    return db


def events_of(db: Path, log: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute("SELECT case_id, activity, ts FROM events WHERE log = ? ORDER BY case_id, ts, seq",
                           [log]).fetchall()
    finally:
        con.close()


def test_export_reads_back_in_pm4py_and_procesflow(zgw_log: Path, server, tmp_path: Path):  # noqa: F811
    import pm4py

    out = tmp_path / "zaken.jsonocel"
    with Store(zgw_log, read_only=True) as store:
        written = export_ocel(store, "zaken", out)
    d = server.data
    assert written.objects == {"zaak": len(d.zaken), "besluit": sum(len(b) for b in d.besluiten.values()),
                               "status": len(d.statussen), "document": len(d.zaakinformatieobjecten)}
    original = events_of(zgw_log, "zaken")
    assert written.events == len(original)

    ocel = pm4py.read_ocel2_json(str(out))
    assert len(ocel.events) == len(original)
    assert set(ocel.objects["ocel:type"]) == {"zaak", "status", "besluit", "document"}
    relations = ocel.relations
    per_type = relations.groupby("ocel:type")["ocel:eid"].nunique().to_dict()
    assert per_type["zaak"] == len(original)  # every event has its zaak
    assert per_type["status"] == len(d.statussen) + sum(1 for z in d.zaakinformatieobjecten if z["status"])
    assert per_type["besluit"] == sum(len(b) for b in d.besluiten.values())  # the final status of each
    assert per_type["document"] == len(d.zaakinformatieobjecten)
    o2o = ocel.o2o
    assert set(o2o["ocel:qualifier"]) == {"status", "document", "besluit"}

    # procesflow's own OCEL connector, flattened on zaak: the same events as the ZGW import
    with Store(zgw_log) as store:
        result = import_log(store, ImportRequest(source=str(out), name="roundtrip",
                                                 mapping=Mapping(source={"object_type": "zaak"})))
    assert result.rejected == 0
    assert events_of(zgw_log, "roundtrip") == original

    document = json.loads(out.read_text(encoding="utf-8"))
    resources = {a["value"] for e in document["events"] for a in e["attributes"] if a["name"] == "resource"}
    assert resources and all(r.startswith("R") and r[1:].isdigit() for r in resources)  # pseudonymised


def test_cli_and_non_zgw_logs(zgw_log: Path, cli_run, tmp_path: Path):
    out = tmp_path / "named.jsonocel"
    result = cli_run("export-ocel", "zaken", "--out", out, "--show-resources", "--db", zgw_log)
    assert result.exit_code == 0, result.output
    assert "events" in result.output and out.is_file()
    document = json.loads(out.read_text(encoding="utf-8"))
    assert any(a["value"].startswith("mdw-") for e in document["events"] for a in e["attributes"]
               if a["name"] == "resource")
    csv = tmp_path / "plain.csv"
    csv.write_text("case;activity;timestamp\nc1;A;2024-01-01 10:00\n", encoding="utf-8")
    with Store(zgw_log) as store:
        import_log(store, ImportRequest(source=str(csv), name="plain"))
        with pytest.raises(InputError, match="ZGW"):
            export_ocel(store, "plain", tmp_path / "x.jsonocel")
