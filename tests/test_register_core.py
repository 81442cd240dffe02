"""The refinancing register read on the shared core (issue 10, item 5)."""

from __future__ import annotations

import pytest

from soe_analysis.errors import DataError
from soe_analysis.io.register import quality_table, read_register
from tests.test_financing import HEADER, loan, write_register

BARE = [h.split("(")[0] for h in HEADER]  # no unit in any header


@pytest.mark.parametrize("title", ["单位：人民币元", "金额单位：人民币 元", "单位:元"])
def test_register_titled_in_yuan_reads_as_yuan(tmp_path, title):
    path = write_register(tmp_path, [loan(amount="1,200,000,000")], header=BARE, title=("测试台账", title))
    register = read_register(path)
    assert register["amount_wan"].iloc[0] == pytest.approx(120_000.0)  # 12亿元, not 1.2万亿
    assert not quality_table(register)["message"].str.contains("assumed").any()


def test_register_header_in_renminbi_yuan(tmp_path):
    header = [h.replace("(万元)", "(人民币元)") for h in HEADER]
    path = write_register(tmp_path, [loan(amount="50,000,000")], header=header, title=())
    assert read_register(path)["amount_wan"].iloc[0] == pytest.approx(5_000.0)


def test_register_shares_the_core_limits(tmp_path):
    path = write_register(tmp_path, [loan(amount="1,20")], header=BARE, title=("单位：万元",))
    with pytest.raises(DataError, match="not a number"):  # 1,20 is not 120
        read_register(path)
    long = write_register(tmp_path, [loan(ent="x" * 40_000)], name="long.csv")
    with pytest.raises(DataError, match="characters"):
        read_register(long)


def test_register_xlsx_skips_a_hidden_sheet_with_a_warning(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "旧台账"
    hidden.append(["作废"])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("台账")
    sheet.append(["单位：万元"])
    sheet.append(HEADER)
    sheet.append([1, *loan()])
    path = tmp_path / "台账.xlsx"
    book.save(path)
    register = read_register(path)
    assert register["amount_wan"].iloc[0] == pytest.approx(12_000.0)
    assert quality_table(register)["message"].str.contains("hidden").any()
