"""Pieces of the overview notebook (01_overview): KPI cards and the group's trends since 2019.

The headline paragraph is :mod:`soe_analysis.text.narrative`, the indicator sets
:mod:`soe_analysis.indicators`, the risk bands :mod:`soe_analysis.risk` and the national
comparison :mod:`soe_analysis.national`; this module holds what is left: the KPI cards
(HTML, escaped) and the group totals over time.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .metrics import format_number as fmt
from .metrics import is_number as _finite
from .params import check_lang
from .io.panel import as_of as cut_as_of
from .periods import parse_month, ytd_label
from .schema import ytd


def kpi_cards(figures: dict, lang: str = "zh") -> list[dict]:
    """The card contents (title, value, unit, note) from :func:`metrics.headline` figures."""
    lang = check_lang(lang)
    period = parse_month(figures["as_of"])
    span = ytd_label(period, lang)
    zh = lang == "zh"

    def rate(v):
        if not _finite(v):
            return ""
        return (f"同比{'+' if v >= 0 else ''}{fmt(v)}%" if zh else f"YoY {'+' if v >= 0 else ''}{fmt(v)}%")

    def change(v):
        if not _finite(v):
            return ""
        return (f"同比{'+' if v >= 0 else ''}{fmt(v)}亿元" if zh else f"YoY {'+' if v >= 0 else ''}{fmt(v)} yi")

    losers = figures.get("loss_makers", [])
    cards = [
        ("资产总额" if zh else "Total assets", figures.get("total_assets"), "亿元" if zh else "yi",
         rate(figures.get("total_assets_yoy_pct"))),
        ("所有者权益" if zh else "Owners' equity", figures.get("equity"), "亿元" if zh else "yi",
         rate(figures.get("equity_yoy_pct"))),
        ("资产负债率" if zh else "Debt ratio", figures.get("debt_ratio_pct"), "%", ""),
        (f"{span}营业收入" if zh else f"Revenue {span}", figures.get("revenue_ytd"), "亿元" if zh else "yi",
         rate(figures.get("revenue_ytd_yoy_pct"))),
        (f"{span}利润总额" if zh else f"Total profit {span}", figures.get("total_profit_ytd"),
         "亿元" if zh else "yi", change(figures.get("total_profit_ytd_change"))),
        ("亏损企业" if zh else "Loss-making groups", float(len(losers)), "家" if zh else "",
         "、".join(e["enterprise"] for e in losers) if zh else ", ".join(e["enterprise"] for e in losers)),
    ]
    return [{"title": t, "value": v, "unit": u, "note": n} for t, v, u, n in cards]


def kpi_cards_html(figures: dict, lang: str = "zh") -> str:
    """A row of small KPI cards as HTML; every text is escaped; NaN shows as —."""
    parts = []
    for card in kpi_cards(figures, lang):
        value = card["value"]
        digits = 0 if card["unit"] in ("家", "") else 2
        shown = fmt(value, digits) if _finite(value) else "—"
        parts.append(
            '<div class="soe-kpi" style="flex:1 1 150px;border:1px solid #ccd3dc;border-radius:6px;'
            'padding:8px 10px;background:#fafbfc">'
            f'<div style="font-size:12px;color:#55606e">{html.escape(card["title"])}</div>'
            f'<div style="font-size:22px;font-weight:bold">{html.escape(shown)}'
            f'<span style="font-size:12px;font-weight:normal"> {html.escape(card["unit"])}</span></div>'
            f'<div style="font-size:12px;color:#55606e">{html.escape(card["note"])}</div></div>')
    return f'<div class="soe-kpis" style="display:flex;flex-wrap:wrap;gap:8px">{"".join(parts)}</div>'


def group_totals(panel: pd.DataFrame, as_of, *, since: int = 2019) -> pd.DataFrame:
    """Monthly group totals from ``since`` to ``as_of`` (亿元; debt ratio %).

    Columns: ``total_assets, total_liabilities, equity, debt_ratio_pct, revenue_ytd,
    total_profit_ytd, n_enterprises``; index = month (Period). A total is the sum over the
    enterprises reporting that month; it is NaN when none reported the line (e.g. January
    stocks in a year whose first release was 1–2月), never 0.
    """
    period = parse_month(as_of)
    visible = cut_as_of(panel, period)
    visible = visible[visible["year"] >= since]
    cols = {"total_assets": "total_assets", "total_liabilities": "total_liabilities", "equity": "equity",
            "revenue_ytd": ytd("revenue"), "total_profit_ytd": ytd("total_profit")}
    grouped = visible.groupby("period")
    totals = pd.DataFrame({name: grouped[col].sum(min_count=1) for name, col in cols.items()})
    totals["debt_ratio_pct"] = totals["total_liabilities"] / totals["total_assets"] * 100
    totals["n_enterprises"] = grouped["enterprise"].nunique()
    totals.index = pd.PeriodIndex(totals.index, freq="M")
    return totals.sort_index()


def plot_balance_sheet(totals: pd.DataFrame, ax=None, lang: str = "zh"):
    """Total assets and equity (亿元, left axis) and the debt ratio (%, right axis) by month."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
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
    return ax


def same_month_by_year(totals: pd.DataFrame, month: int) -> pd.DataFrame:
    """The YTD flows at ``month`` of each year (e.g. 1–10月 of 2019, 2020, …), indexed by year."""
    rows = totals[totals.index.month == month]
    out = rows[["revenue_ytd", "total_profit_ytd"]].copy()
    out.index = rows.index.year
    out.index.name = "year"
    return out


def plot_ytd_by_year(totals: pd.DataFrame, month: int, ax=None, lang: str = "zh"):
    """Bars: YTD revenue and total profit at the same month of each year (亿元)."""
    import matplotlib.pyplot as plt

    data = same_month_by_year(totals, month)
    if ax is None:
        _, ax = plt.subplots()
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
    return ax


def styled(table: pd.DataFrame, digits: int = 2):
    """A DataFrame Styler that prints numbers half-up to ``digits`` and NaN as — (never nan or 0).

    Text cells and index/column labels are HTML-escaped: enterprise names come from data files.
    """
    def show(v):
        return fmt(v, digits) if _finite(v) else "—"
    return (table.style.format(show, escape="html")
            .format_index(escape="html", axis=0).format_index(escape="html", axis=1))
