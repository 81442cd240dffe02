"""Full-year forecasts from year-to-date data, with simulated uncertainty (the facade).

The work is split by concern: :mod:`.forecast_series` (the table and :func:`cut`),
:mod:`.forecast_methods` (point methods), :mod:`.forecast_record` (pseudo-real-time record,
calibration, the skill-weighted combination), :mod:`.forecast_nextyear` (next year from the
months of this year), :mod:`.forecast_select` (the nested default), :mod:`.forecast_reference`
(calibration borrowed from the national backtest when a record is too short); this module
simulates one origin, at either horizon, and re-exports the rest.

Everything works on a **year × month table** of year-to-date (YTD) values: index = year (int),
columns = months 1..12, NaN where nothing was published (never filled in). The city panel is
summed into such a table (:func:`ytd_series_from_panel`), the national release CSV is read into
one by :mod:`soe_analysis.backtest`; the methods cannot tell them apart.

Methods (each gives a point forecast of the full-year value ``FY_y`` from the table cut at an
origin ``(y, m)``; see :func:`cut`, the one place data after the origin is removed):

``run_rate``        ``YTD_m × 12 / m``.
``seasonal_share``  ``YTD_m / mean_k(YTD_{k,m} / FY_k)`` over earlier years k with both values.
``same_period``     ``FY_{y-1} × YTD_{y,m} / YTD_{y-1,m}``; where the prior-year level is missing,
                    the published like-for-like YTD growth (``yoy``) is used instead.
``recent_growth``   ``YTD_{y,m} + (FY_{y-1} − YTD_{y-1,m}) × F_y / F_{y-1}``: last year's remaining
                    months grown at the year-on-year growth of the latest (up to 3) months' flow
                    ``F`` (like for like from ``yoy`` where published): same-period growth without
                    the base effects a whole-YTD growth carries.
``state_space``     a statsmodels local-level model (UnobservedComponents) *across years* of the
                    remaining-months quantity at month m, ``log(FY_k / YTD_{k,m})``; years
                    without the month are missing observations for the Kalman filter. It is an
                    adaptive seasonal share: recent years count more when the share drifts.
``skill_weighted``  a weighted mean of seasonal share and recent growth
                    (:data:`DEFAULT_MEMBERS`), weights ∝ 1 / mean squared scaled error of each in
                    earlier years (all months), shrunk towards equal weights (:func:`_skill_weights`);
                    pseudo-real time: only years before the forecast year. Run-rate (biased by
                    seasonality), YTD same-period growth (base effects) and the state-space model
                    (unstable with ≤ 8 years per month; its own intervals under-cover) are not
                    members.
``nested``          the default: whichever candidate had the lowest error in earlier years
                    (:mod:`.forecast_select`), the rule the backtest scores.

Two arithmetic modes. ``ratio`` (all values positive): errors are log ratios. ``additive``
(some value ≤ 0, e.g. a loss-making year's profit, where shares are unstable near zero): the
share and growth methods forecast the *remaining months' amount* instead (``YTD_m +`` what the
remaining months delivered in earlier years / last year), errors are differences in the
series' unit. ``recent_growth`` has no additive form (NaN there).

Intervals. For every method but ``state_space`` (which uses its Kalman predictive variance) the
error distribution is the method's own past errors at nearby months (|j − m| ≤ 2, earlier years
only), each scaled by ``w_j = (12 − j) / 12`` (the share of the year still to come), averaged
within each year first (a year's months share one outcome) and pooled to a scale ``σ`` (root
mean square × √(1 + 1/n), n the number of *years*); the predictive distribution is
``point ⊕ σ · w_m · t_ν`` with ν = n − 1. Fewer than 3 years → no interval from the series
itself; live forecasts then borrow the national backtest's scale and say so.

Stocks are forecast as their December level through the log growth since the previous
December, ``L_{y,m} = log(S_{y,m} / S_{y-1,12})``, handled as a YTD-like table in additive mode.
Ratios (e.g. R&D intensity) are simulated from numerator and denominator drawn jointly: their
past scaled errors at common origins give the correlation of the draws (:func:`simulate_ratio`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import SoeError, UsageError
from .forecast_methods import (BASE_METHODS, DEFAULT_METHOD, METHODS, MIN_ERRORS, POINT_METHODS,
                               recent_growth, run_rate, same_period, scaled_error, scaled_errors,
                               seasonal_share, state_space, weight)
from .forecast_record import (DEFAULT_FALLBACK, DEFAULT_MEMBERS, LEVELS, WINDOW, _origins,
                              _skill_weights, default_errors, pseudo_real_time)
from .forecast_nextyear import next_year_forecast
from .forecast_reference import REFERENCE_LABEL, additive_scale, reference_sigma
from .forecast_select import CURRENT_CANDIDATES, CURRENT_FALLBACK, NESTED, choose, year_scores
from .forecast_series import (MONTHS, YtdSeries, arithmetic_mode, cut, december_level, empty_table,
                              latest_origin, stock_series_from_levels, stock_series_from_panel,
                              ytd_series_from_panel)


# --------------------------------------------------------------------------------------------
# Simulation for one origin
# --------------------------------------------------------------------------------------------
@dataclass
class Forecast:
    """A full-year forecast at one origin: point, simulated draws and the method's row."""

    year: int
    month: int
    method: str
    mode: str
    point: float
    draws: np.ndarray
    row: dict
    record: pd.DataFrame


