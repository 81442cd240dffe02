"""Profit drivers: an exact, additive bridge of the change in total profit (Δ利润总额).

The bridge compares two periods of the panel — by default the as-of year-to-date against the
same year-to-date a year before (同比), but any earlier month can be the base, and single months
(``basis="m"``, the panel's ``_m`` columns) can be compared instead of YTDs. Amounts are 亿元.

Line-item bridge (per enterprise, effects on profit; Δ = current − base)::

    revenue_volume    +Δ营业总收入 × base-period profit margin (P₀/R₀): revenue growth at the old margin
    margin            +Δ(营业总收入 − other costs) − revenue_volume: what the revenue net of the
                      other operating costs earned beyond the base margin
    depreciation      −Δ折旧                     ("of which" in the cost lines, cost schedule)
    staff_cost        −Δ职工薪酬                  ("of which" in the cost lines, cost schedule)
    interest_expense  −Δ利息费用                  ("of which" in 财务费用)
                      (other costs = 营业总成本 − 折旧 − 职工薪酬 − 利息费用: materials, purchases…)
    other_gains       +Δ(其他收益 + 投资收益 + 营业外收入 − 营业外支出 − 非经常性损益)
    one_off_items     +Δ非经常性损益
    unexplained       +Δ[利润总额 − (营业总收入 − 营业总成本 + other gains incl. one-offs)]
    entry_exit        the whole profit of an enterprise present in one period only

The ``unexplained`` line makes the bridge sum exactly for any data: on data where the
income-statement identity holds (the demonstration panel) it is zero up to 万元 rounding; on real
data it shows what the reported lines do not explain (e.g. asset-impairment losses, fair-value
changes, asset-disposal gains, which flash reports often leave out). For every enterprise the
effects sum to the change in profit, and the enterprises sum to the total (to floating-point
precision, ~1e-12 亿元).

Missing lines (NaN) — what a line that is not reported does:

- an "of which" line (depreciation, staff cost, interest expense, one-off items) missing in
  either period is not split out for that enterprise: its effect is NaN and its amount stays in
  its parent (other costs, or other gains);
- a parent line (revenue, total cost, one of the four gains lines) missing in either period:
  its effect is NaN (a gains line drops out of ``other_gains``) and its change falls into
  ``unexplained``;
- total profit missing in either period: the enterprise cannot be bridged; it is left out of the
  bridge and of the totals and listed in :attr:`Bridge.excluded` with the reason.

Each of these leaves a note in :attr:`Bridge.notes`. Effects therefore sum to the change with
NaN skipped (``effects.sum(axis=1)``). Zero is never put in place of a missing figure: the zeros
in the bridge are structural (``entry_exit`` of an enterprise present in both periods, the line
items of an enterprise that entered or left).

Why revenue is bridged as volume + margin: pass-through turnover (trading at a margin of ~0)
raises revenue and other costs by about the same amount. Shown as two lines (+revenue, −other
costs) it dominates any explanation while changing profit by nothing; at the base-period profit
margin its volume effect is ~0 and the net of the two lines sits in ``margin``. When the base
margin is undefined (revenue ≤ 0 or missing) ``revenue_volume`` is NaN and all of Δ(revenue −
other costs) is the margin effect.

This module computes only; wording is in :mod:`soe_analysis.text.drivers`, charts in
:mod:`soe_analysis.plots.drivers`.
"""


from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .errors import DataError, SoeError, UsageError
from .io.panel import as_of as cut_as_of
from .io.panel import combined_basis, dataset_label, month_rows, prior_year_by_line, value_column
from .metrics import TOTAL_ROW, average_balance
from .periods import month_str, parse_month, ytd_label

DRIVERS: tuple[str, ...] = (
    "revenue_volume", "margin", "depreciation", "staff_cost", "interest_expense",
    "other_gains", "one_off_items", "unexplained", "entry_exit",
)
LIKE_FOR_LIKE_DRIVERS: tuple[str, ...] = tuple(d for d in DRIVERS if d not in ("one_off_items", "entry_exit"))
BASES = ("ytd", "m")

