"""Test session set-up: the processed panel is rebuilt from the shipped raw data once per session,
exactly as `make ingest` would, so tests on the shipped data never skip on a fresh clone and never
read a panel left by older code."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")  # this process only: notebook kernels keep their inline backend, so charts are embedded


@pytest.fixture(scope="session", autouse=True)
def shipped_panel():
    from soe_analysis import config
    from soe_analysis.io.ingest import ingest
    from soe_analysis.io.reading import find_raw_files

    raw = find_raw_files(config.FLASH_REPORTS_DIR) if config.FLASH_REPORTS_DIR.exists() else []
    if not raw:
        return None
    result = ingest()
    assert result.ok, result.quality.head(10).to_string()
    return config.PANEL_FILE
