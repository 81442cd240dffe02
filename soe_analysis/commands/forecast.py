"""``soe-analysis forecast``: will the 2023 targets be reached? One row per trackable target."""

from __future__ import annotations

HELP = "forecast each trackable target's full-year value, intervals and probability of reaching it"


def add_arguments(parser) -> None:
    from soe_analysis import config

    parser.add_argument("--as-of", required=True, metavar="YYYY-MM", help="use data up to this month")
    parser.add_argument("--target-year", type=int, default=2023, metavar="YYYY",
                        help="year of the targets (default 2023)")
    parser.add_argument("--panel", default=None, metavar="PATH",
                        help=f"processed panel (default {config.PANEL_FILE})")
    parser.add_argument("--targets", default=None, metavar="PATH",
                        help="target registry CSV (default data/raw/targets_2023.csv)")
    parser.add_argument("--n-sims", type=int, default=2000, metavar="N", help="simulated paths (default 2000)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args) -> int:
    import json

    import pandas as pd

    from soe_analysis import targets as tg
    from soe_analysis.metrics import round_half_up
    from soe_analysis.io.panel import dataset_label, load_panel

    panel = load_panel(args.panel)
    params = tg.check_params(panel, as_of=args.as_of, target_year=args.target_year,
                             n_sims=args.n_sims, seed=args.seed)
    period = params.period
    registry = tg.load_targets(args.targets)
    table, _ = tg.evaluate_targets(panel, period, target_year=params.target_year, targets=registry,
                                   n_sims=params.n_sims, seed=params.seed)

    def num(x, digits=2):
        return None if x is None or pd.isna(x) else round_half_up(float(x), digits)

    keys = ("target_value", "point", "lo80", "hi80", "lo95", "hi95", "required_monthly",
            "past_monthly", "ytd")
    rows = []
    for r in table.to_dict("records"):
        row = {"target": r["target"], "name_zh": r["name_zh"], "name_en": r["name_en"],
               "kind": r["kind"], "unit": r["unit"]}
        row.update({k: num(r[k]) for k in keys})
        row.update(p_reach=num(r["p_reach"], 3), status=r["status"], origin=r["origin"],
                   months_left=int(r["months_left"]), pace_unit=r["pace_unit"], method=r["method"],
                   horizon=r["horizon"], coverage80_pct=num(r["coverage80_pct"], 1),
                   coverage95_pct=num(r["coverage95_pct"], 1), coverage_n=int(r["coverage_n"]),
                   calibration=r["calibration"])
        rows.append(row)
    untracked = tg.untrackable(registry)
    out = {"as_of": f"{period.year:04d}-{period.month:02d}", "target_year": params.target_year,
           "dataset": dataset_label(panel), "n_sims": args.n_sims, "seed": args.seed,
           "method": "nested", "horizon": params.horizon, "targets": rows,
           "not_trackable": untracked.to_dict("records")}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(_printable(f"targets {params.target_year} as of {out['as_of']} ({out['dataset']} data, "
          f"{params.n_sims} paths, seed {params.seed}); amounts 亿元 unless stated"))
    cols = ["target", "unit", "target_value", "point", "lo80", "hi80", "lo95", "hi95", "p_reach",
            "required_monthly", "past_monthly", "pace_unit", "method", "coverage80_pct", "coverage_n", "status"]
    print(_printable(pd.DataFrame(rows)[cols].to_string(index=False)))
    print(f"horizon {params.horizon}; coverage80_pct: backtested coverage of 80% intervals at this "
          f"horizon and origin month (national releases), over coverage_n intervals")
    print(_printable("not trackable from the flash reports: "
                     + "; ".join(f"{t['target']} ({t['reason']})" for t in out["not_trackable"])))
    return 0


def _printable(text: str) -> str:
    """Control characters from the registry or the data never reach the terminal."""
    return "".join(ch if ch.isprintable() or ch == "\n" else "?" for ch in str(text))
