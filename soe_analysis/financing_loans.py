"""Refinancing savings loan by loan: day counts, repayment schedules, every basis, candidates.

The package-level entry points are in :mod:`soe_analysis.financing`. Input is a register read by :func:`soe_analysis.io.register.read_register` (amounts in
万元, rates in percent a year, terms in months). Every saving here is in **亿元**. Each basis is
stated, because "节约利息成本21.52亿元" means nothing until its basis is known:

``annual_run_rate``
    Σ amount × (old rate − new rate): one year's interest saved at the swap-date balance.
``in_year``
    the run-rate × the share of the swap's calendar year left from the swap date (the swap day
    counts: a swap on 31 December saves 1/365 of a year), stopped at the horizon end. Before the
    year is over this is **realised to date plus a projection** of the remaining months of the
    year: ``in_year_yi`` = ``realised_in_year_yi`` + ``projected_rest_of_year_yi`` (at 2022-10 on
    the shipped register 12.84 = 9.24 + 3.60, the projection being November–December).
``realised_to_date``
    the run-rate × the share of a year from the swap date to the end of the as-of month (across
    year ends, each year's days over that year's length), stopped at the horizon end.
``lifetime``
    over the horizon H = min(old remaining term, new term) months, the interest of the old debt
    minus that of the new one, both repaid on the register's repayment type over those H
    months (like for like: same principal, same timetable, only the rate differs).
``npv``
    PV(old debt service over its remaining term) − PV(new debt service over the new term) −
    prepayment penalty − fees, discounted monthly at ``discount_rate`` (percent a year; by
    default each loan's own new rate, the cost of the refunding money, so PV(new) = par); also
    as % of par (municipal practice treats 3–5 % of par as a good refunding).
``breakeven_month``
    the first month after the swap when the cumulative (undiscounted) monthly interest saved on
    the lifetime basis covers the penalty and fees: 0 without upfront costs, NaN (with the
    reason) when it never does within the horizon.

Payments are monthly at rate/12; schedules: bullet (到期一次还本: interest monthly, principal
at the end), equal instalments (等额本息: level payment), equal principal (等额本金).
A new rate above the old one is flagged (``rate_up``) and counts negative on every basis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .io.reference import load_lpr
from .io.register import (FLOATING_INSTRUMENTS, REPAYMENTS, instrument_label, lpr_for_term,
                          lpr_tenor_label, repayment_label)
from .metrics import WAN_PER_YI
from .periods import month_str, parse_month


# ----------------------------------------------------------------------------- day counts

def year_fraction(start, end) -> np.ndarray:
    """Years from ``start`` (counted) to ``end`` (not counted), each calendar year's days over its length.

    0 when ``end <= start``. Vectorised over arrays of dates.
    """
    start = pd.to_datetime(pd.Series(start)).reset_index(drop=True)
    end = pd.to_datetime(pd.Series(end)).reset_index(drop=True)
    if len(end) == 1 and len(start) > 1:
        end = pd.Series(np.repeat(end.iloc[0], len(start)))
    out = np.zeros(len(start))
    valid = start.notna() & end.notna() & (end > start)
    if not valid.any():
        return np.where(start.isna() | end.isna(), np.nan, out)
    for year in range(int(start[valid].dt.year.min()), int(end[valid].dt.year.max()) + 1):
        y0, y1 = pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1)
        lo = start.where(start > y0, y0)
        hi = end.where(end < y1, y1)
        days = (hi - lo).dt.days.to_numpy(dtype=float)
        out += np.where(valid & (days > 0), days, 0.0) / (y1 - y0).days
    return np.where(start.isna() | end.isna(), np.nan, out)


def _add_months(dates: pd.Series, months) -> pd.Series:
    months = np.asarray(months, dtype=float)
    return pd.Series([d + pd.DateOffset(months=int(m)) if pd.notna(d) and np.isfinite(m) else pd.NaT
                      for d, m in zip(dates, months)], dtype="datetime64[ns]")


# ----------------------------------------------------------------------------- schedules

def _schedules(principal, rate_pct, months, repayment, horizon: int):
    """Interest and principal cash flows, shape (loans, horizon), zero after each loan's term."""
    P = np.asarray(principal, dtype=float)[:, None]
    i = np.asarray(rate_pct, dtype=float)[:, None] / 1200.0
    n = np.asarray(months, dtype=float)[:, None]
    kind = np.asarray(repayment, dtype=object)[:, None]
    t = np.arange(1, horizon + 1, dtype=float)[None, :]
    alive = t <= n
    # bullet
    bal_bullet = np.broadcast_to(P, (P.shape[0], horizon))
    prin_bullet = np.where(t == n, P, 0.0)
    # equal principal
    bal_ep = P * (1 - (t - 1) / n)
    prin_ep = np.broadcast_to(P / n, bal_ep.shape)
    # equal instalments (annuity); a zero rate degenerates to equal principal
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        g = 1 + i
        gn = g ** n
        bal_ann = np.where(i > 0, P * (gn - g ** (t - 1)) / (gn - 1), bal_ep)
        pay_ann = np.where(i > 0, P * i * gn / (gn - 1), P / n)
    prin_ann = pay_ann - bal_ann * i
    balance = np.select([kind == "bullet", kind == "equal_principal"], [bal_bullet, bal_ep], bal_ann)
    prin = np.select([kind == "bullet", kind == "equal_principal"], [prin_bullet, prin_ep], prin_ann)
    interest = np.where(alive, balance * i, 0.0)
    prin = np.where(alive, prin, 0.0)
    return interest, prin


