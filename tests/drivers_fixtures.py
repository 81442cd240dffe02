"""Small synthetic panels for the profit-drivers tests (amounts 亿元)."""

from __future__ import annotations

import pandas as pd

from soe_analysis.schema import FLOWS, monthly, ytd

# lines a row may set; total_profit follows the identity unless given explicitly
IDENTITY_LINES = ("revenue", "total_cost", "other_income", "investment_income",
                  "non_operating_income", "non_operating_expense")


def row(enterprise: str, period: str, *, debt: float | None = None, **lines) -> dict:
    """One panel row; ``lines`` are YTD values (the ``_m`` columns get the same numbers)."""
    year, month = map(int, period.split("-"))
    out = {"enterprise": enterprise, "period": period, "year": year, "month": month,
           "dataset": "user", "jan_feb_combined": False}
    if "total_profit" not in lines and all(k in lines for k in IDENTITY_LINES):
        lines["total_profit"] = (lines["revenue"] - lines["total_cost"] + lines["other_income"]
                                 + lines["investment_income"] + lines["non_operating_income"]
                                 - lines["non_operating_expense"])
    for name, value in lines.items():
        assert name in FLOWS, name
        out[ytd(name)] = value
        out[monthly(name)] = value
    if debt is not None:
        out["interest_bearing_debt"] = debt
    return out


def lines(revenue=100.0, total_cost=90.0, depreciation=10.0, staff_cost=20.0, interest_expense=5.0,
          other_income=1.0, investment_income=2.0, non_operating_income=0.5, non_operating_expense=0.3,
          one_off_items=0.0, **extra) -> dict:
    """A full set of bridge lines with convenient defaults."""
    return dict(revenue=revenue, total_cost=total_cost, depreciation=depreciation, staff_cost=staff_cost,
                interest_expense=interest_expense, other_income=other_income,
                investment_income=investment_income, non_operating_income=non_operating_income,
                non_operating_expense=non_operating_expense, one_off_items=one_off_items, **extra)


def panel(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in ("interest_bearing_debt",):
        if col not in frame:
            frame[col] = float("nan")
    return frame.sort_values(["enterprise", "year", "month"]).reset_index(drop=True)
