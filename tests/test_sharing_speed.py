"""Kernels import only what they use: the plotting style costs no seaborn, scipy or statsmodels, and
the targets' forecasts no statsmodels or scipy.stats.

One fresh interpreter answers both questions, in order: what the style, the charts and the readers
load, then what a targets evaluation adds on top (a start-up and a pandas import per question
would cost about a second each in every test run).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("seaborn", "scipy", "statsmodels", "mplfonts")
FORECAST_HEAVY = ("statsmodels", "scipy.stats")

_PROBE = f"""import sys, json
def loaded(names):
    print(json.dumps(sorted(m for m in names if m in sys.modules)))
from soe_analysis.plots.style import set_style
set_style()
from soe_analysis import display, drivers, financing, overview, targets, backtest
from soe_analysis.io import panel, register, validation
from soe_analysis.plots import drivers, financing, overview, style
loaded({HEAVY!r})
from tests.synthpanel import forecast_panel
targets.evaluate_targets(forecast_panel('2023-06'), '2022-10', target_year=2023, n_sims=50)
loaded({FORECAST_HEAVY!r})
"""


def _probe() -> tuple[list[str], list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    style_and_readers, after_targets = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    return style_and_readers, after_targets


def test_set_style_charts_readers_and_targets_import_no_heavy_library():
    style_and_readers, after_targets = _probe()
    assert style_and_readers == []  # set_style, every chart module and the readers
    assert after_targets == []  # and then evaluating targets: no statsmodels, no scipy.stats
