"""Ingest + validation speed and memory: generated flash-report CSVs, 100 and 1,000 enterprises × 120 months,
against a floor timed in the same run: pandas reading the same files (read_csv + concat + to_parquet),
on wall time and on CPU time (the latter steadier when other work shares the machine).

Each run is a fresh child process, so the peak resident memory printed is that run's own (it
includes the Python interpreter and pandas, ~150 MB). Goal on the 2-core machine: the
1,000-enterprise wide run within 2× the floor, ≤ 1 GiB, cost linear in rows. The enterprise-form
layout (one CSV form per enterprise and month, 1,000 a month) is benched too, for a few months.

    python bench/bench_ingest.py [--sizes 100,1000] [--months 120] [--form-enterprises 1000] [--form-months 3]
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


def _enterprises(folder: Path, enterprises: int, seed: int):
    """(random generator, names, sizes in 万元) of the bench's enterprises, with their alias file."""
    import numpy as np

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"企业{i:04d}" for i in range(enterprises)]
    (folder.parent / "enterprise_aliases.csv").write_text(
        "alias,enterprise\n" + "".join(f"{n},{n}\n" for n in names), encoding="utf-8")
    return rng, names, rng.uniform(1e4, 1e6, enterprises).round()


def generate(folder: Path, enterprises: int, months: int) -> int:
    """One CSV per month (title, unit line, header, one row per enterprise, 合计); returns data rows."""
    import numpy as np

    rng, names, size = _enterprises(folder, enterprises, seed=7)
    monthly = np.maximum(rng.normal(1.0, 0.2, (months, enterprises, 21)), 0) * (size[:, None] / 200)
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


def generate_forms(folder: Path, enterprises: int, months: int) -> int:
    """One enterprise form (企业财务快报, items as rows) per enterprise and month, as CSV."""
    rng, names, size = _enterprises(folder, enterprises, seed=11)
    flows = HEADERS[5:]
    for t in range(months):
        year, month = 2023, t + 1
        month_dir = folder / f"{year}-{month:02d}"
        month_dir.mkdir(parents=True, exist_ok=True)
        for e, name in enumerate(names):
            assets = round(size[e] * (1 + 0.002 * t))
            liabilities = round(assets * 0.6)
            period = f"{year}年{month}月" if month == 1 else f"{year}年1-{month}月"
            lines = ["企业财务快报", period, f"编制单位：{name},,金额单位：万元",
                     "项目,行次,本月数,本年累计数,上年同期累计数,期末余额,年初余额"]
            for k, label in enumerate(flows, start=1):
                per_month = round(size[e] / 200 * (1 + 0.01 * k))
                lines.append(f"{label},{k},{per_month},{per_month * month},{per_month * month - k},,")
            lines += [f"资产总额,90,,,,{assets},", f"负债总额,91,,,,{liabilities},",
                      f"所有者权益合计,92,,,,{assets - liabilities},"]
            (month_dir / f"{name}_{period}快报.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return enterprises * months


def floor(raw: str, out: str, skiprows: int = 2) -> tuple[float, float]:
    """The same files read by pandas alone: read_csv + concat + to_parquet (no checks, no cleaning).
    ``skiprows``: title lines above the header (2 for the wide files, 3 for the forms).
    Returns (wall seconds, CPU seconds of the process, all threads)."""
    import pandas as pd
    import pyarrow.parquet  # noqa: F401  (imported before the clock, as ingest's imports are)

    files = sorted(Path(raw).rglob("*.csv"))
    start, cpu = time.perf_counter(), time.process_time()
    frames = [pd.read_csv(f, skiprows=skiprows) for f in files]
    table = pd.concat(frames, ignore_index=True)
    table.columns = [str(c) for c in table.columns]
    table.to_parquet(Path(out) / "floor.parquet", index=False)
    return time.perf_counter() - start, time.process_time() - cpu


def child(raw: str, out: str, skiprows: str = "2") -> None:
    """Runs in the child: the pandas floor, then ingest (read, clean, validate, write); seconds of each."""
    Path(out).mkdir(parents=True, exist_ok=True)
    floor_seconds, floor_cpu = floor(raw, out, int(skiprows))
    start = time.perf_counter()
    from soe_analysis.io.ingest import ingest

    imported, cpu = time.perf_counter(), time.process_time()
    result = ingest(raw, out)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    errors = int((result.quality["severity"] == "error").sum()) if len(result.quality) else 0
    print(json.dumps({"seconds": done - imported, "import_seconds": imported - start, "floor_seconds": floor_seconds,
                      "cpu": cpu, "floor_cpu": floor_cpu,
                      "rows": len(result.panel), "errors": errors}))


def run(label: str, raw: Path, out: Path, rows: int, skiprows: int = 2) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, __file__, "--child", str(raw), str(out), str(skiprows)],
                          capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux; max over children
    figures = json.loads(proc.stdout)
    assert figures["rows"] == rows and figures["errors"] == 0, figures
    print(f"{label:>16} {rows:>8} {figures['seconds']:>8.2f} {figures['floor_seconds']:>8.2f} "
          f"{figures['seconds'] / figures['floor_seconds']:>6.2f} {rows / figures['seconds']:>9.0f} "
          f"{max(peak, before) / 1024:>9.0f} {figures['cpu'] / figures['floor_cpu']:>9.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--form-enterprises", type=int, default=1000)
    parser.add_argument("--form-months", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    print(f"{'layout':>16} {'rows':>8} {'seconds':>8} {'floor s':>8} {'ratio':>6} {'rows/s':>9} {'peak MiB':>9} {'cpu ratio':>9}"
          "  (ingest + validate + write vs pandas read_csv + concat + to_parquet; imports excluded;\n"
          f"{'':>18}cpu ratio: the same on CPU seconds, steadier than wall time on a shared machine)")
    for n in map(int, args.sizes.split(",")) if args.sizes else []:
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw" / "flash_reports"
            rows = generate(raw, n, args.months)
            run(f"wide {n}", raw, Path(tmp) / "out", rows)
    if args.form_months:
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw" / "flash_reports"
            rows = generate_forms(raw, args.form_enterprises, args.form_months)
            run(f"forms {args.form_enterprises}", raw, Path(tmp) / "out", rows, skiprows=3)


if __name__ == "__main__":
    main()
