"""Full-year forecasts from year-to-date data, with simulated uncertainty.

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
``skill_weighted``  the default: a weighted mean of seasonal share and recent growth
                    (:data:`DEFAULT_MEMBERS`), weights ∝ 1 / mean squared scaled error of each in
                    earlier years (all months), shrunk towards equal weights (:func:`_skill_weights`);
                    pseudo-real time: only years before the forecast year. Run-rate (biased by
                    seasonality), YTD same-period growth (base effects) and the state-space model
                    (unstable with ≤ 8 years per month; its own intervals under-cover) are not
                    members; see docs/forecast.md for the backtest behind this choice.

Two arithmetic modes. ``ratio`` (all values positive): errors are log ratios. ``additive``
(some value ≤ 0, e.g. a loss-making year's profit, where shares are unstable near zero): the
share and growth methods forecast the *remaining months' amount* instead (``YTD_m +`` what the
remaining months delivered in earlier years / last year), errors are differences in the
series' unit. ``recent_growth`` has no additive form (NaN there).

Intervals. For every method but ``state_space`` (which uses its Kalman predictive variance) the
error distribution is the method's own past errors at nearby months (|j − m| ≤ 2, earlier years
only), each scaled by ``w_j = (12 − j) / 12`` (the share of the year still to come), pooled to
a scale ``σ`` (root mean square × √(1 + 1/n), as for a new observation); the predictive
distribution is ``point ⊕ σ · w_m · t_ν`` with ν = n − 1 (heavier tails when few errors exist). Fewer than 3 past errors → no interval (NaN), never a guess.

Stocks are forecast as their December level through the log growth since the previous
December, ``L_{y,m} = log(S_{y,m} / S_{y-1,12})``, handled as a YTD-like table in additive mode.
Ratios (e.g. R&D intensity) are simulated from numerator and denominator drawn jointly: their
past scaled errors at common origins give the correlation of the draws (:func:`simulate_ratio`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .errors import SoeError, UsageError
from .metrics import annualise
from .schema import LINE_BY_NAME, ytd

MONTHS = list(range(1, 13))
BASE_METHODS = ("run_rate", "seasonal_share", "same_period", "recent_growth", "state_space")
DEFAULT_METHOD = "skill_weighted"
METHODS = (*BASE_METHODS, DEFAULT_METHOD)
# the default combines these (see _skill_weights); the others are reported beside it
DEFAULT_MEMBERS = ("seasonal_share", "recent_growth")
# where no member has a point (e.g. an origin with only a published growth): the first of these
DEFAULT_FALLBACK = ("same_period", "run_rate")
WINDOW = 2  # months either side pooled for interval calibration
MIN_ERRORS = 3  # fewer past errors than this: no interval
MAX_ITER = 200  # cap on the optimiser's iterations per state-space fit (keeps fitting cheap)
SHRINK = 5.0  # pseudo-observations shrinking each member's past MSE to the members' pooled MSE
RECENT_SPAN = 3  # recent_growth looks at most this many months back
LEVELS = (0.80, 0.95)


# --------------------------------------------------------------------------------------------
# The year × month table
# --------------------------------------------------------------------------------------------
@dataclass
class YtdSeries:
    """A year × month table of YTD values (or, for a stock, log growth since last December).

    ``levels``: index year, columns 1..12; ``yoy``: published YTD growth in percent, same shape,
    or None; ``kind``: "flow" or "stock"; ``base``: for a stock, the previous December's level by
    year (``S_{y-1,12}``), so that a December level is ``base[y] · exp(L_{y,12})``.
    """

    levels: pd.DataFrame
    yoy: pd.DataFrame | None = None
    kind: str = "flow"
    base: pd.Series | None = None
    name: str = ""
    unit: str = "亿元"
    meta: dict = field(default_factory=dict)

    def value(self, year: int, month: int) -> float:
        if year not in self.levels.index:
            return float("nan")
        return float(self.levels.at[year, month])

    def full_year(self, year: int) -> float:
        """The published (or, for a stock, December) value of a year; NaN if not known."""
        if self.kind == "stock":
            if year not in self.levels.index or self.base is None:
                return float("nan")
            return float(self.base.get(year, np.nan) * np.exp(self.levels.at[year, 12]))
        return self.value(year, 12)


def empty_table(years) -> pd.DataFrame:
    return pd.DataFrame(np.nan, index=pd.Index(sorted(set(int(y) for y in years)), name="year"),
                        columns=MONTHS, dtype=float)


def cut(series: YtdSeries, year: int, month: int) -> YtdSeries:
    """The series as seen at origin (year, month): later cells become NaN, later years go.

    This is the only place data after a forecast origin is removed; every method receives the
    cut series, so none can peek at the months it forecasts.
    """
    def _cut(table):
        if table is None:
            return None
        t = table.loc[table.index <= year].copy()
        if year in t.index:
            t.loc[year, [c for c in MONTHS if c > month]] = np.nan
        return t

    base = series.base
    if base is not None:
        base = base.loc[base.index <= year]
    return replace(series, levels=_cut(series.levels), yoy=_cut(series.yoy), base=base)


def ytd_series_from_panel(panel: pd.DataFrame, line: str, enterprises=None) -> YtdSeries:
    """Sum a flow line's YTD over enterprises into a year × month table (亿元).

    A month counts only when every enterprise present that year reported the line (otherwise
    NaN: a partial total is not a total). January of a combined 1–2月 year is NaN, since the
    panel's January YTD there is half of the combined release, not a published figure.
    """
    spec = LINE_BY_NAME.get(line)
    if spec is None or spec.kind != "flow":
        raise UsageError(f"{line!r} is not a flow line of the panel")
    rows = _select(panel, enterprises)
    col = ytd(line)
    if col not in rows:
        raise SoeError(f"panel has no column {col}")
    table = _sum_table(rows, col)
    if "jan_feb_combined" in rows:
        combined = rows.loc[rows["jan_feb_combined"].fillna(False).astype(bool) & (rows["month"] == 1), "year"]
        table.loc[table.index.isin(combined.unique()), 1] = np.nan
    return YtdSeries(table, None, "flow", None, name=line, unit="亿元",
                     meta={"dataset": _label(rows), "enterprises": sorted(rows["enterprise"].unique())})


def stock_series_from_panel(panel: pd.DataFrame, line: str, enterprises=None) -> YtdSeries:
    """A stock line as log growth since the previous December (see module notes)."""
    spec = LINE_BY_NAME.get(line)
    if spec is None or spec.kind != "stock":
        raise UsageError(f"{line!r} is not a stock line of the panel")
    rows = _select(panel, enterprises)
    levels = _sum_table(rows, line)
    return stock_series_from_levels(levels, name=line,
                                    unit="人" if spec.unit == "persons" else "亿元",
                                    meta={"dataset": _label(rows)})


def stock_series_from_levels(levels: pd.DataFrame, *, name: str = "", unit: str = "亿元",
                             meta: dict | None = None) -> YtdSeries:
    """Month-end levels (year × month) → log growth since the previous December."""
    levels = levels.reindex(columns=MONTHS)
    prev_dec = pd.Series({y: levels[12].get(y - 1, np.nan) for y in levels.index}, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = levels.div(prev_dec, axis=0)
        growth = np.log(ratio.where(ratio > 0))
    growth.index.name = "year"
    return YtdSeries(growth, None, "stock", prev_dec, name=name, unit=unit,
                     meta={**(meta or {}), "stock_levels": levels})


def _select(panel: pd.DataFrame, enterprises) -> pd.DataFrame:
    if enterprises:
        wanted = [enterprises] if isinstance(enterprises, str) else list(enterprises)
        unknown = sorted(set(wanted) - set(panel["enterprise"].unique()))
        if unknown:
            raise SoeError(f"enterprises not in the panel: {', '.join(unknown)}")
        return panel[panel["enterprise"].isin(wanted)]
    return panel


def _label(rows: pd.DataFrame) -> str:
    from .io.panel import dataset_label
    return dataset_label(rows) if "dataset" in rows else "user"


def _sum_table(rows: pd.DataFrame, col: str) -> pd.DataFrame:
    per_year = rows.groupby("year")["enterprise"].nunique()
    grouped = rows.groupby(["year", "month"])[col].agg(["sum", "count"])
    complete = grouped["count"] == per_year.reindex(grouped.index.get_level_values("year")).to_numpy()
    total = grouped["sum"].where(complete)
    table = total.unstack("month").reindex(columns=MONTHS)
    table.index = table.index.astype(int)
    table.index.name = "year"
    return table.astype(float)


# --------------------------------------------------------------------------------------------
# Point methods
# --------------------------------------------------------------------------------------------
def arithmetic_mode(series: YtdSeries) -> str:
    """``ratio`` when every visible value is positive, else ``additive`` (stocks: additive)."""
    if series.kind == "stock":
        return "additive"
    values = series.levels.to_numpy()
    values = values[np.isfinite(values)]
    return "ratio" if len(values) and (values > 0).all() else "additive"


def _past_pairs(series: YtdSeries, year: int, month: int) -> pd.DataFrame:
    """Earlier years with both YTD at ``month`` and the full-year value."""
    t = series.levels
    past = t.loc[t.index < year, [month, 12]].dropna()
    return past.rename(columns={month: "ytd", 12: "fy"})


def run_rate(series: YtdSeries, year: int, month: int, mode: str) -> float:
    return annualise(series.value(year, month), month)


def seasonal_share(series: YtdSeries, year: int, month: int, mode: str) -> float:
    x = series.value(year, month)
    past = _past_pairs(series, year, month)
    if not np.isfinite(x) or past.empty:
        return float("nan")
    if mode == "ratio":
        return x / float((past["ytd"] / past["fy"]).mean())
    return x + float((past["fy"] - past["ytd"]).mean())


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
    if mode == "ratio" and series.yoy is not None and year in series.yoy.index:
        growth = series.yoy.at[year, month]
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
    now = series.levels.loc[year]
    growth = series.yoy.loc[year] if series.yoy is not None and year in series.yoy.index else None
    before = series.levels.loc[year - 1] if year - 1 in series.levels.index else None

    def last_year(k: int, like_for_like: bool) -> float:
        if like_for_like:
            return now[k] / (1 + growth[k] / 100) if growth is not None and np.isfinite(growth[k]) else np.nan
        return before[k] if before is not None else np.nan

    for like_for_like in (True, False):
        prev_now = last_year(month, like_for_like)
        if not np.isfinite(prev_now):
            continue
        for start in range(max(month - RECENT_SPAN, 1), month):
            prev_start = last_year(start, like_for_like)
            if np.isfinite(now[start]) and np.isfinite(prev_start):
                flow, prev_flow = x - now[start], prev_now - prev_start
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
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scale = float(np.nanstd(z.to_numpy()))
        if not scale > 1e-9 * max(1.0, float(np.nanmax(np.abs(z.to_numpy())))):
            return float(z.dropna().iloc[-1]), 0.0  # a constant history: nothing to filter
        centre = float(np.nanmean(z.to_numpy()))
        model = sm.tsa.UnobservedComponents((z.to_numpy() - centre) / scale, level="local level")
        try:
            res = model.fit(disp=False, method="nm", maxiter=MAX_ITER)
            pred = res.get_forecast(1)
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


# --------------------------------------------------------------------------------------------
# Pseudo-real-time record, calibration and the default
# --------------------------------------------------------------------------------------------
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


def _origins(series: YtdSeries) -> list[tuple[int, int]]:
    t = series.levels
    has = t.notna()
    if series.yoy is not None:
        has = has | series.yoy.reindex(index=t.index, columns=MONTHS).notna()
    return [(int(y), int(m)) for y in t.index for m in range(1, 12) if has.at[y, m]]


_CACHE: dict = {}
_CACHE_SIZE = 64


def _cache_key(series: YtdSeries, until) -> tuple:
    parts = [series.kind, tuple(series.levels.index), series.levels.to_numpy().tobytes(), until]
    if series.yoy is not None:
        parts += [tuple(series.yoy.index), series.yoy.to_numpy().tobytes()]
    return tuple(parts)


def pseudo_real_time(series: YtdSeries, *, until: tuple[int, int] | None = None) -> pd.DataFrame:
    """Cached :func:`_pseudo_real_time` (same table, same result: it is deterministic)."""
    key = _cache_key(series, until)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _pseudo_real_time(series, until=until)
    return _CACHE[key].copy()


def _pseudo_real_time(series: YtdSeries, *, until: tuple[int, int] | None = None) -> pd.DataFrame:
    """Forecast every year's full-year value from every available month, in real time.

    Each origin (y, m) sees only :func:`cut` (y, m); calibration and skill weights at (y, m) use
    only forecasts of *earlier years* whose outcome is known. ``until`` stops after that origin
    (used to make a single forecast). Returns one row per origin and method: year, month,
    method, mode, point, lo80, hi80, lo95, hi95, sigma, n_cal, actual (NaN when the year's
    outcome is not in the data), and for the default the weights used.
    """
    from scipy import stats

    origins = _origins(series)
    if until is not None:
        origins = [o for o in origins if o <= until] + ([until] if until not in origins else [])
    origins = sorted(set(origins))
    rows: list[dict] = []
    rec = _Record()
    for year, month in origins:
        seen = cut(series, year, month)
        mode = arithmetic_mode(seen)
        actual = series.value(year, 12)  # full-year value (stock: log growth to December)
        record = rec.arrays()
        ss_mean, ss_var = _state_space_fit(seen, year, month, mode)
        points = {name: func(seen, year, month, mode) for name, func in POINT_METHODS.items()
                  if name != "state_space"}
        points["state_space"] = state_space(seen, year, month, mode, fit=(ss_mean, ss_var))
        errors = {name: _past_errors(record, name, year, month, mode) for name in METHODS}
        errors_all = {name: _past_errors(record, name, year, month, mode, window=11)
                      for name in DEFAULT_MEMBERS}
        # the default: shrunk inverse-MSE weights over its members (earlier years' errors only)
        weights = _skill_weights(points, errors_all)
        if weights:
            default_point = sum(w * points[k] for k, w in weights.items())
        else:
            default_point = float("nan")
        points[DEFAULT_METHOD] = default_point
        for name in METHODS:
            point = points[name]
            row = {"year": year, "month": month, "method": name, "mode": mode,
                   "point": point, "actual": actual, "n_cal": 0, "sigma": float("nan"),
                   "df": float("nan")}
            err = errors[name]
            if name == DEFAULT_METHOD and weights:
                combo = _combination_errors(record, weights, year, month, mode)
                if len(combo) >= MIN_ERRORS:
                    err = combo
            if name == "state_space" and np.isfinite(ss_var):
                row.update(sigma=math.sqrt(ss_var) / weight(month), df=float("inf"),
                           n_cal=int(len(err)))
            elif len(err) >= MIN_ERRORS:
                # RMS of past scaled errors, × sqrt(1 + 1/n) for a new observation
                sigma = float(np.sqrt(np.mean(err**2) * (1 + 1 / len(err))))
                row.update(sigma=sigma, df=float(len(err) - 1),
                           n_cal=int(len(err)))
            for level in LEVELS:
                lo, hi = _interval(point, row["sigma"], row["df"], month, mode, level, stats)
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
    """The forecasts made so far, as numpy arrays (fast filtering inside the origin loop)."""

    def __init__(self):
        self.year, self.month, self.method, self.ratio, self.point, self.actual = ([] for _ in range(6))

    def add(self, year, month, method, mode, point, actual):
        self.year.append(year)
        self.month.append(month)
        self.method.append(method)
        self.ratio.append(mode == "ratio")
        self.point.append(point)
        self.actual.append(actual)

    def arrays(self):
        return (np.array(self.year, int), np.array(self.month, int), np.array(self.method, object),
                np.array(self.ratio, bool), np.array(self.point, float), np.array(self.actual, float))


def _past_errors(arrays, method, year, month, mode, window=WINDOW) -> np.ndarray:
    yr, mo, me, ra, pt, ac = arrays
    if len(yr) == 0:
        return np.array([])
    # errors are recomputed in today's mode (a log ratio is NaN, hence dropped, when a past
    # point or outcome was not positive)
    keep = ((me == method) & (yr < year) & (np.abs(mo - month) <= window)
            & np.isfinite(pt) & np.isfinite(ac))
    err = scaled_error(ac[keep], pt[keep], mo[keep], mode)
    return err[np.isfinite(err)]


def _combination_errors(arrays, weights: dict, year: int, month: int, mode: str) -> np.ndarray:
    """Scaled errors, at earlier years' nearby origins, of today's weighted combination.

    Only origins where every weighted method had a point count; outcomes of earlier years only.
    """
    yr, mo, me, ra, pt, ac = arrays
    if len(yr) == 0:
        return np.array([])
    keep = (yr < year) & (np.abs(mo - month) <= WINDOW) & np.isfinite(ac)
    combos: dict = {}
    for y, m, name, p, a in zip(yr[keep], mo[keep], me[keep], pt[keep], ac[keep]):
        if name in weights:
            combos.setdefault((y, m), [a, {}])[1][name] = p
    actual, combo, months = [], [], []
    for (y, m), (a, pts) in combos.items():
        if all(k in pts and np.isfinite(pts[k]) for k in weights):
            actual.append(a)
            combo.append(sum(w * pts[k] for k, w in weights.items()))
            months.append(m)
    if not combo:
        return np.array([])
    err = scaled_error(actual, combo, months, mode)
    return err[np.isfinite(err)]


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


def _interval(point, sigma, df, month, mode, level, stats):
    if not (np.isfinite(point) and np.isfinite(sigma)):
        return float("nan"), float("nan")
    q = stats.t.ppf(0.5 + level / 2, df) if np.isfinite(df) else stats.norm.ppf(0.5 + level / 2)
    half = q * sigma * weight(month)
    if mode == "ratio":
        return point * math.exp(-half), point * math.exp(half)
    return point - half, point + half


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
                  n_sims: int = 2000, seed: int | None = 0, z: np.ndarray | None = None) -> Forecast:
    """Forecast ``year``'s full-year value (December level for a stock) from origin (year, month).

    Draws are ``point ⊕ σ·w_m·t_ν`` (Kalman normal for ``state_space``), in the series' own
    space (for a stock, log growth since last December: see :func:`december_level`). ``z``
    (standard t/normal variates, length n_sims) lets callers correlate several series.
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    record = pseudo_real_time(series, until=(year, month))
    here = record[(record["year"] == year) & (record["month"] == month) & (record["method"] == method)]
    if here.empty:
        raise SoeError(f"no data at {year}-{month:02d} for {series.name or 'the series'}")
    row = here.iloc[0].to_dict()
    point, sigma, df, mode = row["point"], row["sigma"], row["df"], row["mode"]
    if z is None:
        rng = np.random.default_rng(seed)
        z = rng.standard_t(df, n_sims) if np.isfinite(df) else rng.standard_normal(n_sims)
    if not np.isfinite(point):
        draws = np.full(len(z), np.nan)
    elif not np.isfinite(sigma):
        draws = np.full(len(z), np.nan)
    elif mode == "ratio":
        draws = point * np.exp(sigma * weight(month) * z)
    else:
        draws = point + sigma * weight(month) * z
    return Forecast(year, month, method, mode, float(point), draws, row, record)


