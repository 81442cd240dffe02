"""The headline paragraph: numbers against the panel, wording that follows the data."""

from __future__ import annotations

import pytest
from tests.synthpanel import make_panel

from soe_analysis import metrics
from soe_analysis.text import narrative
from soe_analysis.errors import UsageError


def _row(enterprise, period, assets, liabilities, revenue, profit):
    return dict(enterprise=enterprise, period=period, total_assets=assets, total_liabilities=liabilities,
                equity=assets - liabilities, revenue_ytd=revenue, total_profit_ytd=profit)


@pytest.fixture(scope="module")
def panel():
    return make_panel([
        # 2021: the base year
        _row("甲集团", "2021-02", 100.0, 60.0, 3.0, 0.4),
        _row("乙集团", "2021-02", 50.0, 30.0, 2.0, 0.2),
        _row("丙集团", "2021-02", 20.0, 10.0, 1.0, 0.1),
        _row("甲集团", "2021-10", 110.0, 66.0, 20.0, 2.0),
        _row("乙集团", "2021-10", 55.0, 33.0, 10.0, 1.0),
        _row("丙集团", "2021-10", 22.0, 11.0, 5.0, 0.5),
        _row("甲集团", "2021-12", 115.0, 70.0, 25.0, 2.5),
        _row("乙集团", "2021-12", 56.0, 34.0, 12.0, 1.2),
        _row("丙集团", "2021-12", 23.0, 12.0, 6.0, 0.6),
        # 2022-02: profit, growth on every line
        _row("甲集团", "2022-02", 110.0, 70.0, 4.0, 0.5),
        _row("乙集团", "2022-02", 55.0, 33.0, 2.5, 0.3),
        _row("丙集团", "2022-02", 22.125, 11.0, 1.5, 0.2),
        # 2022-10: a loss, two loss makers, revenue down
        _row("甲集团", "2022-10", 120.0, 80.0, 18.0, 1.0),
        _row("乙集团", "2022-10", 50.0, 35.0, 9.0, -1.5),
        _row("丙集团", "2022-10", 20.0, 12.0, 4.0, -2.5),
        # 2022-12: profit
        _row("甲集团", "2022-12", 120.0, 80.0, 27.0, 3.0),
        _row("乙集团", "2022-12", 50.0, 35.0, 13.0, 1.0),
        _row("丙集团", "2022-12", 20.0, 12.0, 7.0, 0.3),
    ])


def test_profit_month_february(panel):
    text = narrative.narrative(panel, "2022-02")
    # assets 110 + 55 + 22.125 = 187.125 → 187.13 (half-up); a year before 170 → +10.073529% → 10.07%
    assert text.startswith("截至2月底，所监管的3家市属国企资产总额187.13亿元、同比增长10.07%")
    # equity 40 + 22 + 11.125 = 73.125 → 73.13; a year before 40 + 20 + 10 = 70 → +4.4642857% → 4.46%
    assert "所有者权益73.13亿元、同比增长4.46%" in text
    # debt ratio (70 + 33 + 11)/187.125 = 60.9218% → 60.92%
    assert "资产负债率为60.92%。" in text
    # Jan–Feb: revenue 8.0 vs 6.0 → +33.333% ; profit 1.0 vs 0.7, both profits → +42.857% → 42.86%
    assert "1-2月，实现营业收入8.00亿元、同比增长33.33%" in text
    assert "利润总额1.00亿元、同比增长42.86%（3家企业全部盈利）" in text
    assert "nan" not in text.lower()


def test_loss_month_names_loss_makers_largest_first(panel):
    text = narrative.narrative(panel, "2022-10")
    # assets 190 vs 187 → +1.6042781% → 1.60%; equity 40+15+8 = 63 vs 44+22+11 = 77 → −18.18%
    assert "资产总额190.00亿元、同比增长1.60%" in text
    assert "所有者权益63.00亿元、同比下降18.18%" in text
    # revenue 31 vs 35 → −11.428571% → 11.43% lower
    assert "1-10月，实现营业收入31.00亿元、同比下降11.43%" in text
    # profit 1 − 1.5 − 2.5 = −3.00 vs 3.5 → 6.50 亿元 lower (a change in 亿元, not a percentage)
    assert "利润总额-3.00亿元、同比减少6.50亿元" in text
    assert "3家企业中1家盈利、2家亏损" in text
    # 丙 (−2.5) before 乙 (−1.5)
    assert text.index("丙集团利润总额-2.50亿元") < text.index("乙集团利润总额-1.50亿元")


