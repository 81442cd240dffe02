"""Pseudo-real-time backtest of the full-year forecast methods, on any YTD release CSV.

The input layout is that of the shipped national SOE releases
(``data/raw/reference/mof_soe_monthly_2013_2021.csv``): columns ``year``, ``month_end`` (N of
1–N月; 2 is the combined Jan–Feb release, so month 1 never exists), ``scope``, value columns
(YTD, e.g. ``revenue_yi``), optionally ``<stem>_yoy_pct`` (published like-for-like YTD growth),
``precision`` and ``source_url``.

How the data's quirks are handled (never by inventing values):

- missing months are missing: a method needing a month that a year lacks is skipped for that
  (year, month), so each (method, month) reports its own ``n``;
- ``yoy_only`` rows carry no level: they are origins only for ``same_period`` (previous
  full year × published growth), and never outcomes;
- rounded/approximate/mixed levels (``precision`` ≠ exact) are used as published, as inputs and
  as outcomes; at most ±0.05% of the value, far below forecast errors (the rows are listed in
  :func:`load_release_csv`'s ``meta["inexact"]``).

The file is read by :func:`soe_analysis.io.reference.load_national_soe`, the one reader of this
layout (row-level checks; shipped file ``real``, any other ``user``).

For each year with a published full-year value and each month 1–11 with data (``current``
horizon), or each month 1–12 of the year before (``next``), every method forecasts the full
year from data up to that month only (:func:`soe_analysis.forecast.cut`); interval calibration
uses only outcomes published before the origin, counted by year, and the default (``nested``)
is chosen for each year from earlier years only. Scores: :mod:`soe_analysis.backtest_scores`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataError, UsageError
from .forecast import (BASE_METHODS, DEFAULT_METHOD, METHODS, MONTHS, YtdSeries, empty_table,
                       pseudo_real_time, stock_series_from_levels)
from .forecast_methods import scaled_errors
from .forecast_nextyear import NEXT_METHODS, next_year_backtest_record
from .forecast_select import CURRENT_CANDIDATES, CURRENT_FALLBACK, NESTED, add_nested

SIMPLE_METHODS = ("run_rate", "seasonal_share", "same_period")  # the goal's yardsticks

def parse_years(text: str | None) -> tuple[int, int] | None:
    """``2014-2021`` → (2014, 2021); ``2019`` → (2019, 2019); None stays None."""
    if text is None or str(text).strip() == "":
        return None
    parts = str(text).replace("–", "-").split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) <= 2 else (None, None)
    except ValueError:
        first = last = None
    if first is None or first > last:
        raise UsageError(f"--years must be FIRST-LAST (e.g. 2014-2021), got {text!r}")
    return first, last


def load_release_csv(path: str | Path | None = None, metric: str = "revenue_yi", *,
                     scope: str = "national", kind: str = "flow") -> YtdSeries:
    """One metric of one scope of a release file, as a year × month table.

    The file is read and checked, row by row, by the one reader of this layout,
    :func:`soe_analysis.io.reference.load_national_soe` (errors name file, row and column); the
    shipped Ministry of Finance file is labelled ``real`` (``meta["dataset"]``) with its per-row
    ``source_url``, any other file ``user``. ``metric`` is a value column of the file (``*_yi``
    in 亿元, or ``*_pct``); for ``<stem>_yi`` a ``<stem>_yoy_pct`` column, when present, feeds the
    methods that use the published like-for-like growth.
    """
    from .io.reference import is_numeric_column, load_national_soe

    if kind not in ("flow", "stock"):
        raise UsageError(f"kind must be flow or stock, got {kind!r}")
    path = Path(path) if path else config.NATIONAL_SOE_FILE
    rows = load_national_soe(path, scope=scope)
    if metric not in rows.columns:
        raise DataError("column missing", file=str(path), column=metric)
    if not is_numeric_column(metric):
        raise UsageError(f"--metric must be a value column (*_yi or *_pct), got {metric!r}")
    yoy_col = metric[:-3] + "_yoy_pct" if metric.endswith("_yi") else None
    has_yoy = yoy_col in rows.columns
    levels = _year_month_table(rows, metric)
    yoy = _year_month_table(rows, yoy_col if has_yoy else None)
    precision = rows["precision"].fillna("exact") if "precision" in rows else pd.Series("exact", index=rows.index)
    inexact = rows[(precision != "exact") & rows[metric].notna()]
    urls = rows["source_url"] if "source_url" in rows else pd.Series(np.nan, index=rows.index)
    unit = "亿元" if metric.endswith("_yi") else "%"
    meta = {
        "dataset": str(rows["dataset"].iloc[0]),
        "file": str(path),
        "metric": metric,
        "scope": scope,
        "source_urls": {f"{y}-{m:02d}": u for y, m, u in zip(rows["year"], rows["month_end"], urls)
                        if isinstance(u, str) and u},
        "inexact": [f"{y}-{m:02d} ({p})" for y, m, p in
                    zip(inexact["year"], inexact["month_end"], precision[inexact.index])],
    }
    if kind == "stock":
        return stock_series_from_levels(levels, name=metric, unit=unit, meta=meta)
    return YtdSeries(levels, yoy if yoy.notna().any().any() else None, "flow", None,
                     name=metric, unit=unit, meta=meta)


def _year_month_table(rows: pd.DataFrame, column: str | None) -> pd.DataFrame:
    """A column of the release rows as a year × month table (all NaN when ``column`` is None)."""
    years = empty_table(rows["year"]).index
    values = np.full((len(years), len(MONTHS)), np.nan)
    if column is not None:
        # one row per (year, month): the reader rejects duplicates, so each cell is set once
        at = (years.get_indexer(rows["year"].astype(int)), rows["month_end"].to_numpy(int) - 1)
        values[at] = rows[column].to_numpy(dtype=float)
    return pd.DataFrame(values, index=years, columns=MONTHS)


def availability(series: YtdSeries) -> pd.DataFrame:
    """Which months have a level (``L``), only a published growth (``g``) or nothing (``.``)."""
    lv = series.levels.notna()
    gy = series.yoy.reindex_like(series.levels).notna() if series.yoy is not None else lv & False
    out = pd.DataFrame(np.where(lv, "L", np.where(gy, "g", ".")), index=series.levels.index,
                       columns=MONTHS)
    return out


HORIZONS = ("current", "next")


def run_backtest(series: YtdSeries, *, years: tuple[int, int] | None = None,
                 horizon: str = "current", state_space: bool = True) -> pd.DataFrame:
    """Every (year, month, method) forecast with its outcome, in pseudo-real time.

    ``horizon`` ``current``: origins are months 1–11 of the year forecast. ``next``: origins are
    months 1–12 of the year before, ``year`` is the target year and ``month`` the origin month
    (:mod:`soe_analysis.forecast_nextyear`). Both add the nested default's rows (method
    ``nested``, :mod:`soe_analysis.forecast_select`). ``years`` restricts the *evaluated*
    (target) years; earlier years in the file remain history, as they would have been for an
    analyst at the time. ``state_space=False`` leaves the state-space model's rows out of the
    current-year record (the next-year record never has them: it carries the default forward).
    """
    if horizon not in HORIZONS:
        raise UsageError(f"--horizon must be current or next, got {horizon!r}")
    current = pseudo_real_time(series, state_space=state_space and horizon == "current")
    if horizon == "next":
        if series.kind == "stock":
            raise UsageError("--horizon next is for flows (YTD) only")
        record = next_year_backtest_record(series, current)
    else:
        err = scaled_errors(current["actual"], current["point"], current["month"], current["mode"])
        record = add_nested(current.assign(error=err), CURRENT_CANDIDATES, CURRENT_FALLBACK, "current")
    if record.empty:
        raise DataError("no forecast origin with an outcome in the data", file=series.meta.get("file"))
    record = record[np.isfinite(record["actual"])]
    if years:
        record = record[(record["year"] >= years[0]) & (record["year"] <= years[1])]
    record = record.assign(horizon=horizon)
    with np.errstate(divide="ignore", invalid="ignore"):
        if series.kind == "stock":
            base = series.base.reindex(record["year"]).to_numpy()
            actual, point = base * np.exp(record["actual"].to_numpy()), base * np.exp(record["point"].to_numpy())
            for c in ("lo80", "hi80", "lo95", "hi95"):
                record[c] = base * np.exp(record[c].to_numpy())
            record["actual_level"], record["point_level"] = actual, point
        else:
            record["actual_level"], record["point_level"] = record["actual"], record["point"]
        record["ape_pct"] = (record["point_level"] - record["actual_level"]).abs() / record["actual_level"].abs() * 100
        record["pe_pct"] = (record["point_level"] - record["actual_level"]) / record["actual_level"].abs() * 100
        for tag in (80, 95):
            ok = np.isfinite(record[f"lo{tag}"]) & np.isfinite(record[f"hi{tag}"])
            inside = (record["actual_level"] >= record[f"lo{tag}"]) & (record["actual_level"] <= record[f"hi{tag}"])
            record[f"in{tag}"] = inside.where(ok)
    return record.reset_index(drop=True)


def summarise(record: pd.DataFrame) -> pd.DataFrame:
    """Per method and month: n, MAPE, bias (mean signed % error), interval coverage.

    ``n`` counts forecasts with a point; ``n_interval`` those that also had an interval (enough
    past errors to calibrate); coverage is over the latter, NaN when there are none.
    """
    valid = record[np.isfinite(record["point_level"])]
    rows = [_stats(g, method, int(month)) for (method, month), g in _groups(valid, "method", "month")]
    out = pd.DataFrame(rows, columns=["method", "month", "n", "mape_pct", "bias_pct",
                                      "coverage80_pct", "coverage95_pct", "n_interval", "years"])
    order = {m: i for i, m in enumerate((*METHODS, *NEXT_METHODS, NESTED))}
    return out.sort_values(["month", "method"], key=lambda s: s.map(order) if s.name == "method" else s).reset_index(drop=True)


def pooled(record: pd.DataFrame, months=None) -> pd.DataFrame:
    """The same statistics pooled over ``months`` (default: every origin month), one row per method."""
    valid = record[np.isfinite(record["point_level"])]
    if months is not None:
        valid = valid[valid["month"].isin(list(months))]
    rows = [_stats(g, method, None) for (method,), g in _groups(valid, "method")]
    out = pd.DataFrame(rows).drop(columns=["month"])
    known = [m for m in (*METHODS, *NEXT_METHODS, NESTED) if m in set(out["method"])]
    return out.set_index("method").reindex(known).reset_index()


_STAT_COLUMNS = ("ape_pct", "pe_pct", "in80", "in95", "year")


def _groups(valid: pd.DataFrame, *keys: str):
    """(key tuple, {column: values}) per group, sorted by key, rows in record order: what
    ``groupby`` gives, on arrays (a frame per group was most of summarise's time)."""
    columns = {c: valid[c].to_numpy() for c in _STAT_COLUMNS}
    if not len(valid):
        return []
    codes, labels = zip(*(pd.factorize(valid[k], sort=True) for k in keys))
    flat = np.ravel_multi_index(codes, [len(u) for u in labels]) if len(keys) > 1 else codes[0]
    order = np.argsort(flat, kind="stable")
    bounds = np.flatnonzero(np.diff(flat[order])) + 1
    out = []
    for rows in np.split(order, bounds):
        key = tuple(u[c[rows[0]]] for u, c in zip(labels, codes))
        out.append((key, {c: v[rows] for c, v in columns.items()}))
    return out


def _stats(g: dict, method: str, month) -> dict:
    """The scores of one group; ``g`` maps each of :data:`_STAT_COLUMNS` to its values."""
    cov = {tag: _present(g[f"in{tag}"]) for tag in (80, 95)}
    return {
        "method": method, "month": month, "n": int(len(g["year"])),
        "mape_pct": _nanmean(g["ape_pct"]), "bias_pct": _nanmean(g["pe_pct"]),
        "coverage80_pct": float(cov[80].sum() / len(cov[80]) * 100) if len(cov[80]) else float("nan"),
        "coverage95_pct": float(cov[95].sum() / len(cov[95]) * 100) if len(cov[95]) else float("nan"),
        "n_interval": int(len(cov[80])),
        "years": sorted({int(y) for y in g["year"]}),
    }


# On arrays: _stats runs per method and month (hundreds of groups for one chart), where pandas'
# per-call overhead was most of the time. The same arithmetic as Series.mean(): missing values
# count as 0 in the sum and not in the count.
def _nanmean(values: np.ndarray) -> float:
    values = values.astype(float)
    missing = np.isnan(values)
    count = int((~missing).sum())
    return float(np.where(missing, 0.0, values).sum() / count) if count else float("nan")


def _present(flags: np.ndarray) -> np.ndarray:
    """In-interval flags (True/False, or missing where there was no interval) as 1.0/0.0, missing dropped."""
    return flags[~pd.isna(flags)].astype(float)


def common_years(record: pd.DataFrame, month: int, methods=(*SIMPLE_METHODS, DEFAULT_METHOD)) -> pd.DataFrame:
    """Absolute % errors at ``month`` on the years where *every* one of ``methods`` has a point.

    A fair comparison: each method skips the years lacking its inputs, so per-method MAPEs in
    :func:`summarise` are over different years. Returns a year × method table (no NaN).
    """
    r = record[(record["month"] == month) & np.isfinite(record["point_level"])
               & record["method"].isin(list(methods))]
    wide = r.pivot_table(index="year", columns="method", values="ape_pct", aggfunc="first")
    wide = wide.reindex(columns=list(methods)).dropna()
    return wide


@dataclass(frozen=True)
class BacktestParams:
    """Notebook 05's parameters, checked: ``data`` None means the shipped national file."""

    period: object
    data: Path | None
    scope: str
    lang: str


BACKTEST_DEFAULTS = {"as_of": "2022-10", "data": "", "scope": "national", "lang": "zh"}


def check_params(panel=None, **params) -> BacktestParams:
    """Validate notebook 05's parameters; an unknown one is a UsageError naming it.

    ``panel`` is accepted for symmetry with the other analyses and not used: the backtest reads
    a release file, and ``as_of`` only cuts it (later releases unseen).
    """
    from .params import check_as_of, check_lang

    unknown = sorted(set(params) - set(BACKTEST_DEFAULTS))
    if unknown:
        raise UsageError(f"unknown parameter {unknown[0]!r}; expected {', '.join(BACKTEST_DEFAULTS)}")
    p = {**BACKTEST_DEFAULTS, **params}
    path = Path(str(p["data"])) if p["data"] not in (None, "") else None
    if path is not None and not path.exists():
        raise UsageError(f"data file not found: {path}")
    if p["scope"] not in ("national", "central", "local"):
        raise UsageError(f"scope must be national, central or local, got {p['scope']!r}")
    return BacktestParams(check_as_of(p["as_of"]), path, p["scope"], check_lang(p["lang"]))


def source_note(meta: dict) -> str:
    """One line naming the data's origin (publisher and file)."""
    if meta.get("dataset") == "real":
        from .io.reference import NATIONAL_SOURCE
        return f"{NATIONAL_SOURCE}; source_url per row in {Path(meta['file']).name}"
    return f"user file {meta.get('file')}"


def plot_mape_by_month(record: pd.DataFrame, *, ax=None, title: str = "", lang: str = "zh"):
    """MAPE (%) of each method by forecast month (log scale; run-rate is far off)."""
    from .plots.style import laid_out, new_axes

    own = ax is None
    ax = new_axes(ax, figsize=(6, 3.6))
    summary = summarise(record)
    for method, g in summary.groupby("method", sort=False):
        ax.plot(g["month"], g["mape_pct"], "o-" if method == NESTED else ".--",
                lw=2.4 if method == NESTED else 1, label=method)
    ax.set_yscale("log")
    _plain_log_labels(ax.yaxis)
    ax.set_xlabel("预测所在月份" if lang == "zh" else "forecast month")
    ax.set_ylabel("MAPE (%)")
    ax.set_title(title)
    ax.legend(fontsize=7)
    return laid_out(ax, own)


def _plain_log_labels(axis) -> None:
    """Log-axis ticks labelled 0.5, 2, 10 … where matplotlib's default writes 5×10⁻¹, 2×10⁰, 10¹:
    the same ticks in plain numbers, without the mathtext parse of every label at each draw."""
    from matplotlib.ticker import LogFormatter

    class Plain(LogFormatter):
        def _num_to_string(self, x, vmin, vmax):
            return f"{x:g}"

    axis.set_major_formatter(Plain())
    axis.set_minor_formatter(Plain(labelOnlyBase=False, minor_thresholds=(2, 0.5)))


def plot_coverage(pooled_rows: pd.DataFrame, *, ax=None, lang: str = "zh"):
    """Pooled 80% and 95% interval coverage per method (and metric), with the nominal lines."""
    from .plots.style import laid_out, new_axes

    own = ax is None
    ax = new_axes(ax, figsize=(8, 3.6))
    labels = [f"{r.get('metric', '')} {r['method']}".strip() for _, r in pooled_rows.iterrows()]
    x = np.arange(len(labels))
    ax.bar(x - 0.2, pooled_rows["coverage80_pct"], 0.4, label="80%")
    ax.bar(x + 0.2, pooled_rows["coverage95_pct"], 0.4, label="95%")
    for level in (80, 95):
        ax.axhline(level, ls="--", color="grey", lw=1)
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=35, ha="right", fontsize=7)
    ax.set_ylabel("覆盖率 (%)" if lang == "zh" else "coverage (%)")
    ax.legend(fontsize=8)
    return laid_out(ax, own)


__all__ = ["load_release_csv", "availability", "run_backtest", "summarise", "pooled",
           "common_years", "parse_years", "BASE_METHODS", "DEFAULT_METHOD", "HORIZONS", "NESTED"]
