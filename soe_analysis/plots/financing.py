"""Charts and bilingual table labels for the refinancing-savings notebook.

Every plot function takes ``ax=None``, draws, and returns the Axes; call
:func:`soe_analysis.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import pandas as pd

from ..io.register import instrument_label
from ..text.labels import label, labels
from .style import laid_out, new_axes


def labelled(frame: pd.DataFrame, lang: str = "zh", columns=None) -> pd.DataFrame:
    """A copy for display: chosen columns, headers in ``lang``, codes (basis, instrument,
    scenario) as words, all from the one label table :mod:`soe_analysis.text.labels`."""
    out = frame.copy()
    if "basis" in out.columns and (columns is None or "label" in columns):
        out["label"] = [label(b, lang) for b in out["basis"]]
    out = out[list(columns)] if columns is not None else out
    out = out.copy()
    if "old_instrument" in out.columns:
        out["old_instrument"] = [instrument_label(c, lang) for c in out["old_instrument"]]
    if out.index.name == "old_instrument":
        out.index = [instrument_label(c, lang) for c in out.index]
    if "scenario" in out.columns:
        out["scenario"] = [label(s, lang) for s in out["scenario"]]
    out = out.rename(columns=labels(out.columns, lang))
    if out.index.name is not None:
        out.index.name = label(out.index.name, lang)
    return out.rename(index={"Total": label("Total", lang), "total": label("total", lang)})


def _column_bars(ax, table: pd.DataFrame, width: float):
    """The bars ``table.plot.bar(ax=ax, width=width)`` draws, without pandas' plotting machinery
    (a third of these charts' cost): one group of bars per row at x = 0, 1, …, one bar and colour
    (C0, C1, …) per column, labelled with the column's name; pandas' margins and x labels."""
    import numpy as np

    x = np.arange(len(table))
    step = width / max(table.shape[1], 1)
    for i, name in enumerate(table.columns):
        ax.bar(x - width / 2 + step * (i + 0.5), table[name].to_numpy(dtype=float), step, label=str(name),
               color=f"C{i}")
    ax.set_xlim(-width / 2 - 0.25, len(table) - 1 + width / 2 + 0.25)
    ax.set_xticks(x, [str(v) for v in table.index])
    if table.index.name is not None:
        ax.set_xlabel(str(table.index.name))


def _legend_below(ax, offset: float = -0.12):
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, offset), frameon=False)


def plot_basis(table: pd.DataFrame, ax=None, lang: str = "zh"):
    """Bars: total saving on each basis, the published figure as a line."""
    own = ax is None
    ax = new_axes(ax)
    names = [label(b, lang).split("（")[0].split(" (")[0].split(":")[0] for b in table["basis"]]
    colors = ["#c0392b" if m else "#7f8c8d" for m in table["matches_published"]]
    ax.barh(names, table["saving_yi"], color=colors)
    published = (table.attrs.get("published") or {}).get("saving_yi")
    if published is not None:
        ax.axvline(published, color="#c0392b", ls="--", lw=1)
        ax.annotate(f" {'公开数' if lang != 'en' else 'published'} {published}", (published, -0.55),
                    color="#c0392b", fontsize=9, ha="left", va="bottom", annotation_clip=False)
    ax.invert_yaxis()
    ax.set_xlabel("亿元")
    ax.set_title("各口径节约利息" if lang != "en" else "Saving on each basis")
    return laid_out(ax, own)


def plot_by_group(summary: pd.DataFrame, ax=None, lang: str = "zh",
                  columns=("annual_run_rate_yi", "in_year_yi", "npv_yi")):
    """Grouped bars of savings per enterprise or instrument (亿元)."""
    own = ax is None
    ax = new_axes(ax)
    data = labelled(summary[list(columns)], lang)
    _column_bars(ax, data, width=0.8)
    ax.set_ylabel("亿元")
    ax.set_xlabel("")
    ax.tick_params(axis="x", rotation=45)
    _legend_below(ax, offset=-0.35)
    return laid_out(ax, own)


def plot_rates_vs_lpr(loans: pd.DataFrame, lpr: pd.DataFrame, ax=None, lang: str = "zh"):
    """Old and new rate of every swap against the LPR (real) in force on the swap dates."""
    own = ax is None
    ax = new_axes(ax, figsize=(7.5, 4.9))  # room for the legend below the axes
    start = loans["swap_date"].min() - pd.Timedelta(days=20)
    end = loans["swap_date"].max() + pd.Timedelta(days=20)
    steps = pd.concat([lpr[lpr["effective_date"] <= start].tail(1).assign(effective_date=start),
                       lpr[(lpr["effective_date"] > start) & (lpr["effective_date"] <= end)]])
    steps = pd.concat([steps, steps.tail(1).assign(effective_date=end)])
    en = lang == "en"
    ax.step(steps["effective_date"], steps["lpr_1y_pct"], where="post", color="#2c3e50",
            label="1年期LPR（真实）" if not en else "1Y LPR (real)")
    ax.step(steps["effective_date"], steps["lpr_5y_pct"], where="post", color="#2c3e50", ls="--",
            label="5年期以上LPR（真实）" if not en else "5Y LPR (real)")
    size = 20 + loans["amount_yi"] * 4
    ax.scatter(loans["swap_date"], loans["old_rate_pct"], s=size, color="#c0392b", alpha=0.6,
               label="原利率" if not en else "Old rate")
    ax.scatter(loans["swap_date"], loans["new_rate_pct"], s=size, color="#27ae60", alpha=0.6,
               label="新利率" if not en else "New rate")
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.set_ylabel("% / 年" if not en else "% a year")
    ax.set_title("置换前后利率与LPR（点大小=金额）" if not en else "Rates before and after vs the LPR (size = amount)")
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    return laid_out(ax, own)


def plot_scenarios(table: pd.DataFrame, ax=None, lang: str = "zh",
                   columns=("annual_run_rate_yi", "lifetime_yi", "npv_yi")):
    """Savings under the LPR scenarios."""
    own = ax is None
    ax = new_axes(ax)
    data = table.set_index("scenario")[list(columns)]
    data.index = [label(s, lang) for s in data.index]
    _column_bars(ax, labelled(data, lang), width=0.75)
    ax.set_ylabel("亿元")
    ax.tick_params(axis="x", rotation=0)
    ax.set_title("LPR情景下的节约（新增银行贷款随LPR浮动）" if lang != "en"
                 else "Savings under LPR scenarios (new bank loans float)")
    _legend_below(ax)
    return laid_out(ax, own)
