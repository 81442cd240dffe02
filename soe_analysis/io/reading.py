"""Reading raw flash-report files (CSV or XLSX) into a table of text cells, with their locations.

Nothing is interpreted here beyond finding the header, the unit and the period spelled outside
the table: numbers stay text until :mod:`soe_analysis.io.cleaning` parses them, so every problem
can be reported with its file, row and column.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..periods import normalise_text
from ..schema import ENTERPRISE_HEADERS, LINES, PERIOD_HEADERS

RAW_SUFFIXES = (".csv", ".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 30
# Cell texts that mean "not reported": missing (NaN), never zero.
MISSING_TOKENS = frozenset({"", "-", "--", "---", "—", "——", "–", "/", "－", "nan", "none", "null", "n/a", "na", "×"})
NOT_REPORTS = frozenset({"enterprise_aliases.csv"})  # files that live beside reports but are not reports
_UNIT_RE = re.compile(r"(万元|亿元|元)")
_TITLE_UNIT_RE = re.compile(r"(?:金额)?单位[:：]?\s*(?:人民币)?\s*(万元|亿元|元)")
_SUFFIX_RE = re.compile(r"^(?P<name>.+?)[(\[](?P<suffix>[^()\[\]]*)[)\]]$")
_NOTE_RE = re.compile(r"^(注|备注|说明|填报|制表|审核|负责人|联系人|note)", re.IGNORECASE)
_PERIOD_IN_TEXT_RE = re.compile(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*[-~至到—–]\s*)?(\d{1,2})\s*月")
_UNIT_SUFFIXES = {"元": "元", "万元": "万元", "亿元": "亿元", "人": None, "个": None, "人数": None}
_IGNORABLE_SUFFIXES = ("本年累计", "累计", "本期", "本年", "期末", "期末数", "期末余额", "合计")


def header_key(text) -> str:
    """Header text normalised for matching: NFKC, no spaces, lower case."""
    return normalise_text(text).lower()


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in LINES:
        for alias in (line.zh, line.name, *line.aliases):
            table[header_key(alias)] = line.name
    for alias in ENTERPRISE_HEADERS:
        table[header_key(alias)] = "enterprise"
    for alias in PERIOD_HEADERS:
        table[header_key(alias)] = "period"
    return table


HEADER_ALIASES = _alias_table()


def match_header(text) -> tuple[str | None, str | None]:
    """Map a header cell to (canonical column or None, unit stated in it or None).

    ``资产总额(万元)`` → ("total_assets", "万元"); ``所有者权益（合计）`` → ("equity", None).
    """
    key = header_key(text)
    if not key:
        return None, None
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key], None
    match = _SUFFIX_RE.match(key)
    if match:
        name, suffix = match["name"], match["suffix"]
        base = HEADER_ALIASES.get(name)
        if base:
            if suffix in _UNIT_SUFFIXES:
                return base, _UNIT_SUFFIXES[suffix]
            if suffix in _IGNORABLE_SUFFIXES:
                return base, None
            unit = _UNIT_RE.search(suffix)
            if unit and not any(w in suffix for w in ("上年", "同期", "预算")):
                return base, unit.group(1)
    return None, None


@dataclass
class RawTable:
    """One table found in a raw file: text cells below the header, with their origins."""

    file: str  # path as shown to the user
    cells: pd.DataFrame  # text cells; columns are the original header texts (de-duplicated)
    rows: list[int]  # 1-based row number in the file of each cell row
    columns: dict[str, str]  # original header text → canonical name (recognised ones only)
    column_units: dict[str, str]  # original header text → unit stated in that header
    unit: str | None  # unit from a title line, if any
    title_period: str | None  # a period spelled in a title line or the file name
    ignored_columns: list[str] = field(default_factory=list)
    numbers: pd.DataFrame | None = None  # line columns already parsed (fast path), unit not applied
    duplicate_columns: list[tuple[str, str]] = field(default_factory=list)  # (header, canonical)
    sheet: str | None = None


def _decode(data: bytes, shown: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError("cannot decode the file as UTF-8 or GBK/GB18030 text", file=shown)


def _csv_text(path: Path, shown: str) -> tuple[str, str]:
    data = path.read_bytes()
    if not data.strip():
        raise DataError("empty file", file=shown)
    if data[:4] == b"PK\x03\x04":
        raise DataError("this is an XLSX/ZIP file with a .csv name; rename it to .xlsx", file=shown)
    text = _decode(data, shown)
    head = text[:4096]
    # tab- or semicolon-separated exports exist; the sniffer is slow and fooled by 1,234 figures
    delimiter = max(",\t;", key=lambda d: (head.count(d), d == ","))
    return text, delimiter


def _grid_from_text(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(i + 1, row) for i, row in enumerate(itertools.islice(rows, limit))]


def _fast_csv_table(text: str, delimiter: str, shown: str, file_name: str) -> RawTable | None:
    """A well-formed CSV parsed by pandas' C reader (numbers included); None → use the careful path.

    Anything unusual (text in a number, (1.2) negatives, full-width digits, ragged rows, quoted
    line breaks) makes pandas fail or is detected here, and the careful path then reports it.
    """
    head = _grid_from_text(text, delimiter, HEADER_SEARCH_ROWS)
    index = _find_header(head)
    if index is None or any("\n" in c or "\r" in c for _, row in head[:index + 1] for c in row):
        return None
    meta = _table_from_grid(head[:index + 1], shown, file_name, None)
    labels = list(meta.cells.columns)
    numeric = [label for label, canon in meta.columns.items() if canon not in ("enterprise", "period")]
    dtypes = {i: ("float64" if label in numeric else object) for i, label in enumerate(labels)}
    try:
        body = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, skiprows=index + 1,
                           names=list(range(len(labels))), dtype=dtypes, na_values=sorted(MISSING_TOKENS),
                           keep_default_na=False, thousands=",", skip_blank_lines=False, index_col=False,
                           engine="c")
    except (ValueError, pd.errors.ParserError):
        return None
    body.columns = labels
    if numeric and np.isinf(body[numeric].to_numpy(dtype=float)).any():
        return None
    rows = np.arange(len(body)) + index + 2
    filled = body.notna().sum(axis=1).to_numpy()
    keep = filled > 0
    text_labels = [label for label in labels if label not in numeric]
    for i in np.flatnonzero((filled > 0) & (filled <= 2)):
        first = next((str(v) for v in body.iloc[i] if isinstance(v, str) and v.strip()), "")
        if first and _NOTE_RE.match(normalise_text(first)):
            keep[i] = False
    body = body[keep].reset_index(drop=True)
    return RawTable(file=shown, cells=body[text_labels].fillna("").astype(str), rows=rows[keep].tolist(),
                    columns=meta.columns, column_units=meta.column_units, unit=meta.unit,
                    title_period=meta.title_period, ignored_columns=meta.ignored_columns,
                    duplicate_columns=meta.duplicate_columns, numbers=body[numeric])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m")
    return str(value)


def _grids_from_xlsx(path: Path, shown: str) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if path.stat().st_size == 0:
        raise DataError("empty file", file=shown)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataError(f"not a readable XLSX workbook ({type(exc).__name__})", file=shown) from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise DataError(f"not a readable XLSX workbook ({type(exc).__name__})", file=shown) from None
    grids = []
    try:
        for sheet in book.worksheets:
            grid = [(i + 1, [_cell_text(v) for v in row])
                    for i, row in enumerate(sheet.iter_rows(values_only=True))]
            grids.append((sheet.title, grid))
    finally:
        book.close()
    return grids


def _find_header(grid: list[tuple[int, list[str]]]) -> int | None:
    for index, (_, row) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        names = [match_header(cell)[0] for cell in row]
        lines = sum(1 for n in names if n and n not in ("enterprise", "period"))
        if "enterprise" in names and lines >= 3:
            return index
    return None


def _title_info(texts: list[str], file_name: str) -> tuple[str | None, str | None]:
    unit = period = None
    for text in texts:
        norm = normalise_text(text)
        found = _TITLE_UNIT_RE.search(norm)
        if found and unit is None:
            unit = found.group(1)
        found = _PERIOD_IN_TEXT_RE.search(norm)
        if found and period is None:
            period = found.group(0)
    if period is None:
        found = _PERIOD_IN_TEXT_RE.search(normalise_text(file_name))
        if found:
            period = found.group(0)
        else:
            found = re.search(r"(\d{4})[-_.]?(\d{2})(?!\d)", file_name)
            if found and 1 <= int(found.group(2)) <= 12:
                period = f"{found.group(1)}-{found.group(2)}"
    return unit, period


def _table_from_grid(grid, shown: str, file_name: str, sheet: str | None) -> RawTable | None:
    header_index = _find_header(grid)
    if header_index is None:
        return None
    header_row_no, header = grid[header_index]
    above = [cell for _, row in grid[:header_index] for cell in row if cell]
    unit, title_period = _title_info(above, file_name)

    labels: list[str] = []
    columns: dict[str, str] = {}
    column_units: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(header):
        label = cell.strip() or f"(column {position + 1})"
        while label in labels:
            label += "'"
        labels.append(label)
        canonical, header_unit = match_header(cell)
        if canonical is None:
            if cell.strip():
                ignored.append(label)
            continue
        if canonical in seen:
            duplicates.append((label, canonical))
            continue
        seen[canonical] = label
        columns[label] = canonical
        if header_unit:
            column_units[label] = header_unit

    width = len(labels)
    body_rows, body = [], []
    for row_no, row in grid[header_index + 1:]:
        filled = [c for c in row if c and not c.isspace()]
        if not filled:
            continue
        if len(filled) <= 2 and _NOTE_RE.match(normalise_text(filled[0])):
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            used = max(i for i, c in enumerate(row) if c.strip()) + 1
            raise DataError(f"{used} cells but the header has {width} columns (shifted columns?)",
                            file=shown, row=row_no, column=str(width + 1))
        body_rows.append(row_no)
        body.append((row + [""] * width)[:width])
    cells = pd.DataFrame(body, columns=labels, dtype=object) if body else pd.DataFrame(columns=labels, dtype=object)
    return RawTable(file=shown, cells=cells, rows=body_rows, columns=columns,
                    column_units=column_units, unit=unit, title_period=title_period,
                    ignored_columns=ignored, duplicate_columns=duplicates, sheet=sheet)


def read_raw_file(path: str | Path, shown: str | None = None) -> list[RawTable]:
    """Read one raw file into its tables. Raises :class:`DataError` for unreadable files."""
    path = Path(path)
    shown = shown or str(path)
    if not path.exists():
        raise DataError("file not found", file=shown)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text, delimiter = _csv_text(path, shown)
        fast = _fast_csv_table(text, delimiter, shown, path.name)
        if fast is not None:
            return [fast]
        grids = [(None, _grid_from_text(text, delimiter))]
    elif suffix in (".xlsx", ".xlsm"):
        grids = _grids_from_xlsx(path, shown)
    elif suffix == ".xls":
        raise DataError("old .xls workbooks are not supported; save it as .xlsx", file=shown)
    else:
        raise DataError(f"unsupported file type {suffix or '(none)'}; expected .csv or .xlsx", file=shown)
    tables = []
    for sheet, grid in grids:
        if not any(any(c.strip() for c in row) for _, row in grid):
            continue
        table = _table_from_grid(grid, shown, path.name, sheet)
        if table is not None:
            tables.append(table)
    if not tables:
        if not any(any(c.strip() for c in row) for _, grid in grids for _, row in grid):
            raise DataError("empty file", file=shown)
        raise DataError("no header row found: need an enterprise column (企业名称/单位名称) and at "
                        "least three known lines (资产总额, 营业总收入, …) in one row", file=shown, row=1)
    return tables


def find_raw_files(root: str | Path) -> list[Path]:
    """Flash-report files below ``root`` (recursive), sorted; skips temporary and hidden files."""
    root = Path(root)
    if root.is_file():
        return [root]
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in RAW_SUFFIXES
             and not p.name.startswith(("~$", ".")) and p.name not in NOT_REPORTS and not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return sorted(files)