PROFIT = "total_profit"
REVENUE = "revenue"
COST = "total_cost"
COST_OF_WHICH = ("depreciation", "staff_cost", "interest_expense")
GAIN_LINES: tuple[tuple[str, int], ...] = (
    ("other_income", 1), ("investment_income", 1),
    ("non_operating_income", 1), ("non_operating_expense", -1),
)
ONE_OFF = "one_off_items"
DEBT = "interest_bearing_debt"
LINES_USED = (REVENUE, COST, *COST_OF_WHICH, *(g for g, _ in GAIN_LINES), ONE_OFF, PROFIT)


def check_basis(basis: str) -> str:
    basis = {"month": "m", "monthly": "m"}.get(basis, basis)
    if basis not in BASES:
        raise UsageError(f"basis must be 'ytd' (year-to-date) or 'm' (single month), got {basis!r}")
    return basis



# --------------------------------------------------------------------------------------------
# The bridge


@dataclass
class Bridge:
    """The profit bridge between a base and a current period (amounts 亿元).

    Attributes
    ----------
    as_of, base : pandas.Period
        Current and base months.
    basis : str
        ``"ytd"`` (year-to-date through the month) or ``"m"`` (the month alone).
    effects : DataFrame
        Enterprise × :data:`DRIVERS`, the effect of each driver on total profit (亿元).
        NaN means a line was not reported (see the module notes); rows sum (NaN skipped) to
        ``change``.
    profit : DataFrame
        Columns ``base``, ``current``: total profit in each period (NaN where absent), and
        ``change`` (current − base, the missing side of an entry/exit counting as 0).
    status : Series
        ``"both"``, ``"entry"`` (current only) or ``"exit"`` (base only) per enterprise.
    base_values, current_values : DataFrame
        The lines of each period per enterprise (enterprise × line, 亿元), plus
        ``avg_interest_bearing_debt`` and ``period_years`` (the length of the period in years).
    notes : dict
        Enterprise → list of notes (missing lines and where their amounts went).
    excluded : dict
        Enterprise → reason it could not be bridged (left out of the totals).
    warnings : list of str
        Notes on the comparison as a whole.
    scope : str
        ``"all"`` or ``"like_for_like"`` (see :meth:`like_for_like`).
    """

    as_of: pd.Period
    base: pd.Period
    basis: str
    effects: pd.DataFrame
    profit: pd.DataFrame
    status: pd.Series
    base_values: pd.DataFrame
    current_values: pd.DataFrame
    notes: dict = field(default_factory=dict)
    excluded: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    dataset: str = "user"
    scope: str = "all"
    yoy_basis: str = ""  # year-on-year YTD base: reported_prior_year, panel_prior_year or mixed; "" otherwise

    # -- labels --------------------------------------------------------------------------
    @property
    def is_year_on_year(self) -> bool:
        return self.base == self.as_of - 12

    def period_label(self, which: str = "current", lang: str = "zh") -> str:
        """``2022年1-10月`` / ``Jan–Oct 2022`` (YTD) or ``2022年10月`` / ``Oct 2022`` (month)."""
        period = self.as_of if which == "current" else self.base
        return period_label(period, self.basis, lang)

    # -- totals --------------------------------------------------------------------------
    @property
    def drivers(self) -> list[str]:
        return list(self.effects.columns)

    def totals(self) -> pd.Series:
        """Effects summed over enterprises, per driver (NaN only if no enterprise has the line)."""
        return self.effects.sum(axis=0, min_count=1)

    @property
    def total_change(self) -> float:
        return float(self.profit["change"].sum())

    @property
    def total_profit_base(self) -> float:
        return float(self.profit["base"].sum(min_count=1))

    @property
    def total_profit_current(self) -> float:
        return float(self.profit["current"].sum(min_count=1))

    def table(self, total: bool = True) -> pd.DataFrame:
        """One row per enterprise (and a :data:`~soe_analysis.metrics.TOTAL_ROW` row): base profit,
        effects, current profit, change (亿元). Labels: :func:`soe_analysis.text.drivers.labelled_table`."""
        out = pd.concat([self.profit[["base"]], self.effects, self.profit[["current", "change"]]], axis=1)
        if total:
            tot = self.totals()
            row = {"base": self.total_profit_base, **tot.to_dict(),
                   "current": self.total_profit_current, "change": self.total_change}
            out.loc[TOTAL_ROW] = pd.Series(row)
        return out

    def long(self) -> pd.DataFrame:
        """Rows of ``enterprise``, ``driver``, ``effect`` (亿元)."""
        frame = self.effects.rename_axis(index="enterprise", columns="driver").stack(future_stack=True)
        return frame.rename("effect").reset_index()

    def ranking(self) -> pd.DataFrame:
        """Enterprise × driver contributions ranked by size (largest absolute effect first)."""
        frame = self.long().dropna(subset=["effect"])
        frame = frame[frame["effect"] != 0]
        order = frame["effect"].abs().sort_values(ascending=False, kind="stable").index
        return frame.loc[order].reset_index(drop=True)

    # -- like for like -------------------------------------------------------------------
    def like_for_like(self) -> "Bridge":
        """Same-scope (同口径) view: enterprises present in both periods, one-off items removed.

        Profit in each period is total profit minus one-off items; the effects are the bridge's
        without ``one_off_items`` and ``entry_exit``. Where one-off items are not reported for an
        enterprise they cannot be removed: its like-for-like profit keeps them (a note says so).
        """
        if self.scope == "like_for_like":
            return self
        keep = self.status.index[self.status == "both"]
        effects = self.effects.loc[keep, list(LIKE_FOR_LIKE_DRIVERS)].copy()
        one_off = self.effects.loc[keep, ONE_OFF]
        has_one_off = one_off.notna()
        b_oo = self.base_values.reindex(keep)[ONE_OFF].where(has_one_off, 0.0)
        c_oo = self.current_values.reindex(keep)[ONE_OFF].where(has_one_off, 0.0)
        profit = pd.DataFrame({
            "base": self.profit.loc[keep, "base"] - b_oo,
            "current": self.profit.loc[keep, "current"] - c_oo,
        })
        profit["change"] = profit["current"] - profit["base"]
        notes = {e: list(self.notes.get(e, [])) for e in keep if self.notes.get(e)}
        for e in keep[~has_one_off.to_numpy()]:
            notes.setdefault(e, []).append("one-off items not reported: like-for-like profit still includes them")
        dropped = [e for e in self.status.index if self.status[e] != "both"]
        warnings = list(self.warnings)
        if dropped:
            warnings.append("like-for-like leaves out enterprises not present in both periods: " + ", ".join(dropped))
        return replace(self, effects=effects, profit=profit, status=self.status.loc[keep],
                       notes=notes, warnings=warnings, scope="like_for_like")



