"""From raw text cells to the canonical monthly panel.

Steps: parse numbers (full-width digits, separators, ``(1.2)`` negatives, dashes for missing),
convert units to 亿元, resolve enterprise aliases, parse periods, split total (合计) rows off, and
finally turn YTD flows into monthly values.

Split rule for the combined 1–2月 release: when an enterprise's first report of a year is
February (1–2月) with no January report, each flow's 1–2月 YTD is split equally between January
and February; January gets YTD = half, stocks missing; both rows carry ``jan_feb_combined``.
A gap between two reported months leaves the later month's monthly flow missing (NaN): the
YTD difference spans several months and is not guessed apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import DataError
from ..metrics import WAN_PER_YI
from ..periods import normalise_text, parse_report_period
from .reading import MISSING_TOKENS, RawTable
from ..schema import FLOWS, LINE_BY_NAME, LINES, STOCKS, TOTAL_ROW_NAMES, monthly, panel_columns, ytd

_PAREN_RE = re.compile(r"^\((.*)\)$")
_TOTAL_KEYS = frozenset(normalise_text(t).lower() for t in TOTAL_ROW_NAMES)


def parse_block(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Parse a block of text cells at once: (float values, bad-cell mask), same rules as
    :func:`parse_numbers`. Clean blocks (plain numbers and blanks) take one C-level conversion."""
    block = cells.to_numpy(dtype=object)
    try:
        values = np.where(block == "", "nan", block).astype(float)
        if np.isfinite(values[~np.isnan(values)]).all():
            return values, np.zeros(block.shape, dtype=bool)
    except (ValueError, TypeError):
        pass
    values = np.empty(block.shape, dtype=float)
    bad = np.zeros(block.shape, dtype=bool)
    for j, name in enumerate(cells.columns):
        column_values, column_bad = parse_numbers(cells[name])
        values[:, j], bad[:, j] = column_values.to_numpy(), column_bad.to_numpy()
    return values, bad


def parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse text cells to floats. Returns (values, bad) where ``bad`` marks unparseable text.

    Missing markers (blank, ``—``, ``-``, ``/``) give NaN and are not bad.
    """
    text = cells.astype("string").fillna("")
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    todo = values.isna() & (text != "")
    if todo.any():  # slow path only for the cells that need cleaning
        t = text[todo].str.normalize("NFKC").str.strip()
        t = t.str.replace(r"[\s,，'_]", "", regex=True).str.replace("−", "-", regex=False)
        is_missing = t.str.lower().isin(MISSING_TOKENS)
        t = t.str.replace(_PAREN_RE, r"-\1", regex=True)
        parsed = pd.to_numeric(t.where(~is_missing), errors="coerce")
        values.loc[todo] = parsed
        bad = pd.Series(False, index=cells.index)
        bad.loc[todo] = parsed.isna() & ~is_missing
    else:
        bad = pd.Series(False, index=cells.index)
    infinite = np.isinf(values.to_numpy(dtype=float))
    if infinite.any():  # "inf" parses as a float but is no figure
        values[infinite] = np.nan
        bad[infinite] = True
    return values.astype(float), bad


def parse_number(text) -> float:
    """One cell, same rules as :func:`parse_numbers`; raises ValueError for text that is not a number."""
    values, bad = parse_numbers(pd.Series([text], dtype=object))
    if bad.iloc[0]:
        raise ValueError(f"not a number: {text!r}")
    return float(values.iloc[0])


def load_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Alias → canonical enterprise name, keys normalised (NFKC, no spaces, lower case)."""
    path = Path(path) if path else config.ALIASES_FILE
    if not path.exists():
        return {}
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:
        raise DataError(f"cannot read the alias file ({type(exc).__name__})", file=str(path)) from None
    if not {"alias", "enterprise"} <= set(table.columns):
        raise DataError("alias file needs the columns alias,enterprise", file=str(path), row=1)
    mapping: dict[str, str] = {}
    for i, (alias, name) in enumerate(zip(table["alias"], table["enterprise"]), start=2):
        if not name.strip():
            raise DataError("empty enterprise name", file=str(path), row=i, column="enterprise")
        mapping[normalise_text(alias).lower()] = name.strip()
        mapping.setdefault(normalise_text(name).lower(), name.strip())
    return mapping