def test_december_says_year_end(panel):
    text = narrative.narrative(panel, "2022-12")
    assert text.startswith("截至年底，")
    assert "1-12月，" in text
    # profit 4.3 vs 4.3 → flat
    assert "利润总额4.30亿元、同比持平" in text
    assert narrative.narrative(panel, "2022-12", with_year=True).startswith("截至2022年底，")


def test_first_year_omits_yoy_and_never_prints_nan(panel):
    text = narrative.narrative(panel, "2021-10")
    assert "同比" not in text and "nan" not in text.lower()
    assert "资产总额187.00亿元，所有者权益77.00亿元" in text   # 110 + 55 + 22; 44 + 22 + 11
    assert "利润总额3.50亿元（3家企业全部盈利）" in text


def test_english(panel):
    text = narrative.narrative(panel, "2022-10", "en")
    assert "At the end of October, the 3 municipal SOE groups" in text
    assert "RMB 190.00 yi (up 1.60% year on year)" in text
    assert "In Jan–Oct," in text and "down 11.43% year on year" in text
    assert "total profit was RMB -3.00 yi, 6.50 yi lower than a year before" in text
    assert "丙集团 RMB -2.50 yi, 乙集团 RMB -1.50 yi" in text
    assert "Jan–Feb" in narrative.narrative(panel, "2022-02", "en")


def test_bad_lang_is_a_usage_error(panel):
    with pytest.raises(UsageError):
        narrative.narrative(panel, "2022-10", "fr")


def test_figures_table_total_row(panel):
    table = narrative.figures_table(metrics.headline(panel, "2022-10"))
    assert list(table.index) == ["甲集团", "乙集团", "丙集团", "合计"]
    assert table.loc["合计", "资产总额(亿元)"] == pytest.approx(190.0)
    assert "—" in narrative.format_table(table)  # investment not reported: a dash, not 0 or nan


# --- the shipped data: the source document's first paragraph -----------------------------

def test_shipped_data_reproduces_the_document(shipped_panel):  # conftest builds the panel
    from soe_analysis.io.panel import load_panel

    text = narrative.narrative(load_panel(), "2022-10")
    for figure in ("3325.44亿元", "7.98%", "1167.15亿元", "0.32%", "64.90%", "288.46亿元", "33.25%",
                   "-5.41亿元", "9.94亿元", "交发集团利润总额-6.46亿元", "交运集团利润总额-3.61亿元"):
        assert figure in text, figure
    assert "同比减少9.94亿元" in text
    assert text.index("交发集团") < text.index("交运集团")


# --- the headline verb ------------------------------------------------------------------

