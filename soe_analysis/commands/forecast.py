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
    from soe_analysis.params import check_as_of

    panel = load_panel(args.panel)
    period = check_as_of(args.as_of, panel)
    registry = tg.load_targets(args.targets)
    table, _ = tg.evaluate_targets(panel, period, target_year=args.target_year, targets=registry,
                                   n_sims=args.n_sims, seed=args.seed)

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
                   months_left=int(r["months_left"]))
        rows.append(row)
    untracked = registry.loc[~registry["trackable"], ["target_id", "name_zh", "value", "unit"]]
    out = {"as_of": f"{period.year:04d}-{period.month:02d}", "target_year": args.target_year,
           "dataset": dataset_label(panel), "n_sims": args.n_sims, "seed": args.seed,
           "method": "skill_weighted", "targets": rows,
           "not_trackable": [{"target": t.target_id, "name_zh": t.name_zh, "target_value": t.value,
                              "unit": t.unit} for t in untracked.itertuples()]}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"targets {args.target_year} as of {out['as_of']} ({out['dataset']} data, "
          f"{args.n_sims} paths, seed {args.seed}); amounts 亿元 unless stated")
    cols = ["target", "unit", "target_value", "point", "lo80", "hi80", "lo95", "hi95", "p_reach",
            "required_monthly", "past_monthly", "status"]
    print(pd.DataFrame(rows)[cols].to_string(index=False))
    print(f"not trackable from the flash reports: {', '.join(untracked['target_id'])}")
    return 0
