"""Generate the demonstration refinancing register (演示融资置换台账) and remaining-debt list.

The real loan-level register of the city's SOEs is not public. This script writes a
**demonstration** register — labelled so in its title line and in ``dataset.json`` — whose
totals reproduce the published figures of the source document (2022 work summary):

    "1-10月完成存量融资置换538.83亿元，节约利息成本21.52亿元"

Basis of the published saving, as generated: the **annualised run-rate**, Σ amount × (old rate −
new rate). With 538.83亿元 refinanced that is a weighted spread of 21.52/538.83 = 3.99 points,
the gap between trust / leasing / non-standard debt at 7–9 % and bank loans or bonds at 3–4.5 %.
(Realised in 2022 alone, swaps spread over January–October could not save 21.52亿元 at any
plausible spread; `soe-analysis savings` shows every basis and which one matches.)

How the totals are hit exactly, in integers (amounts in 万元, rates in basis points):

1. 43 swaps over the 10 groups (in proportion to their interest-bearing debt), dates 2022-01-04…2022-10-31,
   instruments, terms and repayment types drawn from a seeded generator;
2. new bank-loan rates = the real LPR in force at the swap date (1-year, or 5-year for terms over
   five years; ``data/raw/reference/lpr.csv``) plus a spread of −45…+35bp; new bonds 2.90–3.95 %;
   old rates by instrument (trust 7.2–8.8 %, leasing 6.2–7.6 %, non-standard 7.5–9.2 %, bank
   loans 5.4–6.2 %, bonds 5.6–7.0 %);
3. amounts split per group and rounded to 100万元; the largest absorbs the remainder so that
   Σ amount = 5,388,300万元 (538.83亿元) exactly;
4. Σ amount × spread is brought to 2,152,000,000万元·bp (215,200万元 = 21.52亿元) exactly:
   one common shift of the old rates, then +/−1bp on single loans (largest first), then a
   transfer of the last few 万元 between two loans whose spreads differ by exactly 1bp (a
   transfer of x万元 changes the saving by x万元·bp and leaves the amount total unchanged).

Seeded (``SEED``) and written with fixed formatting: reruns give byte-identical files.
Output: ``data/raw/refinancing/融资置换台账_2022.csv``, ``存量高息融资_2022年10月末.csv`` and
``dataset.json``. Run: ``python scripts/generate_demo_register.py`` (``--check`` only compares).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import io
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "data" / "raw" / "refinancing"
LPR_FILE = ROOT / "data" / "raw" / "reference" / "lpr.csv"
REGISTER_NAME = "融资置换台账_2022.csv"
REMAINING_NAME = "存量高息融资_2022年10月末.csv"
SEED = 20221031

TOTAL_WAN = 5_388_300  # 538.83亿元
SAVING_WAN_BP = 215_200 * 10_000  # 21.52亿元 = 215,200万元 = Σ amount(万元) × spread(bp) / 10,000

# group -> (share of the amount refinanced, number of swaps). The shares follow each group's
# interest-bearing debt (带息负债) at end-2021 in the demonstration panel, so every group refinances
# about the same part (~58 %) of what it owes and none more than it has at any month since 2019
# (the panel carries the swapped debt inside its interest-bearing debt, see
# scripts/generate_demo_data.py): the asset-heavy groups (交发, 城发, 铁投) carry most of it, the
# light 数发 (whose debt was under 0.5亿元 in 2019) and 设计 almost none.
GROUPS = {
    "交发集团": (0.318, 10), "城发集团": (0.1905, 7), "铁投集团": (0.166, 6), "公用集团": (0.085, 4),
    "名城集团": (0.077, 4), "国资运营公司": (0.065, 4), "现代集团": (0.057, 3), "交运集团": (0.039, 3),
    "数发集团": (0.0005, 1), "设计集团": (0.002, 1),
}
# instrument -> (written as, old rate range bp, old remaining term range months, repayment)
OLD = {
    "trust": (("信托贷款", "信托计划"), (720, 880), (6, 36), "到期一次还本"),
    "leasing": (("融资租赁", "售后回租"), (620, 760), (12, 60), "等额本息"),
    "non_standard": (("定向融资", "债权融资计划"), (750, 920), (6, 36), "到期一次还本"),
    "bank_loan": (("银行贷款",), (540, 620), (12, 60), "等额本金"),
    "bond": (("公司债",), (560, 700), (12, 48), "到期一次还本"),
}
OLD_P = {"trust": 0.36, "leasing": 0.26, "non_standard": 0.2, "bank_loan": 0.09, "bond": 0.09}

HEADER = ["序号", "企业名称", "原融资品种", "原融资利率(%)", "置换金额(万元)", "置换日期", "原剩余期限(月)",
          "新融资品种", "新融资利率(%)", "新融资期限(月)", "还款方式", "提前还款违约金(万元)", "置换费用(万元)", "备注"]
REMAINING_HEADER = ["序号", "企业名称", "原融资品种", "原融资利率(%)", "融资余额(万元)", "原剩余期限(月)", "还款方式",
                    "提前还款违约金(万元)", "置换费用(万元)", "备注"]


def load_lpr():
    rows = list(csv.DictReader(LPR_FILE.open(encoding="utf-8-sig")))
    dates = [dt.date.fromisoformat(r["effective_date"]) for r in rows]
    one = [round(float(r["lpr_1y_pct"]) * 100) for r in rows]
    five = [round(float(r["lpr_5y_pct"]) * 100) for r in rows]
    return dates, one, five


def lpr_bp(lpr, day: dt.date, term_m: int) -> int:
    dates, one, five = lpr
    i = bisect.bisect_right(dates, day) - 1
    return five[i] if term_m > 60 else one[i]


def pct(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}"


def make_register(rng: np.random.Generator, lpr) -> list[dict]:
    days = [dt.date(2022, 1, 4) + dt.timedelta(days=int(d)) for d in range((dt.date(2022, 10, 31) - dt.date(2022, 1, 4)).days + 1)]
    workdays = [d for d in days if d.weekday() < 5]
    kinds = list(OLD_P)
    loans = []
    for group, (share, count) in GROUPS.items():
        weights = rng.dirichlet(np.full(count, 2.5))
        group_total = share * TOTAL_WAN
        for w in weights:
            kind = kinds[int(rng.choice(len(kinds), p=[OLD_P[k] for k in kinds]))]
            written, (r_lo, r_hi), (t_lo, t_hi), repay = OLD[kind]
            if kind == "bank_loan" and rng.random() < 0.5:
                repay = "到期一次还本"
            old_bp = int(rng.integers(r_lo // 5, r_hi // 5 + 1)) * 5
            old_term = int(rng.integers(t_lo, t_hi + 1))
            swap = workdays[int(rng.integers(0, len(workdays)))]
            if kind in ("bank_loan", "bond") or rng.random() < 0.3:
                new_kind = "bond"
            else:
                new_kind = "bank_loan"
            if new_kind == "bond":
                new_term = int(rng.choice([36, 60]))
                new_bp = int(rng.integers(58, 80)) * 5  # 2.90–3.95 %
                new_written = str(rng.choice(["中期票据", "公司债"]))
                fees = round(float(rng.uniform(0.003, 0.006)) * w * group_total)
            else:
                new_term = int(rng.choice([36, 48, 60, 84, 96, 120]))
                new_bp = lpr_bp(lpr, swap, new_term) + int(rng.integers(-9, 8)) * 5
                new_written = "银行贷款"
                fees = 0
            penalty_share = 0.0
            if kind in ("trust", "non_standard") and rng.random() < 0.5:
                penalty_share = float(rng.uniform(0.005, 0.02))
            elif kind == "leasing" and rng.random() < 0.4:
                penalty_share = float(rng.uniform(0.01, 0.03))
            loans.append({
                "enterprise": group, "kind": kind, "old_written": str(rng.choice(written)), "old_bp": old_bp,
                "weight": float(w), "group_total": group_total, "swap": swap, "old_term": old_term,
                "new_kind": new_kind, "new_written": new_written, "new_bp": new_bp, "new_term": new_term,
                "repay": repay, "penalty_share": penalty_share, "fees": fees,
            })
    # 3. amounts: 100万元 steps, exact total
    for loan in loans:
        loan["amount"] = int(round(loan["weight"] * loan["group_total"] / 100)) * 100
    largest = max(range(len(loans)), key=lambda i: loans[i]["amount"])
    loans[largest]["amount"] += TOTAL_WAN - sum(x["amount"] for x in loans)
    # the pair whose spreads differ by exactly 1bp: the two largest trust loans
    trusts = sorted((i for i, x in enumerate(loans) if x["kind"] == "trust"), key=lambda i: -loans[i]["amount"])
    j, k = trusts[0], trusts[1]
    loans[k]["old_bp"] = loans[k]["new_bp"] + (loans[j]["old_bp"] - loans[j]["new_bp"]) - 1

    def residual():
        return SAVING_WAN_BP - sum(x["amount"] * (x["old_bp"] - x["new_bp"]) for x in loans)

    # 4a. one common shift of the old rates
    shift = round(residual() / TOTAL_WAN)
    for loan in loans:
        loan["old_bp"] += shift
    # 4b. single-bp moves, largest loans first, never on the pair
    order = sorted((i for i in range(len(loans)) if i not in (j, k)), key=lambda i: -loans[i]["amount"])
    smallest = min(loans[i]["amount"] for i in order)
    moved = True
    while abs(residual()) >= smallest and moved:
        moved = False
        for i in order:
            d = residual()
            if loans[i]["amount"] <= abs(d):
                loans[i]["old_bp"] += 1 if d > 0 else -1
                moved = True
    # 4c. transfer between the pair: x万元 from k to j adds x万元·bp
    d = residual()
    loans[j]["amount"] += d
    loans[k]["amount"] -= d
    assert residual() == 0 and sum(x["amount"] for x in loans) == TOTAL_WAN
    assert all(x["amount"] > 0 and x["old_bp"] > x["new_bp"] for x in loans)
    for loan in loans:
        loan["penalty"] = int(round(loan["penalty_share"] * loan["amount"]))
    loans.sort(key=lambda x: (x["swap"], x["enterprise"]))
    return loans


def make_remaining(rng: np.random.Generator) -> list[dict]:
    """Debt still outstanding at end-October 2022, some of it above the LPR-based target rates."""
    rows = []
    groups = list(GROUPS)
    p = np.array([GROUPS[g][0] for g in groups])
    for _ in range(18):
        group = groups[int(rng.choice(len(groups), p=p / p.sum()))]
        kind = str(rng.choice(["trust", "leasing", "non_standard", "bank_loan", "bond"], p=[0.3, 0.25, 0.15, 0.15, 0.15]))
        written, (r_lo, r_hi), (t_lo, t_hi), repay = OLD[kind]
        rate_lo = {"bank_loan": 420, "bond": 380}.get(kind, r_lo - 60)
        rows.append({
            "enterprise": group, "old_written": str(rng.choice(written)),
            "old_bp": int(rng.integers(rate_lo // 5, r_hi // 5 + 1)) * 5,
            "amount": int(rng.integers(20, 300)) * 1000,
            "old_term": int(rng.integers(max(t_lo, 6), t_hi + 24)), "repay": repay,
        })
    for row in rows:
        share = float(rng.uniform(0.0, 0.025)) if row["old_written"] not in ("银行贷款", "公司债") else 0.0
        row["penalty"] = int(round(share * row["amount"]))
        row["fees"] = int(round(float(rng.uniform(0.0, 0.004)) * row["amount"]))
    rows.sort(key=lambda r: (-r["old_bp"], r["enterprise"]))
    return rows


def render_register(loans) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["2022年1-10月市属国企存量融资置换台账（演示数据，非真实企业数据）"])
    w.writerow(["单位：万元；利率为年利率"])
    w.writerow(HEADER)
    for n, x in enumerate(loans, start=1):
        w.writerow([n, x["enterprise"], x["old_written"], pct(x["old_bp"]), f"{x['amount']:,}", x["swap"].isoformat(),
                    x["old_term"], x["new_written"], pct(x["new_bp"]), x["new_term"], x["repay"],
                    x["penalty"] or "", x["fees"] or "", ""])
    w.writerow(["", "合计", "", "", f"{sum(x['amount'] for x in loans):,}", "", "", "", "", "", "", "", "", ""])
    w.writerow(["注：演示数据由 scripts/generate_demo_register.py 生成（种子 %d），合计与公开数据一致：置换538.83亿元、年化节约利息21.52亿元。" % SEED])
    return buf.getvalue()


def render_remaining(rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["2022年10月末市属国企存量高息融资清单（演示数据，非真实企业数据）"])
    w.writerow(["单位：万元；利率为年利率"])
    w.writerow(REMAINING_HEADER)
    for n, x in enumerate(rows, start=1):
        w.writerow([f"S{n:02d}", x["enterprise"], x["old_written"], pct(x["old_bp"]), f"{x['amount']:,}",
                    x["old_term"], x["repay"], x["penalty"] or "", x["fees"] or "", ""])
    return buf.getvalue()


def swaps() -> list[dict]:
    """The register's swaps (enterprise, amount 万元, old/new rate bp, swap date), exactly as written.

    ``scripts/generate_demo_data.py`` builds each group's interest expense from them, so the
    panel's interest includes the swapped debt: at its old rate until the swap, its new rate after.
    """
    return make_register(np.random.default_rng(SEED), load_lpr())


def outputs() -> dict[str, bytes]:
    rng = np.random.default_rng(SEED)
    lpr = load_lpr()
    loans = make_register(rng, lpr)
    remaining = make_remaining(rng)
    meta = {"dataset": "demonstration",
            "source": f"演示台账，由 scripts/generate_demo_register.py 生成（种子 {SEED}）/ demonstration register, "
                      "generated, not real enterprise data"}
    return {
        REGISTER_NAME: render_register(loans).encode("utf-8-sig"),
        REMAINING_NAME: render_remaining(remaining).encode("utf-8-sig"),
        "dataset.json": (json.dumps(meta, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    files = outputs()
    if args.check:
        stale = [n for n, b in files.items() if not (args.out / n).exists() or (args.out / n).read_bytes() != b]
        print("up to date" if not stale else f"differs: {', '.join(stale)}")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():  # whole or not at all
        with tempfile.NamedTemporaryFile("wb", dir=args.out, suffix=".tmp", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, args.out / name)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
