"""Reading raw flash-report files (CSV or XLSX) into tables of text cells, with their locations.

Three layouts are recognised, all read into the same :class:`RawTable` shape (one row per
enterprise, one column per line) so cleaning and validation are shared:

- the **wide** table: one row per enterprise, one column per line;
- the city **summary** table (汇总表): an indicator over sub-columns (本年累计 · 上年同期 · 同比增减(%));
- the **enterprise form** (企业财务快报): items as rows, columns 本月数 · 本年累计数 · 上年同期累计数.

See :mod:`soe_analysis.io.layouts` for the last two. Nothing is interpreted here beyond finding
the header, the unit and the period spelled outside the table: numbers stay text until
:mod:`soe_analysis.io.cleaning` parses them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..periods import normalise_text
from ..schema import ENTERPRISE_HEADERS, LINES, PERIOD_HEADERS
from .core import (MAX_CELL_CHARS, MISSING_TOKENS, Grid, csv_bytes, decode, delimiter_of, grid_from_text,
                   is_note_row, read_grids, safe_text, short_text_cache, title_info, utf8_head)

RAW_SUFFIXES = (".csv", ".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 30
FIRST_HEADER_ROWS = 8  # most headers sit in the first lines: look there before parsing 30 rows
FAST_MAX_COLUMNS = 300
NOT_REPORTS = frozenset({"enterprise_aliases.csv"})  # files that live beside reports but are not reports
QUIET_COLUMNS = frozenset({"序号", "行次", "编号", "no", "no.", "栏次"})  # bookkeeping columns, ignored without a word
_UNIT_RE = re.compile(r"(万元|亿元|元)")
_SUFFIX_RE = re.compile(r"^(?P<name>.+?)[(\[](?P<suffix>[^()\[\]]*)[)\]]$")
_UNIT_SUFFIXES = {"元": "元", "万元": "万元", "亿元": "亿元", "人民币元": "元", "人民币万元": "万元",
                  "人民币亿元": "亿元", "人": None, "个": None, "人数": None}
_IGNORABLE_SUFFIXES = ("本年累计", "累计", "本期", "本年", "期末", "期末数", "期末余额", "合计")

__all__ = ["MISSING_TOKENS", "RawTable", "find_raw_files", "header_key", "match_header", "read_raw_file"]


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


@short_text_cache
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
    """One table found in a raw file: text cells below the header, with their origins.

    ``columns`` maps a header label to a canonical name: ``enterprise``, ``period``, a line
    (``revenue``: the current value), or a line with a role: ``revenue@prior`` (the reported
    上年同期 figure), ``revenue@month`` (a reported 本月数). ``derived`` maps labels of growth and
    change columns to (line, ``pct`` or ``change``): cross-checked, never read as data.
    """

    file: str  # path as shown to the user (with ``[sheet]`` for a worksheet)
    cells: pd.DataFrame  # text cells; columns are the header labels (de-duplicated)
    rows: list[int]  # 1-based row number in the file of each cell row
    columns: dict[str, str]  # header label → canonical name (recognised ones only)
    column_units: dict[str, str]  # header label → unit stated in that header
    unit: str | None  # unit from a title line, if any
    title_period: str | None  # a period spelled in a title line or the file name
    ignored_columns: list[str] = field(default_factory=list)
    numbers: pd.DataFrame | None = None  # line columns already parsed (fast path), unit not applied
    duplicate_columns: list[tuple[str, str]] = field(default_factory=list)  # (header, canonical)
    sheet: str | None = None
    derived: dict[str, tuple[str, str]] = field(default_factory=dict)
    enterprise_candidates: list[str] = field(default_factory=list)  # forms: names to resolve, in order
    cell_rows: dict[str, int] = field(default_factory=dict)  # forms: the file row of each label's cell
    notes: list[tuple[int | None, str | None, str]] = field(default_factory=list)  # (row, column, warning)
    layout: str = "wide"
    header_row: int | None = None  # file row of the (last) header row
    labels: list[str] = field(default_factory=list)  # every header label, in file order
    # text columns already factorised (fast path): label → (code per cell row, distinct texts)
    codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


NO_WIDE_HEADER = "no wide header"  # _fast_csv_table's answer for a file with no wide or summary header


def _fast_csv_table(text: str, delimiter: str, shown: str, file_name: str,
                    utf8: bytes | None = None) -> RawTable | str | None:
    """A well-formed wide CSV parsed by Arrow's C++ reader (numbers included); None → the careful path;
    :data:`NO_WIDE_HEADER` when no row a header may sit on is one (a form: no need to look again).
    ``text`` needs to hold the top of the file only (its first 4 × HEADER_SEARCH_ROWS lines) when
    ``utf8`` holds the whole file's UTF-8 bytes; Arrow then checks the rest is UTF-8.

    Anything unusual (text in a number, separators, (1.2) negatives, full-width digits, ragged
    rows, blank lines, quoted line breaks, over-long cells) makes Arrow fail or is detected here,
    and the careful path then reports it with its row and column.
    """
    head, index = _head(text, delimiter, shown, FIRST_HEADER_ROWS)
    if index is None or index + 3 > len(head):  # not in the first lines, or its sub-headers may follow
        head, index = _head(text, delimiter, shown, HEADER_SEARCH_ROWS)
    if index is None and (len(head) >= HEADER_SEARCH_ROWS or text.count("\n") < 4 * HEADER_SEARCH_ROWS):
        return NO_WIDE_HEADER  # every row a header may sit on was searched (or the whole, short file)
    if index is None or any("\n" in c or "\r" in c for _, row in head[:index + 1] for c in row):
        return None
    from .layouts import sub_header_rows

    if sub_header_rows(head, index):
        return None
    meta = wide_header(Grid(shown, head[:index + 1], file_name=file_name), index)
    labels = meta.labels
    if len(labels) > FAST_MAX_COLUMNS:  # per-column cost would dominate: read it the careful way
        return None
    numeric = [label for label, canon in meta.columns.items() if canon not in ("enterprise", "period")]
    number_at = [labels.index(label) for label in numeric]
    text_at = [j for j in range(len(labels)) if labels[j] not in numeric]
    names = [str(j) for j in range(len(labels))]
    try:
        import pyarrow as pa
        from pyarrow import csv as pacsv

        table = pacsv.read_csv(
            pa.py_buffer(utf8 if utf8 is not None else text.encode("utf-8")),
            read_options=pacsv.ReadOptions(skip_rows=head[index][0], column_names=names, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={names[j]: (pa.float64() if j in number_at else pa.dictionary(pa.int32(), pa.string()))
                              for j in range(len(names))},
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True))
    except (pa.ArrowInvalid, ValueError):
        return None
    n = table.num_rows
    numbers = np.column_stack([table.column(j).to_numpy(zero_copy_only=False) for j in number_at]) if number_at \
        else np.empty((n, 0))
    if np.isinf(numbers).any():  # "inf" parses as a float but is no figure: the careful path says so
        return None
    # text columns read dictionary-encoded: each distinct text becomes a Python string once (a file
    # repeats its period on every row), and cleaning resolves names once per distinct text, not per row
    coded = [_dictionary(table.column(j)) for j in text_at]
    if any(max(map(len, distinct), default=0) > MAX_CELL_CHARS for _, distinct in coded):
        return None
    texts = np.column_stack([distinct[codes] for codes, distinct in coded]) if text_at \
        else np.empty((n, 0), dtype=object)
    is_text = np.column_stack([(distinct != "")[codes] for codes, distinct in coded]) if text_at \
        else np.empty((n, 0), dtype=bool)
    rows = np.arange(n) + head[index][0] + 1
    filled = (~np.isnan(numbers)).sum(axis=1) + is_text.sum(axis=1)
    keep = filled > 0
    for i in np.flatnonzero((filled > 0) & (filled <= 2)):
        if is_note_row([v for v in texts[i] if v]):
            keep[i] = False
    everything = keep.all()
    text_labels = [labels[j] for j in text_at]
    # object labels: a list of str would be turned into an Arrow string index, 3× the cost of the frame
    meta.cells = pd.DataFrame(texts if everything else texts[keep], columns=pd.Index(text_labels, dtype=object),
                              dtype=object, copy=False)
    meta.codes = {label: (codes if everything else codes[keep], distinct)
                  for label, (codes, distinct) in zip(text_labels, coded)}
    meta.rows = rows[keep].tolist()
    meta.numbers = pd.DataFrame(numbers if everything else numbers[keep], columns=pd.Index(numeric, dtype=object),
                                copy=False)
    return meta


def _dictionary(column) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, distinct texts as an object array) of a dictionary-typed Arrow column; a
    null (blank) cell gets the code of an added ""."""
    import pyarrow.compute as pc

    if column.num_chunks == 0:
        return np.zeros(0, dtype=np.intp), np.array([], dtype=object)
    chunk = column.chunk(0) if column.num_chunks == 1 else column.unify_dictionaries().combine_chunks()
    distinct = chunk.dictionary.to_pylist()
    indices = chunk.indices
    if chunk.null_count:
        indices = pc.fill_null(indices, len(distinct))
        distinct.append("")
    return indices.to_numpy(zero_copy_only=False), np.array(distinct, dtype=object)