def test_headline_verb_prints_paragraph_and_json(panel, tmp_path, capsys):
    import json

    from soe_analysis.cli import main

    path = tmp_path / "panel.parquet"
    panel.to_parquet(path)
    assert main(["headline", "--as-of", "2022-10", "--panel", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("截至10月底，所监管的3家市属国企资产总额190.00亿元")
    assert "丙集团" in out and "合计" in out  # the per-enterprise table follows
    assert main(["headline", "--as-of", "2022-10", "--panel", str(path), "--lang", "en", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["narrative"].startswith("At the end of October")
    assert data["total_assets"] == 190.0
    # debt ratio (metrics.debt_ratio) of the sums: (80 + 35 + 12)/190 = 66.842% → 66.84; 乙 35/50 = 70%
    assert data["debt_ratio_pct"] == 66.84
    assert {e["enterprise"]: e["debt_ratio_pct"] for e in data["by_enterprise"]}["乙集团"] == 70.0
    assert main(["headline", "--as-of", "2022-10", "--panel", str(path), "--lang", "fr"]) == 2
    assert main(["headline", "--as-of", "2022-10", "--panel", str(path)]) == 0
    assert "debt ratio          66.84%" in capsys.readouterr().out  # the one number formatter


def test_loss_in_both_years_says_loss_narrowed():
    panel = make_panel([
        _row("甲集团", "2021-06", 100.0, 60.0, 10.0, -2.0),
        _row("甲集团", "2022-06", 100.0, 60.0, 10.0, -1.5),
    ])
    # −1.5 vs −2.0: the loss narrowed by 0.50 亿元
    assert "利润总额-1.50亿元、同比减亏0.50亿元" in narrative.narrative(panel, "2022-06")


def test_january_of_a_combined_release_is_refused(tmp_path, capsys):
    # a year whose first release is 1–2月 combined: the panel's January is half of it, derived,
    # never published; the headline refuses that month in one line and shows February as usual
    import pandas as pd

    from soe_analysis.cli import main
    from soe_analysis.errors import DataError

    rows = make_panel([_row("甲集团", "2022-01", 100.0, 60.0, 1.5, 0.2), _row("甲集团", "2022-02", 100.0, 60.0, 3.0, 0.4),
                       _row("甲集团", "2023-01", 110.0, 66.0, 1.6, 0.1), _row("甲集团", "2023-02", 110.0, 66.0, 3.2, 0.2)])
    rows["jan_feb_combined"] = (rows["year"] == 2023) & (rows["month"] <= 2)
    assert metrics.derived_january(rows, pd.Period("2023-01", "M")) == ["甲集团"]
    assert metrics.derived_january(rows, pd.Period("2022-01", "M")) == []  # a published January
    with pytest.raises(DataError, match="2023-01 was not published"):
        metrics.check_published_month(rows, pd.Period("2023-01", "M"))
    path = tmp_path / "panel.parquet"
    rows.to_parquet(path)
    assert main(["headline", "--as-of", "2023-01", "--panel", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "combined 1–2月" in err and "Traceback" not in err
    assert main(["headline", "--as-of", "2023-02", "--panel", str(path), "--json"]) == 0


# --- the year-on-year base ----------------------------------------------------------------

def test_paragraph_names_the_reported_prior_year_base(panel):
    # each group's 2022-10 report prints 上年同期 revenue 21 / 10 / 5 and total profit 2.5 / 1.0 / 0.5
    # (restated; their own 2021-10 reports said 20 / 10 / 5 and 2.0 / 1.0 / 0.5)
    p = panel.copy()
    now = p["period"] == "2022-10"
    p["revenue_ytd_prior_reported"] = p["enterprise"].map({"甲集团": 21.0, "乙集团": 10.0, "丙集团": 5.0}).where(now)
    p["total_profit_ytd_prior_reported"] = p["enterprise"].map({"甲集团": 2.5, "乙集团": 1.0, "丙集团": 0.5}).where(now)
    text = narrative.narrative(p, "2022-10")
    # revenue 31 against 36 → −13.888…% → 13.89% lower; profit −3.0 against 4.0 → 7.00 亿元 lower
    assert "营业收入31.00亿元、同比下降13.89%" in text and "同比减少7.00亿元" in text
    assert text.endswith("同比基数：本年快报列报的上年同期数（可比口径）。")
    english = narrative.narrative(p, "2022-10", "en")
    assert english.endswith("Year-on-year base: the prior-year figures printed in this year's reports "
                            "(comparable scope).")
    # on last year's own reports the paragraph reads as the document's, with no closing note
    assert "同比基数" not in narrative.narrative(panel, "2022-10")
    assert "base" not in narrative.narrative(panel, "2022-10", "en")


def test_yoy_basis_note_wording():
    assert narrative.yoy_basis_note("panel_prior_year", "zh", subject="headline") == "总体情况同比基数：上年同月快报数。"
    mixed = narrative.yoy_basis_note("mixed", "en", subject="indicators")
    assert mixed.startswith("Indicators' year-on-year base: the prior-year figures printed in this year's reports where given")
    assert "ROE and labour productivity use last year's own reports" in mixed
    assert "净资产收益率" not in narrative.yoy_basis_note("panel_prior_year", "zh", subject="indicators")
    assert narrative.yoy_basis_note(None, "zh") == ""
    with pytest.raises(ValueError):
        narrative.yoy_basis_note("guessed", "zh")
