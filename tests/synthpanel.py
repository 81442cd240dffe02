"""A small synthetic canonical panel for forecast tests (2 enterprises, exact monthly values).

Monthly flows are fixed numbers (no randomness) so expected values can be computed by hand:
revenue of enterprise A in month j of year y is ``base_A × growth^(y−2019) × SEASON[j]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from soe_analysis.schema import FLOWS, STOCKS, monthly, panel_columns, ytd

# seasonal weights of a 12-month year, summing to 12 (December heavy, as investment is)
SEASON = np.array([0.6, 0.6, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.6])


def make_panel(last: str = "2022-10", *, first_year: int = 2019, combined_years=(2021,),
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
    rows = []
    for ent, scale, a0, a_step in (("A", 10.0, 100.0, 1.0), ("B", 5.0, 50.0, 0.5)):
        for year in range(first_year, end.year + 1):
            cum = {f: 0.0 for f in FLOWS}
            for month in range(1, 13):
                period = pd.Period(year=year, month=month, freq="M")
                if period > end:
                    break
                rev = scale * growth ** (year - first_year) * SEASON[month - 1]
                flows = {f: np.nan for f in FLOWS}
                flows.update(revenue=rev, rnd_spending=0.03 * rev,
                             investment_completed=2.0 * SEASON[month - 1],
                             total_profit=0.05 * rev if year < 2022 else profit_2022 / 12)
                row = {"enterprise": ent, "period": f"{year:04d}-{month:02d}", "year": year, "month": month}
                for f in FLOWS:
                    cum[f] += flows[f]
                    row[ytd(f)] = cum[f]
                    row[monthly(f)] = flows[f]
                t = (year - first_year) * 12 + month
                for s in STOCKS:
                    row[s] = np.nan
                row["total_assets"] = a0 + a_step * t
                row["jan_feb_combined"] = year in combined_years and month <= 2
                row.update(dataset="demonstration", source_file="synthetic.csv", source_row=t)
                rows.append(row)
    panel = pd.DataFrame(rows)
    comb = panel["jan_feb_combined"]
    for f in FLOWS:
        feb = panel[comb & (panel["month"] == 2)].set_index(["enterprise", "year"])[ytd(f)]
        jan_idx = panel.index[comb & (panel["month"] == 1)]
        keys = list(zip(panel.loc[jan_idx, "enterprise"], panel.loc[jan_idx, "year"]))
        half = np.array([feb[k] / 2 for k in keys]) if keys else np.array([])
        panel.loc[jan_idx, ytd(f)] = half
        panel.loc[jan_idx, monthly(f)] = half
        feb_idx = panel.index[comb & (panel["month"] == 2)]
        panel.loc[feb_idx, monthly(f)] = half
    panel.loc[comb & (panel["month"] == 1), "total_assets"] = np.nan
    panel = panel[~panel["period"].isin(list(missing))]
    return panel.reindex(columns=panel_columns()).reset_index(drop=True)
