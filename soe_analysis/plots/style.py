"""One plotting style for every notebook: seaborn theme, a CJK font that ships with pip, minus signs.

The font comes from the ``mplfonts`` wheel (Noto Sans CJK SC) and is registered with
matplotlib at run time through ``addfont``: no system package, and no font cache that can go
stale, because the font is added to the live font manager rather than discovered from a cache.
Where the system has its own Noto Sans CJK SC (Debian's fonts-noto-cjk), matplotlib may pick that
copy of the same family instead; either has every glyph the charts need (tests/test_plotting.py).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def cjk_font_path() -> Path:
    """Path of the bundled CJK font file."""
    import mplfonts

    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: CJK font missing from the mplfonts package")
    return path


def cjk_font_name() -> str:
    """Register the bundled CJK font (idempotent) and return its family name."""
    path = cjk_font_path()
    if str(path) not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def set_style(context: str = "notebook") -> str:
    """Apply the project's plotting style; returns the CJK family name in use.

    Call once at the top of a notebook. Chinese and English labels both render, and negative
    numbers show a plain hyphen-minus (some CJK fonts lack U+2212).
    """
    import seaborn as sns

    family = cjk_font_name()
    sns.set_theme(context=context, style="whitegrid", palette="deep")
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "figure.figsize": (8.0, 4.5),
        # The bundled CJK font has one weight (400): asking for bold makes matplotlib log
        # "Failed to find font weight bold" into every notebook's output. Titles stay regular.
        "axes.titleweight": "normal",
        "figure.titleweight": "normal",
    })
    return family


def plot_coverage(coverage, ax=None, title: str | None = None):
    """Heatmap of reported months (enterprise × month); gaps show as white. Returns the Axes."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.35 * max(len(coverage), 4) + 1.2))
    sns.heatmap(coverage, ax=ax, cmap=["#ffffff", "#4c72b0"], vmin=0, vmax=1, cbar=False,
                linewidths=0.2, linecolor="#dddddd")
    step = max(1, coverage.shape[1] // 12)
    ax.set_xticks([i + 0.5 for i in range(0, coverage.shape[1], step)])
    ax.set_xticklabels(list(coverage.columns[::step]), rotation=45, ha="right")
    ax.set_xlabel("")
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return ax
