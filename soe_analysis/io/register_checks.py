"""Plausibility findings on a refinancing register that do not stop the analysis (warnings):
a new rate not below the old one, a new bank-loan rate far from the LPR of its date and term."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError

FIVE_YEAR_THRESHOLD_MONTHS = 60  # a new loan over five years is priced off the 5-year LPR


def lpr_for_term(dates, tenor_months, lpr: pd.DataFrame | None = None) -> np.ndarray:
    """The LPR (percent) in force on each date for a loan of each term: the 5-year LPR above
    :data:`FIVE_YEAR_THRESHOLD_MONTHS`, else the 1-year; NaN before the first fixing (2019-08-20).
    Rates from :func:`soe_analysis.io.reference.load_lpr` (real, with sources)."""
    from .reference import load_lpr, lpr_on

    lpr = load_lpr() if lpr is None else lpr
    one = lpr_on(dates, "1y", lpr=lpr).to_numpy(dtype=float)
    five = lpr_on(dates, "5y", lpr=lpr).to_numpy(dtype=float)
    return np.where(np.asarray(tenor_months, dtype=float) > FIVE_YEAR_THRESHOLD_MONTHS, five, one)


def lpr_tenor_label(tenor_months) -> np.ndarray:
    """``"1Y"`` or ``"5Y"``: which LPR prices a loan of this term."""
    return np.where(np.asarray(tenor_months, dtype=float) > FIVE_YEAR_THRESHOLD_MONTHS, "5Y", "1Y")


LPR_BAND_BELOW_PP = 1.0  # a new bank loan more than 1 point under the LPR is implausible
LPR_BAND_ABOVE_PP = 2.0  # … or more than 2 points above it


def _quality(frame: pd.DataFrame, warnings: list, positions: dict) -> pd.DataFrame:
    """Findings that do not stop the analysis (severity ``warning``)."""
    from .reference import load_lpr

    rows = list(warnings)
    head = {c: positions[c][1] for c in positions}
    if "new_rate_pct" in frame and frame["new_rate_pct"].notna().any():
        up = frame["new_rate_pct"] >= frame["old_rate_pct"]
        for _, r in frame[up].iterrows():
            rows.append(("warning", r["source_file"], int(r["source_row"]), head.get("new_rate"),
                         f"new rate {r['new_rate_pct']:g}% is not below the old rate {r['old_rate_pct']:g}%: "
                         "counted as a negative saving"))
        try:
            lpr = load_lpr()
        except DataError:
            lpr = None
        if lpr is not None:
            ref = lpr_for_term(frame["swap_date"], frame["new_term_m"], lpr=lpr)
            bank = (frame["new_instrument"] == "bank_loan").to_numpy()
            new = frame["new_rate_pct"].to_numpy()
            off = bank & ((new < ref - LPR_BAND_BELOW_PP) | (new > ref + LPR_BAND_ABOVE_PP))
            for (_, r), lp in zip(frame[off].iterrows(), ref[off]):
                rows.append(("warning", r["source_file"], int(r["source_row"]), head.get("new_rate"),
                             f"new bank-loan rate {r['new_rate_pct']:g}% is implausible against the LPR "
                             f"{lp:g}% at {r['swap_date'].date()}"))
            before = np.isnan(ref) & frame["swap_date"].notna().to_numpy()
            for _, r in frame[before].iterrows():
                rows.append(("warning", r["source_file"], int(r["source_row"]), head.get("swap_date"),
                             "swap dated before the first LPR fixing (2019-08-20): no LPR comparison"))
    return pd.DataFrame(rows, columns=["severity", "file", "row", "column", "message"])
