"""The canonical panel from cleaned records: sorted by enterprise and month, the combined 1–2月
release split, monthly flows from year-to-date figures.

Split rule for the combined 1–2月 release: when an enterprise's first report of a year is
February (1–2月) with no January report, each flow's 1–2月 YTD is split equally between January
and February; January gets YTD = half, stocks missing; both rows carry ``jan_feb_combined``.
A gap between two reported months leaves the later month's monthly flow missing (NaN): the
YTD difference spans several months and is not guessed apart.

Text is handled as integer codes (sorting and taking 100,000s of strings costs more) and the
figures are sorted straight into one block of floats, which the frame keeps as it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import FLOWS, LINES, STOCKS, monthly, panel_columns, reported_column, ytd


def build_panel(records: pd.DataFrame, dataset: pd.Series | str = "user") -> pd.DataFrame:
    """Canonical panel from enterprise records (totals already removed, duplicates resolved).

    ``records`` has enterprise, year, month, the line columns (flows YTD, stocks levels, 亿元),
    source_file and source_row.
    """
    if records.empty:
        return pd.DataFrame(columns=panel_columns())
    # text as integer codes: sorting and taking 100,000s of strings costs more; Arrow-backed text
    # columns are factorised in Arrow, never turned into Python objects
    datasets, dataset_names = ((np.zeros(len(records), dtype=np.intp), [dataset]) if isinstance(dataset, str)
                               else pd.factorize(dataset))
    rec, datasets, jan_feb, (codes, names, order) = _with_january_split(records, np.asarray(datasets))
    codes = codes[order]
    year, month = rec["year"].to_numpy(dtype=int)[order], rec["month"].to_numpy(dtype=int)[order]
    files, file_names = pd.factorize(rec["source_file"])
    same_group = np.zeros(len(rec), dtype=bool)
    same_group[1:] = (codes[1:] == codes[:-1]) & (year[1:] == year[:-1])
    consecutive = same_group.copy()
    consecutive[1:] &= month[1:] == month[:-1] + 1
    first_of_year = ~same_group & (month == 1)  # never consecutive: its monthly value is its YTD
    starts, gaps = np.flatnonzero(first_of_year), np.flatnonzero(~consecutive & ~first_of_year)
    reported = {reported_column(_reported_line(name), "month" if name.endswith("_m_reported") else "prior"): name
                for name in reported_columns(rec)}  # reported 上年同期 / 本月数, only where some file carried them
    figures = [c for c in panel_columns() if c not in _PANEL_NON_FIGURES] + list(reported)
    # the figures sorted straight into one block of floats, which the frame keeps as it is
    block = np.empty((len(figures), len(rec)))
    row = {name: j for j, name in enumerate(figures)}
    for line in LINES:
        name = line.name
        values = rec[name].to_numpy(dtype=float)
        if line.kind == "flow":
            current = np.take(values, order, out=block[row[ytd(name)]])
            # this month = YTD − last month's YTD, in place (the first row is a start or a gap);
            # a combined 1–2月 block needs no special case: its January row holds half the YTD
            month_values = block[row[monthly(name)]]
            np.subtract(current[1:], current[:-1], out=month_values[1:])
            month_values[gaps] = np.nan
            month_values[starts] = current[starts]
        else:
            np.take(values, order, out=block[row[name]])
    for column, name in reported.items():
        np.take(rec[name].to_numpy(dtype=float), order, out=block[row[column]])
    head = pd.DataFrame({"enterprise": text_column(names, codes), "period": _period_labels(year, month),
                         "year": year, "month": month})
    tail = pd.DataFrame({"jan_feb_combined": jan_feb[order],
                         "dataset": text_column(dataset_names, datasets[order]),
                         "source_file": text_column(file_names, files[order]),
                         "source_row": rec["source_row"].to_numpy(dtype="int64")[order]})
    main = len(figures) - len(reported)  # the panel's own figures, then the reported ones after the lineage
    return pd.concat([head, pd.DataFrame(block[:main].T, columns=figures[:main], copy=False), tail,
                      pd.DataFrame(block[main:].T, columns=figures[main:], copy=False)], axis=1)


_PANEL_NON_FIGURES = frozenset({"enterprise", "period", "year", "month", "jan_feb_combined", "dataset",
                                "source_file", "source_row"})


def _reported_line(name: str) -> str:
    """The line of a reported-figure record column (``revenue_prior_reported`` → revenue)."""
    return name.rsplit("_", 2)[0] if name.endswith("_m_reported") else name[:-len("_prior_reported")]


def _with_january_split(records: pd.DataFrame, datasets: np.ndarray):
    """(records, dataset codes, jan_feb_combined flags, :func:`_sort_keys` of the records) with a
    January row added for each combined 1–2月 release: February is the first month of that
    enterprise-year. January holds half of each flow's YTD, no stocks, no reported figures."""
    keys = codes, _, order = _sort_keys(records)
    code, year, month = codes[order], records["year"].to_numpy()[order], records["month"].to_numpy()[order]
    starts = np.ones(len(records), dtype=bool)
    starts[1:] = (code[1:] != code[:-1]) | (year[1:] != year[:-1])
    first_month = month[starts][np.cumsum(starts) - 1]
    combined = np.sort(order[(month == 2) & (first_month == 2)])  # record positions, in record order
    flags = np.zeros(len(records), dtype=bool)
    if not len(combined):
        return records, datasets, flags, keys
    flags[combined] = True
    jan = records.iloc[combined].copy()
    jan["month"] = 1
    for name in STOCKS:
        jan[name] = np.nan
    for name in FLOWS:
        jan[name] = jan[name] / 2.0
    for name in reported_columns(records):
        jan[name] = np.nan  # a reported 1–2月 figure is not January's
    records = pd.concat([records, jan], ignore_index=True)
    return (records, np.concatenate([datasets, datasets[combined]]),
            np.concatenate([flags, np.ones(len(jan), dtype=bool)]), _sort_keys(records))


def _sort_keys(records: pd.DataFrame) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """(enterprise code per record, names in string order, row order by enterprise, year, month)."""
    codes, names = pd.factorize(records["enterprise"], sort=True)
    return codes, names, np.lexsort((records["month"].to_numpy(), records["year"].to_numpy(), codes))  # stable


def text_column(distinct, codes: np.ndarray) -> pd.Series:
    """A text column from distinct values and a code per row, built in Arrow (pandas' str dtype)."""
    return pd.Series(pd.array(np.asarray(distinct, dtype=object), dtype="str").take(codes))


def _period_labels(years: np.ndarray, months: np.ndarray) -> pd.Series:
    """"YYYY-MM" for each row, formatted once per distinct month (a panel holds few of them)."""
    codes, distinct = pd.factorize(years * 100 + months)
    labels = pd.array([f"{k // 100}-{k % 100:02d}" for k in distinct], dtype="str")
    return pd.Series(labels.take(codes))


def reported_columns(records: pd.DataFrame) -> list[str]:
    """Record columns holding reported prior-year or monthly figures that carry any value."""
    return [c for c in records.columns if c.endswith(("_prior_reported", "_m_reported")) and records[c].notna().any()]
