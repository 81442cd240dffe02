"""Reading the canonical panel and slicing it the way an analyst saw it at a month.

An analysis "as of" a month sees only rows up to that month: :func:`as_of` is the one place
that cut is made.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from ..errors import SoeError
from ..periods import parse_month
import numpy as np

from ..schema import DATASET_LABELS, ID_COLUMNS, LINE_BY_NAME, monthly, reported_column, ytd


def load_panel(path: str | Path | None = None) -> pd.DataFrame:
    """The processed panel (default ``data/processed/panel.parquet``)."""
    path = Path(path) if path else config.PANEL_FILE
    if not path.exists():
        hint = " (run `soe-analysis ingest` or `make ingest` first)" if path == config.PANEL_FILE else ""
        raise SoeError(f"{path}: panel not found{hint}")
    try:
        panel = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a non-parquet file
        raise SoeError(f"{path}: not a readable parquet panel ({type(exc).__name__})") from None
    missing = {"enterprise", "period", "year", "month"} - set(panel.columns)
    if missing:
        raise SoeError(f"{path}: not a soe-analysis panel (missing columns {sorted(missing)})")
    return panel


def quality_file(panel_path: str | Path | None = None) -> Path:
    """The data-quality table written by the ingest that wrote ``panel_path`` (it sits beside it)."""
    return Path(panel_path).with_name(config.QUALITY_FILE.name) if panel_path else config.QUALITY_FILE


def as_of(panel: pd.DataFrame, month) -> pd.DataFrame:
    """Rows up to and including ``month`` (``YYYY-MM`` or Period); an error if that month has no data."""
    period = parse_month(month)
    key = panel["year"] * 100 + panel["month"]
    cut = panel[key <= period.year * 100 + period.month]
    if not (cut["period"] == f"{period.year:04d}-{period.month:02d}").any():
        last = panel["period"].max() if len(panel) else "none"
        raise SoeError(f"no data for {period} in the panel (latest month: {last})")
    return cut


def month_rows(panel: pd.DataFrame, month) -> pd.DataFrame:
    """The rows of one month, indexed by enterprise."""
    period = parse_month(month)
    rows = panel[panel["period"] == f"{period.year:04d}-{period.month:02d}"]
    return rows.set_index("enterprise")


def value_column(line: str, basis: str = "ytd") -> str:
    """Column of a line: the level for a stock; ``_ytd`` or ``_m`` for a flow."""
    spec = LINE_BY_NAME[line]
    if spec.kind == "stock":
        return line
    return ytd(line) if basis == "ytd" else monthly(line)


def _line_of(column: str) -> str:
    return column[:-len("_ytd")] if column.endswith("_ytd") else column


# the bases of a year-on-year comparison: the 上年同期 printed in this month's report, last
# year's own report of the month, or some of each
REPORTED, OWN, MIXED = "reported_prior_year", "panel_prior_year", "mixed"


def prior_year_ytd(panel: pd.DataFrame, month, line: str) -> tuple[pd.Series, pd.Series]:
    """Per enterprise reporting at ``month``: the prior-year figure to compare with, and its basis.

    ``line`` is a line (``revenue``) or a panel column (``revenue_ytd``, ``total_assets``). The
    reported 上年同期 figure printed in this month's report is used where present
    (``reported_prior_year``): the comparable basis (可比口径) official figures use, right across
    scope changes and restatements. Otherwise last year's own panel figure for the same month
    (``panel_prior_year``). Enterprises with neither are left out. Returns (values 亿元, basis).
    """
    return prior_year_by_line(panel, month, [line])[line]


def prior_year_by_line(panel: pd.DataFrame, month, lines) -> dict[str, tuple[pd.Series, pd.Series]]:
    """:func:`prior_year_ytd` for each of ``lines`` (keyed as given), the two months cut once."""
    return prior_year_of_rows(month_rows(panel, month), month_rows(panel, parse_month(month) - 12), lines)


def prior_year_of_rows(now: pd.DataFrame, before: pd.DataFrame, lines) -> dict[str, tuple[pd.Series, pd.Series]]:
    """:func:`prior_year_by_line` from a month's rows and the year-before's (:func:`month_rows`)."""
    columns = {given: value_column(_line_of(given), "ytd") for given in lines}
    own_table = before[list(dict.fromkeys(columns.values()))].reindex(now.index)  # one alignment for all lines
    out = {}
    for given, column in columns.items():
        reported_col = reported_column(_line_of(given), "prior")
        own = own_table[column].to_numpy()
        if reported_col in now:
            reported = now[reported_col].to_numpy()
            printed = pd.notna(reported)
            values, name = np.where(printed, reported, own), reported_col
        else:
            printed, values, name = np.zeros(len(now), dtype=bool), own, None
        keep = pd.notna(values)
        out[given] = (pd.Series(values[keep], index=now.index[keep], name=name).astype(float),
                      pd.Series(np.where(printed, REPORTED, OWN)[keep], index=now.index[keep]))
    return out


def year_on_year_columns(panel: pd.DataFrame, lines) -> pd.DataFrame:
    """``panel`` cut to its id columns and what a year-on-year comparison of ``lines`` reads.

    That is each line's YTD (flow) or level (stock) column and its reported 上年同期, where the panel
    has them. For callers that slice the panel month by month: each slice then copies a handful
    of columns rather than the panel's hundred.
    """
    wanted = set(ID_COLUMNS)
    for given in lines:
        line = _line_of(given)
        wanted |= {value_column(line, "ytd"), reported_column(line, "prior")}
    return panel[[column for column in panel.columns if column in wanted]]


def combined_basis(bases) -> str:
    """The basis of several year-on-year comparisons: :data:`REPORTED` or :data:`OWN` when every
    one is on that basis, :data:`MIXED` when they differ, :data:`OWN` when there are none."""
    kinds = set(bases)
    return MIXED if len(kinds) > 1 else kinds.pop() if kinds else OWN


def yoy_basis(panel: pd.DataFrame, month, lines=("revenue", "total_profit")) -> str:
    """:func:`combined_basis` of every enterprise's prior-year figure for ``lines``."""
    return combined_basis(pd.concat([basis for _, basis in prior_year_by_line(panel, month, lines).values()]))


def dataset_label(panel: pd.DataFrame) -> str:
    """``demonstration``, ``real`` or ``user``; mixed panels count as demonstration if any row is."""
    labels = set(panel["dataset"].dropna().unique()) if "dataset" in panel else set()
    if "demonstration" in labels:
        return "demonstration"
    if labels == {"real"}:
        return "real"
    return "user"


def is_demonstration(panel: pd.DataFrame) -> bool:
    return dataset_label(panel) == "demonstration"


def dataset_banner(panel: pd.DataFrame) -> str:
    """The one-line label reports show above their content."""
    return DATASET_LABELS[dataset_label(panel)]


def coverage(panel: pd.DataFrame) -> pd.DataFrame:
    """Enterprise × period table of which months were reported (1) or not (0)."""
    flags = panel.assign(reported=1).pivot_table(index="enterprise", columns="period", values="reported",
                                                  aggfunc="max", fill_value=0)
    all_periods = pd.period_range(panel["period"].min(), panel["period"].max(), freq="M").strftime("%Y-%m")
    return flags.reindex(columns=all_periods, fill_value=0)
