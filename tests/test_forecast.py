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
    levels = s.levels.copy()
    levels.loc[2021, 11:] *= 1000  # later months of the year being forecast
    levels.loc[2022:] *= 1000  # and every later year
    poisoned = fc.YtdSeries(levels, None, "flow")
    clean = fc.forecast_year(s, 2021, 10, n_sims=100, seed=0)
    dirty = fc.forecast_year(poisoned, 2021, 10, n_sims=100, seed=0)
    assert dirty.point == pytest.approx(clean.point)
    assert np.allclose(dirty.draws, clean.draws, equal_nan=True)


def test_target_rows_and_required_pace(panel):
    table, draws = tg.evaluate_targets(panel, "2023-06", n_sims=200, seed=0)
    rev = table.set_index("target").loc["revenue"]
    ytd = 15 * 1.4641 * (0.6 + 0.6 + 0.9 + 1 + 1 + 1)  # Jan–Jun 2023 = 112.004
    assert rev["ytd"] == pytest.approx(ytd)
    assert rev["required_monthly"] == pytest.approx((380 - ytd) / 6)
    assert rev["p_reach"] == 0.0 and rev["status"] == "off_track"  # forecast 263.5 ≪ 380
    assert set(table["target"]) == {"assets", "revenue", "total_profit", "investment", "rnd_growth"}
    assert set(table["horizon"]) == {"current"} and rev["pace_unit"] == "亿元/月"
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
        tg.check_params(as_of="2021-10", target_year=2023)
    with pytest.raises(UsageError):
        tg.check_params(as_of="2022-10", n_sims=5)
    with pytest.raises(UsageError):
        tg.check_params(as_of="2022-10", lang="fr")
    with pytest.raises(UsageError, match="'nsims'"):
        tg.check_params(as_of="2022-10", nsims=200)  # a typo is named, not ignored
    p = tg.check_params(as_of="2022-10", n_sims="300")
    assert p.n_sims == 300 and p.horizon == "next"
    with pytest.raises(AttributeError):
        p.n_sims = 5  # frozen


def test_untrackable_targets_have_reasons():
    reg = tg.load_targets()
    out = tg.untrackable(reg).set_index("target")
    assert "rnd_intensity_manufacturers" in out.index  # key manufacturers are not identified
    assert "重点制造业企业" in out.at["rnd_intensity_manufacturers", "reason"]
    assert (out["reason"].str.len() > 0).all()
    assert not reg.set_index("target_id").at["rnd_intensity_manufacturers", "trackable"]


@pytest.mark.notebook
@pytest.mark.parametrize("as_of", ["2022-10", "2023-06"])
def test_notebook_04(shipped_run, as_of):
    params = {} if as_of == "2022-10" else {"as_of": as_of, "n_sims": 300}
    figures = shipped_run("04_target_forecast.ipynb", **params).figures
    assert figures["as_of"] == as_of
    # shipped data: 2022 revenue was 332.7; a plausible 2023 lies well within 300–500
    assert 300 < figures["revenue_point_yi"] < 500
    # P(reach) itself is checked by hand in test_p_reach_is_the_share_of_draws_at_the_target
    assert figures["horizon"] == ("next" if as_of == "2022-10" else "current")
    assert 0 <= figures["revenue_coverage80_pct"] <= 100


def _table(rows: dict) -> "fc.pd.DataFrame":
    t = fc.empty_table(rows)
    for year, cells in rows.items():
        for month, value in cells.items():
            t.at[year, month] = value
    return t


def test_an_assigned_level_is_seen():
    # value() reads a numpy copy of the table: a table assigned in its place must be read anew
    levels = _table({2020: {6: 60, 12: 120}, 2021: {6: 66}})
    s = fc.YtdSeries(levels, None, "flow")
    assert s.value(2021, 6) == 66.0 and np.isnan(s.value(2021, 12)) and np.isnan(s.value(2019, 6))
    assert fc.seasonal_share(s, 2021, 6, "ratio") == pytest.approx(132.0)  # 66 / (60/120)
    changed = levels.copy()
    changed.loc[2021, 6] = 75.0
    changed.loc[2020, 12] = 150.0
    s.levels = changed
    assert s.value(2021, 6) == 75.0 and s.value(2020, 12) == 150.0 and s.full_year(2020) == 150.0
    assert fc.seasonal_share(s, 2021, 6, "ratio") == pytest.approx(187.5)  # 75 / (60/150)
    # a series cut at an origin reads its own table, not the original's
    seen = fc.cut(s, 2020, 6)
    assert np.isnan(seen.value(2020, 12)) and s.value(2020, 12) == 150.0
    # published growth likewise: none, then an assigned table, read through the same cache
    assert np.isnan(s.published_growth(2021, 6))
    assert fc.same_period(s, 2021, 6, "ratio") == pytest.approx(187.5)  # 150 × 75/60 (levels first)
    s.yoy = _table({2021: {6: 10.0}}).reindex(changed.index)
    assert s.published_growth(2021, 6) == 10.0 and np.isnan(s.published_growth(2020, 6))
    # a shallow copy given a new table does not disturb the original's values
    import copy

    other = copy.copy(s)
    other.levels = levels
    assert other.value(2021, 6) == 66.0 and s.value(2021, 6) == 75.0


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
    levels, yoy = s.levels.copy(), s.yoy.copy()
    for table in (levels, yoy):
        table.loc[2019, 11:] *= 1000  # the months after the origin, levels and published growth
        table.loc[2020:] *= 1000  # and every later year
    poisoned = fc.YtdSeries(levels, yoy, "flow")
    clean = fc.forecast_year(s, 2019, 10, n_sims=50, seed=0)
    dirty = fc.forecast_year(poisoned, 2019, 10, n_sims=50, seed=0)
    assert clean.row["weights"] == dirty.row["weights"] and set(clean.row["weights"]) == {
        "seasonal_share", "recent_growth"}
    assert dirty.point == pytest.approx(clean.point) and np.allclose(dirty.draws, clean.draws)


