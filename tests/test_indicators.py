"""Indicator sets by year and their formulas, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from tests.synthpanel import make_panel

from soe_analysis import indicators


def _panel(**override_b):
    """Two groups: October 2022 with the prior December, and October 2021 for YoY."""
    rows = [
        dict(enterprise="甲集团", period="2021-10", total_assets=90.0, total_liabilities=54.0, equity=36.0,
             revenue_ytd=15.0, total_profit_ytd=1.0, net_profit_ytd=0.8),
        dict(enterprise="乙集团", period="2021-10", total_assets=45.0, total_liabilities=36.0, equity=9.0,
             revenue_ytd=9.0, total_profit_ytd=1.0, net_profit_ytd=0.7),
        dict(enterprise="甲集团", period="2021-12", total_assets=95.0, total_liabilities=57.0, equity=38.0,
             employees=1000.0),
        dict(enterprise="乙集团", period="2021-12", total_assets=48.0, total_liabilities=38.0, equity=10.0,
             employees=600.0),
        dict(enterprise="甲集团", period="2022-10", total_assets=100.0, total_liabilities=60.0, equity=40.0,
             employees=1200.0, revenue_ytd=20.0, total_profit_ytd=2.0, net_profit_ytd=1.5, rnd_spending_ytd=0.5,
             staff_cost_ytd=1.0, depreciation_ytd=1.0, taxes_surcharges_ytd=0.1, operating_cash_flow_ytd=3.0),
        dict(enterprise="乙集团", period="2022-10", total_assets=50.0, total_liabilities=40.0, equity=10.0,
             employees=600.0, revenue_ytd=8.0, total_profit_ytd=-3.0, net_profit_ytd=-3.2, rnd_spending_ytd=0.2,
             staff_cost_ytd=0.8, depreciation_ytd=0.5, taxes_surcharges_ytd=0.05, operating_cash_flow_ytd=-1.0),
    ]
    rows[-1].update(override_b)
    return make_panel(rows)


def _get(table, enterprise, key, col="value"):
    return table.set_index(["enterprise", "indicator"]).loc[(enterprise, key), col]


def test_sets_by_year():
    assert indicators.indicator_set(2022)["name"] == "两利四率"
    assert indicators.indicator_set(2021)["indicators"] == [
        "net_profit", "total_profit", "debt_ratio", "revenue_profit_margin", "rnd_intensity", "labour_productivity"]
    one = indicators.indicator_set(2024)
    assert one["name"] == "一利五率" and "operating_cash_ratio" in one["indicators"] and "roe" in one["indicators"]
    v2025 = indicators.indicator_set(2025)["indicators"]
    assert "cash_collection_ratio" in v2025 and "operating_cash_ratio" not in v2025
    early = indicators.indicator_set(2019)
    assert early["name"] == "两利四率" and "回溯" in early["note"]
    assert indicators.indicator_set(2023)["note"] == ""


def test_dictionary_states_formula_unit_and_annualisation():
    d = indicators.dictionary(2023).set_index("indicator")
    assert d.loc["roe", "annualised"] and d.loc["roe", "denominator_basis"] == "average"
    assert not d.loc["debt_ratio", "annualised"] and d.loc["debt_ratio", "unit"] == "%"
    assert d.loc["labour_productivity", "unit"] == "万元/人"
    assert "利润总额" in d.loc["labour_productivity", "note"]  # the 营业盈余 proxy is stated


def test_two_profits_four_ratios_by_hand():
    t = indicators.compute(_panel(), "2022-10")
    assert _get(t, "甲集团", "net_profit") == pytest.approx(1.5)
    assert _get(t, "合计", "total_profit") == pytest.approx(-1.0)              # 2 − 3
    assert _get(t, "甲集团", "debt_ratio") == pytest.approx(60.0)              # 60/100
    assert _get(t, "合计", "debt_ratio") == pytest.approx(100 / 150 * 100)     # (60+40)/(100+50)
    assert _get(t, "乙集团", "revenue_profit_margin") == pytest.approx(-37.5)  # −3/8
    assert _get(t, "合计", "rnd_intensity") == pytest.approx(0.7 / 28 * 100)   # (0.5+0.2)/(20+8)
    # labour productivity, 甲: VA = 1 + 1 + 0.1 + 2 = 4.1 亿元, ×12/10 = 4.92; average employees
    # (1000 + 1200)/2 = 1100; 4.92 亿元 = 49200 万元 → 49200/1100 = 44.727 万元/人
    assert _get(t, "甲集团", "labour_productivity") == pytest.approx(49200 / 1100)
    assert _get(t, "甲集团", "labour_productivity", "denominator") == pytest.approx(1100)
    # total: VA = 4.1 + (0.8 + 0.5 + 0.05 − 3) = 2.45, ×1.2 = 2.94 → 29400 万元 / ((1600+1800)/2 = 1700)
    assert _get(t, "合计", "labour_productivity") == pytest.approx(29400 / 1700)


def test_one_profit_five_ratios_by_hand():
    t = indicators.compute(_panel(), "2022-10", indicators=["roe", "operating_cash_ratio"])
    # ROE 甲: 1.5 × 12/10 = 1.8 over average equity (38 + 40)/2 = 39 → 4.615%
    assert _get(t, "甲集团", "roe") == pytest.approx(1.8 / 39 * 100)
    # total: (1.5 − 3.2) × 1.2 = −2.04 over ((38+10) + (40+10))/2 = 49 → −4.163%
    assert _get(t, "合计", "roe") == pytest.approx(-2.04 / 49 * 100)
    assert _get(t, "乙集团", "operating_cash_ratio") == pytest.approx(-12.5)   # −1/8


def test_cash_collection_ratio_is_nan_with_reason_never_zero():
    t = indicators.compute(_panel(), "2022-10", indicators=["cash_collection_ratio"])
    assert t["value"].isna().all()
    assert t["reason"].str.contains("销售商品、提供劳务收到的现金").all()


def test_missing_opening_level_gives_nan_with_reason():
    panel = _panel()
    panel = panel[panel["period"] != "2021-12"]
    t = indicators.compute(panel, "2022-10", indicators=["roe", "debt_ratio"])
    assert math.isnan(_get(t, "甲集团", "roe"))
    assert "期初（2021-12）" in _get(t, "甲集团", "roe", "reason")
    assert _get(t, "甲集团", "debt_ratio") == pytest.approx(60.0)  # end-basis indicators unaffected


def test_one_missing_enterprise_input_makes_the_total_missing():
    t = indicators.compute(_panel(rnd_spending_ytd=np.nan), "2022-10", indicators=["rnd_intensity"])
    assert _get(t, "甲集团", "rnd_intensity") == pytest.approx(2.5)     # 0.5/20
    assert math.isnan(_get(t, "乙集团", "rnd_intensity"))
    assert math.isnan(_get(t, "合计", "rnd_intensity"))
    assert "乙集团" in _get(t, "合计", "rnd_intensity", "reason")


def test_non_positive_denominator_gives_nan():
    t = indicators.compute(_panel(revenue_ytd=0.0), "2022-10", indicators=["revenue_profit_margin"])
    assert math.isnan(_get(t, "乙集团", "revenue_profit_margin"))
    assert "分母≤0" in _get(t, "乙集团", "revenue_profit_margin", "reason")


def test_yoy_change():
    t = indicators.with_yoy(_panel(), "2022-10", indicators=["debt_ratio", "total_profit"])
    # debt ratio 甲: 60% now, 54/90 = 60% a year before → change 0 pp; 乙: 80% vs 80% → 0
    assert _get(t, "甲集团", "debt_ratio", "change") == pytest.approx(0.0)
    # total profit 甲: 2 vs 1 → +1 亿元, +100%; 乙: −3 vs 1 → −4, growth undefined across a loss
    assert _get(t, "甲集团", "total_profit", "change") == pytest.approx(1.0)
    assert _get(t, "甲集团", "total_profit", "yoy_pct") == pytest.approx(100.0)
    assert math.isnan(_get(t, "乙集团", "total_profit", "yoy_pct"))
    wide = indicators.wide(t)
    assert list(wide.index) == ["甲集团", "乙集团", "合计"]


def test_no_year_before_gives_nan_change():
    panel = _panel()
    t = indicators.with_yoy(panel[panel["year"] == 2022], "2022-10", indicators=["debt_ratio"])
    assert t["prev_value"].isna().all() and t["change"].isna().all()


def _scope_change_panel(profit_prior_jia=1.2):
    """甲 absorbed a subsidiary in 2022: its 2022-10 report prints 上年同期 revenue 20 and total
    profit 1.2 (its own 2021-10 report said 15 and 1.0); 丙 joined in 2022 with no 2021 row and
    prints 上年同期 revenue 4, profit 0.5; 乙 prints no 上年同期. 甲 also prints 上年同期 net profit
    0.9 and equity 37 (own: 0.8 and 36), and its 2020-12 equity 34 opens ROE's year before."""
    newcomer = make_panel([dict(enterprise="丙集团", period="2022-10", total_assets=10.0, total_liabilities=5.0,
                                equity=5.0, revenue_ytd=5.0, total_profit_ytd=0.6, net_profit_ytd=0.5),
                           dict(enterprise="甲集团", period="2020-12", equity=34.0)])
    panel = pd.concat([_panel(), newcomer], ignore_index=True)
    now = panel["period"] == "2022-10"
    panel["revenue_ytd_prior_reported"] = panel["enterprise"].map({"甲集团": 20.0, "丙集团": 4.0}).where(now)
    panel["total_profit_ytd_prior_reported"] = panel["enterprise"].map(
        {"甲集团": profit_prior_jia, "丙集团": 0.5}).where(now)
    panel["net_profit_ytd_prior_reported"] = panel["enterprise"].map({"甲集团": 0.9}).where(now)
    panel["equity_prior_reported"] = panel["enterprise"].map({"甲集团": 37.0}).where(now)
    return panel


