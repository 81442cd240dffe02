"""The test session keeps out of the researcher's data/processed (tests/conftest.py)."""

from __future__ import annotations

import os

from soe_analysis import config
from soe_analysis.cli import main


def _snapshot(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*")} if folder.exists() else {}


def test_default_paths_point_into_the_session_folder(processed_dir):
    assert processed_dir != config.PACKAGE_DIR.parent / "data" / "processed"
    assert config.PANEL_FILE == processed_dir / "panel.parquet"
    assert config.QUALITY_FILE.parent == processed_dir
    assert os.environ["SOE_ANALYSIS_PANEL"] == str(config.PANEL_FILE)  # kernels and CLI subprocesses too


def test_ingest_with_its_defaults_leaves_data_processed_alone(processed_dir, capsys):
    real = config.PACKAGE_DIR.parent / "data" / "processed"
    before = _snapshot(real)
    assert main(["ingest"]) == 0
    assert str(processed_dir / "panel.parquet") in capsys.readouterr().out
    assert (processed_dir / "data_quality.csv").exists()
    assert _snapshot(real) == before
