"""The year × month table every forecast works on, and the one place data is cut at an origin.

Index = year (int), columns = months 1..12 of year-to-date (YTD) values, NaN where nothing was
published (never filled in). The city panel is summed into such a table
(:func:`ytd_series_from_panel`); the national release CSV is read into one by
:mod:`soe_analysis.backtest`; the methods cannot tell them apart. Stocks are held as log growth
since the previous December (:func:`stock_series_from_levels`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .errors import SoeError, UsageError
from .schema import LINE_BY_NAME, ytd

MONTHS = list(range(1, 13))

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

    # ``value`` and ``published_growth`` are asked thousands of times per backtest: they read a
    # numpy copy of ``levels`` / ``yoy``, made on first use and kept with the frame it came from.
    # A frame assigned in its place is read anew; a frame changed in place is not seen (build
    # the new frame, then assign it).
    def _grid(self, name: str):
        """(year → row, month → column, values, years) of ``levels`` or ``yoy`` (None if absent)."""
        table = getattr(self, name)
        kept = self.__dict__.get("_grid_" + name)
        if kept is None or kept[0] is not table:
            grid = None if table is None else (
                {y: i for i, y in enumerate(table.index)}, {m: j for j, m in enumerate(table.columns)},
                table.to_numpy(dtype=float), table.index.to_numpy())
            kept = (table, grid)  # the frame itself is held, so its id cannot be reused
            self.__dict__["_grid_" + name] = kept
        return kept[1]

    def value(self, year: int, month: int) -> float:
        """The table's value at (year, month); NaN for a year not in it."""
        rows, cols, values, _ = self._grid("levels")
        i = rows.get(year)
        if i is None:
            return float("nan")
        return float(values[i, cols[month]])

    def published_growth(self, year: int, month: int) -> float:
        """The published YTD growth (%) at (year, month); NaN without one."""
        grid = self._grid("yoy")
        i = None if grid is None else grid[0].get(year)
        if i is None:
            return float("nan")
        return float(grid[2][i, grid[1][month]])

    def earlier_years(self, year: int, month: int) -> np.ndarray:
        """``levels`` at ``month`` of the years before ``year``, in the table's order."""
        _, cols, values, years = self._grid("levels")
        return values[years < year, cols[month]]

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
    # on the series' numpy copies: this runs at every forecast origin, and pandas' indexing cost
    # most of the backtest; the cut tables' own copies go with them (read without a rebuild)
    tables = {name: _cut_table(getattr(series, name), series._grid(name), year, month)
              for name in ("levels", "yoy")}
    base = series.base
    if base is not None:
        base = base.loc[base.index <= year]
    seen = replace(series, levels=tables["levels"][0], yoy=tables["yoy"][0], base=base)
    for name, (_, kept) in tables.items():
        seen.__dict__["_grid_" + name] = kept
    return seen


def _cut_table(table, grid, year: int, month: int):
    """(the table cut at (year, month), its (frame, grid) pair as :meth:`YtdSeries._grid` keeps it)."""
    if table is None:
        return None, (None, None)
    _, cols, values, years = grid
    keep = years <= year
    kept, kept_years = values[keep], years[keep]  # boolean selection copies
    this_year = np.flatnonzero(kept_years == year)
    if len(this_year):
        kept[this_year[0], np.fromiter(cols, float, len(cols)) > month] = np.nan
    index = table.index if keep.all() else table.index[keep]
    frame = pd.DataFrame(kept, index=index, columns=table.columns)
    rows = {y: i for i, y in enumerate(kept_years.tolist())}
    return frame, (frame, (rows, cols, kept, kept_years))


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


def arithmetic_mode(series: YtdSeries) -> str:
    """``ratio`` when every visible value is positive, else ``additive`` (stocks: additive)."""
    if series.kind == "stock":
        return "additive"
    values = series.levels.to_numpy()
    values = values[np.isfinite(values)]
    return "ratio" if len(values) and (values > 0).all() else "additive"


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