def repayment_schedule(principal: float, rate_pct: float, months: int, repayment: str) -> pd.DataFrame:
    """One debt's monthly schedule: month, opening balance, interest, principal, payment.

    ``repayment`` is ``bullet``, ``equal_instalment`` or ``equal_principal``; amounts in the
    unit of ``principal``; ``rate_pct`` percent a year, paid monthly at rate/12.
    """
    if repayment not in REPAYMENTS:
        raise ValueError(f"repayment must be one of {sorted(REPAYMENTS)}")
    interest, prin = _schedules([principal], [rate_pct], [months], [repayment], int(months))
    opening = principal - np.concatenate([[0.0], np.cumsum(prin[0])[:-1]])
    return pd.DataFrame({"month": np.arange(1, int(months) + 1), "opening_balance": opening,
                         "interest": interest[0], "principal": prin[0], "payment": interest[0] + prin[0]})


def _pv(cash: np.ndarray, rate_pct) -> np.ndarray:
    d = np.asarray(rate_pct, dtype=float)[:, None] / 1200.0
    t = np.arange(1, cash.shape[1] + 1, dtype=float)[None, :]
    return (cash / (1 + d) ** t).sum(axis=1)


def _as_arrays(P, old, new, t_old, t_new, costs):
    return tuple(np.asarray(x, dtype=float) for x in (P, old, new, t_old, t_new, costs))


def _monthly_saving(P, old, new, horizon, repayment) -> np.ndarray:
    """Interest saved each month over ``horizon`` (the shorter term), shape (debts, months)."""
    h_max = int(np.nanmax(horizon))
    i_old_h, _ = _schedules(P, old, horizon, repayment, h_max)
    i_new_h, _ = _schedules(P, new, horizon, repayment, h_max)
    return i_old_h - i_new_h


def _npv(P, old, new, t_old, t_new, repayment, costs, discount) -> np.ndarray:
    """NPV of each swap: old cash flows less new ones, discounted at ``discount`` (None: the new rate)."""
    disc = new if discount is None else np.broadcast_to(np.asarray(discount, dtype=float), P.shape)
    t_max = int(np.nanmax(np.maximum(t_old, t_new)))
    i_old, p_old = _schedules(P, old, t_old, repayment, t_max)
    i_new, p_new = _schedules(P, new, t_new, repayment, t_max)
    return _pv(i_old + p_old, disc) - _pv(i_new + p_new, disc) - costs


