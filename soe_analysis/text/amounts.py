"""Amounts worded as the source document words them, including those too small for 亿元.

Reports print 亿元 to two decimals. A loss of 40万元 (0.004亿元) would print as ``0.00亿元``, which
reads as nothing at all; the flash reports themselves are in 万元, so such an amount is shown in
万元 instead (``-40万元``), and one that is below half a 万元 as 基本持平 (roughly break-even).
"""

from __future__ import annotations

from ..metrics import WAN_PER_YI, format_number, round_half_up

_BREAK_EVEN = {"zh": "基本持平", "en": "roughly break-even"}


def yi_amount(value: float, lang: str = "zh", *, digits: int = 2) -> str:
    """An amount in 亿元 as printed: ``-6.46亿元``; ``-40万元`` when it rounds to zero in 亿元;
    基本持平 when it rounds to zero in 万元 as well.

    English: ``RMB -6.46 yi``, ``RMB -0.40 million`` (1万元 = RMB 10,000), ``roughly break-even``.
    """
    if round_half_up(abs(value), digits) != 0:
        number = format_number(value, digits, thousands=lang == "en")
        return f"{number}亿元" if lang == "zh" else f"RMB {number} yi"
    wan = round_half_up(value * WAN_PER_YI, 0)
    if wan == 0:
        return _BREAK_EVEN["en" if lang == "en" else "zh"]
    if lang == "en":
        return f"RMB {format_number(wan / 100, 2)} million"  # 100万元 = RMB 1 million
    return f"{format_number(wan, 0, thousands=True)}万元"
