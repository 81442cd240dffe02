"""Charts of the profit bridge: waterfalls, the enterprise × driver heatmap, rankings.

Every function takes ``ax=None`` (a new figure when not given), draws, and returns the Axes.
Amounts are 亿元; labels follow ``lang`` (``"zh"`` or ``"en"``). Call
:func:`soe_analysis.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..drivers import Bridge
from ..metrics import format_number
from ..params import check_lang
from ..text.labels import label as _label
from ..text.labels import labels as _labels
from .style import heatmap, laid_out, new_axes

UP, DOWN, LEVEL = "#3a923a", "#c03d3e", "#4c72b0"


def _num(value: float, sign: bool = False) -> str:
    """2-decimal label, half-up; a value that rounds to zero prints 0.00 (never -0.00)."""
    if pd.isna(value):
        return "n/a"
    return format_number(value, sign=sign)


def waterfall(start: float, steps: pd.Series, *, start_label: str = "", end_label: str = "",
              title: str = "", unit: str = "亿元", ax=None, annotate: bool = True):
    """A waterfall from ``start`` through the ``steps`` (label → effect) to their end.

    NaN steps are drawn as empty (their amount is counted elsewhere in the bridge). The end bar
    is ``start + Σ steps`` (NaN skipped).
    """
    own = ax is None
    ax = new_axes(ax, figsize=(8.5, 5.2))  # room for the rotated labels below the bars
    steps = pd.Series(steps, dtype=float)
    values = steps.fillna(0.0).to_numpy()
    end = start + values.sum()
    labels = [start_label, *steps.index, end_label]
    bottoms, heights, colors = [0.0], [start], [LEVEL]
    level = start
    for v in values:
        bottoms.append(level if v >= 0 else level + v)
        heights.append(abs(v))
        colors.append(UP if v >= 0 else DOWN)
        level += v
    bottoms.append(0.0)
    heights.append(end)
    colors.append(LEVEL)
    x = np.arange(len(labels))
    # a level below zero is drawn downwards from zero
    ax.bar(x, heights, bottom=bottoms, color=colors, edgecolor="white", width=0.7)
    # connectors between bars: one collection, not a line each (ax.plot's per-call cost)
    running = np.concatenate([[start], start + np.cumsum(values)])
    ax.hlines(running, x[:-1] + 0.35, x[1:] - 0.35, color="#888888", lw=0.8, capstyle="round")
    if annotate:  # above a rise or a positive level, below a fall or a negative level
        shown = [start, *steps.to_numpy(), end]
        tops = [max(b, b + h) for b, h in zip(bottoms, heights)]
        lows = [min(b, b + h) for b, h in zip(bottoms, heights)]
        span = max(np.nanmax(tops) - min(0.0, np.nanmin(lows)), 1e-9)
        for xi, v, top, low in zip(x, shown, tops, lows):
            text = _num(v, sign=xi not in (x[0], x[-1]))
            if pd.notna(v) and v < 0:
                ax.text(xi, low - span * 0.02, text, ha="center", va="top", fontsize=8)
            else:
                ax.text(xi, top + span * 0.02, text, ha="center", va="bottom", fontsize=8)
        low, high = min(0.0, np.nanmin(lows)), max(0.0, np.nanmax(tops))
        ax.set_ylim(low - 0.1 * span, high + 0.1 * span)  # room for the labels (bars' edges are sticky)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=35, ha="right")
    ax.set_ylabel(unit)
    if title:
        ax.set_title(title)
    return laid_out(ax, own)


def plot_bridge(br: Bridge, enterprise: str | None = None, *, lang: str = "zh", drop_zero: bool = True,
                ax=None):
    """Waterfall of the bridge: base profit → drivers → current profit (total or one enterprise)."""
    lang = check_lang(lang)
    if enterprise:
        steps = br.effects.loc[enterprise]
        start, who = br.profit.at[enterprise, "base"], enterprise
        start = 0.0 if pd.isna(start) else start
    else:
        steps, start, who = br.totals(), br.total_profit_base, _label("total", lang)
    if drop_zero:
        steps = steps[(steps != 0) | steps.isna()]
    steps = steps.rename(index=_labels(steps.index, lang))
    base, now = br.period_label("base", lang), br.period_label("current", lang)
    lfl = br.scope == "like_for_like"
    if lang == "zh":
        title = f"{who}利润总额变动{'（同口径，不含非经常性损益）' if lfl else ''}：{base} → {now}"
    else:
        title = f"{who}: change in total profit{' (like-for-like, excl. one-offs)' if lfl else ''}, {base} → {now}"
    return waterfall(start, steps, start_label=base, end_label=now, title=title, ax=ax)


def plot_heatmap(br: Bridge, *, lang: str = "zh", ax=None):
    """Heatmap enterprise × driver of the effects (亿元), diverging around zero, values printed.

    The colours saturate at the 90th percentile of the absolute effects (larger ones show the
    full colour); the numbers printed in the cells are the effects themselves.
    """
    import matplotlib.pyplot as plt

    lang = check_lang(lang)
    data = br.effects.loc[:, (br.effects.fillna(0) != 0).any(axis=0)]
    data = data.rename(columns=_labels(data.columns, lang))
    own = ax is None
    ax = new_axes(ax, figsize=(10, 0.45 * len(data) + 2.2))
    # colour scale saturates at the 90th percentile of |effect| so that one enterprise's large
    # revenue and cost swings do not wash out the rest; the printed values are exact
    magnitudes = np.abs(data.to_numpy(dtype=float))
    magnitudes = magnitudes[np.isfinite(magnitudes)]
    limit = float(np.percentile(magnitudes, 90)) if magnitudes.size else 1.0
    limit = limit if limit > 0 else 1.0
    heatmap(data.to_numpy(dtype=float), ax, row_labels=data.index, col_labels=data.columns, cmap="RdYlGn",
            norm=plt.Normalize(-limit, limit), annot=data.map(_num).to_numpy(), annot_size=8, linewidths=0.5,
            colorbar={"label": "亿元", "extend": "both"})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title("各企业利润变动因素（亿元）" if lang == "zh" else "Profit drivers by enterprise (亿元)")
    ax.tick_params(axis="x", rotation=35)
    for label in ax.get_xticklabels():
        label.set_ha("right")
    return laid_out(ax, own)


def plot_ranking(br: Bridge, *, lang: str = "zh", top: int = 15, by: str = "cell", ax=None):
    """Horizontal bars of the largest contributions.

    ``by="cell"``: the largest enterprise × driver effects; ``by="enterprise"``: each
    enterprise's change in total profit.
    """
    lang = check_lang(lang)
    if by == "enterprise":
        series = br.profit["change"].sort_values()
        title = "各企业利润总额变动（亿元）" if lang == "zh" else "Change in total profit by enterprise (亿元)"
    elif by == "cell":
        rank = br.ranking().head(top)
        series = pd.Series(rank["effect"].to_numpy(),
                           index=[f"{e} · {_label(d, lang)}" for e, d in zip(rank["enterprise"], rank["driver"])])
        series = series.iloc[::-1]
        title = (f"影响最大的{len(series)}项因素（亿元）" if lang == "zh"
                 else f"The {len(series)} largest contributions (亿元)")
    else:
        raise ValueError(f"by must be 'cell' or 'enterprise', got {by!r}")
    own = ax is None
    ax = new_axes(ax, figsize=(8, 0.35 * len(series) + 1.5))
    ax.barh(np.arange(len(series)), series.to_numpy(), color=[UP if v >= 0 else DOWN for v in series])
    ax.set_yticks(np.arange(len(series)))
    ax.set_yticklabels(series.index)
    ax.axvline(0, color="black", lw=0.8)
    for i, v in enumerate(series.to_numpy()):
        ax.text(v, i, f" {_num(v, sign=True)} ", va="center", ha="left" if v >= 0 else "right", fontsize=8)
    ax.set_xlabel("亿元")
    ax.set_title(title)
    return laid_out(ax, own)
