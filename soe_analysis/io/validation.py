"""Data-quality checks and the data-quality table (severity, file, row, column, message).

Errors stop an ingest; warnings are kept in ``data/processed/data_quality.csv`` and shown in the
reports. Tolerances follow flash-report practice: each account is rounded to 1 万元 separately, so
an identity of k lines may miss by up to k 万元.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ..metrics import WAN_PER_YI
from ..schema import FLOWS, LINE_BY_NAME, LINES, reported_column, ytd
from .core import safe_text

WAN = 1 / WAN_PER_YI  # one 万元 in 亿元
UNIT_FACTOR_THRESHOLD = 1000.0  # a ratio this far from an enterprise's own median is a unit slip
QUALITY_COLUMNS = ["severity", "file", "row", "column", "message"]


class IssueLog:
    """Collects data-quality findings."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, severity, file, row, column, message):
        self.rows.append({"severity": severity, "file": file, "row": None if row is None else int(row),
                          "column": column, "message": message})

    def error(self, file, row, column, message):
        self.add("error", file, row, column, message)

    def warning(self, file, row, column, message):
        self.add("warning", file, row, column, message)

    @property
    def n_errors(self) -> int:
        return sum(1 for r in self.rows if r["severity"] == "error")

    @property
    def n_warnings(self) -> int:
        return sum(1 for r in self.rows if r["severity"] == "warning")

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=QUALITY_COLUMNS)
        if frame.empty:
            return frame
        frame["row"] = frame["row"].astype("Int64")
        order = frame["severity"].map({"error": 0, "warning": 1}).fillna(2)
        return frame.assign(_o=order).sort_values(["_o", "file", "row"], kind="stable").drop(columns="_o").reset_index(drop=True)


def wan(value: float) -> str:
    """An amount in 亿元 shown in 万元, the unit analysts file in."""
    return f"{value * WAN_PER_YI:,.0f}万元"


def _label(records: pd.DataFrame, column: str) -> str:
    line = LINE_BY_NAME.get(column)
    return line.zh if line else column


def check_totals(records: pd.DataFrame, issues: IssueLog) -> pd.DataFrame:
    """Check each 合计 row against the sum of the enterprises in the same file and period; drop it."""
    flags = records["is_total"].to_numpy(dtype=bool) if not records.empty else np.zeros(0, dtype=bool)
    if not flags.any():
        return records
    lines = [ln.name for ln in LINES]
    key = ["source_file", "year", "month"]
    first = int(np.argmax(flags))
    # also the result; records_frame puts the 合计 rows last, so this is a slice, not a copy of every column
    enterprises = records.iloc[:first] if flags[first:].all() else records[~flags]
    totals = records[records["is_total"]].set_index(key)
    sums = enterprises.groupby(key)[lines].sum(min_count=1).reindex(totals.index)
    counts = enterprises.groupby(key).size().reindex(totals.index).fillna(0).to_numpy()
    unit = np.array([1.0 if LINE_BY_NAME[c].unit == "persons" else WAN for c in lines])
    expected, stated = sums.to_numpy(dtype=float), totals[lines].to_numpy(dtype=float)
    tolerance = counts[:, None] * unit[None, :] + 1e-9 * np.maximum(1.0, np.abs(expected))
    with np.errstate(invalid="ignore"):
        off = np.abs(stated - expected) > tolerance  # NaN on either side → not compared
    source_rows = totals["source_row"].to_numpy()
    for i in np.flatnonzero(counts == 0):
        issues.warning(totals.index[i][0], source_rows[i], "合计", "total row without enterprise rows for its period")
    for i, j in zip(*np.nonzero(off)):
        is_amount = unit[j] == WAN
        issues.error(totals.index[i][0], source_rows[i], _label(records, lines[j]),
                     f"total row {wan(stated[i, j]) if is_amount else stated[i, j]:} ≠ sum of {int(counts[i])} enterprises "
                     f"{wan(expected[i, j]) if is_amount else expected[i, j]}")
    return enterprises