def test_p_reach_is_the_share_of_draws_at_the_target():
    draws = np.arange(1.0, 11.0)  # 1 … 10
    # ≥ 7.5: 8, 9, 10 → 3 of 10; ≤ 7.5: 1 … 7 → 7 of 10; a draw on the target counts as reached
    assert fc.summarise_draws(draws, 5.5, 7.5)["p_reach"] == pytest.approx(0.3)
    assert fc.summarise_draws(draws, 5.5, 7.5, direction="<=")["p_reach"] == pytest.approx(0.7)
    assert fc.summarise_draws(draws, 5.5, 10.0)["p_reach"] == pytest.approx(0.1)
    # NaN draws (a ratio with a non-positive denominator) are left out: 1 of the 2 finite draws
    assert fc.summarise_draws(np.array([1.0, np.nan, 3.0]), 2.0, 2.0)["p_reach"] == pytest.approx(0.5)
    assert np.isnan(fc.summarise_draws(np.array([np.nan]), 2.0, 2.0)["p_reach"])
    assert np.isnan(fc.summarise_draws(draws, 5.5, None)["p_reach"])  # no target, no probability
def _year_ahead_hits(seeds: int, method: str, record) -> dict[int, list[bool]]:
    """Known growth 5% ± 3% a year (log), June at 45% of the year, 2000–2021, one series per seed:
    whether ``method``'s growth intervals from December origins (``record(series, with_base=False)``
    rows) held the realised growth, at 80% and 95% (t quantiles from scipy's stdtrit, what
    scipy.stats.t.ppf computes, not our own table)."""
    from scipy.special import stdtrit

    hits = {80: [], 95: []}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        years = list(range(2000, 2022))
        fy = 100 * np.exp(np.cumsum(0.05 + 0.03 * rng.standard_normal(len(years))))
        levels = fc.empty_table(years)
        levels[6], levels[12] = fy * 0.45, fy
        rec = record(fc.YtdSeries(levels, None, "flow"), with_base=False)
        rows = rec[(rec["method"] == method) & (rec["month"] == 12) & np.isfinite(rec["sigma_g"])
                   & np.isfinite(rec["realised"])]
        miss = np.abs(rows["realised"].to_numpy() - rows["growth"].to_numpy())
        for level, hit in hits.items():  # one scipy call per level and series, not per row
            half_width = stdtrit(rows["df_g"].to_numpy(), 0.5 + level / 200) * rows["sigma_g"].to_numpy()
            hit.extend((miss <= half_width).tolist())
    return hits


def test_year_ahead_intervals_cover_at_the_nominal_rate():
    """Known growth 5% ± 3% a year (log), fixed monthly shares: the growth intervals of
    ``mean_growth`` from December origins cover the realised growth about 80% / 95% of the time."""
    from soe_analysis import forecast_nextyear as nx

    hits = _year_ahead_hits(40, "mean_growth", nx.next_year_record)
    n = len(hits[80])
    assert n > 500
    assert 0.74 <= np.mean(hits[80]) <= 0.86  # nominal 0.80 (binomial s.e. ≈ 0.017, plus years' overlap)
    assert 0.91 <= np.mean(hits[95]) <= 0.98