def test_yoy_uses_the_reported_prior_year_across_a_scope_change():
    t = indicators.with_yoy(_scope_change_panel(), "2022-10",
                            indicators=["total_profit", "revenue_profit_margin", "debt_ratio", "roe", "net_profit"])
    # total profit: 甲 2.0 against the reported 1.2 (not its own 1.0) → +0.8 亿元, +66.67 %
    assert _get(t, "甲集团", "total_profit", "prev_value") == pytest.approx(1.2)
    assert _get(t, "甲集团", "total_profit", "change") == pytest.approx(0.8)
    assert _get(t, "甲集团", "total_profit", "yoy_pct") == pytest.approx((2.0 / 1.2 - 1) * 100)
    assert _get(t, "甲集团", "total_profit", "yoy_basis") == "reported_prior_year"
    assert _get(t, "乙集团", "total_profit", "prev_value") == pytest.approx(1.0)   # own 2021-10
    assert _get(t, "乙集团", "total_profit", "yoy_basis") == "panel_prior_year"
    assert _get(t, "丙集团", "total_profit", "prev_value") == pytest.approx(0.5)   # no 2021 row, reported
    # 合计 over this year's three groups: −0.4 now against 1.2 + 1.0 + 0.5 = 2.7 (own reports: 2.0)
    assert _get(t, "合计", "total_profit", "prev_value") == pytest.approx(2.7)
    assert _get(t, "合计", "total_profit", "change") == pytest.approx(-3.1)
    assert _get(t, "合计", "total_profit", "yoy_basis") == "mixed"
    # a ratio whose inputs were both reported uses both: 甲 1.2/20 = 6.00 % (own: 1/15 = 6.67 %)
    assert _get(t, "甲集团", "revenue_profit_margin", "prev_value") == pytest.approx(6.0)
    assert _get(t, "合计", "revenue_profit_margin", "prev_value") == pytest.approx(2.7 / 33 * 100)
    # stocks with no reported prior and average-denominator ROE stay on last year's own figures
    assert _get(t, "甲集团", "debt_ratio", "yoy_basis") == "panel_prior_year"
    assert _get(t, "甲集团", "debt_ratio", "prev_value") == pytest.approx(60.0)    # 54/90
    assert pd.isna(_get(t, "丙集团", "debt_ratio", "yoy_basis"))                    # nothing to compare with
    assert _get(t, "甲集团", "net_profit", "prev_value") == pytest.approx(0.9)
    # ROE's average equity needs the opening a year before, which no report restates: own figures,
    # 0.8 × 12/10 over (34 + 36)/2 = 2.743 % (the reported 0.9 and 37 would give 1.08/35.5 = 3.042 %)
    assert _get(t, "甲集团", "roe", "prev_value") == pytest.approx(0.96 / 35 * 100)
    assert _get(t, "甲集团", "roe", "yoy_basis") == "panel_prior_year"
    assert t.attrs["yoy_basis"] == "mixed"


