"""Reading and validating a loan-level refinancing register (融资置换台账).

Two kinds of file share one reader:

- the **register** of swaps done: one row per refinanced debt, with the new rate, swap date and
  new term (``kind="register"``);
- the **remaining** high-rate debt not yet refinanced (存量高息融资), the candidates for the next
  swaps (``kind="remaining"``): no new rate, date or term.

Cleaning follows the flash reports (``data/raw/README.md``; numbers parsed by
:func:`soe_analysis.io.cleaning.parse_number`, enterprise names resolved through
``enterprise_aliases.csv``, unknown names an error): Chinese headers with English aliases,
optional title lines above the header, amounts in 元/万元/亿元 (from the header, e.g.
``置换金额(万元)``, or a ``单位：万元`` title line), full-width digits, thousands separators.
Rates may be written ``6.8``, ``6.8%`` or ``0.068``: all mean 6.8 % a year (a bare number below
1 is a fraction). A rate outside (0.5 %, 24 %] after that reading — ``680``, ``0.068%`` — is an
error naming the file, row and column, as is a swap dated after the as-of month. Errors raise
:class:`~soe_analysis.errors.DataError` with a one-line message; plausibility findings that do
not stop the analysis (a new rate far from the LPR, a new rate above the old one) are returned
in a quality table.

Amounts come out in 万元 as read (``amount_wan``, ``penalty_wan``, ``fees_wan``); rates in percent
a year; terms in months.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from .cleaning import load_aliases, parse_number
from ..errors import DataError
from ..metrics import WAN_PER_YI
from ..periods import month_str, normalise_text, parse_month
from .core import MISSING_TOKENS, NOTE_RE, cell_text, is_total_name, read_grids, safe_text, title_info

# ----------------------------------------------------------------------------- vocabulary

# canonical column -> (standard Chinese header, aliases); matched after normalise_text + lower,
# with any unit in brackets removed first.
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "loan_id": ("序号", ("编号", "债务编号", "台账编号", "no", "no.", "id", "loan id", "loan_id")),
    "enterprise": ("企业名称", ("单位名称", "企业", "单位", "集团名称", "融资主体", "enterprise", "company", "borrower")),
    "old_instrument": ("原融资品种", ("原融资方式", "原融资类型", "置换前融资品种", "融资品种", "融资方式",
                                 "original instrument", "old instrument", "instrument")),
    "amount": ("置换金额", ("金额", "融资余额", "余额", "置换规模", "amount", "amount refinanced", "balance", "principal")),
    "old_rate": ("原融资利率", ("原利率", "置换前利率", "原综合融资成本", "融资利率", "利率", "original rate", "old rate", "rate")),
    "new_instrument": ("新融资品种", ("新融资方式", "置换后融资品种", "new instrument")),
    "new_rate": ("新融资利率", ("新利率", "置换后利率", "新综合融资成本", "new rate")),
    "swap_date": ("置换日期", ("置换时间", "提款日期", "swap date", "date")),
    "old_term": ("原剩余期限", ("剩余期限", "原债务剩余期限", "original remaining term", "remaining term", "old term")),
    "new_term": ("新融资期限", ("新期限", "置换后期限", "new term")),
    "repayment": ("还款方式", ("偿还方式", "repayment", "repayment type")),
    "penalty": ("提前还款违约金", ("违约金", "提前还款费用", "prepayment penalty", "penalty")),
    "fees": ("置换费用", ("融资费用", "发行费用", "费用", "fees", "fee")),
    "note": ("备注", ("说明", "note", "notes", "remark")),
}

REQUIRED = {
    "register": ("enterprise", "old_instrument", "amount", "old_rate", "new_instrument", "new_rate",
                 "swap_date", "old_term", "new_term", "repayment"),
    "remaining": ("enterprise", "old_instrument", "amount", "old_rate", "old_term", "repayment"),
}

# instrument code -> (zh, en, spellings)
INSTRUMENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "trust": ("信托", "Trust loan", ("信托", "信托贷款", "信托计划", "信托融资", "trust", "trust loan")),
    "leasing": ("融资租赁", "Financial leasing", ("融资租赁", "租赁", "售后回租", "直租", "leasing", "financial leasing", "finance lease")),
    "non_standard": ("其他非标", "Other non-standard", ("非标", "其他非标", "非标准化债权", "定向融资", "定融", "债权融资计划",
                                                      "资管计划", "保险债权计划", "non-standard", "other non-standard", "nonstandard")),
    "bank_loan": ("银行贷款", "Bank loan", ("银行贷款", "贷款", "流动资金贷款", "项目贷款", "银团贷款", "并购贷款",
                                          "bank loan", "bank", "loan")),
    "bond": ("债券", "Bond", ("债券", "公司债", "企业债", "中期票据", "短期融资券", "超短期融资券", "定向工具", "ppn",
                             "mtn", "bond", "bonds", "corporate bond")),
}
# A new bank loan floats with the LPR; a bond is fixed-rate.
FLOATING_INSTRUMENTS = ("bank_loan",)

REPAYMENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "bullet": ("到期一次还本", "Bullet", ("到期一次还本", "到期一次性还本", "一次还本", "到期还本", "先息后本",
                                        "按期付息到期还本", "bullet")),
    "equal_instalment": ("等额本息", "Equal instalments", ("等额本息", "等额租金", "等额还款", "equal instalments",
                                                          "equal instalment", "equal installments", "annuity")),
    "equal_principal": ("等额本金", "Equal principal", ("等额本金", "等本", "equal principal")),
}

RATE_MIN_PCT = 0.5  # below this (after reading 0.068 as 6.8 %) a rate is a typo, not a loan
RATE_MAX_PCT = 24.0  # the judicial ceiling on private lending rates before 2020; nothing above
TERM_MAX_MONTHS = 600

_UNIT_RE = re.compile(r"[（(\[【]\s*([^）)\]】]*)\s*[）)\]】]")
_MISSING = MISSING_TOKENS
_TOTAL_NAMES = {"小计", "grandtotal"}  # beside the flash reports' 合计 names (is_total_name)


def _norm(text) -> str:
    return normalise_text("" if text is None else text).lower()


def _lookup(spellings: dict[str, tuple[str, str, tuple[str, ...]]]) -> dict[str, str]:
    table = {}
    for code, (zh, en, names) in spellings.items():
        for name in (code, zh, en, *names):
            table[_norm(name)] = code
    return table


_INSTRUMENT_LOOKUP = _lookup(INSTRUMENTS)
_REPAYMENT_LOOKUP = _lookup(REPAYMENTS)
_HEADER_LOOKUP = {_norm(n): col for col, (zh, al) in COLUMNS.items() for n in (col, zh, *al)}


def instrument_label(code: str, lang: str = "zh") -> str:
    zh, en, _ = INSTRUMENTS.get(code, (code, code, ()))
    return en if lang == "en" else zh


def repayment_label(code: str, lang: str = "zh") -> str:
    zh, en, _ = REPAYMENTS.get(code, (code, code, ()))
    return en if lang == "en" else zh


# ----------------------------------------------------------------------------- cell parsers

def _parse_number(value) -> float:
    """A number cell by the flash-report rules (:func:`soe_analysis.io.cleaning.parse_number`):
    NaN when blank/—; ValueError on text. Numeric cells (XLSX) pass straight through."""
    if value is None:
        return float("nan")
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    return parse_number(value)


def parse_rate(value) -> float:
    """A rate in percent a year: ``6.8``, ``6.8%`` and ``0.068`` all give 6.8.

    A bare number below 1 is a fraction (×100); a number with ``%`` is percent as written.
    Returns NaN for a blank cell. Raises ValueError for text and for a rate outside
    (:data:`RATE_MIN_PCT`, :data:`RATE_MAX_PCT`] after that reading (e.g. ``680``).
    """
    if isinstance(value, str):
        text = normalise_text(value).replace("％", "%")
        if text.endswith("%"):
            number = _parse_number(text[:-1])
            is_percent = True
        else:
            number, is_percent = _parse_number(text), False
    else:
        number, is_percent = _parse_number(value), False
    if math.isnan(number):
        return number
    pct = number if is_percent or abs(number) >= 1 else number * 100.0
    pct = round(pct, 10)  # 0.068 * 100 = 6.800000000000001
    if not RATE_MIN_PCT <= pct <= RATE_MAX_PCT:
        raise ValueError(f"rate {value!r} read as {pct:g}% a year is not plausible "
                         f"(expected {RATE_MIN_PCT:g}–{RATE_MAX_PCT:g}%, written 6.8, 6.8% or 0.068)")
    return pct


def parse_date(value) -> pd.Timestamp:
    """A swap date: ``2022-03-15``, ``2022/3/15``, ``2022.3.15``, ``2022年3月15日``, ``20220315`` or a date cell."""
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return pd.Timestamp(value).normalize()
    text = normalise_text(value)
    if text.lower() in _MISSING:
        return pd.NaT
    m = re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))", text)
    if not m:
        raise ValueError(f"not a date: {value!r}")
    year = int(m[1])
    month, day = (int(m[2]), int(m[3])) if m[2] else (int(m[4]), int(m[5]))
    return pd.Timestamp(year=year, month=month, day=day)  # ValueError on 2022-02-30


def parse_term(value, unit: str = "月") -> float:
    """A term in months (``36``, ``36个月``, ``3年``); the header unit (月/年) applies to bare numbers."""
    if isinstance(value, str):
        text = normalise_text(value)
        m = re.fullmatch(r"([\d.]+)(个月|月|年|y|m)?", text.lower())
        if text.lower() in _MISSING:
            return float("nan")
        if not m:
            raise ValueError(f"not a term: {value!r}")
        number, written = float(m[1]), m[2]
        if written in ("年", "y"):
            number *= 12
        elif not written and unit == "年":
            number *= 12
    else:
        number = _parse_number(value)
        if unit == "年":
            number *= 12
    if math.isnan(number):
        return number
    if not (0 < number <= TERM_MAX_MONTHS) or abs(number - round(number)) > 1e-9:
        raise ValueError(f"term {value!r} must be a whole number of months between 1 and {TERM_MAX_MONTHS}")
    return float(round(number))


# ----------------------------------------------------------------------------- file reading

def _register_cell(value) -> str:
    """A worksheet cell as text; a date cell keeps its day (the flash reports only need the month)."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return cell_text(value)


