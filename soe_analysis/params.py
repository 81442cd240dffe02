"""Checking notebook and command-line parameters in one place (papermill passes them untyped)."""

from __future__ import annotations

from dataclasses import MISSING, fields

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


def fill_params(cls, params: dict, *, what: str) -> dict:
    """``params`` checked against the fields of the dataclass ``cls``, with its defaults filled in.

    The shared first step of every analysis's ``check_params(panel=None, **params)``: a name
    that is not a field is a UsageError naming it (papermill and the batch only warn about
    unknown parameters), and so is a field without a default that is not given. The values
    themselves are checked by the analysis.
    """
    names = [f.name for f in fields(cls)]
    unknown = [name for name in params if name not in names]
    if unknown:
        raise UsageError(f"{what}: unknown parameter {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(names)})")
    filled = {}
    for f in fields(cls):
        if f.name in params:
            filled[f.name] = params[f.name]
        elif f.default is not MISSING:
            filled[f.name] = f.default
        elif f.default_factory is not MISSING:
            filled[f.name] = f.default_factory()
        else:
            raise UsageError(f"{what}: parameter {f.name} is required")
    return filled


def as_names(value, *, name: str) -> tuple[str, ...]:
    """A list parameter given as a list/tuple or as comma-separated text, as a tuple of names."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value)
    raise UsageError(f"{name} must be a list of names or comma-separated text, got {value!r}")