def is_total_name(name: str) -> bool:
    return normalise_text(name).lower() in _TOTAL_KEYS


def table_records(table: RawTable, aliases: dict[str, str], issues) -> pd.DataFrame:
    """Turn one raw table into records in 亿元 (one row per enterprise × period, totals flagged).

    ``issues`` is a :class:`soe_analysis.io.validation.IssueLog`; row-level problems are logged there
    and the offending rows are dropped from the result.
    """
    by_canonical = {canon: label for label, canon in table.columns.items()}
    file = table.file
    n = len(table.cells)
    rows = np.asarray(table.rows, dtype=int)
    for label in table.ignored_columns:
        issues.warning(file, None, label, "column not recognised; ignored")
    for label, canon in table.duplicate_columns:
        issues.error(file, None, label, f"second column for {LINE_BY_NAME.get(canon, canon).zh if canon in LINE_BY_NAME else canon}")
    if "enterprise" not in by_canonical:
        issues.error(file, None, None, "no enterprise column")
        return pd.DataFrame()
    out = pd.DataFrame(index=range(n))
    out["source_file"] = file
    out["source_row"] = rows
    keep = np.ones(n, dtype=bool)

    # enterprise names
    label = by_canonical["enterprise"]
    raw_names = [str(v).strip() if v is not None else "" for v in table.cells[label].tolist()]
    total_of = {name: is_total_name(name) for name in set(raw_names)}
    totals = [total_of[v] for v in raw_names]
    resolved = {name: aliases.get(normalise_text(name).lower()) if aliases else name for name in total_of}
    out["is_total"] = totals
    names = []
    for i, raw in enumerate(raw_names):
        if totals[i]:
            names.append("合计")
            continue
        if not raw:
            issues.error(file, rows[i], label, "enterprise name is empty")
            keep[i] = False
            names.append("")
            continue
        canonical = resolved[raw]
        if canonical is None:
            issues.error(file, rows[i], label, f"unknown enterprise {raw!r} (add it to data/raw/enterprise_aliases.csv)")
            keep[i] = False
            names.append(raw)
        else:
            names.append(canonical)
    out["enterprise"] = names

    # periods
    years = np.zeros(n, dtype=int)
    months = np.zeros(n, dtype=int)
    if "period" in by_canonical:
        plabel = by_canonical["period"]
        texts = table.cells[plabel].fillna("").astype(str)
        cache: dict[str, tuple[int, int, int] | None] = {}
        for i, text in enumerate(texts):
            value = text.strip() or table.title_period
            if value not in cache:
                try:
                    cache[value] = parse_report_period(value) if value else None
                except ValueError:
                    cache[value] = None
            parsed = cache[value]
            if parsed is None:
                issues.error(file, rows[i], plabel, f"not a report period: {text!r}" if text.strip() else "period is empty")
                keep[i] = False
                continue
            year, first, month = parsed
            if first != 1:
                issues.error(file, rows[i], plabel, f"period {text!r} does not start in January; flash-report flows are year-to-date")
                keep[i] = False
                continue
            years[i], months[i] = year, month
    elif table.title_period:
        try:
            year, first, month = parse_report_period(table.title_period)
            years[:], months[:] = year, month
        except ValueError:
            issues.error(file, None, None, f"no period column and the title's period {table.title_period!r} is unclear")
            return pd.DataFrame()
    else:
        issues.error(file, None, None, "no period column (报告期), and no period in a title line or the file name")
        return pd.DataFrame()
    out["year"], out["month"] = years, months

    # amounts
    default_unit = table.unit
    if default_unit is None and any(canon in LINE_BY_NAME and LINE_BY_NAME[canon].unit == "amount"
                                    and lbl not in table.column_units for lbl, canon in table.columns.items()):
        issues.warning(file, None, None, "no unit stated (单位：…); assumed 万元")
    present = [line for line in LINES if line.name in by_canonical]
    labels = [by_canonical[line.name] for line in present]
    if table.numbers is not None:
        values, bad = table.numbers[labels].to_numpy(dtype=float), np.zeros((n, len(labels)), dtype=bool)
    elif labels:
        values, bad = parse_block(table.cells[labels])
    else:
        values, bad = np.empty((n, 0)), np.empty((n, 0), dtype=bool)
    for i, j in zip(*np.nonzero(bad)):
        issues.error(file, rows[i], labels[j], f"not a number: {table.cells[labels[j]].iloc[i]!r}")
        keep[i] = False
    amounts = {}
    for j, line in enumerate(present):
        column = values[:, j]
        if line.unit == "amount":
            unit = table.column_units.get(labels[j]) or default_unit or "万元"
            column = column / {"元": 1e4 * WAN_PER_YI, "万元": WAN_PER_YI, "亿元": 1.0}[unit]
        amounts[line.name] = column
    lines = pd.DataFrame({line.name: amounts.get(line.name, np.full(n, np.nan)) for line in LINES})
    out = pd.concat([out, lines], axis=1)
    return out[keep].reset_index(drop=True)


