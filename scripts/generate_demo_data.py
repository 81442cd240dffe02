#!/usr/bin/env python
"""Generate the shipped demonstration dataset: monthly flash reports (财务快报) of 10 municipal SOE groups.

THIS IS DEMONSTRATION DATA, NOT REAL ENTERPRISE DATA. The real enterprise-level flash reports are
not public. The series below are invented (trends, seasonality, seeded noise) and then
*calibrated* so that, summed over the 10 groups, they reproduce every figure the source document
(the city SASAC's 2022 work summary, ``seed/000_3bd06ff91fcfdd60.txt``) publishes, to the printed
digits.

Usage::

    python scripts/generate_demo_data.py            # writes into data/raw/
    python scripts/generate_demo_data.py --out DIR  # writes DIR/flash_reports/… and DIR/enterprise_aliases.csv

Output (all amounts integers in 万元; flows year-to-date 本年累计, stocks month-end levels,
从业人员 in persons):

- ``flash_reports/YYYY/YYYY年1-M月财务快报.csv`` (January: ``YYYY年1月财务快报.csv``), one file per
  month 2019-01 … 2022-12. 2019 files are GBK-encoded (as older Excel exports are), 2020–2022
  UTF-8 with BOM. Line 1 a title (``2022年1-10月市属国企财务快报``), line 2 ``单位：万元``, line 3
  the header ``企业名称,报告期,资产总额,…`` (every line of :data:`soe_analysis.schema.LINES`, see
  :data:`HEADERS`), then one row per enterprise and a ``合计`` row equal to the exact column sums.
  Rows are padded with commas to the header's width, as Excel writes CSV. In 2019–2020 files a
  few groups appear under their full legal names (resolved by the alias file).
- ``flash_reports/2023/2023年1-M月财务快报.xlsx``, 2023-01 … 2023-09, in the two official
  layouts (see ``docs/io.md``): enterprise forms (企业财务快报: one sheet per group, items as rows
  printed as on the form — ``一、营业总收入``, ``其中：利息费用`` — with 本月数 · 本年累计数 ·
  上年同期累计数, balances in 期末余额 · 年初余额, a ``编制单位：`` line with the legal name), and
  for 2023-06 (:data:`SUMMARY_MONTH`) the city summary table (汇总表: merged indicator cells over
  本年累计 · 上年同期 · 同比增减(%), stocks 期末数 · 年初数, 序号, 合计 row, a note). Same figures
  as the wide layout would carry (the ingested panel is identical). The zip entries carry a fixed
  timestamp and the document properties a fixed date, so the bytes do not depend on when it ran.
- ``flash_reports/dataset.json``: ``{"label": "demonstration", …}``.
- ``enterprise_aliases.csv``: ``alias,enterprise`` (short name → itself, masked full legal
  names such as ``*市交通发展集团有限公司`` → ``交发集团``, and other spellings).

Determinism: one seed (:data:`SEED`); every enterprise draws from its own
``numpy.random.default_rng([SEED, k])`` stream in a fixed order; nothing depends on dict/set
iteration order beyond insertion order, on the clock, or on the locale. Two runs give
byte-identical files (tested).

How the series are built
------------------------
Stocks. Each group has asset levels and debt ratios at a few knots (2019-01, 2019-12, 2022-10,
2023-09), log-/linearly interpolated month by month with AR(1) noise. The 10 groups' assets are
then rescaled each month by one common factor so that their sum follows an aggregate path through
the knots in :data:`ASSET_PATH` (equity likewise, :data:`EQUITY_PATH`); liabilities = assets −
equity, so the balance-sheet identity is exact. Interest-bearing debt is a share of liabilities.

Flows. For each group and year, each line's monthly values are an annual level × a seasonal
profile (:data:`SEASONAL`: Spring-Festival dip in Jan/Feb, higher December revenue, investment and
R&D bunched in Q4 and December especially, staff bonuses in December) × shocks (COVID: Q1 2020
dip, worst for the transport groups, tolls waived Feb–May 2020; a weak Nov–Dec 2022) × noise.
Interest expense agrees with the demonstration refinancing register
(``scripts/generate_demo_register.py``, rebuilt here from its seed): each group's interest-bearing
debt contains the debt it refinances (538.83亿元 in all, ~58% of end-2021 debt), which carries the
register's own rates — the old 7–9% until each swap date, the new 3–4% after — and the rest of the
debt carries a yearly rate (3.9–4.8%) / 12. So the swaps' saving is part of the panel's interest
expense and of the fall in its implied rate (at 2022-10: swaps −9.25 of a rate effect of −9.61亿元),
not 18× it. New borrowing for the 2022 investment drive raises interest-bearing debt relative to
liabilities by :data:`DEBT_DRIVE_2022` through 2022, so the group's interest still rises a little
(the volume effect outweighs the swaps), as the source document implies for 交发集团. 铁投集团
receives a fiscal interest subsidy (贴息, in other income) so its thin rail revenue covers the
high-rate debt. Operating cost is depreciation + staff cost + "other operating cost",
and other operating cost is the *plug*: for every group, year and block of months
(Jan–Oct, Nov–Dec) it is set so that the block's total profit equals a designed value, then spread
over the months in proportion to revenue. All lines are rounded to whole 万元 month by month
*before* totals are derived, so these identities hold exactly for every row:

- total_cost = operating_cost + taxes_surcharges + selling + admin + rnd_expense + finance_expense;
- total_profit = revenue − total_cost + other_income + investment_income + non_operating_income
  − non_operating_expense;
- net_profit = total_profit − income tax, tax = 25% of positive YTD profit, 0 on a YTD loss;
- finance_expense = interest_expense − interest income + fees (so interest ≤ finance + interest
  income); depreciation + staff_cost ≤ operating_cost; rnd_expense ≤ rnd_spending;
- one_off_items = special items in other income + disposal gains in investment income +
  non-operating income − non-operating expense (an "of which" amount);
- monthly flows of non-negative lines ≥ 0, so their YTD never falls; YTD = cumulative sum of the
  whole-万元 monthly values.

How each published figure is hit exactly (all checked by :func:`check_anchors` before any file is
written; the run fails loudly otherwise)
-----------------------------------------------------------------------------------------------
Sums over the 10 groups, ÷10,000 to 亿元, rounded half-up to 2 dp; growth = (now/before − 1)×100.

- 2022-10 assets 3325.44亿元, +7.98%: the aggregate asset path passes exactly through
  33,254,400 万元 at 2022-10 and 30,796,800 at 2021-10 (33,254,400/30,796,800 = 1.07980 → 7.98%);
  after rounding each group to whole 万元 the integer residual goes to 交发集团.
- 2022-10 equity 1167.15亿元, +0.32%: equity path through 11,671,500 (2022-10) and 11,634,270
  (2021-10): 11,671,500/11,634,270 = 1.00320 → 0.32%. Debt ratio then follows:
  (33,254,400 − 11,671,500)/33,254,400 = 64.902% → 64.90%.
- Jan–Oct 2022 revenue 288.46亿元, +33.25%: each group's Jan–Oct revenue is drawn around a
  designed level, the total's integer residual goes to 现代集团 so the sum is 2,884,600 (2022) and
  2,164,800 (2021; 2,884,600/2,164,800 = 1.33250 → 33.25%); each group's months are scaled to its
  Jan–Oct total and the rounding residual put into October.
- Jan–Oct total profit −5.41亿元, −9.94亿元 YoY; 交发集团 −6.46, 交运集团 −3.61: designed Jan–Oct
  profits per group (交发 −64,600 and 交运 −36,100 exactly in 2022; 交发 +15,200 and 交运 −12,000 in
  2021; the other eight positive, drawn around designed levels, residual to 城发集团) summing to
  −54,100 (2022) and 45,300 (2021); the plug makes each group's Jan–Oct profit exactly its target.
- Jan–Oct 2022 investment completed 290亿元: each group's Jan–Oct 2022 investment is drawn around
  its share of 2,900,000, residual to 城发集团, months scaled, rounding residual into October.
- 2019-12 assets 2638.18, liabilities 1660.15, equity 978.04 (debt ratio 62.93%): the paths pass
  through 26,381,840 (assets) and 9,780,380 (equity), so liabilities = 16,601,460; note
  1660.15 + 978.04 = 2638.19 ≠ 2638.18 after rounding, exactly as published.

Soft targets (near, not exact): 2022 revenue ≈ 330亿元, year-end 2022 assets ≈ 3420亿元, 2022 total
profit ≈ −7亿元 (the implied baselines of the 2023 targets 380 / 3800 / 5); Jan–Sep 2023 recovering
(revenue up ~10–15% on Jan–Sep 2022, profit back above zero, assets heading to ~3800).

The document's stories, built in: 交发集团 booked a one-off ~4.1亿元 of Ministry-of-Transport
interest in other income in June 2021 (also in one_off_items); the 北口大桥 opened in January 2022,
so its depreciation steps up (~+1.75亿 Jan–Oct) and its interest stops being capitalised (~+2亿
finance costs). 交运集团's depreciation (new buses) and staff costs (social insurance) rise in 2022
on flat revenue. 现代集团's trade revenue nearly doubles in 2022.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from soe_analysis.metrics import WAN_PER_YI  # noqa: E402  (the script runs from any directory)
from soe_analysis.schema import LINES  # noqa: E402

SEED = 20221031
FIRST = (2019, 1)
LAST = (2023, 9)
YEARS = (2019, 2020, 2021, 2022, 2023)
ANCHOR_YEARS = (2021, 2022)  # years whose Jan–Oct totals are calibrated to published figures
UNIT = "万元"

# Exact header of each line in the files (order: schema.LINES).
HEADERS = {
    "total_assets": "资产总额", "total_liabilities": "负债总额", "equity": "所有者权益合计",
    "interest_bearing_debt": "带息负债", "employees": "从业人员", "revenue": "营业总收入",
    "total_cost": "营业总成本", "operating_cost": "营业成本", "taxes_surcharges": "税金及附加",
    "selling_expense": "销售费用", "admin_expense": "管理费用", "rnd_expense": "研发费用",
    "finance_expense": "财务费用", "interest_expense": "其中：利息费用", "other_income": "其他收益",
    "investment_income": "投资收益", "non_operating_income": "营业外收入",
    "non_operating_expense": "营业外支出", "total_profit": "利润总额", "net_profit": "净利润",
    "depreciation": "折旧(摊销)", "staff_cost": "职工薪酬", "one_off_items": "非经常性损益",
    "operating_cash_flow": "经营活动现金流量净额", "investment_completed": "投资完成额",
    "rnd_spending": "研发经费投入",
}
LINE_ORDER = tuple(ln.name for ln in LINES)
FLOW_LINES = tuple(ln.name for ln in LINES if ln.kind == "flow")
STOCK_LINES = tuple(ln.name for ln in LINES if ln.kind == "stock")
NONNEG_FLOWS = tuple(ln.name for ln in LINES if ln.kind == "flow" and ln.nonneg)

# ---------------------------------------------------------------------------------------------
# Published figures (万元) and the aggregate stock paths through them
# ---------------------------------------------------------------------------------------------
PUBLISHED = {
    "assets_2022_10": 33_254_400, "assets_2021_10": 30_796_800,
    "equity_2022_10": 11_671_500, "equity_2021_10": 11_634_270,
    "revenue_janoct_2022": 2_884_600, "revenue_janoct_2021": 2_164_800,
    "profit_janoct_2022": -54_100, "profit_janoct_2021": 45_300,
    "profit_janoct_2022_交发集团": -64_600, "profit_janoct_2022_交运集团": -36_100,
    "investment_janoct_2022": 2_900_000,
    "assets_2019_12": 26_381_840, "equity_2019_12": 9_780_380,
}
# Aggregate month-end paths (万元) at knots; log-linear in between. Hard anchors are exact.
ASSET_PATH = {
    (2019, 1): 25_300_000, (2019, 12): PUBLISHED["assets_2019_12"], (2020, 12): 28_500_000,
    (2021, 10): PUBLISHED["assets_2021_10"], (2021, 12): 31_300_000,
    (2022, 10): PUBLISHED["assets_2022_10"], (2022, 12): 34_200_000, (2023, 9): 37_000_000,
}
EQUITY_PATH = {
    (2019, 1): 9_560_000, (2019, 12): PUBLISHED["equity_2019_12"], (2020, 12): 10_850_000,
    (2021, 10): PUBLISHED["equity_2021_10"], (2021, 12): 11_690_000,
    (2022, 10): PUBLISHED["equity_2022_10"], (2022, 12): 11_650_000, (2023, 9): 12_450_000,
}
HARD_STOCK_ANCHORS = ((2019, 12), (2021, 10), (2022, 10))

# Growth of interest-bearing debt relative to liabilities over 2022 (new borrowing for investment).
DEBT_DRIVE_2022 = 0.35
# Yearly interest rate on interest-bearing debt (percent), before each group's offset.
INTEREST_RATE = {2019: 4.80, 2020: 4.65, 2021: 4.55, 2022: 4.20, 2023: 3.90}
# Annual investment completed by all groups (亿元, before shocks); 2022 is set by the anchor.
INVESTMENT_TOTAL = {2019: 280.0, 2020: 300.0, 2021: 330.0, 2022: 382.0, 2023: 350.0}
INCOME_TAX_RATE = 0.25

# Seasonal profiles (relative weights by month, mean 1 after normalising).
SEASONAL = {
    "revenue": (0.90, 0.75, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.35),
    "admin": (0.90, 0.80, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.75),
    "staff": (1.15, 0.85, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 1.45),
    "other_income": (0.75, 0.75, 0.75, 0.75, 0.75, 2.0, 0.75, 0.75, 0.75, 0.75, 0.75, 2.5),
    "investment_income": (0.74, 0.74, 0.74, 0.74, 0.74, 1.8, 0.74, 0.74, 0.74, 0.74, 0.74, 2.8),
    "investment": (0.6, 0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.8),
    "rnd": (0.5, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 2.9),
    # working-capital swing of operating cash flow, as a share of the month's revenue
    "cash": (-0.25, -0.15, -0.05, 0, 0, 0.05, 0, 0, 0.05, 0, 0.05, 0.30),
}


def _profile(name: str) -> np.ndarray:
    w = np.asarray(SEASONAL[name], dtype=float)
    return w / w.mean() if name != "cash" else w


# ---------------------------------------------------------------------------------------------
# The ten groups. Amounts in 亿元 per year unless stated; a plain number is the 2022 level, grown
# by `growth` a year; a dict gives the level per year.
# ---------------------------------------------------------------------------------------------
GROUPS = (
    dict(name="交发集团", legal="*市交通发展集团有限公司", legal_in_early_files=True,
         aliases=("市交发集团", "交通发展集团", "*交发集团"),
         assets=(720, 860, 940), debt_ratio=(0.66, 0.69, 0.70), ibd_share=0.55, rate_offset=0.0,
         # Interest on the 北口大桥 was capitalised while it was being built; expensed from 2022.
         interest_expensed={2019: 0.80, 2020: 0.80, 2021: 0.80, 2022: 1.0, 2023: 1.0},
         interest_income_ratio=0.04, employees=(2300, 2650),
         revenue={2019: 27.0, 2020: 27.0, 2021: 21.0, 2022: 22.0, 2023: 31.0},
         taxes=0.02, selling=0.005, admin=2.5, staff=3.0,
         depreciation={2019: 5.4, 2020: 5.7, 2021: 6.0, 2022: 8.1, 2023: 8.5},  # bridge opens 2022
         rnd_intensity=0.003, rnd_expensed=0.6,
         # 2020: compensation for the toll waiver
         other_income={2019: 3.0, 2020: 4.5, 2021: 3.0, 2022: 3.0, 2023: 4.0}, investment_income=1.0,
         profit={2019: 1.0, 2020: -1.5, 2021: (1.52, 0.35), 2022: (-6.46, -1.30), 2023: -2.5},
         investment_share=0.235),
    dict(name="交运集团", legal="*市交通运输集团有限公司", legal_in_early_files=True,
         aliases=("市交运集团", "交通运输集团"),
         assets=(100, 130, 140), debt_ratio=(0.57, 0.64, 0.65), ibd_share=0.50, rate_offset=0.10,
         interest_income_ratio=0.03, employees=(6500, 6950),
         revenue={2019: 13.0, 2020: 13.2, 2021: 10.08, 2022: 10.05, 2023: 13.5},
         taxes=0.01, selling=0.005, admin=1.0,
         staff={2019: 6.6, 2020: 6.2, 2021: 7.0, 2022: 8.3, 2023: 8.6},  # social insurance up 2022
         depreciation={2019: 2.1, 2020: 2.3, 2021: 2.4, 2022: 3.8, 2023: 4.0},  # new buses 2022
         rnd_intensity=0.002, rnd_expensed=0.6,
         other_income={2019: 5.8, 2020: 7.5, 2021: 6.6, 2022: 6.9, 2023: 7.2}, investment_income=0.1,
         profit={2019: -0.8, 2020: -2.2, 2021: (-1.20, -0.30), 2022: (-3.61, -0.80), 2023: -2.6},
         investment_share=0.010),
    dict(name="现代集团", legal="*市现代服务业投资集团有限公司", legal_in_early_files=False,
         aliases=("市现代集团", "现代服务业集团"),
         assets=(120, 190, 225), debt_ratio=(0.62, 0.66, 0.67), ibd_share=0.50, rate_offset=-0.10,
         interest_income_ratio=0.20, employees=(2100, 2400),
         revenue={2019: 55.0, 2020: 58.0, 2021: 55.0, 2022: 105.0, 2023: 160.0},
         taxes=0.003, selling=0.015, admin=2.0, staff=3.5, depreciation=1.5,
         rnd_intensity=0.002, rnd_expensed=0.6, other_income=0.5, investment_income=1.0,
         profit={2019: 0.6, 2020: 0.5, 2021: (0.55, 0.15), 2022: (1.05, 0.10), 2023: 1.6},
         investment_share=0.014),
    dict(name="数发集团", legal="*市数字发展集团有限公司", legal_in_early_files=False,
         aliases=("*数发集团", "市数发集团"),
         assets=(6, 25, 32), debt_ratio=(0.27, 0.42, 0.44), ibd_share=0.30, rate_offset=0.10,
         interest_income_ratio=0.30, employees=(150, 420), growth=0.35,
         revenue={2019: 0.8, 2020: 1.1, 2021: 1.5, 2022: 3.0, 2023: 5.0},
         taxes=0.006, selling=0.02, admin=0.3, staff=0.8, depreciation=0.15,
         rnd_intensity=0.06, rnd_expensed=0.85, other_income=0.1, investment_income=0.0,
         profit={2019: 0.0, 2020: 0.01, 2021: (0.03, 0.02), 2022: (0.12, 0.03), 2023: 0.25},
         investment_share=0.003),
    dict(name="设计集团", legal="*设计集团有限公司", legal_in_early_files=False,
         aliases=("市设计集团",),
         assets=(22, 30, 34), debt_ratio=(0.44, 0.44, 0.45), ibd_share=0.15, rate_offset=-0.10,
         interest_income_ratio=0.50, employees=(1550, 1700),
         revenue={2019: 9.0, 2020: 9.5, 2021: 8.5, 2022: 9.0, 2023: 12.0},
         taxes=0.008, selling=0.02, admin=1.0, staff=5.0, depreciation=0.3,
         rnd_intensity=0.045, rnd_expensed=0.9, other_income=0.2, investment_income=0.05,
         profit={2019: 0.8, 2020: 0.75, 2021: (0.62, 0.25), 2022: (0.70, 0.25), 2023: 1.3},
         investment_share=0.003),
    dict(name="城发集团", legal="*市城市建设发展集团有限公司", legal_in_early_files=True,
         aliases=("市城发集团", "城市发展集团"),
         assets=(650, 800, 890), debt_ratio=(0.68, 0.69, 0.70), ibd_share=0.35, rate_offset=0.10,
         interest_income_ratio=0.06, employees=(2900, 3100),
         revenue={2019: 48.0, 2020: 50.0, 2021: 45.0, 2022: 50.0, 2023: 66.0},
         taxes=0.05, selling=0.015, admin=3.0, staff=3.0, depreciation=2.0,
         rnd_intensity=0.003, rnd_expensed=0.6, other_income=1.5, investment_income=2.0,
         profit={2019: 1.8, 2020: 1.2, 2021: (1.05, 0.40), 2022: (0.85, 0.10), 2023: 3.0},
         investment_share=0.280),
    dict(name="公用集团", legal="*市公用事业投资集团有限公司", legal_in_early_files=False,
         aliases=("市公用集团", "公用事业集团"),
         assets=(220, 260, 285), debt_ratio=(0.54, 0.56, 0.57), ibd_share=0.60, rate_offset=-0.15,
         interest_income_ratio=0.05, employees=(4100, 4300),
         revenue={2019: 36.0, 2020: 37.5, 2021: 33.0, 2022: 36.0, 2023: 46.0},
         taxes=0.015, selling=0.02, admin=2.0, staff=4.5, depreciation=3.0,
         rnd_intensity=0.01, rnd_expensed=0.6, other_income=1.0, investment_income=0.3,
         profit={2019: 1.2, 2020: 1.0, 2021: (0.72, 0.20), 2022: (0.62, 0.10), 2023: 1.6},
         investment_share=0.070),
    dict(name="铁投集团", legal="*市铁路与轨道交通投资集团有限公司", legal_in_early_files=True,
         aliases=("市铁投集团", "铁路与轨道交通集团"),
         assets=(450, 580, 650), debt_ratio=(0.60, 0.60, 0.61), ibd_share=0.50, rate_offset=-0.10,
         interest_income_ratio=0.04, employees=(1650, 1900),
         revenue={2019: 4.0, 2020: 6.0, 2021: 8.5, 2022: 10.0, 2023: 13.0},
         taxes=0.02, selling=0.01, admin=1.2, staff=3.0, depreciation=5.0,
         rnd_intensity=0.003, rnd_expensed=0.6,
         other_income={2019: 11.5, 2020: 11.0, 2021: 10.5, 2022: 10.0, 2023: 10.0},  # rail subsidies
         # fiscal interest subsidy (贴息): the refinanced trust and leasing debt at 7–9 % costs more
         # than the thin rail revenue covers
         interest_subsidy=2.5,
         investment_income=0.5,
         profit={2019: 0.3, 2020: 0.2, 2021: (0.12, 0.05), 2022: (0.10, 0.00), 2023: 0.4},
         investment_share=0.250),
    dict(name="名城集团", legal="*市名城建设投资集团有限公司", legal_in_early_files=False,
         aliases=("市名城集团", "名城建设集团"),
         assets=(190, 230, 255), debt_ratio=(0.72, 0.72, 0.73), ibd_share=0.45, rate_offset=0.15,
         interest_income_ratio=0.05, employees=(1450, 1560),
         revenue={2019: 22.0, 2020: 22.0, 2021: 21.0, 2022: 24.0, 2023: 30.0},
         taxes=0.04, selling=0.02, admin=1.8, staff=2.0, depreciation=1.2,
         rnd_intensity=0.003, rnd_expensed=0.6, other_income=0.5, investment_income=0.5,
         profit={2019: 0.8, 2020: 0.6, 2021: (0.38, 0.15), 2022: (0.22, 0.05), 2023: 0.8},
         investment_share=0.080),
    dict(name="国资运营公司", legal="*市国有资本投资运营有限公司", legal_in_early_files=False,
         aliases=("国资运营", "市国资运营公司", "国有资本运营公司"),
         assets=(160, 220, 260), debt_ratio=(0.47, 0.52, 0.53), ibd_share=0.60, rate_offset=0.0,
         interest_income_ratio=0.15, employees=(560, 640),
         revenue={2019: 10.0, 2020: 11.0, 2021: 12.7, 2022: 19.26, 2023: 28.0},
         taxes=0.005, selling=0.005, admin=1.2, staff=1.0, depreciation=0.5,
         rnd_intensity=0.001, rnd_expensed=0.6, other_income=0.3,
         investment_income={2019: 2.5, 2020: 2.8, 2021: 3.4, 2022: 4.0, 2023: 4.5},
         profit={2019: 1.5, 2020: 1.1, 2021: (0.52, 0.30), 2022: (1.00, -0.10), 2023: 2.4},
         investment_share=0.055),
)
NAMES = tuple(g["name"] for g in GROUPS)
REVENUE_RESIDUAL = "现代集团"   # takes the integer residual of the revenue anchors
PROFIT_RESIDUAL = "城发集团"    # … of the profit anchors (the other eight groups)
INVESTMENT_RESIDUAL = "城发集团"
STOCK_RESIDUAL = "交发集团"     # … of the stock anchors
FIXED_PROFIT = {  # Jan–Oct total profit, 万元, exactly as published or designed for the story
    (2022, "交发集团"): PUBLISHED["profit_janoct_2022_交发集团"],
    (2022, "交运集团"): PUBLISHED["profit_janoct_2022_交运集团"],
    (2021, "交发集团"): 15_200, (2021, "交运集团"): -12_000,
}
ONE_OFF_交发_2021_06 = 41_300  # 万元: Ministry of Transport interest recognised in June 2021

# Shocks: multipliers on monthly revenue by (year, month).
COVID_2020 = {  # Feb–May 2020
    "交运集团": {1: 0.92, 2: 0.35, 3: 0.55, 4: 0.75, 5: 0.9},
    "交发集团": {2: 0.6, 3: 0.3, 4: 0.35, 5: 0.85},  # tolls waived 2020-02-17 … 05-05
    "*": {2: 0.7, 3: 0.85, 4: 0.95},
}
NOV_DEC_2022 = {"现代集团": 0.35, "*": 0.8}  # revenue in Nov–Dec 2022 (trade stopped; COVID wave)
NOV_DEC_2022_INVESTMENT = 0.35
# Other operating cost in Nov–Dec relative to the Jan–Oct ratio to revenue (year-end accruals).
YEAR_END_COST = {2021: 1.0, 2022: 1.0}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def months() -> list[tuple[int, int]]:
    out, (y, m) = [], FIRST
    while (y, m) <= LAST:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MONTHS = months()
T_INDEX = {ym: i for i, ym in enumerate(MONTHS)}


def round_half_up(value: float, digits: int = 2) -> float:
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def yi(wan: int) -> float:
    """万元 → 亿元, rounded half-up to 2 dp (exact: integer arithmetic through Decimal)."""
    return float((Decimal(int(wan)) / WAN_PER_YI).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def growth_pct(now: int, before: int) -> float:
    return float(((Decimal(int(now)) / Decimal(int(before)) - 1) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def per_year(group: dict, key: str, year: int) -> float:
    """A parameter's value in a year: explicit per-year dict, or the 2022 level grown by `growth`."""
    value = group[key]
    if isinstance(value, dict):
        return float(value[year])
    growth = group.get("growth", 0.05)
    level = float(value) * (1 + growth) ** (year - 2022)
    if key == "staff" and year == 2020:
        level *= 0.93  # social-insurance contributions waived in 2020
    return level


