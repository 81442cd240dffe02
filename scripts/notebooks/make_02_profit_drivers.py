"""Write notebooks/02_profit_drivers.ipynb (no outputs). Run: python scripts/notebooks/make_02_profit_drivers.py"""

from build import out_dir_from_args, write_notebook
from nbformat.v4 import new_code_cell, new_markdown_cell

cells = [
    new_markdown_cell(
        "# 利润总额变动因素分析 / Profit drivers\n\n"
        "Why did total profit (利润总额) change? An exact, additive bridge from the base period "
        "(by default the same year-to-date a year before) to the as-of period, per enterprise and "
        "in total. Amounts in **亿元** (RMB 100 million).\n\n"
        "各因素对利润的影响之和**恰好**等于利润总额的变动（逐户、合计均如此）。"
    ),
    new_code_cell(
        # one "=" per line: papermill's parameter inspection skips lines with more
        'as_of: str = "2022-10"  # current month, YYYY-MM (YTD through it)\n'
        'base: str = ""  # base month, YYYY-MM; empty: the same month a year before\n'
        'enterprise: str = ""  # one enterprise, e.g. 交运集团; empty: all\n'
        'lang: str = "zh"  # zh or en\n'
        'panel_path: str = ""  # empty: data/processed/panel.parquet',
        metadata={"tags": ["parameters"]},
    ),
    new_code_cell(
        "import matplotlib.pyplot as plt\n"
        "import pandas as pd\n"
        "from IPython.display import Markdown, display\n\n"
        "from soe_analysis import charts_drivers, drivers, plotting\n"
        "from soe_analysis.display import record_key_figures, show_banner\n"
        "from soe_analysis.panel import load_panel\n\n"
        "plotting.set_style()\n"
        "panel = load_panel(panel_path or None)\n"
        "params = drivers.check_params(panel, as_of=as_of, base=base, enterprise=enterprise, lang=lang)\n"
        "br = drivers.bridge(panel, params.as_of, params.base)\n"
        "lfl = br.like_for_like()\n"
        "show_banner(panel)\n"
        'pd.options.display.float_format = "{:,.2f}".format\n'
        "print(br.period_label('base', params.lang), '→', br.period_label('current', params.lang))"
    ),
    new_markdown_cell(
        "## 结论 / In words\n\n"
        "Drivers are ranked by size; those in the direction of the change come first, then the "
        "largest offsets."
    ),
    new_code_cell(
        "display(Markdown(drivers.explain(br, None, lang=params.lang)))\n"
        "if params.enterprise:\n"
        "    display(Markdown(drivers.explain(br, params.enterprise, lang=params.lang)))"
    ),
    new_markdown_cell(
        "## 分解表 / The bridge\n\n"
        "Each row: base-period profit, the effect of each driver, current profit and the change. "
        "Costs enter with the opposite sign (a cost that rose lowers profit). Depreciation, staff "
        "costs and interest expense are shown apart from the other operating costs; one-off items "
        "(非经常性损益) apart from the other gains. **其他/未解释 (other/unexplained)** is what the "
        "reported lines do not explain: it is ~0 (万元 rounding) on the demonstration data, where the "
        "income-statement identity holds, and can be material on real data. n/a = a line not reported "
        "(its amount sits in the parent line; see the notes)."
    ),
    new_code_cell(
        "display(br.table(lang=params.lang))\n"
        "for name, notes in br.notes.items():\n"
        "    for note in notes:\n"
        "        print(f'{name}: {note}')\n"
        "for w in br.warnings:\n"
        "    print(w)\n"
        "for name, reason in br.excluded.items():\n"
        "    print(f'{name} excluded: {reason}')"
    ),
    new_markdown_cell("## 合计瀑布图 / Waterfall of the total"),
    new_code_cell("charts_drivers.plot_bridge(br, lang=params.lang)\nplt.show()"),
    new_markdown_cell(
        "## 分企业瀑布图 / Waterfall per enterprise\n\n"
        "With the `enterprise` parameter set, only that enterprise is drawn."
    ),
    new_code_cell(
        "names = [params.enterprise] if params.enterprise else list(br.effects.index)\n"
        "ncols = 1 if len(names) == 1 else 2\n"
        "nrows = -(-len(names) // ncols)\n"
        "fig, axes = plt.subplots(nrows, ncols, figsize=(7 * ncols, 4.2 * nrows), squeeze=False)\n"
        "for ax, name in zip(axes.flat, names):\n"
        "    charts_drivers.plot_bridge(br, name, lang=params.lang, ax=ax)\n"
        "for ax in list(axes.flat)[len(names):]:\n"
        "    ax.set_visible(False)\n"
        "fig.tight_layout()\n"
        "plt.show()"
    ),
    new_markdown_cell(
        "## 企业 × 因素 / Heatmap enterprise × driver\n\n"
        "Red lowers profit, green raises it; enterprises sorted from the largest fall."
    ),
    new_code_cell("charts_drivers.plot_heatmap(br, lang=params.lang)\nplt.show()"),
    new_markdown_cell("## 影响排序 / Ranking of contributions"),
    new_code_cell(
        "fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 6))\n"
        "charts_drivers.plot_ranking(br, lang=params.lang, by='enterprise', ax=ax1)\n"
        "charts_drivers.plot_ranking(br, lang=params.lang, by='cell', top=12, ax=ax2)\n"
        "fig.tight_layout()\n"
        "plt.show()\n"
        "display(br.ranking().head(12).assign(label=lambda d: d['driver'].map(drivers.DRIVER_LABELS[params.lang])))"
    ),
    new_markdown_cell(
        "## 同口径 / Like-for-like\n\n"
        "Enterprises present in both periods only, one-off items removed from profit in both "
        "periods: the change in recurring profit."
    ),
    new_code_cell(
        "charts_drivers.plot_bridge(lfl, lang=params.lang)\n"
        "plt.show()\n"
        "display(lfl.table(lang=params.lang))\n"
        "display(Markdown(drivers.explain(lfl, params.enterprise, lang=params.lang)))"
    ),
    new_markdown_cell(
        "## 更细的分解 / Finer effects\n\n"
        "**Revenue volume vs margin** (profit = revenue × margin), **mix across enterprises** "
        "(group profit = total revenue × Σ share × margin) and **interest: debt volume vs rate** "
        "(interest = average interest-bearing debt × annual rate × period length; YTD interest is "
        "annualised ×12/m in both periods; average debt = mean of the month-end balances from the "
        "previous December). Columns without a suffix are the **Shapley** effects (the average "
        "over all orders of substitution, independent of the order); `_chain` columns are chain "
        "substitution (连环替代法) in the stated order: volume → margin; volume → mix → margin; "
        "debt → rate → length. Interest effects carry the expense sign (profit effect = −)."
    ),
    new_code_cell(
        "display(drivers.volume_margin(br))\n"
        "display(drivers.mix_effect(br))\n"
        "display(drivers.interest_split(br))"
    ),
    new_markdown_cell("## 各企业说明 / Every enterprise in words"),
    new_code_cell(
        "display(Markdown('\\n'.join(f'- {t}' for t in drivers.explanations(br, lang=params.lang).values())))"
    ),
    new_code_cell(
        "figures = {\n"
        "    'total_profit_yi': br.total_profit_current,\n"
        "    'total_profit_change_yi': br.total_change,\n"
        "    'like_for_like_change_yi': lfl.total_change,\n"
        "    'unexplained_yi': float(br.totals()['unexplained']),\n"
        "    'largest_decline': br.profit['change'].idxmin(),\n"
        "}\n"
        "if params.enterprise:\n"
        "    figures['enterprise_profit_change_yi'] = float(br.profit.at[params.enterprise, 'change'])\n"
        "record_key_figures(figures);"
    ),
]

if __name__ == "__main__":
    print(write_notebook(cells, "02_profit_drivers.ipynb", "cell", out_dir_from_args()))
