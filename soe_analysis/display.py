"""What notebooks show readers: tables, the provenance line, the headline, and key figures.

One table helper for JupyterLab and the shared HTML alike (:func:`show_table`): headers in the
report language with units, no row numbers, ✓/— for booleans, fixed decimals and separators per
unit, right-aligned numbers with a real minus sign, every row shown, every text escaped. One
provenance line per page (:func:`show_provenance`) names each dataset the page uses, demonstration
or real, with its source.

The batch runner sets ``SOE_ANALYSIS_KEYFIGURES`` to a JSON path for each executed notebook;
:func:`record_key_figures` writes there, and the tables, provenance line and headline a notebook
shows go to the ``.tables.json`` beside it (whole or not at all) so the batch can build the
period's workbook and the index. Run interactively, nothing is written.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .io.panel import dataset_label
from .text import labels as L

KEYFIGURES_ENV = "SOE_ANALYSIS_KEYFIGURES"
TABLES_SUFFIX = ".tables.json"

_BANNER_STYLE = {
    "demonstration": "background:#fff3cd;border:1px solid #e0b000;color:#5c4400",
    "real": "background:#e7f5e9;border:1px solid #5a9e68;color:#1e4d2b",
    "user": "background:#eef2f7;border:1px solid #8a9bb0;color:#2b3a4d",
}


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
    target = path or os.environ.get(KEYFIGURES_ENV)
    if target:
        _write_json(Path(target), _jsonable(figures))


def _write_json(target: Path, data) -> None:
    """Write ``data`` as JSON, whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent,
                                     suffix=".tmp", delete=False) as tmp:
        json.dump(data, tmp, ensure_ascii=False, indent=1)
    os.replace(tmp.name, target)


# ---------------------------------------------------------------------------- the page record

def tables_path(keyfigures: str | os.PathLike | None = None) -> Path | None:
    """Where a page's tables, provenance and headline are recorded: beside its key figures."""
    keyfigures = keyfigures or os.environ.get(KEYFIGURES_ENV)
    if not keyfigures:
        return None
    keyfigures = Path(keyfigures)
    name = keyfigures.name.removesuffix(".json").removesuffix(".keyfigures")
    return keyfigures.with_name(name + TABLES_SUFFIX)


_PAGE: dict = {"provenance": None, "headline": None, "tables": []}


def _record(**changes) -> None:
    """Update this page's record and rewrite its file (when the batch asked for one)."""
    _PAGE.update(changes)
    target = tables_path()
    if target is not None:
        _write_json(target, _jsonable(_PAGE))


# ---------------------------------------------------------------------------- provenance

def _source_parts(source) -> tuple[str, str, str]:
    """(dataset key, kind, source text) from a panel or a ``(key, kind[, source])`` tuple."""
    if isinstance(source, pd.DataFrame):
        return "flash", dataset_label(source), ""
    key, kind, *rest = source
    return key, kind, (rest[0] if rest else "") or ""


def _in_language(text: str, lang: str) -> str:
    """The zh or en half of a bilingual ``中文 / English`` source note."""
    halves = re.split(r"\s*/\s+(?=[A-Za-z])", text, maxsplit=1)
    return halves[-1 if lang == "en" else 0].strip() if len(halves) == 2 else text