def test_next_year_record_never_reads_after_the_origin():
    from soe_analysis import backtest as bt
    from soe_analysis import forecast_nextyear as nx

    s = bt.load_release_csv(None, "revenue_yi")
    full = nx.next_year_record(s)
    cut = nx.next_year_record(fc.cut(s, 2018, 10), until=(2018, 10))
    cols = ["growth", "point", "base_point", "base_scale", "sigma_g", "n_cal"]
    a = full[(full["year"] == 2019) & (full["month"] == 10)].set_index("method")[cols]
    b = cut[(cut["year"] == 2019) & (cut["month"] == 10)].set_index("method")[cols]
    assert len(a) == 6 and np.allclose(a.to_numpy(float), b.reindex(a.index).to_numpy(float), equal_nan=True)
    # the 2019 outcome exists only in the full data
    assert np.isfinite(full[full["year"] == 2019]["actual"]).all()
    assert cut[cut["year"] == 2019]["actual"].isna().all()


def test_nested_selection_uses_no_evaluated_year():
    import pandas as pd

    from soe_analysis.forecast_select import add_nested

    # method a is better up to 2017, b from 2018 on; the choice for 2018 must still be a
    rows = [{"year": y, "month": 10, "method": m, "point": 1.0, "actual": 1.0,
             "error": (0.1 if m == "a" else 0.3) if y < 2018 else (0.9 if m == "a" else 0.0)}
            for y in range(2014, 2021) for m in ("a", "b")]
    out = add_nested(pd.DataFrame(rows), ("a", "b"), "a", "current")
    chosen = out[out["method"] == "nested"].set_index("year")["chosen"]
    assert chosen[2018] == "a"  # judged on 2014–2017 only (not on 2018's own errors)
    # for 2019, 2014–2018 count: a (4 × 0.01 + 0.81)/5 = 0.17, b (4 × 0.09 + 0)/5 = 0.072
    assert chosen[2019] == "b"


