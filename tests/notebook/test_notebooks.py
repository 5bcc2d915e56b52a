"""Every notebook executes top to bottom, offline, on a copy of the repository, and re-running
the shipped review's notebooks changes no evidence file (the API calls are idempotent)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MAX_COMMITTED_BYTES = 300_000

pytestmark = pytest.mark.slow


def _digest(root: Path) -> dict[str, str]:
    out = {}
    for sub in ("evidence", "references.bib"):
        base = root / sub
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for p in files:
            if ".lock" in p.name or "screening" in p.parts and p.name.startswith("."):
                continue
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_there_are_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"00-overview", "01-circulation", "02-stress", "03-pain", "04-sleep", "05-mood",
            "06-export"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_bulky_outputs(path):
    assert path.stat().st_size < MAX_COMMITTED_BYTES
    nb = json.loads(path.read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")


def test_notebooks_run_offline_and_are_idempotent(repo_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("REVIEWTOOLS_ROOT", str(repo_copy))
    monkeypatch.setenv("REVIEWTOOLS_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the kernel imports this checkout's library
    before = _digest(repo_copy)
    for path in sorted((repo_copy / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert errors == [], f"{path.name}: {errors[:1]}"
    after = _digest(repo_copy)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                     and not k.startswith("exports"))
    assert changed == [], f"re-running the notebooks changed: {changed[:10]}"
    assert os.environ["REVIEWTOOLS_OFFLINE"] == "1"
