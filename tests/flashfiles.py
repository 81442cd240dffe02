"""Writing small flash-report files for tests (the layout of data/raw/README.md)."""

from __future__ import annotations

import csv
from pathlib import Path

HEADERS = {
    "total_assets": "资产总额", "total_liabilities": "负债总额", "equity": "所有者权益合计",
    "revenue": "营业总收入", "total_profit": "利润总额", "investment_completed": "投资完成额",
}


def write_flash_csv(path: Path, rows: list[dict], unit: str = "万元", title: str = "财务快报",
                    encoding: str = "utf-8-sig") -> Path:
    """rows: dicts with enterprise, period and canonical line names (values as in the file)."""
    lines = sorted({k for r in rows for k in r} - {"enterprise", "period"}, key=list(HEADERS).index)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow([title])
        w.writerow([f"单位：{unit}"])
        w.writerow(["企业名称", "报告期", *[HEADERS[k] for k in lines]])
        for r in rows:
            w.writerow([r["enterprise"], r["period"], *[r.get(k, "") for k in lines]])
    return path


def write_aliases(path: Path, names: list[str]) -> Path:
    path.write_text("alias,enterprise\n" + "".join(f"{n},{n}\n" for n in names), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- official layouts
# Written independently of the readers (and of scripts/generate_demo_data.py): the layouts as a
# city SASAC receives them, with merged indicator cells, 序号, notes, numbered form items.

SUMMARY_LINES = {  # line → (indicator, sub-columns); stocks carry 期末数 · 年初数, flows 本年累计 · 上年同期 · 同比
    "total_assets": ("资产总额", ("期末数", "年初数")), "total_liabilities": ("负债总额", ("期末数", "年初数")),
    "equity": ("所有者权益", ("期末数", "年初数")),
    "revenue": ("营业总收入", ("本年累计", "上年同期", "同比增减(%)")),
    "total_profit": ("利润总额", ("本年累计", "上年同期累计", "增减额")),
    "investment_completed": ("投资完成额", ("本年累计", "上年同期", "同比增减(%)")),
}


def _derived(sub: str, now, before) -> str:
    if sub.startswith("同比"):
        return f"{(now / before - 1) * 100:.2f}" if before else "—"
    return str(now - before)


def summary_rows(period: str, rows: list[dict], unit: str = "万元") -> list[list[str]]:
    """A summary table (汇总表) as grid rows. rows: dicts with enterprise and line values; a flow
    ``x`` may carry ``x_prior`` (上年同期); stocks ``x_open`` (年初数, ignored by the reader)."""
    lines = [k for k in SUMMARY_LINES if any(k in r for r in rows)]
    top, sub = ["序号", "企业名称"], ["", ""]
    for k in lines:
        name, subs = SUMMARY_LINES[k]
        top += [name] + [""] * (len(subs) - 1)
        sub += list(subs)
    grid = [[f"{period}市属国有企业主要财务指标汇总表"], [f"单位：{unit}"], top, sub]
    for i, r in enumerate(rows, start=1):
        cells = [str(i), r["enterprise"]]
        for k in lines:
            _, subs = SUMMARY_LINES[k]
            now, before = r.get(k, ""), r.get(f"{k}_prior", r.get(f"{k}_open", ""))
            cells += [str(now), str(before)]
            if len(subs) == 3:
                cells.append(_derived(subs[2], now, before) if now != "" and before != "" else "")
        grid.append(cells)
    grid.append(["注：同比按上年同期可比口径计算。"])
    return grid


def write_grid_csv(path: Path, grid: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(grid)
    return path


FORM_ITEMS = [  # (label as printed, line, kind)
    ("一、营业总收入", "revenue", "flow"), ("  减：营业成本", "operating_cost", "flow"),
    ("      财务费用", "finance_expense", "flow"), ("      其中：利息费用", "interest_expense", "flow"),
    ("  加：其他收益", "other_income", "flow"), ("二、利润总额（亏损总额以“－”号填列）", "total_profit", "flow"),
    ("三、投资完成额", "investment_completed", "flow"), ("四、资产总额", "total_assets", "stock"),
    ("五、负债总额", "total_liabilities", "stock"), ("六、所有者权益合计", "equity", "stock"),
]


def form_rows(preparer: str | None, period_title: str, figures: dict, unit: str = "万元") -> list[list[str]]:
    """An enterprise form (企业财务快报) as grid rows. figures: line → value; a flow may carry
    ``x_prior`` (上年同期累计数) and ``x_month`` (本月数)."""
    grid = [["企业财务快报"], [period_title], [f"编制单位：{preparer}" if preparer else "", "", f"金额单位：{unit}"],
            ["项目", "行次", "本月数", "本年累计数", "上年同期累计数", "期末余额", "年初余额"]]
    for n, (label, line, kind) in enumerate(FORM_ITEMS, start=1):
        if line not in figures:
            continue
        value = figures[line]
        if kind == "flow":
            grid.append([label, str(n), f"{figures.get(line + '_month', ''):}", str(value),
                         str(figures[line + "_prior"]) if line + "_prior" in figures else "", "", ""])
        else:
            grid.append([label, str(n), "", "", "", str(value), ""])
    grid.append(["单位负责人：", "", "财务负责人：", "", "制表人："])
    return grid


def write_form_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """One workbook, one sheet per enterprise form (sheet name → grid rows)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, grid in sheets.items():
        sheet = book.create_sheet(title)
        for row in grid:
            sheet.append([_number_or_text(c) for c in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _number_or_text(cell: str):
    try:
        return float(cell)
    except ValueError:
        return cell or None
