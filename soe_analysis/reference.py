"""Real public reference series shipped in ``data/raw/reference`` (labelled real, with sources).

- national SOE monthly releases (Ministry of Finance, "1–N月全国国有及国有控股企业经济运行情况"),
  YTD figures in 亿元, 2013–2021, with gaps where nothing was published or found;
- China's Loan Prime Rate since the 2019-08-20 reform.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import config
from .errors import DataError

NATIONAL_SOURCE = "财政部 全国国有及国有控股企业经济运行情况 (Ministry of Finance monthly releases)"
LPR_SOURCE = "全国银行间同业拆借中心 贷款市场报价利率 LPR (as reported; source_url per row)"


def _read(path: Path, required: set[str]) -> pd.DataFrame:
    if not path.exists():
        raise DataError("reference file not found", file=str(path))
    frame = pd.read_csv(path, encoding="utf-8-sig")
    missing = required - set(frame.columns)
    if missing:
        raise DataError(f"missing columns {sorted(missing)}", file=str(path), row=1)
    return frame


def load_national_soe(path: str | Path | None = None, scope: str | None = None) -> pd.DataFrame:
    """The national SOE monthly YTD releases; ``dataset`` = "real", ``source`` names the publisher.

    Columns as shipped (year, month_end, scope, revenue_yi, profit_yi, …, precision, source_url);
    ``month_end`` 2 is the combined Jan–Feb release. Rows are never filled in: gaps stay gaps.
    """
    frame = _read(Path(path) if path else config.NATIONAL_SOE_FILE, {"year", "month_end", "scope"})
    if scope is not None:
        frame = frame[frame["scope"] == scope]
    return frame.assign(dataset="real", source=NATIONAL_SOURCE).reset_index(drop=True)


def load_lpr(path: str | Path | None = None) -> pd.DataFrame:
    """LPR changes: effective_date (datetime), lpr_1y_pct, lpr_5y_pct, source_url; dataset = "real"."""
    frame = _read(Path(path) if path else config.LPR_FILE, {"effective_date", "lpr_1y_pct", "lpr_5y_pct"})
    frame["effective_date"] = pd.to_datetime(frame["effective_date"])
    return frame.sort_values("effective_date").assign(dataset="real", source=LPR_SOURCE).reset_index(drop=True)


def lpr_on(dates, tenor: str = "1y", lpr: pd.DataFrame | None = None) -> pd.Series:
    """The LPR (percent) in force on each date: the last change on or before it (NaN before 2019-08-20)."""
    lpr = load_lpr() if lpr is None else lpr
    column = {"1y": "lpr_1y_pct", "5y": "lpr_5y_pct"}[tenor]
    when = pd.to_datetime(pd.Series(dates)).reset_index(drop=True)
    order = when.sort_values()
    merged = pd.merge_asof(order.to_frame("date"), lpr[["effective_date", column]],
                           left_on="date", right_on="effective_date", direction="backward")
    return pd.Series(merged[column].to_numpy(), index=order.index).sort_index()
