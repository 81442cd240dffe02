"""Risk bands: cut-points (at and around each), directions, forced worst bands, missing inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.synthpanel import make_panel

from soe_analysis import risk
from soe_analysis.errors import SoeError

THRESHOLDS = risk.load_thresholds()
EPS = 1e-6


def test_threshold_table_covers_every_ratio():
    assert sorted(THRESHOLDS.index) == sorted(risk.RATIO_NAMES)


@pytest.mark.parametrize("ratio", list(THRESHOLDS.index))
def test_bands_at_and_around_each_cut_point(ratio):
    spec = THRESHOLDS.loc[ratio]
    c1, c2, c3, c4 = spec[["cut1", "cut2", "cut3", "cut4"]]
    if spec["direction"] == "higher_better":
        # v >= c4 → 1; c3 <= v < c4 → 2; c2 <= v < c3 → 3; c1 <= v < c2 → 4; v < c1 → 5
        cases = [(c4 + 1000, 1), (c4, 1), (c4 - EPS, 2), (c3, 2), (c3 - EPS, 3), (c2, 3),
                 (c2 - EPS, 4), (c1, 4), (c1 - EPS, 5), (c1 - 1000, 5)]
    else:
        # v <= c1 → 1; c1 < v <= c2 → 2; c2 < v <= c3 → 3; c3 < v <= c4 → 4; v > c4 → 5
        cases = [(c1 - 1000, 1), (c1, 1), (c1 + EPS, 2), (c2, 2), (c2 + EPS, 3), (c3, 3),
                 (c3 + EPS, 4), (c4, 4), (c4 + EPS, 5), (c4 + 1000, 5)]
    values = [v for v, _ in cases]
    expected = [b for _, b in cases]
    got = risk.band(values, spec["direction"], [c1, c2, c3, c4])
    assert list(got) == expected


def test_band_ignores_binary_noise_on_a_cut_point():
    # 0.1 + 0.2 = 0.30000000000000004 sits "above" 0.3 in binary; it is 0.3 as printed
    assert risk.band([0.1 + 0.2], "lower_better", [0.3, 0.4, 0.5, 0.6])[0] == 1
    assert risk.band([0.1 + 0.2], "higher_better", [0.0, 0.1, 0.2, 0.3])[0] == 1


def test_band_of_missing_value_is_missing_and_direction_is_checked():
    assert math.isnan(risk.band([np.nan], "higher_better", [1, 2, 3, 4])[0])
    with pytest.raises(SoeError):
        risk.band([1.0], "sideways", [1, 2, 3, 4])


def test_bad_threshold_file_is_one_line_error(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("ratio,zh,en,unit,direction,cut1,cut2,cut3,cut4\nroa,a,b,%,higher_better,4,3,2,1\n",
                   encoding="utf-8")
    with pytest.raises(SoeError, match="row 2"):
        risk.load_thresholds(bad)


def _two_groups(**override_b):
    """June 2022 for two groups, with the prior December's equity (ROE's opening level)."""
    a = dict(enterprise="甲集团", period="2022-06", net_profit_ytd=1.0, total_profit_ytd=1.5, revenue_ytd=20.0,
             total_cost_ytd=19.0, interest_expense_ytd=1.0, depreciation_ytd=2.0, operating_cash_flow_ytd=3.0,
             total_assets=100.0, total_liabilities=60.0, equity=40.0, interest_bearing_debt=50.0)
    b = dict(enterprise="乙集团", period="2022-06", net_profit_ytd=-1.0, total_profit_ytd=-4.0, revenue_ytd=5.0,
             total_cost_ytd=9.0, interest_expense_ytd=0.5, depreciation_ytd=1.0, operating_cash_flow_ytd=-1.0,
             total_assets=50.0, total_liabilities=55.0, equity=-5.0, interest_bearing_debt=30.0)
    b.update(override_b)
    a_open = dict(enterprise="甲集团", period="2021-12", equity=36.0)
    b_open = dict(enterprise="乙集团", period="2021-12", equity=-3.0)
    return make_panel([a_open, b_open, a, b])


def _value(frame, enterprise, ratio, col="value"):
    return frame.set_index(["enterprise", "ratio"]).loc[(enterprise, ratio), col]


def test_ratio_formulas_by_hand():
    got = risk.assess(_two_groups(), "2022-06")
    # 甲集团, June (m = 6, annualise ×2):
    assert _value(got, "甲集团", "roa") == pytest.approx(2.0)            # 1×2/100×100
    assert _value(got, "甲集团", "roe") == pytest.approx(2 / 38 * 100)   # 1×2 / ((36+40)/2) ×100 = 5.263
    assert _value(got, "甲集团", "cost_recovery") == pytest.approx(20 / 19)
    assert _value(got, "甲集团", "debt_ratio") == pytest.approx(60.0)   # 60/100×100
    assert _value(got, "甲集团", "debt_equity") == pytest.approx(1.5)    # 60/40
    assert _value(got, "甲集团", "debt_ebitda") == pytest.approx(50 / 9)  # EBITDA = (1.5+1+2)×2 = 9
    assert _value(got, "甲集团", "interest_cover") == pytest.approx(2.5)  # (1.5+1)/1
    assert _value(got, "甲集团", "cash_interest_cover") == pytest.approx(3.0)  # CFO 3 / interest 1
    assert _value(got, "甲集团", "cfo_debt") == pytest.approx(12.0)      # 3×2/50×100
    # totals are ratios of summed inputs: debt/assets = (60+55)/(100+50) = 76.67%
    assert _value(got, "合计", "debt_ratio") == pytest.approx(115 / 150 * 100)
    # 甲's bands with the shipped thresholds: roa 2 at cut3=2 → 2; debt_ratio 60 at cut2=60 → 2;
    # debt_ebitda 5.56 in (5, 8] → 3; cash cover 3 in [2.5, 4) → 2 (the old (CFO + interest) / interest
    # gave 4 → band 1); roe 5.263 in [5, 8) → 2 (on year-end equity 40 it would be 5.0 → still 2)
    assert _value(got, "甲集团", "roa", "band") == 2
    assert _value(got, "甲集团", "debt_ratio", "band") == 2
    assert _value(got, "甲集团", "debt_ebitda", "band") == 3
    assert _value(got, "甲集团", "cash_interest_cover", "band") == 2
    assert _value(got, "甲集团", "roe", "band") == 2
    # 乙: CFO −1 / interest 0.5 = −2 → below cut1 = 1 → band 5
    assert _value(got, "乙集团", "cash_interest_cover") == pytest.approx(-2.0)
    assert _value(got, "乙集团", "cash_interest_cover", "band") == 5


def test_roe_is_the_indicator_roe():
    """The risk band and the 净资产收益率 indicator use one definition (metrics.roe)."""
    from soe_analysis import indicators

    panel = _two_groups()
    bands = risk.ratios(panel, "2022-06").set_index(["enterprise", "ratio"])["value"]
    shown = indicators.compute(panel, "2022-06", indicators=["roe"]).set_index("enterprise")["value"]
    assert bands[("甲集团", "roe")] == pytest.approx(shown["甲集团"]) == pytest.approx(2 / 38 * 100)
    # 合计: net profit (1 − 1) × 2 = 0 over average equity ((36 − 3) + (40 − 5)) / 2 = 34 → 0%
    assert bands[("合计", "roe")] == pytest.approx(shown["合计"]) == pytest.approx(0.0)


def test_roe_without_opening_equity_has_no_band_and_says_why():
    panel = _two_groups()
    panel = panel[panel["period"] != "2021-12"]
    got = risk.assess(panel, "2022-06")
    assert math.isnan(_value(got, "甲集团", "roe"))
    assert math.isnan(_value(got, "甲集团", "roe", "band"))
    assert "期初（2021-12）" in _value(got, "甲集团", "roe", "reason")
    # 乙's month-end equity is negative: still the worst band, with or without the opening level
    assert _value(got, "乙集团", "roe", "band") == 5


def test_negative_equity_and_ebitda_force_the_worst_band():
    got = risk.assess(_two_groups(), "2022-06")
    # 乙集团: equity −5, EBITDA = −4 + 0.5 + 1 = −2.5
    for ratio in ("roe", "debt_equity", "debt_ebitda"):
        assert _value(got, "乙集团", ratio, "band") == 5
        assert bool(_value(got, "乙集团", ratio, "forced_worst"))
        assert "强制第5档" in _value(got, "乙集团", ratio, "reason")
    assert not bool(_value(got, "甲集团", "roe", "forced_worst"))


def test_missing_inputs_are_excluded_from_the_score_never_zero():
    panel = _two_groups(interest_bearing_debt=np.nan, operating_cash_flow_ytd=np.nan)
    got = risk.assess(panel, "2022-06")
    # 乙: no debt → no debt_ebitda value but EBITDA ≤ 0 still forces band 5; no CFO → cash cover
    # and cfo_debt missing
    assert math.isnan(_value(got, "乙集团", "cfo_debt", "band"))
    assert math.isnan(_value(got, "乙集团", "cash_interest_cover", "band"))
    assert "缺失" in _value(got, "乙集团", "cfo_debt", "reason")
    s = risk.scores(got)
    # 乙's other 7 bands are all 5 → mean 5 over 7 bands (a 0 for the missing ones would give 35/9)
    assert s.loc["乙集团", "n_bands"] == 7
    assert s.loc["乙集团", "score"] == pytest.approx(5.0)
    # the total lacks debt and CFO too (one enterprise missing → total missing)
    assert math.isnan(_value(got, "合计", "cfo_debt"))


def test_zero_interest_gives_no_cover_band():
    got = risk.assess(_two_groups(interest_expense_ytd=0.0), "2022-06")
    assert math.isnan(_value(got, "乙集团", "interest_cover", "band"))
    assert "分母≤0" in _value(got, "乙集团", "interest_cover", "reason")


def test_score_change_from_a_year_before():
    rows = []
    for year, liabilities in ((2021, 45.0), (2022, 85.0)):
        rows.append(dict(enterprise="甲集团", period=f"{year}-06", total_assets=100.0,
                         total_liabilities=liabilities, equity=100.0 - liabilities))
    got = risk.score_change(make_panel(rows), "2022-06")
    # 2021: debt_ratio 45 → band 1, debt_equity 45/55 = 0.82 → 1 → score 1
    # 2022: debt_ratio 85 → 5, debt_equity 85/15 = 5.67 → 5 → score 5; change +4
    assert got.loc["甲集团", "score_prev"] == pytest.approx(1.0)
    assert got.loc["甲集团", "score"] == pytest.approx(5.0)
    assert got.loc["甲集团", "change"] == pytest.approx(4.0)


def test_matrix_and_plot():
    import matplotlib

    matplotlib.use("Agg")
    from soe_analysis.plots.style import set_style

    set_style()
    got = risk.assess(_two_groups(), "2022-06")
    table = risk.matrix(got, "en")
    assert list(table.index) == ["甲集团", "乙集团", "Total"]
    assert table.loc["乙集团", "Score"] == pytest.approx(5.0)
    from soe_analysis.plots.overview import plot_risk_matrix

    ax = plot_risk_matrix(got)
    assert ax.get_title().startswith("风险档位")
    assert len(ax.get_yticklabels()) == 3
    import matplotlib.pyplot as plt
    plt.close("all")


def test_check_params_contract(tmp_path):
    from soe_analysis.errors import UsageError

    params = risk.check_params(_two_groups(), as_of="2022-06", lang="en")
    assert (str(params.as_of), params.lang, params.thresholds) == ("2022-06", "en", "")
    with pytest.raises(UsageError, match="unknown parameter 'cuts'"):
        risk.check_params(as_of="2022-06", cuts=[1, 2, 3, 4])
    with pytest.raises(UsageError, match="lang must be one of zh, en"):
        risk.check_params(as_of="2022-06", lang="fr")
    with pytest.raises(UsageError, match="not found"):
        risk.check_params(as_of="2022-06", thresholds=str(tmp_path / "absent.csv"))