def _basis_total(basis: str, P, old, new, t_old, t_new, repayment, costs, discount) -> float:
    """The lifetime or NPV saving of arrays of debts in total, computing only that basis
    (the bisection of :func:`soe_analysis.financing._implied_spread` calls this ~90 times)."""
    P, old, new, t_old, t_new, costs = _as_arrays(P, old, new, t_old, t_new, costs)
    if len(P) == 0:
        return 0.0
    if basis == "lifetime":
        return _monthly_saving(P, old, new, np.minimum(t_old, t_new), repayment).sum(axis=1).sum()
    return _npv(P, old, new, t_old, t_new, repayment, costs, discount).sum()


def _evaluate(P, old, new, t_old, t_new, repayment, costs, discount):
    """Lifetime saving, NPV, break-even for arrays of debts (amounts in the unit of P)."""
    P, old, new, t_old, t_new, costs = _as_arrays(P, old, new, t_old, t_new, costs)
    horizon = np.minimum(t_old, t_new)
    if len(P) == 0:
        empty = np.zeros(0)
        return horizon, empty, empty, empty, empty
    monthly = _monthly_saving(P, old, new, horizon, repayment)
    lifetime = monthly.sum(axis=1)
    cumulative = np.cumsum(monthly, axis=1)
    covered = cumulative >= costs[:, None] - 1e-12
    breakeven = np.where(costs <= 0, 0.0,
                         np.where(covered.any(axis=1), covered.argmax(axis=1) + 1.0, np.nan))
    npv = _npv(P, old, new, t_old, t_new, repayment, costs, discount)
    return horizon, lifetime, npv, breakeven, monthly


# ----------------------------------------------------------------------------- per loan