def period_label(period: pd.Period, basis: str = "ytd", lang: str = "zh") -> str:
    """Label of a YTD or single-month period: ``2022年1-10月``, ``Jan–Oct 2022``, ``2022年10月``."""
    if basis == "ytd":
        return f"{period.year}年{ytd_label(period, 'zh')}" if lang == "zh" else f"{ytd_label(period, 'en')} {period.year}"
    return f"{period.year}年{period.month}月" if lang == "zh" else period.strftime("%b %Y")



def _period_values(visible: pd.DataFrame, period: pd.Period, basis: str) -> pd.DataFrame:
    """Enterprise × line values of one period (YTD or month), NaN where a column is absent."""
    rows = month_rows(visible, period)
    if rows.index.has_duplicates:
        dup = rows.index[rows.index.duplicated()][0]
        raise DataError(f"{dup} has more than one row for {month_str(period)}", column="enterprise")
    columns = {}  # built whole, not a column inserted at a time
    for line in LINES_USED:
        col = value_column(line, basis)
        if col not in rows:
            columns[line] = np.full(len(rows), np.nan)
        else:
            values = rows[col]
            columns[line] = (values if values.dtype.kind == "f" else pd.to_numeric(values, errors="coerce")
                             ).to_numpy(dtype=float)
    return pd.DataFrame(columns, index=rows.index)


