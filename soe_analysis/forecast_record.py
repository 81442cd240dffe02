"""The pseudo-real-time record of current-year forecasts: points, calibration, the default.

Every origin (y, m) sees only the series cut there; interval calibration and the default's
skill weights at (y, m) use only forecasts of *earlier years* whose outcome is known.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .forecast_methods import (DEFAULT_METHOD, METHODS, MIN_ERRORS, POINT_METHODS, scaled_error,
                               scaled_errors, state_space, weight, _state_space_fit)
from .forecast_quantiles import t_quantile
from .forecast_series import MONTHS, YtdSeries, arithmetic_mode, cut

# the default combines these (see _skill_weights); the others are reported beside it
DEFAULT_MEMBERS = ("seasonal_share", "recent_growth")
# where no member has a point (e.g. an origin with only a published growth): the first of these
DEFAULT_FALLBACK = ("same_period", "run_rate")
WINDOW = 2  # months either side pooled for interval calibration
SHRINK = 5.0  # pseudo-observations shrinking each member's past MSE to the members' pooled MSE
LEVELS = (0.80, 0.95)


def _origins(series: YtdSeries) -> list[tuple[int, int]]:
    t = series.levels
    has = t.notna()
    if series.yoy is not None:
        has = has | series.yoy.reindex(index=t.index, columns=MONTHS).notna()
    cells = has[list(range(1, 12))].to_numpy()  # months 1–11, by label
    return [(int(y), m) for y, row in zip(t.index, cells) for m, ok in enumerate(row, 1) if ok]


_CACHE: dict = {}
_CACHE_SIZE = 64


def _cache_key(series: YtdSeries, until, with_state_space: bool) -> tuple:
    parts = [series.kind, tuple(series.levels.index), series.levels.to_numpy().tobytes(), until,
             with_state_space]
    if series.yoy is not None:
        parts += [tuple(series.yoy.index), series.yoy.to_numpy().tobytes()]
    return tuple(parts)


def pseudo_real_time(series: YtdSeries, *, until: tuple[int, int] | None = None,
                     state_space: bool = True) -> pd.DataFrame:
    """Cached :func:`_pseudo_real_time` (same table, same result: it is deterministic).

    ``state_space=False`` leaves out the state-space model's rows, for callers that use only the
    default and the candidates (it is neither): its fits are most of the work and need
    statsmodels. The other rows are the same either way (each method's calibration uses its own
    past rows only), so a cached table with the model serves a request without it.
    """
    key = _cache_key(series, until, state_space)
    if key not in _CACHE:
        fuller = _cache_key(series, until, True)
        if not state_space and fuller in _CACHE:
            table = _CACHE[fuller]
            return table[table["method"] != "state_space"].reset_index(drop=True)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _pseudo_real_time(series, until=until, with_state_space=state_space)
    return _CACHE[key].copy()


def _pseudo_real_time(series: YtdSeries, *, until: tuple[int, int] | None = None,
                      with_state_space: bool = True) -> pd.DataFrame:
    """Forecast every year's full-year value from every available month, in real time.

    Each origin (y, m) sees only :func:`cut` (y, m); calibration and skill weights at (y, m) use
    only forecasts of *earlier years* whose outcome is known. ``until`` stops after that origin
    (used to make a single forecast). Returns one row per origin and method: year, month,
    method, mode, point, lo80, hi80, lo95, hi95, sigma, df, n_cal (the number of *years* the
    calibration errors came from), actual (NaN when the year's outcome is not in the data), and
    for the default the weights used.
    """
    origins = _origins(series)
    if until is not None:
        origins = [o for o in origins if o <= until] + ([until] if until not in origins else [])
    origins = sorted(set(origins))
    methods = METHODS if with_state_space else tuple(m for m in METHODS if m != "state_space")
    rows: list[dict] = []
    rec = _Record()
    for year, month in origins:
        seen = cut(series, year, month)
        mode = arithmetic_mode(seen)
        actual = series.value(year, 12)  # full-year value (stock: log growth to December)
        record = rec.arrays()
        points = {name: func(seen, year, month, mode) for name, func in POINT_METHODS.items()
                  if name != "state_space"}
        ss_mean, ss_var = float("nan"), float("nan")
        if with_state_space:
            ss_mean, ss_var = _state_space_fit(seen, year, month, mode)
            points["state_space"] = state_space(seen, year, month, mode, fit=(ss_mean, ss_var))
        errors = {name: _past_errors(record, rec.codes.get(name), year, month, mode) for name in methods}
        errors_all = {name: _past_errors(record, rec.codes.get(name), year, month, mode, window=11)[0]
                      for name in DEFAULT_MEMBERS}
        # the default: shrunk inverse-MSE weights over its members (earlier years' errors only)
        weights = _skill_weights(points, errors_all)
        if weights:
            default_point = sum(w * points[k] for k, w in weights.items())
        else:
            default_point = float("nan")
        points[DEFAULT_METHOD] = default_point
        for name in methods:
            point = points[name]
            row = {"year": year, "month": month, "method": name, "mode": mode,
                   "point": point, "actual": actual, "n_cal": 0, "sigma": float("nan"),
                   "df": float("nan")}
            err, err_years = errors[name]
            if name == DEFAULT_METHOD and weights:
                combo, combo_years = _combination_errors(record, rec.codes, weights, year, month, mode)
                if len(set(combo_years)) >= MIN_ERRORS:
                    err, err_years = combo, combo_years
            sigma, df, n_years = year_sigma(err, err_years)
            if name == "state_space" and np.isfinite(ss_var):
                row.update(sigma=math.sqrt(ss_var) / weight(month), df=float("inf"), n_cal=n_years)
            elif n_years >= MIN_ERRORS:
                row.update(sigma=sigma, df=df, n_cal=n_years)
            for level in LEVELS:
                lo, hi = _interval(point, row["sigma"], row["df"], month, mode, level)
                tag = int(level * 100)
                row[f"lo{tag}"], row[f"hi{tag}"] = lo, hi
            if name == DEFAULT_METHOD:
                row["weights"] = {k: round(v, 4) for k, v in weights.items()}
            rows.append(row)
            rec.add(year, month, name, mode, point, actual)
    out = pd.DataFrame(rows)
    if until is not None and len(out):
        out = out[(out["year"] < until[0]) | ((out["year"] == until[0]) & (out["month"] <= until[1]))]
    return out.reset_index(drop=True)


class _Record:
    """The forecasts made so far, as numpy arrays (fast filtering inside the origin loop).

    Methods are held as integer codes (:attr:`codes`): comparing an array of names cost more
    than the rest of the filtering.
    """

    def __init__(self):
        self.year, self.month, self.method, self.ratio, self.point, self.actual = ([] for _ in range(6))
        self.codes: dict = {}

    def add(self, year, month, method, mode, point, actual):
        self.year.append(year)
        self.month.append(month)
        self.method.append(self.codes.setdefault(method, len(self.codes)))
        self.ratio.append(mode == "ratio")
        self.point.append(point)
        self.actual.append(actual)

    def arrays(self):
        """(years, months, method codes, ratio flags, points, outcomes) of the rows so far."""
        return (np.array(self.year, int), np.array(self.month, int), np.array(self.method, int),
                np.array(self.ratio, bool), np.array(self.point, float), np.array(self.actual, float))


def _past_errors(arrays, method: int | None, year, month, mode,
                 window=WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """(scaled errors, their years) of a method (its code in the record; None: not in it yet)
    at earlier years' origins within ``window`` months."""
    yr, mo, me, _, pt, ac = arrays
    if len(yr) == 0 or method is None:
        return np.array([]), np.array([], int)
    # errors are recomputed in today's mode (a log ratio is NaN, hence dropped, when a past
    # point or outcome was not positive)
    keep = ((me == method) & (yr < year) & (np.abs(mo - month) <= window)
            & np.isfinite(pt) & np.isfinite(ac))
    err = scaled_error(ac[keep], pt[keep], mo[keep], mode)
    ok = np.isfinite(err)
    return err[ok], yr[keep][ok]


def year_sigma(err, years) -> tuple[float, float, int]:
    """Scale of the next error when errors of one year are not independent: count years.

    Each year's squared errors are averaged first (its months share one outcome and one
    shock), then ``σ² = mean over years × (1 + 1/n)`` for a new year's error, with ``ν = n − 1``
    degrees of freedom, ``n`` the number of distinct years. Returns (σ, ν, n); NaN σ when n = 0.
    """
    err, years = np.asarray(err, float), np.asarray(years)
    if len(err) == 0:
        return float("nan"), float("nan"), 0
    if years.dtype.kind in "iu":  # integer years: bins by offset, the empty ones dropped (no sort)
        which = years - years.min()
        counts = np.bincount(which)
        present = counts > 0
        per_year = np.bincount(which, weights=err**2)[present] / counts[present]
    else:
        _, which = np.unique(years, return_inverse=True)
        per_year = np.bincount(which, weights=err**2) / np.bincount(which)
    n = int(len(per_year))
    return float(np.sqrt(per_year.mean() * (1 + 1 / n))), float(n - 1), n


def _combination_errors(arrays, codes: dict, weights: dict, year: int, month: int, mode: str):
    """(scaled errors, years), at earlier years' nearby origins, of today's weighted combination.

    Only origins where every weighted method had a point count; outcomes of earlier years only.
    ``codes``: method name → its code in the record.
    """
    yr, mo, me, _, pt, ac = arrays
    if len(yr) == 0:
        return np.array([]), np.array([], int)
    keep = (yr < year) & (np.abs(mo - month) <= WINDOW) & np.isfinite(ac)
    weighted = {codes[k]: k for k in weights if k in codes}
    combos: dict = {}
    for y, m, code, p, a in zip(yr[keep], mo[keep], me[keep], pt[keep], ac[keep]):
        if code in weighted:
            combos.setdefault((y, m), [a, {}])[1][weighted[code]] = p
    actual, combo, months, years = [], [], [], []
    for (y, m), (a, pts) in combos.items():
        if all(k in pts and np.isfinite(pts[k]) for k in weights):
            actual.append(a)
            combo.append(sum(w * pts[k] for k, w in weights.items()))
            months.append(m)
            years.append(y)
    if not combo:
        return np.array([]), np.array([], int)
    err = scaled_error(actual, combo, months, mode)
    ok = np.isfinite(err)
    return err[ok], np.asarray(years)[ok]


def _skill_weights(points: dict, errors_all: dict) -> dict:
    """The default's weights at one origin: inverse-MSE over the members, shrunk to equal.

    Members (:data:`DEFAULT_MEMBERS`) with a point here get ``w_k ∝ 1 / MSE_k``, where
    ``MSE_k = (Σ e_k² + SHRINK · MSE_pool) / (n_k + SHRINK)`` over the member's scaled errors
    ``e_k`` of *earlier years* at every month (``errors_all``) and ``MSE_pool`` is the mean
    squared error of all members' errors pooled: with a short track record the weights stay
    near equal (``SHRINK`` = 5 pseudo-errors), and a member without a record gets the pooled
    MSE. No member with a point: the first of :data:`DEFAULT_FALLBACK` that has one.
    """
    ok = [k for k in DEFAULT_MEMBERS if np.isfinite(points.get(k, np.nan))]
    if not ok:
        for k in DEFAULT_FALLBACK:
            if np.isfinite(points.get(k, np.nan)):
                return {k: 1.0}
        return {}
    pooled_err = np.concatenate([errors_all[k] for k in ok])
    pool = float(np.mean(pooled_err**2)) if len(pooled_err) else 1.0
    inv = {}
    for k in ok:
        e = errors_all[k]
        mse = (float(np.sum(e**2)) + SHRINK * pool) / (len(e) + SHRINK)
        inv[k] = 1.0 / max(mse, 1e-12)
    total = sum(inv.values())
    return {k: v / total for k, v in inv.items()}


def _interval(point, sigma, df, month, mode, level):
    if not (np.isfinite(point) and np.isfinite(sigma)):
        return float("nan"), float("nan")
    q = t_quantile(0.5 + level / 2, df)
    half = q * sigma * weight(month)
    if mode == "ratio":
        return point * math.exp(-half), point * math.exp(half)
    return point - half, point + half


def default_errors(record: pd.DataFrame, method: str = DEFAULT_METHOD) -> pd.Series:
    """Scaled past errors of a method, indexed by (year, month)."""
    r = record[(record["method"] == method) & np.isfinite(record["actual"]) & np.isfinite(record["point"])]
    err = scaled_errors(r["actual"], r["point"], r["month"], r["mode"])
    return pd.Series(err, index=pd.MultiIndex.from_arrays([r["year"], r["month"]]), dtype=float)

