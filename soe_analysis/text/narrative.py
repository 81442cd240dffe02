"""The headline paragraph, written the way the source document writes it, for any as-of month.

The figures come from :func:`soe_analysis.metrics.headline` (amounts in 亿元, rates in percent,
YoY on a like-for-like scope); this module only words them. Numbers are rounded half-up to 2
decimals (:func:`soe_analysis.metrics.round_half_up`) at the moment they are printed. A figure
that cannot be computed (NaN: e.g. the YoY of the first year in the panel) drops its clause;
``nan`` is never printed.

Chinese (default) follows the document's first paragraph::

    截至10月底，所监管的10家市属国企资产总额3325.44亿元、同比增长7.98%，所有者权益1167.15亿元、
    同比增长0.32%，资产负债率为64.90%。1-10月，实现营业收入288.46亿元、同比增长33.25%，
    利润总额-5.41亿元、同比减少9.94亿元（10家企业中8家盈利、2家亏损，其中交发集团利润总额
    -6.46亿元，交运集团利润总额-3.61亿元）。

When the year-on-year base is the reported 上年同期 (``yoy_basis``), a closing sentence says so
(:func:`yoy_basis_note`); on last year's own reports the paragraph reads as the document's.

Wording adapts to the data: 增长/下降 (rates), 增加/减少 (amount changes; 减亏/增亏 when both
years are losses), 盈利/亏损,
``1-2月`` for February, ``截至年底`` for December. Profit growth is a percentage only when
both years are profits; otherwise (a loss in either year) it is the change in 亿元, as the
document does.
"""

from __future__ import annotations


import pandas as pd

from ..metrics import format_number as fmt
from ..metrics import is_number as _ok
from ..metrics import pct_change, round_half_up
from ..params import check_lang
from ..periods import parse_month, ytd_label
from .amounts import yi_amount

_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")




def _is_zero(value: float, digits: int = 2) -> bool:
    return round_half_up(abs(value), digits) == 0


# --------------------------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------------------------

def _zh_rate(yoy: float) -> str | None:
    """``同比增长7.98%`` / ``同比下降1.20%`` / ``同比持平``; None when YoY is unknown."""
    if not _ok(yoy):
        return None
    if _is_zero(yoy):
        return "同比持平"
    return f"同比{'增长' if yoy > 0 else '下降'}{fmt(abs(yoy))}%"


def _zh_amount_change(change: float) -> str | None:
    """``同比增加1.20亿元`` / ``同比减少9.94亿元`` / ``与上年同期持平``."""
    if not _ok(change):
        return None
    if _is_zero(change):
        return "与上年同期持平"
    return f"同比{'增加' if change > 0 else '减少'}{fmt(abs(change))}亿元"


def _zh_level(label: str, value: float, change: str | None) -> str | None:
    if not _ok(value):
        return None
    text = f"{label}{fmt(value)}亿元"
    return f"{text}、{change}" if change else text


def _profit_change_zh(fig: dict) -> str | None:
    """A percentage when both years are profits; 减亏/增亏 when both are losses; else 增加/减少 亿元."""
    now, prev = fig.get("total_profit_ytd"), fig.get("total_profit_ytd_prev")
    change = fig.get("total_profit_ytd_change")
    if _ok(now) and _ok(prev) and now > 0 and prev > 0:
        return _zh_rate(pct_change(now, prev))
    if _ok(now) and _ok(prev) and _ok(change) and now < 0 and prev < 0 and not _is_zero(change):
        return f"同比{'减亏' if change > 0 else '增亏'}{fmt(abs(change))}亿元"
    return _zh_amount_change(change)


def _profit_split(fig: dict) -> tuple[int, int, int, list[dict]]:
    """(profitable, loss-making, break-even) counts and the loss makers, largest loss first."""
    profits = [e["total_profit_ytd"] for e in fig.get("by_enterprise", []) if _ok(e.get("total_profit_ytd"))]
    gains = sum(1 for p in profits if p > 0)
    losses = sum(1 for p in profits if p < 0)
    makers = sorted((e for e in fig.get("loss_makers", []) if _ok(e.get("total_profit_ytd"))),
                    key=lambda e: e["total_profit_ytd"])
    return gains, losses, len(profits) - gains - losses, makers