def _head(text: str, delimiter: str, shown: str, rows: int) -> tuple[list[tuple[int, list[str]]], int | None]:
    """The first ``rows`` rows of a CSV text and the index of the header among them (or None)."""
    cut = 0
    for _ in range(4 * rows):  # the header is near the top: parse only that much here
        cut = text.find("\n", cut) + 1
        if cut == 0:
            cut = len(text)
            break
    head = grid_from_text(text[:cut], delimiter, shown, rows)
    return head, find_header(head)


def find_header(grid: list[tuple[int, list[str]]]) -> int | None:
    """Index in ``grid`` of the wide/summary header: an enterprise column and three known lines."""
    for index, (_, row) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        names = {match_header(cell)[0] for cell in set(row)}
        lines = sum(1 for n in names if n and n not in ("enterprise", "period"))
        if "enterprise" in names and lines >= 3:
            return index
    return None


def unique_labels(cells: list[str]) -> list[str]:
    """Header labels made unique in linear time: a repeat gets ``#2``, ``#3`` …"""
    counts: dict[str, int] = {}
    labels = []
    taken = set()
    for position, cell in enumerate(cells):
        base = safe_text(cell.strip()) or f"(column {position + 1})"
        label = base
        while label in taken:
            counts[base] = counts.get(base, 1) + 1
            label = f"{base}#{counts[base]}"
        taken.add(label)
        labels.append(label)
    return labels


