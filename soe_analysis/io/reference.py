"""Real public reference series shipped in ``data/raw/reference`` (labelled real, with sources).

- national SOE monthly releases (Ministry of Finance, "1–N月全国国有及国有控股企业经济运行情况"),
  YTD figures in 亿元, 2013–2021, with gaps where nothing was published or found
  (:func:`load_national_soe` reads and checks this layout, for the shipped file or any other);
- China's Loan Prime Rate since the 2019-08-20 reform.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from ..errors import DataError

NATIONAL_SOURCE = "财政部 全国国有及国有控股企业经济运行情况 (Ministry of Finance monthly releases)"
LPR_SOURCE = "全国银行间同业拆借中心 贷款市场报价利率 LPR (as reported; source_url per row)"


def _read(path: Path, required: set[str]) -> pd.DataFrame:
    """A reference file as pandas reads it (used for the LPR table)."""
    if not path.exists():
        raise DataError("reference file not found", file=str(path))
    frame = pd.read_csv(path, encoding="utf-8-sig")
    missing = required - set(frame.columns)
    if missing:
        raise DataError(f"missing columns {sorted(missing)}", file=str(path), row=1)
    return frame


RELEASE_KEYS = ("year", "month_end", "scope")


def is_numeric_column(name: str) -> bool:
    """Value columns of the release layout: amounts ``*_yi`` (亿元) and percentages ``*_pct``."""
    return name.endswith("_yi") or name.endswith("_pct")


def load_national_soe(path: str | Path | None = None, scope: str | None = None) -> pd.DataFrame:
    """Read a file in the layout of the national SOE monthly YTD releases, checking every row.

    The one reader of this layout (the backtest's ``--data FILE`` goes through it too).
    Columns as in the file (year, month_end, scope, revenue_yi, revenue_yoy_pct, profit_yi, …,
    precision, source_url); ``month_end`` 2 is the combined Jan–Feb release. Rows are never
    filled in: gaps stay gaps (NaN). Added: ``source_row`` (the CSV line, header = 1),
    ``dataset`` ("real" for the shipped Ministry of Finance file, "user" for any other file)
    and ``source`` (the publisher, or the user file's name).

    Raises
    ------
    DataError
        One line naming file, row and column: missing file or key column, unreadable CSV,
        a year that is not an integer, a ``month_end`` outside 1–12, a non-numeric value in a
        ``*_yi`` / ``*_pct`` column (``,`` thousands separators are accepted), a duplicated
        (year, month_end, scope), or (with ``scope``) no row of that scope.
    """
    path = Path(path) if path else config.NATIONAL_SOE_FILE
    if not path.exists():
        raise DataError("file not found", file=str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"not a readable CSV ({type(exc).__name__})", file=str(path)) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    for col in RELEASE_KEYS:
        if col not in raw.columns:
            raise DataError("column missing", file=str(path), column=col)
    out = raw.apply(lambda s: s.str.strip())
    lines = pd.Series(range(2, len(raw) + 2), index=raw.index)
    for col in ("year", "month_end", *[c for c in raw.columns if is_numeric_column(c)]):
        text = out[col].str.replace(",", "", regex=False)
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = values.isna() & (text != "")
        if col in ("year", "month_end"):
            bad |= values.isna() | (values != values.round())
            if col == "month_end":
                bad |= ~values.between(1, 12)
        if bad.any():
            i = bad.idxmax()
            what = {"year": "year must be an integer", "month_end": "month_end must be 1–12"}.get(
                col, "not a number")
            raise DataError(f"{what}, got {raw.at[i, col]!r}", file=str(path), row=int(lines[i]),
                            column=col)
        out[col] = values.astype(int) if col in ("year", "month_end") else values.astype(float)
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].where(out[col] != "")  # an empty text cell is missing, as read_csv has it
    dup = out.duplicated(list(RELEASE_KEYS), keep="first")
    if dup.any():
        i = dup.idxmax()
        r = out.loc[i]
        raise DataError(f"duplicate row for {r['year']}-{r['month_end']:02d} scope {r['scope']}",
                        file=str(path), row=int(lines[i]), column="month_end")
    out["source_row"] = lines
    shipped = path.resolve() == config.NATIONAL_SOE_FILE.resolve()
    out["dataset"] = "real" if shipped else "user"
    out["source"] = NATIONAL_SOURCE if shipped else f"user file {path.name}"
    if scope is not None:
        present = sorted(set(out["scope"].dropna()))
        out = out[out["scope"] == scope]
        if out.empty:
            raise DataError(f"no rows with scope {scope!r} (scopes: {', '.join(present)})",
                            file=str(path), column="scope")
    out.attrs["file"] = str(path)
    return out.reset_index(drop=True)


def load_lpr(path: str | Path | None = None) -> pd.DataFrame:
    """LPR changes: effective_date (datetime), lpr_1y_pct, lpr_5y_pct, source_url; dataset = "real"."""
    frame = _read(Path(path) if path else config.LPR_FILE, {"effective_date", "lpr_1y_pct", "lpr_5y_pct"})
    frame["effective_date"] = pd.to_datetime(frame["effective_date"])
    return frame.sort_values("effective_date").assign(dataset="real", source=LPR_SOURCE).reset_index(drop=True)


def lpr_on(dates, tenor: str = "1y", lpr: pd.DataFrame | None = None) -> pd.Series:
    """The LPR (percent) in force on each date: the last change on or before it (NaN before 2019-08-20)."""
    lpr = load_lpr() if lpr is None else lpr
    column = {"1y": "lpr_1y_pct", "5y": "lpr_5y_pct"}[tenor]
    when = pd.to_datetime(pd.Series(dates)).reset_index(drop=True)
    order = when.sort_values()
    merged = pd.merge_asof(order.to_frame("date"), lpr[["effective_date", column]],
                           left_on="date", right_on="effective_date", direction="backward")
    return pd.Series(merged[column].to_numpy(), index=order.index).sort_index()
