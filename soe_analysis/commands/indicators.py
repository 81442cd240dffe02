"""``soe-analysis indicators``: the indicator set in force and the risk ratios with their bands."""

from __future__ import annotations

HELP = ("the indicator set in force for the year (两利四率 / 一利五率) and the risk ratios with their "
        "bands 1 (low) … 5 (high), per enterprise and in total")


def add_arguments(parser) -> None:
    parser.add_argument("--as-of", required=True, metavar="YYYY-MM",
                        help="the month: flows year-to-date through it, stocks at its end")
    parser.add_argument("--panel", default=None, metavar="PATH",
                        help="processed panel (default data/processed/panel.parquet)")
    parser.add_argument("--lang", default="zh", metavar="zh|en", help="language of labels (default zh)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON: rows {enterprise, ratio, value, band, unit, in_set, reason}; values "
                             "rounded half-up to 2 dp in each row's unit, band null where a ratio has none")


def _terminal_safe(text) -> str:
    """Text from the data with control characters shown as escapes, so it cannot drive a terminal."""
    import unicodedata

    return "".join(ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))


def records(panel, params) -> dict:
    """The indicators and risk ratios of ``params.as_of`` as plain data (see ``--json``).

    One row per enterprise (panel order, the total last) and ratio: first the indicators of the
    set in force, then the risk ratios not already among them. ROE and the debt ratio are both
    an indicator and a risk ratio; having one definition each (:mod:`soe_analysis.metrics`),
    they appear once, with the indicator's value and the risk band.
    """
    import math

    from .. import indicators, risk
    from ..metrics import round_half_up

    in_force = indicators.indicator_set(params.as_of.year)
    table = indicators.compute(panel, params.as_of).set_index(["enterprise", "indicator"])
    assessed = risk.assess(panel, params.as_of).set_index(["enterprise", "ratio"])
    scores = risk.scores(assessed.reset_index())
    total = indicators.TOTAL_ZH if params.lang == "zh" else indicators.TOTAL_EN
    names = list(dict.fromkeys(table.index.get_level_values(0)))
    ratios = in_force["indicators"] + [r for r in risk.RATIO_NAMES if r not in in_force["indicators"]]

    def number(v, digits=2):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else round_half_up(float(v), digits) + 0.0

    rows = []
    for enterprise in names:
        for ratio in ratios:
            source = table if (enterprise, ratio) in table.index else assessed
            row = source.loc[(enterprise, ratio)]
            band = assessed.loc[(enterprise, ratio), "band"] if (enterprise, ratio) in assessed.index else None
            rows.append({"enterprise": total if enterprise == indicators.TOTAL_ZH else enterprise,
                         "ratio": ratio, "value": number(row["value"]),
                         "band": None if band is None or math.isnan(band) else int(band),
                         "unit": row["unit"], "in_set": ratio in in_force["indicators"], "reason": row["reason"]})
    return {
        "as_of": str(params.as_of), "indicator_set": in_force, "rows": rows,
        "scores": [{"enterprise": total if e == indicators.TOTAL_ZH else e, "score": number(s["score"]),
                    "n_bands": int(s["n_bands"])} for e, s in scores.iterrows()],
        "units": {"amounts": "亿元", "ratios": "each row's unit: % or x (multiple) or 万元/人",
                  "flows": "year-to-date; annualised ×12/m where set against a stock"},
    }


def _tables(data: dict, lang: str):
    """The indicator table (values) and the risk table ("value (band)") for printing."""
    import pandas as pd

    from .. import indicators, risk
    from ..metrics import format_number

    cfg = indicators.load_config()["indicators"]
    thresholds = risk.load_thresholds()
    zh = lang == "zh"

    def label(ratio, unit):
        name = cfg[ratio][lang] if ratio in cfg else thresholds.loc[ratio, lang]
        return f"{name}({unit})"

    def shown(row):
        if pd.isna(row["value"]):
            return "—"
        value = format_number(row["value"])
        return value if pd.isna(row["band"]) else f"{value} ({int(row['band'])})"

    frame = pd.DataFrame(data["rows"])
    frame["enterprise"] = frame["enterprise"].map(_terminal_safe)
    frame["label"] = [label(r, u) for r, u in zip(frame["ratio"], frame["unit"])]
    frame["shown"] = frame.apply(shown, axis=1)
    order = list(dict.fromkeys(frame["enterprise"]))
    in_set = frame[frame["in_set"]].pivot(index="enterprise", columns="label", values="shown")
    in_set = in_set.reindex(index=order, columns=list(dict.fromkeys(frame.loc[frame["in_set"], "label"])))
    banded = frame[frame["band"].notna() | frame["ratio"].isin(thresholds.index)]
    bands = banded.pivot(index="enterprise", columns="label", values="shown")
    bands = bands.reindex(index=order, columns=list(dict.fromkeys(banded["label"])))
    scores = {_terminal_safe(s["enterprise"]): s["score"] for s in data["scores"]}
    bands["综合得分" if zh else "Score"] = [("—" if scores.get(e) is None else format_number(scores[e])) for e in order]
    return in_set, bands


def run(args) -> int:
    import json

    from .. import indicators
    from ..io.panel import dataset_banner, dataset_label, load_panel
    from .drivers import format_table

    indicators.check_params(None, as_of=args.as_of, lang=args.lang)  # usage errors before any data is read
    panel = load_panel(args.panel)
    params = indicators.check_params(panel, as_of=args.as_of, lang=args.lang)
    data = records(panel, params)
    data["dataset"] = dataset_label(panel)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return 0
    zh = params.lang == "zh"
    in_force = data["indicator_set"]
    in_set, bands = _tables(data, params.lang)
    print(dataset_banner(panel))
    print(f"{data['as_of']}：{in_force['name']}" if zh else f"{data['as_of']}: {in_force['en']} ({in_force['name']})")
    if in_force["note"]:
        print(("注：" if zh else "Note: ") + in_force["note"])
    print()
    print(format_table(in_set, "企业" if zh else "Enterprise"))
    print()
    print("风险比率（括号内为档位，1低 … 5高；—为无法计算）" if zh
          else "Risk ratios (band in brackets, 1 low … 5 high; — cannot be computed)")
    print(format_table(bands, "企业" if zh else "Enterprise"))
    print()
    print("流量为本年累计；与存量相比时按12/m年化。" if zh
          else "Flows are year-to-date; annualised ×12/m where set against a stock.")
    return 0
