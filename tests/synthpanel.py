"""The one synthetic-panel builder of the tests, and record helpers that feed it (amounts 亿元).

- ``make_panel(records)``: a canonical panel from dicts with ``enterprise``, ``period``
  ("YYYY-MM") and any panel values, named as the panel names them (``revenue_ytd``,
  ``total_assets``, …). Every other canonical column is NaN (never 0), so a test states exactly
  the inputs it relies on; rows keep the order of ``records``.
- ``row``/``lines``: one record with the profit-bridge lines (YTD and monthly alike).
- ``forecast_panel``: two enterprises with exact seasonal monthly values, for the forecasts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from soe_analysis.schema import FLOWS, monthly, panel_columns, ytd

_TEXT_COLUMNS = ("enterprise", "period", "dataset", "source_file", "jan_feb_combined")


def make_panel(records: list[dict]) -> pd.DataFrame:
    """A canonical panel from ``records`` (see the module docstring)."""
    rows = []
    for rec in records:
        year, month = map(int, rec["period"].split("-"))
        rows.append({col: np.nan for col in panel_columns()}
                    | {"dataset": "demonstration", "source_file": "synthetic.csv", "source_row": 1,
                       "jan_feb_combined": False}
                    | rec | {"year": year, "month": month})
    panel = pd.DataFrame(rows, columns=panel_columns())
    numeric = [c for c in panel.columns if c not in _TEXT_COLUMNS]
    panel[numeric] = panel[numeric].astype(float)
    panel[["year", "month"]] = panel[["year", "month"]].astype(int)
    return panel


# ------------------------------------------------------------------------------ profit bridge records

# lines a row may set; total_profit follows the identity unless given explicitly
IDENTITY_LINES = ("revenue", "total_cost", "other_income", "investment_income",
                  "non_operating_income", "non_operating_expense")


def row(enterprise: str, period: str, *, debt: float | None = None, **lines) -> dict:
    """One record; ``lines`` are YTD values (the ``_m`` columns get the same numbers)."""
    out = {"enterprise": enterprise, "period": period, "dataset": "user"}
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


# ------------------------------------------------------------------------------ forecast panel

# seasonal weights of a 12-month year, summing to 12 (December heavy, as investment is)
SEASON = np.array([0.6, 0.6, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.6])


def forecast_panel(last: str = "2022-10", *, first_year: int = 2019, combined_years=(2021,),
                   missing=(), profit_2022=-1.0, growth: float = 1.10) -> pd.DataFrame:
    """Rows for enterprises A and B from January of ``first_year`` to ``last``.

    - revenue (亿元/month): A 10, B 5 × growth^(year − first_year) × SEASON;
    - total_profit: 5% of revenue, except in 2022 and later where each month's profit is
      ``profit_2022 / 12`` per enterprise (a loss-making year when negative);
    - investment_completed: 2 × SEASON per enterprise; rnd_spending: 3% of revenue;
    - total_assets (stock): A 100 + 1 × months since start, B 50 + 0.5 × months since start;
    - ``combined_years``: January and February rows flagged ``jan_feb_combined`` with January's
      YTD = half of the Jan–Feb YTD (the ingest rule) and January stocks missing;
    - ``missing``: periods ("YYYY-MM") dropped for every enterprise (a real gap).
    """
    end = pd.Period(last, "M")
    records = []
    for ent, scale, a0, a_step in (("A", 10.0, 100.0, 1.0), ("B", 5.0, 50.0, 0.5)):
        for year in range(first_year, end.year + 1):
            months = range(1, 13 if year < end.year else end.month + 1)
            flows = [_month_flows(scale * growth ** (year - first_year) * SEASON[m - 1], m, year, profit_2022)
                     for m in months]
            combined = year in combined_years
            if combined and len(flows) >= 2:  # the ingest rule: January is half of the Jan–Feb release
                flows[0] = flows[1] = {f: (flows[0][f] + flows[1][f]) / 2 for f in FLOWS}
            cumulative = {f: 0.0 for f in FLOWS}
            for month, flow in zip(months, flows):
                rec = {"enterprise": ent, "period": f"{year:04d}-{month:02d}",
                       "jan_feb_combined": combined and month <= 2,
                       "source_row": (year - first_year) * 12 + month}
                for f in FLOWS:
                    cumulative[f] += flow[f]
                    rec[ytd(f)], rec[monthly(f)] = cumulative[f], flow[f]
                t = (year - first_year) * 12 + month
                rec["total_assets"] = np.nan if combined and month == 1 else a0 + a_step * t
                records.append(rec)
    return make_panel([r for r in records if r["period"] not in set(missing)])


def _month_flows(revenue: float, month: int, year: int, profit_2022: float) -> dict:
    flows = {f: np.nan for f in FLOWS}
    flows.update(revenue=revenue, rnd_spending=0.03 * revenue, investment_completed=2.0 * SEASON[month - 1],
                 total_profit=0.05 * revenue if year < 2022 else profit_2022 / 12)
    return flows
