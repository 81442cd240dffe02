"""Headline figures: levels, year-to-date sums and their year-on-year changes.

Amounts are 亿元; rates are percent. Stocks are month-end levels and flows are YTD (本年累计).
YoY compares with the same month a year before, on the enterprises present in both months
(同口径); the published figure is then reproduced to the printed digits by :func:`round_half_up`
only at presentation time, never inside computations.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .io.panel import as_of as cut_as_of
from .io.panel import month_rows, prior_year_ytd, reported_prior, yoy_basis
from .periods import parse_month
from .schema import ytd


def round_half_up(value: float, digits: int = 2) -> float:
    """Round as a printed report does (half away from zero), immune to binary representation."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    quantum = Decimal(1).scaleb(-digits)
    # repr() gives the shortest decimal that round-trips, so 0.125 stays 0.125
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def is_number(value) -> bool:
    """A finite int or float (not None, NaN, inf or text)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def format_number(value: float, digits: int = 2, *, thousands: bool = False, sign: bool = False) -> str:
    """A number as printed: half-up to ``digits``, never ``-0.00``; optional 1,234 separators and +."""
    rounded = round_half_up(float(value), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    spec = f"{'+' if sign and rounded != 0 else ''}{',' if thousands else ''}.{digits}f"
    return format(rounded, spec)


def pct_change(current: float, previous: float) -> float:
    """Growth in percent; NaN when the base is missing, zero or negative (growth is meaningless)."""
    if previous is None or not np.isfinite(previous) or previous <= 0 or not np.isfinite(current):
        return float("nan")
    return (current / previous - 1.0) * 100.0


def _sum(frame: pd.DataFrame, column: str) -> float:
    """Sum of a column; NaN (never 0) when no enterprise reported it."""
    values = frame[column]
    return float(values.sum()) if values.notna().any() else float("nan")


def headline(panel: pd.DataFrame, as_of) -> dict:
    """The headline figures of the source document's first paragraph, for any month.

    Returns a dict of floats in 亿元 and percent (unrounded) plus ``by_enterprise``.
    """
    period = parse_month(as_of)
    visible = cut_as_of(panel, period)
    now = month_rows(visible, period)
    before = month_rows(visible, period - 12)
    common = now.index.intersection(before.index)  # like-for-like scope for YoY

    def level_and_yoy(column: str) -> tuple[float, float, float]:
        value = _sum(now, column)
        reported = reported_prior(visible, period, column)  # 上年同期 as reported: the comparable basis
        if reported is not None:
            return value, float(reported.sum()), pct_change(_sum(now.loc[reported.index], column), float(reported.sum()))
        if len(common) == 0:
            return value, float("nan"), float("nan")
        prev = _sum(before.loc[common], column)
        return value, prev, pct_change(_sum(now.loc[common], column), prev)

    assets, assets_prev, assets_yoy = level_and_yoy("total_assets")
    equity, equity_prev, equity_yoy = level_and_yoy("equity")
    liabilities = _sum(now, "total_liabilities")
    revenue, revenue_prev, revenue_yoy = level_and_yoy(ytd("revenue"))
    profit, profit_prev, _ = level_and_yoy(ytd("total_profit"))
    profit_change = (_sum(now.loc[common], ytd("total_profit")) - profit_prev) if len(common) else float("nan")
    profit_reported = reported_prior(visible, period, ytd("total_profit"))
    if profit_reported is not None:
        profit_change = _sum(now.loc[profit_reported.index], ytd("total_profit")) - profit_prev
    prior_of = {line: prior_year_ytd(visible, period, line)[0] for line in ("revenue", "total_profit")}

    by_enterprise = []
    for name, row in now.sort_values("total_assets", ascending=False).iterrows():
        by_enterprise.append({
            "enterprise": name,
            "total_assets": float(row["total_assets"]),
            "equity": float(row["equity"]),
            "debt_ratio_pct": float(row["total_liabilities"] / row["total_assets"] * 100)
            if row["total_assets"] else float("nan"),
            "revenue_ytd": float(row[ytd("revenue")]),
            "revenue_ytd_yoy_pct": pct_change(row[ytd("revenue")], prior_of["revenue"].get(name, float("nan"))),
            "total_profit_ytd": float(row[ytd("total_profit")]),
            "total_profit_ytd_change": float(row[ytd("total_profit")] - prior_of["total_profit"].get(name, float("nan"))),
            "investment_ytd": float(row[ytd("investment_completed")]),
        })

    return {
        "as_of": f"{period.year:04d}-{period.month:02d}",
        "enterprises": int(len(now)),
        "total_assets": assets,
        "total_assets_prev": assets_prev,
        "total_assets_yoy_pct": assets_yoy,
        "total_liabilities": liabilities,
        "equity": equity,
        "equity_prev": equity_prev,
        "equity_yoy_pct": equity_yoy,
        "debt_ratio_pct": liabilities / assets * 100 if assets else float("nan"),
        "revenue_ytd": revenue,
        "revenue_ytd_prev": revenue_prev,
        "revenue_ytd_yoy_pct": revenue_yoy,
        "total_profit_ytd": profit,
        "total_profit_ytd_prev": profit_prev,
        "total_profit_ytd_change": profit_change,
        "investment_ytd": _sum(now, ytd("investment_completed")),
        "yoy_basis": yoy_basis(visible, period),
        "loss_makers": [
            {"enterprise": e["enterprise"], "total_profit_ytd": e["total_profit_ytd"]}
            for e in sorted(by_enterprise, key=lambda e: e["total_profit_ytd"])
            if e["total_profit_ytd"] < 0
        ],
        "by_enterprise": by_enterprise,
    }


def rounded(figures: dict, digits: int = 2) -> dict:
    """A copy with every float rounded half-up to ``digits`` (for printing and JSON); NaN → None."""
    def fix(value):
        if isinstance(value, float):
            return None if math.isnan(value) else round_half_up(value, digits)
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value
    return fix(figures)