def body_frame(grid, start: int, width: int, shown: str) -> tuple[list[int], pd.DataFrame]:
    """Rows below the header (notes dropped) as a frame of ``width`` text columns."""
    body_rows, body = [], []
    for row_no, row in grid[start:]:
        if is_note_row(row):
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            used = max(i for i, c in enumerate(row) if c.strip()) + 1
            raise DataError(f"{used} cells but the header has {width} columns (shifted columns?)",
                            file=shown, row=row_no, column=str(width + 1))
        body_rows.append(row_no)
        body.append((row + [""] * width)[:width])
    return body_rows, pd.DataFrame(body, columns=range(width), dtype=object)


def wide_header(grid: Grid, header_index: int) -> RawTable:
    """The wide table's header at ``grid.rows[header_index]``: columns mapped, no cells yet."""
    header = grid.rows[header_index][1]
    above = [cell for _, row in grid.rows[:header_index] for cell in row if cell]
    unit, title_period = title_info(above, grid.file_name)
    labels, columns, units, ignored, duplicates = _header_map(tuple(header))
    return RawTable(file=grid.shown, cells=pd.DataFrame(), rows=[], columns=dict(columns), column_units=dict(units),
                    unit=unit, title_period=title_period, sheet=grid.sheet, ignored_columns=list(ignored),
                    duplicate_columns=list(duplicates), header_row=grid.rows[header_index][0], labels=list(labels))


