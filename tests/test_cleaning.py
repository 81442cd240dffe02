from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soe_analysis.io.cleaning import parse_number, parse_numbers
from soe_analysis.io.panel_build import build_panel
from soe_analysis.periods import parse_month, parse_report_period, ytd_label
from soe_analysis.io.reading import match_header
from soe_analysis.schema import LINES, panel_columns


@pytest.mark.parametrize("text, value", [
    ("1,234.5", 1234.5), ("１，２３４．５", 1234.5), ("(1.2)", -1.2), ("（1.2）", -1.2), ("-1.2", -1.2),
    ("−3", -3.0), (" 7 ", 7.0), ("0", 0.0), ("1 000", 1000.0),
])
def test_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "—", "-", "--", "/", "——", "–"])
def test_missing_markers_are_nan_not_zero(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["abc", "12a", "1.2.3", "六百"])
def test_text_is_rejected(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_numbers_marks_only_bad_cells():
    values, bad = parse_numbers(pd.Series(["1", "x", "—", "(2)"], dtype=object))
    assert bad.tolist() == [False, True, False, False]
    assert values.iloc[0] == 1 and np.isnan(values.iloc[2]) and values.iloc[3] == -2


@pytest.mark.parametrize("text, expected", [
    ("2022年1-10月", (2022, 1, 10)), ("2022年1—10月", (2022, 1, 10)), ("２０２２年１－１０月", (2022, 1, 10)),
    ("2022年10月", (2022, 1, 10)), ("2022-10", (2022, 1, 10)), ("2022/10", (2022, 1, 10)),
    ("202210", (2022, 1, 10)), ("2022年1-2月", (2022, 1, 2)), ("2023年1月", (2023, 1, 1)),
])
def test_report_periods(text, expected):
    assert parse_report_period(text) == expected


@pytest.mark.parametrize("text", ["2022年13月", "2022年10-3月", "十月", "2022", ""])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        parse_report_period(text)


def test_ytd_labels():
    assert ytd_label(parse_month("2022-10")) == "1-10月"
    assert ytd_label(parse_month("2022-02")) == "1-2月"
    assert ytd_label(parse_month("2022-01")) == "1月"
    assert ytd_label(parse_month("2022-10"), "en") == "Jan–Oct"


@pytest.mark.parametrize("header, expected", [
    ("资产总额", ("total_assets", None)), ("资产总额(万元)", ("total_assets", "万元")),
    ("资产总额（亿元）", ("total_assets", "亿元")), ("所有者权益（合计）", ("equity", None)),
    ("其中：利息费用", ("interest_expense", None)), ("折旧(摊销)", ("depreciation", None)),
    ("Total Assets", ("total_assets", None)), ("营业总收入(本年累计)", ("revenue", None)),
    ("营业总收入(上年同期)", (None, None)), ("从业人员(人)", ("employees", None)), ("备注", (None, None)),
])
def test_headers(header, expected):
    assert match_header(header) == expected


def test_every_line_header_is_recognised():
    for line in LINES:
        assert match_header(line.zh)[0] == line.name
        for alias in line.aliases:
            assert match_header(alias)[0] == line.name, alias


def _records(rows):
    frame = pd.DataFrame(rows)
    for line in LINES:
        if line.name not in frame:
            frame[line.name] = np.nan
    frame["source_file"] = "f.csv"
    frame["source_row"] = range(4, 4 + len(frame))
    return frame


def test_monthly_values_from_ytd_with_a_gap():
    panel = build_panel(_records([
        {"enterprise": "甲", "year": 2022, "month": m, "revenue": ytd, "total_assets": 10.0}
        for m, ytd in [(1, 1.0), (2, 2.5), (3, 4.0), (6, 9.0), (7, 10.0)]
    ]))
    assert list(panel.columns) == panel_columns()
    got = panel.set_index("month")["revenue_m"]
    assert got[1] == 1.0 and got[2] == 1.5 and got[3] == 1.5
    assert np.isnan(got[6])  # spans April–June: not guessed apart
    assert got[7] == pytest.approx(1.0)
    assert (panel["revenue_ytd"] == [1.0, 2.5, 4.0, 9.0, 10.0]).all()


def test_new_year_restarts_ytd():
    panel = build_panel(_records([
        {"enterprise": "甲", "year": 2021, "month": 12, "revenue": 12.0},
        {"enterprise": "甲", "year": 2022, "month": 1, "revenue": 1.2},
    ]))
    assert panel["revenue_m"].tolist() == [pytest.approx(float("nan"), nan_ok=True), 1.2]


def test_combined_january_february_split_rule():
    panel = build_panel(_records([
        {"enterprise": "甲", "year": 2022, "month": 2, "revenue": 6.0, "total_assets": 100.0},
        {"enterprise": "甲", "year": 2022, "month": 3, "revenue": 9.5, "total_assets": 101.0},
    ]))
    p = panel.set_index("month")
    assert p.loc[1, "revenue_m"] == 3.0 and p.loc[2, "revenue_m"] == 3.0  # 6.0 split equally
    assert p.loc[1, "revenue_ytd"] == 3.0 and p.loc[2, "revenue_ytd"] == 6.0
    assert np.isnan(p.loc[1, "total_assets"]) and p.loc[2, "total_assets"] == 100.0
    assert p.loc[3, "revenue_m"] == pytest.approx(3.5)
    assert p["jan_feb_combined"].tolist() == [True, True, False]


def test_long_cell_texts_are_never_kept_in_the_header_and_name_caches():
    from soe_analysis.io.core import name_key
    from soe_analysis.io.reading import match_header

    long = "资产总额" + "长" * 20_000  # a hostile header cell: read, never remembered
    kept = match_header.cache_info().currsize
    assert match_header(long) == (None, None)
    assert match_header.cache_info().currsize == kept
    assert match_header("资产总额（人民币万元）" + " " * 7) == ("total_assets", "万元")  # a text no other test uses
    assert match_header.cache_info().currsize == kept + 1
    names = name_key.cache_info().currsize
    assert name_key(" Ａ" + "b" * 300) == "a" + "b" * 300  # NFKC, no spaces, lower case, still
    assert name_key.cache_info().currsize == names


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.from_regex(r"[+-]?(\d{1,12}(\.\d{0,6})?|\.\d{1,6})", fullmatch=True),
                 st.from_regex(r"[+-]?\d{1,4}(,\d{2,4}){0,3}(\.\d{0,3})?", fullmatch=True),
                 st.from_regex(r"[ 0-9,.+\-()−e]{1,12}", fullmatch=True)))
def test_parse_number_one_cell_follows_the_column_rules(text):
    """One cell (the register's reader) parses as the same cell in a column does, fast path or not."""
    values, bad = parse_numbers(pd.Series([text], dtype=object))
    if bad.iloc[0]:
        with pytest.raises(ValueError):
            parse_number(text)
    else:
        got, want = parse_number(text), float(values.iloc[0])
        assert got == want or (math.isnan(got) and math.isnan(want))
