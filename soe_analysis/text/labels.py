"""Words for what readers see: table headers, key figures, report titles, datasets, in zh and en.

Code names (``total_assets_yi``, ``mape_pct``, ``run_rate``) stay in code; everything shown to a
reader goes through this table. Each entry is ``name: (zh, en, unit)``; the unit key decides how
a number is printed (:data:`UNITS`) and is written into the header: ``资产总额（亿元）``.
A name missing here is worded from its parts (``_yi`` → 亿元, ``_pct`` → %, underscores → spaces),
so a reader never sees an identifier, only a plainer label.
"""

from __future__ import annotations

import re

from ..params import check_lang

# unit key → (zh header suffix, en header suffix, decimals, thousands separators)
UNITS: dict[str, tuple[str, str, int, bool]] = {
    "yi": ("亿元", "亿元", 2, True),
    "wan": ("万元", "万元", 2, True),
    "wan_per_person": ("万元/人", "万元/person", 2, True),
    "pct": ("%", "%", 2, False),
    "pp": ("百分点", "pts", 2, False),
    "bp": ("bp", "bp", 0, False),
    "months": ("月", "months", 0, False),
    "count": ("", "", 0, False),
    "band": ("", "", 2, False),
    "prob": ("%", "%", 0, False),  # a probability 0–1 printed as a percentage
    "ratio": ("", "", 2, False),
    "year": ("", "", 0, False),
    "text": ("", "", 0, False),
    "general": ("", "", 2, True),  # a column of mixed units: whole numbers without decimals
}

_SUFFIX_UNITS = (("_yi", "yi"), ("_wan", "wan"), ("_pct", "pct"), ("_pp", "pp"), ("_bp", "bp"),
                 ("_m", "months"), ("_n", "count"))