def build_panel(records: pd.DataFrame, dataset: pd.Series | str = "user") -> pd.DataFrame:
    """Canonical panel from enterprise records (totals already removed, duplicates resolved).

    ``records`` has enterprise, year, month, the line columns (flows YTD, stocks levels, 亿元),
    source_file and source_row.
    """
    if records.empty:
        return pd.DataFrame(columns=panel_columns())
    rec = records.copy()
    rec["dataset"] = dataset if isinstance(dataset, str) else dataset.to_numpy()
    rec = rec.sort_values(["enterprise", "year", "month"], kind="stable").reset_index(drop=True)
    rec["jan_feb_combined"] = False

    # combined 1–2月 release: February is the first month of that enterprise-year, no January
    first_month = rec.groupby(["enterprise", "year"])["month"].transform("min")
    combined = (rec["month"] == 2) & (first_month == 2)
    if combined.any():
        jan = rec[combined].copy()
        jan["month"] = 1
        for name in STOCKS:
            jan[name] = np.nan
        for name in FLOWS:
            jan[name] = jan[name] / 2.0
        jan["jan_feb_combined"] = True
        rec.loc[combined, "jan_feb_combined"] = True
        rec = pd.concat([rec, jan], ignore_index=True)
        rec = rec.sort_values(["enterprise", "year", "month"], kind="stable").reset_index(drop=True)

    panel = pd.DataFrame({
        "enterprise": rec["enterprise"].astype(str),
        "period": rec["year"].astype(str) + "-" + rec["month"].astype(int).map("{:02d}".format),
        "year": rec["year"].astype(int),
        "month": rec["month"].astype(int),
    })
    same_group = (rec["enterprise"].eq(rec["enterprise"].shift())) & (rec["year"].eq(rec["year"].shift()))
    consecutive = same_group & rec["month"].eq(rec["month"].shift() + 1)
    for line in LINES:
        name = line.name
        if line.kind == "flow":
            values = rec[name]
            previous = values.shift()
            month_value = np.where(consecutive, values - previous,
                                   np.where(~same_group & (rec["month"] == 1), values, np.nan))
            # (a combined 1–2月 block needs no special case: its January row holds half the YTD)
            panel[ytd(name)] = values.to_numpy(dtype=float)
            panel[monthly(name)] = np.asarray(month_value, dtype=float)
        else:
            panel[name] = rec[name].to_numpy(dtype=float)
    panel["jan_feb_combined"] = rec["jan_feb_combined"].to_numpy(dtype=bool)
    panel["dataset"] = rec["dataset"].astype(str).to_numpy()
    panel["source_file"] = rec["source_file"].astype(str).to_numpy()
    panel["source_row"] = rec["source_row"].astype("int64").to_numpy()
    return panel[panel_columns()]
