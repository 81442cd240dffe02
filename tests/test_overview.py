"""KPI cards (escaped, NaN as —) and the group totals over time (NaN, never 0)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from tests.synthpanel import make_panel

from soe_analysis import overview
from soe_analysis.metrics import headline


def _panel():
    return make_panel([
        dict(enterprise="<b>甲</b>", period="2022-01", total_assets=np.nan, total_liabilities=np.nan,
             revenue_ytd=1.0, total_profit_ytd=-0.2),
        dict(enterprise="<b>甲</b>", period="2022-02", total_assets=100.0, total_liabilities=60.0, equity=40.0,
             revenue_ytd=2.5, total_profit_ytd=-0.3),
        dict(enterprise="乙", period="2022-02", total_assets=50.0, total_liabilities=20.0, equity=30.0,
             revenue_ytd=1.5, total_profit_ytd=0.1),
    ])


def test_kpi_cards_escape_names_and_show_missing_as_dash():
    html = overview.kpi_cards_html(headline(_panel(), "2022-02"))
    assert "&lt;b&gt;甲&lt;/b&gt;" in html and "<b>甲</b>" not in html
    assert "150.00" in html        # assets 100 + 50
    assert "1-2月营业收入" in html
    assert "nan" not in html.lower()
    cards = overview.kpi_cards(headline(_panel(), "2022-02"), "en")
    assert cards[0]["note"] == ""  # no year before: no YoY note, not "nan%"


def test_group_totals_missing_stock_is_nan_not_zero():
    totals = overview.group_totals(_panel(), "2022-02")
    assert math.isnan(totals.loc["2022-01", "total_assets"])   # January stocks not reported
    assert totals.loc["2022-02", "total_assets"] == pytest.approx(150.0)
    assert totals.loc["2022-02", "debt_ratio_pct"] == pytest.approx(80 / 150 * 100)
    by_year = overview.same_month_by_year(totals, 2)
    assert by_year.loc[2022, "revenue_ytd"] == pytest.approx(4.0)  # 2.5 + 1.5


def test_check_params_contract():
    from soe_analysis.errors import UsageError

    params = overview.check_params(_panel(), as_of="2022-02", lang="en")
    assert (str(params.as_of), params.lang, params.since) == ("2022-02", "en", 2019)
    with pytest.raises(UsageError, match="unknown parameter 'lnag'"):
        overview.check_params(as_of="2022-02", lnag="en")
    with pytest.raises(UsageError, match="since must be a year"):
        overview.check_params(as_of="2022-02", since=2023)  # after the as-of year
    with pytest.raises(UsageError, match="since must be a year"):
        overview.check_params(as_of="2022-02", since="2019")  # text, not a year
    with pytest.raises(UsageError, match="as_of must be a month"):
        overview.check_params(as_of="2022-13")


def test_charts_take_ax_and_return_it():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from soe_analysis.plots import overview as charts
    from soe_analysis.plots.style import set_style

    set_style()  # the CJK font: a chart that makes its figure lays it out, measuring its Chinese text
    totals = overview.group_totals(_panel(), "2022-02")
    fig, axes = plt.subplots(1, 2)
    assert charts.plot_balance_sheet(totals, ax=axes[0]) is axes[0]
    assert charts.plot_ytd_by_year(totals, 2, ax=axes[1], lang="en") is axes[1]
    assert axes[1].get_title() == "Revenue and total profit, Jan–Feb of each year"
    empty = charts.plot_growth_comparison(
        pd.DataFrame(columns=["year", "month", "period_label", "measure", "series", "scope", "yoy_pct", "dataset"]))
    assert empty.texts[0].get_text() == "无可比月份"  # a new Axes, saying why it is empty
    plt.close("all")
