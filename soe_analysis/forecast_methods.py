"""Point methods for a full-year value from year-to-date data (see :mod:`soe_analysis.forecast`).

Each takes the series *cut at the origin* (:func:`soe_analysis.forecast_series.cut`), the origin
(year, month) and the arithmetic mode, and returns a point forecast of the full year (NaN when
its inputs are missing).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .forecast_series import YtdSeries
from .metrics import annualise

BASE_METHODS = ("run_rate", "seasonal_share", "same_period", "recent_growth", "state_space")
DEFAULT_METHOD = "skill_weighted"
METHODS = (*BASE_METHODS, DEFAULT_METHOD)
MIN_ERRORS = 3  # fewer past errors (years) than this: no interval, no state-space fit
MAX_ITER = 200  # cap on the optimiser's iterations per state-space fit (keeps fitting cheap)
RECENT_SPAN = 3  # recent_growth looks at most this many months back


def _past_pairs(series: YtdSeries, year: int, month: int) -> tuple[np.ndarray, np.ndarray]:
    """(YTD at ``month``, full year) of earlier years that have both (arrays: this runs per origin)."""
    ytd, fy = series.earlier_years(year, month), series.earlier_years(year, 12)
    both = ~(np.isnan(ytd) | np.isnan(fy))
    return ytd[both], fy[both]


def run_rate(series: YtdSeries, year: int, month: int, mode: str) -> float:
    return annualise(series.value(year, month), month)


def seasonal_share(series: YtdSeries, year: int, month: int, mode: str) -> float:
    x = series.value(year, month)
    ytd, fy = _past_pairs(series, year, month)
    if not np.isfinite(x) or len(ytd) == 0:
        return float("nan")
    if mode == "ratio":
        return x / float((ytd / fy).mean())
    return x + float((fy - ytd).mean())


def same_period(series: YtdSeries, year: int, month: int, mode: str) -> float:
    x = series.value(year, month)
    prev_fy = series.value(year - 1, 12)
    prev_x = series.value(year - 1, month)
    if not np.isfinite(prev_fy):
        return float("nan")
    if np.isfinite(x) and np.isfinite(prev_x):
        if mode == "ratio":
            return prev_fy * x / prev_x
        return x + (prev_fy - prev_x)
    if mode == "ratio":
        growth = series.published_growth(year, month)
        if np.isfinite(growth):
            return prev_fy * (1 + growth / 100)
    return float("nan")


def recent_growth(series: YtdSeries, year: int, month: int, mode: str) -> float:
    """Last year's remaining months × the year-on-year growth of the latest months.

    ``FY = YTD_{y,m} + (FY_{y−1} − YTD_{y−1,m}) × F_y / F_{y−1}``, where ``F`` is the flow of
    months m′+1..m (``YTD_m − YTD_m′``) and m′ is the earliest of m−3..m−1 with the inputs (a
    quarter where the data allow, less where months are missing). Same-period growth with the
    growth of the latest months instead of the whole YTD: a shock early in the previous year
    (a base effect) does not carry into the remaining months. Last year's ``F`` is like for
    like when the published growth (``yoy``) exists at m and m′ (``YTD_{y,k} / (1 + g_k)``), else
    from last year's levels. NaN in additive mode, for a non-positive flow, or without inputs.
    """
    x = series.value(year, month)
    prev_fy = series.value(year - 1, 12)
    if mode != "ratio" or not (np.isfinite(x) and np.isfinite(prev_fy)):
        return float("nan")

    def now(k: int) -> float:
        return series.value(year, k)

    def last_year(k: int, like_for_like: bool) -> float:
        if like_for_like:
            growth = series.published_growth(year, k)
            return now(k) / (1 + growth / 100) if np.isfinite(growth) else np.nan
        return series.value(year - 1, k)  # NaN when last year is not in the table

    for like_for_like in (True, False):
        prev_now = last_year(month, like_for_like)
        if not np.isfinite(prev_now):
            continue
        for start in range(max(month - RECENT_SPAN, 1), month):
            prev_start = last_year(start, like_for_like)
            if np.isfinite(now(start)) and np.isfinite(prev_start):
                flow, prev_flow = x - now(start), prev_now - prev_start
                if not (flow > 0 and prev_flow > 0):
                    return float("nan")
                prev_x = series.value(year - 1, month)
                remaining = prev_fy - (prev_x if np.isfinite(prev_x) else prev_now)
                return float(x + remaining * flow / prev_flow)
    return float("nan")


def _state_space_fit(series: YtdSeries, year: int, month: int, mode: str):
    """Predictive mean and variance of the remaining-months quantity for ``year`` (or NaNs)."""
    x = series.value(year, month)
    t = series.levels
    past = t.loc[t.index < year]
    if not np.isfinite(x) or past.empty:
        return float("nan"), float("nan")
    if mode == "ratio":
        z = np.log(past[12] / past[month])
    else:
        z = past[12] - past[month]
    z = z.reindex(range(int(past.index.min()), year))  # consecutive years; gaps are NaN
    if z.notna().sum() < MIN_ERRORS:
        return float("nan"), float("nan")
    # the model's own module: statsmodels.api imports every model (~0.5 s more per kernel)
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scale = float(np.nanstd(z.to_numpy()))
        if not scale > 1e-9 * max(1.0, float(np.nanmax(np.abs(z.to_numpy())))):
            return float(z.dropna().iloc[-1]), 0.0  # a constant history: nothing to filter
        centre = float(np.nanmean(z.to_numpy()))
        model = UnobservedComponents((z.to_numpy() - centre) / scale, level="local level")
        try:
            # the estimates, then one Kalman filter pass for the forecast: fit() would also run
            # the smoother and the parameters' covariance, neither of which the forecast uses
            params = model.fit(disp=False, method="nm", maxiter=MAX_ITER, return_params=True)
            pred = model.filter(params, cov_type="none").get_forecast(1)
            mean = centre + float(np.asarray(pred.predicted_mean)[0]) * scale
            var = float(np.asarray(pred.var_pred_mean)[0]) * scale**2
        except Exception:  # a degenerate fit: the method is simply unavailable here
            return float("nan"), float("nan")
    if not (np.isfinite(mean) and np.isfinite(var)):
        return float("nan"), float("nan")
    return mean, var


def state_space(series: YtdSeries, year: int, month: int, mode: str, fit=None) -> float:
    mean, _ = fit if fit is not None else _state_space_fit(series, year, month, mode)
    x = series.value(year, month)
    if not np.isfinite(mean):
        return float("nan")
    return x * math.exp(mean) if mode == "ratio" else x + mean


POINT_METHODS = {
    "run_rate": run_rate,
    "seasonal_share": seasonal_share,
    "same_period": same_period,
    "recent_growth": recent_growth,
    "state_space": state_space,
}


def weight(month: int) -> float:
    """Scale of the error at month m: the share of the year still to come."""
    return (12 - month) / 12


def scaled_error(actual, point, month, mode):
    """Error of a forecast made at ``month``, divided by :func:`weight` (log ratio or difference)."""
    actual, point = np.asarray(actual, float), np.asarray(point, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "ratio":
            err = np.log(actual / point)
        else:
            err = actual - point
    return err / ((12 - np.asarray(month, float)) / 12)


def scaled_errors(actual, point, month, modes) -> np.ndarray:
    """:func:`scaled_error` of each row in the row's own mode, in one pass over the arrays."""
    ratio = np.asarray(modes, object) == "ratio"
    return np.where(ratio, scaled_error(actual, point, month, "ratio"),
                    scaled_error(actual, point, month, "difference"))