def provenance_line(*sources, lang: str = "zh") -> str:
    """One line naming each dataset a page uses, demonstration or real, with its source.

    Each source is a panel (the flash reports) or a tuple ``(key, kind, source)``: ``key`` from
    :data:`soe_analysis.text.labels.DATASETS`, ``kind`` ``demonstration``/``real``/``user``.
    Datasets of the same kind and source are named together.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for source in sources:
        key, kind, origin = _source_parts(source)
        groups.setdefault((kind, _in_language(origin, lang)), []).append(L.dataset_name(key, lang))
    parts = []
    for (kind, origin), names in groups.items():
        detail = L.kind_text(kind, lang) + (("；" if lang == "zh" else "; ") + origin if origin else "")
        parts.append(f"{'、'.join(names)}（{detail}）" if lang == "zh" else f"{' and '.join(names)} ({detail})")
    if lang == "zh":
        return "数据来源：" + "；".join(parts)
    return "Data: " + "; ".join(p[:1].upper() + p[1:] for p in parts)


def provenance_html(*sources, lang: str = "zh") -> str:
    kinds = [_source_parts(s)[1] for s in sources]
    worst = next((k for k in ("demonstration", "user", "real") if k in kinds), "user")
    style = _BANNER_STYLE[worst]
    return (f'<div class="soe-provenance" data-datasets="{html.escape(" ".join(kinds))}" '
            f'style="{style};padding:6px 10px;border-radius:4px;margin:4px 0 12px 0">'
            f"{html.escape(provenance_line(*sources, lang=lang))}</div>")


def show_provenance(*sources, lang: str = "zh") -> None:
    """Display the page's one provenance line (and record it for the workbook's sheets)."""
    from IPython.display import HTML, display

    _record(provenance=provenance_line(*sources, lang=lang))
    display(HTML(provenance_html(*sources, lang=lang)))


def show_headline(paragraph: str) -> None:
    """Display the headline paragraph (escaped) and record it for the index page."""
    from IPython.display import HTML, display

    _record(headline=paragraph)
    display(HTML(f'<p class="soe-headline" style="font-size:15px;line-height:1.7">{html.escape(paragraph)}</p>'))


# ---------------------------------------------------------------------------- tables

_TEXT_UNITS = (("亿元", "yi"), ("万元/人", "wan_per_person"), ("万元/person", "wan_per_person"), ("万元", "wan"),
               ("百分点", "pp"), ("pts", "pp"), ("(bp)", "bp"), ("(%)", "pct"), ("（%）", "pct"),
               ("(月)", "months"), ("（月）", "months"), ("months", "months"), ("月数", "months"),
               ("笔数", "count"), ("Loans", "count"), ("排序", "count"), ("Rank", "count"))
_CELL = "padding:3px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top"
_NUMBER = "text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap"


def _unit_from_text(text: str) -> str | None:
    if text.endswith(" %"):
        return "pct"
    return next((unit for mark, unit in _TEXT_UNITS if mark in text), None)


def _cell(value, lang: str):
    """A cell as a plain value: bool, int, float, str or None (NaN and NA → None)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, int, float)):
        return value
    return L.term(str(value), lang)


