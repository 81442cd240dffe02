"""One plotting style for every notebook: seaborn theme, a CJK font that ships with pip, minus signs,
and inline figures printed as laid out, drawn once (:func:`print_figures_as_laid_out`).

The font comes from the ``mplfonts`` wheel (Noto Sans CJK SC) and is registered with
matplotlib at run time through ``addfont``: no system package, and no font cache that can go
stale, because the font is added to the live font manager rather than discovered from a cache.
Where the system has its own Noto Sans CJK SC (Debian's fonts-noto-cjk), matplotlib may pick that
copy of the same family instead; either has every glyph the charts need (tests/test_plotting.py).
"""

from __future__ import annotations

from pathlib import Path

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")
# How notebooks print figures: on their own laid-out canvas (not cropped after a measuring draw),
# at zlib level 3 rather than PIL's 6 (on our charts: 27% less CPU to encode, 4% smaller files)
INLINE_PRINT_OPTIONS = {"bbox_inches": None, "pil_kwargs": {"compress_level": 3}}


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
    print_figures_as_laid_out()  # first: wiring the inline backend in may apply its own rc settings
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
        # Titles sit just above the axes. Left automatic (None), matplotlib measures every tick
        # label of the Axes and its twins at each draw to see whether the title must move up:
        # a fifth of a text-heavy chart's drawing time, for charts with no ticks above the axes
        # and, with no offset text ("+3.4e3") beside the top tick, nothing there to avoid.
        "axes.titley": 1.0,
        "axes.formatter.useoffset": False,
    })
    return family


def print_figures_as_laid_out() -> None:
    """Under IPython's inline backend, print each figure as laid out: one draw, no measuring draw.

    Left as they are, a figure a cell leaves open is drawn three times: by pyplot's after-cell
    hook, then by the printer's measuring draw (for the backend's ``bbox_inches="tight"`` crop,
    or for any figure still holding a layout engine, even the inert placeholder
    ``fig.tight_layout()`` leaves behind), then for the PNG. Our figures are laid out once (the
    notebook's ``fig.tight_layout()``, or :func:`laid_out`) to fit their canvas, so they print
    with ``bbox_inches=None``, without that placeholder, before the hook. Outside IPython, or
    with another backend, nothing changes.
    """
    import sys
    from functools import partial

    import matplotlib

    if "IPython" not in sys.modules:  # no shell can exist; importing IPython would cost time
        return
    from IPython import get_ipython

    shell = get_ipython()
    # the backend asked for, not resolved (resolving it would import pyplot): as matplotlib_inline reads it
    asked = (matplotlib.get_backend(auto_select=False) if matplotlib.__version_info__ >= (3, 10)
             else matplotlib.rcParams._get("backend"))
    if shell is None or asked not in INLINE_BACKENDS:
        return
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import InlineBackend, flush_figures

    # The import above wired the backend into the shell if it was not yet (setting its own PNG
    # printer, replaced below). After each cell pyplot's hook draws every changed figure
    # (interactive mode) and the backend's prints them: print first, which closes them.
    after_cell = shell.events.callbacks["post_execute"]
    if flush_figures in after_cell:
        after_cell.remove(flush_figures)
        after_cell.insert(0, flush_figures)
    config = InlineBackend.instance(parent=shell)
    config.print_figure_kwargs = {**config.print_figure_kwargs, **INLINE_PRINT_OPTIONS}
    select_figure_formats(shell, config.figure_formats, **config.print_figure_kwargs)
    if "png" in config.figure_formats:
        shell.display_formatter.formatters["image/png"].for_type(
            Figure, partial(_print_png, **config.print_figure_kwargs))


def _print_png(fig, **options):
    """IPython's PNG printer, for a figure whose layout is done (see print_figures_as_laid_out)."""
    from IPython.core.pylabtools import print_figure
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)  # lays nothing out, yet would make matplotlib draw the figure twice
    return print_figure(fig, fmt="png", base64=True, **options)


def new_axes(ax=None, figsize=None):
    """``ax`` itself, or the Axes of a new figure (``figsize``; the rc default when None)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize)[1]


def laid_out(ax, own: bool):
    """``ax``, its figure laid out (``tight_layout``) when the plot function made that figure.

    Notebooks print each figure as laid out, with no measuring draw to crop it (see
    :func:`set_style`), so a figure must fit its canvas: a plot function lays out the figure it
    created; one it was handed (``ax=``) is laid out once by its maker, after every panel is drawn.
    """
    if own:
        ax.figure.tight_layout()
    return ax


def heatmap(values, ax, *, row_labels, col_labels, cmap, norm=None, annot=None, annot_size: float | None = None,
            linewidths: float = 0.0, linecolor: str = "white", colorbar: dict | None = None):
    """A cell grid drawn with matplotlib alone: rows top to bottom, NaN cells left blank.

    What ``seaborn.heatmap`` drew for us (its import brought scipy and statsmodels into every
    kernel that drew one): one coloured cell per value, labels at the cell centres, no spines,
    ``annot`` (strings, same shape) printed in dark or white ink by the cell's luminance, and an
    optional colour bar (``colorbar``: keyword arguments of ``Figure.colorbar``). Returns the mesh.
    """
    import numpy as np
    from matplotlib import colors as mcolors

    data = np.ma.masked_invalid(np.asarray(values, dtype=float))
    nrows, ncols = data.shape
    mesh = ax.pcolormesh(np.arange(ncols + 1), np.arange(nrows + 1), data, cmap=cmap, norm=norm,
                         edgecolors=linecolor if linewidths else "face", linewidth=linewidths)
    ax.set_xlim(0, ncols)
    ax.set_ylim(nrows, 0)  # the first row on top, as in the table
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks(np.arange(ncols) + 0.5, [str(c) for c in col_labels])
    ax.set_yticks(np.arange(nrows) + 0.5, [str(r) for r in row_labels], rotation=0, va="center")
    if annot is not None:
        shades, blank = mesh.to_rgba(data), np.ma.getmaskarray(data)
        for (i, j), text in np.ndenumerate(np.asarray(annot, dtype=object)):
            if blank[i, j] or not text:
                continue
            r, g, b = mcolors.to_rgb(shades[i, j])
            # relative luminance (WCAG), the rule seaborn used to pick the ink
            lum = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
            ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize=annot_size,
                    color=".15" if lum > 0.408 else "w")
    if colorbar is not None:
        bar = ax.figure.colorbar(mesh, ax=ax, **colorbar)
        bar.outline.set_linewidth(0)
    return mesh


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4


def plot_coverage(coverage, ax=None, title: str | None = None):
    """Heatmap of reported months (enterprise × month); gaps show as white. Returns the Axes."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    own = ax is None
    ax = new_axes(ax, figsize=(10, 0.35 * max(len(coverage), 4) + 1.2))
    heatmap(coverage.to_numpy(), ax, row_labels=coverage.index, col_labels=coverage.columns,
            cmap=ListedColormap(["#ffffff", "#4c72b0"]), norm=plt.Normalize(0, 1), linewidths=0.2,
            linecolor="#dddddd")
    step = max(1, coverage.shape[1] // 12)
    ax.set_xticks([i + 0.5 for i in range(0, coverage.shape[1], step)])
    ax.set_xticklabels(list(coverage.columns[::step]), rotation=45, ha="right")
    ax.set_xlabel("")
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return laid_out(ax, own)
