"""The committed notebooks are their own source (edited in JupyterLab): thin and batch-ready
(kernel python3, a parameters cell of literal defaults first, stable cell ids) and committed
without outputs, as nbstripout would leave them."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_stable_cell_ids_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids), "every cell needs its own id"
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, f"cell {c.id}: outputs committed"
        assert not c.metadata.get("execution"), f"cell {c.id}: execution timing committed"


def test_a_notebook_saved_by_jupyterlab_passes(tmp_path):
    """JupyterLab rewrites language_info in full and keeps ids: that must still pass after clearing."""
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.metadata["language_info"] = {"codemirror_mode": {"name": "ipython", "version": 3},
                                   "file_extension": ".py", "mimetype": "text/x-python",
                                   "name": "python", "version": "3.11.7"}
    path = tmp_path / NOTEBOOKS[0].name
    nbformat.write(nb, path)
    test_notebook_is_batch_ready(path)
    test_notebook_has_stable_cell_ids_and_no_outputs(path)
