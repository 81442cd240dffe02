"""Test session set-up.

- The real ``data/processed`` is never read or written: for the whole session the library's
  processed paths point into a temporary folder (``PROCESSED_DIR``, ``PANEL_FILE``,
  ``QUALITY_FILE``, and ``SOE_ANALYSIS_PANEL`` for child processes), so a researcher's open
  JupyterLab keeps its panel while tests run.
- ``shipped_panel`` ingests the shipped ``data/raw`` into that folder once per session.
- ``notebook_run`` executes each notebook × parameters once per session; ``shipped_run`` does
  so on the shipped panel, passed as the notebook's ``panel_path`` parameter.
- Under pytest-xdist the workers share that folder and the notebook runs (``--dist loadfile``
  keeps each module's fixtures on one worker), so nothing is ingested or executed twice.
"""

from __future__ import annotations

import os

import matplotlib
import pytest

from tests.nbrun import NOTEBOOKS, NotebookRuns, locked

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


@pytest.fixture(scope="session")
def notebook_run(tmp_path_factory):
    """``notebook_run(name, **parameters)``: the session's one run of that notebook (NotebookRun)."""
    return NotebookRuns(_shared_root(tmp_path_factory) / "notebook-runs")


@pytest.fixture(scope="session")
def shipped_run(notebook_run, shipped_panel):
    """``shipped_run(name, **parameters)``: a notebook run on the shipped panel (its ``panel_path``)."""
    from soe_analysis.report.notebook_params import notebook_parameters

    def run(name: str, **parameters):
        if "panel_path" in notebook_parameters(NOTEBOOKS / name):
            parameters.setdefault("panel_path", str(shipped_panel))
        return notebook_run(name, **parameters)

    return run
