"""The notebooks are committed without outputs (CI executes them with nbmake: see the Makefile)."""

from __future__ import annotations

import json

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_three_notebooks_without_outputs():
    assert [p.name for p in NOTEBOOKS] == ["01-quick-start.ipynb", "02-rework-and-handoffs.ipynb",
                                           "03-improvement-proposal.ipynb"]
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert code, path
        for cell in code:
            assert cell["outputs"] == [] and cell["execution_count"] is None, f"{path.name} has outputs"
