"""Refinancing savings (融资置换节约利息): what replacing high-interest debt saved, on every basis.

Input is a register read by :func:`soe_analysis.io.register.read_register` (amounts in
万元, rates in percent a year, terms in months). Every saving here is in **亿元**. Each basis is
stated, because "节约利息成本21.52亿元" means nothing until its basis is known:

``annual_run_rate``
    Σ amount × (old rate − new rate): one year's interest saved at the swap-date balance.
``in_year``
    the run-rate × the share of the swap's calendar year left from the swap date (the swap day
    counts: a swap on 31 December saves 1/365 of a year), stopped at the horizon end.
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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import SoeError, UsageError
from .io.register import (FLOATING_INSTRUMENTS, REPAYMENTS, instrument_label, lpr_for_term,
                                 lpr_tenor_label, repayment_label)
from .metrics import WAN_PER_YI, round_half_up
from .params import check_lang
from .periods import month_str, parse_month
from .io.reference import load_lpr


# The published figures the shipped register reproduces (seed document, section 四、二):
# "1-10月完成存量融资置换538.83亿元，节约利息成本21.52亿元".
PUBLISHED = {
    "as_of": "2022-10",
    "refinanced_yi": 538.83,
    "saving_yi": 21.52,
    "source": "2022年工作总结：1-10月完成存量融资置换538.83亿元，节约利息成本21.52亿元",
}

BASES = ("annual_run_rate", "in_year", "realised_to_date", "lifetime", "npv")
BASIS_LABELS = {
    "annual_run_rate": ("年化节约（置换时余额×利差）", "Annualised run-rate (balance × spread)"),
    "in_year": ("当年实现（置换日至年末）", "Realised in the swap year (swap date to 31 Dec)"),
    "realised_to_date": ("截至报告期已实现", "Realised to the as-of month end"),
    "lifetime": ("剩余期限内合计（按还款计划）", "Lifetime over the shorter remaining term (repayment schedules)"),
    "npv": ("净现值（扣除违约金和费用）", "NPV net of penalties and fees"),
}
# JSON key of each basis' total
BASIS_KEYS = {
    "annual_run_rate": "annual_run_rate_saving",
    "in_year": "in_year_saving",
    "realised_to_date": "realised_to_date_saving",
    "lifetime": "lifetime_saving",
    "npv": "npv_saving",
}
SCENARIOS_BP = {"flat": 0, "lpr_minus_25bp": -25, "lpr_plus_50bp": 50}
CAPITALISED_INTEREST_NOTE = (
    "资本化利息计入在建工程，不进入财务费用：置换节约的利息不一定全部体现在利润表。 / "
    "Capitalised interest goes to construction in progress, not to finance costs: part of the "
    "swaps' saving may not show in interest expense or profit.")


# ----------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class SavingsParameters:
    as_of: pd.Period
    discount_rate: float | None  # percent a year; None = each loan's new rate
    target_new_rate: float  # percent a year
    lang: str


def check_parameters(as_of="2022-10", discount_rate=None, target_new_rate=4.0, lang="zh") -> SavingsParameters:
    """Validate the notebook/CLI parameters; :class:`UsageError` on a bad value."""
    period = parse_month(as_of)
    if discount_rate is not None and not isinstance(discount_rate, bool):
        try:
            discount_rate = float(discount_rate)
        except (TypeError, ValueError):
            raise UsageError(f"discount_rate must be a number (percent a year) or None, got {discount_rate!r}") from None
    if discount_rate is not None and not (0 <= discount_rate <= 30):
        raise UsageError(f"discount_rate must be between 0 and 30 (percent a year), got {discount_rate!r}")
    try:
        target = float(target_new_rate)
    except (TypeError, ValueError):
        raise UsageError(f"target_new_rate must be a number (percent a year), got {target_new_rate!r}") from None
    if not 0.5 <= target <= 24:
        raise UsageError(f"target_new_rate must be between 0.5 and 24 (percent a year), got {target_new_rate!r}")
    check_lang(lang)
    return SavingsParameters(period, discount_rate, target, lang)


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


def _evaluate(P, old, new, t_old, t_new, repayment, costs, discount):
    """Lifetime saving, NPV, break-even for arrays of debts (amounts in the unit of P)."""
    P, old, new = (np.asarray(x, dtype=float) for x in (P, old, new))
    t_old, t_new, costs = (np.asarray(x, dtype=float) for x in (t_old, t_new, costs))
    horizon = np.minimum(t_old, t_new)
    if len(P) == 0:
        empty = np.zeros(0)
        return horizon, empty, empty, empty, empty
    h_max = int(np.nanmax(horizon))
    i_old_h, _ = _schedules(P, old, horizon, repayment, h_max)
    i_new_h, _ = _schedules(P, new, horizon, repayment, h_max)
    monthly = i_old_h - i_new_h
    lifetime = monthly.sum(axis=1)
    cumulative = np.cumsum(monthly, axis=1)
    covered = cumulative >= costs[:, None] - 1e-12
    breakeven = np.where(costs <= 0, 0.0,
                         np.where(covered.any(axis=1), covered.argmax(axis=1) + 1.0, np.nan))
    disc = new if discount is None else np.broadcast_to(np.asarray(discount, dtype=float), P.shape)
    t_max = int(np.nanmax(np.maximum(t_old, t_new)))
    i_old, p_old = _schedules(P, old, t_old, repayment, t_max)
    i_new, p_new = _schedules(P, new, t_new, repayment, t_max)
    npv = _pv(i_old + p_old, disc) - _pv(i_new + p_new, disc) - costs
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
    ``in_year_yi``, ``realised_to_date_yi``, ``lifetime_yi``, ``npv_yi``, ``npv_pct_par``,
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
    if as_of is not None:
        stop = parse_month(as_of).to_timestamp(how="end").normalize() + pd.Timedelta(days=1)
        stop = pd.Series(np.repeat(stop, len(swap)))
        out["to_date_share"] = year_fraction(swap, stop.where(stop < horizon_end, horizon_end))
    else:
        out["to_date_share"] = np.nan
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


SAVING_COLUMNS = ("annual_run_rate_yi", "in_year_yi", "realised_to_date_yi", "lifetime_yi", "npv_yi")


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


# ----------------------------------------------------------------------------- published basis

LINEAR_BASES = ("annual_run_rate", "in_year", "realised_to_date")  # proportional to every spread


def _implied_spread(loans: pd.DataFrame, basis: str, target: float, discount_rate) -> float:
    """Weighted spread (points) at which ``basis`` would total ``target`` (亿元).

    Every loan's spread is scaled by one factor k (new rate = old − k × spread). The run-rate,
    in-year and to-date bases are proportional to k, so k = target / total; lifetime and NPV
    (repayment schedules, discounting, fees) are solved by bisection. NaN when no k in (0, 64]
    reaches the target.
    """
    amount = loans["amount_yi"].to_numpy(dtype=float)
    old = loans["old_rate_pct"].to_numpy(dtype=float)
    spread = old - loans["new_rate_pct"].to_numpy(dtype=float)
    weighted = float((amount * spread).sum() / amount.sum())
    if basis in LINEAR_BASES:
        total = float(loans[f"{basis}_yi"].sum())
        return target / total * weighted if total > 0 else float("nan")
    args = (loans["old_term_m"], loans["new_term_m"], loans["repayment"], loans["upfront_cost_yi"])

    def gap(k):
        _, lifetime, npv, _, _ = _evaluate(amount, old, old - k * spread, *args, discount_rate)
        return (lifetime if basis == "lifetime" else npv).sum() - target

    lo, hi = 0.0, 1.0
    while gap(hi) < 0:
        lo, hi = hi, hi * 2
        if hi > 64:
            return float("nan")
    for _ in range(45):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return (lo + hi) / 2 * weighted


def basis_table(register: pd.DataFrame, *, as_of=None, discount_rate=None, lpr=None,
                published: dict | None = PUBLISHED, lang: str = "zh") -> pd.DataFrame:
    """Savings on each basis and which one reproduces the published figure.

    Columns: ``basis``, ``label``, ``saving_yi``, ``pct_of_par`` (saving / refinanced × 100),
    ``matches_published`` (refinanced total and saving both equal the published figures to the
    printed two decimals), ``implied_spread_pp`` (the weighted old − new spread at which this
    basis would total the published saving, every loan's spread scaled by one factor; compare
    with ``spread_pp``, the register's own weighted spread).
    """
    lpr = load_lpr() if lpr is None else lpr
    loans = loan_savings(register, as_of=as_of, discount_rate=discount_rate, lpr=lpr)
    amount = float(loans["amount_yi"].sum())
    spread = float(loans["annual_run_rate_yi"].sum()) / amount * 100.0
    rows = []
    for basis in BASES:
        total = float(loans[f"{basis}_yi"].sum(min_count=1))
        matches = bool(
            published is not None and np.isfinite(total)
            and round_half_up(amount, 2) == published["refinanced_yi"]
            and round_half_up(total, 2) == published["saving_yi"])
        implied = float("nan")
        if published is not None and np.isfinite(total):
            # the published saving scaled to this register's amount (identical when the amounts match)
            target = published["saving_yi"] * amount / published["refinanced_yi"]
            implied = _implied_spread(loans, basis, target, discount_rate)
        zh, en = BASIS_LABELS[basis]
        rows.append({"basis": basis, "key": BASIS_KEYS[basis], "label": en if lang == "en" else zh,
                     "saving_yi": total, "pct_of_par": total / amount * 100.0,
                     "matches_published": matches, "implied_spread_pp": implied, "spread_pp": spread})
    table = pd.DataFrame(rows)
    table.attrs["published"] = published
    return table


def published_basis(table: pd.DataFrame) -> str | None:
    """JSON key of the first basis that reproduces the published figure, or None."""
    hit = table[table["matches_published"]]
    return str(hit["key"].iloc[0]) if len(hit) else None


# ----------------------------------------------------------------------------- scenarios

def lpr_scenarios(register: pd.DataFrame, *, as_of=None, discount_rate=None, lpr=None,
                  scenarios: dict[str, float] = SCENARIOS_BP) -> pd.DataFrame:
    """Savings if the LPR moved: new LPR-linked (bank-loan) rates shifted, fixed-rate bonds not.

    The shift is applied over each loan's whole horizon, as if it had held since the swap (an
    upper bound on what a repricing at the next reset would change). Returns one row per
    scenario: ``scenario``, ``shift_bp``, and the totals of :data:`SAVING_COLUMNS`, ``npv_pct_par``.
    """
    lpr = load_lpr() if lpr is None else lpr
    rows = []
    for name, bp in scenarios.items():
        loans = loan_savings(register, as_of=as_of, discount_rate=discount_rate, lpr=lpr, rate_shift_pp=bp / 100)
        total = summarise(loans).iloc[0]
        rows.append({"scenario": name, "shift_bp": bp,
                     **{c: float(total[c]) for c in ("amount_yi", *SAVING_COLUMNS, "npv_pct_par")}})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- panel context

def _no_panel_frame(enterprises, reason: str) -> pd.DataFrame:
    cols = ["interest_ytd", "interest_ytd_prev", "avg_debt", "avg_debt_prev", "implied_rate_pct",
            "implied_rate_prev_pct", "change", "volume_effect", "rate_effect", "swaps_effect",
            "share_of_rate_effect_explained"]
    frame = pd.DataFrame(np.nan, index=pd.Index(list(enterprises) + ["total"], name="enterprise"), columns=cols)
    frame["reason"] = reason
    return frame


def interest_split(panel: pd.DataFrame | None, loans: pd.DataFrame, as_of) -> pd.DataFrame:
    """Change in year-to-date interest expense split into debt-volume and rate effects.

    With I = D̄ × r × m/12 (D̄ the average month-end interest-bearing debt of months 1..m, r the
    implied annual rate, m the as-of month), ΔI = (D̄₁ − D̄₀) × r₀ × m/12 [volume] + D̄₁ × (r₁ − r₀)
    × m/12 [rate], exactly. ``swaps_effect`` is the change in the register's saving between the
    two YTD windows (negative = interest lowered), and ``share_of_rate_effect_explained`` =
    swaps_effect / rate_effect when the rate effect is negative. Interest expense excludes
    capitalised interest (see :data:`CAPITALISED_INTEREST_NOTE`), so shares above 1 are possible.

    Without a panel, or without the prior year, values are NaN and ``reason`` says why.
    """
    period = parse_month(as_of)
    m = period.month
    enterprises = list(dict.fromkeys(loans["enterprise"]))
    # saving of the register in the current and prior YTD windows (亿元)
    swap = loans["swap_date"].reset_index(drop=True)
    horizon_end = _add_months(swap, loans["horizon_m"].to_numpy())

    def window(year):
        lo = pd.Series(np.repeat(pd.Timestamp(year, 1, 1), len(swap)))
        hi = pd.Series(np.repeat(pd.Timestamp(year, m, 1) + pd.offsets.MonthBegin(1), len(swap)))
        start = swap.where(swap > lo, lo)
        end = hi.where(hi < horizon_end, horizon_end)
        return loans["annual_run_rate_yi"].to_numpy() * year_fraction(start, end)

    swaps = pd.DataFrame({"enterprise": loans["enterprise"].to_numpy(),
                          "now": window(period.year), "prev": window(period.year - 1)})
    swaps_by = swaps.groupby("enterprise", sort=False)[["now", "prev"]].sum()
    swaps_effect = -(swaps_by["now"] - swaps_by["prev"])

    need = {"enterprise", "year", "month", "interest_expense_ytd", "interest_bearing_debt"}
    if panel is None:
        out = _no_panel_frame(enterprises, "no panel: run `soe-analysis ingest` to compare with interest expense")
        out.loc[swaps_effect.index, "swaps_effect"] = swaps_effect
        out.loc["total", "swaps_effect"] = swaps_effect.sum()
        return out
    if need - set(panel.columns):
        out = _no_panel_frame(enterprises, f"panel lacks {sorted(need - set(panel.columns))}")
        out.loc[swaps_effect.index, "swaps_effect"] = swaps_effect
        return out
    from .io.panel import as_of as cut_as_of

    visible = cut_as_of(panel, period)

    def ytd_block(year):
        rows = visible[(visible["year"] == year) & (visible["month"] <= m)]
        last = rows[rows["month"] == m].set_index("enterprise")["interest_expense_ytd"]
        avg = rows.groupby("enterprise")["interest_bearing_debt"].mean()
        return last, avg

    i1, d1 = ytd_block(period.year)
    i0, d0 = ytd_block(period.year - 1)
    names = list(dict.fromkeys(list(i1.index) + enterprises))
    frame = pd.DataFrame(index=pd.Index(names, name="enterprise"))
    frame["interest_ytd"] = i1
    frame["interest_ytd_prev"] = i0
    frame["avg_debt"] = d1
    frame["avg_debt_prev"] = d0
    frame["swaps_effect"] = swaps_effect.reindex(frame.index).fillna(0.0)
    # the total is like for like: enterprises with figures in both years only
    both = frame[["interest_ytd", "interest_ytd_prev", "avg_debt", "avg_debt_prev"]].notna().all(axis=1)
    frame.loc["total"] = frame[both].sum() if both.any() else np.nan
    years = m / 12.0
    frame["implied_rate_pct"] = frame["interest_ytd"] / frame["avg_debt"] / years * 100
    frame["implied_rate_prev_pct"] = frame["interest_ytd_prev"] / frame["avg_debt_prev"] / years * 100
    frame["change"] = frame["interest_ytd"] - frame["interest_ytd_prev"]
    r0 = frame["implied_rate_prev_pct"] / 100
    r1 = frame["implied_rate_pct"] / 100
    frame["volume_effect"] = (frame["avg_debt"] - frame["avg_debt_prev"]) * r0 * years
    frame["rate_effect"] = frame["avg_debt"] * (r1 - r0) * years
    frame["swaps_effect"] = frame["swaps_effect"].where(frame["rate_effect"].notna())
    frame["share_of_rate_effect_explained"] = np.where(frame["rate_effect"] < 0,
                                                       frame["swaps_effect"] / frame["rate_effect"], np.nan)
    frame["reason"] = np.select(
        [frame["interest_ytd"].isna(), frame["interest_ytd_prev"].isna() | frame["avg_debt_prev"].isna(),
         frame["rate_effect"] >= 0],
        ["no interest expense in the panel for the as-of month", "no prior-year data for a like-for-like split",
         "implied rate did not fall: no saving to explain"], "")
    return frame


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


# ----------------------------------------------------------------------------- one call for CLI / notebook

def optional_panel(path=None) -> tuple[pd.DataFrame | None, str]:
    """The processed panel if there is one, else (None, reason): the interest split degrades to NaN.

    An explicitly given ``path`` must exist (its absence is an error, not a silent NaN).
    """
    from . import config
    from .io.panel import load_panel

    if path is None and not config.PANEL_FILE.exists():
        return None, "no panel (run `soe-analysis ingest`): interest-expense split not computed"
    try:
        return load_panel(path), ""
    except SoeError:
        if path is None:
            return None, "panel unreadable: interest-expense split not computed"
        raise


def savings_summary(register: pd.DataFrame, *, as_of, discount_rate=None, panel=None,
                    lpr: pd.DataFrame | None = None) -> dict:
    """Everything the CLI prints, unrounded: totals per basis, the basis table, per-enterprise rows.

    Amounts in 亿元, rates in percent. ``published_basis`` is the JSON key of the basis that
    reproduces the published saving (None when none does).
    """
    lpr = load_lpr() if lpr is None else lpr
    period = parse_month(as_of)
    loans = loan_savings(register, as_of=period, discount_rate=discount_rate, lpr=lpr)
    total = summarise(loans).iloc[0]
    table = basis_table(register, as_of=period, discount_rate=discount_rate, lpr=lpr)
    scen = lpr_scenarios(register, as_of=period, discount_rate=discount_rate, lpr=lpr)
    split = interest_split(panel, loans, period)

    def rows(frame, key):
        return [{key: str(idx), **{c: (int(v) if c == "loans" else float(v)) for c, v in row.items()}}
                for idx, row in frame.iterrows()]

    by_ent = summarise(loans, "enterprise")
    split_cols = ["interest_ytd", "interest_ytd_prev", "volume_effect", "rate_effect", "swaps_effect",
                  "share_of_rate_effect_explained"]
    return {
        "as_of": month_str(period),
        "dataset": register.attrs.get("dataset", "user"),
        "register": register.attrs.get("file"),
        "discount_rate": discount_rate,
        "discount_basis": "each loan's new rate" if discount_rate is None else f"{discount_rate:g}% a year",
        "loans": int(len(loans)),
        "refinanced_total": float(total["amount_yi"]),
        "annual_run_rate_saving": float(total["annual_run_rate_yi"]),
        "in_year_saving": float(total["in_year_yi"]),
        "realised_to_date_saving": float(total["realised_to_date_yi"]),
        "lifetime_saving": float(total["lifetime_yi"]),
        "npv_saving": float(total["npv_yi"]),
        "npv_pct_of_par": float(total["npv_pct_par"]),
        "upfront_costs": float(total["upfront_cost_yi"]),
        "old_rate_pct": float(total["old_rate_pct"]),
        "new_rate_pct": float(total["new_rate_pct"]),
        "spread_pp": float(total["spread_pp"]),
        "rate_up_loans": int(loans["rate_up"].sum()),
        "published_basis": published_basis(table),
        "published": PUBLISHED,
        "basis_table": [{k: (v if not isinstance(v, (np.floating, np.bool_)) else v.item()) for k, v in r.items()}
                        for r in table.to_dict("records")],
        "scenarios": scen.to_dict("records"),
        "by_enterprise": rows(by_ent, "enterprise"),
        "by_instrument": rows(summarise(loans, "old_instrument"), "old_instrument"),
        "interest_split": [{"enterprise": str(i), **{c: float(r[c]) for c in split_cols}, "reason": r["reason"]}
                           for i, r in split.iterrows()],
        "interest_split_note": CAPITALISED_INTEREST_NOTE,
    }
