"""Shared fixtures: the real public logs in ../shared/logs, a fresh store, and the CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED_LOGS = REPO.parent / "shared" / "logs"
SAMPLE_LOGS = REPO / "sample_logs"


@pytest.fixture(scope="session")
def shared_logs() -> Path:
    """The folder of real event logs; in CI its absence fails the run instead of skipping."""
    if not SHARED_LOGS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_LOGS} is missing: CI must provide the shared real logs")
        pytest.skip(f"{SHARED_LOGS} not present on this machine (CI requires it)")
    return SHARED_LOGS


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a store file that does not exist yet."""
    return tmp_path / "store.duckdb"


@pytest.fixture
def cli_run(db: Path):
    """Run the procesflow CLI in-process: cli_run("import", path, ...) -> click Result."""
    from procesflow.cli import cli

    runner = CliRunner()

    def run(*args: object, with_db: bool = True):
        argv = [str(a) for a in args]
        if with_db and "--db" not in argv:
            argv += ["--db", str(db)]
        return runner.invoke(cli, argv, catch_exceptions=False)

    return run


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def tiny_log(tmp_path: Path):
    """Build a log from rows and open it: tiny_log([("c1", "A", "2024-01-01 10:00", ...)], columns=...).

    Default columns: case, activity, timestamp (naive, read in `tz`, default UTC), then optional resource,
    department, channel, start_timestamp in that order if the rows are longer. Returns an
    `EventLog` on a read-only store, like every analysis sees it.
    """
    from procesflow.eventlog import EventLog
    from procesflow.importer import ImportRequest, import_log
    from procesflow.roles import Mapping
    from procesflow.store import Store

    opened: list[Store] = []
    counter = iter(range(1000))

    def build(rows, columns=("case", "activity", "timestamp", "resource", "department", "channel",
                             "start_timestamp"), name: str = "tiny", filters=None, tags=None, tz: str = "UTC"):
        import csv

        width = max(len(r) for r in rows)
        cols = list(columns[:width])
        path = tmp_path / f"{name}-{next(counter)}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(cols)
            for row in rows:
                writer.writerow(list(row) + [""] * (width - len(row)))
        db = tmp_path / f"{path.stem}.duckdb"
        mapping = Mapping(roles={c: c for c in cols}, tz=tz, tags=tags or {})
        with Store(db) as store:
            import_log(store, ImportRequest(source=str(path), name=name, mapping=mapping))
        store = Store(db, read_only=True)
        opened.append(store)
        return EventLog(store, name, filters)

    yield build
    for store in opened:
        store.close()
