"""One plotting style for every notebook: seaborn theme, a CJK font that ships with pip, minus signs.

The font comes from the ``mplfonts`` wheel (Noto Sans CJK SC) and is registered with
matplotlib at run time through ``addfont``: no system package, and no font cache that can go
stale, because the font is added to the live font manager rather than discovered from a cache.
Where the system has its own Noto Sans CJK SC (Debian's fonts-noto-cjk), matplotlib may pick that
copy of the same family instead; either has every glyph the charts need (tests/test_plotting.py).
"""

from __future__ import annotations

from pathlib import Path

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


def cjk_font_path() -> Path:
    """Path of the bundled CJK font file."""
    from importlib.util import find_spec

    spec = find_spec("mplfonts")  # located, not imported: its import alone takes most of a second
    if spec is None or not spec.origin:
        raise FileNotFoundError("the mplfonts package (the bundled CJK font) is not installed")
    path = Path(spec.origin).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: CJK font missing from the mplfonts package")
    return path


def cjk_font_name() -> str:
    """Register the bundled CJK font (idempotent) and return its family name."""
    from matplotlib import font_manager

    path = cjk_font_path()
    if str(path) not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


# seaborn's set_theme(context="notebook", style="whitegrid", palette="deep"), written out: importing
# seaborn costs every notebook scipy and statsmodels (seconds per kernel), though few draw with it.
_DEEP = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c",
         "#ccb974", "#64b5cd"]
_THEME = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.labelsize": 12.0, "axes.linewidth": 1.25, "axes.titlesize": 12.0, "font.size": 12.0,
    "grid.color": ".8", "grid.linewidth": 1.0, "legend.fontsize": 11.0, "legend.title_fontsize": 12.0,
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "text.color": ".15", "xtick.bottom": False, "xtick.color": ".15", "xtick.labelsize": 11.0,
    "xtick.major.size": 6.0, "xtick.major.width": 1.25, "xtick.minor.size": 4.0, "xtick.minor.width": 1.0,
    "ytick.color": ".15", "ytick.labelsize": 11.0, "ytick.left": False, "ytick.major.size": 6.0,
    "ytick.major.width": 1.25, "ytick.minor.size": 4.0, "ytick.minor.width": 1.0,
}


def set_style(context: str = "notebook") -> str:
    """Apply the project's plotting style; returns the CJK family name in use.

    Call once at the top of a notebook. Chinese and English labels both render, and negative
    numbers show a plain hyphen-minus (some CJK fonts lack U+2212).
    """
    import matplotlib
    from cycler import cycler

    family = cjk_font_name()
    if context != "notebook":  # other scales: seaborn's own (rare; pays its import)
        import seaborn as sns

        sns.set_theme(context=context, style="whitegrid", palette="deep")
    else:
        matplotlib.rcParams.update({**_THEME, "axes.prop_cycle": cycler(color=_DEEP)})
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