def check_duplicates(records: pd.DataFrame, issues: IssueLog) -> pd.DataFrame:
    """Same enterprise and period twice: identical → warning, keep the first; different → error."""
    key = ["enterprise", "year", "month"]
    dup = records.duplicated(key, keep=False)
    if not dup.any():
        return records
    values = [ln.name for ln in LINES]
    drop = []
    for _, group in records[dup].groupby(key, sort=False):
        first = group.iloc[0]
        for index, other in group.iloc[1:].iterrows():
            same = all((pd.isna(first[c]) and pd.isna(other[c])) or first[c] == other[c] for c in values)
            where = f"{first['source_file']} row {first['source_row']}"
            period = f"{int(first['year'])}-{int(first['month']):02d}"
            if same:
                issues.warning(other["source_file"], other["source_row"], "企业名称",
                               f"duplicate of {where} ({first['enterprise']}, {period}), identical; ignored")
            else:
                issues.error(other["source_file"], other["source_row"], "企业名称",
                             f"duplicate {first['enterprise']} {period}: also at {where} with different figures")
            drop.append(index)
    return records.drop(index=drop)


def check_rows(records: pd.DataFrame, issues: IssueLog, today: _dt.date | None = None) -> None:
    """Row-level checks: future period, negative levels, balance-sheet identity, negative YTD."""
    if records.empty:
        return
    today = today or _dt.date.today()
    now_key = today.year * 100 + today.month
    future = records["year"] * 100 + records["month"] > now_key
    for _, r in _flagged(records, future):
        issues.error(r["source_file"], r["source_row"], "报告期",
                     f"period {int(r['year'])}-{int(r['month']):02d} is in the future")
    for name in ("total_assets", "total_liabilities", "interest_bearing_debt", "employees"):
        for _, r in _flagged(records, records[name] < 0):
            issues.error(r["source_file"], r["source_row"], _label(records, name), f"negative {LINE_BY_NAME[name].zh} {wan(r[name]) if name != 'employees' else r[name]}")
    for _, r in _flagged(records, records["equity"] < 0):
        issues.warning(r["source_file"], r["source_row"], "所有者权益", f"negative equity {wan(r['equity'])} (insolvent?)")
    gap = records["total_assets"] - records["total_liabilities"] - records["equity"]
    bad = gap.abs() > 2 * WAN + 1e-9 * records["total_assets"].abs()
    for _, r in _flagged(records, bad):
        issues.error(r["source_file"], r["source_row"], "资产总额",
                     f"assets {wan(r['total_assets'])} ≠ liabilities {wan(r['total_liabilities'])} + equity "
                     f"{wan(r['equity'])} (off by {wan(r['total_assets'] - r['total_liabilities'] - r['equity'])})")
    for name in FLOWS:
        if not LINE_BY_NAME[name].nonneg:
            continue
        for _, r in _flagged(records, records[name] < -WAN):
            issues.warning(r["source_file"], r["source_row"], _label(records, name),
                           f"negative year-to-date {LINE_BY_NAME[name].zh} {wan(r[name])}")


def _flagged(frame: pd.DataFrame, mask: pd.Series):
    """The rows where ``mask`` holds (NaN: no), as ``iterrows``; nothing selected when none does
    (selecting from a 100,000-row frame costs even when the selection is empty)."""
    flags = mask.to_numpy(dtype=bool, na_value=False)
    return frame[flags].iterrows() if flags.any() else iter(())


