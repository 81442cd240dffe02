"""The committed notebooks: thin and batch-ready (kernel python3, a parameters cell of literal
defaults first, no outputs), and identical to what their generators write."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
GENERATORS = sorted((ROOT / "scripts" / "notebooks").glob("make_[0-9]*.py"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_batch_ready(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []), "the first code cell must be the parameters cell"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "outputs committed"
    names = []
    for node in ast.parse(code[0].source).body:  # literal, annotated defaults only
        assert isinstance(node, ast.AnnAssign), ast.dump(node)
        ast.literal_eval(node.value)
        names.append(node.target.id)
    assert "as_of" in names


def test_generators_reproduce_the_committed_notebooks(tmp_path):
    assert len(GENERATORS) >= 3
    for script in GENERATORS:
        subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    written = sorted(tmp_path.glob("*.ipynb"))
    assert written
    for path in written:
        assert path.read_bytes() == (ROOT / "notebooks" / path.name).read_bytes(), \
            f"{path.name} differs from its generator: edit scripts/notebooks, then `make notebooks`"
