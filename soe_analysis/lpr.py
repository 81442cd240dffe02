"""China's Loan Prime Rate (LPR, 贷款市场报价利率): the real reference for new bank lending.

``data/raw/reference/lpr.csv`` holds every fixing since the 2019-08-20 reform, one row per
change, each with the ``source_url`` it was checked against. The loaded frame is labelled
``dataset = "real"`` in ``attrs`` so reports can say so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataError

LPR_SOURCE = ("全国银行间同业拆借中心 LPR 公告 / National Interbank Funding Center LPR fixings "
              "(data/raw/reference/lpr.csv, source_url per row)")

# A new loan longer than five years is priced off the 5-year LPR, otherwise the 1-year LPR.
FIVE_YEAR_THRESHOLD_MONTHS = 60


def load_lpr(path: str | Path | None = None) -> pd.DataFrame:
    """The LPR fixings, sorted by date.

    Returns
    -------
    DataFrame with ``effective_date`` (Timestamp), ``lpr_1y_pct`` and ``lpr_5y_pct`` (percent a
    year) and ``source_url``; ``attrs["dataset"] == "real"``, ``attrs["source"]`` names the source.
    """
    path = Path(path) if path else config.LPR_FILE
    if not path.exists():
        raise DataError("LPR reference file not found", file=str(path))
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    need = {"effective_date", "lpr_1y_pct", "lpr_5y_pct"}
    if need - set(frame.columns):
        raise DataError(f"missing columns {sorted(need - set(frame.columns))}", file=str(path))
    out = pd.DataFrame({
        "effective_date": pd.to_datetime(frame["effective_date"], format="%Y-%m-%d", errors="coerce"),
        "lpr_1y_pct": pd.to_numeric(frame["lpr_1y_pct"], errors="coerce"),
        "lpr_5y_pct": pd.to_numeric(frame["lpr_5y_pct"], errors="coerce"),
        "source_url": frame.get("source_url", pd.Series("", index=frame.index)).astype(str),
    })
    bad = out[["effective_date", "lpr_1y_pct", "lpr_5y_pct"]].isna().any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # header is line 1
        raise DataError("unreadable date or rate", file=str(path), row=row)
    out = out.sort_values("effective_date", ignore_index=True)
    out.attrs.update(dataset="real", source=LPR_SOURCE, file=str(path))
    return out


def lpr_at(dates, tenor_months=None, lpr: pd.DataFrame | None = None) -> pd.Series:
    """The LPR in force on each date (percent a year), NaN before the first fixing.

    Parameters
    ----------
    dates : array-like of dates
    tenor_months : array-like or scalar, optional
        Loan term in months: above :data:`FIVE_YEAR_THRESHOLD_MONTHS` the 5-year LPR applies,
        otherwise the 1-year LPR. ``None`` gives the 1-year LPR.
    lpr : DataFrame from :func:`load_lpr` (loaded when omitted).
    """
    lpr = load_lpr() if lpr is None else lpr
    when = pd.to_datetime(pd.Series(dates)).reset_index(drop=True)
    pos = np.searchsorted(lpr["effective_date"].to_numpy(), when.to_numpy(), side="right") - 1
    valid = pos >= 0
    safe = np.where(valid, pos, 0)
    one = np.where(valid, lpr["lpr_1y_pct"].to_numpy()[safe], np.nan)
    five = np.where(valid, lpr["lpr_5y_pct"].to_numpy()[safe], np.nan)
    if tenor_months is None:
        return pd.Series(one)
    tenor = np.broadcast_to(np.asarray(tenor_months, dtype=float), one.shape)
    return pd.Series(np.where(tenor > FIVE_YEAR_THRESHOLD_MONTHS, five, one))


def lpr_tenor_label(tenor_months) -> pd.Series:
    """``"1Y"`` or ``"5Y"``: which LPR prices a loan of this term."""
    tenor = np.asarray(tenor_months, dtype=float)
    return pd.Series(np.where(tenor > FIVE_YEAR_THRESHOLD_MONTHS, "5Y", "1Y"))