# ------------------------------------------------------------------ table columns and row names
COLUMNS: dict[str, tuple[str, str, str | None]] = {
    # identifiers
    "enterprise": ("企业", "Enterprise", "text"), "period": ("报告期", "Period", "text"),
    "period_label": ("期间", "Period", "text"), "year": ("年份", "Year", "year"),
    "month": ("月份", "Month", "count"), "metric": ("指标", "Measure", "text"),
    "measure": ("指标", "Measure", "text"), "series": ("系列", "Series", "text"),
    "method": ("方法", "Method", "text"), "driver": ("因素", "Driver", "text"),
    "label": ("说明", "Label", "text"), "ratio": ("比率", "Ratio", "text"),
    "target": ("目标", "Target", "text"), "kind": ("类型", "Kind", "text"),
    "name_zh": ("名称", "Name (Chinese)", "text"), "name_en": ("英文名称", "Name", "text"),
    "zh": ("名称", "Name (Chinese)", "text"), "en": ("英文名称", "Name", "text"),
    "unit": ("单位", "Unit", "text"), "formula": ("公式", "Formula", "text"),
    "annualised": ("年化", "Annualised", "text"), "note": ("说明", "Note", "text"),
    "reason": ("说明", "Note", "text"), "definition": ("定义", "Definition", "text"),
    "direction": ("方向", "Direction", "text"), "value": ("数值", "Value", "general"),
    # data quality and lineage
    "severity": ("级别", "Severity", "text"), "file": ("文件", "File", "text"), "row": ("行", "Row", "count"),
    "column": ("列", "Column", "text"), "message": ("说明", "Message", "text"),
    "source_file": ("来源文件", "Source file", "text"), "source_row": ("来源行", "Source row", "count"),
    "source_url": ("来源网址", "Source URL", "text"), "scope": ("口径", "Scope", "text"),
    "precision": ("精度", "Precision", "text"),
    "assets_minus_liab_equity": ("资产−负债−所有者权益", "Assets − liabilities − equity", "wan"),
    "total_cost_minus_lines": ("营业总成本−各成本项", "Total cost − its lines", "wan"),
    "profit_minus_components": ("利润总额−各构成项", "Total profit − its components", "wan"),
    "max_gap_wan": ("最大差额", "Largest gap", "wan"),
    # risk
    "score": ("风险得分", "Risk score", "band"), "score_prev": ("上年同期得分", "Score a year before", "band"),
    "n_bands": ("参与计算的比率数", "Ratios scored", "count"),
    "score_change": ("得分变动（+为风险上升）", "Change (+ = riskier)", "band"),
    "cut1": ("分界点1", "Cut-point 1", "ratio"), "cut2": ("分界点2", "Cut-point 2", "ratio"),
    "cut3": ("分界点3", "Cut-point 3", "ratio"), "cut4": ("分界点4", "Cut-point 4", "ratio"),
    # profit drivers
    "effect": ("影响", "Effect", "yi"), "change": ("变动", "Change", "yi"),
    "revenue_base": ("基期营业收入", "Base revenue", "yi"),
    "revenue_current": ("本期营业收入", "Current revenue", "yi"),
    "margin_base_pct": ("基期利润率", "Base margin", "pct"),
    "margin_current_pct": ("本期利润率", "Current margin", "pct"),
    "share_base_pct": ("基期收入占比", "Base revenue share", "pct"),
    "share_current_pct": ("本期收入占比", "Current revenue share", "pct"),
    "volume": ("规模影响", "Volume effect", "yi"), "margin": ("利润率影响", "Margin effect", "yi"),
    "mix": ("结构影响", "Mix effect", "yi"),
    "volume_chain": ("规模影响（连环替代）", "Volume effect (chain)", "yi"),
    "margin_chain": ("利润率影响（连环替代）", "Margin effect (chain)", "yi"),
    "mix_chain": ("结构影响（连环替代）", "Mix effect (chain)", "yi"),
    "avg_debt_base": ("基期平均带息负债", "Average debt, base", "yi"),
    "avg_debt_current": ("本期平均带息负债", "Average debt, current", "yi"),
    "rate_base_pct": ("基期隐含年利率", "Implied annual rate, base", "pct"),
    "rate_current_pct": ("本期隐含年利率", "Implied annual rate, current", "pct"),
    "interest_base": ("基期利息费用", "Interest expense, base", "yi"),
    "interest_current": ("本期利息费用", "Interest expense, current", "yi"),
    "debt_volume": ("负债规模影响", "Debt-volume effect", "yi"), "rate": ("利率影响", "Rate effect", "yi"),
    "period_length": ("期间长度影响", "Period-length effect", "yi"),
    "debt_volume_chain": ("负债规模影响（连环替代）", "Debt-volume effect (chain)", "yi"),
    "rate_chain": ("利率影响（连环替代）", "Rate effect (chain)", "yi"),
    "period_length_chain": ("期间长度影响（连环替代）", "Period-length effect (chain)", "yi"),
    # refinancing
    "new_instrument": ("新融资品种", "New instrument", "text"), "lpr_tenor": ("LPR期限", "LPR tenor", "text"),
    "new_over_lpr_pp": ("新利率较LPR", "New rate over LPR", "pp"),
    "old_over_lpr_pp": ("原利率较LPR", "Old rate over LPR", "pp"),
    "saving_yi": ("节约", "Saving", "yi"), "pct_of_par": ("占置换金额", "Share of amount refinanced", "pct"),
    "matches_published": ("与公开数一致", "Reproduces published", "text"),
    "spread_pp": ("利差", "Spread", "pp"), "implied_spread_pp": ("公开数隐含利差", "Spread the published figure implies", "pp"),
    "rate_pct": ("利率", "Rate", "pct"),
    "count": ("笔数", "Count", "count"), "mean": ("均值", "Mean", None), "std": ("标准差", "Std. dev.", None),
    "min": ("最小", "Min", None), "max": ("最大", "Max", None), "25%": ("下四分位", "Lower quartile", None),
    "50%": ("中位数", "Median", None), "75%": ("上四分位", "Upper quartile", None),
    # targets
    "target_value": ("目标值", "Target value", None), "implied_baseline": ("隐含基数", "Implied baseline", None),
    "data_ytd": ("数据本年累计/期末", "Data, YTD or month-end", None),
    "data_month": ("数据截至月份", "Data up to month", "count"),
    "data_full_year": ("数据全年", "Data, full year", None),
    "full_year_basis": ("全年数口径", "Full-year basis", "text"),
    "difference": ("差额", "Difference", None), "difference_pct": ("差额占比", "Difference", "pct"),
    # backtest
    "n": ("年数", "Years", "count"), "years": ("年份", "Years", "text"),
    "mape_pct": ("平均绝对百分比误差", "MAPE", "pct"), "bias_pct": ("平均偏差", "Bias", "pct"),
    "coverage80_pct": ("80%区间覆盖率", "80% interval coverage", "pct"),
    "coverage95_pct": ("95%区间覆盖率", "95% interval coverage", "pct"),
    "n_interval": ("有区间的年数", "Years with an interval", "count"),
    "default_mape_pct": ("默认方法误差", "Default method MAPE", "pct"),
    "run_rate_mape_pct": ("年化法误差", "Run-rate MAPE", "pct"),
    "seasonal_share_mape_pct": ("季节占比法误差", "Seasonal-share MAPE", "pct"),
    "same_period_mape_pct": ("同期增长法误差", "Same-period growth MAPE", "pct"),
    "best_simple": ("最佳简单方法", "Best simple method", "text"), "met": ("达标", "Goal met", "text"),
    "pooled_coverage80_pct": ("合并80%区间覆盖率", "Pooled 80% coverage", "pct"),
    "pooled_coverage95_pct": ("合并95%区间覆盖率", "Pooled 95% coverage", "pct"),
    "mean_default_mape_pct": ("9–11月默认方法平均误差", "Default MAPE, months 9–11", "pct"),
    "mean_best_simple_mape_pct": ("9–11月最佳简单方法平均误差", "Best simple MAPE, months 9–11", "pct"),
    "each_month_met": ("逐月达标", "Met in each month", "text"),
    "mean_lower": ("平均更低", "Lower on average", "text"),
    "state_space_coverage80_pct": ("状态空间80%覆盖率", "State-space 80% coverage", "pct"),
    "state_space_coverage95_pct": ("状态空间95%覆盖率", "State-space 95% coverage", "pct"),
    "amount_yi": ("金额", "Amount", "yi"), "loan_id": ("编号", "Loan", "text"),
    "revenue_yi": ("营业收入", "Revenue", "yi"), "profit_yi": ("利润总额", "Total profit", "yi"),
}