def forecast_year(series: YtdSeries, year: int, month: int, *, method: str = DEFAULT_METHOD,
                  n_sims: int = 2000, seed: int | None = 0, z: np.ndarray | None = None,
                  reference: bool = False) -> Forecast:
    """Forecast ``year``'s full-year value (December level for a stock) from origin (year, month).

    Draws are ``point ⊕ σ·w_m·t_ν`` (Kalman normal for ``state_space``), in the series' own
    space (for a stock, log growth since last December: see :func:`december_level`). ``z``
    (standard t/normal variates, length n_sims) lets callers correlate several series.
    ``method`` ``nested`` is the method with the lowest error in earlier years (as the backtest
    scores it). ``reference=True``: where the series' own record is too short for an interval,
    borrow the national backtest's error scale (:mod:`.forecast_reference`); the row's
    ``calibration`` says which was used.
    """
    if method not in (*METHODS, NESTED):
        raise UsageError(f"unknown method {method!r}; choose from {', '.join((*METHODS, NESTED))}")
    # the state-space model's fits (statsmodels) only when it is the method asked for
    record = pseudo_real_time(series, until=(year, month), state_space=method == "state_space")
    chosen = _nested_current(record, year) if method == NESTED else method
    here = record[(record["year"] == year) & (record["month"] == month) & (record["method"] == chosen)]
    if here.empty:
        raise SoeError(f"no data at {year}-{month:02d} for {series.name or 'the series'}")
    row = {**here.iloc[0].to_dict(), "method": chosen, "calibration": "own"}
    point, sigma, df, mode = row["point"], row["sigma"], row["df"], row["mode"]
    if not np.isfinite(sigma) and reference and np.isfinite(point):
        sigma, df, _ = reference_sigma("current", chosen, month)
        if mode == "additive" and series.kind == "flow":
            sigma *= additive_scale(series, year)
        row.update(sigma=sigma, df=df, calibration=REFERENCE_LABEL)
    if not np.isfinite(sigma):
        row["calibration"] = "none"
    if z is None:
        rng = np.random.default_rng(seed)
        z = rng.standard_t(df, n_sims) if np.isfinite(df) else rng.standard_normal(n_sims)
    if not (np.isfinite(point) and np.isfinite(sigma)):
        draws = np.full(len(z), np.nan)
    elif mode == "ratio":
        draws = point * np.exp(sigma * weight(month) * z)
    else:
        draws = point + sigma * weight(month) * z
    return Forecast(year, month, chosen, mode, float(point), draws, row, record)


def _nested_current(record: pd.DataFrame, year: int) -> str:
    """The current-year candidate with the lowest per-year error before ``year``."""
    done = record[np.isfinite(record["actual"]) & (record["year"] < year)]
    err = scaled_errors(done["actual"], done["point"], done["month"], done["mode"])
    scores = year_scores(done.assign(error=err)) if len(done) else pd.DataFrame(
        columns=["method", "year", "mse"])
    return choose(scores, year - 1, CURRENT_CANDIDATES, CURRENT_FALLBACK)[0]


def _level_view(seen: YtdSeries, year: int, month: int) -> YtdSeries:
    """A flow series as is; a stock as its month-end levels (cut at the origin), for growth."""
    if seen.kind == "flow":
        return seen
    levels = seen.meta["stock_levels"]
    levels = levels.loc[levels.index <= year].copy()
    levels.loc[year, [c for c in MONTHS if c > month]] = np.nan
    return YtdSeries(levels, None, "flow", None, name=seen.name, unit=seen.unit)


