"""Forecast methods, target probabilities and notebook 04 (synthetic panels: values by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from soe_analysis import forecast as fc
from soe_analysis import targets as tg
from soe_analysis.errors import UsageError
from tests.synthpanel import forecast_panel

# revenue per month in year y: 15 × 1.1^(y−2019) × SEASON (A 10 + B 5); Σ SEASON[:10] = 9.2
SUM10 = 0.6 + 0.6 + 0.9 + 1.0 * 6 + 1.1  # = 9.2


@pytest.fixture(scope="module")
def panel():
    return forecast_panel("2023-06", missing=("2022-05",))


def test_flow_methods_by_hand(panel):
    s = fc.ytd_series_from_panel(panel, "revenue")
    seen = fc.cut(s, 2022, 10)
    ytd = 15 * 1.1**3 * SUM10  # 15 × 1.331 × 9.2 = 183.678
    assert seen.value(2022, 10) == pytest.approx(183.678)
    assert fc.run_rate(seen, 2022, 10, "ratio") == pytest.approx(ytd * 12 / 10)  # 220.4136
    # same seasonal shares every year → the share method hits FY 2022 = 15 × 1.331 × 12 = 239.58
    assert fc.seasonal_share(seen, 2022, 10, "ratio") == pytest.approx(239.58)
    assert fc.same_period(seen, 2022, 10, "ratio") == pytest.approx(239.58)
    f = fc.forecast_year(s, 2022, 10, n_sims=200, seed=1)
    assert f.point == pytest.approx(239.58, rel=1e-6)


def test_stock_december_level(panel):
    s = fc.stock_series_from_panel(panel, "total_assets")
    seen = fc.cut(s, 2022, 10)
    # Oct 2022 (t = 46): A 146 + B 73 = 219; Oct→Dec log growth 2020: 183→186, 2021: 201→204
    share = fc.seasonal_share(seen, 2022, 10, "additive")
    expected = 219 * np.exp((np.log(186 / 183) + np.log(204 / 201)) / 2)  # ≈ 222.43
    assert fc.december_level(seen, 2022, share) == pytest.approx(expected)
    sim = fc.simulate_full_year(s, (2022, 10), 2022, n_sims=200, seed=0)
    assert sim["current_level"] == pytest.approx(219)
    assert 219 < sim["point"] < 225  # true December level is 148 + 74 = 222


def test_ratio_simulated_jointly(panel):
    num = fc.ytd_series_from_panel(panel, "rnd_spending")
    den = fc.ytd_series_from_panel(panel, "revenue")
    sim = fc.simulate_ratio(num, den, (2023, 6), 2023, n_sims=200, seed=0)
    assert sim["point"] == pytest.approx(3.0)  # R&D is 3% of revenue every month
    assert sim["rho"] > 0.9  # identical relative errors: draws move together
    d = sim["draws"][np.isfinite(sim["draws"])]
    assert len(d) == 200 and np.ptp(d) < 0.05  # independent draws would spread the ratio widely


def test_negative_profit_switches_to_additive():
    panel = forecast_panel("2022-10", profit_2022=-1.0)  # −1 亿元 a year per enterprise in 2022
    s = fc.ytd_series_from_panel(panel, "total_profit")
    seen = fc.cut(s, 2022, 10)
    assert fc.arithmetic_mode(seen) == "additive"
    ytd = -2.0 * 10 / 12  # −1.6667
    # remaining Nov–Dec profit in 2019/20/21: 0.05 × 15 × 1.1^k × (1.2 + 1.6) = 2.1, 2.31, 2.541
    assert fc.seasonal_share(seen, 2022, 10, "additive") == pytest.approx(ytd + (2.1 + 2.31 + 2.541) / 3)
    assert fc.run_rate(seen, 2022, 10, "additive") == pytest.approx(-2.0)
    sim = fc.simulate_full_year(s, (2022, 10), 2022, n_sims=200, seed=0)
    assert np.isfinite(sim["point"]) and np.isfinite(sim["draws"]).all()


def test_missing_month_is_never_filled(panel):
    s = fc.ytd_series_from_panel(panel, "revenue")
    assert np.isnan(s.levels.at[2022, 5])
    assert (2022, 5) not in fc._origins(s)
    # 2023-05 uses 2019–2021 (2022 lacks May): FY 2023 = 15 × 1.1^4 × 12 = 263.538
    assert fc.seasonal_share(fc.cut(s, 2023, 5), 2023, 5, "ratio") == pytest.approx(263.538)


def test_as_of_february_with_combined_release():
    panel = forecast_panel("2023-02", combined_years=(2021, 2023))
    s = fc.ytd_series_from_panel(panel, "revenue")
    assert np.isnan(s.levels.at[2023, 1])  # the combined 1–2月 release: no January of its own
    seen = fc.cut(s, 2023, 2)
    assert fc.run_rate(seen, 2023, 2, "ratio") == pytest.approx(15 * 1.4641 * 1.2 * 6)  # 158.12
    assert fc.seasonal_share(seen, 2023, 2, "ratio") == pytest.approx(263.538)
    table, _ = tg.evaluate_targets(panel, "2023-02", n_sims=200, seed=0)
    assert set(table["origin"]) == {"2023-02"}


def test_reproducible_for_a_seed(panel):
    a, _ = tg.evaluate_targets(panel, "2023-06", n_sims=200, seed=3)
    b, _ = tg.evaluate_targets(panel, "2023-06", n_sims=200, seed=3)
    c, _ = tg.evaluate_targets(panel, "2023-06", n_sims=200, seed=4)
    cols = ["point", "lo80", "hi80", "lo95", "hi95", "p_reach"]
    assert a[cols].equals(b[cols])
    profit = lambda t: t.set_index("target").at["total_profit", "lo95"]  # noqa: E731
    assert profit(a) != profit(c)


def test_no_peeking_after_the_origin(panel):
    s = fc.ytd_series_from_panel(panel, "revenue")
    poisoned = fc.YtdSeries(s.levels.copy(), None, "flow")
    poisoned.levels.loc[2021, 11:] *= 1000  # later months of the year being forecast
    poisoned.levels.loc[2022:] *= 1000  # and every later year
    clean = fc.forecast_year(s, 2021, 10, n_sims=100, seed=0)
    dirty = fc.forecast_year(poisoned, 2021, 10, n_sims=100, seed=0)
    assert dirty.point == pytest.approx(clean.point)
    assert np.allclose(dirty.draws, clean.draws)


def test_target_rows_and_required_pace(panel):
    table, draws = tg.evaluate_targets(panel, "2023-06", n_sims=200, seed=0)
    rev = table.set_index("target").loc["revenue"]
    ytd = 15 * 1.4641 * (0.6 + 0.6 + 0.9 + 1 + 1 + 1)  # Jan–Jun 2023 = 112.004
    assert rev["ytd"] == pytest.approx(ytd)
    assert rev["required_monthly"] == pytest.approx((380 - ytd) / 6)
    assert rev["p_reach"] == 0.0 and rev["status"] == "off_track"  # forecast 263.5 ≪ 380
    assert set(table["target"]) == {"assets", "revenue", "total_profit", "investment", "rnd_growth",
                                    "rnd_intensity_manufacturers"}
    assert len(draws["revenue"]) == 200


def test_registry_and_implied_baselines():
    reg = tg.load_targets()
    assert len(reg) >= 15 and set(reg["kind"]) == {"level", "growth", "ratio", "count"}
    base = reg.set_index("target_id").apply(tg.implied_baseline, axis=1)
    assert base["revenue"] == pytest.approx(380 / 1.15)  # 330.43
    assert base["assets"] == pytest.approx(3800 / 1.11)  # 3423.42
    assert base["total_profit"] == pytest.approx(-7.0)  # 5 − 12


def test_bad_parameters():
    with pytest.raises(UsageError):
        tg.check_forecast_params("2021-10", 2023, 200, 0, "zh")
    with pytest.raises(UsageError):
        tg.check_forecast_params("2022-10", 2023, 5, 0, "zh")
    with pytest.raises(UsageError):
        tg.check_forecast_params("2022-10", 2023, 200, 0, "fr")


@pytest.mark.notebook
@pytest.mark.parametrize("as_of", ["2022-10", "2023-06"])
def test_notebook_04(shipped_run, as_of):
    params = {} if as_of == "2022-10" else {"as_of": as_of, "n_sims": 300}
    figures = shipped_run("04_target_forecast.ipynb", **params).figures
    assert figures["as_of"] == as_of
    # shipped data: Jan–Jun 2023 revenue is well on its way; the forecast is a plausible year
    assert 300 < figures["revenue_point_yi"] < 500
    assert 0 <= figures["total_profit_p_reach"] <= 1


def _table(rows: dict) -> "fc.pd.DataFrame":
    t = fc.empty_table(rows)
    for year, cells in rows.items():
        for month, value in cells.items():
            t.at[year, month] = value
    return t


def test_recent_growth_by_hand():
    # 2020: 10 a month (YTD 60, 90, 120); 2021: Jul–Sep flow 102 − 66 = 36 vs 90 − 60 = 30 in 2020
    levels = _table({2020: {6: 60, 9: 90, 12: 120}, 2021: {6: 66, 7: 78, 9: 102}})
    s = fc.YtdSeries(levels, None, "flow")
    # the earliest of months 6–8 with inputs is 6 (a quarter back; July is skipped since
    # 2020 lacks it): FY = 102 + (120 − 90) × 36/30 = 138
    assert fc.recent_growth(s, 2021, 9, "ratio") == pytest.approx(138.0)
    # with published like-for-like growth at both months, last year's flow comes from it:
    # 2020 Jan–Sep like for like = 102/1.2 = 85, Jan–Jun = 66/1.1 = 60 → flow 25;
    # FY = 102 + (120 − 90) × 36/25 = 145.2 (the remainder uses the published 2020 level)
    yoy = _table({2021: {6: 10.0, 9: 20.0}})
    s_yoy = fc.YtdSeries(levels, yoy.reindex(levels.index), "flow")
    assert fc.recent_growth(s_yoy, 2021, 9, "ratio") == pytest.approx(145.2)
    assert np.isnan(fc.recent_growth(s, 2021, 9, "additive"))  # no additive form
    assert np.isnan(fc.recent_growth(s, 2021, 6, "ratio"))  # 2021 has no month 3–5


def test_default_weights_by_hand():
    errors = {"seasonal_share": np.array([0.1, -0.1]), "recent_growth": np.array([0.2])}
    points = {"run_rate": 90.0, "seasonal_share": 100.0, "same_period": 104.0, "recent_growth": 110.0,
              "state_space": np.nan}
    w = fc._skill_weights(points, errors)
    # pooled MSE = (0.01 + 0.01 + 0.04)/3 = 0.02; shrunk with 5 pseudo-errors:
    # seasonal (0.02 + 5×0.02)/7 = 0.017143 → 1/· = 58.333; recent (0.04 + 0.1)/6 = 0.023333 → 42.857
    assert w["seasonal_share"] == pytest.approx(58.3333 / (58.3333 + 42.8571), rel=1e-5)  # 0.5765
    assert set(w) == {"seasonal_share", "recent_growth"}  # run-rate, same-period are not members
    no_record = fc._skill_weights(points, {"seasonal_share": np.array([]), "recent_growth": np.array([])})
    assert no_record == {"seasonal_share": 0.5, "recent_growth": 0.5}
    # an origin with only a published growth: same-period alone
    only = fc._skill_weights({"run_rate": np.nan, "seasonal_share": np.nan, "same_period": 7.0,
                              "recent_growth": np.nan}, errors)
    assert only == {"same_period": 1.0}


def test_no_peeking_on_the_national_releases():
    from soe_analysis import backtest as bt

    s = bt.load_release_csv(None, "revenue_yi")
    poisoned = fc.YtdSeries(s.levels.copy(), s.yoy.copy(), "flow")
    for table in (poisoned.levels, poisoned.yoy):
        table.loc[2019, 11:] *= 1000  # the months after the origin, levels and published growth
        table.loc[2020:] *= 1000  # and every later year
    clean = fc.forecast_year(s, 2019, 10, n_sims=50, seed=0)
    dirty = fc.forecast_year(poisoned, 2019, 10, n_sims=50, seed=0)
    assert clean.row["weights"] == dirty.row["weights"] and set(clean.row["weights"]) == {
        "seasonal_share", "recent_growth"}
    assert dirty.point == pytest.approx(clean.point) and np.allclose(dirty.draws, clean.draws)
