"""``soe-analysis drivers``: the profit bridge (Δ利润总额 by enterprise and driver)."""

from __future__ import annotations

HELP = "profit bridge: change in total profit by enterprise and driver (亿元)"


def add_arguments(parser) -> None:
    parser.add_argument("--as-of", required=True, metavar="YYYY-MM", help="current month (YTD through it)")
    parser.add_argument("--base", default="", metavar="YYYY-MM",
                        help="base month (default: the same month a year before)")
    parser.add_argument("--basis", default="ytd", choices=("ytd", "m"),
                        help="compare year-to-date values (default) or single months")
    parser.add_argument("--panel", default=None, metavar="PATH", help="panel parquet (default data/processed/panel.parquet)")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"), help="language of labels and explanations")
    parser.add_argument("--json", action="store_true", help="print JSON (amounts 亿元, rounded half-up to 2 dp)")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = True) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def format_table(frame, first_header: str) -> str:
    """A plain-text table with CJK-aware alignment; numbers with 2 decimals, NaN as 'n/a'."""
    from ..metrics import format_number

    def cell(v):
        if isinstance(v, float):
            return "n/a" if v != v else format_number(v)
        return str(v)

    header = [first_header, *map(str, frame.columns)]
    body = [[str(idx), *(cell(v) for v in row)] for idx, row in zip(frame.index, frame.itertuples(index=False))]
    widths = [max(_width(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = []
    for n, r in enumerate([header, *body]):
        lines.append("  ".join(_pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(r, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _interest_lines(split, zh: bool) -> list[str]:
    """The interest split the ``savings`` verb prints too (one rule: metrics.interest_split)."""
    from ..metrics import TOTAL_ROW, format_number

    total = split.loc[TOTAL_ROW]
    if total.isna().all():
        return ["利息费用规模/利率分解：无法计算（缺少利息费用或带息负债）" if zh
                else "Interest expense split: not computable (interest or interest-bearing debt missing)"]
    return [("利息费用变动" if zh else "Interest expense change ") + f"{format_number(total['change'])}"
            + ("亿元：规模影响" if zh else " 亿元: volume ") + format_number(total["volume_effect"])
            + ("，利率影响" if zh else ", rate ") + format_number(total["rate_effect"])
            + ("（平均带息负债含年初余额，Shapley分解）" if zh
               else " (average debt incl. the opening balance; Shapley split)")]


def run(args) -> int:
    import json

    from .. import drivers
    from ..io.panel import dataset_banner, load_panel
    from ..text import drivers as words

    panel = load_panel(args.panel)
    params = drivers.check_params(panel, as_of=args.as_of, base=args.base, lang=args.lang, basis=args.basis)
    br = drivers.bridge(panel, params.as_of, params.base, basis=params.basis)
    if args.json:
        print(json.dumps(words.to_records(br, lang=params.lang), ensure_ascii=False, indent=1))
        return 0

    zh = params.lang == "zh"
    table = words.labelled_table(br, params.lang)
    keep = [c for c in table.columns if not (table[c].fillna(0) == 0).all()] or list(table.columns)
    table = table[keep]
    print(("利润总额变动分解（亿元）：" if zh else "Profit bridge (亿元): ")
          + f"{br.period_label('base', params.lang)} → {br.period_label('current', params.lang)}")
    if br.yoy_basis:
        print(("同比基数：" if zh else "Year-on-year base: ") + br.yoy_basis.replace("_", " "))
    print(dataset_banner(panel))
    print()
    print(format_table(table, "企业" if zh else "Enterprise"))
    lfl = br.like_for_like()
    print()
    print(("同口径（剔除非经常性损益及范围变动）利润变动：" if zh else "Like-for-like change (excl. one-offs and entry/exit): ")
          + f"{lfl.total_change:.2f}")
    dropped = [c for c in br.effects.columns if (br.effects[c].fillna(0) == 0).all()]
    if dropped:
        labels = ", ".join(words.driver_label(d, params.lang) for d in dropped)
        print(("全为零的因素未列出：" if zh else "Drivers that are zero throughout, not shown: ") + labels)
    print("\n".join(_interest_lines(drivers.interest_split(br), zh)))
    print()
    for text in words.explanations(br, lang=params.lang).values():
        print(f"- {text}")
    for name, reason in br.excluded.items():
        print((f"注：{name} 未纳入（{reason}）" if zh else f"Note: {name} left out ({reason})"))
    for warning in br.warnings:
        print(("注：" if zh else "Note: ") + warning)
    for name, notes in br.notes.items():
        for note in notes:
            print(("注：" if zh else "Note: ") + f"{name}: {note}")
    return 0
