"""What readers see: table display, labels with units, provenance line, small amounts, the index."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from soe_analysis import display
from soe_analysis.report import index_html
from soe_analysis.text import labels
from soe_analysis.text.amounts import yi_amount

IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
EVIL = "<script>alert(1)</script>"


class _Text(HTMLParser):
    """Visible text of a page (not tags, attributes, styles) and the texts of <th> cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.headers, self._skip, self._th = [], [], 0, None

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "th":
            self._th = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "th" and self._th is not None:
            self.headers.append("".join(self._th))
            self._th = None

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)
            if self._th is not None:
                self._th.append(data)


def visible(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    cells = [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL)] for r in rows]
    return [row for row in cells if row]  # the header row has <th> only


@pytest.fixture
def frame():
    return pd.DataFrame({"method": ["run_rate", "skill_weighted", "same_period"],
                         "mape_pct": [1.2345, -0.004, 12.5],
                         "met": [True, False, True],
                         "amount_yi": [1234.5, -6.456, float("nan")],
                         "n": [3, 4, 5]})


def test_table_has_words_units_and_no_row_numbers(frame):
    table = display.report_table(frame, "zh", title=("测试", "Test"))
    assert table.title == "测试"
    assert table.headers == ["方法", "平均绝对百分比误差（%）", "达标", "金额（亿元）", "年数"]
    page = table._repr_html_()
    cells = _cells(page)
    assert len(cells) == 3  # every row, and no index column: 5 cells per row
    assert cells[0] == ["年化法", "1.23", "✓", "1,234.50", "3"]
    # half-up, a real minus sign, never -0.00, NaN as a dash, False as a dash
    assert cells[1] == ["加权组合（默认）", "0.00", "—", "−6.46", "4"]
    assert cells[2][3] == "—"
    assert "True" not in page and "False" not in page
    assert 'text-align:right' in page.split("<td")[2]  # the MAPE cell of the first row


def test_table_in_english_and_multi_level_index(frame):
    stacked = pd.concat({"revenue_yi": frame}, names=["metric"])  # (metric, row number) index
    table = display.report_table(stacked, "en")
    assert table.headers == ["Measure", "Method", "MAPE (%)", "Goal met", "Amount (亿元)", "Years"]
    assert table.rows[0][:2] == ["Revenue (亿元)", "run-rate"]
    for header in visible(table._repr_html_()).headers:
        assert not IDENTIFIER.search(header), header


def test_named_index_is_kept_and_text_escaped():
    frame = pd.DataFrame({"score": [2.5, 3.0]}, index=pd.Index(["交发集团", EVIL], name="enterprise"))
    page = display.report_table(frame, "zh")._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert visible(page).headers == ["企业", "风险得分"]


def test_long_tables_are_not_truncated():
    frame = pd.DataFrame({"value": range(112)})
    assert len(_cells(display.report_table(frame)._repr_html_())) == 112


def test_show_table_records_tables_beside_the_key_figures(tmp_path, monkeypatch, frame):
    monkeypatch.setattr(display, "_PAGE", {"provenance": None, "headline": None, "tables": []})
    monkeypatch.setenv(display.KEYFIGURES_ENV, str(tmp_path / "05_x.keyfigures.json"))
    display.show_provenance(("national", "real", "财政部 / Ministry of Finance"), lang="en")
    display.show_table(frame, "en", title=("测试", "Test"))
    display.show_table(frame.head(1), "en", title=("测试", "Test"))  # same title: replaces
    record = json.loads((tmp_path / "05_x.tables.json").read_text(encoding="utf-8"))
    assert record["provenance"] == "Data: Ministry of Finance national SOE releases (real published data; Ministry of Finance)"
    assert [t["title"] for t in record["tables"]] == ["Test"]
    assert record["tables"][0]["rows"] == [["run-rate", 1.2345, True, 1234.5, 3]]
    assert record["tables"][0]["provenance"] == record["provenance"]
    display.show_table(frame.head(0), "en", title="empty")  # nothing to show: no header-only table
    record = json.loads((tmp_path / "05_x.tables.json").read_text(encoding="utf-8"))
    assert [t["title"] for t in record["tables"]] == ["Test"]


def test_provenance_line_names_every_dataset():
    panel = pd.DataFrame({"dataset": ["demonstration"]})
    line = display.provenance_line(panel, ("lpr", "real", "全国银行间同业拆借中心"), lang="zh")
    assert line == ("数据来源：企业财务快报（演示数据，非真实企业数据）；"
                    "贷款市场报价利率（LPR）（真实公开数据；全国银行间同业拆借中心）")
    page = display.provenance_html(panel, ("lpr", "real", EVIL))
    assert page.count("soe-provenance") == 1 and "<script>" not in page


@pytest.mark.parametrize("value, zh, en", [
    (-6.46, "-6.46亿元", "RMB -6.46 yi"),
    (-0.004, "-40万元", "RMB -0.40 million"),  # 0.004亿元 = 40万元 would print as 0.00亿元
    (-0.00074, "-7万元", "RMB -0.07 million"),
    (0.00004, "基本持平", "roughly break-even"),  # below half a 万元
    (1234.5, "1234.50亿元", "RMB 1,234.50 yi"),
])
def test_small_amounts_are_worded(value, zh, en):
    assert yi_amount(value, "zh") == zh
    assert yi_amount(value, "en") == en


