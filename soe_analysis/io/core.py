"""The one table-reading core every raw file goes through (flash reports in all layouts, the
refinancing register): decoding, grids of text cells with their locations, limits against
hostile files, the unit and period spelled in title lines, 合计 names, and escaping for display.

A *grid* is a list of ``(1-based row number, [cell texts])``, empty rows left out. Nothing is
interpreted as a number here: that is :mod:`soe_analysis.io.cleaning`'s job, so every problem
can be reported with its file, row and column.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from ..periods import normalise_text
from ..schema import TOTAL_ROW_NAMES

# Cell texts that mean "not reported": missing (NaN), never zero.
MISSING_TOKENS = frozenset({"", "-", "--", "---", "—", "——", "–", "/", "－", "nan", "none", "null", "n/a", "na", "×"})
_TOTAL_KEYS = frozenset(normalise_text(t).lower() for t in TOTAL_ROW_NAMES)

# Limits against hostile files: a flash report or register is at most a few thousand rows.
MAX_ROWS = 200_000
MAX_COLUMNS = 16_384  # Excel's own limit (XFD)
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
csv.field_size_limit(max(csv.field_size_limit(), 64 * MAX_CELL_CHARS))  # longer cells get our error, not csv's

TITLE_UNIT_RE = re.compile(r"(?:金额)?单位[:：]?\s*(?:人民币)?\s*(万元|亿元|元)")
PERIOD_IN_TEXT_RE = re.compile(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*[-~至到—–]\s*)?(\d{1,2})\s*月")
NOTE_RE = re.compile(r"^(注|备注|说明|填报|制表|审核|复核|负责人|联系人|单位负责人|财务负责人|主管会计|会计主管|note)",
                     re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_INJECTION_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """Text from a file made safe for a terminal or a log line: control characters (newlines,
    escape sequences, bidi overrides) shown as ``\\xNN``/``\\uNNNN`` instead of acted on."""
    text = "" if value is None else str(value)
    return _CONTROL_RE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def spreadsheet_safe(value):
    """A text cell for a CSV someone may open in a spreadsheet: text starting with ``= + - @`` (or a
    tab/CR) gets a leading apostrophe so it is never run as a formula (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(_INJECTION_START):
        return "'" + value
    return value


CACHED_TEXT_CHARS = 256  # no header or name is longer; longer cell texts are never kept in a cache


def short_text_cache(function):
    """``function`` of one text, memoised for texts up to :data:`CACHED_TEXT_CHARS` characters:
    the same few headers and names come back in every file, while a hostile file's long cells
    (up to 32,767 characters each) must not fill memory through a cache."""
    cached = functools.lru_cache(maxsize=65536)(function)

    @functools.wraps(function)
    def call(text):
        return cached(text) if isinstance(text, str) and len(text) <= CACHED_TEXT_CHARS else function(text)

    call.cache_info = cached.cache_info
    return call


@short_text_cache
def name_key(name: str) -> str:
    """A name as matched against the alias file and the 合计 names (NFKC, no spaces, lower case);
    cached because the same few names come back in every monthly file."""
    return normalise_text(name).lower()


@short_text_cache
def is_total_name(name) -> bool:
    return name_key(str(name)) in _TOTAL_KEYS


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Grid:
    """The text cells of one CSV file or one visible worksheet."""

    shown: str  # where findings point: the file, and ``[sheet]`` for a worksheet
    rows: list[tuple[int, list[str]]]
    sheet: str | None = None
    file_name: str = ""
    notes: list[str] = field(default_factory=list)  # warnings met while reading (hidden sheets, …)


def decode(data: bytes, shown: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError("cannot decode the file as UTF-8 or GBK/GB18030 text", file=shown)


def csv_text(path: Path, shown: str) -> tuple[str, str]:
    """(decoded text, delimiter) of a CSV file; errors for empty and mis-named files."""
    text = decode(csv_bytes(path, shown), shown)
    return text, delimiter_of(text)


def csv_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a CSV file; errors for empty files and workbooks named .csv."""
    data = path.read_bytes()
    if not data or data.isspace():  # isspace stops at the first other byte: no copy of the file
        raise DataError("empty file", file=shown)
    if data[:4] == b"PK\x03\x04":
        raise DataError("this is an XLSX/ZIP file with a .csv name; rename it to .xlsx", file=shown)
    return data


def utf8_head(data: bytes, lines: int) -> str | None:
    """The first ``lines`` lines of ``data`` decoded as UTF-8 (BOM dropped); None when they are
    not UTF-8. A reader that only needs the top of a file then decodes no more than that."""
    cut = 0
    for _ in range(lines):
        cut = data.find(b"\n", cut) + 1  # never inside a UTF-8 or GB18030 multi-byte character
        if cut == 0:
            cut = len(data)
            break
    try:
        return data[:cut].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def delimiter_of(text: str) -> str:
    """Comma, tab or semicolon, whichever the top of ``text`` has most of (comma on a tie):
    tab- or semicolon-separated exports exist; the csv sniffer is slow and fooled by 1,234 figures."""
    head = text[:4096]
    return max(",\t;", key=lambda d: (head.count(d), d == ","))


def _check_row(row_no: int, cells: list[str], shown: str) -> None:
    if len(cells) > MAX_COLUMNS and any(c.strip() for c in cells[MAX_COLUMNS:]):
        last = max(i for i, c in enumerate(cells) if c.strip())
        raise DataError(f"a cell in column {last + 1:,} is beyond the {MAX_COLUMNS:,}-column limit "
                        "(used range too large)", file=shown, row=row_no, column=column_letter(last))
    for i, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            raise DataError(f"a cell of {len(cell):,} characters (limit {MAX_CELL_CHARS:,})",
                            file=shown, row=row_no, column=column_letter(i))


def grid_from_text(text: str, delimiter: str, shown: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    """Rows of a CSV text with their 1-based line numbers (the first line of a quoted multi-line row)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for row in reader:
            if limit is not None and len(rows) >= limit:
                break
            if len(rows) >= MAX_ROWS:
                raise DataError(f"more than {MAX_ROWS:,} rows", file=shown, row=line)
            if any(cell.strip() for cell in row):
                _check_row(line, row, shown)
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"not a readable CSV row ({exc})", file=shown, row=line) from None
    return rows


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m")
    return str(value)


def _has_formulas(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(name.startswith("xl/worksheets/") and b"<f" in archive.read(name)
                   for name in archive.namelist() if name.endswith(".xml"))


def _uncached_formula(path: Path, sheet_index: int, values: dict[tuple[int, int], str]):
    """(row, column index) of the first formula cell with no stored value, or None."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[sheet_index]
        sheet.reset_dimensions()
        for row_no, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
            for j, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and not values.get((row_no, j)):
                    return row_no, j
            if row_no > MAX_ROWS:
                break
    finally:
        book.close()
    return None


def xlsx_grids(path: Path, shown: str, text=cell_text) -> list[Grid]:
    """One grid per visible worksheet; hidden sheets are skipped with a note."""
    from openpyxl import load_workbook

    if path.stat().st_size == 0:
        raise DataError("empty file", file=shown)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        formulas = _has_formulas(path)
    except Exception as exc:  # InvalidFileException, zipfile.BadZipFile, KeyError and friends
        raise DataError(f"not a readable XLSX workbook ({type(exc).__name__})", file=shown) from None
    grids: list[Grid] = []
    notes: list[str] = []
    try:
        for index, sheet in enumerate(book.worksheets):
            where = f"{shown}[{safe_text(sheet.title)}]"
            if sheet.sheet_state != "visible":
                notes.append(f"sheet {safe_text(sheet.title)!r} is hidden; skipped")
                continue
            sheet.reset_dimensions()  # the stored used range may lie (one cell at XFD1048576)
            rows = []
            for row_no, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not any(v is not None and v != "" for v in row):
                    continue
                if row_no > MAX_ROWS:
                    raise DataError(f"a cell in row {row_no:,} is beyond the {MAX_ROWS:,}-row limit "
                                    "(used range too large)", file=where, row=row_no)
                cells = [text(v) for v in row]
                _check_row(row_no, cells, where)
                rows.append((row_no, cells))
            grids.append(Grid(where, rows, sheet=sheet.title, file_name=path.name))
            if formulas:
                values = {(r, j): c for r, cells in rows for j, c in enumerate(cells) if c}
                missing = _uncached_formula(path, index, values)
                if missing:
                    raise DataError("formula with no stored value: open and save the workbook in a "
                                    "spreadsheet program so the values are stored",
                                    file=where, row=missing[0], column=column_letter(missing[1]))
    finally:
        book.close()
    if grids:
        grids[0].notes.extend(notes)
    elif notes:
        raise DataError("every sheet is hidden; " + "; ".join(notes), file=shown)
    return grids


def read_grids(path: Path, shown: str, text=cell_text) -> list[Grid]:
    """The grids of a CSV or XLSX file (errors: missing, empty, unreadable, unsupported type)."""
    if not path.exists():
        raise DataError("file not found", file=shown)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text, delimiter = csv_text(path, shown)
        return [Grid(shown, grid_from_text(text, delimiter, shown), file_name=path.name)]
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_grids(path, shown, text)
    if suffix == ".xls":
        raise DataError("old .xls workbooks are not supported; save it as .xlsx", file=shown)
    raise DataError(f"unsupported file type {suffix or '(none)'}; expected .csv or .xlsx", file=shown)


def title_info(texts: list[str], file_name: str) -> tuple[str | None, str | None]:
    """(unit, period) spelled in title lines (``单位：人民币元``, ``2022年1-10月``), else the file name's period."""
    unit = period = None
    for text in texts:
        norm = normalise_text(text)
        found = TITLE_UNIT_RE.search(norm)
        if found and unit is None:
            unit = found.group(1)
        found = PERIOD_IN_TEXT_RE.search(norm)
        if found and period is None:
            period = found.group(0)
    if period is None:
        period = period_in_name(file_name)
    return unit, period


def period_in_name(file_name: str) -> str | None:
    found = PERIOD_IN_TEXT_RE.search(normalise_text(file_name))
    if found:
        return found.group(0)
    found = re.search(r"(\d{4})[-_.]?(\d{2})(?!\d)", file_name)
    if found and 1 <= int(found.group(2)) <= 12:
        return f"{found.group(1)}-{found.group(2)}"
    return None


def is_note_row(cells: list[str]) -> bool:
    """A row of one or two filled cells starting 注/说明/填报/制表…: a note under the table."""
    filled = [c for c in cells if c and not c.isspace()]
    return 0 < len(filled) <= 2 and bool(NOTE_RE.match(normalise_text(filled[0])))
