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
from decimal import ROUND_HALF_UP, Context, Decimal

import numpy as np
import pandas as pd

from .io.panel import as_of as cut_as_of
from .io.panel import REPORTED, month_rows, prior_year_by_line, yoy_basis
from .periods import parse_month
from .schema import ytd


def round_half_up(value: float, digits: int = 2) -> float:
    """Round as a printed report does (half away from zero), immune to binary representation."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    value = float(value)
    if math.isinf(value):
        return value
    # repr() gives the shortest decimal that round-trips, so 0.125 stays 0.125
    number, quantum = Decimal(repr(value)), Decimal(1).scaleb(-digits)
    # decimal's default 28 digits cannot hold a huge figure (a margin on a near-zero revenue can
    # give 1e103) to ``digits`` places: give such a figure the digits it needs
    needed = number.adjusted() + digits + 2
    context = Context(prec=needed) if needed > 28 else None
    return float(number.quantize(quantum, rounding=ROUND_HALF_UP, context=context))


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


def compared_year_on_year(visible: pd.DataFrame, period, column: str, now: pd.DataFrame | None = None,
                          before: pd.DataFrame | None = None, prior=None) -> tuple[float, float, float]:
    """(value, prior-year value, current value on the prior year's scope) of a column at ``period``.

    The prior-year figure is the reported 上年同期 where some enterprise printed it (the
    comparable basis), else last year's own panel rows of the enterprises present in both
    months (同口径); NaN without either. YoY is ``pct_change(compared, prior)`` and the change
    ``compared − prior``. ``now``/``before`` are the month's and the year-before's rows, and
    ``prior`` the column's :func:`prior_year_by_line` answer, when the caller already has them.
    """
    now = month_rows(visible, period) if now is None else now
    value = _sum(now, column)
    values, basis = prior_year_by_line(visible, period, [column])[column] if prior is None else prior
    reported = values if (basis == REPORTED).any() else None  # 上年同期 as reported: the comparable basis
    if reported is not None:
        return value, float(reported.sum()), _sum(now.loc[reported.index], column)
    before = month_rows(visible, period - 12) if before is None else before
    common = now.index.intersection(before.index)  # like-for-like scope for YoY
    if len(common) == 0:
        return value, float("nan"), float("nan")
    return value, _sum(before.loc[common], column), _sum(now.loc[common], column)


def headline(panel: pd.DataFrame, as_of) -> dict:
    """The headline figures of the source document's first paragraph, for any month.

    Returns a dict of floats in 亿元 and percent (unrounded) plus ``by_enterprise``.
    """
    period = parse_month(as_of)
    visible = cut_as_of(panel, period)
    now = month_rows(visible, period)
    before = month_rows(visible, period - 12)
    compared_columns = ("total_assets", "equity", ytd("revenue"), ytd("total_profit"))
    priors = prior_year_by_line(visible, period, compared_columns)  # the two months cut once

    def level_and_yoy(column: str) -> tuple[float, float, float]:
        value, prev, compared = compared_year_on_year(visible, period, column, now, before, priors[column])
        return value, prev, pct_change(compared, prev)

    assets, assets_prev, assets_yoy = level_and_yoy("total_assets")
    equity, equity_prev, equity_yoy = level_and_yoy("equity")
    liabilities = _sum(now, "total_liabilities")
    revenue, revenue_prev, revenue_yoy = level_and_yoy(ytd("revenue"))
    profit, profit_prev, profit_compared = compared_year_on_year(visible, period, ytd("total_profit"), now, before,
                                                                 priors[ytd("total_profit")])
    profit_change = profit_compared - profit_prev
    prior_of = {line: priors[ytd(line)][0] for line in ("revenue", "total_profit")}

    by_enterprise = []
    for name, row in now.sort_values("total_assets", ascending=False).iterrows():
        by_enterprise.append({
            "enterprise": name,
            "total_assets": float(row["total_assets"]),
            "equity": float(row["equity"]),
            "debt_ratio_pct": float(debt_ratio(row["total_liabilities"], row["total_assets"])),
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
        "debt_ratio_pct": debt_ratio(liabilities, assets),
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


# --------------------------------------------------------------------------------------------
# Average balances and the interest split: one rule for the profit drivers and the savings


TOTAL_ROW = "Total"


def average_balance(rows: pd.DataFrame, through, *, basis: str = "ytd",
                    column: str = "interest_bearing_debt") -> pd.Series:
    """Average month-end balance of a stock over a period, per enterprise (unit of ``column``).

    Year to date through month m of year y (``basis="ytd"``): the mean of the balances at the
    previous December (the opening balance) and at each month-end 1..m of y — m + 1 balances.
    One month (``basis="m"``): the mean of the previous and the current month-end.

    ``rows`` needs ``enterprise``, ``year``, ``month`` and ``column``. NaN policy: a month not
    reported (or NaN) is left out of the mean; an enterprise with no balance in the window is
    NaN (absent from the result), never 0.
    """
    period = pd.Period(through, freq="M") if not isinstance(through, pd.Period) else through
    if column not in rows:
        return pd.Series(dtype=float, name=column)
    first = pd.Period(year=period.year - 1, month=12, freq="M") if basis == "ytd" else period - 1
    key = rows["year"] * 100 + rows["month"]
    window = rows[(key >= first.year * 100 + first.month) & (key <= period.year * 100 + period.month)]
    balance = pd.to_numeric(window[column], errors="coerce")
    return balance.groupby(window["enterprise"]).mean().dropna().rename(column)


def interest_split(interest_base: pd.Series, interest_current: pd.Series, debt_base: pd.Series,
                   debt_current: pd.Series, years_base: float, years_current: float) -> pd.DataFrame:
    """Change in interest expense split into debt-volume and rate effects (亿元, expense sign).

    Interest I = D̄ × r × L: D̄ the average interest-bearing debt (:func:`average_balance`), r the
    implied annual rate I / (D̄ × L), L the length of the period in years (m/12 for a YTD through
    month m, 1/12 for one month). The effects are the **Shapley** average over the orders of
    substitution (DOMAIN §4), so they do not depend on which factor moves first:

    - ``volume_effect`` = ΔD̄ × (r₀ + r₁)/2 × L, ``rate_effect`` = Δr × (D̄₀ + D̄₁)/2 × L when
      both periods are equally long (``length_effect`` is then 0);
    - in general the three-factor Shapley effects of D̄, r and L, summing to I₁ − I₀ exactly.

    Inputs are Series indexed by enterprise (amounts 亿元). NaN policy: an enterprise with
    interest or average debt missing in either period, or average debt ≤ 0 (no rate), gets NaN
    effects and stays out of the total. The :data:`TOTAL_ROW` row is the sum of the enterprise
    rows (its rates are Σ interest / (Σ D̄ × L)), so it always equals the sum of what is shown.

    Returns
    -------
    DataFrame
        Per enterprise and a total row: ``interest_base``, ``interest_current``, ``avg_debt_base``,
        ``avg_debt_current`` (亿元), ``rate_base_pct``, ``rate_current_pct`` (percent a year),
        ``change``, ``volume_effect``, ``rate_effect``, ``length_effect`` (亿元).
    """
    from .decomposition import shapley

    names = interest_current.index.union(interest_base.index, sort=False)
    i0, i1 = interest_base.reindex(names).astype(float), interest_current.reindex(names).astype(float)
    d0, d1 = debt_base.reindex(names).astype(float), debt_current.reindex(names).astype(float)
    ok = i0.notna() & i1.notna() & (d0 > 0) & (d1 > 0)
    r0 = (i0 / (d0 * years_base)).where(ok)
    r1 = (i1 / (d1 * years_current)).where(ok)
    effects = shapley(lambda debt, rate, length: debt * rate * length,
                      {"debt": d0.where(ok), "rate": r0, "length": pd.Series(float(years_base), index=names)},
                      {"debt": d1.where(ok), "rate": r1, "length": pd.Series(float(years_current), index=names)})
    out = pd.DataFrame({
        "interest_base": i0, "interest_current": i1, "avg_debt_base": d0, "avg_debt_current": d1,
        "rate_base_pct": r0 * 100, "rate_current_pct": r1 * 100, "change": i1 - i0,
        "volume_effect": effects["debt"], "rate_effect": effects["rate"],
        "length_effect": effects["length"].where(ok),
    })
    out.index.name = "enterprise"
    amounts = [c for c in out.columns if not c.endswith("_pct")]
    total = out.loc[ok.to_numpy(), amounts].sum() if ok.any() else pd.Series(np.nan, index=amounts)
    total["rate_base_pct"] = total["interest_base"] / (total["avg_debt_base"] * years_base) * 100
    total["rate_current_pct"] = total["interest_current"] / (total["avg_debt_current"] * years_current) * 100
    out.loc[TOTAL_ROW] = total[out.columns]
    return out


def derived_january(panel: pd.DataFrame, as_of) -> list[str]:
    """Enterprises whose ``as_of`` month is a January split from a combined 1–2月 release.

    Such a January is half of the Jan–Feb figures, stocks missing (see
    :mod:`soe_analysis.io.cleaning`): derived, never published. Empty for any other month.
    """
    period = pd.Period(as_of, freq="M") if not isinstance(as_of, pd.Period) else as_of
    if period.month != 1 or "jan_feb_combined" not in panel:
        return []
    rows = panel[(panel["year"] == period.year) & (panel["month"] == 1)]
    return sorted(rows.loc[rows["jan_feb_combined"].fillna(False).astype(bool), "enterprise"].astype(str).unique())


def check_published_month(panel: pd.DataFrame, as_of) -> None:
    """A :class:`~soe_analysis.errors.DataError` (one line) when ``as_of`` is a derived January."""
    from .errors import DataError

    period = pd.Period(as_of, freq="M") if not isinstance(as_of, pd.Period) else as_of
    derived = derived_january(panel, period)
    if derived:
        raise DataError(f"{period.year}-01 was not published: the first release of {period.year} is the combined "
                        f"1–2月 report ({len(derived)} enterprise(s), e.g. {derived[0]}), and its January is only "
                        f"half of it; report as of {period.year}-02 instead")