def december_level(series: YtdSeries, year: int, values):
    """A stock's December level from log growth since the previous December."""
    base = series.base.get(year, np.nan) if series.base is not None else np.nan
    return base * np.exp(np.asarray(values, float))


def latest_origin(series: YtdSeries, year: int) -> int | None:
    """The last month of ``year`` with data (None if none)."""
    if year not in series.levels.index:
        return None
    row = series.levels.loc[year, range(1, 13)]
    months = [m for m in range(1, 13) if np.isfinite(row[m])]
    return max(months) if months else None


def annual_growth_draws(series: YtdSeries, year: int, current_point: float, n_sims: int, rng,
                        mode: str) -> tuple[np.ndarray, dict]:
    """Year-ahead change: draws of next year's log growth (ratio mode) or change (additive).

    Built from the full-year values of complete years before ``year`` plus ``year``'s own point
    forecast (``current_point``): mean and sample s.d. of the annual changes, t draws with
    max(n − 1, 2) d.f. NaN draws when fewer than 2 changes exist. Returns (draws, summary).
    """
    fy = {int(y): float(series.levels.at[y, 12]) for y in series.levels.index if y < year}
    if series.kind == "stock":
        changes = {y: v for y, v in fy.items() if np.isfinite(v)}
        if np.isfinite(current_point):
            changes[year] = current_point
    else:
        fy[year] = current_point
        changes = {}
        for y, v in fy.items():
            prev = fy.get(y - 1, np.nan)
            if np.isfinite(v) and np.isfinite(prev):
                if mode == "ratio":
                    if v > 0 and prev > 0:
                        changes[y] = math.log(v / prev)
                else:
                    changes[y] = v - prev
    values = np.array(list(changes.values()), float)
    info = {"years": sorted(changes), "n": int(len(values))}
    if len(values) < 2:
        return np.full(n_sims, np.nan), info
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    info.update(mean=mean, sd=sd)
    return mean + sd * rng.standard_t(max(len(values) - 1, 2), n_sims), info


