"""Charts and bilingual table labels for the refinancing-savings notebook.

Every plot function takes ``ax=None``, draws, and returns the Axes; call
:func:`soe_analysis.plots.style.set_style` first so Chinese labels render.
"""

from __future__ import annotations

import pandas as pd

from ..financing import BASIS_LABELS
from ..io.register import instrument_label

COLUMN_LABELS = {
    "amount_yi": ("置换金额(亿元)", "Refinanced (亿元)"),
    "upfront_cost_yi": ("违约金及费用(亿元)", "Penalties & fees (亿元)"),
    "annual_run_rate_yi": ("年化节约(亿元)", "Run-rate saving (亿元/yr)"),
    "in_year_yi": ("当年实现(亿元)", "In-year saving (亿元)"),
    "realised_to_date_yi": ("截至报告期实现(亿元)", "Realised to date (亿元)"),
    "lifetime_yi": ("剩余期限内合计(亿元)", "Lifetime saving (亿元)"),
    "npv_yi": ("净现值(亿元)", "NPV (亿元)"),
    "npv_pct_par": ("净现值占面值(%)", "NPV (% of par)"),
    "old_rate_pct": ("原利率(%)", "Old rate (%)"),
    "new_rate_pct": ("新利率(%)", "New rate (%)"),
    "spread_pp": ("利差(百分点)", "Spread (pts)"),
    "loans": ("笔数", "Loans"),
    "saving_yi": ("节约(亿元)", "Saving (亿元)"),
    "pct_of_par": ("占置换金额(%)", "% of amount refinanced"),
    "matches_published": ("与公开数一致", "Reproduces published"),
    "implied_spread_pp": ("公开数隐含利差(百分点)", "Spread the published figure implies (pts)"),
    "label": ("口径", "Basis"),
    "rate_pct": ("利率(%)", "Rate (%)"),
    "annual_saving_yi": ("年化节约(亿元)", "Run-rate saving (亿元/yr)"),
    "npv_per_yi": ("每亿元净现值(亿元)", "NPV per 亿元 (亿元)"),
    "breakeven_month": ("回本月数", "Break-even month"),
    "rank": ("排序", "Rank"),
    "enterprise": ("企业", "Enterprise"),
    "instrument": ("融资品种", "Instrument"),
    "repayment": ("还款方式", "Repayment"),
    "remaining_term_m": ("剩余期限(月)", "Remaining term (months)"),
    "scenario": ("情景", "Scenario"),
    "shift_bp": ("LPR变动(bp)", "LPR shift (bp)"),
    "interest_ytd": ("利息费用本年累计(亿元)", "Interest expense YTD (亿元)"),
    "interest_ytd_prev": ("上年同期(亿元)", "Same period last year (亿元)"),
    "change": ("变动(亿元)", "Change (亿元)"),
    "volume_effect": ("规模影响(亿元)", "Volume effect (亿元)"),
    "rate_effect": ("利率影响(亿元)", "Rate effect (亿元)"),
    "swaps_effect": ("置换贡献(亿元)", "Swaps' effect (亿元)"),
    "share_of_rate_effect_explained": ("置换解释利率影响比例", "Share of rate effect from swaps"),
    "implied_rate_pct": ("隐含利率(%)", "Implied rate (%)"),
    "implied_rate_prev_pct": ("上年隐含利率(%)", "Implied rate last year (%)"),
    "reason": ("说明", "Note"),
    "old_instrument": ("原融资品种", "Original instrument"),
}
SCENARIO_LABELS = {"flat": ("LPR不变", "LPR flat"), "lpr_minus_25bp": ("LPR下调25bp", "LPR −25bp"),
                   "lpr_plus_50bp": ("LPR上调50bp", "LPR +50bp")}


def _pick(pair, lang):
    return pair[1] if lang == "en" else pair[0]


def labelled(frame: pd.DataFrame, lang: str = "zh", columns=None) -> pd.DataFrame:
    """A copy for display: chosen columns, headers in ``lang``, instrument codes as words."""
    out = frame[list(columns)] if columns is not None else frame.copy()
    out = out.copy()
    if "old_instrument" in out.columns:
        out["old_instrument"] = [instrument_label(c, lang) for c in out["old_instrument"]]
    if out.index.name == "old_instrument":
        out.index = [instrument_label(c, lang) for c in out.index]
    if "scenario" in out.columns:
        out["scenario"] = [_pick(SCENARIO_LABELS.get(s, (s, s)), lang) for s in out["scenario"]]
    out = out.rename(columns={c: _pick(v, lang) for c, v in COLUMN_LABELS.items()})
    if out.index.name in COLUMN_LABELS:
        out.index.name = _pick(COLUMN_LABELS[out.index.name], lang)
    return out


