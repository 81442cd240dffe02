"""Next year's full-year value from the months of this year (the plan's question, asked in Y−1).

At an origin ``(Y−1, m)`` the full year ``FY_Y = FY_{Y−1} · exp(g)`` (ratio mode; additive mode:
``FY_{Y−1} + g``) has two unknowns, simulated path by path and never replaced by a point:

- ``FY_{Y−1}`` itself, unless the origin is December: its current-year forecast distribution
  (the default's calibrated interval, :mod:`soe_analysis.forecast_record`) is carried forward;
- the growth ``g``, from one of :data:`NEXT_METHODS`, with an error whose scale comes from the
  same method's errors in *earlier target years* only, counted as years (one shock a year,
  :func:`soe_analysis.forecast_record.year_sigma`) and drawn from t with years − 1 d.f.

Growth is like for like where the data publishes growth rates (the ``yoy`` table: ``log(1 +
g/100)``); ratios of levels across years are used only where no rate is published. The
realised growth that scores a method is the ratio of published full-year levels (what the
forecast must hit; a change of scope is part of the error), or the published December rate
where a level is missing.

Methods (growth ``g`` at origin (Y−1, m)):

``no_change``        0: next year equals this year.
``growth_continues`` this year's YTD growth at month m (like for like).
``mean_growth``      mean of the full-year growth of complete years seen at the origin.
``median_growth``    their median.
``damped_trend``     ``mean + φ (this year's growth − mean)``, φ = :data:`DAMPING`: this
                     year's growth decays halfway back to the long-run mean.
``combined``         equal-weight mean of no change, growth continues and mean growth.

The default, ``nested``, is the one of these with the lowest error on earlier target years
(:mod:`soe_analysis.forecast_select`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .forecast_methods import DEFAULT_METHOD, MIN_ERRORS
from .forecast_record import pseudo_real_time, year_sigma
from .forecast_select import NESTED, add_nested, choose, known_before, year_scores
from .forecast_series import YtdSeries, arithmetic_mode, cut

NEXT_METHODS = ("no_change", "growth_continues", "mean_growth", "median_growth", "damped_trend",
                "combined")
NEXT_FALLBACK = "combined"
DAMPING = 0.5  # fixed, not fitted: with 6–8 annual growth rates a fitted φ would be noise
NEXT_WINDOW = 2  # origin months either side pooled for calibration
N_DRAWS = 4000  # simulated paths per origin in the backtest


def _lfl_growth(series: YtdSeries, year: int, month: int, mode: str) -> float:
    """Growth of YTD at (year, month) over the same months a year before (like for like first)."""
    x, prev = series.value(year, month), series.value(year - 1, month)
    if mode == "ratio":
        growth = series.published_growth(year, month)
        if np.isfinite(growth):
            return math.log1p(growth / 100)
        return math.log(x / prev) if x > 0 and prev > 0 else float("nan")
    if np.isfinite(x) and np.isfinite(prev):
        return (x - prev) * 12 / month  # this year's change, at an annual pace
    return float("nan")


def annual_growth(series: YtdSeries, year: int, mode: str) -> float:
    """Full-year growth of ``year`` as published (like for like), else from levels (NaN if neither)."""
    return _lfl_growth(series, year, 12, mode)


def realised_growth(series: YtdSeries, year: int, mode: str) -> float:
    """What a growth forecast for ``year`` is scored on: the ratio of published full years."""
    fy, prev = series.value(year, 12), series.value(year - 1, 12)
    if mode == "ratio":
        if fy > 0 and prev > 0:
            return math.log(fy / prev)
        return annual_growth(series, year, mode)
    return fy - prev if np.isfinite(fy) and np.isfinite(prev) else float("nan")


def growth_points(seen: YtdSeries, target_year: int, month: int, mode: str, earlier: dict | None = None) -> dict:
    """Each method's growth for ``target_year`` from the series cut at (target_year − 1, month).

    ``earlier``: a cache of ``{(year, mode): annual growth}`` kept by a caller that goes through
    many origins of one series; only years before ``target_year − 1`` go in, which no cut at a
    later origin changes.
    """
    this_year = _lfl_growth(seen, target_year - 1, month, mode)
    earlier = {} if earlier is None else earlier
    history = []
    for y in seen.levels.index:
        if y < target_year - 1:
            if (y, mode) not in earlier:
                earlier[(y, mode)] = annual_growth(seen, y, mode)
            history.append(earlier[(y, mode)])
        elif y == target_year - 1:
            history.append(annual_growth(seen, y, mode))
    history = np.array([g for g in history if np.isfinite(g)])
    mean = float(history.mean()) if len(history) >= 2 else float("nan")
    median = float(np.median(history)) if len(history) >= 2 else float("nan")
    damped = mean + DAMPING * (this_year - mean)
    members = [0.0, this_year, mean]
    combined = float(np.mean(members)) if all(np.isfinite(members)) else float("nan")
    return {"no_change": 0.0, "growth_continues": this_year, "mean_growth": mean,
            "median_growth": median, "damped_trend": damped, "combined": combined}


def _base_rows(series: YtdSeries, current: pd.DataFrame | None) -> dict:
    """(year, month) → (point, sigma·w_m, df, mode) of this year's full year at that origin."""
    from .forecast_methods import weight

    if current is None:
        current = pseudo_real_time(series, state_space=False)  # the default's rows only
    rows = current[current["method"] == DEFAULT_METHOD]
    return {(int(r.year), int(r.month)): (float(r.point), float(r.sigma) * weight(int(r.month)),
                                          float(r.df), r.mode) for r in rows.itertuples()}


