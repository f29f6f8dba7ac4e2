"""Personal data (AVG/GDPR): detection on import, keyed pseudonyms, and outputs that name no one.

Proves that: every import reports the columns holding likely BSNs (11-proef), e-mail addresses and
phone numbers, with counts equal to an independent Python count, without flagging 9-digit case
numbers, dates or amounts; `--pseudonymize` (or `[privacy] pseudonymize = true`) stores
HMAC-SHA256 pseudonyms (checked against Python's `hmac`) for case ids, resources and the flagged
columns everywhere in the store — events, case attributes, rejects — and never the key; the same
key gives the same pseudonyms in a later import, another key different ones; the key file is
created 0600 and refused when others can read it; case ids that are BSNs never reach a report; and
every output file of `discover` on a log seeded with BSNs, e-mail addresses, phone numbers and
employee names contains none of them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
import stat
from pathlib import Path

import pytest

from procesflow.sample import bsn_valid

from .helpers import query

KEY = "corpus-test-key-0123456789abcdef"
TEXT_OUTPUTS = (".json", ".html", ".md", ".svg", ".dot", ".bpmn", ".pnml", ".ptml", ".txt", ".csv")


def hmac_pseudonym(key: str, value: str) -> str:
    """The pseudonym, computed independently of procesflow (Python's hmac module)."""
    return "p_" + hmac.new(key.encode(), value.strip().encode(), hashlib.sha256).hexdigest()[:16]


def valid_bsns(n: int, start: int = 123_456_000) -> list[str]:
    out, number = [], start
    while len(out) < n:
        if bsn_valid(f"{number:09d}"):
            out.append(f"{number:09d}")
        number += 1
    return out


@pytest.fixture(autouse=True)
def private_config(tmp_path: Path, monkeypatch):
    """Every test gets its own key location; no test touches ~/.config."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PROCESFLOW_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("PROCESFLOW_PSEUDONYM_KEY_FILE", raising=False)


# -- detection ------------------------------------------------------------------------------------------
PHONES = ["06-12345678", "020 123 4567", "+31 6 12345678", "+31(0)20-1234567", "0031612345678", "+32 470 12 34 56"]


def people_csv(path: Path, rows: int = 40) -> Path:
    bsns = valid_bsns(rows)
    dotted = valid_bsns(1, start=987_654_000)[0]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["zaak", "activiteit", "tijdstip", "medewerker", "bsn", "klantnummer", "email", "telefoon",
                    "opmerking", "ontvangen", "bedrag"])
        for i in range(rows):
            note = {3: f"BSN {dotted[:4]}.{dotted[4:6]}.{dotted[6:]} genoemd", 5: "bel 06 12345678 terug",
                    7: "mail naar a.b@example.nl"}.get(i, "geen bijzonderheden")
            w.writerow([f"Z-{i // 2}", "Aanvraag" if i % 2 == 0 else "Besluit", f"2024-01-{1 + i % 28:02d} 10:00",
                        f"Medewerker {i % 3}", bsns[i], f"{100_000_000 + 7919 * i}", f"burger{i}@example.org",
                        PHONES[i % len(PHONES)], note, f"{1 + i % 28:02d}-02-2024 10:00", f"{1234567 + i}.89"])
    return path


def test_personal_data_is_found_per_column_with_counts(tmp_path, cli_run, db):
    src = people_csv(tmp_path / "people.csv")
    result = cli_run("import", src)
    assert result.exit_code == 0, result.output
    quality = json.loads(query(db, "SELECT quality FROM imports")[0][0])
    found = {f["column"]: (f["bsn"], f["email"], f["phone"]) for f in quality["personal_data"]}
    assert found == {"bsn": (40, 0, 0), "email": (0, 40, 0), "telefoon": (0, 0, 40), "opmerking": (1, 1, 1)}
    # the case numbers are 9 digits too, but only about 1 in 11 passes the 11-proef: not BSNs
    klant = [f"{100_000_000 + 7919 * i}" for i in range(40)]
    assert 0 < sum(map(bsn_valid, klant)) < 20
    assert "personal data found — 'bsn': 40 likely BSNs in 40 values" in result.output
    assert "outputs never show them" in result.output
    mapping = json.loads(query(db, "SELECT mapping FROM imports")[0][0])
    assert mapping["privacy"]["pseudonymized"] == [] and mapping["privacy"]["key_id"] is None
    info = cli_run("info")
    assert "personal data in 'bsn': 40 likely BSNs" in info.output


def test_detection_counts_equal_an_independent_count_on_the_sample(tmp_path, cli_run, db):
    from procesflow.sample import write_sample

    src = tmp_path / "sample.csv"
    write_sample(src, 300, seed=4, personal_data=True)
    rows = list(csv.DictReader(src.open(encoding="cp1252"), delimiter=";"))
    assert cli_run("import", src).exit_code == 0
    found = {f["column"]: f for f in json.loads(query(db, "SELECT quality FROM imports")[0][0])["personal_data"]}
    assert set(found) == {"bsn", "email"}
    assert found["bsn"]["bsn"] == sum(bsn_valid(r["bsn"]) for r in rows) > 0
    assert found["email"]["email"] == sum("@" in r["email"] for r in rows) > 0


def test_bsn_in_a_number_column_is_found_without_its_leading_zero(tmp_path, cli_run, db):
    import pyarrow as pa
    import pyarrow.parquet as pq

    bsns = valid_bsns(10, start=12_345_000)  # 0123...: the leading zero is lost in a number column
    table = pa.table({"case": [f"Z-{i}" for i in range(10)], "activity": ["A"] * 10,
                      "timestamp": [f"2024-01-{i + 1:02d} 10:00" for i in range(10)],
                      "bsn": pa.array([int(b) for b in bsns], pa.int64())})
    pq.write_table(table, tmp_path / "numbers.parquet")
    assert cli_run("import", tmp_path / "numbers.parquet").exit_code == 0
    found = json.loads(query(db, "SELECT quality FROM imports")[0][0])["personal_data"]
    assert [(f["column"], f["bsn"]) for f in found] == [("bsn", 10)]


# -- pseudonyms -----------------------------------------------------------------------------------------
def store_texts(db: Path) -> str:
    """Every text the store holds, in one string (events, case attributes, rejects, imports)."""
    parts = query(db, """
        SELECT string_agg(concat_ws('|', case_id, activity, resource, department, CAST(attrs AS VARCHAR)), '\n')
        FROM events
        UNION ALL SELECT string_agg(concat_ws('|', case_id, CAST(attrs AS VARCHAR)), '\n') FROM cases
        UNION ALL SELECT string_agg(raw, '\n') FROM rejects
        UNION ALL SELECT string_agg(concat_ws('|', source, mapping, quality), '\n') FROM imports""")
    return "\n".join(p[0] or "" for p in parts)


def test_pseudonymize_replaces_case_ids_resources_and_flagged_columns(tmp_path, cli_run, db, monkeypatch):
    monkeypatch.setenv("PROCESFLOW_PSEUDONYM_KEY", KEY)
    src = people_csv(tmp_path / "people.csv")
    with src.open("a", encoding="utf-8") as fh:  # a line the connector cannot read, with a BSN in it
        fh.write("Z-99;Aanvraag;2024-01-05 10:00;Medewerker 1;123456782;x;y;z;too;many;fields;here\n")
    result = cli_run("import", src, "--pseudonymize")
    assert result.exit_code == 0, result.output
    assert "pseudonymised with keyed hashes (key id" in result.output and "$PROCESFLOW_PSEUDONYM_KEY" in result.output
    source = list(csv.DictReader(src.open(encoding="utf-8"), delimiter=";"))[:40]
    stored = query(db, "SELECT case_id, resource, attrs FROM events ORDER BY seq")
    assert len(stored) == 40
    for row, (case_id, resource, attrs) in zip(source, stored, strict=True):
        assert case_id == hmac_pseudonym(KEY, row["zaak"])
        assert resource == hmac_pseudonym(KEY, row["medewerker"])
        for column in ("bsn", "email", "telefoon", "opmerking"):
            assert attrs[column] == hmac_pseudonym(KEY, row[column])
        assert attrs["klantnummer"] == row["klantnummer"] and attrs["bedrag"] == row["bedrag"]  # not personal
    texts = store_texts(db)
    for row in source:
        for column in ("zaak", "medewerker", "bsn", "email", "telefoon"):
            assert row[column] not in texts, (column, row[column])
    assert "123456782" not in texts and "withheld" in query(db, "SELECT raw FROM rejects")[0][0]
    assert KEY not in texts and KEY.encode() not in db.read_bytes()
    mapping = json.loads(query(db, "SELECT mapping FROM imports")[0][0])
    assert mapping["privacy"]["pseudonymized"] == ["zaak", "medewerker", "bsn", "email", "telefoon", "opmerking"]


def test_same_key_same_pseudonyms_across_imports_other_key_other_ones(tmp_path, cli_run, db, monkeypatch):
    january = tmp_path / "januari.csv"
    february = tmp_path / "februari.csv"
    january.write_text("zaak;activiteit;tijdstip;medewerker\nZ-7;Aanvraag;2024-01-30 10:00;Jan de Vries\n",
                       encoding="utf-8")
    february.write_text("zaak;activiteit;tijdstip;medewerker\nZ-7;Besluit;2024-02-02 10:00; Jan de Vries \n",
                        encoding="utf-8")
    # no key given: a key file is created, private to the user
    assert cli_run("import", january, "--pseudonymize").exit_code == 0
    key_file = tmp_path / "config" / "procesflow" / "pseudonym.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert cli_run("import", february, "--pseudonymize").exit_code == 0
    rows = query(db, "SELECT log, case_id, resource FROM events ORDER BY log")
    assert rows[0][1:] == rows[1][1:]  # the case and the employee link up across the months
    key = key_file.read_bytes().strip().decode()
    assert rows[0][1] == hmac_pseudonym(key, "Z-7") and rows[0][2] == hmac_pseudonym(key, "Jan de Vries")
    assert key.encode() not in db.read_bytes()
    monkeypatch.setenv("PROCESFLOW_PSEUDONYM_KEY", KEY)
    assert cli_run("import", february, "--pseudonymize", "--name", "other_key").exit_code == 0
    other = query(db, "SELECT case_id FROM events WHERE log = 'other_key'")[0][0]
    assert other == hmac_pseudonym(KEY, "Z-7") != rows[1][1]


def test_key_problems_are_clear_errors(tmp_path, cli_run, monkeypatch):
    src = tmp_path / "log.csv"
    src.write_text("case;activity;timestamp\nZ-1;A;2024-01-01 10:00\n", encoding="utf-8")
    monkeypatch.setenv("PROCESFLOW_PSEUDONYM_KEY", "short")
    result = cli_run("import", src, "--pseudonymize")
    assert result.exit_code == 2 and "$PROCESFLOW_PSEUDONYM_KEY is too short" in result.stderr
    monkeypatch.delenv("PROCESFLOW_PSEUDONYM_KEY")
    key_file = tmp_path / "shared.key"
    key_file.write_text("k" * 40)
    key_file.chmod(0o644)
    monkeypatch.setenv("PROCESFLOW_PSEUDONYM_KEY_FILE", str(key_file))
    result = cli_run("import", src, "--pseudonymize")
    assert result.exit_code == 2 and f"chmod 600 {key_file}" in result.stderr
    key_file.chmod(0o600)
    assert cli_run("import", src, "--pseudonymize").exit_code == 0


def test_mapping_file_can_ask_for_pseudonyms(tmp_path, cli_run, db, monkeypatch):
    monkeypatch.setenv("PROCESFLOW_PSEUDONYM_KEY", KEY)
    src = tmp_path / "log.csv"
    src.write_text("case;activity;timestamp\nZ-1;A;2024-01-01 10:00\n", encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("[privacy]\npseudonymize = true\n", encoding="utf-8")
    assert cli_run("import", src, "--mapping", mapping).exit_code == 0
    assert query(db, "SELECT case_id FROM events") == [(hmac_pseudonym(KEY, "Z-1"),)]
    mapping.write_text('[privacy]\npseudonymize = "yes"\n', encoding="utf-8")
    result = cli_run("import", src, "--mapping", mapping, "--name", "x")
    assert result.exit_code == 2 and "[privacy] pseudonymize must be true or false" in result.stderr


def test_case_ids_that_are_bsns_never_reach_a_report(tmp_path, cli_run, db):
    bsns = valid_bsns(30)
    lines = ["zaaknummer;activiteit;tijdstip"] + [
        f"{b};{a};2024-01-{1 + i % 20:02d} {9 + j}:00" for i, b in enumerate(bsns)
        for j, a in enumerate(("Aanvraag", "Beoordelen", "Beoordelen", "Besluit"))]
    src = tmp_path / "by_bsn.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli_run("discover", src, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.output
    assert "pseudonymised with keyed hashes" in result.output and "'zaaknummer' (case)" in result.output
    assert not any(b in query(db, "SELECT string_agg(case_id, ',') FROM events")[0][0] for b in bsns)
    assert_no_personal_data(tmp_path / "out", set(bsns))


# -- nothing personal in the outputs ------------------------------------------------------------------------
def seeded_log(tmp_path: Path, cases: int = 300) -> tuple[Path, set[str]]:
    """The sample permit log with test BSNs and e-mail addresses, plus phone numbers and free text
    naming a BSN, a phone number and an address; returns the file and every personal value in it."""
    from procesflow.sample import write_sample

    raw = tmp_path / "raw.csv"
    write_sample(raw, cases, seed=11, personal_data=True)
    rows = list(csv.DictReader(raw.open(encoding="cp1252"), delimiter=";"))
    personal: set[str] = set()
    out = tmp_path / "vergunningen_pd.csv"
    with out.open("w", newline="", encoding="cp1252") as fh:
        writer = csv.DictWriter(fh, [*rows[0].keys(), "telefoon", "opmerking"], delimiter=";")
        writer.writeheader()
        for i, row in enumerate(rows):
            phone = f"06-{20000000 + i:08d}" if row["bsn"] else ""
            row["telefoon"] = phone
            row["opmerking"] = f"Burger (BSN {row['bsn']}) belt via {phone}" if row["bsn"] and i % 7 == 0 else ""
            writer.writerow(row)
            personal.update(v for v in (row["bsn"], row["email"], phone) if v)
            if row["medewerker"] and row["medewerker"] != "systeem":  # the system account is not a person
                personal.add(row["medewerker"])
    assert any(bsn_valid(v) for v in personal) and any("@" in v for v in personal)
    return out, personal


def assert_no_personal_data(folder: Path, personal: set[str]) -> None:
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in TEXT_OUTPUTS]
    assert {p.suffix for p in files} >= {".json", ".html", ".md", ".svg", ".dot", ".bpmn", ".pnml"}
    for path in files:  # a substring search per value: a regex of a thousand alternatives took seconds
        text = path.read_text(encoding="utf-8", errors="replace")
        found = next((v for v in sorted(personal) if v in text), None)
        assert found is None, f"{path.name} contains {found!r}"


@pytest.mark.parametrize("options", [(), ("--handoff-level", "resource", "--lang", "nl")],
                         ids=["default", "resource-handoffs-nl"])
def test_no_output_of_discover_holds_a_bsn_email_phone_or_name(tmp_path, cli_run, options):
    src, personal = seeded_log(tmp_path)
    result = cli_run("discover", src, "--out", tmp_path / "out", "--quiet", *options)
    assert result.exit_code == 0, result.output
    assert "personal data found" in result.output
    assert_no_personal_data(tmp_path / "out", personal)
    if options:  # people appear, as aliases
        assert re.search(r"\bR0\d\d\b", (tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))


def test_show_resources_is_the_only_way_to_names(tmp_path, cli_run):
    src, personal = seeded_log(tmp_path, cases=120)
    result = cli_run("discover", src, "--out", tmp_path / "out", "--quiet", "--handoff-level", "resource",
                     "--show-resources")
    assert result.exit_code == 0, result.output
    metrics = (tmp_path / "out" / "metrics.json").read_text(encoding="utf-8")
    assert any(name in metrics for name in personal if not any(c.isdigit() for c in name))
    assert_no_personal_data_except_names(tmp_path / "out", personal)


def assert_no_personal_data_except_names(folder: Path, personal: set[str]) -> None:
    assert_no_personal_data(folder, {v for v in personal if any(c.isdigit() for c in v) or "@" in v})


def test_key_file_location_follows_the_environment(tmp_path, monkeypatch):
    from procesflow import privacy

    assert privacy.key_file() == tmp_path / "config" / "procesflow" / "pseudonym.key"
    monkeypatch.setenv("PROCESFLOW_PSEUDONYM_KEY_FILE", str(tmp_path / "k"))
    assert privacy.key_file() == tmp_path / "k"
    key, source = privacy.load_key()
    assert source == str(tmp_path / "k") and len(key) == 64 and os.stat(tmp_path / "k").st_mode & 0o077 == 0
    assert privacy.pseudonym(key, " Z-1 ") == hmac_pseudonym(key.decode(), "Z-1")
