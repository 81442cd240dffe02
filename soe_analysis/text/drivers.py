"""The profit drivers in words: explanations, labelled tables and JSON records (zh and en).

Compute lives in :mod:`soe_analysis.drivers`; this module only words its results. Amounts are
亿元, rounded half-up to 2 dp by :func:`soe_analysis.metrics.format_number`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..drivers import COST_OF_WHICH, ONE_OFF, Bridge, records
from ..errors import UsageError
from ..metrics import TOTAL_ROW, format_number, round_half_up
from ..params import check_lang
from .labels import label, labels


def driver_label(driver: str, lang: str = "zh") -> str:
    """The reader-facing name of a driver."""
    return label(driver, lang)


def labelled_table(br: Bridge, lang: str = "zh", total: bool = True) -> pd.DataFrame:
    """:meth:`Bridge.table` with the columns and the total row named in ``lang``."""
    table = br.table(total=total)
    table = table.rename(columns=labels(table.columns, lang))
    return table.rename(index={TOTAL_ROW: label(TOTAL_ROW, lang)})


def _fmt(value: float) -> str:
    return format_number(abs(value))


_COST_NAMES = {"depreciation": ("折旧", "depreciation"), "staff_cost": ("职工薪酬", "staff costs"),
               "interest_expense": ("利息费用", "interest expense")}


def _one_off_phrase(effect: float, br: Bridge, name: str, zh: bool) -> str | None:
    """A one-off gain in one of the two periods, named with both amounts."""
    o0 = br.base_values.at[name, ONE_OFF] if name in br.base_values.index else np.nan
    o1 = br.current_values.at[name, ONE_OFF] if name in br.current_values.index else np.nan
    then = "上年同期" if br.is_year_on_year else "基期"
    if effect < 0 and o0 > 0:
        return (f"{then}一次性收益{_fmt(o0)}亿元（本期{format_number(o1)}亿元）" if zh else
                f"a one-off gain of {_fmt(o0)} in the base period (now {format_number(o1)})")
    if effect > 0 and o1 > 0:
        return (f"本期一次性收益{_fmt(o1)}亿元（{then}{format_number(o0)}亿元）" if zh else
                f"a one-off gain of {_fmt(o1)} this period (base {format_number(o0)})")
    return None


def _driver_phrase(driver: str, effect: float, br: Bridge, name: str | None, lang: str) -> str:
    """A short phrase for one driver, worded by the direction of its effect on profit."""
    amount, zh, up = _fmt(effect), lang == "zh", effect > 0
    sign = "+" if up else "-"
    if driver in COST_OF_WHICH:  # a cost that rose lowers profit
        zh_name, en_name = _COST_NAMES[driver]
        return (f"{zh_name}{'减少' if up else '增加'}{amount}亿元" if zh
                else f"{'lower' if up else 'higher'} {en_name} ({'-' if up else '+'}{amount})")
    if driver == ONE_OFF and name is not None:
        phrase = _one_off_phrase(effect, br, name, zh)
        if phrase:
            return phrase
    zh_words = {
        "revenue_volume": f"收入规模变动（按基期利润率）{'增利' if up else '减利'}{amount}亿元",
        "margin": f"收入扣除其他成本费用后的毛利{'增加' if up else '减少'}{amount}亿元",
        "one_off_items": f"非经常性损益{'增加' if up else '减少'}{amount}亿元",
        "other_gains": f"其他收益等(扣除非经常性损益){'增加' if up else '减少'}{amount}亿元",
        "unexplained": f"其他/未解释因素{sign}{amount}亿元",
        "entry_exit": f"企业范围变动{sign}{amount}亿元",
    }
    en_words = {
        "revenue_volume": f"revenue volume at the base-period margin ({sign}{amount})",
        "margin": f"{'a higher' if up else 'a lower'} margin on revenue net of other costs ({sign}{amount})",
        "one_off_items": f"{'higher' if up else 'lower'} one-off items ({sign}{amount})",
        "other_gains": f"{'higher' if up else 'lower'} other gains excl. one-offs ({sign}{amount})",
        "unexplained": f"other/unexplained items ({sign}{amount})",
        "entry_exit": f"changes in the set of enterprises ({sign}{amount})",
    }
    return (zh_words if zh else en_words)[driver]


def _subject(br: Bridge, enterprise: str | None, zh: bool):
    """(who, name, base profit, current profit, change, effects) of the total or one enterprise."""
    if enterprise in (None, ""):
        return ("市属国企合计" if zh else "All enterprises", None, br.total_profit_base,
                br.total_profit_current, br.total_change, br.totals())
    if enterprise not in br.effects.index:
        raise UsageError(f"unknown enterprise {enterprise!r}; known: {', '.join(br.effects.index)}")
    return (enterprise, enterprise, br.profit.at[enterprise, "base"], br.profit.at[enterprise, "current"],
            br.profit.at[enterprise, "change"], br.effects.loc[enterprise])


def _level(v: float, zh: bool) -> str:
    if zh:
        return f"盈利{_fmt(v)}亿元" if v > 0 else (f"亏损{_fmt(v)}亿元" if v < 0 else "盈亏持平")
    return f"a profit of {_fmt(v)}" if v > 0 else (f"a loss of {_fmt(v)}" if v < 0 else "break-even")


def _one_sided(br: Bridge, who: str, status: str, p0: float, p1: float, zh: bool) -> str:
    """The sentence of an enterprise present in one period only."""
    now, then = br.period_label("current", "zh" if zh else "en"), br.period_label("base", "zh" if zh else "en")
    here, gone, p = (now, then, p1) if status == "entry" else (then, now, p0)
    if zh:
        return f"{who}{here}利润总额{format_number(p)}亿元（{_level(p, zh)}），{gone}不在范围内，全部计入企业范围变动。"
    return (f"{who}: total profit {here} {format_number(p)} (亿元, {_level(p, zh)}); not present in {gone}, "
            f"so all of it counts as entry/exit.")


def _select(effects: pd.Series, change: float, top: int, min_effect: float, min_share: float):
    """The drivers named: in the direction of the change (the largest always), then offsets."""
    ranked = effects.dropna()
    ranked = ranked[ranked.abs() >= min_effect]
    ranked = ranked.reindex(ranked.abs().sort_values(ascending=False, kind="stable").index)
    if round_half_up(change, 2) == 0:
        return ranked, [], []
    floor = min_share * abs(change)
    same = [d for d in ranked.index if (ranked[d] > 0) == (change > 0)]
    same = same[:1] + [d for d in same[1:top] if abs(ranked[d]) >= floor]
    offset = [d for d in ranked.index if d not in same and (ranked[d] > 0) != (change > 0)
              and abs(ranked[d]) >= floor][:2]
    return ranked, same, offset


def explain(br: Bridge, enterprise: str | None = None, *, lang: str = "zh", top: int = 4,
            min_effect: float = 0.005, min_share: float = 0.05) -> str:
    """One paragraph explaining the change in total profit of an enterprise (or the total).

    Drivers are ranked by the size of their effect; those in the direction of the change come
    first ("主要因…" / "mainly because of…"), then the largest offsets ("部分被…抵消" / "partly
    offset by…"). Wording adapts to signs: 盈利/亏损 (profit/loss), 增加/减少 (up/down).
    Amounts are 亿元, rounded half-up to 2 dp. The largest driver in the direction of the change
    is always named; up to ``top`` in all, the others only when at least ``min_effect`` and
    ``min_share`` of the change. For the total, the enterprises contributing most are named too.
    """
    lang = check_lang(lang)
    zh = lang == "zh"
    if enterprise not in (None, "") and enterprise in br.excluded:
        return (f"{enterprise}：无法分析（{br.excluded[enterprise]}）" if zh
                else f"{enterprise}: cannot be bridged ({br.excluded[enterprise]})")
    who, name, p0, p1, change, effects = _subject(br, enterprise, zh)
    status = br.status.get(name, "both") if name else "both"
    if status != "both":
        return _one_sided(br, who, status, p0, p1, zh)
    ranked, same, offset = _select(effects, change, top, min_effect, min_share)
    phrases = [_driver_phrase(d, ranked[d], br, name, lang) for d in same]
    offsets = [_driver_phrase(d, ranked[d], br, name, lang) for d in offset]
    rc = round_half_up(change, 2)
    by_firm = []
    if name is None and rc != 0:  # the total: which enterprises moved it
        moves = br.profit["change"]
        moves = moves[(moves > 0) == (change > 0)].abs().sort_values(ascending=False)
        by_firm = [e for e in moves.index[:3] if moves[e] >= max(min_effect, min_share * abs(change))]
    now, then = br.period_label("current", lang), br.period_label("base", lang)
    lfl = br.scope == "like_for_like"
    if zh:
        compare = "同比" if br.is_year_on_year else f"较{then}"
        move = f"{compare}{'增加' if change > 0 else '减少'}{_fmt(change)}亿元" if rc != 0 else f"{compare}基本持平"
        turn = ("，由盈转亏" if p0 > 0 > p1 else "，扭亏为盈" if p0 < 0 < p1 else
                ("，亏损扩大" if p1 < p0 else "，亏损收窄") if p0 < 0 and p1 < 0 and rc != 0 else "")
        text = (f"{who}{now}利润总额{format_number(p1)}亿元{'（同口径，不含非经常性损益）' if lfl else ''}，{move}"
                f"（{'上年同期' if br.is_year_on_year else '基期'}{_level(p0, zh)}{turn}）")
        text += ("，主要因" + "、".join(phrases)) if phrases else ""
        text += ("；部分被" + "、".join(offsets) + "抵消") if offsets else ""
        if by_firm:
            text += "；分企业看，" + "、".join(
                f"{e}{'增加' if change > 0 else '减少'}{_fmt(br.profit.at[e, 'change'])}亿元" for e in by_firm)
        return text + "。"
    compare = "year on year" if br.is_year_on_year else f"against {then}"
    move = f"{'up' if change > 0 else 'down'} {_fmt(change)} {compare}" if rc != 0 else f"flat {compare}"
    turn = (", swinging to a loss" if p0 > 0 > p1 else ", returning to profit" if p0 < 0 < p1 else
            (", a wider loss" if p1 < p0 else ", a narrower loss") if p0 < 0 and p1 < 0 and rc != 0 else "")
    text = (f"{who}: total profit {now}{' (like-for-like, excl. one-offs)' if lfl else ''} {format_number(p1)} 亿元, "
            f"{move} (from {_level(p0, zh)}{turn})")
    text += ("; mainly " + ", ".join(phrases)) if phrases else ""
    text += ("; partly offset by " + ", ".join(offsets)) if offsets else ""
    if by_firm:
        text += "; by enterprise: " + ", ".join(f"{e} {format_number(br.profit.at[e, 'change'])}" for e in by_firm)
    return text + "."


def explanations(br: Bridge, *, lang: str = "zh", top: int = 4) -> dict[str, str]:
    """:func:`explain` for the total (key ``""``) and every enterprise, in bridge order."""
    out = {"": explain(br, None, lang=lang, top=top)}
    for name in [*br.effects.index, *br.excluded]:
        out[name] = explain(br, name, lang=lang, top=top)
    return out


def to_records(br: Bridge, *, lang: str = "zh", digits: int = 2, row_digits: int = 4) -> dict:
    """:func:`soe_analysis.drivers.records` with the labels, period names and explanations of ``lang``."""
    lang = check_lang(lang)
    out = records(br, digits=digits, row_digits=row_digits)
    for row in out["rows"]:
        row["label"] = label(row["driver"], lang)
    out["period"] = br.period_label("current", lang)
    out["base_period"] = br.period_label("base", lang)
    out["explanations"] = explanations(br, lang=lang)
    return out