def ints(x: np.ndarray) -> np.ndarray:
    return np.rint(x).astype(np.int64)


def ints_to_total(x: np.ndarray, total: int) -> np.ndarray:
    """Round to whole 万元 and put the residual into the last element, so the sum is `total`."""
    r = ints(x)
    r[-1] += int(total) - int(r.sum())
    return r


def swapped_debt() -> tuple[np.ndarray, np.ndarray]:
    """The refinanced debt of the demonstration register, per group and month (groups × months).

    Returns its balance (万元; each swap's amount over the whole span: the old debt before the swap
    date, the new debt after) and its monthly interest (万元, unrounded): the old rate for the days
    of a month before the swap date, the new rate from it on, ÷ 12. The register is rebuilt by
    ``scripts/generate_demo_register.py`` (same seed), so the panel's interest-bearing debt and
    interest expense contain exactly the debt and rates the register lists.
    """
    import calendar
    import datetime as dt

    scripts = str(Path(__file__).resolve().parent)
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import generate_demo_register

    balance = np.zeros((len(GROUPS), len(MONTHS)))
    interest = np.zeros((len(GROUPS), len(MONTHS)))
    for loan in generate_demo_register.swaps():
        k = NAMES.index(loan["enterprise"])
        balance[k] += loan["amount"]
        for t, (y, m) in enumerate(MONTHS):
            days = calendar.monthrange(y, m)[1]
            old_days = min(max((loan["swap"] - dt.date(y, m, 1)).days, 0), days)
            rate_bp = (loan["old_bp"] * old_days + loan["new_bp"] * (days - old_days)) / days
            interest[k, t] += loan["amount"] * rate_bp / 10_000 / 12
    return balance, interest


