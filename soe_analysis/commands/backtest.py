"""``soe-analysis backtest``: pseudo-real-time accuracy of the full-year forecast methods."""

from __future__ import annotations

HELP = "backtest the full-year forecast methods on a YTD release CSV (default: national SOE data)"


def add_arguments(parser) -> None:
    parser.add_argument("--data", metavar="FILE", default=None,
                        help="CSV in the layout of data/raw/reference/mof_soe_monthly_2013_2021.csv "
                             "(default: that file)")
    parser.add_argument("--metric", metavar="COLUMN", default="revenue_yi",
                        help="value column to forecast (YTD), e.g. revenue_yi or profit_yi")
    parser.add_argument("--scope", default="national", help="rows of this scope (default national)")
    parser.add_argument("--years", metavar="FIRST-LAST", default=None,
                        help="evaluate these forecast years only (earlier rows stay history)")
    parser.add_argument("--kind", choices=("flow", "stock"), default="flow",
                        help="flow (YTD, default) or stock (month-end level, December forecast)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    import json

    import pandas as pd

    from soe_analysis import backtest as bt
    from soe_analysis.metrics import round_half_up

    years = bt.parse_years(args.years)
    series = bt.load_release_csv(args.data, args.metric, scope=args.scope, kind=args.kind)
    record = bt.run_backtest(series, years=years)
    summary = bt.summarise(record)
    goal = bt.accuracy_goal(record)

    def num(x, digits=2):
        return None if x is None or pd.isna(x) else round_half_up(float(x), digits)

    rows = [{"method": r.method, "month": int(r.month), "n": int(r.n), "mape_pct": num(r.mape_pct),
             "bias_pct": num(r.bias_pct), "coverage80_pct": num(r.coverage80_pct),
             "coverage95_pct": num(r.coverage95_pct), "n_interval": int(r.n_interval),
             "years": r.years} for r in summary.itertuples()]
    pooled = [{"method": r.method, "n": int(r.n), "mape_pct": num(r.mape_pct), "bias_pct": num(r.bias_pct),
               "coverage80_pct": num(r.coverage80_pct), "coverage95_pct": num(r.coverage95_pct),
               "n_interval": int(r.n_interval)} for r in bt.pooled(record).itertuples()]
    out = {
        "data": series.meta["file"], "dataset": series.meta["dataset"], "metric": args.metric,
        "scope": args.scope, "kind": args.kind,
        "years_evaluated": sorted(int(y) for y in record["year"].unique()),
        "default_method": bt.DEFAULT_METHOD, "rows": rows, "pooled": pooled,
        "accuracy_goal": {k: (num(v) if isinstance(v, float) else v) for k, v in goal.items()
                          if k != "per_month"}
        | {"per_month": [_rounded(m, num) for m in goal["per_month"]]},
        "inexact_inputs": series.meta["inexact"],
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"{args.metric} ({args.scope}), {out['dataset']} data from {out['data']}; "
          f"years {out['years_evaluated'][0]}–{out['years_evaluated'][-1]}; default: {bt.DEFAULT_METHOD}")
    table = pd.DataFrame(rows).drop(columns="years")
    print(table.to_string(index=False))
    print("\npooled over months 1–11:")
    print(pd.DataFrame(pooled).to_string(index=False))
    g = out["accuracy_goal"]
    print("\naccuracy goal: MAPE (%) on the years where every compared method has a forecast")
    for m in g["per_month"]:
        figures = ", ".join(f"{k} {v}" for k, v in m["mape_pct"].items())
        print(f"  month {m['month']} (n={m['n']}: {', '.join(map(str, m['years']))}): {figures}"
              f" -> {'met' if m['met'] else 'not met'}")
    print(f"  mean over months: default {g['mean_default_mape_pct']}% vs best simple "
          f"{g['mean_best_simple_mape_pct']}% (lower: {g['mean_lower']}); pooled coverage of the "
          f"default 80%: {g['pooled_coverage80_pct']}%, 95%: {g['pooled_coverage95_pct']}% "
          f"(n={g['pooled_n_interval']}); state-space's own: {g['state_space_coverage80_pct']}%, "
          f"{g['state_space_coverage95_pct']}% (n={g['state_space_n_interval']}); goal met: {g['met']}")
    return 0


def _rounded(value, num):
    if isinstance(value, dict):
        return {k: _rounded(v, num) for k, v in value.items()}
    return num(value) if isinstance(value, float) else value