@functools.lru_cache(maxsize=64)
def _header_map(header: tuple[str, ...]):
    """(labels, label → canonical, label → unit, ignored labels, duplicates) of a header row;
    cached because every monthly file of a series repeats the same header."""
    labels = unique_labels(list(header))
    columns: dict[str, str] = {}
    units: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str]] = []
    seen: set[str] = set()
    for label, cell in zip(labels, header):
        canonical, header_unit = match_header(cell)
        if canonical is None:
            if cell.strip() and header_key(cell) not in QUIET_COLUMNS:
                ignored.append(label)
            continue
        if canonical in seen:
            duplicates.append((label, canonical))
            continue
        seen.add(canonical)
        columns[label] = canonical
        if header_unit:
            units[label] = header_unit
    return labels, columns, units, ignored, duplicates


def table_from_grid(grid: Grid) -> RawTable | None:
    """The wide table in a grid (or a summary table when sub-header rows follow), else None."""
    header_index = find_header(grid.rows)
    if header_index is None:
        return None
    from .layouts import summary_table

    summary = summary_table(grid, header_index)
    if summary is not None:
        return summary
    table = wide_header(grid, header_index)
    table.rows, cells = body_frame(grid.rows, header_index + 1, len(table.labels), grid.shown)
    cells.columns = table.labels
    table.cells = cells
    return table


def read_raw_file(path: str | Path, shown: str | None = None) -> list[RawTable]:
    """Read one raw file into its tables. Raises :class:`DataError` for unreadable files."""
    from .layouts import form_table

    path = Path(path)
    shown = safe_text(shown or str(path))
    if path.suffix.lower() == ".csv" and path.exists():
        data = csv_bytes(path, shown)
        # UTF-8: only the top is decoded here, Arrow checks the rest; otherwise all of it, re-encoded
        head = utf8_head(data, 4 * HEADER_SEARCH_ROWS)
        text = None if head is not None else decode(data, shown)
        utf8 = data.removeprefix(b"\xef\xbb\xbf") if text is None else text.encode("utf-8")
        delimiter = delimiter_of(head if text is None else text)
        fast = _fast_csv_table(head if text is None else text, delimiter, shown, path.name, utf8)
        if isinstance(fast, RawTable):
            return [fast]
        wide_possible = fast is not NO_WIDE_HEADER
        text = decode(data, shown) if text is None else text
        grids = [Grid(shown, grid_from_text(text, delimiter, shown), file_name=path.name)]
    else:
        grids = read_grids(path, shown)
        wide_possible = True
    tables = []
    for grid in grids:
        if not grid.rows:
            continue
        table = (table_from_grid(grid) if wide_possible else None) or form_table(grid)
        if table is not None:
            tables.append(table)
    notes = [note for grid in grids for note in grid.notes]
    if tables:
        tables[0].notes.extend((None, None, note) for note in notes)
    elif not any(grid.rows for grid in grids):
        raise DataError("empty file" + ("; " + "; ".join(notes) if notes else ""), file=shown)
    else:
        raise DataError("no header row found: need an enterprise column (企业名称/单位名称) and at "
                        "least three known lines (资产总额, 营业总收入, …) in one row, or an enterprise "
                        "form (项目 · 本年累计数)", file=grids[0].shown, row=grids[0].rows[0][0])
    return tables


def find_raw_files(root: str | Path) -> list[Path]:
    """Flash-report files below ``root`` (recursive), sorted; skips temporary and hidden files."""
    root = Path(root)
    if root.is_file():
        return [root]
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in RAW_SUFFIXES
             and not p.name.startswith(("~$", ".")) and p.name not in NOT_REPORTS
             and not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return sorted(files)
