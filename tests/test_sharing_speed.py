"""Kernels import only what they use: the plotting style costs no seaborn, scipy or statsmodels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("seaborn", "scipy", "statsmodels", "mplfonts")


def _modules_after(code: str) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "PATH": ""})
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_set_style_and_the_readers_import_no_heavy_library():
    code = ("from soe_analysis.plots.style import set_style\nset_style()\n"
            "from soe_analysis import display, drivers, financing, overview, targets, backtest\n"
            "from soe_analysis.io import panel, register, validation")
    assert _modules_after(code) == []


def test_set_style_is_seaborns_whitegrid_theme():
    import matplotlib as mpl
    import seaborn as sns
    from matplotlib.colors import to_hex

    from soe_analysis.plots.style import set_style

    with mpl.rc_context():
        set_style()
        ours = dict(mpl.rcParams)
    with mpl.rc_context():
        sns.set_theme(context="notebook", style="whitegrid", palette="deep")
        set_style(context="paper")  # the project's own settings on top; then compare the theme part
        sns.set_theme(context="notebook", style="whitegrid", palette="deep")
        theirs = dict(mpl.rcParams)
    differs = {k for k in ours if ours[k] != theirs[k]}
    # image.cmap is seaborn's "rocket", registered only by importing seaborn: the default is kept
    assert differs - {"axes.prop_cycle", "image.cmap", "font.sans-serif", "font.family", "axes.unicode_minus",
                      "figure.dpi", "savefig.dpi", "figure.figsize", "axes.titleweight", "figure.titleweight",
                      "axes.titley", "axes.formatter.useoffset"} == set()
    assert [to_hex(c["color"]) for c in ours["axes.prop_cycle"]] == [to_hex(c) for c in sns.color_palette("deep")]