def loan_savings(register: pd.DataFrame, *, as_of=None, discount_rate: float | None = None,
                 lpr: pd.DataFrame | None = None, rate_shift_pp: float = 0.0) -> pd.DataFrame:
    """Savings of every refinanced debt on every basis (亿元), with its LPR context.

    Parameters
    ----------
    register : frame from :func:`~soe_analysis.io.register.read_register`.
    as_of : ``YYYY-MM``; needed for ``realised_to_date_yi`` (NaN without it).
    discount_rate : percent a year for the NPV; None discounts each loan at its new rate.
    lpr : LPR fixings (:func:`soe_analysis.io.reference.load_lpr`, real; loaded when omitted).
    rate_shift_pp : added to the new rate of LPR-linked (floating) new debt, for scenarios.

    Returns
    -------
    One row per loan: identifiers, ``amount_yi``, rates (percent), ``spread_pp`` (old − new),
    ``rate_up`` (new rate above old), ``upfront_cost_yi``, the savings ``annual_run_rate_yi``,
    ``in_year_yi`` (= ``realised_in_year_yi`` + ``projected_rest_of_year_yi``), ``realised_to_date_yi``, ``lifetime_yi``, ``npv_yi``, ``npv_pct_par``,
    ``horizon_m``, ``breakeven_month`` (+ ``breakeven_note``), ``year_share``,
    ``to_date_share``, ``lpr_tenor``, ``lpr_pct``, ``new_over_lpr_pp``, ``old_over_lpr_pp``.
    """
    reg = register.reset_index(drop=True)
    lpr = load_lpr() if lpr is None else lpr
    out = reg[["loan_id", "enterprise", "old_instrument", "new_instrument", "repayment", "swap_date",
               "old_term_m", "new_term_m"]].copy()
    amount = reg["amount_wan"].to_numpy(dtype=float) / WAN_PER_YI
    floating = reg["new_instrument"].isin(FLOATING_INSTRUMENTS).to_numpy()
    old = reg["old_rate_pct"].to_numpy(dtype=float)
    new = reg["new_rate_pct"].to_numpy(dtype=float) + np.where(floating, rate_shift_pp, 0.0)
    costs = (reg["penalty_wan"].fillna(0).to_numpy(dtype=float) + reg["fees_wan"].fillna(0).to_numpy(dtype=float)) / WAN_PER_YI
    out["amount_yi"] = amount
    out["old_rate_pct"] = old
    out["new_rate_pct"] = new
    out["spread_pp"] = old - new
    out["rate_up"] = new > old
    out["floating"] = floating
    out["upfront_cost_yi"] = costs
    run_rate = amount * (old - new) / 100.0
    out["annual_run_rate_yi"] = run_rate

    horizon, lifetime, npv, breakeven, _ = _evaluate(
        amount, old, new, reg["old_term_m"], reg["new_term_m"], reg["repayment"], costs, discount_rate)
    swap = reg["swap_date"].reset_index(drop=True)
    horizon_end = _add_months(swap, horizon)
    year_end = pd.to_datetime(swap.dt.year.astype("Int64").astype(str) + "-12-31") + pd.Timedelta(days=1)
    out["year_share"] = year_fraction(swap, year_end.where(year_end < horizon_end, horizon_end))
    out["in_year_yi"] = run_rate * out["year_share"].to_numpy()
    in_year_end = year_end.where(year_end < horizon_end, horizon_end)
    if as_of is not None:
        stop = parse_month(as_of).to_timestamp(how="end").normalize() + pd.Timedelta(days=1)
        stop = pd.Series(np.repeat(stop, len(swap)))
        out["to_date_share"] = year_fraction(swap, stop.where(stop < horizon_end, horizon_end))
        # the in-year basis = realised in the swap year up to the as-of month + the rest projected
        out["realised_in_year_yi"] = run_rate * year_fraction(swap, stop.where(stop < in_year_end, in_year_end))
    else:
        out["to_date_share"] = np.nan
        out["realised_in_year_yi"] = np.nan
    out["projected_rest_of_year_yi"] = out["in_year_yi"] - out["realised_in_year_yi"]
    out["realised_to_date_yi"] = run_rate * out["to_date_share"].to_numpy()
    out["horizon_m"] = horizon
    out["lifetime_yi"] = lifetime
    out["npv_yi"] = npv
    out["npv_pct_par"] = npv / amount * 100.0
    out["breakeven_month"] = breakeven
    out["breakeven_note"] = np.where(
        costs <= 0, "no upfront costs",
        np.where(np.isnan(breakeven),
                 np.where(old <= new, "never: the new rate is not lower", "not within the horizon"), ""))
    ref = lpr_for_term(swap, reg["new_term_m"], lpr=lpr)
    out["lpr_tenor"] = lpr_tenor_label(reg["new_term_m"])
    out["lpr_pct"] = ref
    out["new_over_lpr_pp"] = new - ref
    out["old_over_lpr_pp"] = old - ref
    out.attrs.update({k: register.attrs[k] for k in ("dataset", "source", "file") if k in register.attrs})
    out.attrs["discount_rate"] = discount_rate
    out.attrs["as_of"] = month_str(parse_month(as_of)) if as_of is not None else None
    return out


SAVING_COLUMNS = ("annual_run_rate_yi", "in_year_yi", "realised_in_year_yi", "projected_rest_of_year_yi",
                  "realised_to_date_yi", "lifetime_yi", "npv_yi")


