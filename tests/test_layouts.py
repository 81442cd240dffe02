"""The official layouts (city summary table, enterprise form) from small hand-made files, and
the property that the same figures in any layout give the same panel."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from soe_analysis.cli import main
from soe_analysis.io.ingest import ingest, validate_files
from soe_analysis.schema import panel_columns
from tests.flashfiles import form_rows, summary_rows, write_flash_csv, write_form_xlsx, write_grid_csv

ALIASES = [("甲集团", "甲集团"), ("甲集团有限公司", "甲集团"), ("乙集团", "乙集团"), ("乙集团有限责任公司", "乙集团")]


def _aliases(path):
    path.write_text("alias,enterprise\n" + "".join(f"{a},{e}\n" for a, e in ALIASES), encoding="utf-8")
    return path


SUMMARY_2023_03 = [
    dict(enterprise="甲集团", total_assets=1000, total_assets_open=900, total_liabilities=600, total_liabilities_open=500,
         equity=400, equity_open=400, revenue=300, revenue_prior=250, total_profit=20, total_profit_prior=15,
         investment_completed=50, investment_completed_prior=40),
    dict(enterprise="乙集团有限责任公司", total_assets=500, total_assets_open=480, total_liabilities=200,
         total_liabilities_open=190, equity=300, equity_open=290, revenue=100, revenue_prior=80, total_profit=-10,
         total_profit_prior=12, investment_completed=5, investment_completed_prior=4),
]


def test_summary_table_reads_current_values_and_keeps_the_reported_prior_year(tmp_path):
    grid = summary_rows("2023年1-3月", SUMMARY_2023_03)
    grid.insert(-1, ["", "合计", "1500", "1380", "800", "690", "700", "690", "400", "330", "21.21", "10", "27", "-17",
                     "55", "44", "25.00"])
    path = write_grid_csv(tmp_path / "汇总表2023年1-3月.csv", grid)
    result = validate_files([path], _aliases(tmp_path / "aliases.csv"))
    assert result.ok, result.quality
    panel = result.panel.set_index("enterprise")
    assert sorted(panel.index) == ["乙集团", "甲集团"] and set(panel["period"]) == {"2023-03"}
    # 万元 → 亿元: 300 万元 = 0.03 亿元; the 上年同期 250 is kept, never read as the current value
    assert panel.loc["甲集团", "revenue_ytd"] == pytest.approx(0.03)
    assert panel.loc["甲集团", "revenue_ytd_prior_reported"] == pytest.approx(0.025)
    assert panel.loc["乙集团", "total_profit_ytd_prior_reported"] == pytest.approx(0.0012)
    assert panel.loc["乙集团", "total_assets"] == pytest.approx(0.05)  # 期末数, not 年初数 480
    # the 合计 row was checked (sums agree) and dropped; 序号 and the note raised nothing
    assert result.quality.empty


def test_summary_derived_columns_are_cross_checked(tmp_path):
    grid = summary_rows("2023年1-3月", SUMMARY_2023_03)
    grid[4][10] = "25.00"  # 甲集团 revenue growth: 300/250 − 1 = 20.00 %, not 25.00
    path = write_grid_csv(tmp_path / "汇总表.csv", grid)
    result = validate_files([path], _aliases(tmp_path / "aliases.csv"))
    warnings = result.quality[result.quality["severity"] == "warning"]
    assert len(warnings) == 1, warnings
    hit = warnings.iloc[0]
    assert hit["row"] == 5 and hit["column"] == "营业总收入 / 同比增减(%)" and "20.00%" in hit["message"]
    assert result.panel.set_index("enterprise").loc["甲集团", "revenue_ytd"] == pytest.approx(0.03)


def test_summary_table_xlsx_with_merged_cells_and_three_header_rows(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append(["2023年1-3月市属国企财务快报汇总表"])
    sheet.append(["单位：亿元"])
    sheet.append(["序号", "企业名称", "营业总收入", None, None, "利润总额", None, "资产总额", None, "负债总额", None])
    sheet.append([None, None, "本期", "上年同期", "同比", "本期", "上年同期", "本月末", "年初数", "本月末", "年初数"])
    sheet.append([None, None, "金额", "金额", "(%)", None, None, None, None, None, None])
    sheet.append([1, "甲集团", 3.5, 3.0, 16.67, 0.2, 0.1, 10, 9, 6, 5])
    for cells in ("C3:E3", "F3:G3", "H3:I3", "J3:K3", "A3:A5", "B3:B5"):
        sheet.merge_cells(cells)
    path = tmp_path / "2023年3月汇总.xlsx"
    book.save(path)
    result = validate_files([path], _aliases(tmp_path / "aliases.csv"))
    assert result.ok, result.quality
    row = result.panel.iloc[0]
    assert row["revenue_ytd"] == pytest.approx(3.5) and row["revenue_ytd_prior_reported"] == pytest.approx(3.0)
    assert row["total_liabilities"] == pytest.approx(6.0)
    assert row["source_file"].endswith("[汇总]")  # every location names the sheet


def _forms(period_title, jia, yi):
    return {"甲集团": form_rows(None, period_title, jia), "Sheet2": form_rows("乙集团有限责任公司", period_title, yi)}


FEB = dict(revenue=200, revenue_prior=150, operating_cost=150, finance_expense=10, interest_expense=8,
           other_income=1, total_profit=15, investment_completed=30, total_assets=980, total_liabilities=590, equity=390)
MAR = dict(revenue=300, revenue_prior=250, revenue_month=100, operating_cost=240, finance_expense=15,
           interest_expense=12, other_income=2, total_profit=20, total_profit_prior=18, total_profit_month=5,
           investment_completed=50, total_assets=1000, total_liabilities=600, equity=400)


def test_enterprise_forms_one_sheet_each_enterprise_from_sheet_or_preparer_line(tmp_path):
    raw = tmp_path / "raw"
    write_form_xlsx(raw / "2023" / "企业财务快报2023年1-2月.xlsx", _forms("2023年1-2月", FEB, FEB))
    write_form_xlsx(raw / "2023" / "企业财务快报2023年1-3月.xlsx", _forms("2023年1-3月", MAR, MAR))
    _aliases(raw / "enterprise_aliases.csv")
    result = ingest(raw, tmp_path / "out")
    assert result.ok, result.quality
    panel = result.panel.set_index(["enterprise", "period"])
    assert sorted(set(panel.index.get_level_values(0))) == ["乙集团", "甲集团"]
    mar = panel.loc[("甲集团", "2023-03")]
    assert mar["revenue_ytd"] == pytest.approx(0.03) and mar["revenue_m"] == pytest.approx(0.01)  # 300 − 200 万元
    assert mar["interest_expense_ytd"] == pytest.approx(0.0012)  # 其中：利息费用 is its own line
    assert mar["total_profit_ytd"] == pytest.approx(0.002)  # label with （亏损总额以“－”号填列）
    assert mar["total_assets"] == pytest.approx(0.1)  # 期末余额
    assert mar["revenue_ytd_prior_reported"] == pytest.approx(0.025)
    assert mar["source_file"] == "2023/企业财务快报2023年1-3月.xlsx[甲集团]"
    # 1–2月 combined release: January split equally, as for the wide layout
    assert panel.loc[("甲集团", "2023-01"), "revenue_ytd"] == pytest.approx(0.01)
    assert result.quality.empty, result.quality


def test_form_month_figure_checked_against_ytd_difference(tmp_path):
    raw = tmp_path / "raw"
    bad = dict(MAR, revenue_month=90)  # YTD 300 − 200 = 100, not 90
    write_form_xlsx(raw / "2023-02.xlsx", _forms("2023年1-2月", FEB, FEB))
    write_form_xlsx(raw / "2023-03.xlsx", _forms("2023年1-3月", bad, MAR))
    _aliases(raw / "enterprise_aliases.csv")
    quality = ingest(raw, tmp_path / "out").quality
    hits = quality[quality["message"].str.contains("本月数")]
    assert len(hits) == 1 and "甲集团 2023-03" in hits.iloc[0]["message"] and hits.iloc[0]["column"] == "营业总收入"


def test_form_per_file_gbk_csv_enterprise_from_file_name(tmp_path):
    path = write_grid_csv(tmp_path / "乙集团_2023年1-3月快报.csv", form_rows(None, "", MAR), encoding="gbk")
    result = validate_files([path], _aliases(tmp_path / "aliases.csv"))
    assert result.ok, result.quality
    row = result.panel.iloc[0]
    assert (row["enterprise"], row["period"]) == ("乙集团", "2023-03")
    assert row["equity"] == pytest.approx(0.04)


def test_form_unknown_enterprise_names_what_was_tried(tmp_path):
    path = write_grid_csv(tmp_path / "丙公司_2023年3月.csv", form_rows("丙公司", "2023年1-3月", MAR))
    result = validate_files([path], _aliases(tmp_path / "aliases.csv"))
    errors = result.quality[result.quality["severity"] == "error"]
    assert len(errors) == 1 and "unknown enterprise '丙公司'" in errors.iloc[0]["message"]


def _restated_raw(raw):
    """2022: 甲 revenue 240, 乙 80 (万元); the 2023 summary table restates 甲's prior year as 250 (scope change)."""
    write_flash_csv(raw / "2022年1-3月.csv", [
        dict(enterprise="甲集团", period="2022年1-3月", total_assets=900, total_liabilities=550, equity=350,
             revenue=240, total_profit=15, investment_completed=40),
        dict(enterprise="乙集团", period="2022年1-3月", total_assets=470, total_liabilities=180, equity=290,
             revenue=80, total_profit=12, investment_completed=4)])
    write_grid_csv(raw / "2023年1-3月汇总.csv", summary_rows("2023年1-3月", SUMMARY_2023_03))
    _aliases(raw / "enterprise_aliases.csv")
    return raw


