"""notebooks/01_overview.ipynb on a synthetic panel (given as its panel_path parameter), at its
default 2022-10 and in English at 2023-06; the shipped-data run is asserted in tests/test_notebooks.py."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.nbrun import run_notebook
from tests.synthpanel import make_panel

BASES = {"甲集团": 100.0, "乙集团": 50.0, "丙集团": 20.0}
PROFIT_PER_MONTH = {"甲集团": 0.1, "乙集团": -0.05, "丙集团": 0.02}


def synthetic_panel(path):
    """Three groups, every month 2019-01 … 2023-06, every line the notebook uses (亿元).

    assets = base × (1 + 0.01 t), t = months since 2019-01; liabilities 60% of assets;
    revenue YTD = base/10 × m; total profit YTD = p × m (乙 loses money every month).
    """
    rows = []
    for t, period in enumerate(pd.period_range("2019-01", "2023-06", freq="M")):
        m = period.month
        for name, base in BASES.items():
            assets = base * (1 + 0.01 * t)
            profit = PROFIT_PER_MONTH[name] * m
            rows.append(dict(
                enterprise=name, period=str(period), total_assets=assets, total_liabilities=0.6 * assets,
                equity=0.4 * assets, interest_bearing_debt=0.3 * assets, employees=1000.0 + t,
                revenue_ytd=base / 10 * m, total_cost_ytd=base / 10 * m - profit, total_profit_ytd=profit,
                net_profit_ytd=0.8 * profit, interest_expense_ytd=0.01 * base * m / 12,
                depreciation_ytd=0.02 * base * m / 12, staff_cost_ytd=0.01 * base * m,
                taxes_surcharges_ytd=0.001 * base * m, operating_cash_flow_ytd=0.05 * base * m / 12,
                rnd_spending_ytd=0.002 * base * m, investment_completed_ytd=0.01 * base * m))
    make_panel(rows).to_parquet(path)
    return path


@pytest.mark.notebook
def test_overview_notebook_mid_2023_in_english(tmp_path):
    panel = synthetic_panel(tmp_path / "panel.parquet")
    figures = run_notebook("01_overview.ipynb", tmp_path, {"as_of": "2023-06", "lang": "en",
                                                          "panel_path": str(panel)})
    # 2023-06: t = 53 → assets 170 × 1.53 = 260.1; a year before t = 41 → 170 × 1.41 = 239.7
    assert figures["total_assets_yi"] == 260.1
    assert figures["total_assets_yoy_pct"] == 8.51     # 1.53/1.41 − 1 = 8.5106%
    assert figures["revenue_ytd_yi"] == 102.0          # (10 + 5 + 2) × 6
    assert figures["total_profit_ytd_yi"] == 0.42      # (0.1 − 0.05 + 0.02) × 6
    assert figures["loss_makers_n"] == 1               # 乙集团
    # ROE, the same in the 一利五率 table and the risk band: net profit 0.8 × 0.07 × 6 × 2 = 0.672
    # over average equity (0.4×170×1.47 + 0.4×170×1.53)/2 = 102.0 → 0.66% (year-end: 0.65%)
    assert figures["roe_total_pct"] == 0.66


@pytest.mark.notebook
def test_overview_notebook_defaults(tmp_path):
    panel = synthetic_panel(tmp_path / "panel.parquet")
    figures = run_notebook("01_overview.ipynb", tmp_path, {"panel_path": str(panel)})
    # 2022-10: t = 45 → assets 170 × 1.45 = 246.5; a year before t = 33 → 170 × 1.33 = 226.1 → +9.02%
    assert figures["total_assets_yi"] == 246.5
    assert figures["total_assets_yoy_pct"] == 9.02   # 1.45/1.33 − 1 = 9.0226%
    assert figures["revenue_ytd_yi"] == 170.0          # (10 + 5 + 2) × 10
    assert figures["total_profit_ytd_yi"] == 0.7       # (0.1 − 0.05 + 0.02) × 10
    assert figures["loss_makers_n"] == 1
    # total risk bands at 2022-10 (m = 10, annualise ×1.2; thresholds of risk_thresholds.csv):
    # roa 0.56×1.2/246.5 = 0.27% → 4; roe 0.672/((91.8 + 98.6)/2) = 0.71% → 4; cost recovery
    # 170/169.3 = 1.004 → 3; debt ratio 60 (on cut2) → 2; debt/equity 1.5 (on cut2) → 2;
    # debt/EBITDA 73.95/((0.7 + 1.417 + 2.833)×1.2) = 12.45 → 5; interest cover 2.117/1.417 = 1.49
    # → 4; cash interest cover CFO/interest = 7.083/1.417 = 5.0 → 1; CFO/debt 8.5/73.95 = 11.5% → 2
    # score = (4+4+3+2+2+5+4+1+2)/9 = 27/9 = 3.0
    assert figures["risk_score_total_band"] == 3.0
    assert figures["roe_total_pct"] == 0.71  # average equity; on year-end equity 0.672/98.6 = 0.68
