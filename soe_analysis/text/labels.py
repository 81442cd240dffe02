"""One bilingual label table: every reader-facing name of a driver, a basis or a table column.

``LABELS[key] = (zh, en)``. Analyses return codes (``revenue_volume``, ``in_year_yi``…); tables,
charts and sentences look their names up here with :func:`label`, so one word never has two
spellings across notebooks, charts and the command line.
"""

from __future__ import annotations

from ..params import check_lang

LABELS: dict[str, tuple[str, str]] = {
    # profit-bridge drivers (soe_analysis.drivers_bridge.DRIVERS)
    "revenue_volume": ("收入规模(按基期利润率)", "Revenue volume at base margin"),
    "margin": ("毛利变动(收入扣除其他成本)", "Margin on revenue net of other costs"),
    "depreciation": ("折旧", "Depreciation"),
    "staff_cost": ("职工薪酬", "Staff costs"),
    "interest_expense": ("利息费用", "Interest expense"),
    "other_gains": ("其他收益等(扣非)", "Other gains ex one-offs"),
    "one_off_items": ("非经常性损益", "One-off items"),
    "unexplained": ("其他/未解释", "Other/unexplained"),
    "entry_exit": ("企业范围变动", "Entry/exit"),
    # bridge table columns
    "base": ("基期利润", "Base profit"),
    "current": ("本期利润", "Current profit"),
    "total": ("合计", "Total"),
    "Total": ("合计", "Total"),
    # refinancing-savings bases (soe_analysis.financing.BASES)
    "annual_run_rate": ("年化节约（置换时余额×利差）", "Annualised run-rate (balance × spread)"),
    "in_year": ("当年节约（已实现＋年内剩余月份预计）", "In the swap year: realised to date + projected rest of year"),
    "realised_to_date": ("截至报告期已实现", "Realised to the as-of month end"),
    "projected_rest_of_year": ("年内剩余月份预计", "Projected for the rest of the year"),
    "lifetime": ("剩余期限内合计（按还款计划）", "Lifetime over the shorter remaining term (repayment schedules)"),
    "npv": ("净现值（扣除违约金和费用）", "NPV net of penalties and fees"),
    # savings and interest-split columns
    "amount_yi": ("置换金额(亿元)", "Refinanced (亿元)"),
    "upfront_cost_yi": ("违约金及费用(亿元)", "Penalties & fees (亿元)"),
    "annual_run_rate_yi": ("年化节约(亿元)", "Run-rate saving (亿元/yr)"),
    "in_year_yi": ("当年节约(亿元，含预计)", "In-year saving incl. projection (亿元)"),
    "realised_to_date_yi": ("截至报告期实现(亿元)", "Realised to date (亿元)"),
    "projected_rest_of_year_yi": ("年内剩余月份预计(亿元)", "Projected rest of year (亿元)"),
    "lifetime_yi": ("剩余期限内合计(亿元)", "Lifetime saving (亿元)"),
    "npv_yi": ("净现值(亿元)", "NPV (亿元)"),
    "npv_pct_par": ("净现值占面值(%)", "NPV (% of par)"),
    "old_rate_pct": ("原利率(%)", "Old rate (%)"),
    "new_rate_pct": ("新利率(%)", "New rate (%)"),
    "spread_pp": ("利差(百分点)", "Spread (pts)"),
    "loans": ("笔数", "Loans"),
    "saving_yi": ("节约(亿元)", "Saving (亿元)"),
    "pct_of_par": ("占置换金额(%)", "% of amount refinanced"),
    "matches_published": ("与公开数一致", "Reproduces published"),
    "implied_spread_pp": ("公开数隐含利差(百分点)", "Spread the published figure implies (pts)"),
    "label": ("口径", "Basis"),
    "rate_pct": ("利率(%)", "Rate (%)"),
    "annual_saving_yi": ("年化节约(亿元)", "Run-rate saving (亿元/yr)"),
    "npv_per_yi": ("每亿元净现值(亿元)", "NPV per 亿元 (亿元)"),
    "breakeven_month": ("回本月数", "Break-even month"),
    "rank": ("排序", "Rank"),
    "enterprise": ("企业", "Enterprise"),
    "instrument": ("融资品种", "Instrument"),
    "repayment": ("还款方式", "Repayment"),
    "remaining_term_m": ("剩余期限(月)", "Remaining term (months)"),
    "scenario": ("情景", "Scenario"),
    "shift_bp": ("LPR变动(bp)", "LPR shift (bp)"),
    "interest_base": ("基期利息费用(亿元)", "Interest expense, base (亿元)"),
    "interest_current": ("本期利息费用(亿元)", "Interest expense, current (亿元)"),
    "avg_debt_base": ("基期平均带息负债(亿元)", "Average debt, base (亿元)"),
    "avg_debt_current": ("本期平均带息负债(亿元)", "Average debt, current (亿元)"),
    "rate_base_pct": ("基期隐含年利率(%)", "Implied rate, base (% a year)"),
    "rate_current_pct": ("本期隐含年利率(%)", "Implied rate, current (% a year)"),
    "change": ("变动(亿元)", "Change (亿元)"),
    "volume_effect": ("规模影响(亿元)", "Volume effect (亿元)"),
    "rate_effect": ("利率影响(亿元)", "Rate effect (亿元)"),
    "length_effect": ("期间长度影响(亿元)", "Period-length effect (亿元)"),
    "swaps_effect": ("置换贡献(亿元)", "Swaps' effect (亿元)"),
    "share_of_rate_effect_explained": ("置换解释利率影响比例", "Share of rate effect from swaps"),
    "reason": ("说明", "Note"),
    "old_instrument": ("原融资品种", "Original instrument"),
    # LPR scenarios
    "flat": ("LPR不变", "LPR flat"),
    "lpr_minus_25bp": ("LPR下调25bp", "LPR −25bp"),
    "lpr_plus_50bp": ("LPR上调50bp", "LPR +50bp"),
}


def label(key: str, lang: str = "zh") -> str:
    """The reader-facing name of ``key`` in ``lang`` (the key itself when it has none)."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if check_lang(lang) == "en" else pair[0]


def labels(keys, lang: str = "zh") -> dict[str, str]:
    """``{key: label}`` for renaming columns or an index."""
    return {k: label(k, lang) for k in keys}
