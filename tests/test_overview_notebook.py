"""notebooks/01_overview.ipynb runs under papermill (defaults and as_of=2023-06) and records its figures."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from tests.synthpanel import make_panel

from soe_analysis import config
from tests.nbrun import run_notebook

BASES = {"甲集团": 100.0, "乙集团": 50.0, "丙集团": 20.0}
PROFIT_PER_MONTH = {"甲集团": 0.1, "乙集团": -0.05, "丙集团": 0.02}


def synthetic_home(home):
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
    (home / "data" / "processed").mkdir(parents=True)
    make_panel(rows).to_parquet(home / "data" / "processed" / "panel.parquet")
    (home / "data" / "raw" / "reference").mkdir(parents=True)
    shutil.copy(config.NATIONAL_SOE_FILE, home / "data" / "raw" / "reference")
    return {"SOE_ANALYSIS_HOME": str(home)}


@pytest.mark.notebook
def test_overview_notebook_defaults(tmp_path):
    figures = run_notebook("01_overview.ipynb", tmp_path, env=synthetic_home(tmp_path / "home"))
    # 2022-10: t = 45 → assets 170 × 1.45 = 246.5; a year before t = 33 → 170 × 1.33 = 226.1 → +9.02%
    assert figures["total_assets_yi"] == 246.5
    assert figures["total_assets_yoy_pct"] == 9.02   # 1.45/1.33 − 1 = 9.0226%
    assert figures["revenue_ytd_yi"] == 170.0          # (10 + 5 + 2) × 10
    assert figures["total_profit_ytd_yi"] == 0.7       # (0.1 − 0.05 + 0.02) × 10
    assert figures["loss_makers_n"] == 1
    assert 1 <= figures["risk_score_total_band"] <= 5


@pytest.mark.notebook
def test_overview_notebook_mid_2023_in_english(tmp_path):
    figures = run_notebook("01_overview.ipynb", tmp_path, {"as_of": "2023-06", "lang": "en"},
                           env=synthetic_home(tmp_path / "home"))
    # 2023-06: t = 53 → 170 × 1.53 = 260.1; revenue 17 × 6 = 102
    assert figures["total_assets_yi"] == 260.1
    assert figures["revenue_ytd_yi"] == 102.0


@pytest.mark.notebook
def test_overview_notebook_on_shipped_data(tmp_path, shipped_panel):  # conftest builds the panel
    figures = run_notebook("01_overview.ipynb", tmp_path)
    assert figures["total_assets_yi"] == 3325.44
    assert figures["total_profit_ytd_yi"] == -5.41
