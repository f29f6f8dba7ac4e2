"""The wheel built from the repo installs in a clean venv (not editable) and works."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
        check=True, capture_output=True, text=True,
    )
    (found,) = out.glob("procesflow-*.whl")
    return found


def test_wheel_keeps_connectors_and_rules_inside_the_namespace(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names}
    assert "connectors" not in top_level and "rules" not in top_level
    assert top_level <= {"procesflow", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for needed in ("procesflow/connectors/csvfile.py", "procesflow/sql/schema.sql",
                   "procesflow/sql/timestamps.sql", "procesflow/rules/__init__.py"):
        assert needed in names
    rule_files = sorted(p.name for p in (REPO / "rules").glob("*.toml"))
    assert sorted(n.split("/")[-1] for n in names if n.startswith("procesflow/rules/")
                  and n.endswith(".toml")) == rule_files
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: AGPL-3.0-or-later" in metadata


def test_wheel_installs_and_imports_in_a_clean_venv(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "clean"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "--quiet", "--disable-pip-version-check", "--no-compile", str(wheel)],
                   check=True, capture_output=True, text=True)
    exe = env_dir / "bin" / "procesflow"
    help_text = subprocess.run([str(exe), "--help"], check=True, capture_output=True, text=True)
    assert "import" in help_text.stdout
    log = tmp_path / "zaken.csv"
    log.write_text("zaaknummer;activiteit;tijdstip\nZ1;Aanvraag;01-02-2024 10:00\n"
                   "Z1;Besluit;05-02-2024 16:00\n", encoding="cp1252")
    work = tmp_path / "work"
    work.mkdir()
    run = subprocess.run([str(exe), "import", str(log)], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (work / "procesflow.duckdb").exists()  # the default store is in the working directory
    info = subprocess.run([str(exe), "info", "--json"], cwd=work, capture_output=True, text=True)
    assert '"events": 2' in info.stdout and '"cases": 1' in info.stdout
