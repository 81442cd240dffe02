"""Profit drivers: an exact, additive bridge of the change in total profit (Δ利润总额).

The bridge compares two periods of the panel — by default the as-of year-to-date against the
same year-to-date a year before (同比), but any earlier month can be the base, and single months
(``basis="m"``, the panel's ``_m`` columns) can be compared instead of YTDs. Amounts are 亿元.

Line-item bridge (per enterprise, effects on profit; Δ = current − base)::

    revenue           +Δ营业总收入
    depreciation      −Δ折旧                     ("of which" in the cost lines, cost schedule)
    staff_cost        −Δ职工薪酬                  ("of which" in the cost lines, cost schedule)
    interest_expense  −Δ利息费用                  ("of which" in 财务费用)
    other_costs       −Δ(营业总成本 − 折旧 − 职工薪酬 − 利息费用)
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

Finer effects (:func:`volume_margin`, :func:`mix_effect`, :func:`interest_split`) use
:func:`shapley` — the average of the chain-substitution (连环替代法) effects over every order of
the factors — beside :func:`chain_substitution` in a stated order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import DataError, SoeError, UsageError
from .metrics import format_number, round_half_up
from .io.panel import as_of as cut_as_of
from .io.panel import dataset_label, month_rows, value_column
from .params import check_as_of, check_lang
from .periods import month_str, parse_month, ytd_label

# --------------------------------------------------------------------------------------------
# Drivers and their labels

DRIVERS: tuple[str, ...] = (
    "revenue", "depreciation", "staff_cost", "interest_expense", "other_costs",
    "other_gains", "one_off_items", "unexplained", "entry_exit",
)
LIKE_FOR_LIKE_DRIVERS: tuple[str, ...] = tuple(d for d in DRIVERS if d not in ("one_off_items", "entry_exit"))

DRIVER_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "revenue": "营业收入",
        "depreciation": "折旧",
        "staff_cost": "职工薪酬",
        "interest_expense": "利息费用",
        "other_costs": "其他成本费用",
        "other_gains": "其他收益等(扣非)",
        "one_off_items": "非经常性损益",
        "unexplained": "其他/未解释",
        "entry_exit": "企业范围变动",
    },
    "en": {
        "revenue": "Revenue",
        "depreciation": "Depreciation",
        "staff_cost": "Staff costs",
        "interest_expense": "Interest expense",
        "other_costs": "Other operating costs",
        "other_gains": "Other gains ex one-offs",
        "one_off_items": "One-off items",
        "unexplained": "Other/unexplained",
        "entry_exit": "Entry/exit",
    },
}

BASES = ("ytd", "m")
TOTAL_NAME = {"zh": "合计", "en": "Total"}

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


def driver_label(driver: str, lang: str = "zh") -> str:
    """The reader-facing name of a driver."""
    return DRIVER_LABELS[check_lang(lang)][driver]


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

    def table(self, lang: str | None = None, total: bool = True) -> pd.DataFrame:
        """One row per enterprise (and a total row): base profit, effects, current profit, change.

        With ``lang`` the columns carry the reader-facing labels of that language.
        """
        out = pd.concat([self.profit[["base"]], self.effects, self.profit[["current", "change"]]], axis=1)
        if total:
            tot = self.totals()
            row = {"base": self.total_profit_base, **tot.to_dict(),
                   "current": self.total_profit_current, "change": self.total_change}
            out.loc[TOTAL_NAME[lang or "zh"]] = pd.Series(row)
        if lang:
            out = out.rename(columns=_column_labels(lang))
        return out

    def long(self, lang: str | None = None) -> pd.DataFrame:
        """Rows of ``enterprise``, ``driver``, ``effect`` (亿元); ``label`` when ``lang`` is given."""
        frame = self.effects.rename_axis(index="enterprise", columns="driver").stack(future_stack=True)
        frame = frame.rename("effect").reset_index()
        if lang:
            frame["label"] = frame["driver"].map(DRIVER_LABELS[check_lang(lang)])
        return frame

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


def _column_labels(lang: str) -> dict:
    zh = lang == "zh"
    return {**DRIVER_LABELS[check_lang(lang)],
            "base": "基期利润" if zh else "Base profit",
            "current": "本期利润" if zh else "Current profit",
            "change": "变动" if zh else "Change"}


def _period_values(visible: pd.DataFrame, period: pd.Period, basis: str) -> pd.DataFrame:
    """Enterprise × line values of one period (YTD or month), NaN where a column is absent."""
    rows = month_rows(visible, period)
    if rows.index.has_duplicates:
        dup = rows.index[rows.index.duplicated()][0]
        raise DataError(f"{dup} has more than one row for {month_str(period)}", column="enterprise")
    out = pd.DataFrame(index=rows.index)
    for line in LINES_USED:
        col = value_column(line, basis)
        out[line] = pd.to_numeric(rows[col], errors="coerce").astype(float) if col in rows else np.nan
    return out


def _average_debt(visible: pd.DataFrame, period: pd.Period, basis: str) -> pd.Series:
    """Average interest-bearing debt over the period, per enterprise (亿元).

    YTD through month m of year y: the mean of the month-end balances reported at the previous
    December and at each month-end of y up to m (the opening balance and the m closing ones;
    months not reported are left out of the mean). Single month: the mean of the previous and
    the current month-end.
    """
    if DEBT not in visible:
        return pd.Series(dtype=float)
    first = (pd.Period(year=period.year - 1, month=12, freq="M") if basis == "ytd" else period - 1)
    key = visible["year"] * 100 + visible["month"]
    window = visible[(key >= first.year * 100 + first.month) & (key <= period.year * 100 + period.month)]
    debt = pd.to_numeric(window[DEBT], errors="coerce")
    return debt.groupby(window["enterprise"]).mean()


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

    warnings: list[str] = []
    if basis == "ytd" and prior.month != current.month:
        warnings.append(f"the periods have different lengths ({ytd_label(prior, 'en')} vs "
                        f"{ytd_label(current, 'en')}): the change includes the extra months")
    if basis == "m" and "jan_feb_combined" in visible:
        for p in (prior, current):
            flag = visible.loc[visible["period"] == month_str(p), "jan_feb_combined"]
            if p.month <= 2 and flag.fillna(False).astype(bool).any():
                warnings.append(f"{month_str(p)}: single-month values are half of the combined 1–2月 release")

    years = (lambda p: p.month / 12) if basis == "ytd" else (lambda p: 1 / 12)
    for values, p in ((cur, current), (old, prior)):
        values["avg_interest_bearing_debt"] = _average_debt(visible, p, basis).reindex(values.index)
        values["period_years"] = years(p)

    notes: dict[str, list[str]] = {}
    excluded: dict[str, str] = {}
    names = cur.index.union(old.index, sort=False)
    status = pd.Series("both", index=names, dtype=object)
    status[~names.isin(old.index)] = "entry"
    status[~names.isin(cur.index)] = "exit"

    b = old.reindex(names)
    c = cur.reindex(names)
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

    def delta(line: str) -> pd.Series:
        """Change of a line where it is reported in both periods (NaN otherwise)."""
        return c[line] - b[line]

    effects = pd.DataFrame(0.0, index=keep, columns=list(DRIVERS))
    effects["revenue"] = delta(REVENUE)
    cost_change = delta(COST)
    split_out = pd.Series(0.0, index=keep)
    for line in COST_OF_WHICH:
        d = delta(line)
        effects[line] = -d
        split_out = split_out + d.fillna(0.0)  # a line not reported stays inside other costs
    effects["other_costs"] = -(cost_change - split_out)

    gains = pd.DataFrame({g: sign * delta(g) for g, sign in GAIN_LINES})
    one_off = delta(ONE_OFF)
    effects["other_gains"] = gains.sum(axis=1, min_count=1) - one_off.fillna(0.0)
    effects["one_off_items"] = one_off
    effects = effects + 0.0  # −0.0 (a cost that did not change) prints as 0.00
    explained = effects.drop(columns=["unexplained", "entry_exit"]).sum(axis=1)
    effects["unexplained"] = (c[PROFIT] - b[PROFIT]) - explained

    # notes on lines that are not reported, for enterprises in both periods
    for name in keep[both]:
        for line, where in ((REVENUE, "other/unexplained"), (COST, "other/unexplained"),
                            *((ln, "other costs") for ln in COST_OF_WHICH),
                            *((g, "other/unexplained") for g, _ in GAIN_LINES), (ONE_OFF, "other gains")):
            if pd.isna(b.at[name, line]) or pd.isna(c.at[name, line]):
                notes.setdefault(name, []).append(f"{line} not reported in both periods: its change is in {where}")

    # enterprises present in one period only: their whole profit is the entry/exit effect
    one_side = ~both
    effects.loc[one_side, :] = 0.0
    effects.loc[status == "entry", "entry_exit"] = c.loc[status == "entry", PROFIT]
    effects.loc[status == "exit", "entry_exit"] = -b.loc[status == "exit", PROFIT]
    for name in keep[one_side]:
        notes.setdefault(name, []).append(
            "present in the current period only" if status[name] == "entry" else "present in the base period only")

    profit = pd.DataFrame({"base": b[PROFIT], "current": c[PROFIT]})
    profit["change"] = profit["current"].fillna(0.0) - profit["base"].fillna(0.0)
    order = profit["change"].sort_values(kind="stable").index
    return Bridge(
        as_of=current, base=prior, basis=basis,
        effects=effects.loc[order], profit=profit.loc[order], status=status.loc[order],
        base_values=old, current_values=cur, notes=notes, excluded=excluded, warnings=warnings,
        dataset=dataset_label(visible),
    )


# --------------------------------------------------------------------------------------------
# Chain substitution and Shapley

MAX_SHAPLEY_FACTORS = 10


def chain_substitution(f: Callable, base: Mapping, current: Mapping, order: Sequence[str] | None = None) -> dict:
    """Effects of each factor by chain substitution (连环替代法) in a stated order.

    Factors are replaced, one at a time in ``order`` (default the order of ``base``), from their
    base value to their current value; each factor's effect is the change in ``f`` when it is
    replaced. The effects sum to ``f(**current) - f(**base)`` exactly (telescoping), but depend
    on the order whenever ``f`` is not additive.

    Parameters
    ----------
    f : callable
        Called with the factors as keyword arguments; may be vectorised (arrays in, array out).
    base, current : mapping
        Factor name → value in the base and current period (scalars or arrays).
    order : sequence of str, optional
        The substitution order.

    Returns
    -------
    dict
        Factor → effect, in the order of ``base``.
    """
    names = list(base)
    order = list(order) if order is not None else names
    if sorted(order) != sorted(names) or set(current) != set(names):
        raise UsageError(f"chain substitution order {order} must name each factor of {names} once")
    state = dict(base)
    previous = f(**state)
    effects = {}
    for name in order:
        state[name] = current[name]
        value = f(**state)
        effects[name] = value - previous
        previous = value
    return {name: effects[name] for name in names}


def shapley(f: Callable, base: Mapping, current: Mapping) -> dict:
    """Shapley decomposition: each factor's chain-substitution effect averaged over all orders.

    Computed exactly over the 2^n subsets of factors (not by sampling orders):
    φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · [f(S ∪ {i} at current) − f(S at current)],
    the other factors at base values. The effects sum to ``f(**current) - f(**base)`` and do not
    depend on the order in which the factors are listed; for an additive ``f`` they equal the
    chain-substitution effects in any order. ``f`` may be vectorised. At most
    :data:`MAX_SHAPLEY_FACTORS` factors (2^n evaluations of ``f``).

    Returns
    -------
    dict
        Factor → effect, in the order of ``base``.
    """
    names = list(base)
    n = len(names)
    if set(current) != set(names):
        raise UsageError(f"base and current must name the same factors, got {names} and {list(current)}")
    if not 1 <= n <= MAX_SHAPLEY_FACTORS:
        raise UsageError(f"shapley takes 1 to {MAX_SHAPLEY_FACTORS} factors, got {n}")
    cache: dict[frozenset, object] = {}

    def value(at_current: frozenset):
        if at_current not in cache:
            cache[at_current] = f(**{k: (current[k] if k in at_current else base[k]) for k in names})
        return cache[at_current]

    weights = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    effects = {}
    for name in names:
        others = [k for k in names if k != name]
        total = 0.0
        for size in range(n):
            for subset in combinations(others, size):
                s = frozenset(subset)
                total = total + weights[size] * (value(s | {name}) - value(s))
        effects[name] = total
    return effects


# --------------------------------------------------------------------------------------------
# Finer effects


def volume_margin(br: Bridge) -> pd.DataFrame:
    """Revenue volume vs margin effects on the change in total profit, per enterprise.

    Profit = revenue × margin (margin = total profit / revenue). Shapley effects (two factors:
    the average of both orders): volume = Δrevenue × (m₀ + m₁)/2, margin = Δm × (R₀ + R₁)/2; and
    chain substitution with volume first: volume = Δrevenue × m₀, margin = Δm × R₁. Both pairs
    sum to Δprofit. Enterprises present in both periods; NaN (with no effect invented) where
    revenue is zero, negative or missing in either period, since the margin is then undefined.

    Returns
    -------
    DataFrame
        Per enterprise: ``revenue_base``, ``revenue_current`` (亿元), ``margin_base_pct``,
        ``margin_current_pct`` (percent), ``change``, ``volume``, ``margin``,
        ``volume_chain``, ``margin_chain`` (亿元).
    """
    keep = br.status.index[br.status == "both"]
    r0 = br.base_values.loc[keep, REVENUE]
    r1 = br.current_values.loc[keep, REVENUE]
    p0, p1 = br.profit.loc[keep, "base"], br.profit.loc[keep, "current"]
    ok = (r0 > 0) & (r1 > 0)
    m0 = (p0 / r0).where(ok)
    m1 = (p1 / r1).where(ok)

    def f(revenue, margin):
        return revenue * margin

    base = {"revenue": r0.where(ok), "margin": m0}
    cur = {"revenue": r1.where(ok), "margin": m1}
    sh = shapley(f, base, cur)
    ch = chain_substitution(f, base, cur, order=["revenue", "margin"])
    return pd.DataFrame({
        "revenue_base": r0, "revenue_current": r1,
        "margin_base_pct": m0 * 100, "margin_current_pct": m1 * 100,
        "change": p1 - p0,
        "volume": sh["revenue"], "margin": sh["margin"],
        "volume_chain": ch["revenue"], "margin_chain": ch["margin"],
    })


def mix_effect(br: Bridge, *, exclude_one_offs: bool = False) -> pd.DataFrame:
    """Volume, mix and margin effects across enterprises on the change in their total profit.

    Total profit of the group = total revenue T × Σᵢ wᵢ mᵢ, with revenue shares wᵢ = Rᵢ/T and
    margins mᵢ = Pᵢ/Rᵢ. Three factors (T, the share vector w, the margin vector m), Shapley
    effects: ``volume`` (growth of total revenue at unchanged shares and margins), ``mix``
    (revenue moving between enterprises of different margins), ``margin`` (margins within each
    enterprise). Shapley is linear, so the effect splits exactly by enterprise (each row is the
    Shapley decomposition of Tᵢwᵢmᵢ = Pᵢ). Also given: chain substitution in the order
    volume → mix → margin (``*_chain`` columns).

    Scope: enterprises present in both periods with positive revenue in both (the others have no
    margin); the ``Total`` row is the sum. With ``exclude_one_offs`` profit is total profit minus
    one-off items (where reported).

    Returns
    -------
    DataFrame
        Per enterprise and a ``Total`` row: ``share_base_pct``, ``share_current_pct``,
        ``margin_base_pct``, ``margin_current_pct``, ``change``, ``volume``, ``mix``,
        ``margin``, ``volume_chain``, ``mix_chain``, ``margin_chain`` (亿元 unless _pct).
    """
    src = br.like_for_like() if exclude_one_offs else br
    keep = src.status.index[src.status == "both"]
    r0 = br.base_values.loc[keep, REVENUE]
    r1 = br.current_values.loc[keep, REVENUE]
    keep = keep[((r0 > 0) & (r1 > 0)).to_numpy()]
    if len(keep) == 0:
        raise SoeError("mix effect: no enterprise has positive revenue in both periods")
    r0, r1 = r0.loc[keep], r1.loc[keep]
    p0, p1 = src.profit.loc[keep, "base"], src.profit.loc[keep, "current"]
    t0, t1 = r0.sum(), r1.sum()
    base = {"volume": t0, "mix": (r0 / t0).to_numpy(), "margin": (p0 / r0).to_numpy()}
    cur = {"volume": t1, "mix": (r1 / t1).to_numpy(), "margin": (p1 / r1).to_numpy()}

    def f(volume, mix, margin):
        return volume * mix * margin

    sh = shapley(f, base, cur)
    ch = chain_substitution(f, base, cur, order=["volume", "mix", "margin"])
    out = pd.DataFrame({
        "share_base_pct": base["mix"] * 100, "share_current_pct": cur["mix"] * 100,
        "margin_base_pct": base["margin"] * 100, "margin_current_pct": cur["margin"] * 100,
        "change": (p1 - p0).to_numpy(),
        "volume": sh["volume"], "mix": sh["mix"], "margin": sh["margin"],
        "volume_chain": ch["volume"], "mix_chain": ch["mix"], "margin_chain": ch["margin"],
    }, index=keep)
    total = out[["change", "volume", "mix", "margin", "volume_chain", "mix_chain", "margin_chain"]].sum()
    total["share_base_pct"] = total["share_current_pct"] = 100.0
    total["margin_base_pct"] = p0.sum() / t0 * 100
    total["margin_current_pct"] = p1.sum() / t1 * 100
    out.loc["Total"] = total
    return out


def interest_split(br: Bridge) -> pd.DataFrame:
    """Interest expense change split into debt-volume and rate effects (expense sign, 亿元).

    Interest = average interest-bearing debt D̄ × annual rate r × period length L (in years):
    L = m/12 for a YTD through month m (the YTD interest is annualised by ×12/m, the same rule in
    both periods), 1/12 for a single month. D̄ is the mean of the reported month-end balances over
    the period, opening balance included (see ``_average_debt``); r = interest / (D̄ × L) is the
    implied annual rate. Effects are on interest expense (the profit effect is their negative):

    - chain substitution in the order debt → rate → length (``*_chain``): with equal lengths,
      Δinterest = ΔD̄ × r₀ × L + D̄₁ × Δr × L (DOMAIN §4);
    - Shapley average over the orders (``debt_volume``, ``rate``, ``period_length``);
      ``period_length`` is zero when both periods are equally long.

    NaN where interest or debt is not reported, or the average debt is zero (no rate).

    Returns
    -------
    DataFrame
        Per enterprise and a ``Total`` row: ``avg_debt_base``, ``avg_debt_current`` (亿元),
        ``rate_base_pct``, ``rate_current_pct`` (annual, percent), ``interest_base``,
        ``interest_current``, ``change``, ``debt_volume``, ``rate``, ``period_length``,
        ``debt_volume_chain``, ``rate_chain``, ``period_length_chain`` (亿元).
    """
    keep = br.status.index[br.status == "both"]
    b, c = br.base_values.loc[keep], br.current_values.loc[keep]
    i0, i1 = b["interest_expense"], c["interest_expense"]
    d0, d1 = b["avg_interest_bearing_debt"], c["avg_interest_bearing_debt"]
    l0, l1 = b["period_years"], c["period_years"]
    ok = i0.notna() & i1.notna() & (d0 > 0) & (d1 > 0)
    r0 = (i0 / (d0 * l0)).where(ok)
    r1 = (i1 / (d1 * l1)).where(ok)

    def f(debt, rate, length):
        return debt * rate * length

    base = {"debt": d0.where(ok), "rate": r0, "length": l0.where(ok)}
    cur = {"debt": d1.where(ok), "rate": r1, "length": l1.where(ok)}
    sh = shapley(f, base, cur)
    ch = chain_substitution(f, base, cur, order=["debt", "rate", "length"])
    out = pd.DataFrame({
        "avg_debt_base": d0, "avg_debt_current": d1,
        "rate_base_pct": r0 * 100, "rate_current_pct": r1 * 100,
        "interest_base": i0, "interest_current": i1, "change": i1 - i0,
        "debt_volume": sh["debt"], "rate": sh["rate"], "period_length": sh["length"],
        "debt_volume_chain": ch["debt"], "rate_chain": ch["rate"], "period_length_chain": ch["length"],
    })
    sums = out[ok.to_numpy()].sum()
    total = {k: sums[k] for k in out.columns if not k.endswith("_pct")}
    total["rate_base_pct"] = sums["interest_base"] / (sums["avg_debt_base"] * l0.iloc[0]) * 100 if ok.any() else np.nan
    total["rate_current_pct"] = sums["interest_current"] / (sums["avg_debt_current"] * l1.iloc[0]) * 100 if ok.any() else np.nan
    out.loc["Total"] = pd.Series(total) if ok.any() else np.nan
    return out


# --------------------------------------------------------------------------------------------
# Explanations in words


def _fmt(value: float) -> str:
    return format_number(abs(value))


def _driver_phrase(driver: str, effect: float, br: Bridge, name: str | None, lang: str) -> str:
    """A short phrase for one driver, worded by the direction of its effect."""
    amount = _fmt(effect)
    zh = lang == "zh"
    up = effect > 0  # effect on profit
    if driver == "revenue":
        return f"营业收入{'增加' if up else '减少'}{amount}亿元" if zh else \
            f"{'higher' if up else 'lower'} revenue ({'+' if up else '-'}{amount})"
    if driver in COST_OF_WHICH or driver == "other_costs":
        zh_name = {"depreciation": "折旧", "staff_cost": "职工薪酬", "interest_expense": "利息费用",
                   "other_costs": "其他成本费用"}[driver]
        en_name = {"depreciation": "depreciation", "staff_cost": "staff costs",
                   "interest_expense": "interest expense", "other_costs": "other operating costs"}[driver]
        # a cost that rose lowers profit
        return f"{zh_name}{'减少' if up else '增加'}{amount}亿元" if zh else \
            f"{'lower' if up else 'higher'} {en_name} ({'-' if up else '+'}{amount})"
    if driver == "one_off_items" and name is not None:
        o0 = br.base_values.at[name, ONE_OFF] if name in br.base_values.index else np.nan
        o1 = br.current_values.at[name, ONE_OFF] if name in br.current_values.index else np.nan
        if not up and o0 > 0:
            return f"上年同期一次性收益{_fmt(o0)}亿元（本期{format_number(o1)}亿元）" if zh and br.is_year_on_year else (
                f"基期一次性收益{_fmt(o0)}亿元（本期{format_number(o1)}亿元）" if zh else
                f"a one-off gain of {_fmt(o0)} in the base period (now {format_number(o1)})")
        if up and o1 > 0:
            return f"本期一次性收益{_fmt(o1)}亿元（{'上年同期' if br.is_year_on_year else '基期'}{format_number(o0)}亿元）" if zh else \
                f"a one-off gain of {_fmt(o1)} this period (base {format_number(o0)})"
    if driver == "one_off_items":
        return f"非经常性损益{'增加' if up else '减少'}{amount}亿元" if zh else \
            f"{'higher' if up else 'lower'} one-off items ({'+' if up else '-'}{amount})"
    if driver == "other_gains":
        return f"其他收益等(扣除非经常性损益){'增加' if up else '减少'}{amount}亿元" if zh else \
            f"{'higher' if up else 'lower'} other gains excl. one-offs ({'+' if up else '-'}{amount})"
    if driver == "unexplained":
        return f"其他/未解释因素{'+' if up else '-'}{amount}亿元" if zh else \
            f"other/unexplained items ({'+' if up else '-'}{amount})"
    if driver == "entry_exit":
        return f"企业范围变动{'+' if up else '-'}{amount}亿元" if zh else \
            f"changes in the set of enterprises ({'+' if up else '-'}{amount})"
    raise KeyError(driver)


def markdown_text(text: str) -> str:
    """``text`` (an enterprise name, from data) escaped to show as itself in Markdown and HTML."""
    import html
    import re

    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~>])", r"\\\1", html.escape(str(text), quote=False))


def explain(br: Bridge, enterprise: str | None = None, *, lang: str = "zh", top: int = 3,
            min_effect: float = 0.005, min_share: float = 0.05, markdown: bool = False) -> str:
    """One paragraph explaining the change in total profit of an enterprise (or the total).

    Drivers are ranked by the size of their effect; those in the direction of the change come
    first ("主要因…" / "mainly because of…"), then the largest offsets ("部分被…抵消" / "partly
    offset by…"). Wording adapts to signs: 盈利/亏损 (profit/loss), 增加/减少 (up/down).
    Amounts are 亿元, rounded half-up to 2 dp. The largest driver in the direction of the change
    is always named; the others only when at least ``min_effect`` and ``min_share`` of the
    change. For the total, the enterprises contributing most to the change are named too.
    ``markdown=True`` escapes the names for ``display(Markdown(...))``.
    """
    lang = check_lang(lang)
    shown = markdown_text if markdown else str
    zh = lang == "zh"
    if enterprise in (None, ""):
        who = "市属国企合计" if zh else "All enterprises"
        p0, p1, change = br.total_profit_base, br.total_profit_current, br.total_change
        effects = br.totals()
        name = None
    else:
        if enterprise in br.excluded:
            who, why = shown(enterprise), shown(br.excluded[enterprise])
            return f"{who}：无法分析（{why}）" if zh else f"{who}: cannot be bridged ({why})"
        if enterprise not in br.effects.index:
            raise UsageError(f"unknown enterprise {enterprise!r}; known: {', '.join(br.effects.index)}")
        who, name = shown(enterprise), enterprise
        p0, p1 = br.profit.at[name, "base"], br.profit.at[name, "current"]
        change = br.profit.at[name, "change"]
        effects = br.effects.loc[name]
    now, then = br.period_label("current", lang), br.period_label("base", lang)
    status = br.status.get(name, "both") if name else "both"
    prefix_lfl = "（同口径，不含非经常性损益）" if zh and br.scope == "like_for_like" else (
        " (like-for-like, excl. one-offs)" if br.scope == "like_for_like" else "")

    def level_zh(v: float) -> str:
        return f"盈利{_fmt(v)}亿元" if v > 0 else (f"亏损{_fmt(v)}亿元" if v < 0 else "盈亏持平")

    def level_en(v: float) -> str:
        return f"a profit of {_fmt(v)}" if v > 0 else (f"a loss of {_fmt(v)}" if v < 0 else "break-even")

    if status == "entry":
        return (f"{who}{now}利润总额{format_number(p1)}亿元（{level_zh(p1)}），{then}不在范围内，全部计入企业范围变动。" if zh
                else f"{who}: total profit {now} {format_number(p1)} (亿元, {level_en(p1)}); not present in {then}, "
                     f"so all of it counts as entry/exit.")
    if status == "exit":
        return (f"{who}{then}利润总额{format_number(p0)}亿元（{level_zh(p0)}），{now}不在范围内，全部计入企业范围变动。" if zh
                else f"{who}: total profit {then} {format_number(p0)} (亿元, {level_en(p0)}); not present in {now}, "
                     f"so all of it counts as entry/exit.")

    ranked = effects.dropna()
    ranked = ranked[ranked.abs() >= min_effect]
    ranked = ranked.reindex(ranked.abs().sort_values(ascending=False, kind="stable").index)
    rc = round_half_up(change, 2)
    floor = min_share * abs(change)
    same = [d for d in ranked.index if (ranked[d] > 0) == (change > 0)] if rc != 0 else []
    same = same[:1] + [d for d in same[1:top] if abs(ranked[d]) >= floor]
    offset = [d for d in ranked.index if d not in same and (ranked[d] > 0) != (change > 0)
              and abs(ranked[d]) >= floor][:2] if rc != 0 else []
    phrases = lambda ds: [_driver_phrase(d, ranked[d], br, name, lang) for d in ds]  # noqa: E731
    by_firm = []
    if name is None and rc != 0:  # the total: which enterprises moved it
        moves = br.profit["change"]
        moves = moves[(moves > 0) == (change > 0)].abs().sort_values(ascending=False)
        by_firm = [e for e in moves.index[:top] if moves[e] >= max(min_effect, floor)]

    if zh:
        compare = "同比" if br.is_year_on_year else f"较{then}"
        move = f"{compare}{'增加' if change > 0 else '减少'}{_fmt(change)}亿元" if rc != 0 else f"{compare}基本持平"
        turn = ("，由盈转亏" if p0 > 0 > p1 else "，扭亏为盈" if p0 < 0 < p1 else
                ("，亏损扩大" if p1 < p0 else "，亏损收窄") if p0 < 0 and p1 < 0 and rc != 0 else "")
        text = (f"{who}{now}利润总额{format_number(p1)}亿元{prefix_lfl}，{move}"
                f"（{'上年同期' if br.is_year_on_year else '基期'}{level_zh(p0)}{turn}）")
        if same:
            text += "，主要因" + "、".join(phrases(same))
        if offset:
            text += "；部分被" + "、".join(phrases(offset)) + "抵消"
        if by_firm:
            text += "；分企业看，" + "、".join(
                f"{shown(e)}{'增加' if change > 0 else '减少'}{_fmt(br.profit.at[e, 'change'])}亿元" for e in by_firm)
        return text + "。"
    compare = "year on year" if br.is_year_on_year else f"against {then}"
    move = (f"{'up' if change > 0 else 'down'} {_fmt(change)} {compare}" if rc != 0 else f"flat {compare}")
    turn = (", swinging to a loss" if p0 > 0 > p1 else ", returning to profit" if p0 < 0 < p1 else
            (", a wider loss" if p1 < p0 else ", a narrower loss") if p0 < 0 and p1 < 0 and rc != 0 else "")
    text = (f"{who}: total profit {now}{prefix_lfl} {format_number(p1)} 亿元, {move} "
            f"(from {level_en(p0)}{turn})")
    if same:
        text += "; mainly " + ", ".join(phrases(same))
    if offset:
        text += "; partly offset by " + ", ".join(phrases(offset))
    if by_firm:
        text += "; by enterprise: " + ", ".join(f"{shown(e)} {format_number(br.profit.at[e, 'change'])}" for e in by_firm)
    return text + "."


def explanations(br: Bridge, *, lang: str = "zh", top: int = 3, markdown: bool = False) -> dict[str, str]:
    """:func:`explain` for the total (key ``""``) and every enterprise, in bridge order."""
    out = {"": explain(br, None, lang=lang, top=top, markdown=markdown)}
    for name in [*br.effects.index, *br.excluded]:
        out[name] = explain(br, name, lang=lang, top=top, markdown=markdown)
    return out


# --------------------------------------------------------------------------------------------
# Notebook and command-line helpers


@dataclass(frozen=True)
class DriverParams:
    """Validated parameters of the profit-drivers notebook."""

    as_of: pd.Period
    base: pd.Period
    enterprise: str | None
    lang: str
    basis: str


def check_params(panel: pd.DataFrame, *, as_of: str, base: str = "", enterprise: str = "",
                 lang: str = "zh", basis: str = "ytd") -> DriverParams:
    """Validate notebook / CLI parameters (UsageError on a bad value); ``""`` means the default."""
    current = check_as_of(as_of, panel)
    prior = current - 12 if base in (None, "") else parse_month(base, name="base")
    if prior >= current:
        raise UsageError(f"base must be a month before as_of ({month_str(current)}), got {month_str(prior)}")
    if not (panel["period"] == month_str(prior)).any():
        raise UsageError(f"base {month_str(prior)} has no data in the panel (earliest month: {panel['period'].min()})")
    enterprise = (enterprise or "").strip() or None
    if enterprise is not None:
        known = sorted(panel["enterprise"].dropna().unique())
        if enterprise not in known:
            raise UsageError(f"unknown enterprise {enterprise!r}; known: {', '.join(known)}")
    return DriverParams(as_of=current, base=prior, enterprise=enterprise, lang=check_lang(lang),
                        basis=check_basis(basis))


def to_records(br: Bridge, *, lang: str = "zh", digits: int = 2, row_digits: int = 4) -> dict:
    """The bridge as plain data for JSON: rows, totals per enterprise and overall (亿元).

    Levels, changes and totals are published-style figures, rounded half-up to ``digits``
    decimals. The per-row effects keep ``row_digits`` decimals (4 = 1 万元, the precision of the
    flash reports) so that the rows still add up: Σ rows rounded to ``digits`` gives the change of
    each enterprise and the total (the drift is at most half a 万元 per row), which rows rounded
    to 0.01 each would not (on the shipped data they would sum to −9.90 instead of −9.94).
    """
    lang = check_lang(lang)

    def r(v, n=digits):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else round_half_up(float(v), n) + 0.0

    rows = [{"enterprise": e, "driver": d, "label": DRIVER_LABELS[lang][d], "effect": r(v, row_digits)}
            for e, row in br.effects.iterrows() for d, v in row.items()]
    enterprises = [{"enterprise": e, "status": br.status[e], "profit_base": r(br.profit.at[e, "base"]),
                    "profit_current": r(br.profit.at[e, "current"]), "change": r(br.profit.at[e, "change"]),
                    "notes": br.notes.get(e, [])} for e in br.effects.index]
    lfl = br.like_for_like()
    return {
        "as_of": month_str(br.as_of), "base": month_str(br.base), "basis": br.basis,
        "period": br.period_label("current", lang), "base_period": br.period_label("base", lang),
        "unit": "亿元", "dataset": br.dataset,
        "precision": {"rows": row_digits, "totals": digits},
        "rows": rows,
        "enterprise_totals": enterprises,
        "total": {"profit_base": r(br.total_profit_base), "profit_current": r(br.total_profit_current),
                  "change": r(br.total_change),
                  "by_driver": {d: r(v) for d, v in br.totals().items()}},
        "like_for_like": {"profit_base": r(lfl.total_profit_base), "profit_current": r(lfl.total_profit_current),
                          "change": r(lfl.total_change),
                          "by_driver": {d: r(v) for d, v in lfl.totals().items()},
                          "enterprises": list(lfl.effects.index)},
        "excluded": br.excluded,
        "warnings": br.warnings,
        "explanations": explanations(br, lang=lang),
    }