# code values in table cells (methods, directions, kinds …) → words
TERMS: dict[str, tuple[str, str]] = {
    "run_rate": ("年化法", "run-rate"), "seasonal_share": ("季节占比法", "seasonal share"),
    "same_period": ("同期增长法", "same-period growth"), "recent_growth": ("近期增长法", "recent growth"),
    "state_space": ("状态空间模型", "state space"), "skill_weighted": ("加权组合（默认）", "skill-weighted (default)"),
    "higher_better": ("越高越好", "higher is better"), "lower_better": ("越低越好", "lower is better"),
    "next": ("次年（从上一年各月预测）", "next year (from the months before it)"),
    "current": ("当年（从本年各月预测）", "current year (from its own months)"),
    "level": ("水平", "level"), "growth": ("增长", "growth"), "count": ("数量", "count"),
    "forecast": ("预测", "forecast"), "published": ("已公布", "published"), "actual": ("实际", "actual"),
    "revenue": ("营业收入", "revenue"), "profit": ("利润总额", "total profit"),
    "assets": ("资产总额", "total assets"), "total_profit": ("利润总额", "total profit"),
    "exact": ("精确", "exact"), "yoy_only": ("仅有同比", "growth rate only"), "approx": ("约数", "approximate"),
    "rounded": ("取整", "rounded"), "mixed": ("部分取整", "partly rounded"),
    "national": ("全国国企", "all SOEs"), "central": ("中央企业", "central SOEs"), "local": ("地方国企", "local SOEs"),
    "warning": ("警告", "warning"), "error": ("错误", "error"),
    "demonstration": ("演示数据", "demonstration data"), "real": ("真实数据", "real data"),
    "user": ("用户数据", "user data"),
    "roa": ("总资产收益率", "Return on assets"), "roe": ("净资产收益率", "Return on equity"),
    "cost_recovery": ("成本回收率", "Cost recovery"), "debt_ratio": ("资产负债率", "Debt to assets"),
    "debt_equity": ("产权比率", "Debt to equity"), "debt_ebitda": ("负债/EBITDA", "Debt to EBITDA"),
    "interest_cover": ("利息保障倍数", "Interest cover"), "cash_interest_cover": ("现金利息保障倍数", "Cash interest cover"),
    "cfo_debt": ("经营现金流/负债", "Operating cash flow to debt"),
}

