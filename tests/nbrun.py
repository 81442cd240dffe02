"""Executing a project notebook under papermill for tests, returning its recorded key figures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import papermill as pm

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_notebook(name: str, tmp_path: Path, parameters: dict | None = None, env: dict | None = None,
                 timeout: int = 300) -> dict:
    """Run ``notebooks/<name>`` into tmp_path; returns the key figures it recorded."""
    figures = tmp_path / f"{Path(name).stem}.keyfigures.json"
    saved = dict(os.environ)
    os.environ.update({"SOE_ANALYSIS_KEYFIGURES": str(figures), **(env or {})})
    try:
        pm.execute_notebook(str(NOTEBOOKS / name), str(tmp_path / name), parameters=parameters or {},
                            kernel_name="python3", cwd=str(NOTEBOOKS), execution_timeout=timeout,
                            progress_bar=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return json.loads(figures.read_text(encoding="utf-8")) if figures.exists() else {}