def interp(knots: dict, log: bool) -> np.ndarray:
    t = np.array([T_INDEX[k] for k in knots], dtype=float)
    v = np.array(list(knots.values()), dtype=float)
    out = np.interp(np.arange(len(MONTHS)), t, np.log(v) if log else v)
    return np.exp(out) if log else out


def ar1(rng: np.random.Generator, n: int, sigma: float, rho: float = 0.8) -> np.ndarray:
    e = rng.normal(0.0, sigma, n)
    out = np.empty(n)
    acc = 0.0
    for i in range(n):
        acc = rho * acc + e[i]
        out[i] = acc
    return out


# ---------------------------------------------------------------------------------------------
# Stocks
# ---------------------------------------------------------------------------------------------
def stocks(rngs: list[np.random.Generator]) -> dict[str, np.ndarray]:
    """Month-end stocks, arrays (groups × months) of integer 万元 / persons."""
    n = len(MONTHS)
    raw_assets, raw_ratio = [], []
    for g, rng in zip(GROUPS, rngs):
        a19, a22, a23 = g["assets"]
        start = a19 * (0.80 if g["name"] == "数发集团" else 0.96)
        path = interp({(2019, 1): start, (2019, 12): a19, (2022, 10): a22, (2023, 9): a23}, log=True)
        raw_assets.append(path * np.exp(ar1(rng, n, 0.004)))
        d19, d22, d23 = g["debt_ratio"]
        ratio = interp({(2019, 1): d19 - 0.005, (2019, 12): d19, (2022, 10): d22, (2023, 9): d23}, log=False)
        raw_ratio.append(ratio + ar1(rng, n, 0.002))
    raw_assets = np.array(raw_assets) * WAN_PER_YI
    raw_equity = raw_assets * (1 - np.array(raw_ratio))

    def calibrate(raw: np.ndarray, path: dict, rng: np.random.Generator) -> np.ndarray:
        target = interp(path, log=True)
        knot_t = [T_INDEX[k] for k in path]
        wiggle = 1 + rng.normal(0, 0.0015, n)
        wiggle[knot_t] = 1.0
        scaled = raw * (target * wiggle / raw.sum(axis=0))
        out = ints(scaled)
        residual_row = NAMES.index(STOCK_RESIDUAL)
        for ym in HARD_STOCK_ANCHORS:
            t = T_INDEX[ym]
            out[residual_row, t] += int(path[ym]) - int(out[:, t].sum())
        return out

    agg_rng = np.random.default_rng([SEED, 100])
    assets = calibrate(raw_assets, ASSET_PATH, agg_rng)
    equity = calibrate(raw_equity, EQUITY_PATH, agg_rng)
    liabilities = assets - equity
    ibd, employees = [], []
    # 2022's investment drive is financed by new borrowing: the interest-bearing share of
    # liabilities rises through 2022 (at the year's rate), beside the refinanced high-rate debt
    drive = interp({FIRST: 1.0, (2021, 12): 1.0, (2022, 12): 1.0 + DEBT_DRIVE_2022, LAST: 1.0 + DEBT_DRIVE_2022},
                   log=False)
    for k, (g, rng) in enumerate(zip(GROUPS, rngs)):
        share = g["ibd_share"] * drive * np.exp(ar1(rng, n, 0.01))
        ibd.append(ints(liabilities[k] * share))
        e0, e1 = g["employees"]
        heads = interp({FIRST: e0, LAST: e1}, log=True) * np.exp(ar1(rng, n, 0.003, 0.9))
        employees.append(ints(heads))
    return {"total_assets": assets, "total_liabilities": liabilities, "equity": equity,
            "interest_bearing_debt": np.array(ibd), "employees": np.array(employees)}