def test_restated_prior_year_warns_and_headline_uses_the_reported_basis(tmp_path):
    raw, out = _restated_raw(tmp_path / "raw"), tmp_path / "out"
    result = ingest(raw, out)
    assert result.ok, result.quality
    restated = result.quality[result.quality["message"].str.contains("restatement")]
    assert len(restated) == 1
    message = restated.iloc[0]["message"]
    assert "甲集团" in message and "营业总收入" in message and "250万元" in message and "240万元" in message
    code = main(["headline", "--as-of", "2023-03", "--panel", str(out / "panel.parquet"), "--json"])
    assert code == 0


def test_headline_json_yoy_basis(tmp_path, capsys):
    raw, out = _restated_raw(tmp_path / "raw"), tmp_path / "out"
    assert ingest(raw, out).ok
    capsys.readouterr()
    assert main(["headline", "--as-of", "2023-03", "--panel", str(out / "panel.parquet"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["yoy_basis"] == "reported_prior_year"
    # reported basis: (300 + 100) / (250 + 80) − 1 = 21.2121…% (the panel's own 2022 gives 400/320 − 1 = 25 %)
    assert figures["revenue_ytd_yoy_pct"] == 21.21
    # profit change: (20 − 10) − (15 + 12) = −17 万元 = −0.0017 亿元 → −0.00 at two decimals
    assert figures["total_profit_ytd_prev"] == pytest.approx(0.0, abs=0.01)


LINE_NAMES = ["total_assets", "total_liabilities", "equity", "revenue", "total_profit", "investment_completed"]
VALUE = st.integers(min_value=0, max_value=10**7)


@settings(max_examples=12, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figures=st.lists(st.tuples(VALUE, VALUE, st.integers(-10**6, 10**6), VALUE, VALUE), min_size=2, max_size=2))
def test_same_figures_in_every_layout_give_the_same_panel(tmp_path_factory, figures):
    tmp = tmp_path_factory.mktemp("layouts")
    aliases = _aliases(tmp / "aliases.csv")
    rows = []
    for name, (liabilities, equity_extra, profit, revenue, investment) in zip(["甲集团", "乙集团"], figures):
        equity = equity_extra + 1
        rows.append(dict(enterprise=name, total_assets=liabilities + equity, total_liabilities=liabilities,
                         equity=equity, revenue=revenue, total_profit=profit, investment_completed=investment))
    period = "2023年1-3月"
    wide = write_flash_csv(tmp / "wide.csv", [dict(r, period=period) for r in rows])
    summary = write_grid_csv(tmp / "summary.csv", summary_rows(period, [
        dict(r, **{f"{k}_prior": r[k] for k in ("revenue", "total_profit", "investment_completed")}) for r in rows]))
    write_form_xlsx(tmp / f"forms{period}.xlsx", {r["enterprise"]: form_rows(None, period, r) for r in rows})
    panels = [validate_files([path], aliases) for path in (wide, summary, tmp / f"forms{period}.xlsx")]
    for result in panels:
        assert result.ok, result.quality
    columns = [c for c in panel_columns() if c not in ("source_file", "source_row", "dataset")]
    frames = [r.panel[columns].sort_values("enterprise").reset_index(drop=True) for r in panels]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0], frames[2])
    by_name = {r["enterprise"]: r["revenue"] / 1e4 for r in rows}
    assert frames[0]["revenue_ytd"].tolist() == [by_name[e] for e in frames[0]["enterprise"]]