def _legend_below(ax, offset: float = -0.12):
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, offset), frameon=False)


def plot_basis(table: pd.DataFrame, ax=None, lang: str = "zh"):
    """Bars: total saving on each basis, the published figure as a line."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots()[1]
    labels = [_pick(BASIS_LABELS[b], lang).split("（")[0].split(" (")[0] for b in table["basis"]]
    colors = ["#c0392b" if m else "#7f8c8d" for m in table["matches_published"]]
    ax.barh(labels, table["saving_yi"], color=colors)
    published = (table.attrs.get("published") or {}).get("saving_yi")
    if published is not None:
        ax.axvline(published, color="#c0392b", ls="--", lw=1)
        ax.annotate(f" {'公开数' if lang != 'en' else 'published'} {published}", (published, -0.55),
                    color="#c0392b", fontsize=9, ha="left", va="bottom", annotation_clip=False)
    ax.invert_yaxis()
    ax.set_xlabel("亿元")
    ax.set_title("各口径节约利息" if lang != "en" else "Saving on each basis")
    return ax


def plot_by_group(summary: pd.DataFrame, ax=None, lang: str = "zh",
                  columns=("annual_run_rate_yi", "in_year_yi", "npv_yi")):
    """Grouped bars of savings per enterprise or instrument (亿元)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots()[1]
    data = labelled(summary[list(columns)], lang)
    data.plot.bar(ax=ax, width=0.8)
    ax.set_ylabel("亿元")
    ax.set_xlabel("")
    ax.tick_params(axis="x", rotation=45)
    _legend_below(ax, offset=-0.35)
    return ax


def plot_rates_vs_lpr(loans: pd.DataFrame, lpr: pd.DataFrame, ax=None, lang: str = "zh"):
    """Old and new rate of every swap against the LPR (real) in force on the swap dates."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots()[1]
    start = loans["swap_date"].min() - pd.Timedelta(days=20)
    end = loans["swap_date"].max() + pd.Timedelta(days=20)
    steps = pd.concat([lpr[lpr["effective_date"] <= start].tail(1).assign(effective_date=start),
                       lpr[(lpr["effective_date"] > start) & (lpr["effective_date"] <= end)]])
    steps = pd.concat([steps, steps.tail(1).assign(effective_date=end)])
    en = lang == "en"
    ax.step(steps["effective_date"], steps["lpr_1y_pct"], where="post", color="#2c3e50",
            label="1年期LPR（真实）" if not en else "1Y LPR (real)")
    ax.step(steps["effective_date"], steps["lpr_5y_pct"], where="post", color="#2c3e50", ls="--",
            label="5年期以上LPR（真实）" if not en else "5Y LPR (real)")
    size = 20 + loans["amount_yi"] * 4
    ax.scatter(loans["swap_date"], loans["old_rate_pct"], s=size, color="#c0392b", alpha=0.6,
               label="原利率" if not en else "Old rate")
    ax.scatter(loans["swap_date"], loans["new_rate_pct"], s=size, color="#27ae60", alpha=0.6,
               label="新利率" if not en else "New rate")
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.set_ylabel("% / 年" if not en else "% a year")
    ax.set_title("置换前后利率与LPR（点大小=金额）" if not en else "Rates before and after vs the LPR (size = amount)")
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    return ax


def plot_scenarios(table: pd.DataFrame, ax=None, lang: str = "zh",
                   columns=("annual_run_rate_yi", "lifetime_yi", "npv_yi")):
    """Savings under the LPR scenarios."""
    import matplotlib.pyplot as plt

    ax = ax or plt.subplots()[1]
    data = table.set_index("scenario")[list(columns)]
    data.index = [_pick(SCENARIO_LABELS.get(s, (s, s)), lang) for s in data.index]
    labelled(data, lang).plot.bar(ax=ax, width=0.75)
    ax.set_ylabel("亿元")
    ax.tick_params(axis="x", rotation=0)
    ax.set_title("LPR情景下的节约（新增银行贷款随LPR浮动）" if lang != "en"
                 else "Savings under LPR scenarios (new bank loans float)")
    _legend_below(ax)
    return ax