def check_unit_slips(records: pd.DataFrame, issues: IssueLog, history: pd.DataFrame | None = None) -> None:
    """A figure ~10,000× (or 1/10,000) off the enterprise's own median: a 元/万元/亿元 mix-up.

    YTD flows are compared per month elapsed, so seasonality does not trigger it. ``history`` (an
    earlier panel's records) gives context when few rows are checked.
    """
    if records.empty:
        return
    lines = ["total_assets", "total_liabilities", "equity", "revenue"]
    frame = records[["enterprise", "month", *lines, "source_file", "source_row"]].copy()
    frame["_new"] = True
    if history is not None and not history.empty:
        hist = history.rename(columns={"revenue_ytd": "revenue"})
        hist = hist[hist["enterprise"].isin(frame["enterprise"].unique())]
        hist = hist[["enterprise", "month", *lines]].assign(_new=False, source_file="", source_row=0)
        frame = pd.concat([frame, hist], ignore_index=True)
    frame["revenue"] = frame["revenue"] / frame["month"]
    positive = frame[lines].where(frame[lines] > 0)
    ratios = positive / positive.groupby(frame["enterprise"]).transform("median")  # one pass for every line
    new = frame["_new"].to_numpy(dtype=bool)
    for name in lines:
        ratio = ratios[name]
        slip = ((ratio > UNIT_FACTOR_THRESHOLD) | (ratio < 1 / UNIT_FACTOR_THRESHOLD)).to_numpy() & new
        for index in np.flatnonzero(slip):
            r = frame.iloc[index]
            issues.error(r["source_file"], r["source_row"], LINE_BY_NAME[name].zh,
                         f"{r['enterprise']}: figure is {ratio.iloc[index]:,.0f}× its usual size: "
                         f"wrong unit (元/万元/亿元, ×10,000)?")