class ReportTable:
    """A table as readers see it; ``_repr_html_`` renders it in JupyterLab and nbconvert alike."""

    def __init__(self, title: str, headers: list[str], units: list, rows: list[list], lang: str = "zh"):
        self.title, self.headers, self.units, self.rows, self.lang = title, headers, units, rows, lang
        self.colours: dict[tuple[int, int], str] = {}  # (row, column) → CSS kept from a Styler

    def numeric(self, j: int) -> bool:
        values = [r[j] for r in self.rows if r[j] is not None]
        return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)

    def text(self, i: int, j: int) -> str:
        value = self.rows[i][j]
        if isinstance(value, bool):
            return "✓" if value else "—"
        if value is None:
            return "—"
        if isinstance(value, (int, float)):
            return L.format_value(value, self.units[j], self.lang)
        return value

    def _repr_html_(self) -> str:
        esc = html.escape
        numeric = [self.numeric(j) for j in range(len(self.headers))]
        short = [all(len(self.text(i, j)) <= 24 for i in range(len(self.rows))) for j in range(len(self.headers))]
        head = "".join(
            f'<th style="{_CELL};border-bottom:2px solid #555;background:#f3f5f8;'
            f'text-align:{"right" if numeric[j] else "left"}">{esc(h)}</th>' for j, h in enumerate(self.headers))
        body = []
        for i, row in enumerate(self.rows):
            cells = []
            for j, value in enumerate(row):
                style = _CELL
                if numeric[j] or isinstance(value, bool):
                    style += ";" + (_NUMBER if numeric[j] else "text-align:center")
                else:  # text reads from the left; short labels (names, periods) never break mid-word
                    style += ";text-align:left" + (";white-space:nowrap" if short[j] else "")
                if numeric[j] and isinstance(value, (int, float)) and value < 0 and self.text(i, j).startswith(L.MINUS):
                    style += ";color:#a1001c"
                if (i, j) in self.colours:
                    style += ";" + self.colours[(i, j)]
                kind = "soe-num" if numeric[j] else "soe-text"  # the print CSS lets text wrap, never numbers
                cells.append(f'<td class="{kind}" style="{esc(style)}">{esc(self.text(i, j))}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        caption = (f'<caption style="caption-side:top;text-align:left;font-weight:bold;padding:4px 0">'
                   f"{esc(self.title)}</caption>") if self.title else ""
        return (f'<div class="soe-table" style="overflow-x:auto"><table data-soe-table="1" '
                f'style="border-collapse:collapse;font-size:13px;margin:6px 0 14px">{caption}'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")

    def __repr__(self) -> str:
        shown = pd.DataFrame([[self.text(i, j) for j in range(len(self.headers))] for i in range(len(self.rows))],
                             columns=self.headers)
        text = shown.to_string(index=False) if len(shown) else "(" + ", ".join(self.headers) + ")"
        return f"{self.title}\n{text}" if self.title else text

    def to_record(self) -> dict:
        return {"title": self.title, "headers": self.headers, "units": self.units, "rows": self.rows,
                "numeric": [self.numeric(j) for j in range(len(self.headers))]}


def _columns(frame: pd.DataFrame) -> list[tuple[object, pd.Series]]:
    """(name, values) pairs: the meaningful index levels first (row numbers dropped), then columns."""
    pairs = []
    index = frame.index
    for level, name in enumerate(index.names):
        values = index.get_level_values(level)
        if name is None and pd.api.types.is_integer_dtype(values):
            continue  # pandas row numbers
        pairs.append((name, pd.Series(values, index=frame.index)))
    for j, name in enumerate(frame.columns):
        pairs.append((name, frame.iloc[:, j]))
    return pairs


def _header(name, lang: str) -> tuple[str, str | None]:
    parts = name if isinstance(name, tuple) else (name,)
    texts, units = [], []
    for part in parts:
        if part in ("", None):
            continue
        text, unit = L.column_spec(part, lang)
        texts.append(text)
        units.append(unit or _unit_from_text(text))
    # the outer level names the quantity and its unit (资产负债率(%) · 同比增减), except a count of it
    unit = "count" if units and units[-1] == "count" else next((u for u in units if u is not None), None)
    text = " · ".join(texts)
    text = L.with_unit(text, unit, lang)
    return text, unit or _unit_from_text(text)


def report_table(frame, lang: str = "zh", *, title: str | tuple = "", units: dict | None = None) -> ReportTable:
    """A DataFrame (or a Styler's data) as a :class:`ReportTable`.

    Headers: known code names become words with units (:mod:`soe_analysis.text.labels`); labels
    already in words stay. ``units`` maps a column (code name or header) to a unit key of
    :data:`soe_analysis.text.labels.UNITS` where the name does not say it.
    """
    if isinstance(title, tuple):  # (zh, en)
        title = title[1] if lang == "en" else title[0]
    colours = _styler_colours(frame) if hasattr(frame, "data") and not isinstance(frame, pd.DataFrame) else {}
    frame = getattr(frame, "data", frame) if not isinstance(frame, pd.DataFrame) else frame
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    headers, unit_keys, columns = [], [], []
    pairs = _columns(frame)
    shift = len(pairs) - frame.shape[1]  # index columns put before the data columns
    for name, values in pairs:
        text, unit = _header(name, lang)
        unit = (units or {}).get(name, (units or {}).get(text, unit))
        if unit == "text" and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            unit = None
        headers.append(text)
        unit_keys.append(unit)
        columns.append([_cell(v, lang) for v in values])
    rows = [list(r) for r in zip(*columns)] if columns else []
    table = ReportTable(title, headers, unit_keys, rows, lang)
    table.colours = {(i, j + shift): css for (i, j), css in colours.items()}
    return table


_KEPT_CSS = ("background-color", "color", "font-weight")


def _styler_colours(styler) -> dict[tuple[int, int], str]:
    """(row, column) → CSS of a pandas Styler's cell styles (colours and weight only), so a
    traffic-light column keeps its lights; {} when the Styler cannot say."""
    try:
        styler._compute()  # pandas fills .ctx here; there is no public accessor
        ctx = styler.ctx
    except (AttributeError, TypeError, ValueError, KeyError):  # e.g. duplicate headers: no colours, same table
        return {}
    return {key: ";".join(f"{p}:{v}" for p, v in props if p in _KEPT_CSS)
            for key, props in ctx.items() if any(p in _KEPT_CSS for p, _ in props)}


def show_table(frame, lang: str = "zh", *, title: str | tuple = "", units: dict | None = None) -> None:
    """Display a table for readers and record it for the period's workbook (one sheet per title).

    ``title`` is text or a ``(zh, en)`` pair; see :func:`report_table` for ``units``. A table
    without rows is neither shown nor recorded: the page says so in words (e.g. "no findings").
    """
    from IPython.display import display

    table = report_table(frame, lang, title=title, units=units)
    if not table.rows:
        return
    title = table.title
    record = table.to_record() | {"provenance": _PAGE["provenance"]}
    kept = [t for t in _PAGE["tables"] if not (title and t["title"] == title)]
    _record(tables=kept + [record])
    display(table)
