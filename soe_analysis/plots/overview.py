"""Charts of the overview (notebook 01): balance sheet, YTD by year, national comparison, risk bands.

Every function takes ``ax=None`` (a new figure when not given), draws, and returns the Axes; the
numbers come from :mod:`soe_analysis.overview`, :mod:`soe_analysis.national` and
:mod:`soe_analysis.risk`, which compute only. Amounts are 亿元; labels follow ``lang``. Call
:func:`soe_analysis.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import format_number as fmt
from ..metrics import is_number as _finite
from ..overview import same_month_by_year
from ..periods import ytd_label
from ..risk import matrix
from .style import heatmap, laid_out, new_axes

BAND_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")  # band 1 (low risk) … 5


def plot_balance_sheet(totals: pd.DataFrame, ax=None, lang: str = "zh"):
    """Total assets and equity (亿元, left axis) and the debt ratio (%, right axis) by month."""
    import matplotlib.dates as mdates

    own = ax is None
    ax = new_axes(ax)
    x = totals.index.to_timestamp(how="end")
    zh = lang == "zh"
    ax.plot(x, totals["total_assets"], label="资产总额" if zh else "Total assets")
    ax.plot(x, totals["equity"], label="所有者权益" if zh else "Owners' equity")
    ax.set_ylabel("亿元" if zh else "RMB yi (亿元)")
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    right = ax.twinx()
    right.plot(x, totals["debt_ratio_pct"], color="#c44e52", linestyle="--",
               label="资产负债率（右轴，%）" if zh else "Debt ratio (right, %)")
    right.set_ylabel("%")
    right.grid(False)
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left")
    ax.set_title("资产、权益与资产负债率（月末）" if zh else "Assets, equity and debt ratio (month-end)")
    return laid_out(ax, own)


def plot_ytd_by_year(totals: pd.DataFrame, month: int, ax=None, lang: str = "zh"):
    """Bars: YTD revenue and total profit at the same month of each year (亿元)."""
    data = same_month_by_year(totals, month)
    own = ax is None
    ax = new_axes(ax)
    zh = lang == "zh"
    span = ytd_label(pd.Period(year=2000, month=month, freq="M"), lang)
    years = np.arange(len(data))
    width = 0.38
    ax.bar(years - width / 2, data["revenue_ytd"], width, label="营业收入" if zh else "Revenue")
    ax.bar(years + width / 2, data["total_profit_ytd"], width, label="利润总额" if zh else "Total profit")
    for x, v in zip(years + width / 2, data["total_profit_ytd"]):
        if _finite(v):
            ax.annotate(fmt(v), (x, v), ha="center", va="bottom" if v >= 0 else "top", fontsize=8)
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_xticks(years, [str(y) for y in data.index])
    ax.set_ylabel("亿元" if zh else "RMB yi (亿元)")
    ax.set_title(f"各年{span}累计营业收入与利润总额" if zh else f"Revenue and total profit, {span} of each year")
    ax.legend()
    return laid_out(ax, own)


def plot_growth_comparison(comparison: pd.DataFrame, ax=None, *, measure: str = "revenue", lang: str = "zh"):
    """Grouped bars of YTD YoY growth (%) by release month: the city beside the national series.

    Returns the matplotlib Axes. Months where a value is missing show no bar.
    """
    data = comparison[comparison["measure"] == measure].dropna(subset=["yoy_pct"])
    own = ax is None
    ax = new_axes(ax, figsize=(9, 4))
    if data.empty:
        ax.text(0.5, 0.5, "无可比月份" if lang == "zh" else "no comparable months", ha="center",
                va="center", transform=ax.transAxes)
        return laid_out(ax, own)
    order = list(dict.fromkeys(comparison.sort_values(["year", "month"])["period_label"]))
    hue_order = list(dict.fromkeys(comparison.sort_values("scope", key=lambda s: s.ne("city"), kind="stable")["series"]))
    _grouped_bars(ax, data.set_index(["period_label", "series"])["yoy_pct"], order, hue_order)
    ax.axhline(0, color="#444444", linewidth=0.8)
    what = {"revenue": ("营业收入", "revenue"), "profit": ("利润总额", "total profit")}[measure]
    city = comparison.loc[comparison["scope"] == "city", "dataset"]
    city = city.iloc[0] if len(city) else "user"
    if lang == "zh":
        city_zh = {"demonstration": "演示数据", "real": "真实数据"}.get(city, "用户数据")
        ax.set_title(f"{what[0]}累计同比增速：本市（{city_zh}）与全国国企（财政部发布，真实数据）")
        ax.set_ylabel("同比增速（%）")
    else:
        city_en = {"demonstration": "demonstration", "real": "real"}.get(city, "user data")
        ax.set_title(f"YTD {what[1]} growth: city ({city_en}) vs national SOEs (MoF, real)")
        ax.set_ylabel("YoY growth (%)")
    ax.set_xlabel("")
    ax.tick_params(axis="x", rotation=30)
    ax.legend(title="")
    return laid_out(ax, own)


def plot_risk_matrix(assessed: pd.DataFrame, ax=None, lang: str = "zh", *, thresholds: pd.DataFrame | None = None):
    """Heatmap of bands (1 green … 5 red; blank = not computable), scores on the row labels.

    Returns the matplotlib Axes.
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap

    table = matrix(assessed, lang, thresholds=thresholds)
    score_col = table.columns[-1]
    bands = table.drop(columns=score_col)
    own = ax is None
    ax = new_axes(ax, figsize=(1.0 + 0.9 * bands.shape[1], 0.9 + 0.45 * bands.shape[0]))
    cmap = ListedColormap(BAND_COLOURS)
    norm = BoundaryNorm([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], cmap.N)
    heatmap(bands.to_numpy(dtype=float), ax, row_labels=bands.index, col_labels=bands.columns, cmap=cmap,
            norm=norm, annot=bands.map(lambda v: "" if pd.isna(v) else f"{v:.0f}").to_numpy(),
            linewidths=0.5, linecolor="white")
    ax.set_facecolor("#eeeeee")
    ax.set_yticklabels([f"{name} ({'—' if pd.isna(s) else f'{s:.1f}'})" for name, s in table[score_col].items()],
                       rotation=0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=35, ha="right")
    as_of = assessed.attrs.get("as_of", "")
    ax.set_title(f"风险档位（1低 … 5高），{as_of}；括号内为综合得分" if lang == "zh"
                 else f"Risk bands (1 low … 5 high), {as_of}; overall score in brackets")
    ax.set_xlabel("")
    ax.set_ylabel("")
    return laid_out(ax, own)


def _grouped_bars(ax, values: pd.Series, order: list, hue_order: list, width: float = 0.8):
    """Bars of ``values`` (indexed by category, series) side by side per category, one colour per
    series in ``hue_order``, a legend entry for each; a missing value leaves its slot empty."""
    x = np.arange(len(order))
    step = width / max(len(hue_order), 1)
    for i, name in enumerate(hue_order):
        heights = np.array([values.get((cat, name), np.nan) for cat in order], dtype=float)
        shown = np.isfinite(heights)  # no patch at all for a gap (a NaN bar misleads legend placement)
        ax.bar((x - width / 2 + step * (i + 0.5))[shown], heights[shown], step, label=name, color=f"C{i}")
    ax.set_xticks(x, order)
    ax.set_xlim(-0.5, len(order) - 0.5)
    ax.xaxis.grid(False)  # categories: only the value axis keeps its grid
