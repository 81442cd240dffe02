"""Refinancing savings (融资置换节约利息): what replacing high-interest debt saved, on every basis.

Every saving is in **亿元**, on a stated basis, because "节约利息成本21.52亿元" means nothing until
its basis is known. The bases, loan by loan, are computed in :mod:`soe_analysis.financing_loans`
(re-exported here): ``annual_run_rate`` (Σ amount × spread), ``in_year`` (realised to date +
projection of the rest of the swap year), ``realised_to_date``, ``lifetime`` (repayment
schedules over the shorter remaining term) and ``npv`` (net of penalties and fees).

This module adds what concerns the register as a whole, as of a month:

- :func:`visible_swaps`: an analysis as of a month sees only the swaps dated up to its end, as an
  analyst would have then; the comparison with the published 538.83 / 21.52 applies once the
  as-of month covers the whole register (``covers_register``);
- :func:`basis_table`: which basis reproduces the published figure;
- :func:`lpr_scenarios`, :func:`interest_split` (the change in interest expense split into debt
  volume and rate by :func:`soe_analysis.metrics.interest_split` — the rule the profit drivers
  use — with the swaps' effect beside it) and :func:`savings_summary` for the CLI.

Compute only: labels are in :mod:`soe_analysis.text.labels`, charts in
:mod:`soe_analysis.plots.financing`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import metrics
from .errors import SoeError, UsageError
from .financing_loans import (SAVING_COLUMNS, _add_months, _basis_total, loan_savings, summarise,
                              year_fraction)
from .financing_loans import refinancing_candidates, repayment_schedule  # noqa: F401 (the API notebook 03 and the tests call)
from .io.reference import load_lpr
from .metrics import TOTAL_ROW, round_half_up
from .params import check_as_of, check_lang
from .periods import month_str, parse_month


# The published figures the shipped register reproduces (seed document, section 四、二):
# "1-10月完成存量融资置换538.83亿元，节约利息成本21.52亿元".
PUBLISHED = {
    "as_of": "2022-10",
    "refinanced_yi": 538.83,
    "saving_yi": 21.52,
    "source": "2022年工作总结：1-10月完成存量融资置换538.83亿元，节约利息成本21.52亿元",
}


BASES = ("annual_run_rate", "in_year", "realised_to_date", "lifetime", "npv")
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
class SavingsParams:
    """Validated parameters of the savings notebook and the ``savings`` verb."""

    as_of: pd.Period
    discount_rate: float | None  # percent a year; None = each loan's new rate
    target_new_rate: float  # percent a year
    lang: str


def check_params(panel: pd.DataFrame | None = None, *, as_of="2022-10", discount_rate=None,
                 target_new_rate=4.0, lang="zh") -> SavingsParams:
    """Validate the notebook/CLI parameters; :class:`UsageError` on a bad value.

    Given a panel, the as-of month must have data in it (the interest split reads it).
    """
    period = check_as_of(as_of, panel)
    if panel is not None:  # the interest split would read a derived (never published) January
        metrics.check_published_month(panel, period)
    if discount_rate in ("", "None"):
        discount_rate = None
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
    return SavingsParams(period, discount_rate, target, check_lang(lang))


def visible_swaps(register: pd.DataFrame, as_of) -> pd.DataFrame:
    """The swaps dated up to the end of the ``as_of`` month: what an analyst saw then.

    ``attrs`` keep the register's and add ``as_of``, ``swaps_after_as_of`` (the count left out),
    ``last_swap`` (the register's last swap date, ISO) and ``covers_register`` (True when no swap
    is left out: only then is a comparison with the published totals meaningful).
    """
    period = parse_month(as_of)
    end = period.to_timestamp(how="end").normalize()
    keep = register["swap_date"].isna() | (register["swap_date"] <= end)
    out = register[keep.to_numpy()].reset_index(drop=True)
    out.attrs = dict(register.attrs)
    last = register["swap_date"].max()
    out.attrs.update(as_of=month_str(period), swaps_after_as_of=int((~keep).sum()),
                     last_swap=None if pd.isna(last) else last.date().isoformat(),
                     covers_register=bool(keep.all()))
    return out


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
    args = (loans["old_term_m"].to_numpy(dtype=float), loans["new_term_m"].to_numpy(dtype=float),
            loans["repayment"].to_numpy(dtype=object), loans["upfront_cost_yi"].to_numpy(dtype=float))

    def gap(k):
        return _basis_total(basis, amount, old, old - k * spread, *args, discount_rate) - target

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
                published: dict | None = PUBLISHED) -> pd.DataFrame:
    """Savings on each basis and which one reproduces the published figure.

    Columns: ``basis``, ``key``, ``saving_yi``, ``pct_of_par`` (saving / refinanced × 100),
    ``matches_published`` (refinanced total and saving both equal the published figures to the
    printed two decimals; never before the as-of month covers the register, see
    :func:`visible_swaps`), ``implied_spread_pp`` (the weighted old − new spread at which this
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
            published is not None and np.isfinite(total) and register.attrs.get("covers_register", True)
            and round_half_up(amount, 2) == published["refinanced_yi"]
            and round_half_up(total, 2) == published["saving_yi"])
        implied = float("nan")
        if published is not None and np.isfinite(total):
            # the published saving scaled to this register's amount (identical when the amounts match)
            target = published["saving_yi"] * amount / published["refinanced_yi"]
            implied = _implied_spread(loans, basis, target, discount_rate)
        rows.append({"basis": basis, "key": BASIS_KEYS[basis],
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

def _swaps_effect(loans: pd.DataFrame, period: pd.Period) -> pd.Series:
    """Change in the register's saving between the current and the prior YTD window, per
    enterprise (亿元, negative = interest lowered)."""
    m = period.month
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
    by = swaps.groupby("enterprise", sort=False)[["now", "prev"]].sum()
    return -(by["now"] - by["prev"])


def _panel_split(panel: pd.DataFrame | None, period: pd.Period, enterprises: list) -> tuple[pd.DataFrame, str]:
    """metrics.interest_split on the panel's YTD interest and average debt (empty with a reason)."""
    from .io.panel import as_of as cut_as_of
    from .io.panel import month_rows

    empty = pd.Series(np.nan, index=pd.Index(enterprises, name="enterprise"), dtype=float)
    need = {"enterprise", "year", "month", "interest_expense_ytd", "interest_bearing_debt"}
    years = period.month / 12
    if panel is None:
        return (metrics.interest_split(empty, empty, empty, empty, years, years),
                "no panel: run `soe-analysis ingest` to compare with interest expense")
    if need - set(panel.columns):
        return (metrics.interest_split(empty, empty, empty, empty, years, years),
                f"panel lacks {sorted(need - set(panel.columns))}")
    try:
        visible = cut_as_of(panel, period)
    except SoeError:
        return (metrics.interest_split(empty, empty, empty, empty, years, years),
                f"no panel data for {month_str(period)}")
    i1 = month_rows(visible, period)["interest_expense_ytd"]
    i0 = month_rows(visible, period - 12)["interest_expense_ytd"]
    d1 = metrics.average_balance(visible, period)
    d0 = metrics.average_balance(visible, period - 12)
    i1 = i1.reindex(i1.index.union(pd.Index(enterprises), sort=False))
    return metrics.interest_split(i0, i1, d0, d1, years, years), ""


def interest_split(panel: pd.DataFrame | None, loans: pd.DataFrame, as_of) -> pd.DataFrame:
    """Change in year-to-date interest expense: debt volume, rate, and the swaps' effect (亿元).

    ``volume_effect`` and ``rate_effect`` are :func:`soe_analysis.metrics.interest_split` —
    Shapley effects on interest expense, average debt over the opening balance (previous
    December) and months 1..m — the same figures the profit drivers show. ``swaps_effect`` is the
    change in the register's saving between the two YTD windows (negative = interest lowered);
    ``share_of_rate_effect_explained`` = swaps_effect / rate_effect where the rate effect is
    negative. Interest expense excludes capitalised interest (see
    :data:`CAPITALISED_INTEREST_NOTE`), so shares above 1 are possible. The total row is the sum
    of the enterprise rows that could be split (like for like).

    Without a panel, or without the prior year, the split is NaN and ``reason`` says why.
    """
    period = parse_month(as_of)
    enterprises = list(dict.fromkeys(loans["enterprise"]))
    frame, why = _panel_split(panel, period, enterprises)
    swaps = _swaps_effect(loans, period)
    rows = frame.index != TOTAL_ROW
    # with a split, the swaps' effect stands beside the rows that have one (the total is like for
    # like); without a panel it is all there is, for every enterprise
    shown = rows & (frame["rate_effect"].notna().to_numpy() if not why else True)
    frame["swaps_effect"] = swaps.reindex(frame.index).fillna(0.0).where(shown)
    frame.loc[TOTAL_ROW, "swaps_effect"] = frame.loc[rows, "swaps_effect"].sum(min_count=1)
    frame["share_of_rate_effect_explained"] = np.where(frame["rate_effect"] < 0,
                                                       frame["swaps_effect"] / frame["rate_effect"], np.nan)
    frame["reason"] = why or ""
    if not why:
        frame["reason"] = np.select(
            [frame["interest_current"].isna(), frame["interest_base"].isna() | frame["avg_debt_base"].isna(),
             frame["rate_effect"] >= 0],
            ["no interest expense in the panel for the as-of month", "no prior-year data for a like-for-like split",
             "implied rate did not fall: no saving to explain"], "")
    return frame


# ----------------------------------------------------------------------------- one call for CLI / notebook

def optional_panel(path=None) -> tuple[pd.DataFrame | None, str]:
    """The processed panel if there is one, else (None, reason): the interest split degrades to NaN.

    An explicitly given ``path`` must exist (its absence is an error, not a silent NaN).
    """
    from . import config
    from .io.panel import load_panel

    if path in (None, "") and not config.PANEL_FILE.exists():
        return None, "no panel (run `soe-analysis ingest`): interest-expense split not computed"
    try:
        return load_panel(path or None), ""
    except SoeError:
        if path in (None, ""):
            return None, "panel unreadable: interest-expense split not computed"
        raise


def _published_comparison(register: pd.DataFrame) -> str:
    if register.attrs.get("covers_register", True):
        return "applies: the as-of month covers every swap in the register"
    return (f"not yet: {register.attrs.get('swaps_after_as_of')} swap(s) dated after the as-of month "
            f"(the register runs to {register.attrs.get('last_swap')}); the published totals cover them all")


def savings_summary(register: pd.DataFrame, *, as_of, discount_rate=None, panel=None,
                    lpr: pd.DataFrame | None = None) -> dict:
    """Everything the CLI prints, unrounded: totals per basis, the basis table, per-enterprise rows.

    Only the swaps up to the as-of month count (:func:`visible_swaps`). Amounts in 亿元, rates in
    percent. ``published_basis`` is the JSON key of the basis that reproduces the published
    saving (None when none does, or before the as-of month covers the register).
    ``interest_split`` rows are ``{enterprise, volume_effect, rate_effect}`` exactly as the
    ``drivers`` verb prints them, with ``swaps_effect`` beside.
    """
    from .drivers import interest_split_records

    lpr = load_lpr() if lpr is None else lpr
    period = parse_month(as_of)
    register = visible_swaps(register, period)
    if register.empty:
        raise SoeError(f"no swap in the register is dated on or before the end of {month_str(period)}")
    loans = loan_savings(register, as_of=period, discount_rate=discount_rate, lpr=lpr)
    total = summarise(loans).iloc[0]
    table = basis_table(register, as_of=period, discount_rate=discount_rate, lpr=lpr)
    split = interest_split(panel, loans, period)
    split_rows = interest_split_records(split)
    for row, (_, r) in zip(split_rows, split.iterrows()):
        row["swaps_effect"] = None if pd.isna(r["swaps_effect"]) else round_half_up(float(r["swaps_effect"]), 4) + 0.0
        row["reason"] = r["reason"]

    def rows(frame, key):
        return [{key: str(idx), **{c: (int(v) if c == "loans" else float(v)) for c, v in row.items()}}
                for idx, row in frame.iterrows()]

    return {
        "as_of": month_str(period),
        "dataset": register.attrs.get("dataset", "user"),
        "register": register.attrs.get("file"),
        "swaps_after_as_of": register.attrs["swaps_after_as_of"],
        "published_comparison": _published_comparison(register),
        "discount_rate": discount_rate,
        "discount_basis": "each loan's new rate" if discount_rate is None else f"{discount_rate:g}% a year",
        "loans": int(len(loans)),
        "refinanced_total": float(total["amount_yi"]),
        **{BASIS_KEYS[b]: float(total[f"{b}_yi"]) for b in BASES},
        "in_year_split": {"realised_to_date": float(total["realised_in_year_yi"]),
                          "projected_rest_of_year": float(total["projected_rest_of_year_yi"])},
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
        "scenarios": lpr_scenarios(register, as_of=period, discount_rate=discount_rate, lpr=lpr).to_dict("records"),
        "by_enterprise": rows(summarise(loans, "enterprise"), "enterprise"),
        "by_instrument": rows(summarise(loans, "old_instrument"), "old_instrument"),
        "interest_split": split_rows,
        "interest_split_note": CAPITALISED_INTEREST_NOTE,
    }