def next_growth_draws(seen: YtdSeries, year: int, month: int, n_sims: int, rng) -> tuple[np.ndarray, dict]:
    """Draws of next year's growth (log, or change in additive mode) at origin (year, month).

    The nested method's growth, with its own calibration when the record has enough years, else
    the national backtest's (scaled by the series' mean absolute full year in additive mode).
    """
    view = _level_view(seen, year, month)
    nx = next_year_forecast(view, (year, month))
    row = nx["row"] or {}
    growth, sigma, df = (row.get(k, np.nan) for k in ("growth", "sigma_g", "df_g"))
    info = {"method": nx["method"], "growth": growth, "calibration": "own", "mode": row.get("mode")}
    if not np.isfinite(sigma) and np.isfinite(growth):
        # the nested rule's own national errors: what the backtest scores (not the chosen one's)
        sigma, df, _ = reference_sigma("next", NESTED, month)
        if row.get("mode") == "additive":
            sigma *= additive_scale(view, year + 1)
        info["calibration"] = REFERENCE_LABEL
    info.update(sigma=sigma, df=df)
    if not (np.isfinite(growth) and np.isfinite(sigma)):
        info["calibration"] = "none"
        return np.full(n_sims, np.nan), info
    return growth + sigma * rng.standard_t(max(df, 1.0), n_sims), info


def simulate_full_year(series: YtdSeries, as_of: tuple[int, int], target_year: int, *,
                       n_sims: int = 2000, seed: int | None = 0, method: str = NESTED,
                       z: np.ndarray | None = None) -> dict:
    """Draws of the target year's full-year value (flow) or December level (stock) at ``as_of``.

    In the target year (horizon ``current``) the rest of the year is forecast from its YTD. In
    the year before (horizon ``next``) that year's forecast *distribution* is carried forward
    and multiplied, path by path, by draws of next year's growth
    (:mod:`.forecast_nextyear`). Returns draws, point, ytd, origin_year, origin_month,
    forecast, mode, method, horizon, calibration and, for ``next``, base_draws/base_point.
    """
    year, month = as_of
    if target_year not in (year, year + 1):
        raise UsageError(f"target year {target_year} must be the as-of year or the next ({year}, {year + 1})")
    rng = np.random.default_rng(seed)
    seen = cut(series, year, month)
    origin_month = latest_origin(seen, year)
    if origin_month is None:
        raise SoeError(f"{series.name}: no data in {year} up to month {month}")
    fc = None
    if origin_month == 12:
        fy = seen.full_year(year) if seen.kind == "flow" else float(seen.value(year, 12))
        draws, mode, this_point = np.full(n_sims, fy), arithmetic_mode(seen), fy
    else:
        fc = forecast_year(seen, year, origin_month, method=method, n_sims=n_sims,
                           seed=rng.integers(2**31), z=z, reference=True)
        draws, mode, this_point = fc.draws, fc.mode, fc.point
    ytd_now = seen.value(year, origin_month)
    common = {"origin_year": year, "origin_month": origin_month, "forecast": fc, "mode": mode,
              "method": fc.method if fc else "actual", "horizon": "current",
              "calibration": fc.row["calibration"] if fc else "actual"}
    base_draws, base_point = draws, this_point
    current_level = float("nan")
    if seen.kind == "stock":
        base_draws = december_level(seen, year, draws)
        base_point = float(december_level(seen, year, this_point))
        current_level = float(december_level(seen, year, ytd_now))
    if target_year == year:
        return {"draws": base_draws, "point": base_point, "ytd": ytd_now if seen.kind == "flow" else float("nan"),
                "current_level": current_level, **common}
    g, info = next_growth_draws(seen, year, origin_month, n_sims, rng)
    ratio = info["mode"] == "ratio"
    values = base_draws * np.exp(g) if ratio else base_draws + g
    point = base_point * math.exp(info["growth"]) if ratio else base_point + info["growth"]
    return {"draws": values, "point": float(point), "ytd": 0.0 if seen.kind == "flow" else float("nan"),
            **common, "method": info["method"], "horizon": "next", "calibration": info["calibration"],
            "growth": info, "base_draws": base_draws, "base_point": base_point,
            "base_ytd": ytd_now, "current_level": current_level}


