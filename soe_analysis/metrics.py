"""Headline figures: levels, year-to-date sums and their year-on-year changes.

Amounts are 亿元; rates are percent. Stocks are month-end levels and flows are YTD (本年累计).
YoY compares with the same month a year before, on the enterprises present in both months
(同口径); the published figure is then reproduced to the printed digits by :func:`round_half_up`
only at presentation time, never inside computations.

The ratio functions (:func:`ratio`, :func:`debt_ratio`, :func:`roe`, :func:`annualise`,
:func:`implied_rate`) are the one definition of each quantity; every analysis calls them. They
are pure and vectorised: each argument may be a float, a NumPy array or a pandas Series
(aligned on its index), and the result has the same shape. NaN policy, the same for all: a
missing input gives NaN; a denominator that is zero, negative or missing gives NaN (never
``inf``, never 0, never an exception); a negative numerator is kept (a loss gives a negative
return). An empty Series gives an empty Series.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .io.panel import as_of as cut_as_of
from .io.panel import month_rows
from .periods import parse_month
from .schema import ytd


def round_half_up(value: float, digits: int = 2) -> float:
    """Round as a printed report does (half away from zero), immune to binary representation."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    quantum = Decimal(1).scaleb(-digits)
    # repr() gives the shortest decimal that round-trips, so 0.125 stays 0.125
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


WAN_PER_YI = 10_000
"""万元 in one 亿元: flash reports are filed in 万元, the panel and every analysis use 亿元."""


def _positive(denominator):
    """The denominator with every value that is not > 0 (zero, negative, missing) set to NaN."""
    if isinstance(denominator, (pd.Series, pd.DataFrame)):
        return denominator.astype(float).where(denominator > 0)
    values = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore"):
        kept = np.where(values > 0, values, np.nan)
    return float(kept) if kept.ndim == 0 else kept


def ratio(numerator, denominator, scale: float = 1.0):
    """``numerator / denominator × scale``, NaN where the denominator is not positive.

    Parameters
    ----------
    numerator, denominator : float, array or Series
        In the same unit (亿元 over 亿元, persons over persons).
    scale : float
        100 for a percentage.

    Returns
    -------
    float, array or Series
        NaN where an input is missing or the denominator is zero or negative.
    """
    return numerator / _positive(denominator) * scale


def debt_ratio(liabilities, assets):
    """Debt-to-asset ratio (资产负债率), percent: total liabilities / total assets × 100.

    Parameters
    ----------
    liabilities, assets : float, array or Series
        Month-end levels (stocks) in 亿元; the group figure is the ratio of the sums, never a
        mean of ratios.

    Returns
    -------
    float, array or Series
        Percent. NaN where an input is missing or assets are zero or negative.
    """
    return ratio(liabilities, assets, 100.0)


def annualise(flow, months):
    """A flow over ``months`` months as a full-year rate: ``flow × 12 / months``.

    Parameters
    ----------
    flow : float, array or Series
        A flow (亿元), e.g. a year-to-date sum through month ``m`` (then ``months = m``).
    months : int or float
        How many months the flow covers, > 0.

    Returns
    -------
    float, array or Series
        亿元 per year. NaN where the flow is missing; all NaN when ``months`` is not positive
        (no time, no rate).

    Notes
    -----
    The run-rate is biased under seasonality (investment and R&D bunch in December); SASAC's
    rule for flows set against stocks (净资产收益率, 全员劳动生产率) is nonetheless ×12/m.
    """
    if not (isinstance(months, (int, float, np.integer, np.floating)) and months > 0):
        return flow * np.nan
    return flow * (12.0 / months)


def roe(net_profit, equity_opening, equity_end, months):
    """Return on equity (净资产收益率), percent, on average equity (平均净资产).

    ``annualise(net_profit, months) / ((equity_opening + equity_end) / 2) × 100``.

    Parameters
    ----------
    net_profit : float, array or Series
        Net profit (净利润) over ``months`` months, 亿元: the YTD figure through month ``m``.
    equity_opening, equity_end : float, array or Series
        Owners' equity (所有者权益) at the start of the period (the prior December's month-end
        for a YTD figure) and at its end, 亿元.
    months : int
        Months the profit covers (``m`` for YTD through month ``m``).

    Returns
    -------
    float, array or Series
        Percent per year. NaN where an input (including the opening equity) is missing or the
        average equity is zero or negative; a loss gives a negative ROE.

    Notes
    -----
    The one denominator is average equity, as SASAC's 净资产收益率 defines it; both the
    indicator sets and the risk bands use this function, so they show one value.
    """
    average_equity = (equity_opening + equity_end) / 2.0
    return ratio(annualise(net_profit, months), average_equity, 100.0)


def implied_rate(interest, average_debt, months):
    """The annual interest rate implied by interest expense and the average debt, percent.

    ``annualise(interest, months) / average_debt × 100``.

    Parameters
    ----------
    interest : float, array or Series
        Interest expense (利息费用) over ``months`` months, 亿元 (YTD through ``m``: ``months = m``).
    average_debt : float, array or Series
        Average interest-bearing debt (带息负债) over the same months, 亿元.
    months : int
        Months the interest covers.

    Returns
    -------
    float, array or Series
        Percent per year. NaN where an input is missing or the average debt is zero or negative.
    """
    return ratio(annualise(interest, months), average_debt, 100.0)


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

    by_enterprise = []
    for name, row in now.sort_values("total_assets", ascending=False).iterrows():
        prev = before.loc[name] if name in before.index else None
        by_enterprise.append({
            "enterprise": name,
            "total_assets": float(row["total_assets"]),
            "equity": float(row["equity"]),
            "debt_ratio_pct": float(debt_ratio(row["total_liabilities"], row["total_assets"])),
            "revenue_ytd": float(row[ytd("revenue")]),
            "revenue_ytd_yoy_pct": pct_change(row[ytd("revenue")], prev[ytd("revenue")]) if prev is not None else float("nan"),
            "total_profit_ytd": float(row[ytd("total_profit")]),
            "total_profit_ytd_change": float(row[ytd("total_profit")] - prev[ytd("total_profit")]) if prev is not None else float("nan"),
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
        "debt_ratio_pct": debt_ratio(liabilities, assets),
        "revenue_ytd": revenue,
        "revenue_ytd_prev": revenue_prev,
        "revenue_ytd_yoy_pct": revenue_yoy,
        "total_profit_ytd": profit,
        "total_profit_ytd_prev": profit_prev,
        "total_profit_ytd_change": profit_change,
        "investment_ytd": _sum(now, ytd("investment_completed")),
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