def summarise(loans: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Totals per group (``enterprise``, ``old_instrument``, ``new_instrument``…) or overall (``by=None``).

    Amounts and savings in 亿元 (sums); ``old_rate_pct``/``new_rate_pct`` amount-weighted; ``spread_pp``
    = run-rate / amount × 100; ``npv_pct_par`` = NPV / amount × 100; ``loans`` the count; sorted by
    amount, largest first.
    """
    frame = loans.assign(_w_old=loans["amount_yi"] * loans["old_rate_pct"],
                         _w_new=loans["amount_yi"] * loans["new_rate_pct"], _one=1)
    cols = ["amount_yi", "upfront_cost_yi", *SAVING_COLUMNS, "_w_old", "_w_new", "_one"]
    if by is None:
        total = frame[cols].sum(min_count=1).to_frame().T
        total.index = pd.Index(["total"], name="group")
        grouped = total
    else:
        grouped = frame.groupby(by, sort=False)[cols].sum(min_count=1)
    out = grouped.rename(columns={"_one": "loans"})
    out["old_rate_pct"] = out.pop("_w_old") / out["amount_yi"]
    out["new_rate_pct"] = out.pop("_w_new") / out["amount_yi"]
    out["spread_pp"] = out["annual_run_rate_yi"] / out["amount_yi"] * 100.0
    out["npv_pct_par"] = out["npv_yi"] / out["amount_yi"] * 100.0
    out["loans"] = out["loans"].astype(int)
    return out.sort_values("amount_yi", ascending=False)


# ----------------------------------------------------------------------------- candidates

def refinancing_candidates(remaining: pd.DataFrame, target_new_rate: float, *, discount_rate=None,
                           lang: str = "zh") -> pd.DataFrame:
    """Remaining high-rate debt ranked by NPV saving per 亿元 if refinanced at ``target_new_rate``.

    Each debt is assumed refinanced at ``target_new_rate`` (percent a year) over its own
    remaining term and repayment type, paying its stated penalty and fees; NPV discounted at
    ``discount_rate`` (default: the target rate). Debts already at or below the target are
    left out (``attrs["excluded"]`` counts them). Columns: ``rank``, ``enterprise``,
    ``instrument``, ``amount_yi``, ``rate_pct``, ``spread_pp``, ``annual_saving_yi``,
    ``lifetime_yi``, ``npv_yi``, ``npv_per_yi`` (亿元 per 亿元 of debt), ``npv_pct_par``,
    ``breakeven_month``.
    """
    rem = remaining.reset_index(drop=True)
    amount = rem["amount_wan"].to_numpy(dtype=float) / WAN_PER_YI
    old = rem["old_rate_pct"].to_numpy(dtype=float)
    new = np.full(len(rem), float(target_new_rate))
    costs = (rem["penalty_wan"].fillna(0).to_numpy(dtype=float) + rem["fees_wan"].fillna(0).to_numpy(dtype=float)) / WAN_PER_YI
    term = rem["old_term_m"].to_numpy(dtype=float)
    disc = new if discount_rate is None else np.full(len(rem), float(discount_rate))
    horizon, lifetime, npv, breakeven, _ = _evaluate(amount, old, new, term, term, rem["repayment"], costs, disc)
    out = pd.DataFrame({
        "loan_id": rem["loan_id"], "enterprise": rem["enterprise"],
        "instrument": [instrument_label(c, lang) for c in rem["old_instrument"]],
        "repayment": [repayment_label(c, lang) for c in rem["repayment"]],
        "amount_yi": amount, "rate_pct": old, "remaining_term_m": term, "spread_pp": old - new,
        "upfront_cost_yi": costs, "annual_saving_yi": amount * (old - new) / 100,
        "lifetime_yi": lifetime, "npv_yi": npv, "npv_per_yi": npv / amount,
        "npv_pct_par": npv / amount * 100, "breakeven_month": breakeven,
    })
    keep = out["spread_pp"] > 0
    ranked = out[keep].sort_values(["npv_per_yi", "amount_yi"], ascending=[False, False], ignore_index=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    ranked.attrs.update({k: remaining.attrs[k] for k in ("dataset", "source", "file") if k in remaining.attrs})
    ranked.attrs.update(excluded=int((~keep).sum()), target_new_rate=float(target_new_rate))
    return ranked
