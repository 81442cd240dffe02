"""Pieces of the overview notebook (01_overview): KPI cards and the group's trends since 2019.

The headline paragraph is :mod:`soe_analysis.text.narrative`, the indicator sets
:mod:`soe_analysis.indicators`, the risk bands :mod:`soe_analysis.risk` and the national
comparison :mod:`soe_analysis.national`, the charts :mod:`soe_analysis.plots.overview`; this
module holds what is left: the parameters, the KPI cards (HTML, escaped) and the group totals
over time.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from .metrics import debt_ratio
from .metrics import format_number as fmt
from .metrics import is_number as _finite
from .errors import UsageError
from .params import check_as_of, check_lang, fill_params
from .io.panel import as_of as cut_as_of
from .periods import parse_month, ytd_label
from .schema import ytd


@dataclass(frozen=True)
class OverviewParams:
    """Checked parameters of notebook 01 and ``soe-analysis headline``."""

    as_of: pd.Period    # the month the headline is for (YTD through it)
    lang: str = "zh"    # zh or en: the paragraph, tables and charts
    since: int = 2019   # first year of the trend charts


def check_params(panel: pd.DataFrame | None = None, **params) -> OverviewParams:
    """Check the parameters (UsageError naming the bad one); with a panel, ``as_of`` must have data."""
    raw = fill_params(OverviewParams, params, what="overview")
    as_of = check_as_of(raw["as_of"], panel)
    since = raw["since"]
    if isinstance(since, bool) or not isinstance(since, int) or since > as_of.year:
        raise UsageError(f"overview: since must be a year no later than as_of ({as_of.year}), got {since!r}")
    return OverviewParams(as_of=as_of, lang=check_lang(raw["lang"]), since=since)


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
    totals["debt_ratio_pct"] = debt_ratio(totals["total_liabilities"], totals["total_assets"])
    totals["n_enterprises"] = grouped["enterprise"].nunique()
    totals.index = pd.PeriodIndex(totals.index, freq="M")
    return totals.sort_index()


def same_month_by_year(totals: pd.DataFrame, month: int) -> pd.DataFrame:
    """The YTD flows at ``month`` of each year (e.g. 1–10月 of 2019, 2020, …), indexed by year."""
    rows = totals[totals.index.month == month]
    out = rows[["revenue_ytd", "total_profit_ytd"]].copy()
    out.index = rows.index.year
    out.index.name = "year"
    return out


def styled(table: pd.DataFrame, digits: int = 2):
    """A DataFrame Styler that prints numbers half-up to ``digits`` and NaN as — (never nan or 0).

    Text cells and index/column labels are HTML-escaped: enterprise names come from data files.
    """
    def show(v):
        return fmt(v, digits) if _finite(v) else "—"
    return (table.style.format(show, escape="html")
            .format_index(escape="html", axis=0).format_index(escape="html", axis=1))