# ---------------------------------------------------------------------------------------------
# Anchor targets for Jan–Oct flows (per group, 万元)
# ---------------------------------------------------------------------------------------------
def anchor_targets() -> dict:
    rng = np.random.default_rng([SEED, 200])
    targets: dict = {}
    for year in ANCHOR_YEARS:
        # revenue: drawn around the designed Jan–Oct level; residual to one group
        rev = {g["name"]: int(round(g["revenue"][year] * WAN_PER_YI * (1 + rng.normal(0, 0.004)))) for g in GROUPS}
        rev[REVENUE_RESIDUAL] += PUBLISHED[f"revenue_janoct_{year}"] - sum(rev.values())
        # profit: fixed for the two loss-makers; the other eight drawn, residual to one group
        prof = {}
        for g in GROUPS:
            fixed = FIXED_PROFIT.get((year, g["name"]))
            designed = g["profit"][year][0] * WAN_PER_YI
            prof[g["name"]] = fixed if fixed is not None else int(round(designed * (1 + rng.normal(0, 0.03))))
        prof[PROFIT_RESIDUAL] += PUBLISHED[f"profit_janoct_{year}"] - sum(prof.values())
        targets[("revenue", year)] = rev
        targets[("profit", year)] = prof
    inv = {g["name"]: int(round(PUBLISHED["investment_janoct_2022"] * g["investment_share"] * (1 + rng.normal(0, 0.01))))
           for g in GROUPS}
    inv[INVESTMENT_RESIDUAL] += PUBLISHED["investment_janoct_2022"] - sum(inv.values())
    targets[("investment", 2022)] = inv
    return targets