def _zh(fig: dict, period: pd.Period, *, with_year: bool) -> str:
    n = fig.get("enterprises", 0)
    year = str(period.year) if with_year else ""
    when = f"截至{year}年底" if period.month == 12 else f"截至{year + '年' if year else ''}{period.month}月底"
    stocks = [c for c in (
        _zh_level("资产总额", fig.get("total_assets"), _zh_rate(fig.get("total_assets_yoy_pct"))),
        _zh_level("所有者权益", fig.get("equity"), _zh_rate(fig.get("equity_yoy_pct"))),
        f"资产负债率为{fmt(fig['debt_ratio_pct'])}%" if _ok(fig.get("debt_ratio_pct")) else None,
    ) if c]
    sentences = []
    if stocks:
        sentences.append(f"{when}，所监管的{n}家市属国企" + "，".join(stocks) + "。")

    flows = []
    revenue = _zh_level("营业收入", fig.get("revenue_ytd"), _zh_rate(fig.get("revenue_ytd_yoy_pct")))
    if revenue:
        flows.append(f"实现{revenue}")
    profit = _zh_level("利润总额", fig.get("total_profit_ytd"), _profit_change_zh(fig))
    if profit:
        gains, losses, even, makers = _profit_split(fig)
        counted = gains + losses + even
        if counted:
            if losses == 0:
                split = f"{counted}家企业全部盈利" if even == 0 else f"{counted}家企业中{gains}家盈利、{even}家盈亏平衡"
            else:
                split = f"{counted}家企业中{gains}家盈利、{losses}家亏损"
                if even:
                    split += f"、{even}家盈亏平衡"
                split += "，其中" + "，".join(
                    f"{e['enterprise']}利润总额{yi_amount(e['total_profit_ytd'])}" for e in makers)
            profit += f"（{split}）"
        flows.append(profit)
    if flows:
        prefix = f"{period.year}年" if with_year else ""
        sentences.append(f"{prefix}{ytd_label(period, 'zh')}，" + "，".join(flows) + "。")
    return "".join(sentences) + _basis_sentence(fig, "zh")


# --------------------------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------------------------

def _en_rate(yoy: float) -> str | None:
    if not _ok(yoy):
        return None
    if _is_zero(yoy):
        return "flat year on year"
    return f"{'up' if yoy > 0 else 'down'} {fmt(abs(yoy))}% year on year"


def _en_amount_change(change: float) -> str | None:
    if not _ok(change):
        return None
    if _is_zero(change):
        return "unchanged from a year before"
    return f"{fmt(abs(change), thousands=True)} yi {'higher' if change > 0 else 'lower'} than a year before"


def _en_money(value: float) -> str:
    return f"RMB {fmt(value, thousands=True)} yi"


def _en_level(label: str, value: float, change: str | None) -> str | None:
    if not _ok(value):
        return None
    text = f"{label} of {_en_money(value)}"
    return f"{text} ({change})" if change else text


def _profit_change_en(fig: dict) -> str | None:
    now, prev = fig.get("total_profit_ytd"), fig.get("total_profit_ytd_prev")
    if _ok(now) and _ok(prev) and now > 0 and prev > 0:
        return _en_rate(pct_change(now, prev))
    return _en_amount_change(fig.get("total_profit_ytd_change"))