def _origins(series: YtdSeries) -> list[tuple[int, int]]:
    cells = series.levels[list(range(1, 13))].notna().to_numpy()  # months 1–12, by label
    return [(int(y), m) for y, row in zip(series.levels.index, cells) for m, ok in enumerate(row, 1) if ok]


def next_year_record(series: YtdSeries, current: pd.DataFrame | None = None, *,
                     until: tuple[int, int] | None = None, with_base: bool = True,
                     calibrate: bool = True) -> pd.DataFrame:
    """Every next-year forecast in pseudo-real time: one row per origin (Y−1, m) and method.

    Columns: year (the target year Y), month (the origin month in Y−1), method, mode, point,
    growth (the method's g), base_point/base_scale/base_df (this year's full-year forecast at
    the origin; scale 0 at December), actual (FY_Y, NaN if unknown), realised (the growth that
    scores g), error (realised − g). Calibration (sigma_g, df_g, n_cal) uses only target years
    ≤ :func:`known_before`, i.e. outcomes published before the origin. ``with_base=False``
    skips this year's forecasts (points NaN) for a caller that simulates the base itself.
    ``calibrate=False`` leaves sigma_g/df_g/n_cal empty for a caller that calibrates every row
    after adding the nested ones (:func:`with_nested`), instead of twice.
    """
    base = _base_rows(series, current) if with_base else {}
    rows, earlier = [], {}
    for year0, month in _origins(series):
        if until is not None and (year0, month) > until:
            continue
        target = year0 + 1
        seen = cut(series, year0, month)
        mode = arithmetic_mode(seen)
        if month == 12:
            base_point, scale, df = seen.value(year0, 12), 0.0, float("inf")
        else:
            base_point, scale, df, _ = base.get((year0, month), (np.nan, np.nan, np.nan, mode))
        realised = realised_growth(series, target, mode) if target in series.levels.index else np.nan
        for name, g in growth_points(seen, target, month, mode, earlier).items():
            point = base_point * math.exp(g) if mode == "ratio" else base_point + g
            rows.append({"year": target, "month": month, "method": name, "mode": mode,
                         "growth": g, "point": point, "base_point": base_point,
                         "base_scale": scale, "base_df": df,
                         "actual": series.value(target, 12) if target in series.levels.index else np.nan,
                         "realised": realised, "error": realised - g})
    record = pd.DataFrame(rows)
    if record.empty:
        return record
    if not calibrate:  # the columns in their place, the values to come
        return record.assign(sigma_g=np.nan, df_g=np.nan, n_cal=0)
    return _calibrate(record)


def _calibrate(record: pd.DataFrame) -> pd.DataFrame:
    """Growth-error scale per row from earlier target years' errors at nearby origin months."""
    year, month = record["year"].to_numpy(int), record["month"].to_numpy(int)
    method, error = record["method"].to_numpy(object), record["error"].to_numpy(float)
    sig, dfs = np.empty(len(record)), np.empty(len(record))
    ns = np.empty(len(record), int)
    for name in dict.fromkeys(method):  # each method's rows apart: one mask per method, not per row
        rows = np.flatnonzero(method == name)
        own = rows[np.isfinite(error[rows])]  # in record order, as year_sigma always saw them
        own_year, own_month, own_error = year[own], month[own], error[own]
        for i in rows:
            y, m = year[i], month[i]
            # outcomes known before this origin: target years ≤ Y − 2 (≤ Y − 1 from December)
            last = y - 1 if m == 12 else known_before(int(y), "next")
            keep = (own_year <= last) & (np.abs(own_month - m) <= NEXT_WINDOW)
            s, d, n = year_sigma(own_error[keep], own_year[keep])
            sig[i], dfs[i], ns[i] = (s if n >= MIN_ERRORS else np.nan), d, n
    return record.assign(sigma_g=sig, df_g=dfs, n_cal=ns)