# ---------------------------------------------------------------------------------------------
# Flows of one group, year by year (monthly, whole 万元)
# ---------------------------------------------------------------------------------------------
def _revenue(g: dict, year: int, noise, targets: dict) -> np.ndarray:
    """Monthly revenue of one group and year (whole 万元); anchor years hit their Jan–Oct target."""
    name = g["name"]
    shock = np.ones(12)
    if year == 2020:
        covid = COVID_2020.get(name, COVID_2020["*"])
        for m, f in covid.items():
            shock[m - 1] = f
    w = _profile("revenue") * shock * noise(0.04)
    if year in ANCHOR_YEARS:
        target = targets[("revenue", year)][name]
        rev = w * target / w[:10].sum()
        if year == 2022:
            rev[10:] *= NOV_DEC_2022.get(name, NOV_DEC_2022["*"])
        return np.concatenate([ints_to_total(rev[:10], target), ints(rev[10:])])
    return ints(per_year(g, "revenue", year) * WAN_PER_YI / 12 * w)


def _finance_lines(k: int, g: dict, year: int, st: dict, t_idx, noise, rng) -> tuple[np.ndarray, np.ndarray]:
    """Monthly interest expense and finance expense of group k in a year (whole 万元).

    The refinanced debt carries the register's own rates (``st["swapped_interest"]``), the rest
    of the interest-bearing debt the year's rate; ``interest_expensed`` < 1 capitalises a share.
    """
    rate = (INTEREST_RATE[year] + g["rate_offset"]) / 100
    expensed = g.get("interest_expensed", {}).get(year, 1.0)
    other_debt = st["interest_bearing_debt"][k, t_idx] - st["swapped_debt"][k, t_idx]
    interest = ints((other_debt * rate / 12 * noise(0.02) + st["swapped_interest"][k, t_idx]) * expensed)
    interest_income = np.minimum(ints(interest * g["interest_income_ratio"] * noise(0.1)), interest)
    fees = ints(interest * 0.01 + rng.uniform(0, 5, len(t_idx)))
    return interest, interest - interest_income + fees


def _gains(g: dict, year: int, noise, rng, annual_revenue: float) -> tuple[np.ndarray, ...]:
    """Monthly other income (with its special items), investment income (with disposal gains) and
    non-operating income and expense of one group and year (whole 万元)."""
    n_months = 12
    oi_level = (per_year(g, "other_income", year) + g.get("interest_subsidy", 0.0)) * WAN_PER_YI / 12
    other_income = ints(oi_level * _profile("other_income") * noise(0.1))
    special = np.zeros(n_months, dtype=np.int64)
    if g["name"] == "交发集团" and year == 2021:
        special[5] = ONE_OFF_交发_2021_06
    other_income = other_income + special
    ii_level = per_year(g, "investment_income", year) * WAN_PER_YI / 12
    recurring_ii = ints(ii_level * _profile("investment_income") * noise(0.15)
                        + rng.normal(0, 0.05 * ii_level + 1, n_months))
    disposal = ints(np.where(rng.uniform(size=n_months) < 0.04,
                             ii_level * 12 * 0.15 * rng.uniform(0.5, 1.5, n_months), 0.0))
    scale = max(annual_revenue / 12, 100.0)
    non_op_income = ints(0.004 * scale * rng.gamma(2.0, 0.5, n_months))
    non_op_expense = ints(0.002 * scale * rng.gamma(2.0, 0.5, n_months))
    return other_income, special, recurring_ii + disposal, disposal, non_op_income, non_op_expense


