"""The forecast accuracy goal (issue 12), measured on the real national SOE releases.

Backtests revenue and total profit (data/raw/reference/mof_soe_monthly_2013_2021.csv) at both
horizons, in pseudo-real time with the nested default, and prints the accuracy table pooled
over the two series, with n, and which goals are met; then the Brier score of P(reach).
Printed, never asserted: with 4–8 outcome years per series the figures move with one year.

    python bench/bench_forecast_accuracy.py
"""

from __future__ import annotations

import pandas as pd

from soe_analysis import backtest as bt
from soe_analysis import backtest_scores as sc


def main() -> None:
    series = {m: bt.load_release_csv(None, m) for m in ("revenue_yi", "profit_yi")}
    records = {h: {m: bt.run_backtest(s, horizon=h) for m, s in series.items()}
               for h in ("next", "current")}
    print("accuracy goal, real national SOE releases (revenue and total profit pooled, nested default)")
    print(sc.format_accuracy(sc.accuracy_table(records)))
    print("\nP(full year ≥ last year's level × 1.00 and × 1.05), default's intervals:")
    for horizon, recs in records.items():
        b = sc.brier(sc.probability_scores(recs, series))
        print(f"  {horizon}: Brier {b['brier']:.3f} vs climatology {b['brier_climatology']:.3f} "
              f"(skill {b['skill']:.2f}, n = {b['n']})")
    print("\ncoverage and MAPE by origin month (nested default):")
    for horizon, recs in records.items():
        print(f"{horizon}:")
        print(sc.coverage_by_month(recs).round(1).to_string(index=False))
    chosen = {m: r[r["method"] == bt.NESTED].groupby("year")["chosen"].first().to_dict()
              for m, r in records["next"].items()}
    print("\nnext-year nested choice by target year:", pd.DataFrame(chosen).to_dict())


if __name__ == "__main__":
    main()
