"""`soe-analysis headline`: the headline figures for a month (amounts 亿元, rates %)."""

HELP = "headline figures for a month: assets, equity, debt ratio, YTD revenue, profit, investment"


def add_arguments(parser):
    parser.add_argument("--as-of", required=True, metavar="YYYY-MM", help="the month (month-end) to report")
    parser.add_argument("--panel", metavar="PATH", help="processed panel (default: data/processed/panel.parquet)")
    parser.add_argument("--lang", default="zh", metavar="zh|en", help="language of the summary paragraph (default zh)")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON object (amounts 亿元, rates percent; the paragraph as `narrative`)")


def run(args) -> int:
    import json

    from .. import overview
    from ..io.panel import dataset_label, load_panel
    from ..metrics import check_published_month, format_number, headline, rounded
    from ..text.narrative import figures_table, format_table, headline_paragraph

    overview.check_params(None, as_of=args.as_of, lang=args.lang)  # usage errors before any data is read
    panel = load_panel(args.panel)
    params = overview.check_params(panel, as_of=args.as_of, lang=args.lang)
    lang = params.lang
    check_published_month(panel, params.as_of)  # a January split from a combined 1–2月 release was never published
    raw = headline(panel, params.as_of)
    paragraph = headline_paragraph(raw, lang)  # worded from unrounded figures, rounded once
    figures = rounded(raw)
    figures["narrative"] = paragraph
    figures["dataset"] = dataset_label(panel)
    figures["units"] = {"amounts": "亿元", "rates": "percent", "flows": "year-to-date"}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    f = figures
    print(paragraph)
    print()

    def num(value, suffix=""):
        return "n/a" if value is None else format_number(value, thousands=True) + suffix

    print(f"{f['as_of']} ({f['dataset']} data), {f['enterprises']} enterprises; amounts 亿元, flows year-to-date; "
          f"year-on-year on the {f['yoy_basis'].replace('_', ' ')} basis")
    print(f"  total assets    {num(f['total_assets']):>10}   YoY {num(f['total_assets_yoy_pct'], '%')}")
    print(f"  equity          {num(f['equity']):>10}   YoY {num(f['equity_yoy_pct'], '%')}")
    print(f"  debt ratio      {num(f['debt_ratio_pct'], '%'):>10}")
    print(f"  revenue YTD     {num(f['revenue_ytd']):>10}   YoY {num(f['revenue_ytd_yoy_pct'], '%')}")
    print(f"  profit YTD      {num(f['total_profit_ytd']):>10}   change {num(f['total_profit_ytd_change'])}")
    print(f"  investment YTD  {num(f['investment_ytd']):>10}")
    print()
    print(format_table(figures_table(raw, lang)))
    return 0
