"""The real notebooks through the batch, read as a reader reads them: shared pages with clean
tables, an index in words, and the period workbook holding the notebooks' own numbers."""

from __future__ import annotations

import html
import json
import re

import pytest

from soe_analysis.report.workbook import HEADER_ROW
from tests.test_display import IDENTIFIER, visible

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def built(shipped_batch):
    """The session's batch of every notebook for 2022-10 on the shipped panel (conftest)."""
    assert shipped_batch.ok, shipped_batch.failures
    return shipped_batch


def _tables(page: str) -> list[str]:
    return re.findall(r"<table.*?</table>", page, re.DOTALL)


def test_shared_pages_have_clean_tables(built):
    folder = built.out_dir / "2022-10"
    pages = sorted(folder.glob("*.shared.html"))
    assert len(pages) == 6
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert 'class="dataframe"' not in page, path.name  # pandas' own table: row numbers, raw values
        tables = _tables(page)
        assert tables, path.name
        for table in tables:
            cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                     for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.DOTALL)]
            assert not {"True", "False", "nan", "NaN"} & set(cells), path.name
            headers = visible(table).headers
            assert not [h for h in headers if IDENTIFIER.search(h)], (path.name, headers)
            first = [html.unescape(re.sub(r"<[^>]+>", "", r.split("</td>")[0]))
                     for r in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL) if "<td" in r]
            assert first[:3] != ["0", "1", "2"], path.name  # no row-number column
        assert page.count('class="soe-provenance"') == 1 and 'class="soe-dataset-banner"' not in page, path.name


def test_index_reads_in_words(built):
    index = built.index.read_text(encoding="utf-8")
    text = "".join(visible(index).text)
    assert not IDENTIFIER.findall(text), IDENTIFIER.findall(text)
    assert "截至10月底，所监管的10家市属国企资产总额3325.44亿元、同比增长7.98%" in text
    assert "资产总额 3,325.44亿元" in text and "资产总额同比 +7.98%" in text
    assert "年化节约利息 21.52亿元" in text and "置换金额 538.83亿元" in text
    assert 'href="2022-10/2022-10.xlsx"' in index


def test_workbook_holds_every_table_with_the_notebooks_numbers(built):
    from openpyxl import load_workbook

    folder = built.out_dir / "2022-10"
    recorded = {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8"))
                for p in folder.glob("*.tables.json")}
    shown = sum(len(_tables(p.read_text(encoding="utf-8"))) for p in folder.glob("*.shared.html"))
    book = load_workbook(folder / "2022-10.xlsx")
    assert len(book.sheetnames) == sum(len(r["tables"]) for r in recorded.values()) == shown
    # the basis table of notebook 03: 538.83亿元 refinanced saves 21.52亿元 a year on the run-rate basis
    sheet = book["03 各口径节约"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    matches = [r for r in rows if r[headers.index("与公开数一致")] == "是"]
    assert len(matches) == 1 and round(matches[0][headers.index("节约（亿元）")], 2) == 21.52
    record = next(t for t in recorded["03_financing_savings"]["tables"] if t["title"] == "各口径节约")
    # Excel keeps 15 significant digits: 21.519999999999996 comes back as 21.52
    assert [list(r) for r in rows] == [[("是" if v else "否") if isinstance(v, bool) else
                                        pytest.approx(v, rel=1e-14) if isinstance(v, float) else v for v in r]
                                       for r in record["rows"]]
    # the indicator table of notebook 01: the group's debt ratio is the published 64.90%
    sheet = book["01 考核指标"]
    headers = [c.value for c in sheet[HEADER_ROW]]
    total = next(r for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if r[0] == "合计")
    assert round(total[headers.index("资产负债率(%) · 本期")], 2) == 64.90
    assert "演示数据" in sheet["A2"].value
