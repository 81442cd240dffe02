"""Profit drivers: why total profit (利润总额) moved, by enterprise and driver (亿元).

The exact line-item bridge is :mod:`soe_analysis.drivers_bridge` (imported here: ``drivers.bridge``);
this module adds the finer effects — revenue volume vs margin, mix across enterprises, and the
interest expense split into debt volume and rate (one rule, :func:`soe_analysis.metrics.interest_split`,
the same the refinancing savings use) — the parameter contract and plain records for JSON.
Shapley effects are the average of the chain-substitution (连环替代法) effects over every order of
the factors (:mod:`soe_analysis.decomposition`). Compute only: wording is in
:mod:`soe_analysis.text.drivers`, charts in :mod:`soe_analysis.plots.drivers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import metrics
from .decomposition import MAX_SHAPLEY_FACTORS, chain_substitution, shapley  # noqa: F401 (re-exported)
from .drivers_bridge import (BASES, COST, COST_OF_WHICH, DEBT, DRIVERS, GAIN_LINES,  # noqa: F401
                             LIKE_FOR_LIKE_DRIVERS, LINES_USED, ONE_OFF, PROFIT, REVENUE, Bridge,
                             bridge, check_basis, period_label)
from .errors import SoeError, UsageError
from .metrics import TOTAL_ROW, round_half_up
from .params import check_as_of, check_lang
from .periods import month_str, parse_month


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
    margin); the :data:`~soe_analysis.metrics.TOTAL_ROW` row is the sum. With ``exclude_one_offs`` profit is total profit minus
    one-off items (where reported).

    Returns
    -------
    DataFrame
        Per enterprise and a :data:`~soe_analysis.metrics.TOTAL_ROW` row: ``share_base_pct``, ``share_current_pct``,
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
    out.loc[TOTAL_ROW] = total
    return out


INTEREST_SPLIT_COLUMNS = ("volume_effect", "rate_effect")


def interest_split(br: Bridge) -> pd.DataFrame:
    """Interest expense change split into debt-volume and rate effects (expense sign, 亿元).

    :func:`soe_analysis.metrics.interest_split` on the bridge's two periods: interest expense of
    each period, average interest-bearing debt over the opening balance and the months of the
    period (:func:`soe_analysis.metrics.average_balance`), period lengths m/12 (YTD) or 1/12
    (one month). Shapley effects; the profit effect is their negative. Enterprises present in
    both periods; the total row is the sum of the rows.
    """
    keep = br.status.index[br.status == "both"]
    b, c = br.base_values.reindex(keep), br.current_values.reindex(keep)
    return metrics.interest_split(b["interest_expense"], c["interest_expense"],
                                  b["avg_interest_bearing_debt"], c["avg_interest_bearing_debt"],
                                  float(b["period_years"].iloc[0]) if len(b) else np.nan,
                                  float(c["period_years"].iloc[0]) if len(c) else np.nan)


def interest_split_records(split: pd.DataFrame, digits: int = 4) -> list[dict]:
    """Rows ``{enterprise, volume_effect, rate_effect}`` (亿元, expense sign) for JSON; the total
    row last. ``None`` where the split is undefined; the CLI verbs ``drivers`` and ``savings`` both
    print these."""
    def r(v):
        return None if v is None or not np.isfinite(v) else round_half_up(float(v), digits) + 0.0

    return [{"enterprise": str(name), **{c: r(row[c]) for c in INTEREST_SPLIT_COLUMNS}}
            for name, row in split.iterrows()]


# --------------------------------------------------------------------------------------------
# Parameters and records


@dataclass(frozen=True)
class DriverParams:
    """Validated parameters of the profit-drivers notebook and the ``drivers`` verb."""

    as_of: pd.Period
    base: pd.Period
    enterprise: str | None
    lang: str
    basis: str


def check_params(panel: pd.DataFrame | None = None, *, as_of: str = "2022-10", base: str = "",
                 enterprise: str = "", lang: str = "zh", basis: str = "ytd") -> DriverParams:
    """Validate notebook / CLI parameters (UsageError on a bad value); ``""`` means the default.

    Given a panel, the as-of and base months must have data and the enterprise must exist.
    """
    current = check_as_of(as_of, panel)
    prior = current - 12 if base in (None, "") else parse_month(base, name="base")
    if prior >= current:
        raise UsageError(f"base must be a month before as_of ({month_str(current)}), got {month_str(prior)}")
    if panel is not None and not (panel["period"] == month_str(prior)).any():
        raise UsageError(f"base {month_str(prior)} has no data in the panel (earliest month: {panel['period'].min()})")
    if panel is not None:  # a January split from a combined 1–2月 release is not a published figure
        metrics.check_published_month(panel, current)
        metrics.check_published_month(panel, prior)
    enterprise = (enterprise or "").strip() or None
    if enterprise is not None and panel is not None:
        known = sorted(panel["enterprise"].dropna().unique())
        if enterprise not in known:
            raise UsageError(f"unknown enterprise {enterprise!r}; known: {', '.join(known)}")
    return DriverParams(as_of=current, base=prior, enterprise=enterprise, lang=check_lang(lang),
                        basis=check_basis(basis))


def records(br: Bridge, *, digits: int = 2, row_digits: int = 4) -> dict:
    """The bridge as plain data for JSON: rows, totals per enterprise and overall (亿元).

    Levels, changes and totals are published-style figures, rounded half-up to ``digits``
    decimals. The per-row effects keep ``row_digits`` decimals (4 = 1 万元, the precision of the
    flash reports) so that the rows still add up: Σ rows rounded to ``digits`` gives the change of
    each enterprise and the total (the drift is at most half a 万元 per row), which rows rounded
    to 0.01 each would not. ``interest_split`` holds :func:`interest_split_records`.
    """
    def r(v, n=digits):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else round_half_up(float(v), n) + 0.0

    rows = [{"enterprise": e, "driver": d, "effect": r(v, row_digits)}
            for e, row in br.effects.iterrows() for d, v in row.items()]
    enterprises = [{"enterprise": e, "status": br.status[e], "profit_base": r(br.profit.at[e, "base"]),
                    "profit_current": r(br.profit.at[e, "current"]), "change": r(br.profit.at[e, "change"]),
                    "notes": br.notes.get(e, [])} for e in br.effects.index]
    lfl = br.like_for_like()
    return {
        "as_of": month_str(br.as_of), "base": month_str(br.base), "basis": br.basis,
        "yoy_basis": br.yoy_basis or None,  # None: not a year-on-year YTD comparison
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
        "interest_split": interest_split_records(interest_split(br)),
        "excluded": br.excluded,
        "warnings": br.warnings,
    }
