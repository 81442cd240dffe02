"""Checking notebook and command-line parameters in one place (papermill passes them untyped)."""

from __future__ import annotations

from .errors import UsageError
from .periods import month_str, parse_month

LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise UsageError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def check_as_of(as_of, panel=None):
    """Parse ``as_of`` (YYYY-MM) and, given a panel, make sure that month has data."""
    period = parse_month(as_of)
    if panel is not None and not (panel["period"] == month_str(period)).any():
        last = panel["period"].max() if len(panel) else "none"
        raise UsageError(f"as_of {month_str(period)} has no data in the panel (latest month: {last})")
    return period
