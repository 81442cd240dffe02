"""Calibration borrowed from the real national backtest, for series with too short a record.

The demonstration city panel has four complete years: at 2022-10 its own record holds two years
of errors, too few to scale an interval (:data:`MIN_ERRORS` years). Rather than guess, its
intervals take the error scale the backtest measured on the real national releases (revenue and
total profit pooled, the same horizon, method and origin months ±2), in relative (log) terms;
a loss-making total (additive mode) multiplies it by the mean absolute full-year value of the
series' observed years. Every forecast says which calibration it used, and the coverage that
calibration achieved in the backtest (:func:`reference_coverage`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .forecast_methods import MIN_ERRORS, scaled_error
from .forecast_record import WINDOW, year_sigma
from .forecast_series import YtdSeries

REFERENCE_METRICS = ("revenue_yi", "profit_yi")
REFERENCE_LABEL = "national releases (revenue and total profit pooled)"


@lru_cache(maxsize=1)
def _records() -> dict:
    """Current- and next-year backtest records of the shipped national releases (computed once)."""
    from .backtest import load_release_csv, run_backtest

    out = {"current": [], "next": []}
    for metric in REFERENCE_METRICS:
        series = load_release_csv(None, metric)
        for horizon in out:
            out[horizon].append(run_backtest(series, horizon=horizon).assign(metric=metric))
    return {h: pd.concat(frames, ignore_index=True) for h, frames in out.items()}


def reference_sigma(horizon: str, method: str, month: int) -> tuple[float, float, int]:
    """(σ, d.f., years) of a method's errors in the national backtest at origin months ±2.

    Current year: scaled log errors (divide by the share of the year left, as the record does);
    next year: errors of the growth. Both counted by year (see ``year_sigma``), per metric-year.
    """
    record = _records()[horizon]
    r = record[(record["method"] == method) & ((record["month"] - month).abs() <= WINDOW)]
    if horizon == "current":
        err = scaled_error(r["actual"], r["point"], r["month"], "ratio")
    else:
        err = r["error"].to_numpy()
    keys = (r["metric"] + ":" + r["year"].astype(str)).to_numpy()
    ok = np.isfinite(err)
    s, d, n = year_sigma(np.asarray(err)[ok], keys[ok])
    return (s, d, n) if n >= MIN_ERRORS else (float("nan"), float("nan"), n)


def reference_coverage(horizon: str, month: int, method: str = "nested") -> dict:
    """Backtested coverage of a method's 80% and 95% intervals at origin months ±2 (pooled)."""
    record = _records()[horizon]
    r = record[(record["method"] == method) & ((record["month"] - month).abs() <= WINDOW)]
    r = r[r["in80"].notna()]
    if r.empty:
        return {"coverage80_pct": float("nan"), "coverage95_pct": float("nan"), "n_interval": 0}
    return {"coverage80_pct": float(r["in80"].astype(float).mean() * 100),
            "coverage95_pct": float(r["in95"].astype(float).mean() * 100),
            "n_interval": int(len(r)), "n_years": int(r[["metric", "year"]].drop_duplicates().shape[0])}


def additive_scale(series: YtdSeries, year: int) -> float:
    """Mean absolute full-year value of the series' complete years before ``year``."""
    fy = [series.full_year(y) for y in series.levels.index if y < year]
    fy = [abs(v) for v in fy if np.isfinite(v)]
    return float(np.mean(fy)) if fy else float("nan")