def _en(fig: dict, period: pd.Period, *, with_year: bool) -> str:
    n = fig.get("enterprises", 0)
    if period.month == 12:
        when = f"At the end of {period.year}" if with_year else "At the end of the year"
    else:
        when = f"At the end of {_EN_MONTHS[period.month - 1]}" + (f" {period.year}" if with_year else "")
    stocks = [c for c in (
        _en_level("total assets", fig.get("total_assets"), _en_rate(fig.get("total_assets_yoy_pct"))),
        _en_level("owners' equity", fig.get("equity"), _en_rate(fig.get("equity_yoy_pct"))),
    ) if c]
    sentences = []
    if stocks or _ok(fig.get("debt_ratio_pct")):
        text = f"{when}, the {n} municipal SOE groups under supervision"
        if stocks:
            text += " held " + " and ".join(stocks)
        if _ok(fig.get("debt_ratio_pct")):
            text += ("; " if stocks else " had ") + f"the debt-to-asset ratio was {fmt(fig['debt_ratio_pct'])}%"
        sentences.append(text + " (yi = 亿元, 100 million yuan).")

    flows = []
    revenue = _en_level("revenue", fig.get("revenue_ytd"), _en_rate(fig.get("revenue_ytd_yoy_pct")))
    if revenue:
        flows.append(f"they earned {revenue}")  # "revenue of RMB … yi (up …)"
    if _ok(fig.get("total_profit_ytd")):
        profit = f"total profit was {_en_money(fig['total_profit_ytd'])}"
        change = _profit_change_en(fig)
        if change:
            profit += f", {change}"
        gains, losses, even, makers = _profit_split(fig)
        counted = gains + losses + even
        if counted:
            if losses == 0:
                split = f"all {counted} groups profitable" if even == 0 else (
                    f"{gains} of {counted} groups profitable, {even} breaking even")
            else:
                split = f"{gains} of {counted} groups profitable, {losses} loss-making: " + ", ".join(
                    f"{e['enterprise']} {yi_amount(e['total_profit_ytd'], 'en')}" for e in makers)
                if even:
                    split += f"; {even} breaking even"
            profit += f" ({split})"
        flows.append(profit)
    if flows:
        span = ytd_label(period, "en") + (f" {period.year}" if with_year else "")
        sentences.append(f"In {span}, " + ", and ".join(flows) + ".")
    return " ".join([*sentences, _basis_sentence(fig, "en")]).strip()


# --------------------------------------------------------------------------------------------

_BASIS_WORDS = {  # what a year-on-year comparison stands on (yoy_basis of metrics.headline, indicators.with_yoy)
    "zh": {"reported_prior_year": "本年快报列报的上年同期数（可比口径）",
           "panel_prior_year": "上年同月快报数",
           "mixed": "列报了上年同期数的企业用列报数（可比口径），其余企业用上年同月快报数"},
    "en": {"reported_prior_year": "the prior-year figures printed in this year's reports (comparable scope)",
           "panel_prior_year": "last year's own reports for the same month",
           "mixed": "the prior-year figures printed in this year's reports where given (comparable scope), "
                    "last year's own reports otherwise"},
}
_SUBJECTS = {"zh": {"": "", "headline": "总体情况", "indicators": "考核指标"},
             "en": {"": "", "headline": "Headline ", "indicators": "Indicators' "}}


def yoy_basis_note(basis: str | None, lang: str = "zh", *, subject: str = "") -> str:
    """One sentence naming the base of year-on-year figures; "" when ``basis`` is empty or None.

    ``basis`` is ``reported_prior_year``, ``panel_prior_year`` or ``mixed``; ``subject`` ("",
    ``headline`` or ``indicators``) names what it applies to. For the indicators, a basis other
    than last year's own reports adds that ROE and labour productivity still use those (their
    average denominators need an opening level no report restates).
    """
    lang = check_lang(lang)
    if not basis:
        return ""
    if basis not in _BASIS_WORDS[lang] or subject not in _SUBJECTS[lang]:
        raise ValueError(f"unknown year-on-year basis {basis!r} or subject {subject!r}")
    if lang == "zh":
        text = f"{_SUBJECTS['zh'][subject]}同比基数：{_BASIS_WORDS['zh'][basis]}。"
        if subject == "indicators" and basis != "panel_prior_year":
            text += "净资产收益率、全员劳动生产率的上年值按上年自身快报计算（平均分母的期初数无列报）。"
        return text
    lead = f"{_SUBJECTS['en'][subject]}year-on-year base: "
    text = lead[0].upper() + lead[1:] + _BASIS_WORDS["en"][basis] + "."
    if subject == "indicators" and basis != "panel_prior_year":
        text += (" ROE and labour productivity use last year's own reports (their average denominators "
                 "need an opening level no report restates).")
    return text