def flows(k: int, g: dict, rng: np.random.Generator, st: dict, targets: dict) -> dict[str, np.ndarray]:
    """Monthly flows of group k over all months (arrays of int64, length len(MONTHS))."""
    name = g["name"]
    out = {line: [] for line in FLOW_LINES}
    for year in YEARS:
        n_months = 12
        t0 = T_INDEX[(year, 1)]
        # stocks of this year's months (2023: only Jan–Sep exist; extend flat for Oct–Dec)
        t_idx = np.minimum(np.arange(t0, t0 + n_months), len(MONTHS) - 1)
        noise = lambda s: np.exp(rng.normal(0.0, s, n_months))  # noqa: E731

        revenue = _revenue(g, year, noise, targets)
        annual_revenue = float(revenue.sum())

        # --- cost lines other than operating cost
        taxes = ints(g["taxes"] * revenue * noise(0.05))
        selling = ints(g["selling"] * revenue * noise(0.05))
        admin = ints(per_year(g, "admin", year) * WAN_PER_YI / 12 * _profile("admin") * noise(0.05))
        intensity = g["rnd_intensity"] * (1.1 if year == 2023 else 1.0)
        rnd_spending = ints(intensity * annual_revenue / 12 * _profile("rnd") * noise(0.1))
        rnd_expense = np.floor(g["rnd_expensed"] * rnd_spending).astype(np.int64)
        interest, finance = _finance_lines(k, g, year, st, t_idx, noise, rng)
        depreciation = ints(per_year(g, "depreciation", year) * WAN_PER_YI / 12 * noise(0.01))
        staff = ints(per_year(g, "staff", year) * WAN_PER_YI / 12 * _profile("staff") * noise(0.02))

        other_income, special, investment_income, disposal, non_op_income, non_op_expense = _gains(
            g, year, noise, rng, annual_revenue)

        # --- the plug: other operating cost (materials, fuel, purchases…), in proportion to revenue.
        # Anchor years: Jan–Oct sized so that Jan–Oct profit is its target; Nov–Dec at the same
        # ratio to revenue. Other years: the whole year sized so that annual profit is as designed.
        def plug_for(b: slice, profit_target: int) -> int:
            return int(revenue[b].sum() - taxes[b].sum() - selling[b].sum() - admin[b].sum()
                       - rnd_expense[b].sum() - finance[b].sum() + other_income[b].sum()
                       + investment_income[b].sum() + non_op_income[b].sum() - non_op_expense[b].sum()
                       - profit_target - depreciation[b].sum() - staff[b].sum())

        if year in ANCHOR_YEARS:
            jan_oct = plug_for(slice(0, 10), targets[("profit", year)][name])
            nov_dec = int(round(jan_oct / revenue[:10].sum() * revenue[10:].sum() * YEAR_END_COST.get(year, 1.0)))
            blocks = ((slice(0, 10), jan_oct), (slice(10, 12), nov_dec))
        else:
            blocks = ((slice(0, 12), plug_for(slice(0, 12), int(round(g["profit"][year] * WAN_PER_YI)))),)
        other_cost = np.zeros(n_months, dtype=np.int64)
        cost_weights = revenue * noise(0.03)
        for b, plug in blocks:
            if plug < 0.1 * revenue[b].sum():
                raise RuntimeError(f"{name} {year} months {b.start + 1}-{b.stop}: other operating cost "
                                   f"{plug} 万元 is below 10% of revenue {revenue[b].sum()}; revise the parameters")
            other_cost[b] = ints_to_total(plug * cost_weights[b] / cost_weights[b].sum(), plug)
        operating_cost = depreciation + staff + other_cost

        total_cost = operating_cost + taxes + selling + admin + rnd_expense + finance
        total_profit = revenue - total_cost + other_income + investment_income + non_op_income - non_op_expense
        profit_ytd = np.cumsum(total_profit)
        tax_ytd = np.where(profit_ytd > 0, ints(INCOME_TAX_RATE * profit_ytd), 0)
        net_ytd = profit_ytd - tax_ytd
        net_profit = np.diff(np.concatenate([[0], net_ytd]))
        one_off = special + disposal + non_op_income - non_op_expense
        cash = ints(net_profit + depreciation + revenue * (_profile("cash") + rng.normal(0, 0.06, n_months)))

        # --- investment completed
        inv_w = _profile("investment") * noise(0.15)
        if year == 2020:
            inv_w[1] *= 0.3
            inv_w[2] *= 0.7
        if year == 2022:
            target = targets[("investment", 2022)][name]
            inv = inv_w * target / inv_w[:10].sum()
            inv[10:] *= NOV_DEC_2022_INVESTMENT
            investment = np.concatenate([ints_to_total(inv[:10], target), ints(inv[10:])])
        else:
            level = INVESTMENT_TOTAL[year] * g["investment_share"] * WAN_PER_YI / 12
            investment = ints(level * inv_w * np.exp(rng.normal(0, 0.1)))

        year_flows = {
            "revenue": revenue, "total_cost": total_cost, "operating_cost": operating_cost,
            "taxes_surcharges": taxes, "selling_expense": selling, "admin_expense": admin,
            "rnd_expense": rnd_expense, "finance_expense": finance, "interest_expense": interest,
            "other_income": other_income, "investment_income": investment_income,
            "non_operating_income": non_op_income, "non_operating_expense": non_op_expense,
            "total_profit": total_profit, "net_profit": net_profit, "depreciation": depreciation,
            "staff_cost": staff, "one_off_items": one_off, "operating_cash_flow": cash,
            "investment_completed": investment, "rnd_spending": rnd_spending,
        }
        keep = 12 if year < LAST[0] else LAST[1]
        for line in FLOW_LINES:
            out[line].append(year_flows[line][:keep])
    return {line: np.concatenate(parts) for line, parts in out.items()}


def build() -> dict[str, np.ndarray]:
    """The whole dataset: {line: int64 array (groups × months)}; flows are *monthly* values."""
    rngs = [np.random.default_rng([SEED, k]) for k in range(len(GROUPS))]
    st = stocks(rngs)
    targets = anchor_targets()
    swapped, swapped_interest = swapped_debt()
    if (swapped >= st["interest_bearing_debt"]).any():
        k = int(np.argwhere(swapped >= st["interest_bearing_debt"])[0][0])
        raise RuntimeError(f"{NAMES[k]}: the register refinances more than its interest-bearing debt")
    inputs = {**st, "swapped_debt": swapped, "swapped_interest": swapped_interest}
    per_group = [flows(k, g, rngs[k], inputs, targets) for k, g in enumerate(GROUPS)]
    data = dict(st)
    for line in FLOW_LINES:
        data[line] = np.array([pg[line] for pg in per_group])
    return data


def ytd(monthly: np.ndarray) -> np.ndarray:
    """Year-to-date sums of monthly values (groups × months)."""
    out = np.empty_like(monthly)
    for year in YEARS:
        cols = [T_INDEX[(y, m)] for (y, m) in MONTHS if y == year]
        out[:, cols] = np.cumsum(monthly[:, cols], axis=1)
    return out


# ---------------------------------------------------------------------------------------------
# Checks (fail loudly before writing anything)
# ---------------------------------------------------------------------------------------------
def check_identities(data: dict) -> None:
    def need(ok, what: str) -> None:
        if not np.all(ok):
            raise RuntimeError(f"identity broken: {what}")

    d = data
    need(d["total_cost"] == d["operating_cost"] + d["taxes_surcharges"] + d["selling_expense"]
         + d["admin_expense"] + d["rnd_expense"] + d["finance_expense"], "total_cost")
    need(d["total_profit"] == d["revenue"] - d["total_cost"] + d["other_income"] + d["investment_income"]
         + d["non_operating_income"] - d["non_operating_expense"], "total_profit")
    need(d["total_assets"] == d["total_liabilities"] + d["equity"], "assets = liabilities + equity")
    need(d["equity"] > 0, "equity > 0")
    need(d["interest_bearing_debt"] < d["total_liabilities"], "interest-bearing debt < liabilities")
    need(d["interest_bearing_debt"] > 0, "interest-bearing debt > 0")
    for line in NONNEG_FLOWS:
        need(d[line] >= 0, f"{line} monthly ≥ 0")
    need(d["depreciation"] + d["staff_cost"] <= d["operating_cost"] + d["selling_expense"] + d["admin_expense"],
         "depreciation + staff ≤ operating cost + selling + admin")
    need(d["rnd_expense"] <= d["rnd_spending"], "rnd_expense ≤ rnd_spending")
    tp, np_ = ytd(d["total_profit"]), ytd(d["net_profit"])
    tax = tp - np_
    need(tax >= 0, "income tax ≥ 0")
    need(np.where(tp <= 0, tax == 0, True), "no tax on a YTD loss")


def figures(data: dict) -> dict:
    """The published figures, recomputed from the integers (万元 sums; 亿元 and % rounded half-up)."""
    def col(y, m):
        return T_INDEX[(y, m)]

    rev, prof, inv = ytd(data["revenue"]), ytd(data["total_profit"]), ytd(data["investment_completed"])
    a, e, liab = data["total_assets"], data["equity"], data["total_liabilities"]
    t22, t21, t19 = col(2022, 10), col(2021, 10), col(2019, 12)
    out = {
        "assets_2022_10": int(a[:, t22].sum()), "assets_2021_10": int(a[:, t21].sum()),
        "equity_2022_10": int(e[:, t22].sum()), "equity_2021_10": int(e[:, t21].sum()),
        "liabilities_2022_10": int(liab[:, t22].sum()),
        "revenue_janoct_2022": int(rev[:, t22].sum()), "revenue_janoct_2021": int(rev[:, t21].sum()),
        "profit_janoct_2022": int(prof[:, t22].sum()), "profit_janoct_2021": int(prof[:, t21].sum()),
        "investment_janoct_2022": int(inv[:, t22].sum()),
        "assets_2019_12": int(a[:, t19].sum()), "liabilities_2019_12": int(liab[:, t19].sum()),
        "equity_2019_12": int(e[:, t19].sum()),
        "profit_by_group_janoct_2022": {n: int(prof[k, t22]) for k, n in enumerate(NAMES)},
        "revenue_2022": int(rev[:, col(2022, 12)].sum()), "profit_2022": int(prof[:, col(2022, 12)].sum()),
        "investment_2022": int(inv[:, col(2022, 12)].sum()), "assets_2022_12": int(a[:, col(2022, 12)].sum()),
        "revenue_jansep_2022": int(rev[:, col(2022, 9)].sum()), "revenue_jansep_2023": int(rev[:, col(2023, 9)].sum()),
        "profit_jansep_2022": int(prof[:, col(2022, 9)].sum()), "profit_jansep_2023": int(prof[:, col(2023, 9)].sum()),
        "assets_2023_09": int(a[:, col(2023, 9)].sum()),
    }
    return out