def test_yoy_ratio_never_mixes_bases_within_an_enterprise():
    panel = _scope_change_panel(profit_prior_jia=np.nan)   # 甲 reports revenue's 上年同期 but not profit's
    t = indicators.with_yoy(panel, "2022-10", indicators=["revenue_profit_margin", "total_profit"])
    # own 2021-10 inputs for both: 1.0/15 = 6.667 %, not 1.0/20 = 5 %
    assert _get(t, "甲集团", "revenue_profit_margin", "prev_value") == pytest.approx(1.0 / 15 * 100)
    assert _get(t, "甲集团", "revenue_profit_margin", "yoy_basis") == "panel_prior_year"
    only_jia = _scope_change_panel()
    only_jia = only_jia[only_jia["enterprise"] == "甲集团"]
    t = indicators.with_yoy(only_jia, "2022-10", indicators=["total_profit"])
    assert t.attrs["yoy_basis"] == "reported_prior_year"
    assert _get(t, "合计", "total_profit", "prev_value") == pytest.approx(1.2)
    plain = indicators.with_yoy(_panel(), "2022-10", indicators=["total_profit"])
    assert plain.attrs["yoy_basis"] == "panel_prior_year"
    assert _get(plain, "合计", "total_profit", "yoy_basis") == "panel_prior_year"


