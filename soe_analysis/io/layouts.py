"""The two official flash-report layouts, read into the wide :class:`~.reading.RawTable` shape.

**City summary table (汇总表).** The header spans two or three rows: an indicator (merged over
its sub-columns) such as ``营业总收入（万元）`` above sub-columns such as 本年累计 / 上年同期 /
同比增减(%). The current value (本年累计, 本期, 期末数, 本月末) goes to the line, the reported
prior-year value (上年同期, 上年同期累计) is kept as ``line@prior``, the opening balance (年初数)
is ignored, and growth and change columns (同比增减(%), 增减额) are cross-checked, never read.

**Enterprise form (企业财务快报).** Items as rows (项目 · 行次 · 本月数 · 本年累计数 ·
上年同期累计数; balance items may carry 期末余额 / 年初余额). Item labels are read as printed:
``一、营业总收入``, ``减：营业成本``, ``其中：利息费用``, leading spaces, full-width punctuation.
The enterprise comes from a ``编制单位：``/``填报单位：`` line, the sheet name or the file name
(resolved through the alias file by :mod:`~.cleaning`); the period from a title cell or the file
name. Each form becomes a one-row table.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..periods import normalise_text
from .core import NOTE_RE, PERIOD_IN_TEXT_RE, Grid, is_note_row, short_text_cache, title_info
from .reading import HEADER_ALIASES, QUIET_COLUMNS, RawTable, body_frame, header_key, match_header, unique_labels


def _keys(*texts: str) -> frozenset[str]:
    return frozenset(header_key(t) for t in texts)


# Sub-column roles of a summary table.
SUB_ROLES = {
    "current": _keys("本年累计", "本年累计数", "本年累计金额", "本年", "本年实际", "本期", "本期数", "本期金额", "累计",
                     "期末数", "期末余额", "期末", "本月末", "本月末数", "本期末"),
    "prior": _keys("上年同期", "上年同期数", "上年同期累计", "上年同期累计数", "上年同期末", "去年同期", "上年同期金额"),
    "opening": _keys("年初数", "年初余额", "年初", "上年末", "上年年末", "上年末数", "期初数", "期初余额"),
    "pct": _keys("同比增减(%)", "同比增减%", "同比增长(%)", "同比增长%", "同比(%)", "同比%", "增减(%)", "增减%",
                 "增长率(%)", "增长率", "同比增长率", "同比增长率(%)", "同比", "增幅(%)", "增幅", "同比增减", "增减率",
                 "同比增减率", "同比增减率(%)"),
    "change": _keys("增减额", "同比增减额", "增减", "增加额", "变动额"),
    "month": _keys("本月", "本月数", "当月", "当月数", "本月金额"),
}
# Third-row words that only repeat what the row above says (金额 under 本期, (%) under 同比).
WEAK_ROLES = {header_key("金额"): "current", header_key("数额"): "current", "(%)": "pct", "%": "pct"}
_ROLE_OF = {key: role for role, keys in SUB_ROLES.items() for key in keys} | WEAK_ROLES
_UNIT_IN_SUB_RE = re.compile(r"[(（\[]\s*(?:人民币)?(万元|亿元|元)\s*[)）\]]")


@short_text_cache
def _bare_key(text: str) -> str:
    """A header cell's key with any unit in brackets removed (``本年累计数（万元）`` → 本年累计数);
    cached because every form and summary table repeats the same few headers."""
    return header_key(_UNIT_IN_SUB_RE.sub("", normalise_text(text)))


def sub_role(text) -> str | None:
    """The role of a sub-column header (``本年累计`` → current), units in brackets ignored."""
    return _ROLE_OF.get(_bare_key(str(text)))


def sub_header_rows(rows: list[tuple[int, list[str]]], header_index: int) -> int:
    """How many rows below the header are sub-column headers (0, 1 or 2)."""
    count = 0
    for _, row in rows[header_index + 1:header_index + 3]:
        filled = [c for c in row if c.strip()]
        if filled and all(sub_role(c) or header_key(c) in QUIET_COLUMNS for c in filled):
            count += 1
        else:
            break
    return count


def _filled_forward(row: list[str], width: int) -> list[str]:
    """Merged header cells are blank after their first column: carry the text right."""
    out, last = [], ""
    for cell in (row + [""] * width)[:width]:
        last = cell.strip() or last
        out.append(last)
    return out


def summary_table(grid: Grid, header_index: int) -> RawTable | None:
    """The summary table whose indicator row is ``grid.rows[header_index]``; None when no sub-header follows."""
    depth = sub_header_rows(grid.rows, header_index)
    if depth == 0:
        return None
    rows = grid.rows
    width = max(len(row) for _, row in rows[header_index:header_index + depth + 1])
    top = rows[header_index][1]
    indicators = _filled_forward(top, width)
    subs = [(row + [""] * width)[:width] for _, row in rows[header_index + 1:header_index + 1 + depth]]
    above = [cell for _, row in rows[:header_index] for cell in row if cell]
    unit, title_period = title_info(above, grid.file_name)
    labels = unique_labels([" / ".join(x for x in (indicators[j], *(s[j] for s in subs)) if x.strip())
                            for j in range(width)])
    table = RawTable(file=grid.shown, cells=pd.DataFrame(), rows=[], columns={}, column_units={}, unit=unit,
                     title_period=title_period, sheet=grid.sheet, layout="summary",
                     header_row=rows[header_index + depth][0])
    seen: set[str] = set()
    for j, label in enumerate(labels):
        canonical, header_unit = match_header(indicators[j])
        written = [s[j] for s in subs if s[j].strip()]
        sub = next((w for w in written if header_key(w) not in WEAK_ROLES), written[0] if written else "")
        if canonical in ("enterprise", "period") and not (j < len(top) and top[j].strip()):
            canonical = None  # a blank top cell carried over from the enterprise column
        if canonical is None:
            if top[j].strip() if j < len(top) else False:
                if header_key(top[j]) not in QUIET_COLUMNS:
                    table.ignored_columns.append(label)
            continue
        if canonical not in ("enterprise", "period"):
            role = sub_role(sub) if sub.strip() else "current"
            unit_match = _UNIT_IN_SUB_RE.search(normalise_text(sub))
            header_unit = unit_match.group(1) if unit_match else header_unit
            if role in ("pct", "change"):
                table.derived[label] = (canonical, role)
                continue
            if role in ("opening", None):
                if role is None:
                    table.ignored_columns.append(label)
                continue
            canonical = canonical if role == "current" else f"{canonical}@{role}"
        if canonical in seen:
            table.duplicate_columns.append((label, canonical.split("@")[0]))
            continue
        seen.add(canonical)
        table.columns[label] = canonical
        if header_unit:
            table.column_units[label] = header_unit
    table.rows, cells = body_frame(rows, header_index + depth + 1, width, grid.shown)
    cells.columns = labels
    table.cells = cells
    return table


# ----------------------------------------------------------------------------- enterprise form

FORM_ITEM_HEADERS = _keys("项目", "项目名称", "指标", "指标名称", "科目", "item", "items")
FORM_VALUE_ROLES = {
    "month": _keys("本月数", "本月金额", "本月", "当月数"),
    "current": _keys("本年累计数", "本年累计", "本年累计金额", "本年数", "本期金额", "累计数"),
    "prior": _keys("上年同期累计数", "上年同期累计", "上年同期数", "上年同期", "上年同期金额"),
    "closing": _keys("期末余额", "期末数", "期末金额", "月末数", "本月末数", "期末"),
    "opening": _keys("年初余额", "年初数", "期初余额", "期初数", "年初"),
}
_FORM_ROLE_OF = {key: role for role, keys in FORM_VALUE_ROLES.items() for key in keys}
_NUMBERING_RE = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）]?[、.．,，]?|[(（][一二三四五六七八九十\d]+[)）])\s*")
_PREFIX_RE = re.compile(r"^(减|加|其中|其中[:：]?减|其中[:：]?加|补充|补充资料|附)\s*[:：]\s*")
_TRAILING_NOTE_RE = re.compile(r"[(（][^()（）]*[)）]$")
_PREPARER_RE = re.compile(r"(?:编制|填报|报送)单位(?:名称)?\s*[:：]\s*([^:：\s]+)")
_GENERIC_SHEETS = re.compile(r"^(sheet\d*|表\d*|工作表\d*|快报|财务快报)$", re.IGNORECASE)
_NAME_NOISE_RE = re.compile(r"(企业)?(财务)?快报(表)?|月报|报表|汇总")


@short_text_cache
def item_line(label: str) -> tuple[str | None, bool]:
    """(line, is a 其中 sub-item) of a form item as printed (``一、营业总收入`` → revenue); cached
    because every form of a series prints the same items."""
    text = normalise_text(label)
    if header_key(text) in HEADER_ALIASES:
        return HEADER_ALIASES[header_key(text)], text.startswith("其中")
    previous = None
    while text != previous:
        previous = text
        text = _NUMBERING_RE.sub("", text)
    sub = text.startswith("其中")
    text = _PREFIX_RE.sub("", text)
    for candidate in (text, _TRAILING_NOTE_RE.sub("", text)):
        line, _ = match_header(candidate)
        if line and line not in ("enterprise", "period"):
            return line, sub
    return None, sub


def _form_header(rows) -> int | None:
    for index, (_, row) in enumerate(rows[:30]):
        keys = [_bare_key(c) for c in row]
        roles = {_FORM_ROLE_OF.get(k) for k in keys}
        if any(k in FORM_ITEM_HEADERS for k in keys) and roles & {"current", "closing"}:
            return index
    return None


def _enterprise_candidates(above: list[str], sheet: str | None, file_name: str) -> list[str]:
    names = []
    for text in above:
        found = _PREPARER_RE.search(normalise_text(text))
        if found:
            name = re.sub(r"(金额)?单位$", "", found.group(1))
            names.append(name)
    if sheet and not _GENERIC_SHEETS.match(normalise_text(sheet)):
        names.append(sheet.strip())
    stem = normalise_text(file_name.rsplit(".", 1)[0])
    stem = _NAME_NOISE_RE.sub(" ", PERIOD_IN_TEXT_RE.sub(" ", stem))
    stem = re.sub(r"\d{4}[-_.]?\d{2}", " ", stem)
    names += [piece for piece in re.split(r"[\s_\-—·.]+", stem) if piece]
    return names


def _value_columns(header: list[str]) -> dict[str, tuple[int, str, str | None]]:
    """role → (column index, header text, unit in the header) of a form's value columns."""
    value_cols: dict[str, tuple[int, str, str | None]] = {}
    for j, cell in enumerate(header):
        role = _FORM_ROLE_OF.get(_bare_key(cell))
        if role and role not in value_cols:
            found = _UNIT_IN_SUB_RE.search(normalise_text(cell))
            value_cols[role] = (j, cell.strip(), found.group(1) if found else None)
    return value_cols


