"""Executing a project notebook under papermill for tests.

``run_notebook`` runs one notebook and returns its recorded key figures. ``NotebookRuns`` (the
session fixture ``notebook_run`` in conftest) runs each notebook × parameters once per test session
and hands every test the same :class:`NotebookRun`, so several tests can assert on one run.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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

    def notebook(self):
        import nbformat

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
        import papermill as pm  # here, not at the top: collection (every xdist worker) skips its import

        pm.execute_notebook(str(NOTEBOOKS / name), str(out_dir / name), parameters=parameters or {},
                            kernel_name="python3", cwd=str(NOTEBOOKS), execution_timeout=timeout,
                            progress_bar=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    recorded = json.loads(figures.read_text(encoding="utf-8")) if figures.exists() else {}
    return NotebookRun(name, dict(parameters or {}), recorded, out_dir / name)


class NotebookRuns:
    """Each notebook × parameters executed once per test session, even across pytest-xdist workers.

    Runs live in ``folder`` (shared by the workers); a lock per run makes a second worker asking
    for a run in progress wait for it and then read its result instead of executing it again.
    A failed run is re-raised to every test that asks for it.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, name: str, **parameters) -> NotebookRun:
        key = json.dumps([name, parameters], sort_keys=True, default=str)
        folder = self.folder / f"{Path(name).stem}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
        folder.mkdir(parents=True, exist_ok=True)
        record = folder / "run.json"
        with locked(folder / ".lock"):
            if not record.exists():
                try:
                    result = {"figures": execute(name, folder, parameters).figures, "error": None}
                except Exception as exc:  # noqa: BLE001 - kept and re-raised to each test that asks
                    result = {"figures": {}, "error": f"{type(exc).__name__}: {exc}"}
                record.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        result = json.loads(record.read_text(encoding="utf-8"))
        if result["error"]:
            raise RuntimeError(f"{name} {parameters} failed: {result['error']}")
        return NotebookRun(name, dict(parameters), result["figures"], folder / name)


@contextmanager
def locked(path: Path):
    """An exclusive lock on ``path`` between processes (POSIX); without fcntl, no lock."""
    try:
        import fcntl
    except ImportError:  # Windows: each worker then runs its own copy
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
