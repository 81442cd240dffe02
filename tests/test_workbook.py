"""The period workbook: one sheet per table shown, headers in words with units, the numbers themselves.

The workbook of the real notebooks is checked against their numbers in tests/test_shared_pages.py."""

from __future__ import annotations

import pandas as pd
import pytest

from soe_analysis import display
from soe_analysis.report.workbook import HEADER_ROW, build_workbook, period_extras


@pytest.fixture
def page(tmp_path, monkeypatch):
    """Record two tables of a page '03_x' the way a batch kernel does."""
    monkeypatch.setattr(display, "_PAGE", {"provenance": None, "headline": None, "tables": []})
    monkeypatch.setenv(display.KEYFIGURES_ENV, str(tmp_path / "03_x.keyfigures.json"))
    display.show_provenance(("register", "demonstration", "演示台账 / demonstration register"), lang="zh")
    savings = pd.DataFrame({"enterprise": ["交发集团", "交运集团"], "amount_yi": [1234.5678, -0.004],
                            "matches_published": [True, False], "spread_pp": [4.0, float("nan")]})
    display.show_table(savings, "zh", title=("分企业", "By enterprise"))
    display.show_table(pd.DataFrame({"n": [3]}, index=pd.Index(["run_rate"], name="method")), "zh",
                       title="方法: 比较/测试")
    return tmp_path, savings


def test_one_sheet_per_table_with_words_units_and_numbers(page):
    from openpyxl import load_workbook

    folder, _ = page
    path = build_workbook(folder, "2022-10", "zh")
    assert path == folder / "2022-10.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["03 分企业", "03 方法  比较 测试"]  # ':' and '/' are not allowed in sheet names
    sheet = book["03 分企业"]
    assert sheet["A1"].value == "x · 分企业"  # unknown notebook '03_x' worded as 'x'
    assert sheet["A2"].value == "数据来源：融资置换台账（演示数据，非真实企业数据；演示台账）"
    assert [c.value for c in sheet[HEADER_ROW]] == ["企业", "金额（亿元）", "与公开数一致", "利差（百分点）"]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert rows == [("交发集团", 1234.5678, "是", 4.0), ("交运集团", -0.004, "否", None)]
    assert sheet.cell(HEADER_ROW + 1, 2).number_format == "#,##0.00"
    other = book["03 方法  比较 测试"]
    assert [c.value for c in other[HEADER_ROW]] == ["方法", "年数"]
    assert list(other.iter_rows(min_row=HEADER_ROW + 1, values_only=True)) == [("年化法", 3)]


def test_period_extras_take_only_successful_notebooks(page):
    folder, _ = page
    failed = {"label": "2022-10", "notebooks": [{"notebook": "03_x", "status": "failed"}]}
    assert period_extras(folder, failed) == {}
    assert not (folder / "2022-10.xlsx").exists()
    ok = {"label": "2022-10", "notebooks": [{"notebook": "03_x", "status": "ok"}]}
    assert period_extras(folder, ok) == {"workbook": "2022-10.xlsx"}
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary file left
