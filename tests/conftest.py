"""Test session set-up.

- The real ``data/processed`` is never read or written: for the whole session the library's
  processed paths point into a temporary folder (``PROCESSED_DIR``, ``PANEL_FILE``,
  ``QUALITY_FILE``, and ``SOE_ANALYSIS_PANEL`` for child processes), so a researcher's open
  JupyterLab keeps its panel while tests run.
- ``shipped_panel`` ingests the shipped ``data/raw`` into that folder once per session.
- ``shipped_batch`` runs every notebook through the report batch once per session, for 2022-10
  on the shipped panel; the page, index and workbook tests read it.
- ``notebook_run`` executes each notebook × parameters once per session; ``shipped_run`` does
  so on the shipped panel, passed as the notebook's ``panel_path`` parameter. A run whose
  parameters are the batch's (2022-10, zh, the shipped panel) is the batch's own executed
  notebook: the same notebook with the same parameters is not executed twice.
- Under pytest-xdist the workers share that folder and the notebook runs (``--dist loadfile``
  keeps each module's fixtures on one worker), so nothing is ingested or executed twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import matplotlib
import pytest

import soe_analysis.report  # noqa: F401 - first: it spares nbformat a 2 s import (see its note)
from tests.nbrun import NOTEBOOKS, NotebookRun, NotebookRuns, locked

matplotlib.use("Agg")  # this process only: kernels keep the inline backend (see processed_dir)


def _shared_root(tmp_path_factory):
    """This session's temporary folder, shared by its xdist workers (each has a subfolder of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def processed_dir(tmp_path_factory):
    """The session's stand-in for data/processed (empty until ``shipped_panel`` ingests)."""
    from soe_analysis import config

    folder = _shared_root(tmp_path_factory) / "processed"
    folder.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(config, "PROCESSED_DIR", folder)
        mp.setattr(config, "PANEL_FILE", folder / "panel.parquet")
        mp.setattr(config, "QUALITY_FILE", folder / "data_quality.csv")
        mp.setenv("SOE_ANALYSIS_PANEL", str(folder / "panel.parquet"))
        # kernels (ours and the batch's) inherit the environment: an exported MPLBACKEND=Agg would
        # keep charts out of executed notebooks and shared reports
        mp.delenv("MPLBACKEND", raising=False)
        yield folder


@pytest.fixture(scope="session")
def shipped_panel(processed_dir):
    """The panel ingested from the shipped data/raw, exactly as `make ingest` builds it."""
    from soe_analysis import config
    from soe_analysis.io.ingest import ingest
    from soe_analysis.io.reading import find_raw_files

    if not (config.FLASH_REPORTS_DIR.exists() and find_raw_files(config.FLASH_REPORTS_DIR)):
        pytest.skip("no shipped flash reports in data/raw")
    with locked(processed_dir.parent / "processed.lock"):  # one worker ingests, the others wait
        if not config.PANEL_FILE.exists():
            result = ingest(config.FLASH_REPORTS_DIR, processed_dir)
            assert result.ok, result.quality.head(10).to_string()
    return config.PANEL_FILE


BATCH_PERIOD = "2022-10"  # the published figures' month: the batch and the notebooks' default as_of


@pytest.fixture(scope="session")
def shipped_batch(tmp_path_factory, shipped_panel):
    """Every notebook through ``report`` for 2022-10 on the shipped panel, once per session (a
    BatchResult; under xdist one worker runs it, the others read its manifest)."""
    from soe_analysis import config, report

    folder = _shared_root(tmp_path_factory) / "shipped-batch"
    folder.mkdir(exist_ok=True)
    record = folder / "result.json"
    with locked(folder / ".lock"):
        if not record.exists():
            result = report.run_batch([report.ReportPeriod(BATCH_PERIOD, BATCH_PERIOD)],
                                      notebooks_dir=config.NOTEBOOKS_DIR, out_dir=folder / "reports", jobs=2,
                                      panel_path=shipped_panel, dataset="demonstration", progress=False)
            record.write_text(json.dumps({"out_dir": str(result.out_dir), "index": str(result.index),
                                          "periods": result.periods}, ensure_ascii=False, default=str),
                              encoding="utf-8")
    saved = json.loads(record.read_text(encoding="utf-8"))
    return report.BatchResult(Path(saved["out_dir"]), Path(saved["index"]), saved["periods"])


def _batch_run(request, name: str, parameters: dict) -> NotebookRun | None:
    """The batch's executed ``name`` when ``parameters`` are the batch's own; None otherwise."""
    from soe_analysis import config
    from soe_analysis.report.notebook_params import notebook_parameters

    declared = notebook_parameters(NOTEBOOKS / name)
    given = {"as_of": BATCH_PERIOD, "lang": "zh", "panel_path": str(config.PANEL_FILE)}  # what the batch passes
    if set(parameters) - set(declared) or any(parameters.get(key, p.default) != given.get(key, p.default)
                                              for key, p in declared.items()):
        return None
    result = request.getfixturevalue("shipped_batch")
    [manifest] = result.periods
    entry = next(nb for nb in manifest["notebooks"] if nb["notebook"] == Path(name).stem)
    if entry["status"] != "ok":
        raise RuntimeError(f"{name} failed in the session's batch: {entry.get('error')}")
    folder = result.out_dir / BATCH_PERIOD
    figures = json.loads((folder / f"{Path(name).stem}.keyfigures.json").read_text(encoding="utf-8"))
    return NotebookRun(name, dict(parameters), figures, folder / name)


@pytest.fixture(scope="session")
def notebook_run(tmp_path_factory, request):
    """``notebook_run(name, **parameters)``: the session's one run of that notebook (NotebookRun)."""
    runs = NotebookRuns(_shared_root(tmp_path_factory) / "notebook-runs")

    def run(name: str, **parameters):
        return _batch_run(request, name, parameters) or runs(name, **parameters)

    return run


@pytest.fixture(scope="session")
def shipped_run(notebook_run, shipped_panel):
    """``shipped_run(name, **parameters)``: a notebook run on the shipped panel (its ``panel_path``)."""
    from soe_analysis.report.notebook_params import notebook_parameters

    def run(name: str, **parameters):
        if "panel_path" in notebook_parameters(NOTEBOOKS / name):
            parameters.setdefault("panel_path", str(shipped_panel))
        return notebook_run(name, **parameters)

    return run
