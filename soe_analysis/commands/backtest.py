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
                        help="evaluate these forecast (target) years only (earlier rows stay history)")
    parser.add_argument("--horizon", choices=("current", "next"), default="current",
                        help="current: forecast year Y from months of Y (default); next: from months "
                             "of Y-1 (a row's month is then the origin month in Y-1)")
    parser.add_argument("--kind", choices=("flow", "stock"), default="flow",
                        help="flow (YTD, default) or stock (month-end level, December forecast)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    import json

    import pandas as pd

    from soe_analysis import backtest as bt
    from soe_analysis import backtest_scores as sc
    from soe_analysis.metrics import round_half_up

    years = bt.parse_years(args.years)
    series = bt.load_release_csv(args.data, args.metric, scope=args.scope, kind=args.kind)
    record = bt.run_backtest(series, years=years, horizon=args.horizon)
    summary = bt.summarise(record)

    def num(x, digits=2):
        return None if x is None or pd.isna(x) else round_half_up(float(x), digits)

    rows = [{"method": r.method, "month": int(r.month), "horizon": args.horizon, "n": int(r.n),
             "mape_pct": num(r.mape_pct), "bias_pct": num(r.bias_pct),
             "coverage80_pct": num(r.coverage80_pct), "coverage95_pct": num(r.coverage95_pct),
             "n_interval": int(r.n_interval), "years": r.years} for r in summary.itertuples()]
    pooled = [{"method": r.method, "horizon": args.horizon, "n": int(r.n), "mape_pct": num(r.mape_pct),
               "bias_pct": num(r.bias_pct), "coverage80_pct": num(r.coverage80_pct),
               "coverage95_pct": num(r.coverage95_pct), "n_interval": int(r.n_interval)}
              for r in bt.pooled(record).itertuples()]
    goal = sc.accuracy_row({args.metric: record}, args.horizon) if args.kind == "flow" else None
    probs = sc.brier(sc.probability_scores({args.metric: record}, {args.metric: series})) \
        if args.kind == "flow" else None
    chosen = record[record["method"] == bt.NESTED].groupby("year")["chosen"].first()
    out = {
        "data": series.meta["file"], "dataset": series.meta["dataset"], "metric": args.metric,
        "scope": args.scope, "kind": args.kind, "horizon": args.horizon,
        "years_evaluated": sorted(int(y) for y in record["year"].unique()),
        "default_method": bt.NESTED, "nested_choice": {str(y): c for y, c in chosen.items()},
        "rows": rows, "pooled": pooled,
        "accuracy_goal": _rounded(goal, num), "probability_scores": _rounded(probs, num),
        "inexact_inputs": series.meta["inexact"],
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(_printable(f"{args.metric} ({args.scope}), {out['dataset']} data from {out['data']}; "
                          f"horizon {args.horizon}; target years {out['years_evaluated'][0]}–"
                          f"{out['years_evaluated'][-1]}; default: nested selection"))
    print(_printable(pd.DataFrame(rows).drop(columns=["years", "horizon"]).to_string(index=False)))
    print("\npooled over origin months:")
    print(_printable(pd.DataFrame(pooled).drop(columns="horizon").to_string(index=False)))
    print("\nnested choice by year: " + ", ".join(f"{y} {c}" for y, c in out["nested_choice"].items()))
    if goal is not None:
        print("\naccuracy goal (this metric alone; the goal itself pools revenue and profit, "
              "see bench/bench_forecast_accuracy.py):")
        print(sc.format_accuracy(pd.DataFrame([goal])))
        print(f"P(full year ≥ last year × 1.00 / 1.05): Brier {num(probs['brier'], 3)} vs "
              f"climatology {num(probs['brier_climatology'], 3)} (n = {probs['n']})")
    return 0


def _rounded(value, num):
    if isinstance(value, dict):
        return {k: _rounded(v, num) for k, v in value.items()}
    return num(value) if isinstance(value, float) else value


def _printable(text: str) -> str:
    """Control characters from a file name or the data never reach the terminal."""
    return "".join(ch if ch.isprintable() or ch == "\n" else "?" for ch in str(text))