def _reported_base(visible: pd.DataFrame, current: pd.Period, old: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The year-on-year base on the comparable basis: each line's 上年同期 as printed in the current
    month's report where the panel carries it (:func:`soe_analysis.io.panel.prior_year_ytd`, the rule
    the headline uses), last year's own figure otherwise. Enterprises with no base-period row stay
    entries. Returns the base lines and which basis total profit is on."""
    old = old.copy()
    profit_basis = pd.Series(dtype=object)
    for line, (values, basis) in prior_year_by_line(visible, current, LINES_USED).items():
        shared = values.index.intersection(old.index)
        old.loc[shared, line] = values.loc[shared].to_numpy()
        if line == PROFIT:
            profit_basis = basis.loc[shared]
    return old, combined_basis(profit_basis)


def _comparison_warnings(visible: pd.DataFrame, prior: pd.Period, current: pd.Period, basis: str) -> list[str]:
    warnings: list[str] = []
    if basis == "ytd" and prior.month != current.month:
        warnings.append(f"the periods have different lengths ({ytd_label(prior, 'en')} vs "
                        f"{ytd_label(current, 'en')}): the change includes the extra months")
    if basis == "m" and "jan_feb_combined" in visible:
        for p in (prior, current):
            flag = visible.loc[visible["period"] == month_str(p), "jan_feb_combined"]
            if p.month <= 2 and flag.fillna(False).astype(bool).any():
                warnings.append(f"{month_str(p)}: single-month values are half of the combined 1–2月 release")
    return warnings


def _line_effects(b: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """Driver effects of enterprises present in both periods (b, c: base and current lines)."""
    def delta(line: str) -> pd.Series:
        """Change of a line where it is reported in both periods (NaN otherwise)."""
        return c[line] - b[line]

    effects = pd.DataFrame(0.0, index=b.index, columns=list(DRIVERS))
    split_out = pd.Series(0.0, index=b.index)
    for line in COST_OF_WHICH:
        d = delta(line)
        effects[line] = -d
        split_out = split_out + d.fillna(0.0)  # a line not reported stays inside other costs
    # revenue net of the other operating costs, as a volume at the base margin plus a margin effect
    net_revenue = delta(REVENUE) - (delta(COST) - split_out)
    base_margin = (b[PROFIT] / b[REVENUE]).where(b[REVENUE] > 0)
    volume = (delta(REVENUE) * base_margin).where(net_revenue.notna())
    effects["revenue_volume"] = volume
    effects["margin"] = net_revenue - volume.fillna(0.0)

    gains = pd.DataFrame({g: sign * delta(g) for g, sign in GAIN_LINES})
    one_off = delta(ONE_OFF)
    effects["other_gains"] = gains.sum(axis=1, min_count=1) - one_off.fillna(0.0)
    effects["one_off_items"] = one_off
    effects = effects + 0.0  # −0.0 (a cost that did not change) prints as 0.00
    explained = effects.drop(columns=["unexplained", "entry_exit"]).sum(axis=1)
    effects["unexplained"] = (c[PROFIT] - b[PROFIT]) - explained
    return effects


def _missing_line_notes(b: pd.DataFrame, c: pd.DataFrame, names) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for name in names:
        for line, where in ((REVENUE, "other/unexplained"), (COST, "other/unexplained"),
                            *((ln, "the margin effect (other costs)") for ln in COST_OF_WHICH),
                            *((g, "other/unexplained") for g, _ in GAIN_LINES), (ONE_OFF, "other gains")):
            if pd.isna(b.at[name, line]) or pd.isna(c.at[name, line]):
                notes.setdefault(name, []).append(f"{line} not reported in both periods: its change is in {where}")
        if pd.notna(b.at[name, REVENUE]) and not b.at[name, REVENUE] > 0:
            notes.setdefault(name, []).append("base revenue not positive: no base margin, revenue volume is in the margin effect")
    return notes


def _status(cur: pd.DataFrame, old: pd.DataFrame) -> pd.Series:
    names = cur.index.union(old.index, sort=False)
    status = pd.Series("both", index=names, dtype=object)
    status[~names.isin(old.index)] = "entry"
    status[~names.isin(cur.index)] = "exit"
    return status


def bridge(panel: pd.DataFrame, as_of, base=None, *, basis: str = "ytd") -> Bridge:
    """The exact line-item bridge of Δ利润总额 from ``base`` to ``as_of``, per enterprise.

    Parameters
    ----------
    panel : DataFrame
        The canonical panel (amounts 亿元). Only rows up to ``as_of`` are used.
    as_of : str or Period
        Current month, ``YYYY-MM``.
    base : str or Period, optional
        Base month, earlier than ``as_of``; default the same month a year before (同比).
    basis : {"ytd", "m"}
        Compare year-to-date values (default) or single months (``_m`` columns).

    Returns
    -------
    Bridge
        Effects in 亿元 on total profit; see the module docstring for the drivers and for what a
        missing line does.
    """
    basis = check_basis(basis)
    current = parse_month(as_of, name="as_of")
    prior = current - 12 if base in (None, "") else parse_month(base, name="base")
    if prior >= current:
        raise UsageError(f"base must be a month before as_of ({month_str(current)}), got {month_str(prior)}")
    visible = cut_as_of(panel, current)
    cur = _period_values(visible, current, basis)
    old = _period_values(visible, prior, basis)
    if old.empty:
        raise SoeError(f"no data for the base month {month_str(prior)} in the panel "
                       f"(earliest month: {visible['period'].min()})")
    yoy_basis = ""
    if basis == "ytd" and prior == current - 12:
        old, yoy_basis = _reported_base(visible, current, old)
    years = (lambda p: p.month / 12) if basis == "ytd" else (lambda p: 1 / 12)
    for values, p in ((cur, current), (old, prior)):
        values["avg_interest_bearing_debt"] = average_balance(visible, p, basis=basis, column=DEBT).reindex(values.index)
        values["period_years"] = years(p)

    status = _status(cur, old)
    names = status.index
    b, c = old.reindex(names), cur.reindex(names)
    excluded: dict[str, str] = {}
    for name in names:
        side = {"both": (b, c), "entry": (c,), "exit": (b,)}[status[name]]
        if any(pd.isna(v.at[name, PROFIT]) for v in side):
            excluded[name] = "total profit not reported in " + (
                month_str(prior) if pd.isna(b.at[name, PROFIT]) and status[name] != "entry" else month_str(current))
    keep = names[~names.isin(list(excluded))]
    if len(keep) == 0:
        raise SoeError(f"no enterprise reports total profit in both {month_str(prior)} and {month_str(current)}")
    b, c, status = b.loc[keep], c.loc[keep], status.loc[keep]
    both = (status == "both").to_numpy()

    effects = _line_effects(b, c)
    notes = _missing_line_notes(b, c, keep[both])
    # enterprises present in one period only: their whole profit is the entry/exit effect
    effects.loc[~both, :] = 0.0
    effects.loc[status == "entry", "entry_exit"] = c.loc[status == "entry", PROFIT]
    effects.loc[status == "exit", "entry_exit"] = -b.loc[status == "exit", PROFIT]
    for name in keep[~both]:
        notes.setdefault(name, []).append(
            "present in the current period only" if status[name] == "entry" else "present in the base period only")

    profit = pd.DataFrame({"base": b[PROFIT], "current": c[PROFIT]})
    profit["change"] = profit["current"].fillna(0.0) - profit["base"].fillna(0.0)
    order = profit["change"].sort_values(kind="stable").index
    return Bridge(
        as_of=current, base=prior, basis=basis,
        effects=effects.loc[order], profit=profit.loc[order], status=status.loc[order],
        base_values=old, current_values=cur, notes=notes, excluded=excluded,
        warnings=_comparison_warnings(visible, prior, current, basis), dataset=dataset_label(visible),
        yoy_basis=yoy_basis,
    )
