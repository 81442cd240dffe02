"""Executing a project notebook under papermill for tests.

``run_notebook`` runs one notebook and returns its recorded key figures. ``NotebookRuns`` (the
session fixture ``notebook_run`` in conftest) runs each notebook × parameters once per test session
and hands every test the same :class:`NotebookRun`, so several tests can assert on one run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill as pm

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def run_notebook(name: str, tmp_path: Path, parameters: dict | None = None, env: dict | None = None,
                 timeout: int = 300) -> dict:
    """Run ``notebooks/<name>`` into tmp_path; returns the key figures it recorded."""
    return execute(name, tmp_path, parameters, env=env, timeout=timeout).figures


@dataclass(frozen=True)
class NotebookRun:
    """One executed notebook: the figures it recorded and the notebook with its outputs."""

    name: str
    parameters: dict
    figures: dict
    path: Path

    def notebook(self) -> nbformat.NotebookNode:
        return nbformat.read(self.path, as_version=4)

    def outputs(self) -> list[dict]:
        return [o for c in self.notebook().cells if c.cell_type == "code" for o in c.get("outputs", [])]


def execute(name: str, out_dir: Path, parameters: dict | None = None, *, env: dict | None = None,
            timeout: int = 300) -> NotebookRun:
    """Execute ``notebooks/<name>`` with ``parameters`` into ``out_dir``.

    The kernel imports this checkout's package (PYTHONPATH), whatever else is installed.
    Raises papermill's PapermillExecutionError when a cell fails.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(name).stem
    figures = out_dir / f"{stem}.keyfigures.json"
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    saved = dict(os.environ)
    os.environ.update({"PYTHONPATH": python_path, "SOE_ANALYSIS_KEYFIGURES": str(figures),
                       **(env or {})})
    try:
        pm.execute_notebook(str(NOTEBOOKS / name), str(out_dir / name), parameters=parameters or {},
                            kernel_name="python3", cwd=str(NOTEBOOKS), execution_timeout=timeout,
                            progress_bar=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    recorded = json.loads(figures.read_text(encoding="utf-8")) if figures.exists() else {}
    return NotebookRun(name, dict(parameters or {}), recorded, out_dir / name)


class NotebookRuns:
    """Each notebook × parameters executed once; a failed run is re-raised to every test asking for it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._runs: dict[tuple, NotebookRun | Exception] = {}

    def __call__(self, name: str, **parameters) -> NotebookRun:
        key = (name, tuple(sorted((k, repr(v)) for k, v in parameters.items())))
        if key not in self._runs:
            try:
                self._runs[key] = execute(name, self.folder / f"run{len(self._runs):02d}", parameters)
            except Exception as exc:  # noqa: BLE001 - kept and re-raised to each test that asks
                self._runs[key] = exc
        run = self._runs[key]
        if isinstance(run, Exception):
            raise run
        return run
