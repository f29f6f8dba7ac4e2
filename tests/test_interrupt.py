"""Interrupted and concurrent work, with real processes and real signals.

Proves that: Ctrl-C (SIGINT) during an import prints one line, exits 130 and leaves the store exactly
as it was (and no temporary files); SIGKILL while the import is writing the store file leaves, after
DuckDB's recovery, exactly what the store held before, and the store stays usable; a second process
opening a store that another one is writing (or analysing) gets exit 2 and "the store is in use";
SIGKILL during `discover` leaves the previous output folder whole, and the next run cleans up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import query
from .test_corpus import fingerprint

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

IN_USE = "the store is in use by another process"
SMALL = "case;activity;timestamp\nK-1;Aanvraag;2024-01-08 09:00\nK-1;Besluit;2024-01-09 09:00\n"


def procesflow(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen:
    # Ctrl-C handling as in a terminal, even when the tests themselves run in a background job (which
    # starts with SIGINT ignored, and a child would inherit that)
    return subprocess.Popen([sys.executable, "-m", "procesflow", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def run(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "procesflow", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def has_open(pid: int, path: Path) -> bool:
    """Whether process `pid` has `path` open (Linux /proc; elsewhere: after a fixed wait)."""
    fds = Path(f"/proc/{pid}/fd")
    if not fds.is_dir():
        return True
    try:
        return any(os.path.realpath(fd) == str(path.resolve()) for fd in fds.iterdir())
    except OSError:
        return False


def wait_until(condition, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the process ended (exit {proc.returncode}) before the moment to interrupt it: {err[-500:]}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("timed out waiting for the process")
        time.sleep(0.01)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """A log that takes seconds to import (about 1,000,000 events)."""
    from procesflow.sample import write_sample

    path = tmp_path_factory.mktemp("big") / "big.csv"
    write_sample(path, 70_000, seed=3)
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store that already holds a small log, which must survive everything."""
    db = tmp_path / "store.duckdb"
    (tmp_path / "small.csv").write_text(SMALL, encoding="utf-8")
    done = run("import", tmp_path / "small.csv", "--name", "earlier", "--db", db)
    assert done.returncode == 0, done.stderr
    return db


def assert_as_before(db: Path, before: dict[str, str]) -> None:
    assert fingerprint(db) == before
    assert query(db, "SELECT log, count(*) FROM events GROUP BY log") == [("earlier", 2)]
    # still a working store: the next import succeeds and sees a consistent store
    again = run("import", db.parent / "small.csv", "--name", "after", "--db", db)
    assert again.returncode == 0, again.stderr
    assert query(db, "SELECT count(*) FROM events WHERE log = 'after'") == [(2,)]


def test_sigint_during_import_leaves_the_store_as_it_was(big_csv: Path, store: Path, tmp_path: Path):
    before = fingerprint(store)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = procesflow("import", big_csv, "--db", store, env={"TMPDIR": str(tmpdir)})
    # the moment the importer opens the store it is inside the import (it opens the store to stage,
    # parse and write, which takes a second or more for this log): interrupt it right there
    wait_until(lambda: has_open(proc.pid, store), proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["interrupted; the store is unchanged"]
    assert "Traceback" not in out + err
    assert list(tmpdir.iterdir()) == [], "the transcoded copy of the log is cleaned up"
    assert_as_before(store, before)


@pytest.mark.parametrize("moment", ["while parsing", "while writing the store file"])
def test_sigkill_during_import_leaves_the_store_as_it_was(big_csv: Path, store: Path, moment: str):
    before = fingerprint(store)
    size = store.stat().st_size
    proc = procesflow("import", big_csv, "--db", store)
    if moment == "while parsing":
        wait_until(lambda: has_open(proc.pid, store), proc)
    else:
        wait_until(lambda: store.stat().st_size > size or Path(f"{store}.wal").exists(), proc)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert_as_before(store, before)


def test_a_second_process_gets_a_clear_message_while_an_import_writes(store: Path, tmp_path: Path):
    """The writer reads its log from a named pipe that nobody writes to: it holds the store for as
    long as the test needs, whatever the machine's speed."""
    before = fingerprint(store)
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    writer = procesflow("import", pipe, "--db", store)
    try:
        wait_until(lambda: has_open(writer.pid, store), writer)
        for args in (("info",), ("import", tmp_path / "small.csv", "--name", "second"), ("metrics", "earlier"),
                     ("discover", "earlier", "--out", tmp_path / "out", "--quiet")):
            done = run(*args, "--db", store)
            assert done.returncode == 2, (args, done.stderr)
            assert done.stderr.startswith("error: ") and IN_USE in done.stderr, done.stderr
            assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    finally:
        writer.send_signal(signal.SIGINT)
        _, err = writer.communicate(timeout=120)
    assert writer.returncode in (0, 130)
    if writer.returncode == 130 and "the store is unchanged" in err:
        assert fingerprint(store) == before
    else:  # the import had been committed before Ctrl-C arrived, and says so
        assert fingerprint(store) != before
        assert writer.returncode == 0 or "interrupted after the import was stored" in err, err


def test_ctrl_c_after_the_import_was_committed_says_so(cli_run, tmp_path, monkeypatch):
    """Ctrl-C while the import report is printed: the import is stored, so the message must not claim
    that the store is unchanged."""
    from procesflow import console, store

    monkeypatch.setattr(store, "_commits", 0)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(console, "print_import", interrupted)
    log = tmp_path / "log.csv"
    log.write_text("case;activity;timestamp\n1;A;2024-01-01 10:00\n1;B;2024-01-02 10:00\n")
    result = cli_run("import", log)
    assert result.exit_code == 130
    assert "interrupted after the import was stored" in result.output
    assert "the store is unchanged" not in result.output
    with store.Store(tmp_path / "store.duckdb", read_only=True) as opened:
        assert opened.log_names() == ["log"]


def test_an_import_gets_a_clear_message_while_an_analysis_reads(store: Path, tmp_path: Path):
    """A reader (an analysis holds the store read-only) blocks writers with the same clear message."""
    reader = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
         "print('open', flush=True); time.sleep(60)", str(store)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        done = run("import", tmp_path / "small.csv", "--name", "second", "--db", store)
        assert done.returncode == 2 and IN_USE in done.stderr, done.stderr
    finally:
        reader.kill()
        reader.communicate()
    assert query(store, "SELECT DISTINCT log FROM events") == [("earlier",)]


def test_sigkill_during_discover_keeps_the_previous_output(store: Path, tmp_path: Path):
    from procesflow.sample import write_sample

    log = tmp_path / "vergunningen.csv"
    write_sample(log, 300, seed=5)
    out = tmp_path / "out"
    first = run("discover", log, "--db", store, "--out", out, "--quiet")
    assert first.returncode == 0, first.stderr
    old = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    proc = procesflow("discover", log, "--db", store, "--out", out, "--quiet", "--lang", "nl")
    wait_until(lambda: any(tmp_path.glob(".out.tmp-*/*.svg")), proc, timeout=120)  # mid-way: maps written
    proc.kill()
    proc.communicate(timeout=60)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == old
    assert list(tmp_path.glob(".out.tmp-*")), "the killed run's temporary folder is still there"

    again = run("discover", log, "--db", store, "--out", out, "--quiet", "--lang", "nl")
    assert again.returncode == 0, again.stderr
    assert not list(tmp_path.glob(".out.*")), "leftovers of the killed run are removed"
    assert (out / "report.html").read_text(encoding="utf-8").count("<html") == 1