def _read_rows(path: Path, warnings: list) -> list[tuple[int, list]]:
    """(1-based file row, cells) of a CSV (UTF-8/BOM/GBK) or the first visible worksheet, read by the
    shared core (decoding, limits against hostile files, formulas without stored values)."""
    grids = read_grids(path, str(path), _register_cell)
    for note in grids[0].notes:
        warnings.append(("warning", str(path), None, None, note))
    return grids[0].rows


def _header_key(cell) -> tuple[str | None, str]:
    """(canonical column or None, unit text in brackets)."""
    text = normalise_text("" if cell is None else cell)
    unit_match = _UNIT_RE.search(text)
    unit = unit_match[1] if unit_match else ""
    bare = _UNIT_RE.sub("", text).lower()
    return _HEADER_LOOKUP.get(bare), unit


def _find_header(rows, path: Path):
    for index, (_, cells) in enumerate(rows):
        keys = [_header_key(c)[0] for c in cells]
        if "enterprise" in keys and sum(k is not None for k in keys) >= 4:
            return index
    raise DataError("no header row naming 企业名称 and the register's columns", file=str(path))


def _amount_factor(unit: str, title_unit: str | None, path: Path, column: str, warnings: list) -> float:
    """Factor from the stated unit to 万元."""
    for candidate in (unit, title_unit):
        if candidate:
            if "亿" in candidate:
                return WAN_PER_YI
            if "万" in candidate:
                return 1.0
            if candidate.strip().removeprefix("人民币") in ("元", "yuan", "rmb"):
                return 1e-4
    warnings.append(("warning", str(path), None, column, "no unit stated for amounts; 万元 assumed"))
    return 1.0