def test_forecast_cli_next_year_rows(tmp_path, capsys):
    import json

    from soe_analysis.cli import main

    panel = forecast_panel("2022-10")
    path = tmp_path / "panel.parquet"
    panel.to_parquet(path)
    assert main(["forecast", "--as-of", "2022-10", "--panel", str(path), "--n-sims", "300", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["horizon"] == "next"
    rev = {r["target"]: r for r in data["targets"]}["revenue"]
    assert rev["horizon"] == "next" and rev["method"] and 0 <= rev["coverage80_pct"] <= 100
    assert rev["lo95"] < rev["lo80"] < rev["point"] < rev["hi80"] < rev["hi95"]
    # the coverage beside it is the national backtest's at this horizon and origin month (10),
    # recounted here from the backtest rows (revenue and profit pooled)
    from soe_analysis import backtest as bt
    from soe_analysis import backtest_scores as sc

    recs = {m: bt.run_backtest(bt.load_release_csv(None, m), horizon="next") for m in ("revenue_yi", "profit_yi")}
    at10 = sc.coverage_by_month(recs).set_index("month").loc[10]
    assert rev["coverage80_pct"] == pytest.approx(round(at10["coverage80_pct"], 1))
    assert rev["coverage_n"] == at10["n_interval"] > 0
    reasons = {t["target"]: t["reason"] for t in data["not_trackable"]}
    assert "重点制造业企业" in reasons["rnd_intensity_manufacturers"]
    assert main(["forecast", "--as-of", "2021-10", "--panel", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_nested_intervals_use_the_nested_rules_own_errors():
    """The winner's curse: the chosen candidate's own past errors are the smallest by
    construction, so the nested default is scaled by the errors the nested rule itself made."""
    import pandas as pd

    from soe_analysis import forecast_nextyear as nx

    # December origins; growth_continues is better up to 2012, then much worse
    rows = [{"year": y, "month": 12, "method": m, "error": 0.1 if m == "no_change" else
             (0.05 if y <= 2012 else 0.3)} for y in range(2010, 2017)
            for m in ("no_change", "growth_continues")]
    out = nx.with_nested(pd.DataFrame(rows)).set_index(["year", "method"])
    # choices from target years ≤ Y − 2 (at least 2): 2013, 2014 growth_continues, 2015 and
    # 2016 no_change (2015: gc (3 × 0.05² + 0.3²)/4 = 0.0244 > 0.01)
    assert list(out.xs("nested", level="method")["chosen"]) == [
        "growth_continues", "growth_continues", "no_change", "no_change"]
    # 2016 from December 2015: the nested rule's errors of 2013–2015 are 0.3, 0.3, 0.1
    expected = np.sqrt((0.09 + 0.09 + 0.01) / 3 * (1 + 1 / 3))
    assert out.at[(2016, "nested"), "sigma_g"] == pytest.approx(expected)  # 0.2906
    assert out.at[(2016, "nested"), "df_g"] == 2
    # the chosen candidate's own record (2010–2015, all 0.1) would have said 0.108
    assert out.at[(2016, "no_change"), "sigma_g"] == pytest.approx(np.sqrt(0.01 * (1 + 1 / 6)))


def test_nested_year_ahead_intervals_are_not_narrower_than_nominal():
    """Known growth 5% ± 3% a year (log): the nested default's growth intervals, scaled by the
    nested rule's own past errors, cover at least the nominal rate. They carry the errors of
    its first years (the fallback, a choice made on 2–3 years), so in a stationary series they
    are conservative (about 91% / 99% over 40 seeds), never narrow."""
    from soe_analysis import forecast_nextyear as nx

    hits = _year_ahead_hits(20, "nested", lambda s, **kw: nx.with_nested(nx.next_year_record(s, **kw)))
    assert len(hits[80]) > 250
    assert 0.78 <= np.mean(hits[80]) <= 0.97  # nominal 0.80, conservative by design
    assert np.mean(hits[95]) >= 0.93


def test_t_quantiles_are_scipy_stats_own():
    from scipy import stats

    from soe_analysis.forecast_quantiles import MAX_TABLE_DF, tabled_quantile
    from soe_analysis.forecast_record import LEVELS, t_quantile

    # every tabled entry (df 1..30 and ∞, at the levels' own p) and some scipy is asked for
    probabilities = [0.5 + level / 2 for level in LEVELS]
    assert probabilities == [0.9, 0.975] and tabled_quantile(0.9, 3.0) is not None
    for p in probabilities:
        for df in (*range(1, MAX_TABLE_DF + 1), 31.0, 2.5):
            assert t_quantile(p, float(df)) == stats.t.ppf(p, df)  # the same numbers, not approximations
        assert t_quantile(p, float("inf")) == stats.norm.ppf(p)
    assert tabled_quantile(0.9, 31.0) is None and tabled_quantile(0.9, 2.5) is None
    assert t_quantile(0.7, 4.0) == stats.t.ppf(0.7, 4.0)  # a level outside the table


def test_state_space_rows_only_when_asked_and_the_rest_unchanged(panel):
    from soe_analysis import forecast_record as fr

    s = fc.ytd_series_from_panel(panel, "revenue")
    fr._CACHE.clear()  # both tables computed here, neither taken from the other
    lean = fr.pseudo_real_time(s, state_space=False)
    full = fr.pseudo_real_time(s)
    assert "state_space" in set(full["method"]) and "state_space" not in set(lean["method"])
    # every other row as with the model: no method's calibration reads the model's rows
    others = full[full["method"] != "state_space"].reset_index(drop=True)
    fc.pd.testing.assert_frame_equal(lean, others, check_exact=True)
    fr._CACHE.clear()
    fr.pseudo_real_time(s)
    fc.pd.testing.assert_frame_equal(fr.pseudo_real_time(s, state_space=False), others, check_exact=True)


def test_scaled_errors_row_by_row_in_each_rows_mode():
    from soe_analysis.forecast_methods import scaled_error, scaled_errors

    # ratio at month 6: log(110/100) / (6/12); additive at month 9: (5 − 8) / (3/12) = −12;
    # a ratio row with a negative outcome has no log error (NaN), an additive one has
    err = scaled_errors([110.0, 5.0, -1.0, -1.0], [100.0, 8.0, 2.0, 2.0], [6, 9, 3, 3],
                        ["ratio", "additive", "ratio", "additive"])
    assert err[0] == pytest.approx(np.log(1.1) * 2) and err[1] == pytest.approx(-12.0)
    assert np.isnan(err[2]) and err[3] == pytest.approx(-4.0)  # (−1 − 2) / (9/12)
    with np.errstate(invalid="ignore"):
        one_by_one = [float(scaled_error(a, p, m, mode)) for a, p, m, mode in
                      zip([110.0, 5.0], [100.0, 8.0], [6, 9], ["ratio", "additive"])]
    assert err[:2].tolist() == one_by_one


def test_a_cut_series_reads_what_its_tables_hold():
    from soe_analysis import backtest as bt

    s = bt.load_release_csv(None, "revenue_yi")
    seen = fc.cut(s, 2019, 6)  # comes with its numpy copies made by cut, not rebuilt from the frames
    fresh = fc.YtdSeries(seen.levels.copy(), seen.yoy.copy(), "flow")
    assert list(seen.levels.index) == list(range(2013, 2020))
    for year in range(2012, 2022):
        for month in range(1, 13):
            for a, b in ((seen.value(year, month), fresh.value(year, month)),
                         (seen.published_growth(year, month), fresh.published_growth(year, month))):
                assert a == b or (np.isnan(a) and np.isnan(b))
    assert np.isnan(seen.value(2019, 7)) and seen.value(2019, 6) == s.value(2019, 6)
    assert np.isnan(seen.published_growth(2019, 9)) and not np.isnan(s.published_growth(2019, 9))
    assert np.isnan(seen.value(2020, 6)) and not np.isnan(s.value(2020, 6))