# ------------------------------------------------------------------ key figures on the index
KEY_FIGURES: dict[str, tuple[str, str, str]] = {
    "enterprises": ("企业数", "Enterprises", "count"), "months": ("月数", "Months", "count"),
    "missing_enterprise_months": ("缺报企业月数", "Missing enterprise-months", "count"),
    "warnings": ("数据警告", "Data warnings", "count"), "dataset": ("数据性质", "Data", "text"),
    "total_assets_yi": ("资产总额", "Total assets", "yi"),
    "total_assets_yoy_pct": ("资产总额同比", "Total assets YoY", "signed_pct"),
    "revenue_ytd_yi": ("营业收入（本年累计）", "Revenue (YTD)", "yi"),
    "total_profit_ytd_yi": ("利润总额（本年累计）", "Total profit (YTD)", "yi"),
    "loss_makers_n": ("亏损企业", "Loss-making groups", "count"),
    "risk_score_total_band": ("合计风险得分（1低–5高）", "Overall risk score (1 low – 5 high)", "band"),
    "total_profit_yi": ("利润总额", "Total profit", "yi"),
    "total_profit_change_yi": ("利润总额变动", "Change in total profit", "signed_yi"),
    "like_for_like_change_yi": ("同口径变动", "Like-for-like change", "signed_yi"),
    "unexplained_yi": ("未解释部分", "Unexplained", "signed_yi"),
    "largest_decline": ("降幅最大企业", "Largest decline", "text"),
    "enterprise_profit_change_yi": ("所选企业利润变动", "Selected enterprise's change", "signed_yi"),
    "refinanced_total_yi": ("置换金额", "Refinanced", "yi"),
    "annual_run_rate_saving_yi": ("年化节约利息", "Run-rate interest saving", "yi"),
    "in_year_saving_yi": ("当年实现节约", "In-year saving", "yi"),
    "npv_saving_yi": ("节约净现值", "NPV of the saving", "yi"),
    "published_basis": ("公开数口径", "Basis of the published figure", "basis"),
    "revenue_point_yi": ("营业收入预测", "Revenue forecast", "yi"),
    "revenue_p_reach": ("营业收入 P(达成)", "Revenue P(reach)", "prob"),
    "total_profit_point_yi": ("利润总额预测", "Total profit forecast", "yi"),
    "total_profit_p_reach": ("利润总额 P(达成)", "Total profit P(reach)", "prob"),
    "total_assets_point_yi": ("资产总额预测", "Total assets forecast", "yi"),
    "as_of": ("数据截至", "Data up to", "text"), "lang": ("语言", "Language", "text"),
    "revenue_default_mape_m9_11_pct": ("营业收入9–11月误差", "Revenue MAPE, months 9–11", "pct"),
    "profit_default_mape_m9_11_pct": ("利润总额9–11月误差", "Profit MAPE, months 9–11", "pct"),
    "revenue_coverage80_pct": ("营业收入80%区间覆盖率", "Revenue 80% coverage", "pct"),
    "profit_coverage80_pct": ("利润总额80%区间覆盖率", "Profit 80% coverage", "pct"),
    "revenue_coverage95_pct": ("营业收入95%区间覆盖率", "Revenue 95% coverage", "pct"),
    "profit_coverage95_pct": ("利润总额95%区间覆盖率", "Profit 95% coverage", "pct"),
    "last_outcome_year": ("最近结果年份", "Last outcome year", "year"),
    "roe_total_pct": ("净资产收益率（合计，平均净资产）", "Return on equity (total, average equity)", "signed_pct"),
    "interest_volume_effect_yi": ("利息变动：规模影响", "Interest change: volume effect", "signed_yi"),
    "interest_rate_effect_yi": ("利息变动：利率影响", "Interest change: rate effect", "signed_yi"),
    "realised_in_year_yi": ("当年已实现节约", "Saving realised to date", "yi"),
    "projected_rest_of_year_yi": ("年内剩余月份预计节约", "Saving projected for the rest of the year", "yi"),
    "swaps_after_as_of": ("报告期后置换笔数（未计入）", "Swaps after the as-of month (not counted)", "count"),
    "horizon": ("预测期", "Horizon", "text"),
    "revenue_lo95_yi": ("营业收入95%区间下限", "Revenue 95% interval, low", "yi"),
    "revenue_hi95_yi": ("营业收入95%区间上限", "Revenue 95% interval, high", "yi"),
    "next_default_mape_pct": ("次年预测误差（MAPE）", "Next-year forecast error (MAPE)", "pct"),
    "next_coverage80_pct": ("次年80%区间覆盖率", "Next-year 80% interval coverage", "pct"),
    "next_coverage95_pct": ("次年95%区间覆盖率", "Next-year 95% interval coverage", "pct"),
    "next_n": ("次年预测个数", "Next-year forecasts", "count"),
    "next_brier": ("次年达成概率 Brier 评分", "Next-year P(reach) Brier score", "ratio"),
    "next_brier_climatology": ("Brier 评分（历史频率基准）", "Brier score of climatology", "ratio"),
    "current_default_mape_pct": ("当年预测误差（MAPE）", "Current-year forecast error (MAPE)", "pct"),
    "current_coverage80_pct": ("当年80%区间覆盖率", "Current-year 80% interval coverage", "pct"),
    "current_coverage95_pct": ("当年95%区间覆盖率", "Current-year 95% interval coverage", "pct"),
    "current_n": ("当年预测个数", "Current-year forecasts", "count"),
}