def dataset_of(path: Path) -> dict:
    """The ``dataset.json`` beside a register: ``{"dataset": …, "source": …}``; ``user`` when absent."""
    meta = Path(path).parent / "dataset.json"
    if meta.exists():
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            return {"dataset": str(info.get("dataset", "user")), "source": str(info.get("source", ""))}
        except (ValueError, OSError):
            raise DataError("unreadable dataset.json", file=str(meta)) from None
    return {"dataset": "user", "source": ""}


@dataclass
class _Sheet:
    """What every row of one register is read with."""

    file: str
    kind: str
    positions: dict  # column -> (cell index, header text, unit)
    factors: dict
    term_units: dict
    end_of_as_of: pd.Timestamp | None
    as_of: object

    def cell(self, cells, col):
        i = self.positions[col][0] if col in self.positions else None
        return cells[i] if i is not None and i < len(cells) else None


def _record(sheet: _Sheet, row_no: int, cells: list, name: str) -> dict:
    """One debt row, parsed and checked; a DataError names its row and column."""
    rec = {"enterprise": name, "source_file": sheet.file, "source_row": row_no}

    def fail(col, message):
        raise DataError(message, file=sheet.file, row=row_no, column=sheet.positions[col][1])

    for col in ("old_instrument", "new_instrument"):
        if col in sheet.positions:
            text = _norm(sheet.cell(cells, col))
            if text in _MISSING:
                if col in REQUIRED[sheet.kind]:
                    fail(col, "instrument is blank")
                rec[col] = None
                continue
            code = _INSTRUMENT_LOOKUP.get(text)
            if code is None:
                fail(col, f"unknown instrument {normalise_text(sheet.cell(cells, col))!r} "
                          "(信托/融资租赁/非标/银行贷款/债券)")
            rec[col] = code
    text = _norm(sheet.cell(cells, "repayment"))
    code = _REPAYMENT_LOOKUP.get(text)
    if code is None:
        fail("repayment", f"unknown repayment type {normalise_text(sheet.cell(cells, 'repayment') or '')!r} "
                          "(到期一次还本/等额本息/等额本金)")
    rec["repayment"] = code

    for col in ("amount", "penalty", "fees"):
        if col not in sheet.positions:
            rec[f"{col}_wan"] = 0.0 if col != "amount" else float("nan")
            continue
        try:
            value = _parse_number(sheet.cell(cells, col))
        except ValueError:
            fail(col, f"not a number: {normalise_text(sheet.cell(cells, col))!r}")
        if math.isnan(value):
            if col == "amount":
                fail(col, "amount is blank")
            value = 0.0  # a blank fee or penalty cell in a register means none was paid
        if value < 0 or (col == "amount" and value == 0):
            fail(col, f"{'amount' if col == 'amount' else 'cost'} must be positive, got {value:g}")
        rec[f"{col}_wan"] = value * sheet.factors[col]

    for col in ("old_rate", "new_rate"):
        if col not in sheet.positions:
            continue
        try:
            value = parse_rate(sheet.cell(cells, col))
        except ValueError as exc:
            fail(col, str(exc))
        if math.isnan(value) and col in REQUIRED[sheet.kind]:
            fail(col, "rate is blank")
        rec[f"{col}_pct"] = value

    for col in ("old_term", "new_term"):
        if col not in sheet.positions:
            continue
        try:
            value = parse_term(sheet.cell(cells, col), sheet.term_units[col])
        except ValueError as exc:
            fail(col, str(exc))
        if math.isnan(value) and col in REQUIRED[sheet.kind]:
            fail(col, "term is blank")
        rec[f"{col}_m"] = value

    if "swap_date" in sheet.positions:
        try:
            when = parse_date(sheet.cell(cells, "swap_date"))
        except ValueError as exc:
            fail("swap_date", str(exc))
        if pd.isna(when) and "swap_date" in REQUIRED[sheet.kind]:
            fail("swap_date", "swap date is blank")
        if sheet.end_of_as_of is not None and not pd.isna(when) and when > sheet.end_of_as_of:
            fail("swap_date", f"swap dated {when.date()} is after the as-of month "
                              f"{month_str(parse_month(sheet.as_of))}")
        rec["swap_date"] = when

    raw_id = sheet.cell(cells, "loan_id") if "loan_id" in sheet.positions else None
    rec["loan_id"] = normalise_text(raw_id) if _norm(raw_id) not in _MISSING else f"R{row_no}"
    rec["note"] = normalise_text(sheet.cell(cells, "note") or "") if "note" in sheet.positions else ""
    return rec



