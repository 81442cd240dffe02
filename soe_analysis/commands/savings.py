"""``soe-analysis savings``: refinancing savings on every basis, from the loan-level register."""

from __future__ import annotations

HELP = ("refinancing savings (融资置换节约利息) on every basis: run-rate, in-year, lifetime, NPV; "
        "which basis reproduces the published figure; per enterprise")


def add_arguments(parser) -> None:
    from .. import config

    parser.add_argument("--as-of", default=config.DEFAULT_AS_OF, metavar="YYYY-MM",
                        help=f"as-of month; only swaps dated up to its end count (default {config.DEFAULT_AS_OF})")
    parser.add_argument("--register", default=None, metavar="PATH",
                        help="refinancing register CSV/XLSX (default data/raw/refinancing/融资置换台账_2022.csv)")
    parser.add_argument("--panel", default=None, metavar="PATH",
                        help="processed panel for the interest-expense split (default data/processed/panel.parquet; "
                             "the split is NaN with a reason when it is missing)")
    parser.add_argument("--discount-rate", default=None, metavar="PCT",
                        help="NPV discount rate, percent a year (default: each loan's new rate)")
    parser.add_argument("--json", action="store_true", help="print JSON (amounts 亿元, rates percent, 2 dp)")


def _pad(text: str, width: int) -> str:
    """Left-justify to a display width (CJK characters take two columns)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _basis_lines(out: dict) -> list[str]:
    from ..text.labels import label

    lines = []
    for row in out["basis_table"]:
        mark = "  ← published basis" if row["matches_published"] else ""
        implied = row["implied_spread_pp"]
        lines.append(f"  {row['key']:<25} {row['saving_yi']:>10.2f}  ({row['pct_of_par']:.2f}% of par; published "
                     f"{out['published']['saving_yi']} would imply a {implied if implied is not None else float('nan'):.2f}-pt spread)"
                     f"{mark}  {label(row['basis'], 'en')}")
        if row["basis"] == "in_year":
            split = out["in_year_split"]
            lines.append(f"  {'':<25} {'':>10}  = realised to date {split['realised_to_date']:.2f}"
                         f" + projected rest of year {split['projected_rest_of_year']:.2f}")
    return lines


def _split_lines(out: dict) -> list[str]:
    """The interest split: the same rows, from the same function, as ``drivers`` prints."""
    total = out["interest_split"][-1]
    if total["rate_effect"] is None:
        return [f"  interest-expense split: {total['reason']}"]
    return [f"  interest expense YTD (亿元, Shapley, average debt incl. the opening balance): volume "
            f"{total['volume_effect']:.2f}, rate {total['rate_effect']:.2f}; swaps' effect beside it "
            f"{total['swaps_effect']:.2f}"]


def run(args) -> int:
    import json

    from ..financing import check_params, optional_panel, savings_summary
    from ..io.register import read_register
    from ..metrics import check_published_month, rounded

    params = check_params(as_of=args.as_of, discount_rate=args.discount_rate)
    register = read_register(args.register)
    panel, panel_note = optional_panel(args.panel)
    if panel is not None:  # the interest split must not read a derived (never published) January
        check_published_month(panel, params.as_of)
    summary = savings_summary(register, as_of=params.as_of, discount_rate=params.discount_rate, panel=panel)
    if panel_note:
        summary["interest_split_note"] = f"{panel_note}. {summary['interest_split_note']}"
    out = rounded(summary)
    out["interest_split"] = summary["interest_split"]  # kept to 1 万元 (4 dp), like `drivers --json`
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0

    label = {"demonstration": "演示台账（非真实企业数据）/ Demonstration register, not real enterprise data"}.get(
        out["dataset"], out["dataset"])
    lines = [f"[{label}]", f"{out['register']}",
             f"融资置换节约利息 / refinancing savings, as of {out['as_of']} (亿元; NPV discounted at {out['discount_basis']})",
             f"  swaps counted: those dated up to the as-of month; published comparison {out['published_comparison']}",
             f"  refinanced_total          {out['refinanced_total']:>10.2f}  ({out['loans']} loans; "
             f"rates {out['old_rate_pct']:.2f}% → {out['new_rate_pct']:.2f}%, spread {out['spread_pp']:.2f} pts)"]
    lines += _basis_lines(out)
    lines.append(f"  published basis: {out['published_basis'] or 'none reproduces the published figure'}")
    lines.append("")
    lines.append(f"  {'enterprise':<12}{'amount':>9}{'run-rate':>10}{'in-year':>9}{'lifetime':>10}{'NPV':>8}{'NPV%par':>9}")
    for row in out["by_enterprise"]:
        lines.append(f"  {_pad(row['enterprise'], 12)}{row['amount_yi']:>9.2f}{row['annual_run_rate_yi']:>10.2f}"
                     f"{row['in_year_yi']:>9.2f}{row['lifetime_yi']:>10.2f}{row['npv_yi']:>8.2f}{row['npv_pct_par']:>9.2f}")
    lines.append("")
    lines.append("  LPR scenarios (new bank loans float): " + "; ".join(
        f"{s['scenario']} run-rate {s['annual_run_rate_yi']:.2f}, NPV {s['npv_yi']:.2f}" for s in out["scenarios"]))
    lines += _split_lines(out)
    print("\n".join(lines))
    return 0
