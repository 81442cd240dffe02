"""One Excel workbook per period: every table the period's reports show, one sheet per table.

Finance staff work in Excel or WPS. Each notebook run by the batch records the tables it shows
(:func:`soe_analysis.display.show_table`) in ``NAME.tables.json`` beside its key figures; this
module gathers them into ``<period>/<period>.xlsx`` with openpyxl: per sheet a title row, the
page's provenance line, headers in the report language with units (frozen), the numbers as
numbers with a number format per unit. Written whole or not at all.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from ..display import TABLES_SUFFIX
from ..text import labels as L
from .files import _publish

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FORMATS = {"yi": "#,##0.00", "wan": "#,##0.00", "wan_per_person": "#,##0.00", "pct": "0.00", "pp": "0.00",
            "bp": "0", "months": "0", "count": "0", "band": "0.00", "prob": "0%", "ratio": "0.00", "year": "0"}
_BOOL = {"zh": ("是", "否"), "en": ("yes", "no")}
HEADER_ROW = 3  # row 1 title, row 2 provenance, row 3 headers


def read_page_records(folder: str | Path) -> list[tuple[str, dict]]:
    """(notebook name, record) of every ``*.tables.json`` in ``folder``, in name order."""
    records = []
    for file in sorted(Path(folder).glob(f"*{TABLES_SUFFIX}")):
        try:
            records.append((file.name.removesuffix(TABLES_SUFFIX), json.loads(file.read_text(encoding="utf-8"))))
        except ValueError:
            continue
    return records


def _sheet_name(notebook: str, title: str, n: int, taken: set[str], lang: str) -> str:
    prefix = notebook.split("_", 1)[0]
    base = _SHEET_BAD.sub(" ", f"{prefix} {title or (f'表{n}' if lang == 'zh' else f'Table {n}')}").strip()
    name, k = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(name.lower())
    return name


def _write_sheet(sheet, table: dict, page_title: str, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.cell(row=1, column=1, value=f"{page_title} · {table['title']}" if table["title"] else page_title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
    sheet.cell(row=2, column=1, value=table.get("provenance") or "")
    sheet.cell(row=2, column=1).font = Font(italic=True, color="5C4400")
    fill = PatternFill("solid", fgColor="F3F5F8")
    numeric = table.get("numeric") or [False] * len(table["headers"])
    for j, header in enumerate(table["headers"], start=1):
        cell = sheet.cell(row=HEADER_ROW, column=j, value=header)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(horizontal="right" if numeric[j - 1] else "left", wrap_text=True,
                                   vertical="bottom")
        width = max([len(str(header))] + [len(str(r[j - 1])) for r in table["rows"][:200] if r[j - 1] is not None])
        sheet.column_dimensions[get_column_letter(j)].width = min(60, max(8, width * 1.6 + 2))
    yes, no = _BOOL["en" if lang == "en" else "zh"]
    for i, row in enumerate(table["rows"], start=HEADER_ROW + 1):
        for j, value in enumerate(row, start=1):
            if isinstance(value, bool):
                value = yes if value else no
            cell = sheet.cell(row=i, column=j, value=value)
            unit = table["units"][j - 1]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.number_format = _FORMATS.get(unit, "#,##0.00" if isinstance(value, float) else "0")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def build_workbook(folder: str | Path, name: str, lang: str = "zh", notebooks=None) -> Path | None:
    """Write ``<folder>/<name>.xlsx`` from the folder's recorded tables (of ``notebooks`` only,
    when given); None when there are none."""
    from openpyxl import Workbook

    folder = Path(folder)
    pages = [(nb, rec) for nb, rec in read_page_records(folder)
             if rec.get("tables") and (notebooks is None or nb in notebooks)]
    if not pages:
        return None
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for notebook, record in pages:
        page_title = L.report_title(notebook, lang)
        for n, table in enumerate(record["tables"], start=1):
            sheet = book.create_sheet(_sheet_name(notebook, table["title"], n, taken, lang))
            _write_sheet(sheet, table, page_title, lang)
    target = folder / f"{name}.xlsx"
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{target.name}.", suffix=".tmp", delete=False) as tmp:
        pass
    try:
        book.save(tmp.name)
        _publish(Path(tmp.name))
        os.replace(tmp.name, target)
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
    return target


def period_extras(folder: str | Path, manifest: dict, lang: str = "zh") -> dict:
    """What the batch adds to a period's manifest: the workbook's file name and the headline,
    from the notebooks that succeeded.

    A workbook that cannot be written leaves the period without one (the reports still stand);
    the reason goes into ``workbook_error``.
    """
    extras: dict = {}
    ok = {nb["notebook"] for nb in manifest.get("notebooks", []) if nb.get("status") == "ok"}
    headline = next((rec["headline"] for nb, rec in read_page_records(folder) if nb in ok and rec.get("headline")), None)
    if headline:
        extras["headline"] = headline
    try:
        path = build_workbook(folder, manifest["label"], lang, notebooks=ok)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc  # an OSError's text names local paths
        extras["workbook_error"] = f"{type(exc).__name__}: {reason}"
    else:
        if path is not None:
            extras["workbook"] = path.name
    return extras