REPORTS: dict[str, tuple[str, str]] = {
    "00_data_quality": ("数据质量", "Data quality"),
    "01_overview": ("运行概览", "Overview"),
    "02_profit_drivers": ("利润变动因素", "Profit drivers"),
    "03_financing_savings": ("融资置换节约利息", "Refinancing savings"),
    "04_target_forecast": ("年度目标能否完成", "Will the targets be reached?"),
    "05_method_backtest": ("预测方法回测", "Forecast methods backtested"),
}

# datasets a page can use, for its provenance line
DATASETS: dict[str, tuple[str, str]] = {
    "flash": ("企业财务快报", "monthly flash reports"),
    "register": ("融资置换台账", "refinancing register"),
    "remaining": ("存量高息融资清单", "remaining high-rate debt list"),
    "lpr": ("贷款市场报价利率（LPR）", "Loan Prime Rate (LPR)"),
    "national": ("财政部全国国企月度数据", "Ministry of Finance national SOE releases"),
    "targets": ("市国资委2023年工作目标", "the city SASAC's 2023 targets"),
}
KINDS: dict[str, tuple[str, str]] = {
    "demonstration": ("演示数据，非真实企业数据", "demonstration data, not real enterprise figures"),
    "real": ("真实公开数据", "real published data"),
    "user": ("用户提供数据", "user-supplied data"),
}

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9%]+)+$")


