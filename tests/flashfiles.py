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