def check_anchors(data: dict) -> dict:
    f = figures(data)
    expect = [
        ("Σ assets 2022-10 (亿元)", yi(f["assets_2022_10"]), 3325.44),
        ("assets YoY 2022-10 (%)", growth_pct(f["assets_2022_10"], f["assets_2021_10"]), 7.98),
        ("Σ equity 2022-10 (亿元)", yi(f["equity_2022_10"]), 1167.15),
        ("equity YoY 2022-10 (%)", growth_pct(f["equity_2022_10"], f["equity_2021_10"]), 0.32),
        ("debt ratio 2022-10 (%)", round_half_up(f["liabilities_2022_10"] / f["assets_2022_10"] * 100), 64.90),
        ("Jan–Oct 2022 revenue (亿元)", yi(f["revenue_janoct_2022"]), 288.46),
        ("Jan–Oct revenue YoY (%)", growth_pct(f["revenue_janoct_2022"], f["revenue_janoct_2021"]), 33.25),
        ("Jan–Oct 2022 total profit (亿元)", yi(f["profit_janoct_2022"]), -5.41),
        ("Jan–Oct total profit change (亿元)", yi(f["profit_janoct_2022"] - f["profit_janoct_2021"]), -9.94),
        ("交发集团 Jan–Oct 2022 profit (亿元)", yi(f["profit_by_group_janoct_2022"]["交发集团"]), -6.46),
        ("交运集团 Jan–Oct 2022 profit (亿元)", yi(f["profit_by_group_janoct_2022"]["交运集团"]), -3.61),
        ("Jan–Oct 2022 investment (亿元)", yi(f["investment_janoct_2022"]), 290.00),
        ("Σ assets 2019-12 (亿元)", yi(f["assets_2019_12"]), 2638.18),
        ("Σ liabilities 2019-12 (亿元)", yi(f["liabilities_2019_12"]), 1660.15),
        ("Σ equity 2019-12 (亿元)", yi(f["equity_2019_12"]), 978.04),
        ("debt ratio 2019-12 (%)", round_half_up(f["liabilities_2019_12"] / f["assets_2019_12"] * 100), 62.93),
    ]
    bad = [f"{what}: got {got}, published {want}" for what, got, want in expect if got != want]
    losers = sorted(n for n, v in f["profit_by_group_janoct_2022"].items() if v < 0)
    if losers != sorted(["交发集团", "交运集团"]):
        bad.append(f"loss-makers Jan–Oct 2022 should be 交发集团 and 交运集团, got {losers}")
    if bad:
        raise RuntimeError("published figures not reproduced:\n  " + "\n  ".join(bad))
    return f


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
def period_text(year: int, month: int) -> str:
    return f"{year}年1月" if month == 1 else f"{year}年1-{month}月"


def month_table(data: dict, year: int, month: int) -> list[list]:
    """Rows (enterprise name, period, values in header order) plus the 合计 row, for one month."""
    t = T_INDEX[(year, month)]
    ytds = {line: ytd(data[line])[:, t] for line in FLOW_LINES}
    rows = []
    for k, g in enumerate(GROUPS):
        shown = g["legal"] if (g["legal_in_early_files"] and year <= 2020) else g["name"]
        values = [int(ytds[line][k]) if line in ytds else int(data[line][k, t]) for line in LINE_ORDER]
        rows.append([shown, period_text(year, month), *values])
    total = [sum(r[2 + i] for r in rows) for i in range(len(LINE_ORDER))]
    rows.append(["合计", period_text(year, month), *total])
    return rows


def header() -> list[str]:
    return ["企业名称", "报告期", *(HEADERS[line] for line in LINE_ORDER)]


def csv_bytes(rows: list[list], year: int, month: int) -> bytes:
    width = 2 + len(LINE_ORDER)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([f"{period_text(year, month)}市属国企财务快报"] + [""] * (width - 1))
    writer.writerow([f"单位：{UNIT}"] + [""] * (width - 1))
    writer.writerow(header())
    writer.writerows(rows)
    text = buf.getvalue()
    return text.encode("gbk") if year == 2019 else text.encode("utf-8-sig")


FIXED_ZIP_TIME = (2023, 10, 15, 0, 0, 0)
FIXED_DOC_TIME = "2023-10-15T00:00:00Z"


# How an enterprise form (企业财务快报) prints each line: numbering, 其中/加/减 prefixes and notes as on
# the official form; the reader must take them as printed.
FORM_LABELS = {
    "revenue": "一、营业总收入", "total_cost": "二、营业总成本", "operating_cost": "    其中：营业成本",
    "taxes_surcharges": "          税金及附加", "selling_expense": "          销售费用",
    "admin_expense": "          管理费用", "rnd_expense": "          研发费用", "finance_expense": "          财务费用",
    "interest_expense": "            其中：利息费用", "other_income": "    加：其他收益",
    "investment_income": "        投资收益（损失以“－”号填列）", "non_operating_income": "    加：营业外收入",
    "non_operating_expense": "    减：营业外支出", "total_profit": "三、利润总额（亏损总额以“－”号填列）",
    "net_profit": "四、净利润（净亏损以“－”号填列）", "depreciation": "补充：折旧（摊销）",
    "staff_cost": "      职工薪酬", "one_off_items": "      非经常性损益",
    "operating_cash_flow": "      经营活动产生的现金流量净额", "investment_completed": "      投资完成额",
    "rnd_spending": "      研发经费投入", "total_assets": "资产总额", "total_liabilities": "负债总额",
    "equity": "所有者权益合计", "interest_bearing_debt": "  其中：带息负债", "employees": "从业人员（人）",
}
SUMMARY_MONTH = (2023, 6)  # the half-year month ships as the city summary table (汇总表)


def _values(data: dict, year: int, month: int) -> dict[str, np.ndarray]:
    """Every line for one month (flows YTD), whole 万元 (persons for employees), group order."""
    t = T_INDEX[(year, month)]
    return {line: (ytd(data[line])[:, t] if line in FLOW_LINES else data[line][:, t]).astype(int)
            for line in LINE_ORDER}


