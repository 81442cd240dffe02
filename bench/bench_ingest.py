"""Ingest + validation speed and memory: generated flash-report CSVs, 100 and 1,000 enterprises × 120 months.

Each size runs in a fresh child process, so the peak resident memory printed is that run's own
(it includes the Python interpreter and pandas, ~150 MB). Goal on the 2-core machine: the
1,000-enterprise run in ≤ 5 s and ≤ 1 GiB, with cost linear in rows.

    python bench/bench_ingest.py [--sizes 100,1000] [--months 120]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["资产总额", "负债总额", "所有者权益合计", "带息负债", "从业人员", "营业总收入", "营业总成本", "营业成本",
           "税金及附加", "销售费用", "管理费用", "研发费用", "财务费用", "其中：利息费用", "其他收益", "投资收益",
           "营业外收入", "营业外支出", "利润总额", "净利润", "折旧(摊销)", "职工薪酬", "非经常性损益",
           "经营活动现金流量净额", "投资完成额", "研发经费投入"]


def generate(folder: Path, enterprises: int, months: int) -> int:
    """One CSV per month (title, unit line, header, one row per enterprise, 合计); returns data rows."""
    import numpy as np

    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"企业{i:04d}" for i in range(enterprises)]
    (folder.parent / "enterprise_aliases.csv").write_text(
        "alias,enterprise\n" + "".join(f"{n},{n}\n" for n in names), encoding="utf-8")
    size = rng.uniform(1e4, 1e6, enterprises).round()
    monthly = np.maximum(rng.normal(1.0, 0.2, (months, enterprises, 20)), 0) * (size[:, None] / 200)
    rows = 0
    for t in range(months):
        year, month = 2013 + t // 12, t % 12 + 1
        ytd = monthly[t - month + 1:t + 1].sum(axis=0).round()
        assets = size * (1 + 0.002 * t)
        liabilities = (assets * 0.6).round()
        equity = assets.round() - liabilities
        path = folder / f"{year}" / f"{year}年1-{month}月快报.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        period = f"{year}年1-{month}月"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([f"{period}财务快报"])
            w.writerow(["单位：万元"])
            w.writerow(["企业名称", "报告期", *HEADERS])
            table = []
            for e in range(enterprises):
                row = [assets[e].round(), liabilities[e], equity[e], liabilities[e] * 0.5 // 1, 1000, *ytd[e, :21]]
                table.append(row)
                w.writerow([names[e], period, *(f"{v:.0f}" for v in row)])
            w.writerow(["合计", period, *(f"{v:.0f}" for v in np.sum(table, axis=0))])
        rows += enterprises
    return rows


def child(raw: str, out: str) -> None:
    """Runs in the child: ingest (read, clean, validate, write) and report seconds."""
    start = time.perf_counter()
    from soe_analysis.io.ingest import ingest

    imported = time.perf_counter()
    result = ingest(raw, out)
    done = time.perf_counter()
    errors = int((result.quality["severity"] == "error").sum()) if len(result.quality) else 0
    print(json.dumps({"seconds": done - imported, "import_seconds": imported - start,
                      "rows": len(result.panel), "errors": errors}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    print(f"{'enterprises':>11} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}  (ingest + validate + write; import excluded)")
    for n in map(int, args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw" / "flash_reports"
            rows = generate(raw, n, args.months)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            proc = subprocess.run([sys.executable, __file__, "--child", str(raw), str(Path(tmp) / "out")],
                                  capture_output=True, text=True, check=True)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux; max over children
            figures = json.loads(proc.stdout)
            assert figures["rows"] == rows and figures["errors"] == 0, figures
            print(f"{n:>11} {rows:>8} {figures['seconds']:>8.2f} {rows / figures['seconds']:>9.0f} "
                  f"{max(peak, before) / 1024:>9.0f}")


if __name__ == "__main__":
    main()