def simulate_full_year(series: YtdSeries, as_of: tuple[int, int], target_year: int, *,
                       n_sims: int = 2000, seed: int | None = 0, method: str = DEFAULT_METHOD,
                       z: np.ndarray | None = None) -> dict:
    """Draws of the target year's full-year value (flow) or December level (stock) at ``as_of``.

    When ``as_of`` is in the target year, the rest of the year is forecast from its YTD. When it
    is in the year before, that year is forecast first, then the target year follows from the
    distribution of past annual growth (path by path).
    Returns {"draws", "point", "ytd", "origin_year", "origin_month", "forecast", "mode"}.
    """
    year, month = as_of
    if target_year not in (year, year + 1):
        raise UsageError(f"target year {target_year} must be the as-of year or the next ({year}, {year + 1})")
    rng = np.random.default_rng(seed)
    seen = cut(series, year, month)
    origin_month = latest_origin(seen, year)
    if origin_month is None:
        raise SoeError(f"{series.name}: no data in {year} up to month {month}")
    if origin_month == 12:
        fy = seen.full_year(year) if seen.kind == "flow" else float(seen.value(year, 12))
        draws = np.full(n_sims, fy)
        fc = None
        mode = arithmetic_mode(seen)
    else:
        fc = forecast_year(seen, year, origin_month, method=method, n_sims=n_sims,
                           seed=rng.integers(2**31), z=z)
        draws, mode = fc.draws, fc.mode
    ytd_now = seen.value(year, origin_month)
    this_point = fc.point if fc else float(draws[0])
    if target_year == year + 1:
        g, g_info = annual_growth_draws(seen, year, this_point, n_sims, rng, mode)
        common = {"origin_year": year, "origin_month": origin_month, "forecast": fc, "mode": mode,
                  "growth": g_info}
        if seen.kind == "stock":
            # December level of `year` from its log growth, then one more year of log growth
            dec = december_level(seen, year, draws)
            values = dec * np.exp(g)
            point = float(december_level(seen, year, this_point) * math.exp(g_info.get("mean", np.nan)))
            return {"draws": values, "point": point, "ytd": float("nan"), **common,
                    "base_draws": dec, "base_point": float(december_level(seen, year, this_point)),
                    "current_level": float(december_level(seen, year, ytd_now))}
        values = draws * np.exp(g) if mode == "ratio" else draws + g
        mean_g = g_info.get("mean", np.nan)
        point = this_point * math.exp(mean_g) if mode == "ratio" else this_point + mean_g
        return {"draws": values, "point": float(point), "ytd": 0.0, **common,
                "base_draws": draws, "base_point": this_point, "base_ytd": ytd_now}
    if seen.kind == "stock":
        values = december_level(seen, year, draws)
        return {"draws": values, "point": float(december_level(seen, year, this_point)),
                "ytd": float("nan"), "origin_year": year, "origin_month": origin_month,
                "forecast": fc, "mode": mode,
                "current_level": float(december_level(seen, year, ytd_now))}
    return {"draws": draws, "point": this_point, "ytd": ytd_now, "origin_year": year,
            "origin_month": origin_month, "forecast": fc, "mode": mode}


