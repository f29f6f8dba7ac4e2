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
