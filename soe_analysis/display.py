"""Small display helpers notebooks share: the dataset banner and key-figure recording.

The batch runner sets ``SOE_ANALYSIS_KEYFIGURES`` to a JSON path for each executed notebook;
:func:`record_key_figures` writes there (whole or not at all) so the index page can list each
report's key values. Run interactively, it only returns what it would have written.
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from pathlib import Path

import pandas as pd

from .io.panel import dataset_banner, dataset_label
from .schema import DATASET_LABELS

KEYFIGURES_ENV = "SOE_ANALYSIS_KEYFIGURES"

_BANNER_STYLE = {
    "demonstration": "background:#fff3cd;border:1px solid #e0b000;color:#5c4400",
    "real": "background:#e7f5e9;border:1px solid #5a9e68;color:#1e4d2b",
    "user": "background:#eef2f7;border:1px solid #8a9bb0;color:#2b3a4d",
}


def banner_html(panel: pd.DataFrame | None = None, *, label: str | None = None, source: str = "") -> str:
    """An HTML banner naming the data's nature (demonstration / real / user), text escaped."""
    label = label or dataset_label(panel)
    text = dataset_banner(panel) if panel is not None else DATASET_LABELS.get(label, label)
    if source:
        text = f"{text} — {source}"
    style = _BANNER_STYLE.get(label, _BANNER_STYLE["user"])
    return (f'<div class="soe-dataset-banner" data-dataset="{html.escape(label)}" '
            f'style="{style};padding:8px 12px;border-radius:4px;margin:4px 0 12px 0;font-weight:bold">'
            f"{html.escape(text)}</div>")


def show_banner(panel: pd.DataFrame | None = None, **kwargs) -> None:
    """Display :func:`banner_html` in a notebook."""
    from IPython.display import HTML, display

    display(HTML(banner_html(panel, **kwargs)))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def record_key_figures(figures: dict, path: str | os.PathLike | None = None) -> None:
    """Write a notebook's key figures (a small flat dict: name → number or short text) as JSON.

    Values should carry their unit in the key, e.g. ``{"total_assets_yi": 3325.44}``. Returns
    nothing, so a notebook's last line never echoes the dict into a shared report.
    """
    data = _jsonable(figures)
    target = path or os.environ.get(KEYFIGURES_ENV)
    if target:
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent,
                                         suffix=".tmp", delete=False) as tmp:
            json.dump(data, tmp, ensure_ascii=False, indent=1)
        os.replace(tmp.name, target)
