"""Paths and defaults, built from the package's own location.

JupyterLab, papermill and the command line all resolve the same files, wherever they are
started from. ``SOE_ANALYSIS_HOME`` overrides the project root (a copy of the project elsewhere).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("SOE_ANALYSIS_HOME", PACKAGE_DIR.parent)).resolve()

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
FLASH_REPORTS_DIR = RAW_DIR / "flash_reports"
ALIASES_FILE = RAW_DIR / "enterprise_aliases.csv"
REFERENCE_DIR = RAW_DIR / "reference"
NATIONAL_SOE_FILE = REFERENCE_DIR / "mof_soe_monthly_2013_2021.csv"
LPR_FILE = REFERENCE_DIR / "lpr.csv"
REFINANCING_DIR = RAW_DIR / "refinancing"
REGISTER_FILE = REFINANCING_DIR / "融资置换台账_2022.csv"
REMAINING_DEBT_FILE = REFINANCING_DIR / "存量高息融资_2022年10月末.csv"

PROCESSED_DIR = DATA_DIR / "processed"
# SOE_ANALYSIS_PANEL points notebooks at another panel (the report batch sets it for --panel).
PANEL_FILE = Path(os.environ.get("SOE_ANALYSIS_PANEL") or PROCESSED_DIR / "panel.parquet").resolve()
QUALITY_FILE = PROCESSED_DIR / "data_quality.csv"

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"

# Tolerance for identities of separately rounded 万元 figures: ±1 万元 per line involved.
ROUNDING_TOLERANCE_WAN = 1.0

DEFAULT_AS_OF = "2022-10"
DEFAULT_LANG = "zh"