def joint_normals(errors_a: pd.Series, errors_b: pd.Series, n_sims: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Correlated standard normal draws, correlation from paired past scaled errors (0 if < 3 pairs)."""
    both = pd.concat([errors_a, errors_b], axis=1).dropna()
    rho = float(both.corr().iloc[0, 1]) if len(both) >= MIN_ERRORS else 0.0
    if not np.isfinite(rho):
        rho = 0.0
    a = rng.standard_normal(n_sims)
    b = rho * a + math.sqrt(max(1 - rho**2, 0.0)) * rng.standard_normal(n_sims)
    return a, b, rho


def default_errors(record: pd.DataFrame, method: str = DEFAULT_METHOD) -> pd.Series:
    """Scaled past errors of a method, indexed by (year, month)."""
    r = record[(record["method"] == method) & np.isfinite(record["actual"]) & np.isfinite(record["point"])]
    err = [float(scaled_error(a, p, m, mode)) for a, p, m, mode in
           zip(r["actual"], r["point"], r["month"], r["mode"])]
    return pd.Series(err, index=pd.MultiIndex.from_arrays([r["year"], r["month"]]), dtype=float)


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
    rec_n = pseudo_real_time(cut(num, year, month), until=(year, om)) if om < 12 else None
    rec_d = pseudo_real_time(cut(den, year, month), until=(year, om)) if om < 12 else None
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
