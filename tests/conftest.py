"""Test session set-up.

- The real ``data/processed`` is never read or written: for the whole session the library's
  processed paths point into a temporary folder (``PROCESSED_DIR``, ``PANEL_FILE``,
  ``QUALITY_FILE``, and ``SOE_ANALYSIS_PANEL`` for child processes), so a researcher's open
  JupyterLab keeps its panel while tests run.
- ``shipped_panel`` ingests the shipped ``data/raw`` into that folder once per session.
- ``notebook_run`` executes each notebook × parameters once per session; ``shipped_run`` does
  so on the shipped panel, passed as the notebook's ``panel_path`` parameter.
- Under pytest-xdist (``--dist loadgroup``) the tests sharing a notebook run or a module
  fixture that executes notebooks go to one worker, so nothing runs twice.
"""

from __future__ import annotations

import matplotlib
import pytest

from tests.nbrun import NOTEBOOKS, NotebookRuns

matplotlib.use("Agg")  # this process only: notebook kernels get the inline backend (tests/nbrun.py)


def pytest_itemcollected(item):
    """A notebook or browser test without a group joins its module's (xdist reads groups later)."""
    slow = item.get_closest_marker("notebook") or item.get_closest_marker("browser")
    if slow and not item.get_closest_marker("xdist_group"):
        item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session", autouse=True)
def processed_dir(tmp_path_factory):
    """The session's stand-in for data/processed (empty until ``shipped_panel`` ingests)."""
    from soe_analysis import config

    folder = tmp_path_factory.mktemp("processed")
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
    result = ingest(config.FLASH_REPORTS_DIR, processed_dir)
    assert result.ok, result.quality.head(10).to_string()
    return config.PANEL_FILE


@pytest.fixture(scope="session")
def notebook_run(tmp_path_factory):
    """``notebook_run(name, **parameters)``: the session's one run of that notebook (NotebookRun)."""
    return NotebookRuns(tmp_path_factory.mktemp("notebooks"))


@pytest.fixture(scope="session")
def shipped_run(notebook_run, shipped_panel):
    """``shipped_run(name, **parameters)``: a notebook run on the shipped panel (its ``panel_path``)."""
    from soe_analysis.report.notebook_params import notebook_parameters

    def run(name: str, **parameters):
        if "panel_path" in notebook_parameters(NOTEBOOKS / name):
            parameters.setdefault("panel_path", str(shipped_panel))
        return notebook_run(name, **parameters)

    return run