def test_unknown_metric_in_configuration_is_refused(tmp_path):
    from soe_analysis.errors import SoeError

    text = indicators.INDICATORS_FILE.read_text(encoding="utf-8").replace('metric = "roe"', 'metric = "roe_v2"')
    bad = tmp_path / "indicators.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(SoeError, match=r"indicators\.roe: metric must be one of"):
        indicators.load_config(bad)


def test_debt_ratio_and_roe_come_from_metrics(monkeypatch):
    """The configured `metric` routes the value through soe_analysis.metrics (one definition)."""
    from soe_analysis import metrics

    monkeypatch.setattr(metrics, "roe", lambda num, *rest: num * 0 + 123.0)
    monkeypatch.setattr(metrics, "debt_ratio", lambda num, den: num * 0 + 45.0)
    t = indicators.compute(_panel(), "2022-10", indicators=["roe", "debt_ratio"])
    assert _get(t, "甲集团", "roe") == 123.0
    assert _get(t, "合计", "debt_ratio") == 45.0


def test_check_params_contract():
    import dataclasses

    from soe_analysis.errors import UsageError

    params = indicators.check_params(_panel(), as_of="2022-10", indicators="roe, debt_ratio")
    assert params.as_of.month == 10 and params.indicators == ("roe", "debt_ratio") and params.lang == "zh"
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.lang = "en"
    with pytest.raises(UsageError, match="unknown parameter 'month'"):
        indicators.check_params(as_of="2022-10", month=10)
    with pytest.raises(UsageError, match="parameter as_of is required"):
        indicators.check_params(lang="en")
    with pytest.raises(UsageError, match="unknown indicator 'roa'"):
        indicators.check_params(as_of="2022-10", indicators=["roa"])
    with pytest.raises(UsageError, match="2023-01 has no data"):
        indicators.check_params(_panel(), as_of="2023-01")