def check_months(records: pd.DataFrame, issues: IssueLog) -> None:
    """Gaps: a month missing between two reported months, or an enterprise that stopped reporting."""
    if records.empty:
        return
    index = records["year"] * 12 + records["month"] - 1
    last_overall = index.max()
    # only enterprises with a gap or an early last report need the detailed (slow) look
    codes, distinct = pd.factorize(records["enterprise"])  # sorting integers, not 100,000s of strings
    order = np.lexsort((index.to_numpy(), codes))
    codes, months = codes[order], index.to_numpy()[order]
    names = np.asarray(distinct, dtype=object)[codes]
    same = codes[1:] == codes[:-1]
    step = np.diff(months)
    combined_jan = (months[1:] % 12 == 1) & (step == 2) & (months[:-1] % 12 == 11)  # Dec → Feb (1–2月)
    gap = same & (step > 1) & ~combined_jan
    ends = np.append(~same, True)
    suspects = set(names[1:][gap]) | set(names[ends & (months < last_overall)])
    if not suspects:
        return
    records = records[records["enterprise"].isin(suspects)]
    index = index[records.index]
    for name, group in records.assign(_i=index).groupby("enterprise"):
        present = set(group["_i"])
        years_with_feb = {i // 12 for i in present if i % 12 == 1}
        missing = [i for i in range(min(present), max(present) + 1)
                   if i not in present and not (i % 12 == 0 and i // 12 in years_with_feb)]
        if missing:
            shown = ", ".join(f"{i // 12}-{i % 12 + 1:02d}" for i in missing[:6]) + (" …" if len(missing) > 6 else "")
            first = group.loc[group["_i"] > missing[0]].iloc[0]
            issues.warning(first["source_file"], first["source_row"], "报告期",
                           f"{name}: {len(missing)} month(s) missing ({shown}); the monthly flow after a gap is left missing")
        if max(present) < last_overall:
            last = group.loc[group["_i"].idxmax()]
            issues.warning(last["source_file"], last["source_row"], "报告期",
                           f"{name}: last report is {int(last['year'])}-{int(last['month']):02d}, "
                           f"others report up to {last_overall // 12}-{last_overall % 12 + 1:02d}")


def check_panel_flows(panel: pd.DataFrame, issues: IssueLog) -> None:
    """YTD falling for a non-negative flow (a negative monthly value beyond rounding)."""
    for name in FLOWS:
        if not LINE_BY_NAME[name].nonneg:
            continue
        for _, r in _flagged(panel, panel[f"{name}_m"] < -2 * WAN):
            issues.warning(r["source_file"], r["source_row"], LINE_BY_NAME[name].zh,
                           f"{r['enterprise']} {r['period']}: year-to-date {LINE_BY_NAME[name].zh} fell by "
                           f"{wan(-r[f'{name}_m'])} from the month before")


def check_reported(panel: pd.DataFrame, issues: IssueLog) -> None:
    """Reported figures against the panel's own: a form's 本月数 against the difference of its
    year-to-date figures, and a reported 上年同期 against last year's own report (a restatement
    or a scope change: the reported figure is kept as the comparable basis, with a warning)."""
    if not any(column.endswith("_reported") for column in panel.columns):
        return  # a wide table carries none: no keys to build
    key = panel["enterprise"] + "|" + (panel["year"] * 100 + panel["month"]).astype(str)
    year_before = panel["enterprise"] + "|" + ((panel["year"] - 1) * 100 + panel["month"]).astype(str)
    for line in LINES:
        month_col = reported_column(line.name, "month") if line.kind == "flow" else None
        if month_col in panel:
            gap = (panel[month_col] - panel[f"{line.name}_m"]).abs() > 2 * WAN + 1e-9
            for _, r in _flagged(panel, gap):
                issues.warning(r["source_file"], r["source_row"], line.zh,
                               f"{r['enterprise']} {r['period']}: 本月数 {wan(r[month_col])} ≠ year-to-date "
                               f"difference {wan(r[f'{line.name}_m'])}")
        prior_col = reported_column(line.name, "prior")
        if prior_col not in panel:
            continue
        value_col = ytd(line.name) if line.kind == "flow" else line.name
        own = pd.Series(panel[value_col].to_numpy(), index=key).groupby(level=0).first()
        last_year = year_before.map(own)
        differs = (panel[prior_col] - last_year).abs() > WAN + 1e-9 * panel[prior_col].abs()
        for index in np.flatnonzero(differs.fillna(False).to_numpy()):
            r = panel.iloc[index]
            issues.warning(r["source_file"], r["source_row"], line.zh,
                           f"{r['enterprise']} {r['period']}: reported 上年同期 {line.zh} {wan(r[prior_col])} ≠ "
                           f"last year's own report {wan(last_year.iloc[index])} (restatement or scope change?); "
                           "year-on-year uses the reported figure")


def format_quality(table: pd.DataFrame, limit: int = 30) -> str:
    """The data-quality table as plain text lines, errors first, at most ``limit`` rows."""
    if table.empty:
        return "data quality: no findings"
    lines = []
    for r in table.head(limit).itertuples():
        where = ", ".join(x for x in (safe_text(r.file), f"row {r.row}" if pd.notna(r.row) else "",
                                      f"column {safe_text(r.column)}" if isinstance(r.column, str) and r.column else "") if x)
        lines.append(f"{r.severity:7s} {where}: {safe_text(r.message)}")
    if len(table) > limit:
        lines.append(f"… and {len(table) - limit} more (raise --limit to list them)")
    return "\n".join(lines)


def load_quality(path=None) -> pd.DataFrame:
    """The data-quality table written by the last ingest (empty if none)."""
    from pathlib import Path

    from .. import config

    path = Path(path) if path else config.QUALITY_FILE
    if not path.exists():
        return pd.DataFrame(columns=QUALITY_COLUMNS)
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"row": "Int64"})


def identity_residuals(panel: pd.DataFrame) -> pd.DataFrame:
    """Per row, the gaps of the accounting identities the reports should satisfy (亿元)."""
    out = panel[["enterprise", "period"]].copy()
    out["assets_minus_liab_equity"] = panel["total_assets"] - panel["total_liabilities"] - panel["equity"]
    cost_lines = ["operating_cost", "taxes_surcharges", "selling_expense", "admin_expense", "rnd_expense", "finance_expense"]
    out["total_cost_minus_lines"] = panel["total_cost_ytd"] - panel[[f"{c}_ytd" for c in cost_lines]].sum(axis=1, min_count=len(cost_lines))
    out["profit_minus_components"] = panel["total_profit_ytd"] - (
        panel["revenue_ytd"] - panel["total_cost_ytd"] + panel["other_income_ytd"] + panel["investment_income_ytd"]
        + panel["non_operating_income_ytd"] - panel["non_operating_expense_ytd"])
    return out