def _check_totals(frame: pd.DataFrame, total_rows: list, sheet: _Sheet) -> None:
    """合计 rows: checked against the sum of the debts (within rounding), then dropped."""
    for row_no, cells in total_rows:  # 合计: checked against the rows, then dropped
        i = sheet.positions["amount"][0]
        try:
            stated = _parse_number(cells[i] if i < len(cells) else None) * sheet.factors["amount"]
        except ValueError:
            raise DataError("合计 amount is not a number", file=sheet.file, row=row_no,
                            column=sheet.positions["amount"][1]) from None
        total = frame["amount_wan"].sum()
        tolerance = config.ROUNDING_TOLERANCE_WAN * len(frame) * max(sheet.factors["amount"], 1.0)
        if not math.isnan(stated) and abs(stated - total) > tolerance:
            raise DataError(f"合计 {stated:,.2f}万元 differs from the sum of the rows {total:,.2f}万元",
                            file=sheet.file, row=row_no, column=sheet.positions["amount"][1])


def read_register(path: str | Path | None = None, *, as_of=None, kind: str = "register") -> pd.DataFrame:
    """Read, clean and validate a refinancing register (or remaining-debt list).

    Parameters
    ----------
    path : CSV or XLSX file; default :data:`config.REGISTER_FILE` (``kind="register"``) or
        :data:`config.REMAINING_DEBT_FILE` (``kind="remaining"``).
    as_of : ``YYYY-MM``, optional. A swap dated after the end of that month is an error.
    kind : ``"register"`` (swaps done) or ``"remaining"`` (debt not yet refinanced).

    Returns
    -------
    DataFrame, one row per debt: ``loan_id``, ``enterprise``, ``old_instrument`` (code, see
    :data:`INSTRUMENTS`), ``amount_wan``, ``old_rate_pct``, ``old_term_m``, ``repayment`` (code),
    ``penalty_wan``, ``fees_wan`` (blank = none, 0), and for a register ``new_instrument``,
    ``new_rate_pct``, ``swap_date``, ``new_term_m``; lineage ``source_file``, ``source_row``.
    ``attrs``: ``dataset``, ``source``, ``file``, ``quality`` (records; see :func:`quality_table`)
    and ``fees_reported`` (False when the file has neither fee column).
    """
    if kind not in REQUIRED:
        raise ValueError(f"kind must be one of {sorted(REQUIRED)}")
    path = Path(path) if path else (config.REGISTER_FILE if kind == "register" else config.REMAINING_DEBT_FILE)
    if not path.exists():
        raise DataError(f"{'register' if kind == 'register' else 'remaining-debt list'} not found", file=str(path))
    warnings: list[tuple] = []
    rows = _read_rows(path, warnings)
    header_index = _find_header(rows, path)
    file_label = str(path)
    title_unit, _ = title_info([cell for _, cells in rows[:header_index] for cell in cells if cell], "")

    header_row, header_cells = rows[header_index]
    positions: dict[str, tuple[int, str, str]] = {}  # column -> (cell index, header text, unit)
    for i, cell in enumerate(header_cells):
        key, unit = _header_key(cell)
        if key and key not in positions:
            positions[key] = (i, normalise_text(cell), unit)
    missing = [c for c in REQUIRED[kind] if c not in positions]
    if missing:
        names = ", ".join(COLUMNS[c][0] for c in missing)
        raise DataError(f"missing columns: {names}", file=file_label, row=header_row)

    factors = {c: _amount_factor(positions[c][2], title_unit, path, positions[c][1], warnings)
               for c in ("amount", "penalty", "fees") if c in positions}
    term_units = {c: ("年" if "年" in positions[c][2] else "月") for c in ("old_term", "new_term") if c in positions}
    end_of_as_of = None
    if as_of is not None:
        end_of_as_of = parse_month(as_of).to_timestamp(how="end").normalize()

    aliases = load_aliases()  # 全称/简称 → canonical short name, as for the flash reports
    sheet = _Sheet(file_label, kind, positions, factors, term_units, end_of_as_of, as_of)
    records = []
    total_rows = []
    for row_no, cells in rows[header_index + 1:]:
        if all(_norm(c) in _MISSING for c in cells):
            continue
        name = normalise_text(sheet.cell(cells, "enterprise") or "")
        first = normalise_text(next((c for c in cells if _norm(c) not in _MISSING), ""))
        if is_total_name(name) or name.lower() in _TOTAL_NAMES:
            total_rows.append((row_no, cells))
            continue
        if NOTE_RE.match(first) and (not name or name == first):
            continue
        if not name:
            raise DataError("enterprise name is blank", file=file_label, row=row_no, column=positions["enterprise"][1])
        if aliases:
            canonical = aliases.get(name.lower())
            if canonical is None:
                raise DataError(f"unknown enterprise {safe_text(name)!r} (add it to {config.ALIASES_FILE.name})",
                                file=file_label, row=row_no, column=positions["enterprise"][1])
            name = canonical
        records.append(_record(sheet, row_no, cells, name))

    if not records:
        raise DataError("no debt rows below the header", file=file_label, row=header_row)

    columns = ["loan_id", "enterprise", "old_instrument", "amount_wan", "old_rate_pct", "old_term_m",
               "repayment", "penalty_wan", "fees_wan"]
    if kind == "register":
        columns += ["new_instrument", "new_rate_pct", "swap_date", "new_term_m"]
    frame = pd.DataFrame.from_records(records)
    for col in columns:
        if col not in frame:
            frame[col] = np.nan
    frame = frame[columns + ["note", "source_file", "source_row"]]
    frame["loan_id"] = frame["loan_id"].astype(str)
    dup = frame["loan_id"].duplicated(keep=False)
    if dup.any():
        first = frame[dup].iloc[1]
        raise DataError(f"duplicate 序号 {first['loan_id']!r}", file=file_label, row=int(first["source_row"]),
                        column=positions.get("loan_id", (0, "序号"))[1])

    _check_totals(frame, total_rows, sheet)

    meta = dataset_of(path)
    frame.attrs.update(meta, file=file_label, kind=kind,
                       fees_reported=("penalty" in positions or "fees" in positions))
    # records, not a DataFrame: pandas compares attrs when concatenating
    frame.attrs["quality"] = _quality(frame, warnings, positions).to_dict("records")
    return frame


def quality_table(register: pd.DataFrame) -> pd.DataFrame:
    """The register's non-fatal findings: severity, file, row, column, message (empty when none)."""
    return pd.DataFrame(register.attrs.get("quality", []), columns=["severity", "file", "row", "column", "message"])


# plausibility checks live beside the reader; re-exported for the savings code
from .register_checks import (FIVE_YEAR_THRESHOLD_MONTHS, LPR_BAND_ABOVE_PP, LPR_BAND_BELOW_PP,  # noqa: F401
                              _quality, lpr_for_term, lpr_tenor_label)
