"""Nested selection of the default: for each evaluated year, the candidate chosen on earlier years.

A default picked after scoring candidates on the very years it reports flatters itself. Here the
choice for year ``y`` is made from the candidates' errors on outcome years that were already
known when the forecasts of ``y`` were made (:func:`known_before`), and that choice's forecasts
are the default's rows for ``y``. The same rule makes the live forecast, so what is scored is
what is used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .forecast_methods import DEFAULT_METHOD, METHODS

NESTED = "nested"  # the name of the selected default's rows
# the state-space model is not a candidate: its intervals are its own Kalman variance, not
# calibrated on past errors (they covered 47–65% at the 95% level in the backtest)
CURRENT_CANDIDATES = tuple(m for m in METHODS if m != "state_space")
CURRENT_FALLBACK = DEFAULT_METHOD
MIN_SELECT_YEARS = 2  # a candidate needs errors in at least this many earlier years to be chosen


def known_before(year: int, horizon: str) -> int:
    """The last outcome year known to every forecast of ``year`` (target year for ``next``).

    Current year: origins are in ``year``, so outcomes up to ``year − 1`` are published. Next
    year: origins are months of ``year − 1``, whose own full year is not yet known (except at
    its December), so only outcomes up to ``year − 2`` count for every origin.
    """
    return year - 1 if horizon == "current" else year - 2


def year_scores(record: pd.DataFrame, error_col: str = "error") -> pd.DataFrame:
    """Mean squared error per (method, year): each year counts once, whatever its months."""
    ok = record[np.isfinite(record[error_col])]
    return (ok.assign(sq=ok[error_col] ** 2).groupby(["method", "year"])["sq"].mean()
            .rename("mse").reset_index())


def choose(scores: pd.DataFrame, last_year: int, candidates, fallback: str) -> tuple[str, int]:
    """The candidate with the lowest mean per-year MSE over outcome years ≤ ``last_year``.

    Candidates with fewer than :data:`MIN_SELECT_YEARS` such years are not eligible; with none
    eligible the ``fallback`` is used. Returns (method, number of years it was judged on).
    """
    known = scores["year"].to_numpy() <= last_year
    methods, mse = scores["method"].to_numpy()[known], scores["mse"].to_numpy(dtype=float)[known]
    best = None  # (mean, method, years); on arrays: a groupby per call was most of a nested record
    for method in dict.fromkeys(candidates):  # in the candidates' order: ties go to the earlier one
        errors = mse[methods == method]
        if len(errors) >= MIN_SELECT_YEARS and (best is None or errors.mean() < best[0]):
            best = (errors.mean(), method, len(errors))
    if best is None:
        return fallback, 0
    return str(best[1]), int(best[2])


def add_nested(record: pd.DataFrame, candidates, fallback: str, horizon: str,
               error_col: str = "error") -> pd.DataFrame:
    """The record with the nested default's rows added (method :data:`NESTED`, ``chosen``).

    For each year, :func:`choose` looks only at outcome years ≤ :func:`known_before`; the
    chosen candidate's rows for that year are copied under the name ``nested``.
    """
    scores = year_scores(record[record["method"].isin(list(candidates))], error_col)
    years, methods = record["year"].to_numpy(), record["method"].to_numpy(object)
    picked, chosen_by_row, n_by_row = [], [], []
    for year in sorted(record["year"].unique()):
        chosen, n_years = choose(scores, known_before(int(year), horizon), candidates, fallback)
        rows = np.flatnonzero((years == year) & (methods == chosen))  # in record order
        picked.append(rows)
        chosen_by_row += [chosen] * len(rows)
        n_by_row += [n_years] * len(rows)
    if not picked:
        return record
    # one selection for every year's rows (a filter and a copy per year was most of the time)
    extra = record.iloc[np.concatenate(picked)].assign(method=NESTED, chosen=chosen_by_row,
                                                      chosen_on_years=n_by_row)
    return pd.concat([record, extra], ignore_index=True)