def _pick(pair, lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def looks_like_identifier(text: str) -> bool:
    """``total_assets_yi``-like: words joined by underscores."""
    return bool(_IDENTIFIER.match(str(text)))


def _split_unit(name: str) -> tuple[str, str | None]:
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], unit
    return name, None


def column_spec(name, lang: str = "zh") -> tuple[str, str | None]:
    """(header, unit key) for a column or row name: known names from :data:`COLUMNS`, code
    names worded from their parts, anything else (already words) as it is."""
    if isinstance(name, str) and name in COLUMNS:
        zh, en, unit = COLUMNS[name]
        return (en if lang == "en" else zh), unit
    if isinstance(name, str) and name in TERMS:
        return _pick(TERMS[name], lang), None
    if isinstance(name, str) and name in LABELS:
        return _pick(LABELS[name], lang), _split_unit(name)[1]
    if isinstance(name, str) and looks_like_identifier(name):
        stem, unit = _split_unit(name)
        return stem.replace("_", " "), unit
    return ("" if name is None else str(name)), None


def header(name, lang: str = "zh") -> str:
    """A column header in ``lang`` with its unit: ``资产总额（亿元）`` / ``Total assets (亿元)``."""
    text, unit = column_spec(name, lang)
    return with_unit(text, unit, lang)


def with_unit(text: str, unit: str | None, lang: str = "zh") -> str:
    suffix = _pick(UNITS[unit][:2], lang) if unit in UNITS else ""
    if not suffix or re.search(rf"[（(][^)）]*{re.escape(suffix)}[^)）]*[)）]|\s{re.escape(suffix)}$", text):
        return text  # the unit is already said
    return f"{text}（{suffix}）" if lang == "zh" else f"{text} ({suffix})"


def term(value: str, lang: str = "zh") -> str:
    """A code value in a table cell as words (``run_rate`` → 年化法); other text unchanged."""
    from ..io.register import INSTRUMENTS, REPAYMENTS

    if value in TERMS:
        return _pick(TERMS[value], lang)
    if value in INSTRUMENTS or value in REPAYMENTS:
        return _pick({**INSTRUMENTS, **REPAYMENTS}[value][:2], lang)
    if value in COLUMNS:
        return header(value, lang)
    return value


def report_title(notebook: str, lang: str = "zh") -> str:
    """A notebook's title for readers (``01_overview`` → 运行概览); unknown ones worded."""
    if notebook in REPORTS:
        return _pick(REPORTS[notebook], lang)
    return re.sub(r"^\d+[_ ]", "", str(notebook)).replace("_", " ")


def dataset_name(key: str, lang: str = "zh") -> str:
    return _pick(DATASETS.get(key, (key, key)), lang)


def kind_text(kind: str, lang: str = "zh") -> str:
    return _pick(KINDS.get(kind, KINDS["user"]), lang)


MINUS = "\u2212"  # a real minus sign: wider than a hyphen, so negatives read at a glance


def format_value(value, unit: str | None, lang: str = "zh", *, signed: bool = False) -> str:
    """A number as a table or the index prints it: fixed decimals and separators per unit,
    a real minus sign, never ``-0.00``; NaN/None → —."""
    from ..metrics import format_number, is_number

    if not is_number(value):
        return "—" if value is None or isinstance(value, float) else str(value)
    decimals, thousands = UNITS.get(unit, ("", "", 2, True))[2:]
    if unit is None and isinstance(value, int):
        decimals, thousands = 0, False
    if unit == "general" and float(value).is_integer():
        decimals = 0
    if unit == "prob":
        value = value * 100
    text = format_number(value, decimals, thousands=thousands, sign=signed)
    return text.replace("-", MINUS)


