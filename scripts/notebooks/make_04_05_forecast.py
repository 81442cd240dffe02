"""Write notebooks 04 (target forecast) and 05 (method backtest) without outputs:
`python scripts/notebooks/make_04_05_forecast.py`."""

from build import cell, out_dir_from_args, write_notebook


def nb(cells):
    return [cell(*spec) for spec in cells]


NB04 = [
    ("md", "# 2023年目标能否完成？/ Will the 2023 targets be reached?\n\n"
           "For every target of the 2023 plan that the monthly flash reports can track: the full-year "
           "forecast with 80% and 95% intervals, the probability of reaching it (share of simulated "
           "paths at or above the target), the average needed in each remaining month against what "
           "those months delivered in earlier years, and a status. Amounts in 亿元, YTD (本年累计) for "
           "flows, December level for stocks. Methods and their real-data backtest: notebook 05."),
    ("code", 'as_of: str = "2022-10"  # data up to this month (YYYY-MM), in the target year or the year before\n'
             "target_year: int = 2023  # year of the targets\n"
             "n_sims: int = 2000  # simulated paths\n"
             "seed: int = 0  # random seed: same seed, same numbers\n"
             'lang: str = "zh"  # zh or en', "parameters"),
    ("code", "from soe_analysis import targets as tg\n"
             "from soe_analysis.display import record_key_figures, show_banner\n"
             "from soe_analysis.panel import load_panel\n"
             "from soe_analysis.plotting import set_style\n\n"
             "set_style()\n"
             "panel = load_panel()\n"
             "period, target_year, n_sims, seed, lang = tg.check_forecast_params(as_of, target_year, n_sims, seed, lang, panel)\n"
             "registry = tg.load_targets()\n"
             "show_banner(panel)"),
    ("md", "## 目标一览 / The targets\n\nStatus from the probability of reaching the target: ≥ 80% *on track* "
           "(green), 20–80% *at risk* (amber), < 20% *off track* (red); a flow already at its target "
           "is *reached*. `required / month` is (target − YTD) / months left (from the year before: "
           "target / 12); `past / month` is the mean of what the same remaining months delivered in "
           "earlier complete years."),
    ("code", "table, draws = tg.evaluate_targets(panel, period, target_year=target_year, targets=registry,\n"
             "                                   n_sims=n_sims, seed=seed)\n"
             "tg.style_status(tg.status_table(table, lang), table['status'], lang)"),
    ("md", "Targets the flash reports cannot track (counts, areas, funds, the state-capital budget "
           "payment) are listed for completeness:"),
    ("code", "registry.loc[~registry['trackable'], ['name_zh', 'name_en', 'kind', 'value', 'unit', 'note']]"),
    ("md", "## 扇形图 / Fan charts\n\nThe observed path of the target year, then a cone from the last "
           "observed month to the simulated December 80% (dark) and 95% (light) ranges; growth and "
           "ratio targets show the December interval only. The red line is the target."),
    ("code", "import matplotlib.pyplot as plt\n\n"
             "rows = table.to_dict('records')\n"
             "fig, axes = plt.subplots((len(rows) + 1) // 2, 2, figsize=(11, 3.4 * ((len(rows) + 1) // 2)))\n"
             "for ax, row in zip(axes.ravel(), rows):\n"
             "    t = registry.set_index('target_id').loc[row['target']].to_dict() | {'target_id': row['target']}\n"
             "    tg.plot_fan(row, draws[row['target']], tg.target_path(panel, t, period, target_year),\n"
             "                target_year=target_year, lang=lang, ax=ax)\n"
             "for ax in axes.ravel()[len(rows):]:\n"
             "    ax.set_visible(False)\n"
             "fig.tight_layout()"),
    ("md", "## 所需进度 / Required pace against past years\n\nWhere the red bar is well above the blue one, "
           "the remaining months must deliver more than they ever did in the years on record."),
    ("code", "tg.plot_required(table, lang=lang);"),
    ("md", "## 隐含基数核对 / Implied baselines\n\nA target stated with a growth rate or a change implies "
           "the previous year's value: 3800/1.11 ≈ 3423 for 2022 year-end assets, 380/1.15 ≈ 330.4 for "
           "2022 revenue, 5 − 12 = −7 for 2022 profit. Compared here with the data: the 2022 full year "
           "(published if the as-of month is in 2023, else forecast from the YTD)."),
    ("code", "baseline = tg.baseline_check(panel, period, targets=registry, n_sims=n_sims, seed=seed)\n"
             "baseline.round(2)"),
    ("code", "fig_rows = table.set_index('target')\n"
             "record_key_figures({\n"
             "    'revenue_point_yi': fig_rows.at['revenue', 'point'],\n"
             "    'revenue_p_reach': fig_rows.at['revenue', 'p_reach'],\n"
             "    'total_profit_point_yi': fig_rows.at['total_profit', 'point'],\n"
             "    'total_profit_p_reach': fig_rows.at['total_profit', 'p_reach'],\n"
             "    'total_assets_point_yi': fig_rows.at['assets', 'point'],\n"
             "    'as_of': f'{period.year:04d}-{period.month:02d}',\n"
             "});"),
]

