"""Calibration borrowed from the real national backtest, for series with too short a record.

The demonstration city panel has four complete years: at 2022-10 its own record holds two years
of errors, too few to scale an interval (:data:`MIN_ERRORS` years). Rather than guess, its
intervals take the error scale the backtest measured on the real national releases (revenue and
total profit pooled, the same horizon, method and origin months ±2), in relative (log) terms;
a loss-making total (additive mode) converts it with the ratio of its own volatility of
full-year changes to the national volatility of full-year growth (:func:`additive_scale`). Every forecast says which calibration it used, and the coverage that
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


@lru_cache(maxsize=len(REFERENCE_METRICS))
def _national(metric: str) -> YtdSeries:
    """The shipped national releases of one metric, read once for the records and the growth RMS."""
    from .backtest import load_release_csv

    return load_release_csv(None, metric)


@lru_cache(maxsize=2)
def _records(state_space: bool = False) -> dict:
    """Current- and next-year backtest records of the shipped national releases (computed once).

    Without the state-space model's rows unless asked: calibration borrows the default's or a
    candidate's errors, and the model's fits are most of the backtest's time.
    """
    from .backtest import run_backtest

    out = {"current": [], "next": []}
    for metric in REFERENCE_METRICS:
        series = _national(metric)
        for horizon in out:
            out[horizon].append(run_backtest(series, horizon=horizon, state_space=state_space).assign(metric=metric))
    return {h: pd.concat(frames, ignore_index=True) for h, frames in out.items()}


@lru_cache(maxsize=64)  # the records never change in a process; every target asks the same few
def reference_sigma(horizon: str, method: str, month: int) -> tuple[float, float, int]:
    """(σ, d.f., years) of a method's errors in the national backtest at origin months ±2.

    Current year: scaled log errors (divide by the share of the year left, as the record does);
    next year: errors of the growth. Both counted by year (see ``year_sigma``), per metric-year.
    """
    record = _records(method == "state_space")[horizon]  # positional: one cache entry per flag
    r = record[(record["method"] == method) & ((record["month"] - month).abs() <= WINDOW)]
    if horizon == "current":
        err = scaled_error(r["actual"], r["point"], r["month"], "ratio")
    else:
        err = r["error"].to_numpy()
    keys = (r["metric"] + ":" + r["year"].astype(str)).to_numpy()
    ok = np.isfinite(err)
    s, d, n = year_sigma(np.asarray(err)[ok], keys[ok])
    return (s, d, n) if n >= MIN_ERRORS else (float("nan"), float("nan"), n)


def reference_coverage(horizon: str, month: int, method: str = "nested", window: int = 0) -> dict:
    """Backtested coverage of a method's 80% and 95% intervals at this origin month (± ``window``).

    Revenue and total profit pooled; ``n_interval`` intervals from ``n_years`` metric-years say
    how much the figure rests on (one year moves it by 100 / n_years points or more).
    """
    return dict(_coverage(horizon, int(month), method, int(window)))  # a copy: callers may edit it


@lru_cache(maxsize=64)
def _coverage(horizon: str, month: int, method: str, window: int) -> dict:
    record = _records(False)[horizon]
    r = record[(record["method"] == method) & ((record["month"] - month).abs() <= window)]
    r = r[r["in80"].notna()]
    if r.empty:
        return {"coverage80_pct": float("nan"), "coverage95_pct": float("nan"), "n_interval": 0,
                "n_years": 0}
    return {"coverage80_pct": float(r["in80"].astype(float).mean() * 100),
            "coverage95_pct": float(r["in95"].astype(float).mean() * 100),
            "n_interval": int(len(r)), "n_years": int(r[["metric", "year"]].drop_duplicates().shape[0])}


@lru_cache(maxsize=1)
def national_growth_rms() -> float:
    """Root mean square of the national full-year log growth (revenue and profit pooled)."""
    growth = []
    for metric in REFERENCE_METRICS:
        fy = _national(metric).levels[12]
        growth += [np.log(fy[y] / fy[y - 1]) for y in fy.index
                   if y - 1 in fy.index and fy[y] > 0 and fy[y - 1] > 0]
    return float(np.sqrt(np.mean(np.square(growth))))


def additive_scale(series: YtdSeries, year: int) -> float:
    """亿元 per unit of national log error, for a total that can be negative (additive mode).

    A loss-making total has no log growth, so its volatility is compared with the national one
    instead: the RMS of the series' own full-year changes (complete years before ``year``)
    over the RMS of the national full-year log growth. A national error of one national
    growth-volatility becomes one of the series' own change-volatility. NaN without a change.
    """
    fy = {y: series.full_year(y) for y in series.levels.index if y < year}
    changes = [fy[y] - fy[y - 1] for y in fy if y - 1 in fy and np.isfinite(fy[y]) and np.isfinite(fy[y - 1])]
    if not changes:
        return float("nan")
    return float(np.sqrt(np.mean(np.square(changes)))) / national_growth_rms()
