"""A tiny synthetic panel builder for the overview tests (narrative, indicators, risk).

``make_panel(records)`` takes dicts with ``enterprise``, ``period`` ("YYYY-MM") and any panel
values, written as the panel names them (``revenue_ytd``, ``total_assets``, …); every other
canonical column is NaN (never 0), so a test states exactly the inputs it relies on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from soe_analysis.schema import panel_columns


def make_panel(records: list[dict]) -> pd.DataFrame:
    rows = []
    for rec in records:
        row = {col: np.nan for col in panel_columns()}
        row.update(dataset="demonstration", source_file="synthetic.csv", source_row=1, jan_feb_combined=False)
        row.update(rec)
        year, month = map(int, rec["period"].split("-"))
        row.update(year=year, month=month)
        rows.append(row)
    panel = pd.DataFrame(rows, columns=panel_columns())
    numeric = [c for c in panel.columns if c not in ("enterprise", "period", "dataset", "source_file", "jan_feb_combined")]
    panel[numeric] = panel[numeric].astype(float)
    panel[["year", "month"]] = panel[["year", "month"]].astype(int)
    return panel
