"""The bad-input corpus (tests/corpus): every hostile, broken or odd input, through the real CLI.

For each input in `tests/corpus/expectations.py` this proves: the command never crashes (no
traceback, no "internal error"); it exits 2 with one actionable `error:` line, or 0 with exactly the
documented rejects; counts add up (rows read = loaded + rejected); the store is unchanged on failure
(every table compared) and the log that was already in it is untouched on success; nothing the
input points at (a secret file, ../ paths, another database) is read or written. The docs table
(docs/bad-inputs.md) is generated from the same list and must be current.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from procesflow.cli import cli

from .corpus.expectations import BEGIN, DOCS, END, EXPECTATIONS, Expect, markdown_table
from .corpus.make_corpus import GENERATORS, SECRET, build
from .helpers import query

TABLES = ("events", "cases", "imports", "rejects", "activity_tags", "store_meta")
BASE = "case;activity;timestamp;department\n" + "".join(
    f"B-{c};Aanvraag ontvangen;2024-01-{8 + c:02d} 09:00;KCC\nB-{c};Beoordelen;2024-01-{9 + c:02d} 10:00;Vergunningen\n"
    f"B-{c};Besluit;2024-01-{10 + c:02d} 11:00;Vergunningen\n" for c in range(1, 6)
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corpus") / "files"


@pytest.fixture(scope="module")
def built(corpus: Path) -> Path:
    build(corpus)
    return corpus


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    (folder / "base.csv").write_text(BASE, encoding="utf-8")
    db = folder / "base.duckdb"
    result = CliRunner().invoke(cli, ["import", str(folder / "base.csv"), "--name", "base", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def fingerprint(db: Path, log: str | None = None) -> dict[str, str]:
    """A checksum per table of everything the store holds (or of one log's rows)."""
    tables = {name for (name,) in query(db, "SELECT table_name FROM duckdb_tables()")}
    if log is not None:  # each log has a table of its own (events_<import id>): only this log's counts
        own = {f"events_{i}" for (i,) in query(db, "SELECT import_id FROM imports WHERE log = ? AND active", [log])}
        tables = {t for t in tables if not re.fullmatch(r"events_\d+", t) or t in own}
    out = {"tables": ",".join(sorted(tables))}
    for table in TABLES:
        if log is not None and table == "store_meta":
            continue
        where = " WHERE log = ?" if log is not None else ""
        rows = sorted(repr(r) for r in query(db, f"SELECT * FROM {table}{where}", [log] if log else []))
        out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def argv_for(e: Expect, corpus: Path, db: Path, tmp: Path) -> list[str]:
    args = [a.replace("{corpus}", str(corpus)) for a in e.args]
    source = str(corpus / e.file) if e.file else "base"
    named = "--name" in args or e.command == "findings" or e.file is None
    argv = [e.command, source, *args, "--db", str(db)] + ([] if named else ["--name", "t"])
    if e.command == "discover":
        argv += ["--quiet"] + ([] if "--out" in args else ["--out", str(tmp / "out")])
    if e.command == "findings":
        argv += ["--out", str(tmp / "findings")]
    return argv


def test_every_corpus_file_has_an_expectation_and_back():
    files = {e.file for e in EXPECTATIONS if e.file}
    generated = set(GENERATORS) | {"mapping_target.csv", "store_target.csv", "does_not_exist.csv"}
    assert files - generated == set()
    used = files | {a.split("/")[-1] for e in EXPECTATIONS for a in e.args if "{corpus}" in a} | {
        e.db for e in EXPECTATIONS if e.db}
    assert set(GENERATORS) - used == set(), "every generated file is run"
    assert len(EXPECTATIONS) >= 30 and len({e.id for e in EXPECTATIONS}) == len(EXPECTATIONS)


def test_the_docs_table_is_current():
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip()
    assert table == markdown_table(), "run: python tests/corpus/make_corpus.py --docs"


@pytest.mark.parametrize("e", EXPECTATIONS, ids=lambda e: e.id)
def test_corpus_input(e: Expect, built: Path, base_store: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # procesflow-out/ and `--out .` land here
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    if e.db:
        db = built / e.db
        before_bytes = db.read_bytes()
    else:
        db = tmp_path / "store.duckdb"
        shutil.copy(base_store, db)
        before = fingerprint(db)
    kept = {path: (built / path).read_bytes() for path in e.keep if (built / path).is_file()}

    result = CliRunner().invoke(cli, argv_for(e, built, db, tmp_path), env=e.env, catch_exceptions=False)

    printed = result.output + (result.stderr or "")
    assert "Traceback" not in printed and "internal error" not in printed, printed[-2000:]
    assert result.exit_code == e.exit_code, printed[-2000:]
    for path, data in kept.items():
        assert (built / path).read_bytes() == data
    for path in e.absent:
        assert not (built / path).exists(), f"{path} was written"
    if e.secret:
        assert SECRET not in printed
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert not any(SECRET.encode() in p.read_bytes() for p in written)

    if e.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert e.message in lines[0]
        if e.db:
            assert db.read_bytes() == before_bytes
        else:
            assert fingerprint(db) == before, "a failed command changed the store"
        return

    assert fingerprint(db, "base") == {k: v for k, v in before.items() if k != "store_meta"}
    if e.output:
        assert e.output in result.output
    if e.command == "findings":
        return
    row = query(db, "SELECT rows_read, rows_loaded, rows_rejected, quality FROM imports WHERE log = 't' AND active")
    assert len(row) == 1
    rows_read, loaded, rejected, quality = row[0]
    quality = json.loads(quality)
    assert rows_read == loaded + rejected + quality["duplicates_removed"], "counts must add up"
    assert dict(query(db, "SELECT reason, count(*) FROM rejects WHERE log = 't' GROUP BY reason")) == e.rejects
    if e.loaded is not None:
        assert loaded == e.loaded
    for key, value in e.quality.items():
        assert quality[key] == value, key
    for sql, expected in e.checks:
        assert query(db, sql, ["t"])[0][0] == expected, sql
    if e.command == "discover":
        out = tmp_path / "out"
        assert (out / "report.html").is_file() and (out / "model.bpmn").is_file() and (out / "map.svg").is_file()