def joint_normals(errors_a: pd.Series, errors_b: pd.Series, n_sims: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Correlated standard normal draws, correlation from paired past scaled errors (0 if < 3 pairs)."""
    both = pd.concat([errors_a, errors_b], axis=1).dropna()
    rho = float(both.corr().iloc[0, 1]) if len(both) >= MIN_ERRORS else 0.0
    if not np.isfinite(rho):
        rho = 0.0
    a = rng.standard_normal(n_sims)
    b = rho * a + math.sqrt(max(1 - rho**2, 0.0)) * rng.standard_normal(n_sims)
    return a, b, rho


def simulate_ratio(num: YtdSeries, den: YtdSeries, as_of: tuple[int, int], target_year: int, *,
                   n_sims: int = 2000, seed: int | None = 0) -> dict:
    """Draws of a ratio of two flows' full-year values (in percent), simulated jointly.

    Numerator and denominator share correlated standard normal variates whose correlation is
    that of their past scaled errors at common origins; then ratio = num / den × 100 path by
    path. Draws where the denominator is ≤ 0 are NaN.
    """
    rng = np.random.default_rng(seed)
    year, month = as_of
    om = latest_origin(cut(num, year, month), year)
    if om is None:
        raise SoeError(f"{num.name}: no data in {year} up to month {month}")
    rec_n = pseudo_real_time(cut(num, year, month), until=(year, om), state_space=False) if om < 12 else None
    rec_d = pseudo_real_time(cut(den, year, month), until=(year, om), state_space=False) if om < 12 else None
    if rec_n is not None and not rec_n.empty and not rec_d.empty:
        za, zb, rho = joint_normals(default_errors(rec_n), default_errors(rec_d), n_sims, rng)
    else:
        za, zb, rho = rng.standard_normal(n_sims), rng.standard_normal(n_sims), 0.0
    sub = int(rng.integers(2**31))
    a = simulate_full_year(num, as_of, target_year, n_sims=n_sims, seed=sub, z=za)
    b = simulate_full_year(den, as_of, target_year, n_sims=n_sims, seed=sub + 1, z=zb)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = np.where(b["draws"] > 0, a["draws"] / b["draws"] * 100, np.nan)
        point = a["point"] / b["point"] * 100 if b["point"] > 0 else float("nan")
    ytd_ratio = a["ytd"] / b["ytd"] * 100 if (b["ytd"] or 0) > 0 else float("nan")
    return {"draws": draws, "point": float(point), "ytd": float(ytd_ratio), "rho": rho,
            "numerator": a, "denominator": b, "origin_year": a["origin_year"],
            "origin_month": a["origin_month"], "mode": "ratio"}


def summarise_draws(draws: np.ndarray, point: float, target: float | None = None,
                    direction: str = ">=") -> dict:
    """Point, 80%/95% intervals and P(reach target) of simulated draws (NaN-aware)."""
    d = np.asarray(draws, float)
    d = d[np.isfinite(d)]
    out = {"point": float(point)}
    if len(d) == 0:
        out.update(lo80=float("nan"), hi80=float("nan"), lo95=float("nan"), hi95=float("nan"),
                   p_reach=float("nan"))
        return out
    q = np.quantile(d, [0.1, 0.9, 0.025, 0.975])
    out.update(lo80=float(q[0]), hi80=float(q[1]), lo95=float(q[2]), hi95=float(q[3]))
    if target is not None and np.isfinite(target):
        hit = d >= target if direction == ">=" else d <= target
        out["p_reach"] = float(hit.mean())
    else:
        out["p_reach"] = float("nan")
    return out


# the facade: callers import everything forecast-related from here
__all__ = [
    "BASE_METHODS", "DEFAULT_FALLBACK", "DEFAULT_MEMBERS", "DEFAULT_METHOD", "LEVELS", "METHODS",
    "MIN_ERRORS", "MONTHS", "POINT_METHODS", "WINDOW", "Forecast", "YtdSeries", "_origins",
    "_skill_weights", "NESTED", "next_growth_draws", "arithmetic_mode", "cut", "december_level",
    "default_errors", "empty_table", "forecast_year", "joint_normals", "latest_origin",
    "pseudo_real_time", "recent_growth", "run_rate", "same_period", "scaled_error",
    "seasonal_share", "simulate_full_year", "simulate_ratio", "state_space",
    "stock_series_from_levels", "stock_series_from_panel", "summarise_draws", "weight",
    "ytd_series_from_panel",
]