def _run_cli(capsys, panel, tmp_path, *args):
    import json

    from soe_analysis.cli import main

    path = tmp_path / "panel.parquet"
    panel.to_parquet(path)
    code = main(["indicators", "--panel", str(path), *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in args and code == 0 else out), err


def test_indicators_verb_json_rows_by_hand(capsys, tmp_path):
    code, data, _ = _run_cli(capsys, _panel(), tmp_path, "--as-of", "2022-10", "--json")
    assert code == 0 and data["indicator_set"]["name"] == "两利四率"
    rows = {(r["enterprise"], r["ratio"]): r for r in data["rows"]}
    assert len(rows) == len(data["rows"])  # ROE and the debt ratio appear once, not twice
    assert set(data["rows"][0]) == {"enterprise", "ratio", "value", "band", "unit", "in_set", "reason"}
    # 甲 debt ratio 60/100 = 60% sits on cut2 = 60 (lower_better) → band 2; in the 2022 set
    assert rows[("甲集团", "debt_ratio")] | {"reason": ""} == {
        "enterprise": "甲集团", "ratio": "debt_ratio", "value": 60.0, "band": 2, "unit": "%", "in_set": True,
        "reason": ""}
    # 甲 ROE 1.5 × 12/10 / ((38 + 40)/2) = 4.615% → 4.62, in [2, 5) → band 3; not in the 2022 set
    assert (rows[("甲集团", "roe")]["value"], rows[("甲集团", "roe")]["band"]) == (4.62, 3)
    assert rows[("甲集团", "roe")]["in_set"] is False
    # total debt ratio (60 + 40)/(100 + 50) = 66.67% in (60, 70] → band 3
    assert (rows[("合计", "debt_ratio")]["value"], rows[("合计", "debt_ratio")]["band"]) == (66.67, 3)
    # net profit has no band; cash interest cover lacks interest expense: no value, no band, a reason
    assert rows[("甲集团", "net_profit")]["band"] is None
    cover = rows[("甲集团", "cash_interest_cover")]
    assert cover["value"] is None and cover["band"] is None and "缺失" in cover["reason"]


def test_indicators_verb_text_in_english_escapes_names(capsys, tmp_path):
    panel = _panel()
    panel.loc[panel["enterprise"] == "乙集团", "enterprise"] = "乙\x1b[31m集团"
    code, out, _ = _run_cli(capsys, panel, tmp_path, "--as-of", "2022-10", "--lang", "en")
    assert code == 0
    assert "Two profits, four ratios" in out and "Total" in out and "nan" not in out
    assert "\x1b" not in out and "乙\\x1b[31m集团" in out  # shown, not obeyed
    assert "60.00 (2)" in out  # 甲's debt ratio and its band


def test_indicators_verb_errors_are_one_line_with_exit_codes(capsys, tmp_path):
    code, _, err = _run_cli(capsys, _panel(), tmp_path, "--as-of", "2023-01")
    assert code == 2 and "as_of 2023-01 has no data" in err and err.count("\n") == 1
    code, _, err = _run_cli(capsys, _panel(), tmp_path, "--as-of", "2022-10", "--lang", "fr")
    assert code == 2 and "lang must be one of" in err
    from soe_analysis.cli import main

    assert main(["indicators", "--as-of", "2022-10", "--panel", str(tmp_path / "absent.parquet")]) == 1
    assert "panel not found" in capsys.readouterr().err
