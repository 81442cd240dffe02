"""Rewrite every generated notebook: `python scripts/notebooks/make_all.py [--out DIR]`."""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for script in sorted(HERE.glob("make_[0-9]*.py")):
        runpy.run_path(str(script), run_name="__main__")