def _simulable(row) -> bool:
    return bool(np.isfinite(row["point"]) and np.isfinite(row["sigma_g"]) and np.isfinite(row["base_scale"]))


def _variates(row, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """This year's and next growth's standard variates (t, or normal for infinite d.f.)."""
    t_base = rng.standard_t(row["base_df"], n) if np.isfinite(row["base_df"]) else rng.standard_normal(n)
    return t_base, rng.standard_t(max(row["df_g"], 1.0), n)


def _paths(row, t_base: np.ndarray, t_g: np.ndarray) -> np.ndarray:
    g = row["growth"] + row["sigma_g"] * t_g
    if row["mode"] == "ratio":
        return row["base_point"] * np.exp(row["base_scale"] * t_base + g)
    return row["base_point"] + row["base_scale"] * t_base + g


def draws_for(row, n: int, rng) -> np.ndarray:
    """Simulated FY_Y for one record row: this year's draws carried forward, times next growth."""
    if not _simulable(row):
        return np.full(n, np.nan)
    return _paths(row, *_variates(row, n, rng))


def add_intervals(record: pd.DataFrame, n: int = N_DRAWS, seed: int = 0) -> pd.DataFrame:
    """lo80/hi80/lo95/hi95 from simulated paths (a fixed seed per origin: reproducible)."""
    # every method at an origin starts from the same seed: methods whose d.f. agree share the
    # same variates, drawn once (the draws are those draws_for would make, number for number)
    variates: dict = {}
    paths, rows = [], []
    for i, r in enumerate(record.to_dict("records")):
        if not _simulable(r):
            continue
        key = (int(r["year"]), int(r["month"]), float(r["base_df"]), max(float(r["df_g"]), 1.0))
        if key not in variates:
            variates[key] = _variates(r, n, np.random.default_rng([seed, key[0], key[1]]))
        d = _paths(r, *variates[key])
        if np.isfinite(d).all():
            paths.append(d)
            rows.append(i)
    bounds = np.full((4, len(record)), np.nan)
    if paths:  # one quantile call over every row's paths (row by row it was most of the time)
        bounds[:, rows] = np.quantile(np.vstack(paths), [0.1, 0.9, 0.025, 0.975], axis=1)
    return record.assign(lo80=bounds[0], hi80=bounds[1], lo95=bounds[2], hi95=bounds[3])


def with_nested(record: pd.DataFrame) -> pd.DataFrame:
    """The record with the nested default's rows, calibrated on the default's *own* past errors.

    The chosen candidate's own past errors are the smallest of all candidates' by construction
    (that is why it was chosen), so they understate its next error: the winner's curse. The
    nested rows' scale therefore comes from the errors the nested rule itself made in earlier
    target years (each with the choice made before that year), the same years-counted rule as
    every method (:func:`_calibrate` groups by method name). Fewer than :data:`MIN_ERRORS`
    such years: no interval.
    """
    if record.empty:
        return record
    return _calibrate(add_nested(record, NEXT_METHODS, NEXT_FALLBACK, "next"))


def next_year_backtest_record(series: YtdSeries, current: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scored record: calibrated rows, intervals, and the nested default's rows."""
    record = with_nested(next_year_record(series, current, calibrate=False))
    return add_intervals(record) if len(record) else record


def next_year_forecast(series: YtdSeries, origin: tuple[int, int], *, method: str = NESTED,
                       ) -> dict:
    """The growth row (g, its calibration) for FY_Y at origin (Y−1, m), Y = origin year + 1.

    ``method`` ``nested`` chooses, from outcomes known at the origin, as the backtest does.
    The row's growth and its calibration are what the caller needs; this year's base comes
    from the caller's own current-year simulation (points here are NaN).
    """
    seen = cut(series, *origin)
    # the nested rows are calibrated with every other row by with_nested
    record = next_year_record(seen, until=origin, with_base=False, calibrate=method != NESTED)
    target = origin[0] + 1
    if record.empty:
        return {"row": None, "method": method}
    if method == NESTED:
        # the backtest's rule exactly: choice from target years ≤ Y − 2, own-error calibration
        record = with_nested(record)
    here = record[(record["year"] == target) & (record["month"] == origin[1])
                  & (record["method"] == method)]
    if here.empty:
        chosen = choose(year_scores(record[record["method"] != NESTED]), known_before(target, "next"),
                        NEXT_METHODS, NEXT_FALLBACK)[0] if method == NESTED else method
        return {"row": None, "method": chosen}
    row = here.iloc[0].to_dict()
    return {"row": row, "method": row.get("chosen", method) if method == NESTED else method}