def form_table(grid: Grid) -> RawTable | None:
    """An enterprise form as a one-row table, or None when the grid is not a form."""
    rows = grid.rows
    header_index = _form_header(rows)
    if header_index is None:
        return None
    header_no, header = rows[header_index]
    above = [cell for _, row in rows[:header_index] for cell in row if cell]
    unit, title_period = title_info(above, grid.file_name)
    item_col = next(j for j, c in enumerate(header)
                    if _bare_key(c) in FORM_ITEM_HEADERS)
    value_cols = _value_columns(header)
    table = RawTable(file=grid.shown, cells=pd.DataFrame(), rows=[], columns={}, column_units={}, unit=unit,
                     title_period=title_period, sheet=grid.sheet, layout="form", header_row=header_no,
                     enterprise_candidates=_enterprise_candidates(above, grid.sheet, grid.file_name))
    values: dict[str, str] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    from ..schema import LINE_BY_NAME

    for row_no, row in rows[header_index + 1:]:
        if is_note_row(row) or item_col >= len(row) or not row[item_col].strip() \
                or NOTE_RE.match(normalise_text(row[item_col])):
            continue
        if _form_header([(row_no, row)]) == 0:  # a second block (资产负债 with 期末余额 · 年初余额)
            value_cols = _value_columns(row)
            continue
        line, is_sub = item_line(row[item_col])
        if line is None:
            unknown.append(row[item_col].strip())
            continue
        if line in seen:
            if not is_sub:
                table.duplicate_columns.append((f"{row[item_col].strip()} (row {row_no})", line))
            continue
        seen[line] = row_no
        stock = LINE_BY_NAME[line].kind == "stock"
        roles = (("closing", ""), ("current", ""), ("month", "")) if stock else \
                (("current", ""), ("prior", "@prior"), ("month", "@month"))
        for role, suffix in roles:
            if role not in value_cols:
                continue
            j, head, head_unit = value_cols[role]
            cell = row[j] if j < len(row) else ""
            canonical = line + suffix
            if canonical in table.columns.values() or (stock and not cell.strip() and role != "month"):
                continue
            label = f"{row[item_col].strip()} / {head}"
            values[label] = cell
            table.columns[label] = canonical
            table.cell_rows[label] = row_no
            if head_unit:
                table.column_units[label] = head_unit
            if stock:
                break
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        table.notes.append((header_no, None, f"{len(unknown)} form item(s) not recognised; ignored: {shown}"))
    values["(enterprise)"] = ""  # filled from the candidates when the aliases are known (cleaning)
    table.columns["(enterprise)"] = "enterprise"
    # object labels and one object block: a frame of str labels costs ~1 ms per selection
    table.cells = pd.DataFrame(np.array([list(values.values())], dtype=object),
                               columns=pd.Index(list(values), dtype=object), dtype=object, copy=False)
    table.rows = [header_no]
    return table
