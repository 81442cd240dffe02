"""Parsing report periods, as written in flash reports and on the command line.

Parse periods here, never with papermill's or YAML's type guessing (``2022Q4`` is not a number,
``2022-10`` is not a date).
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from .errors import UsageError

_FLASH_PATTERNS = (
    # 2022年1-10月, 2022年1—10月, 2022年1至10月 : YTD through the last month
    re.compile(r"^(?P<y>\d{4})年?(?P<m0>\d{1,2})(?:月)?[-~至到—–－](?P<m>\d{1,2})月?(?:份)?$"),
    # 2022年10月, 2022年10月份
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:份|末|底)?$"),
    # 2022-10, 2022/10, 2022.10, 2022-10-31, 202210
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.]\d{1,2})?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
)


def normalise_text(value: str) -> str:
    """Full-width digits and punctuation to half-width, spaces removed."""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


def parse_report_period(value) -> tuple[int, int, int]:
    """Return (year, first month, last month) of a flash-report period.

    ``2022年1-10月`` → (2022, 1, 10); ``2022年10月`` and ``2022-10`` → (2022, 1, 10) too, since a
    flash report's flows are year-to-date; ``2022年1-2月`` → (2022, 1, 2), the combined release.
    Raises ValueError when the text is not a period.
    """
    if isinstance(value, pd.Timestamp):
        return value.year, 1, value.month
    text = normalise_text(value)
    for pattern in _FLASH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match["y"]), int(match["m"])
            first = int(match.groupdict().get("m0") or 1)
            if not 1 <= month <= 12 or not 1 <= first <= month or not 1900 < year < 2200:
                break
            return year, first, month
    raise ValueError(f"not a report period: {value!r}")


def parse_month(value, *, name: str = "as_of") -> pd.Period:
    """Parse a ``YYYY-MM`` month given by a user (command line or notebook parameter)."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    try:
        year, _, month = parse_report_period(str(value))
    except ValueError:
        raise UsageError(f"{name} must be a month written YYYY-MM, got {value!r}") from None
    return pd.Period(year=year, month=month, freq="M")


def month_str(period: pd.Period) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def ytd_label(period: pd.Period, lang: str = "zh") -> str:
    """``1-10月`` / ``Jan–Oct``; ``1-2月`` for February; ``1月`` for January."""
    m = period.month
    if lang == "en":
        names = pd.date_range("2000-01-01", periods=12, freq="MS").strftime("%b")
        return names[0] if m == 1 else f"{names[0]}–{names[m - 1]}"
    return "1月" if m == 1 else f"1-{m}月"
