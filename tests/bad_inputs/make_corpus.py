"""Writes the malformed-input corpus (run once; the files are committed). EXPECTED.csv says,
for each file, what `soe-analysis validate` must report: ok (parsed, maybe with a warning) or
error at a row and column, with a fragment of the message."""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEAD = ["企业名称", "报告期", "资产总额", "负债总额", "所有者权益合计", "营业总收入", "营业总成本", "利润总额", "投资完成额"]
TITLE = ["2022年1-10月市属国企财务快报", "单位：万元"]


def rows_ok(period="2022年1-10月"):
    return [["甲集团", period, "1000", "600", "400", "300", "280", "20", "50"],
            ["乙集团", period, "500", "200", "300", "100", "90", "10", "5"]]


def write(name, lines, encoding="utf-8-sig"):
    path = HERE / name
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        for line in lines:
            w.writerow(line if isinstance(line, list) else [line])
    return path


def main():
    expected = []

    def expect(name, outcome, row="", column="", fragment=""):
        expected.append([name, outcome, row, column, fragment])

    write("01_text_in_number.csv", [*TITLE, HEAD, ["甲集团", "2022年1-10月", "1000", "六百", "400", "300", "280", "20", "50"]])
    expect("01_text_in_number.csv", "error", 4, "负债总额", "not a number")

    write("02_shifted_columns.csv", [*TITLE, HEAD, rows_ok()[0], ["乙集团", "", "2022年1-10月", "500", "200", "300", "100", "90", "10", "5"]])
    expect("02_shifted_columns.csv", "error", 5, "10", "shifted columns")

    write("03_duplicate_identical.csv", [*TITLE, HEAD, *rows_ok(), rows_ok()[1]])
    expect("03_duplicate_identical.csv", "ok", 6, "企业名称", "identical; ignored")

    conflicting = rows_ok()[1][:]
    conflicting[5] = "101"
    write("04_duplicate_conflicting.csv", [*TITLE, HEAD, *rows_ok(), conflicting])
    expect("04_duplicate_conflicting.csv", "error", 6, "企业名称", "different figures")

    write("05_no_header.csv", [*rows_ok(), *rows_ok("2022年1-9月")])
    expect("05_no_header.csv", "error", 1, "", "no header row")

    (HERE / "06_empty.csv").write_bytes(b"")
    expect("06_empty.csv", "error", "", "", "empty file")

    write("07_gbk_encoded.csv", [*TITLE, HEAD, *rows_ok()], encoding="gbk")
    expect("07_gbk_encoded.csv", "ok")

    write("08_future_period.csv", [*TITLE, HEAD, rows_ok("2099年1-10月")[0]])
    expect("08_future_period.csv", "error", 4, "报告期", "in the future")

    neg = rows_ok()[0][:]
    neg[2], neg[3], neg[4] = "-1000", "-600", "-400"
    write("09_negative_assets.csv", [*TITLE, HEAD, neg])
    expect("09_negative_assets.csv", "error", 4, "资产总额", "negative 资产总额")

    write("10_total_mismatch.csv", [*TITLE, HEAD, *rows_ok(), ["合计", "2022年1-10月", "1500", "800", "700", "410", "370", "30", "55"]])
    expect("10_total_mismatch.csv", "error", 6, "营业总收入", "total row")

    write("11_unknown_enterprise.csv", [*TITLE, HEAD, ["丙集团", "2022年1-10月", "1", "0", "1", "1", "1", "0", "0"]])
    expect("11_unknown_enterprise.csv", "error", 4, "企业名称", "unknown enterprise")

    unbalanced = rows_ok()[0][:]
    unbalanced[4] = "390"
    write("12_balance_mismatch.csv", [*TITLE, HEAD, unbalanced])
    expect("12_balance_mismatch.csv", "error", 4, "资产总额", "≠ liabilities")

    # one enterprise's month typed in 元 inside a file that says 万元
    months = [["甲集团", f"2022年1-{m}月", "1000", "600", "400", str(30 * m), str(28 * m), str(2 * m), str(5 * m)] for m in range(1, 7)]
    months[3] = ["甲集团", "2022年1-4月", "10000000", "6000000", "4000000", "1200000", "1120000", "80000", "200000"]
    write("13_wrong_unit_one_month.csv", [*TITLE, HEAD, *months])
    expect("13_wrong_unit_one_month.csv", "error", 7, "资产总额", "wrong unit")

    write("14_fullwidth_and_parentheses.csv", [*TITLE, HEAD,
          ["甲集团", "２０２２年１－１０月", "１，０００", "６００", "４００", "３００", "２８０", "（８.５）", "—"]])
    expect("14_fullwidth_and_parentheses.csv", "ok")

    write("15_bad_period.csv", [*TITLE, HEAD, rows_ok("2022年13月")[0]])
    expect("15_bad_period.csv", "error", 4, "报告期", "not a report period")

    falling = [["甲集团", f"2022年1-{m}月", "1000", "600", "400", str(30 * m), str(28 * m), str(2 * m), "5"] for m in range(1, 5)]
    falling[2][5] = "50"  # March YTD revenue below February's 60
    write("16_ytd_falling.csv", [*TITLE, HEAD, *falling])
    expect("16_ytd_falling.csv", "ok", 6, "营业总收入", "fell by")

    gap = [["甲集团", f"2022年1-{m}月", "1000", "600", "400", str(30 * m), str(28 * m), str(2 * m), "5"] for m in (1, 2, 3, 6, 7)]
    write("17_month_gap.csv", [*TITLE, HEAD, *gap])
    expect("17_month_gap.csv", "ok", 7, "报告期", "month(s) missing")

    (HERE / "18_not_really.xlsx").write_text("企业名称,报告期\n甲集团,2022-10\n", encoding="utf-8")
    expect("18_not_really.xlsx", "error", "", "", "not a readable XLSX")

    (HERE / "19_old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    expect("19_old_format.xls", "error", "", "", ".xls workbooks are not supported")

    write("20_no_period_anywhere.csv", [["单位：万元"], [h for h in HEAD if h != "报告期"], [r for i, r in enumerate(rows_ok()[0]) if i != 1]])
    expect("20_no_period_anywhere.csv", "error", "", "", "no period column")

    write("21_unit_in_header_yi.csv", [["2022年1-10月快报"], [f"{h}(亿元)" if i > 1 else h for i, h in enumerate(HEAD)],
                                       ["甲集团", "2022年1-10月", "10.5", "6", "4.5", "3", "2.8", "0.2", "0.5"]])
    expect("21_unit_in_header_yi.csv", "ok")

    write("22_jan_feb_combined.csv", [*TITLE, HEAD, ["甲集团", "2022年1-2月", "1000", "600", "400", "60", "56", "4", "8"],
                                      ["甲集团", "2022年1-3月", "1010", "605", "405", "90", "84", "6", "12"]])
    expect("22_jan_feb_combined.csv", "ok")

    write("23_period_in_title_only.csv", [["2022年1-10月财务快报"], ["单位：万元"], [h for h in HEAD if h != "报告期"],
                                          [r for i, r in enumerate(rows_ok()[0]) if i != 1]])
    expect("23_period_in_title_only.csv", "ok")

    write("24_script_name.csv", [*TITLE, HEAD, ["<script>alert(1)</script>", "2022年1-10月", "1", "0", "1", "1", "1", "0", "0"]])
    expect("24_script_name.csv", "error", 4, "企业名称", "unknown enterprise")

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "快报"
    sheet.append(["2022年1-10月市属国企财务快报"] + [None] * (len(HEAD) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
    sheet.append(["单位：万元"] + [None] * (len(HEAD) - 1))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=3)
    sheet.append(HEAD)
    for row in rows_ok():
        sheet.append([row[0], row[1], *[float(v) for v in row[2:]]])
    book.save(HERE / "25_merged_title.xlsx")
    expect("25_merged_title.xlsx", "ok")

    hostile(expect)

    with (HERE / "EXPECTED.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "outcome", "row", "column", "message_contains"])
        w.writerows(expected)
    (HERE / "aliases.csv").write_text("alias,enterprise\n甲集团,甲集团\n乙集团,乙集团\n甲集团有限公司,甲集团\n", encoding="utf-8")


def hostile(expect):
    """Hostile and sloppy files (issue 10): each with its documented one-line outcome."""
    from openpyxl import Workbook

    book = Workbook()  # one cell at XFD1048576: the stored used range is the whole sheet (a few KB)
    sheet = book.active
    for line in [*TITLE, HEAD, *rows_ok()]:
        sheet.append(line if isinstance(line, list) else [line])
    sheet["XFD1048576"] = 1
    book.save(HERE / "26_huge_used_range.xlsx")
    expect("26_huge_used_range.xlsx", "error", 1048576, "", "row limit")

    book = Workbook()  # written by a program, never opened in a spreadsheet: no stored values
    sheet = book.active
    for line in [*TITLE, HEAD, *rows_ok()]:
        sheet.append(line if isinstance(line, list) else [line])
    sheet["H4"] = "=F4-G4"
    book.save(HERE / "27_formula_no_value.xlsx")
    expect("27_formula_no_value.xlsx", "error", 4, "H", "formula with no stored value")

    book = Workbook()
    sheet = book.active
    sheet.title = "快报"
    for line in [*TITLE, HEAD, *rows_ok()]:
        sheet.append(line if isinstance(line, list) else [line])
    hidden = book.create_sheet("旧版")
    for line in [*TITLE, HEAD, *rows_ok("2021年1-10月")]:
        hidden.append(line if isinstance(line, list) else [line])
    hidden.sheet_state = "hidden"
    book.save(HERE / "28_hidden_sheet.xlsx")
    expect("28_hidden_sheet.xlsx", "ok", "", "", "is hidden; skipped")

    bad = rows_ok()[0][:]
    bad[3] = "1,23"  # a comma that groups two digits is no thousands separator: not 123
    write("29_misgrouped_thousands.csv", [*TITLE, HEAD, bad])
    expect("29_misgrouped_thousands.csv", "error", 4, "负债总额", "not a number: '1,23'")

    long = rows_ok()[0][:]
    long[0] = "x" * 140_000
    write("30_long_cell.csv", [*TITLE, HEAD, long])
    expect("30_long_cell.csv", "error", 4, "A", "characters (limit")

    write("31_repeated_headers.csv", [*TITLE, HEAD + ["备注"] * 4000, rows_ok()[0] + [""] * 4000])
    expect("31_repeated_headers.csv", "ok", "", "备注", "column not recognised")

    write("32_control_chars.csv", [*TITLE, HEAD + ["\x1b[2J\n备注"], rows_ok()[0] + [""]])
    expect("32_control_chars.csv", "ok", "", "\\x1b[2J\\n备注", "column not recognised")

    write("33_header_only.csv", [*TITLE, HEAD])
    expect("33_header_only.csv", "empty", 3, "", "an empty template")

    huge = rows_ok()[0][:]
    huge[2] = "1e308"
    write("34_implausible_magnitude.csv", [*TITLE, HEAD, huge])
    expect("34_implausible_magnitude.csv", "error", 4, "资产总额", "implausible figure")

    write("35_formula_injection.csv", [*TITLE, HEAD + ["=1+2"], rows_ok()[0] + [""]])
    expect("35_formula_injection.csv", "ok", "", "=1+2", "column not recognised")

    write("36_misgrouped_decimal.csv", [*TITLE, HEAD, ["甲集团", "2022年1-10月", "1000", "600", "400", "12,34.5", "280", "20", "50"]])
    expect("36_misgrouped_decimal.csv", "error", 4, "营业总收入", "not a number: '12,34.5'")


def hostile_only():
    """Write only the hostile cases and append them to EXPECTED.csv (the older files stay byte-identical)."""
    rows = []
    hostile(lambda name, outcome, row="", column="", fragment="": rows.append([name, outcome, row, column, fragment]))
    with (HERE / "EXPECTED.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


if __name__ == "__main__":
    main()