def key_figure(name: str, value, lang: str = "zh") -> tuple[str, str]:
    """(label, value with unit) for a key figure on the index: ``("资产总额", "3,325.44亿元")``,
    ``("资产总额同比", "+7.98%")``, ``("营业收入 P(达成)", "73%")``."""
    if name in KEY_FIGURES:
        zh, en, kind = KEY_FIGURES[name]
        label = en if lang == "en" else zh
    else:
        stem, kind = _split_unit(name)
        label, kind = stem.replace("_", " "), kind or ("text" if isinstance(value, str) else None)
    if kind == "basis":
        return label, basis_label(value, lang)
    if kind == "text" or isinstance(value, str):
        return label, term(str(value), lang) if value is not None else "—"
    signed = kind.startswith("signed_") if kind else False
    unit = kind.removeprefix("signed_") if kind else None
    text = format_value(value, unit, lang, signed=signed)
    suffix = _pick(UNITS[unit][:2], lang) if unit in UNITS and text != "—" else ""
    if unit == "yi" and lang == "en" and text != "—":
        return label, f"RMB {text} yi"
    return label, text + suffix


def basis_label(basis: str, lang: str = "zh") -> str:
    """A refinancing-saving basis in words, from its code (``annual_run_rate``) or its JSON key
    (``annual_run_rate_saving``)."""
    from ..financing import BASIS_KEYS

    code = {v: k for k, v in BASIS_KEYS.items()}.get(basis, basis)
    return _pick(LABELS[code], lang) if code in LABELS else str(basis)


# ------------------------------------------------------------------ drivers, savings bases, split columns
# ``LABELS[key] = (zh, en)``: analyses return codes (``revenue_volume``, ``in_year_yi``…); tables,
# charts and sentences look their names up with :func:`label`, so one word never has two spellings.
# A code that is also a column in :data:`COLUMNS` is worded there only (label() falls back to it),
# except the few codes two analyses use for different things (:data:`TWO_MEANINGS`).
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
    "loans": ("笔数", "Loans"),
    "label": ("口径", "Basis"),
    "annual_saving_yi": ("年化节约(亿元)", "Run-rate saving (亿元/yr)"),
    "npv_per_yi": ("每亿元净现值(亿元)", "NPV per 亿元 (亿元)"),
    "breakeven_month": ("回本月数", "Break-even month"),
    "rank": ("排序", "Rank"),
    "instrument": ("融资品种", "Instrument"),
    "repayment": ("还款方式", "Repayment"),
    "remaining_term_m": ("剩余期限(月)", "Remaining term (months)"),
    "scenario": ("情景", "Scenario"),
    "shift_bp": ("LPR变动(bp)", "LPR shift (bp)"),
    "volume_effect": ("规模影响(亿元)", "Volume effect (亿元)"),
    "rate_effect": ("利率影响(亿元)", "Rate effect (亿元)"),
    "length_effect": ("期间长度影响(亿元)", "Period-length effect (亿元)"),
    "swaps_effect": ("置换贡献(亿元)", "Swaps' effect (亿元)"),
    "share_of_rate_effect_explained": ("置换解释利率影响比例", "Share of rate effect from swaps"),
    "old_instrument": ("原融资品种", "Original instrument"),
    # LPR scenarios
    "flat": ("LPR不变", "LPR flat"),
    "lpr_minus_25bp": ("LPR下调25bp", "LPR −25bp"),
    "lpr_plus_50bp": ("LPR上调50bp", "LPR +50bp"),
}


# codes worded differently by context: the financing basis table's ``label`` column holds a basis
# (口径), elsewhere a note; the bridge's ``margin`` driver is net-revenue margin, the revenue
# decomposition's ``margin`` its margin effect; ``amount_yi`` is a refinanced amount in the savings
# tables, any loan's amount (or a remaining balance) in the register's
TWO_MEANINGS = frozenset({"label", "margin", "amount_yi"})


def label(key: str, lang: str = "zh") -> str:
    """The reader-facing name of ``key`` in ``lang`` (the key itself when it has none)."""
    pair = LABELS.get(key)
    if pair is None:
        return header(key, check_lang(lang))  # worded, never the bare identifier
    return pair[1] if check_lang(lang) == "en" else pair[0]


def labels(keys, lang: str = "zh") -> dict[str, str]:
    """``{key: label}`` for renaming columns or an index."""
    return {k: label(k, lang) for k in keys}