def _basis_sentence(fig: dict, lang: str) -> str:
    """The paragraph's closing note on the year-on-year base, when it is not last year's own
    reports (the base the source document's paragraph is read on) and the paragraph has a YoY."""
    basis = fig.get("yoy_basis")
    has_yoy = any(_ok(fig.get(k)) for k in ("total_assets_yoy_pct", "equity_yoy_pct", "revenue_ytd_yoy_pct",
                                            "total_profit_ytd_change"))
    return yoy_basis_note(basis, lang) if basis and basis != "panel_prior_year" and has_yoy else ""


def headline_paragraph(figures: dict, lang: str = "zh", *, with_year: bool = False) -> str:
    """The headline paragraph from :func:`metrics.headline` figures.

    Parameters
    ----------
    figures : dict
        The unrounded output of :func:`soe_analysis.metrics.headline` (亿元, percent).
    lang : {"zh", "en"}
        Chinese (default, the document's wording) or English.
    with_year : bool
        Name the year (``截至2022年10月底``); the document leaves it to the context.

    Returns
    -------
    str
        One paragraph; clauses whose figure is NaN are left out.
    """
    lang = check_lang(lang)
    period = parse_month(figures["as_of"])
    return _zh(figures, period, with_year=with_year) if lang == "zh" else _en(figures, period, with_year=with_year)


def narrative(panel: pd.DataFrame, as_of, lang: str = "zh", *, with_year: bool = False) -> str:
    """The headline paragraph for ``as_of`` computed from ``panel`` (sees data up to ``as_of`` only)."""
    from ..metrics import headline

    return headline_paragraph(headline(panel, as_of), lang, with_year=with_year)


def figures_table(figures: dict, lang: str = "zh") -> pd.DataFrame:
    """The per-enterprise figures behind the paragraph, plus a total row (unrounded; 亿元, %).

    Columns are labelled in ``lang`` with their unit. Rows follow ``figures["by_enterprise"]``
    (largest assets first); the total row is the headline's own totals.
    """
    lang = check_lang(lang)
    rows = [dict(e) for e in figures.get("by_enterprise", [])]
    rows.append({
        "enterprise": "合计" if lang == "zh" else "Total",
        "total_assets": figures.get("total_assets"),
        "equity": figures.get("equity"),
        "debt_ratio_pct": figures.get("debt_ratio_pct"),
        "revenue_ytd": figures.get("revenue_ytd"),
        "revenue_ytd_yoy_pct": figures.get("revenue_ytd_yoy_pct"),
        "total_profit_ytd": figures.get("total_profit_ytd"),
        "total_profit_ytd_change": figures.get("total_profit_ytd_change"),
        "investment_ytd": figures.get("investment_ytd"),
    })
    table = pd.DataFrame(rows).set_index("enterprise").astype(float)
    period = parse_month(figures["as_of"])
    span = ytd_label(period, lang)
    labels = {
        "zh": {"total_assets": "资产总额(亿元)", "equity": "所有者权益(亿元)", "debt_ratio_pct": "资产负债率(%)",
               "revenue_ytd": f"{span}营业收入(亿元)", "revenue_ytd_yoy_pct": "营业收入同比(%)",
               "total_profit_ytd": f"{span}利润总额(亿元)", "total_profit_ytd_change": "利润总额同比增减(亿元)",
               "investment_ytd": f"{span}投资完成额(亿元)"},
        "en": {"total_assets": "Total assets (yi)", "equity": "Owners' equity (yi)", "debt_ratio_pct": "Debt ratio (%)",
               "revenue_ytd": f"Revenue {span} (yi)", "revenue_ytd_yoy_pct": "Revenue YoY (%)",
               "total_profit_ytd": f"Total profit {span} (yi)", "total_profit_ytd_change": "Profit change YoY (yi)",
               "investment_ytd": f"Investment {span} (yi)"},
    }[lang]
    table = table[list(labels)].rename(columns=labels)
    table.index.name = "企业" if lang == "zh" else "Enterprise"
    return table


def format_table(table: pd.DataFrame) -> str:
    """A plain-text rendering of :func:`figures_table`, numbers half-up to 2 dp, blanks for NaN."""
    shown = table.apply(lambda col: col.map(lambda v: fmt(v) if _ok(v) else "—"))
    return shown.to_string()
