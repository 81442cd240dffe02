"""The forecast accuracy goal (issue 12), measured on the real national SOE releases.

Backtests revenue and total profit (data/raw/reference/mof_soe_monthly_2013_2021.csv) at both
horizons, in pseudo-real time with the nested default, and prints the accuracy table pooled
over the two series, with n, and which goals are met; then the Brier score of P(reach).
Printed, never asserted: with 4–8 outcome years per series the figures move with one year.

    python bench/bench_forecast_accuracy.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from soe_analysis import backtest as bt
from soe_analysis import backtest_scores as sc
from soe_analysis import forecast_nextyear as nx
from soe_analysis.forecast_select import add_nested


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
    scale_rules(series)


def scale_rules(series: dict) -> None:
    """Next year, origins Oct–Dec: the nested default's intervals under two scale rules.

    ``chosen's own``: the chosen candidate's own past errors (the rule before issue 12's
    follow-up; they are the smallest by construction). ``nested's own``: the errors the nested
    rule itself made (the rule used). Coverage is shown on all intervals each rule forms and on
    the intervals both form, with the mean width of the 80% interval (log).
    """
    frames = {"chosen's own": [], "nested's own": []}
    for metric, s in series.items():
        rec = nx.next_year_record(s)
        old = add_nested(rec, nx.NEXT_METHODS, nx.NEXT_FALLBACK, "next")
        for name, r in (("chosen's own", nx.add_intervals(old)),
                        ("nested's own", nx.add_intervals(nx.with_nested(rec)))):
            r = r[(r["method"] == bt.NESTED) & r["month"].isin([10, 11, 12])
                  & np.isfinite(r["actual"]) & np.isfinite(r["lo80"])]
            frames[name].append(r.assign(metric=metric))
    frames = {k: pd.concat(v, ignore_index=True) for k, v in frames.items()}
    key = ["metric", "year", "month"]
    both = frames["chosen's own"][key].merge(frames["nested's own"][key])
    print("\nnext year, origins Oct–Dec, nested default: scale from ...")
    for name, r in frames.items():
        for label, rows in (("all its intervals", r), ("intervals both rules form", r.merge(both))):
            inside = {t: ((rows["actual"] >= rows[f"lo{t}"]) & (rows["actual"] <= rows[f"hi{t}"])).mean() * 100
                      for t in (80, 95)}
            width = np.log(rows["hi80"] / rows["lo80"]).mean()
            print(f"  {name:13s} {label:26s}: n = {len(rows):2d} ({rows[['metric', 'year']].drop_duplicates().shape[0]}"
                  f" metric-years, target years {sorted(int(y) for y in rows['year'].unique())}), 80% cover {inside[80]:.1f}%,"
                  f" 95% cover {inside[95]:.1f}%, mean 80% width {width:.3f} (log)")


if __name__ == "__main__":
    main()
