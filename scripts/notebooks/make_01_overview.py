"""Write notebooks/01_overview.ipynb (no outputs) from the cells below: `python scripts/notebooks/make_01_overview.py`.

The notebook is thin: every figure comes from a library call; the Markdown says what the reader sees.
"""

from build import out_dir_from_args, write_notebook
from nbformat.v4 import new_code_cell, new_markdown_cell

cells = [
    new_markdown_cell(
        "# 市属国企运行概览 / Overview of the municipal SOE groups\n\n"
        "The headline paragraph in the words of the SASAC work summary, the indicator set in force for the "
        "year (两利四率 / 一利五率), the group's trends since 2019, the city's growth beside the national SOE "
        "releases, and risk bands in the style of the IMF SOE Health Check Tool. Amounts are in 亿元 "
        "(100 million yuan); flows are year-to-date (本年累计) at the as-of month, stocks month-end levels; "
        "year-on-year (YoY) changes are on a like-for-like scope."),
    new_code_cell(
        'as_of: str = "2022-10"  # the month (YYYY-MM) the report is built for\n'
        'lang: str = "zh"  # zh or en: the language of the paragraph, tables and charts',
        metadata={"tags": ["parameters"]}),
    new_code_cell(
        "import html\n\n"
        "from IPython.display import HTML, display\n\n"
        "from soe_analysis import indicators, national, overview, risk\n"
        "from soe_analysis.display import record_key_figures, show_banner\n"
        "from soe_analysis.metrics import headline, rounded\n"
        "from soe_analysis.narrative import headline_paragraph\n"
        "from soe_analysis.panel import load_panel\n"
        "from soe_analysis.params import check_as_of, check_lang\n"
        "from soe_analysis.plotting import set_style\n\n"
        "set_style()\n"
        "panel = load_panel()\n"
        "period = check_as_of(as_of, panel)\n"
        "lang = check_lang(lang)\n"
        "show_banner(panel)"),
    new_markdown_cell(
        "## 总体情况 / Headline\n\n"
        "The paragraph is generated from the panel for the as-of month; its wording follows the data "
        "(增长/下降, 增加/减少, loss-making groups named, largest loss first). The cards repeat the figures."),
    new_code_cell(
        "figures = headline(panel, period)\n"
        "paragraph = headline_paragraph(figures, lang)\n"
        "display(HTML(f'<p style=\"font-size:15px;line-height:1.7\">{html.escape(paragraph)}</p>'))\n"
        "display(HTML(overview.kpi_cards_html(figures, lang)))"),
    new_markdown_cell(
        "## 考核指标 / The indicator set in force\n\n"
        "SASAC's headline set changes by year: 两利四率 (2021–22), 一利五率 (2023–24), and the 2025 variant. "
        "The dictionary below gives each indicator's formula, unit and whether year-to-date flows are "
        "annualised (×12/m). Then the values per enterprise and in total (合计 = ratio of the summed inputs), "
        "with the change from the same month a year before (percentage points for rates). A dash means the "
        "value cannot be computed; the reason column of `indicators.compute` says why."),
    new_code_cell(
        "in_force = indicators.indicator_set(period.year)\n"
        "print(f\"{period.year}: {in_force['name']} ({in_force['en']}) {in_force['note']}\")\n"
        "indicators.dictionary(period.year)[['zh', 'en', 'unit', 'formula', 'annualised', 'note']]"),
    new_code_cell(
        "ind = indicators.with_yoy(panel, period)\n"
        "overview.styled(indicators.wide(ind, lang))"),
    new_code_cell(
        "gaps = ind.loc[ind['value'].isna(), ['enterprise', 'zh', 'reason']].drop_duplicates(['zh', 'reason'])\n"
        "gaps if len(gaps) else print('every indicator could be computed')"),
    new_markdown_cell(
        "## 趋势 / Trends since 2019\n\n"
        "Left: month-end total assets and owners' equity of the group (亿元) with the debt ratio (right axis). "
        "Right: the year-to-date revenue and total profit at the same month of each year, so years are "
        "compared over the same months."),
    new_code_cell(
        "import matplotlib.pyplot as plt\n\n"
        "totals = overview.group_totals(panel, period)\n"
        "fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))\n"
        "overview.plot_balance_sheet(totals, ax=axes[0], lang=lang)\n"
        "overview.plot_ytd_by_year(totals, period.month, ax=axes[1], lang=lang)\n"
        "fig.tight_layout()"),
    new_markdown_cell(
        "## 与全国国企对比 / The city beside the national SOE releases\n\n"
        "Year-to-date growth of revenue and total profit, the city's groups beside all SOEs and local SOEs "
        "as released monthly by the Ministry of Finance (**real published data**, source URL per row). The "
        "national file ends in 2021 and the panel starts in 2019, so the comparison covers the release "
        "months of 2019–2021 that the panel also has; the city's YoY needs the month a year before, so 2019 "
        "has no city bar. The city's figures are the panel's (see the banner above). Profit growth is shown "
        "only when both years are profits; from a small base it can be very large."),
    new_code_cell(
        "comparison = national.growth_comparison(panel, period, lang=lang)\n"
        "if len(comparison):\n"
        "    fig, axes = plt.subplots(2, 1, figsize=(12, 8))\n"
        "    national.plot_growth_comparison(comparison, ax=axes[0], measure='revenue', lang=lang)\n"
        "    national.plot_growth_comparison(comparison, ax=axes[1], measure='profit', lang=lang)\n"
        "    fig.tight_layout()\n"
        "    print(national.SOURCE_NOTE_ZH if lang == 'zh' else national.SOURCE_NOTE_EN)\n"
        "else:\n"
        "    print('no release month overlaps the panel up to', period)"),
    new_code_cell(
        "if len(comparison):\n"
        "    shown = comparison.pivot_table(index=['period_label', 'measure'], columns='series', values='yoy_pct',\n"
        "                                   sort=False)\n"
        "    display(overview.styled(shown))\n"
        "    sources = comparison.loc[comparison['dataset'].eq('real'), ['period_label', 'scope', 'precision', 'source_url']]\n"
        "    display(sources.drop_duplicates(['period_label', 'source_url']))"),
    new_markdown_cell(
        "## 风险档位 / Risk bands\n\n"
        "Nine ratios, each placed in a band from 1 (low risk) to 5 (high risk) by four cut-points "
        "(`soe_analysis/config/risk_thresholds.csv`: project defaults in the style of the IMF SOE Health "
        "Check Tool, not the IMF's own calibration). A value on a cut-point takes the lower-risk band. "
        "Negative equity or EBITDA forces band 5 for the ratios built on them; a ratio that cannot be computed "
        "is blank and left out of the score (the mean of the computed bands, shown in brackets)."),
    new_code_cell(
        "assessed = risk.assess(panel, period)\n"
        "risk.plot_matrix(assessed, lang=lang);"),
    new_code_cell(
        "change = risk.score_change(panel, period)\n"
        "overview.styled(change.rename(columns={'score': 'score', 'score_prev': 'a year before',\n"
        "                                       'change': 'change (+ = riskier)', 'n_bands': 'bands used'}))"),
    new_code_cell(
        "risk.load_thresholds()[['zh', 'en', 'unit', 'direction', 'cut1', 'cut2', 'cut3', 'cut4', 'definition']]"),
    new_code_cell(
        "total_score = change.loc[indicators.TOTAL_ZH, 'score']\n"
        "record_key_figures(rounded({\n"
        "    'total_assets_yi': figures['total_assets'],\n"
        "    'total_assets_yoy_pct': figures['total_assets_yoy_pct'],\n"
        "    'revenue_ytd_yi': figures['revenue_ytd'],\n"
        "    'total_profit_ytd_yi': figures['total_profit_ytd'],\n"
        "    'loss_makers_n': len(figures['loss_makers']),\n"
        "    'risk_score_total_band': float(total_score),\n"
        "}));"),
]

if __name__ == "__main__":
    print(write_notebook(cells, "01_overview.ipynb", "overview", out_dir_from_args()))