NB05 = [
    ("md", "# 预测方法回测 / Backtest of the forecast methods on real data\n\n"
           "The Ministry of Finance's monthly releases on national SOEs (全国国有及国有控股企业经济运行情况, "
           "2013–2021, YTD, 亿元) are the real series the full-year methods are tested on. For each "
           "year with a published full-year value and each month with data, every method forecasts "
           "the full year **from data up to that month only** (pseudo-real time); interval "
           "calibration and the default's weights use only earlier years."),
    ("code", 'as_of: str = "2022-10"  # YYYY-MM: only releases up to this month are used\n'
             'data: str = ""  # a CSV in the national-release layout; empty = the shipped MOF file\n'
             'scope: str = "national"  # national, central or local\n'
             'lang: str = "zh"  # zh or en', "parameters"),
    ("code", "import matplotlib.pyplot as plt\n"
             "import pandas as pd\n\n"
             "from soe_analysis import backtest as bt\n"
             "from soe_analysis.display import record_key_figures, show_banner\n"
             "from soe_analysis.forecast import cut\n"
             "from soe_analysis.params import check_as_of\n"
             "from soe_analysis.plotting import set_style\n\n"
             "set_style()\n"
             "data_path, scope, lang = bt.check_backtest_params(data, scope, lang)\n"
             "period = check_as_of(as_of)  # as an analyst at that month: later releases unseen\n"
             "series = {m: cut(bt.load_release_csv(data_path, m, scope=scope), period.year, period.month)\n"
             "          for m in ('revenue_yi', 'profit_yi')}\n"
             "meta = series['revenue_yi'].meta\n"
             "show_banner(label=meta['dataset'], source=bt.source_note(meta))"),
    ("md", "## 数据可得性 / What exists\n\n`L` a published level, `g` only a published growth rate "
           "(usable by the same-period method only), `.` nothing found. Month 2 is the combined 1–2月 "
           "release; month 1 never exists. Gaps are real and are never filled in."),
    ("code", "bt.availability(series['profit_yi'])"),
    ("md", "## 方法 / The methods\n\n"
           "- **run-rate** `YTD_m × 12/m`: ignores seasonality (December is heavy for revenue).\n"
           "- **seasonal share** `YTD_m / mean share` of the same month in earlier years with both "
           "figures: needs the same month in earlier years, so in this sparse series it is often missing.\n"
           "- **same-period growth** `FY_{y−1} × YTD_{y,m} / YTD_{y−1,m}`, or with the published "
           "like-for-like YTD growth when last year's month is missing.\n"
           "- **state space**: a statsmodels local-level model, *across years*, of the remaining-months "
           "quantity at month m, `log(FY_k / YTD_{k,m})`. Years without month m are missing "
           "observations for the Kalman filter, so nothing is interpolated. Why this and not a "
           "monthly model: the national series has 4–9 of 12 months per year, so monthly increments "
           "are mostly unobserved; the ratio at a given month is observed in most years and drifts "
           "slowly, which is exactly what a local level describes (an adaptive seasonal share).\n"
           "- **recent growth** `YTD_{y,m} + (FY_{y−1} − YTD_{y−1,m}) × F_y / F_{y−1}`: last year's "
           "remaining months grown at the year-on-year growth of the latest (up to 3) months' flow `F` "
           "(like for like from the published growth where it exists). Same-period growth with the "
           "growth of the latest months instead of the whole YTD, so a shock early in the previous "
           "year (2020!) does not leak into the remaining months as a base effect.\n"
           "- **skill-weighted** (the default): a weighted mean of *seasonal share* and *recent growth*, "
           "weights ∝ 1/(mean squared scaled error) of each in earlier years (all months), shrunk "
           "towards equal weights by 5 pseudo-errors at their pooled error; where neither has a "
           "point (e.g. a month with only a published growth) it is same-period growth. Why these "
           "two: run-rate is biased by seasonality (−4% at month 10 for revenue); YTD same-period "
           "growth carries base effects (+10% to +18% for profit in 2021 after the 2020 slump); the "
           "state-space fit is unstable with ≤ 8 years per month and its own intervals cover far "
           "less than their nominal level (below); equal or skill weights over all methods, medians "
           "and picking the best past method were all tried and did worse. The choice was made on "
           "this data after comparing about ten such combinations (docs/forecast.md lists them), so "
           "the figures below flatter the default somewhat; every forecast itself is still made in "
           "pseudo-real time (weights from earlier years' errors only).\n\n"
           "Errors are scaled by `w_m = (12 − m)/12`, the share of the year still to come, so months "
           "can be pooled; intervals are `point × exp(± t_ν · σ · w_m)` with σ from earlier years' "
           "errors (the state-space model uses its Kalman variance). Negative or near-zero totals "
           "switch the share and growth methods to additive form (remaining months' amount)."),
    ("code", "records = {m: bt.run_backtest(s) for m, s in series.items()}\n"
             "summary = pd.concat({m: bt.summarise(r) for m, r in records.items()}, names=['metric'])\n"
             "summary.drop(columns='years').round(2)"),
    ("md", "## 各月准确度 / Accuracy by month\n\nMAPE of each method by forecast month (all years each "
           "method could forecast); `n` differs by method because each skips the years lacking its "
           "inputs, so these lines are not a fair ranking — the goal table below is."),
    ("code", "fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=False)\n"
             "for ax, (metric, record) in zip(axes, records.items()):\n"
             "    bt.plot_mape_by_month(record, ax=ax, title=metric, lang=lang)\n"
             "fig.tight_layout()"),
    ("md", "## 区间校准 / Calibration\n\nShare of outcomes inside the 80% and 95% intervals, pooled over "
           "months; a calibrated method sits on the dashed lines. The state-space bars are its own "
           "Kalman predictive intervals: they cover far less than nominal (the fitted variances are "
           "too small with so few years), one reason it is not part of the default. The other methods' "
           "intervals come from their earlier-year errors."),
    ("code", "pooled = pd.concat({m: bt.pooled(r) for m, r in records.items()}, names=['metric'])\n"
             "fig, ax = plt.subplots(figsize=(8, 3.6))\n"
             "bt.plot_coverage(pooled.reset_index(level=0), ax=ax, lang=lang)\n"
             "pooled.drop(columns='years', errors='ignore').round(2)"),
    ("md", "## 精度目标 / The accuracy goal\n\nGoal: at months 9–11 the default's MAPE no worse than the "
           "best of run-rate, seasonal share and same-period growth, and lower on average; pooled 80% "
           "intervals covering 70–90% of outcomes and 95% intervals 85–100%. To be fair, each month "
           "compares the four on the **same years** — those where every one of them has a forecast "
           "(`n`, `years`). With 3–7 years per month one year can swing a MAPE: read the differences "
           "as indicative. The figures are measured, met or not (`met`)."),
    ("code", "goals = {m: bt.accuracy_goal(r) for m, r in records.items()}\n"
             "bt.goal_table(goals).round(2)"),
    ("code", "pd.DataFrame({m: {k: g[k] for k in ('mean_default_mape_pct', 'mean_best_simple_mape_pct',\n"
             "                                     'each_month_met', 'mean_lower', 'pooled_coverage80_pct',\n"
             "                                     'pooled_coverage95_pct', 'state_space_coverage80_pct',\n"
             "                                     'state_space_coverage95_pct', 'met')}\n"
             "              for m, g in goals.items()})"),
    ("code", "record_key_figures({\n"
             "    'revenue_default_mape_m9_11_pct': goals['revenue_yi']['mean_default_mape_pct'],\n"
             "    'profit_default_mape_m9_11_pct': goals['profit_yi']['mean_default_mape_pct'],\n"
             "    'revenue_coverage80_pct': goals['revenue_yi']['pooled_coverage80_pct'],\n"
             "    'profit_coverage80_pct': goals['profit_yi']['pooled_coverage80_pct'],\n"
             "    'revenue_coverage95_pct': goals['revenue_yi']['pooled_coverage95_pct'],\n"
             "    'profit_coverage95_pct': goals['profit_yi']['pooled_coverage95_pct'],\n"
             "    'last_outcome_year': int(records['revenue_yi']['year'].max()),\n"
             "});"),
]

if __name__ == "__main__":
    out = out_dir_from_args()
    print(write_notebook(nb(NB04), "04_target_forecast.ipynb", "forecast", out))
    print(write_notebook(nb(NB05), "05_method_backtest.ipynb", "backtest", out))