def form_xlsx_bytes(data: dict, year: int, month: int) -> bytes:
    """One workbook a month, one enterprise form (items as rows) per group, sheet named by the group."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    now, last_year = _values(data, year, month), _values(data, year - 1, month)
    before = _values(data, year, month - 1) if month > 1 else None
    opening = _values(data, year - 1, 12)
    wb = Workbook()
    wb.remove(wb.active)
    for k, g in enumerate(GROUPS):
        ws = wb.create_sheet(g["name"])
        ws.append(["企业财务快报"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.merge_cells("A1:G1")
        ws.append([period_text(year, month)])
        ws.append([f"编制单位：{g['legal']}", None, None, None, None, f"金额单位：{UNIT}"])
        ws.append(["项目", "行次", "本月数", "本年累计数", "上年同期累计数", "期末余额", "年初余额"])
        for row_no, line in enumerate(LINE_ORDER, start=1):
            label = FORM_LABELS[line]
            if line in FLOW_LINES:
                month_value = int(now[line][k] - before[line][k]) if before is not None else int(now[line][k])
                ws.append([label, row_no, month_value, int(now[line][k]), int(last_year[line][k]), None, None])
            else:
                ws.append([label, row_no, None, None, None, int(now[line][k]), int(opening[line][k])])
        ws.append(["单位负责人：", None, "财务负责人：", None, "制表人："])
        ws.column_dimensions["A"].width = 36
    raw = io.BytesIO()
    wb.save(raw)
    return normalise_xlsx(raw.getvalue())


def summary_xlsx_bytes(data: dict, year: int, month: int) -> bytes:
    """The city summary table (汇总表): indicator over 本年累计 · 上年同期 · 同比增减(%) (stocks 期末数 ·
    年初数), merged header cells, a 序号 column, the 合计 row and a note."""
    from openpyxl import Workbook

    now, last_year, opening = _values(data, year, month), _values(data, year - 1, month), _values(data, year - 1, 12)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    width = 2 + sum(3 if line in FLOW_LINES else 2 for line in LINE_ORDER)
    ws.append([f"{period_text(year, month)}市属国企主要财务指标汇总表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append([f"单位：{UNIT}"])
    top, sub, spans = ["序号", "企业名称"], [None, None], []
    for line in LINE_ORDER:
        span = ("本年累计", "上年同期", "同比增减(%)") if line in FLOW_LINES else ("期末数", "年初数")
        spans.append((len(top) + 1, len(top) + len(span)))
        top += [HEADERS[line]] + [None] * (len(span) - 1)
        sub += list(span)
    ws.append(top)
    ws.append(sub)
    for first, last in spans:  # merged after the rows are written: a merge first would shift append
        ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")

    def cells(k=None):
        out = []
        for line in LINE_ORDER:
            a = int(now[line][k]) if k is not None else int(now[line].sum())
            if line in FLOW_LINES:
                b = int(last_year[line][k]) if k is not None else int(last_year[line].sum())
                out += [a, b, growth_pct(a, b) if b > 0 else None]
            else:
                out += [a, int(opening[line][k]) if k is not None else int(opening[line].sum())]
        return out

    for k, g in enumerate(GROUPS, start=0):
        ws.append([k + 1, g["name"], *cells(k)])
    ws.append([None, "合计", *cells()])
    ws.append(["注：同比按上年同期数计算；演示数据（非真实企业数据）。"])
    raw = io.BytesIO()
    wb.save(raw)
    return normalise_xlsx(raw.getvalue())


def normalise_xlsx(data: bytes) -> bytes:
    """Same workbook, with fixed zip timestamps and document dates: bytes independent of the clock."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + FIXED_DOC_TIME + m.group(3), text)
                content = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, content)
    return out.getvalue()


def aliases_bytes() -> bytes:
    rows = []
    for g in GROUPS:
        rows.append((g["name"], g["name"]))
        rows.append((g["legal"], g["name"]))
        rows += [(a, g["name"]) for a in g["aliases"]]
    seen = set()
    for alias, _ in rows:
        if alias in seen:
            raise RuntimeError(f"alias {alias} given twice")
        seen.add(alias)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["alias", "enterprise"])
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


DATASET_NOTE = ("Demonstration data, not real enterprise figures: 10 invented municipal SOE groups' monthly "
                "flash reports (万元, YTD flows, month-end stocks), generated with a fixed seed and calibrated "
                "so that their sums reproduce the published figures of the source document (e.g. 2022-10 "
                "assets 3325.44亿元, Jan–Oct 2022 revenue 288.46亿元, total profit −5.41亿元). "
                "演示数据（非真实企业数据）。")


def dataset_json_bytes() -> bytes:
    meta = {"label": "demonstration", "generator": "scripts/generate_demo_data.py", "seed": SEED,
            "note": DATASET_NOTE}
    return (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def files(data: dict) -> dict[str, bytes]:
    """Every output file: path relative to the raw folder → bytes."""
    out = {}
    for year, month in MONTHS:
        rows = month_table(data, year, month)
        stem = f"flash_reports/{year}/{period_text(year, month)}财务快报"
        if (year, month) == SUMMARY_MONTH:
            out[f"{stem}.xlsx"] = summary_xlsx_bytes(data, year, month)
        elif year >= 2023:
            out[f"{stem}.xlsx"] = form_xlsx_bytes(data, year, month)
        else:
            out[f"{stem}.csv"] = csv_bytes(rows, year, month)
    out["flash_reports/dataset.json"] = dataset_json_bytes()
    out["enterprise_aliases.csv"] = aliases_bytes()
    return out


def write(out_dir: Path, contents: dict[str, bytes]) -> None:
    """Write each file whole (temp file then os.replace)."""
    for rel, blob in contents.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def generate(out_dir: str | Path) -> dict:
    """Build, check, and write the dataset into ``out_dir`` (the raw folder); return the figures."""
    if set(HEADERS) != set(LINE_ORDER):
        raise RuntimeError("HEADERS must name every line of soe_analysis.schema.LINES")
    data = build()
    check_identities(data)
    fig = check_anchors(data)
    write(Path(out_dir), files(data))
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "data" / "raw"),
                        help="raw folder to write into (default: data/raw of this checkout)")
    args = parser.parse_args(argv)
    try:
        fig = generate(args.out)
    except RuntimeError as exc:
        print(f"generate_demo_data: {exc}", file=sys.stderr)
        return 1
    print(f"demonstration data written to {args.out} (seed {SEED}, {len(MONTHS)} months × {len(GROUPS)} groups)")
    a22, a21 = fig["assets_2022_10"], fig["assets_2021_10"]
    print(f"2022-10  assets {a22:,} 万元 = {yi(a22)}亿元, YoY {growth_pct(a22, a21)}% (2021-10: {a21:,})")
    e22, e21 = fig["equity_2022_10"], fig["equity_2021_10"]
    print(f"2022-10  equity {e22:,} = {yi(e22)}亿元, YoY {growth_pct(e22, e21)}% (2021-10: {e21:,}); "
          f"debt ratio {round_half_up(fig['liabilities_2022_10'] / a22 * 100):.2f}%")
    r22, r21 = fig["revenue_janoct_2022"], fig["revenue_janoct_2021"]
    print(f"Jan–Oct  revenue {r22:,} = {yi(r22)}亿元, YoY {growth_pct(r22, r21)}% (2021: {r21:,})")
    p22, p21 = fig["profit_janoct_2022"], fig["profit_janoct_2021"]
    print(f"Jan–Oct  total profit {p22:,} = {yi(p22)}亿元 (2021: {p21:,}; change {yi(p22 - p21)}亿元)")
    by = fig["profit_by_group_janoct_2022"]
    print("Jan–Oct  profit by group (亿元): " + ", ".join(f"{n} {yi(v):.2f}" for n, v in by.items()))
    print(f"Jan–Oct  investment completed {fig['investment_janoct_2022']:,} = {yi(fig['investment_janoct_2022']):.2f}亿元")
    print(f"2019-12  assets {yi(fig['assets_2019_12'])}, liabilities {yi(fig['liabilities_2019_12'])}, "
          f"equity {yi(fig['equity_2019_12'])}亿元, debt ratio "
          f"{round_half_up(fig['liabilities_2019_12'] / fig['assets_2019_12'] * 100)}%")
    print(f"2022 full year: revenue {yi(fig['revenue_2022'])}, total profit {yi(fig['profit_2022'])}, "
          f"investment {yi(fig['investment_2022'])}亿元; assets 2022-12 {yi(fig['assets_2022_12']):.2f}亿元")
    print(f"Jan–Sep 2023 vs 2022: revenue {yi(fig['revenue_jansep_2023'])} vs {yi(fig['revenue_jansep_2022'])}亿元 "
          f"({growth_pct(fig['revenue_jansep_2023'], fig['revenue_jansep_2022'])}%), total profit "
          f"{yi(fig['profit_jansep_2023'])} vs {yi(fig['profit_jansep_2022'])}亿元; assets 2023-09 "
          f"{yi(fig['assets_2023_09']):.2f}亿元")
    return 0


if __name__ == "__main__":
    sys.exit(main())
