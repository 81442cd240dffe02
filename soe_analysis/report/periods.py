"""Report periods: quarters and months as users write them, resolved to as-of months with data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SoeError, UsageError
from ..periods import month_str, parse_month

_QUARTER = re.compile(r"^(?P<y>\d{4})-?[Qq](?P<q>[1-4])$")



@dataclass(frozen=True)
class ReportPeriod:
    """A period to report on: ``label`` as requested (``2022Q4``, ``2022-10``) and its as-of month."""

    label: str
    as_of: str
    quarter: bool = False

    def note(self, lang: str = "zh") -> str:
        """How the as-of month was chosen, in words for the report."""
        if not self.quarter:
            return f"报告期 {self.as_of}" if lang == "zh" else f"Report period {self.as_of}"
        if lang == "zh":
            return f"报告期 {self.label}：截至 {self.as_of}（面板中该季度有数据的最后一个月）"
        return f"Report period {self.label}: as of {self.as_of}, the last month of the quarter with data in the panel"


def _one_period(text: str) -> tuple[str, object]:
    """``("quarter", Period)`` or ``("month", Period)`` for one period written by a user."""
    text = str(text).strip()
    match = _QUARTER.match(text)
    if match:
        import pandas as pd

        return "quarter", pd.Period(f"{match['y']}Q{match['q']}", freq="Q")
    if re.match(r"^\d{4}-\d{1,2}$", text):
        return "month", parse_month(text, name="period")
    raise UsageError(f"period must be a quarter like 2022Q4, a month like 2022-10 or a range "
                     f"like 2023Q1..2023Q3, got {text!r}")


def expand_periods(specs) -> list[tuple[str, object]]:
    """Expand period specifications into ``(kind, Period)`` pairs, in order, without repeats.

    ``2022Q4`` is a quarter, ``2022-10`` a month, ``2023Q1..2023Q3`` (or ``2023-01..2023-03``)
    every quarter (month) from the first to the last inclusive.
    """
    out: list[tuple[str, object]] = []
    for spec in specs:
        text = str(spec).strip()
        if ".." in text:
            first, _, last = text.partition("..")
            (kind0, p0), (kind1, p1) = _one_period(first), _one_period(last)
            if kind0 != kind1:
                raise UsageError(f"range {text!r} mixes a {kind0} and a {kind1}")
            if p1 < p0:
                raise UsageError(f"range {text!r} ends before it starts")
            items = [(kind0, p0 + i) for i in range((p1 - p0).n + 1)]
        else:
            items = [_one_period(text)]
        for item in items:
            if item not in out:
                out.append(item)
    if not out:
        raise UsageError("no period given (use --period 2022Q4, 2022-10 or 2023Q1..2023Q3)")
    return out


def resolve_periods(specs, months_with_data) -> list[ReportPeriod]:
    """Report periods with their as-of months, checked against the months the panel holds.

    A quarter runs as of its last month with data in the panel (``2022Q4`` → ``2022-10`` when
    the panel ends in October 2022); a month must itself have data. Raises SoeError otherwise.

    Parameters
    ----------
    specs : iterable of str
        Periods as written by the user (see :func:`expand_periods`).
    months_with_data : iterable of str
        ``YYYY-MM`` months present in the panel (e.g. ``panel["period"].unique()``).
    """
    months = sorted(set(str(m) for m in months_with_data))
    latest = months[-1] if months else "none"
    periods = []
    for kind, period in expand_periods(specs):
        if kind == "quarter":
            label = f"{period.year}Q{period.quarter}"
            inside = [m for m in months
                      if m[:4] == f"{period.year:04d}" and (int(m[5:7]) - 1) // 3 + 1 == period.quarter]
            if not inside:
                raise SoeError(f"no data for {label} in the panel (latest month: {latest})")
            periods.append(ReportPeriod(label, inside[-1], quarter=True))
        else:
            label = month_str(period)
            if label not in months:
                raise SoeError(f"no data for {label} in the panel (latest month: {latest})")
            periods.append(ReportPeriod(label, label))
    return periods