def test_loss_that_rounds_to_zero_is_named_in_wan():
    from soe_analysis.text.narrative import headline_paragraph

    figures = {"as_of": "2023-02", "enterprises": 2, "total_profit_ytd": 1.0, "total_profit_ytd_prev": 0.5,
               "by_enterprise": [{"enterprise": "甲", "total_profit_ytd": 1.004},
                                 {"enterprise": "数发集团", "total_profit_ytd": -0.004}],
               "loss_makers": [{"enterprise": "数发集团", "total_profit_ytd": -0.004}]}
    text = headline_paragraph(figures, "zh")
    assert "数发集团利润总额-40万元" in text and "0.00亿元" not in text


@pytest.mark.parametrize("name, value, lang, expected", [
    ("total_assets_yi", 3325.44, "zh", ("资产总额", "3,325.44亿元")),
    ("total_assets_yoy_pct", 7.98, "zh", ("资产总额同比", "+7.98%")),
    ("revenue_p_reach", 0.725, "zh", ("营业收入 P(达成)", "73%")),
    ("annual_run_rate_saving_yi", 21.52, "zh", ("年化节约利息", "21.52亿元")),
    ("total_profit_ytd_yi", -5.41, "en", ("Total profit (YTD)", "RMB −5.41 yi")),
    ("published_basis", "annual_run_rate_saving", "en", ("Basis of the published figure",
                                                          "Annualised run-rate (balance × spread)")),
])
def test_key_figures_in_words_with_units(name, value, lang, expected):
    assert labels.key_figure(name, value, lang) == expected


def _manifest(figures: dict) -> dict:
    return {"label": "2022-10", "as_of": "2022-10", "note": "截至 2022-10", "dataset": "demonstration",
            "built_at": "2026-01-01 10:00 UTC", "headline": "截至10月底，所监管的10家市属国企资产总额3325.44亿元。",
            "workbook": "2022-10.xlsx",
            "notebooks": [{"notebook": name, "status": "ok", "seconds": 1.0, "key_figures": figs,
                           "files": {"shared": f"{name}.shared.html", "html": f"{name}.html",
                                     "notebook": f"{name}.ipynb"}} for name, figs in figures.items()]}


REAL_FIGURES = {
    "00_data_quality": {"enterprises": 10, "months": 46, "missing_enterprise_months": 0, "warnings": 0,
                        "dataset": "demonstration"},
    "01_overview": {"total_assets_yi": 3325.44, "total_assets_yoy_pct": 7.98, "revenue_ytd_yi": 288.46,
                    "total_profit_ytd_yi": -5.41, "loss_makers_n": 2, "risk_score_total_band": 2.78},
    "02_profit_drivers": {"total_profit_yi": -5.41, "total_profit_change_yi": -9.94, "like_for_like_change_yi": -9.9,
                          "unexplained_yi": 0.0, "largest_decline": "交发集团"},
    "03_financing_savings": {"refinanced_total_yi": 538.83, "annual_run_rate_saving_yi": 21.52,
                             "in_year_saving_yi": 9.1, "npv_saving_yi": 40.2, "published_basis": "annual_run_rate_saving"},
    "04_target_forecast": {"revenue_point_yi": 422.2, "revenue_p_reach": 0.725, "total_profit_point_yi": -4.03,
                           "total_profit_p_reach": 0.2, "total_assets_point_yi": 3662.39, "as_of": "2022-10"},
    "05_method_backtest": {"revenue_default_mape_m9_11_pct": 0.5, "profit_default_mape_m9_11_pct": 3.1,
                           "revenue_coverage80_pct": 80.0, "profit_coverage80_pct": 74.3,
                           "revenue_coverage95_pct": 94.3, "profit_coverage95_pct": 91.4, "last_outcome_year": 2021},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_index_has_no_identifier_like_text(lang):
    page = index_html([_manifest(REAL_FIGURES)], lang=lang)
    text = " ".join(visible(page).text)
    assert not IDENTIFIER.findall(text), IDENTIFIER.findall(text)
    for name in REAL_FIGURES:
        assert name not in text
    assert "3325.44亿元" in text  # the headline sentence at the top of the period
    assert 'href="2022-10/2022-10.xlsx"' in page


def test_index_key_figures_read_like_the_issue_asks():
    text = "".join(visible(index_html([_manifest(REAL_FIGURES)], lang="zh")).text)
    for expected in ("资产总额 3,325.44亿元", "资产总额同比 +7.98%", "营业收入 P(达成) 73%",
                     "年化节约利息 21.52亿元", "亏损企业 2", "公开数口径 年化节约（置换时余额×利差）", "运行概览", "融资置换节约利息"):
        assert expected in text, expected


def test_a_column_code_has_one_wording_in_headers_and_labels():
    """A code that is a column is worded once: table headers (header) and charts and sentences
    (label) print the same words, except the codes two analyses use for different things."""
    from soe_analysis.text.labels import COLUMNS, LABELS, TWO_MEANINGS, header, label

    assert set(LABELS) & set(COLUMNS) == TWO_MEANINGS
    for code in COLUMNS:
        if code not in TWO_MEANINGS:
            for lang in ("zh", "en"):
                assert label(code, lang) == header(code, lang), code
    # e.g. the interest split's rate: one wording, its unit said once, in the header style
    assert label("rate_base_pct", "zh") == "基期隐含年利率（%）"
    assert label("rate_base_pct", "en") == "Implied annual rate, base (%)"
