"""From raw text cells to the canonical monthly panel.

Steps: parse numbers (full-width digits, separators, ``(1.2)`` negatives, dashes for missing),
convert units to 亿元, resolve enterprise aliases, parse periods, flag total (合计) rows,
and frame the records; :mod:`soe_analysis.io.panel_build` then turns them into the panel.
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
from ..errors import UsageError
from .core import MISSING_TOKENS, is_total_name, name_key, safe_text
from .panel_build import text_column
from .reading import RawTable
from ..schema import LINE_BY_NAME, LINES

_PAREN_RE = re.compile(r"^\((.*)\)$")
_SEPARATOR_RE = r"[\s,'_]"
_GROUPED_RE = r"[-+−(]?\d{1,3}(?:[\s,'_]\d{3})+(?:\.\d*)?\)?"


def parse_block(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse a block of text cells (rows × columns, object array) at once: (float values, bad-cell
    mask), same rules as :func:`parse_numbers`. Clean blocks (plain numbers and blanks) take one
    C-level conversion."""
    try:
        values = np.where(block == "", "nan", block).astype(float)
        if np.isfinite(values[~np.isnan(values)]).all():
            return values, np.zeros(block.shape, dtype=bool)
    except (ValueError, TypeError):
        pass
    values = np.empty(block.shape, dtype=float)
    bad = np.zeros(block.shape, dtype=bool)
    for j in range(block.shape[1]):
        column_values, column_bad = parse_numbers(pd.Series(block[:, j], dtype=object))
        values[:, j], bad[:, j] = column_values.to_numpy(), column_bad.to_numpy()
    return values, bad


def text_block(table: RawTable, labels: list[str]) -> np.ndarray:
    """The text cells under ``labels`` as an object array (rows × labels). Through positions, not
    a frame selection: selecting columns of a frame costs more than reading a whole one-row form."""
    position = {label: j for j, label in enumerate(table.cells.columns)}
    return table.cells.to_numpy(dtype=object)[:, [position[label] for label in labels]]


def parse_numbers(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse text cells to floats. Returns (values, bad) where ``bad`` marks unparseable text.

    Missing markers (blank, ``—``, ``-``, ``/``) give NaN and are not bad.
    """
    text = cells.astype("string").fillna("")
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    todo = values.isna() & (text != "")
    if todo.any():  # slow path only for the cells that need cleaning
        t = text[todo].str.normalize("NFKC").str.strip()
        misgrouped = t.str.contains(_SEPARATOR_RE, regex=True) & ~t.str.fullmatch(_GROUPED_RE)
        t = t.str.replace(_SEPARATOR_RE, "", regex=True).str.replace("−", "-", regex=False)
        is_missing = t.str.lower().isin(MISSING_TOKENS)
        t = t.str.replace(_PAREN_RE, r"-\1", regex=True)
        parsed = pd.to_numeric(t.where(~is_missing), errors="coerce")
        values.loc[todo] = parsed
        bad = pd.Series(False, index=cells.index)
        bad.loc[todo] = (parsed.isna() & ~is_missing) | misgrouped
        values.loc[todo] = parsed.where(~misgrouped)
    else:
        bad = pd.Series(False, index=cells.index)
    infinite = np.isinf(values.to_numpy(dtype=float))
    if infinite.any():  # "inf" parses as a float but is no figure
        values[infinite] = np.nan
        bad[infinite] = True
    return values.astype(float), bad


# most cells, parsed without a one-row Series: ASCII decimals, optionally grouped by commas in threes
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|[+-]?\.[0-9]+")


def parse_number(text) -> float:
    """One cell, same rules as :func:`parse_numbers`; raises ValueError for text that is not a number."""
    if isinstance(text, str):
        if text == "":
            return float("nan")
        if _PLAIN_DECIMAL.fullmatch(text):
            return float(text.replace(",", ""))
    values, bad = parse_numbers(pd.Series([text], dtype=object))
    if bad.iloc[0]:
        raise ValueError(f"not a number: {text!r}")
    return float(values.iloc[0])


def load_aliases(path: str | Path | None = None) -> dict[str, str]:
    """Alias → canonical enterprise name, keys normalised (NFKC, no spaces, lower case)."""
    if path is not None and not Path(path).exists():
        raise UsageError(f"{safe_text(path)}: alias file not found")
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


MAX_AMOUNT_YI = 1e6  # 100 trillion yuan: above any enterprise group's figure, so a typo or a unit slip
MAX_PERSONS = 1e8
_ROLE_COLUMN = {"prior": "{}_prior_reported", "month": "{}_m_reported"}
# (line, canonical column of a table, record column): the current figure of every line, then its
# reported prior-year and monthly figures, in this order
_TARGETS = [(line, line.name, line.name) for line in LINES] + [
    (line, f"{line.name}@{role}", pattern.format(line.name)) for role, pattern in _ROLE_COLUMN.items() for line in LINES]
_DIVISORS = {"元": 1e4 * WAN_PER_YI, "万元": WAN_PER_YI, "亿元": 1.0}  # a figure in that unit ÷ this = 亿元


def table_records(table: RawTable, aliases: dict[str, str], issues) -> pd.DataFrame:
    """Turn one raw table into records in 亿元 (one row per enterprise × period, totals flagged).

    ``issues`` is a :class:`soe_analysis.io.validation.IssueLog`; row-level problems are logged there
    and the offending rows are dropped from the result. Reported prior-year and monthly figures
    come out as ``<line>_prior_reported`` and ``<line>_m_reported`` columns.
    """
    columns = table_columns(table, aliases, issues)
    return pd.DataFrame(columns) if columns is not None else pd.DataFrame()


def records_frame(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The records of many tables as one frame, built once (a frame per small file costs more
    than reading it); a column some tables lack is missing (NaN) there.

    The 合计 rows come after every enterprise row (each group in table order), so dropping them
    is a slice, not a copy; the figures are written straight into one block of floats, which
    the frame keeps without copying it again.
    """
    if not parts:
        return pd.DataFrame()
    names = list(dict.fromkeys(name for part in parts for name in part))
    lengths = [len(part["source_row"]) for part in parts]
    flags = [f if (f := part.get("is_total")) is not None and f.any() else None for part in parts]

    def pieces(name: str, spread: dict | None = None) -> list[np.ndarray]:
        """The column's values of every part, 合计 rows last; ``spread``: a text given once per
        part becomes a code per row (text → code, filled in here)."""
        if spread is not None:
            columns = [np.full(k, spread.setdefault(part[name], len(spread)), dtype=np.intp)
                       for part, k in zip(parts, lengths)]
        else:
            columns = [part[name] if name in part else np.full(k, np.nan) for part, k in zip(parts, lengths)]
        return ([c if f is None else c[~f] for c, f in zip(columns, flags)]
                + [c[f] for c, f in zip(columns, flags) if f is not None])

    first = {name: next(part[name] for part in parts if name in part) for name in names}
    floats = [name for name in names if isinstance(first[name], np.ndarray) and first[name].dtype == np.float64]
    block = np.empty((len(floats), sum(lengths)))
    for j, name in enumerate(floats):
        np.concatenate(pieces(name), out=block[j])
    others = {}
    for name in names:
        if isinstance(first[name], str):  # one text per part (the file, the dataset label)
            spread: dict[str, int] = {}
            codes = np.concatenate(pieces(name, spread))
            others[name] = text_column(list(spread), codes)
        elif name not in floats:
            others[name] = np.concatenate(pieces(name))
    # side by side: the float block is not copied
    return pd.concat([pd.DataFrame(others), pd.DataFrame(block.T, columns=floats, copy=False)], axis=1)


def table_columns(table: RawTable, aliases: dict[str, str], issues,
                  names: dict | None = None) -> dict[str, np.ndarray | str] | None:
    """:func:`table_records` as arrays (rows with errors already dropped), ``source_file`` as one
    text for every row; None when nothing was read.
    ``names``: raw name → (is 合计, resolved name), shared across the tables of one read."""
    by_canonical = {canon: label for label, canon in table.columns.items()}
    file = table.file
    n = len(table.cells)
    for row, column, message in table.notes:
        issues.warning(file, row, column, message)
    for label in table.ignored_columns:
        issues.warning(file, None, label, "column not recognised; ignored")
    for label, canon in table.duplicate_columns:
        issues.error(file, None, label, f"second column for {LINE_BY_NAME[canon].zh if canon in LINE_BY_NAME else canon}")
    if "enterprise" not in by_canonical:
        issues.error(file, None, None, "no enterprise column")
        return None
    if n == 0 or not _has_figures(table):
        issues.warning(file, table.header_row, None,
                       "no figures below the header (an empty template?); nothing read")
        return None
    # columns gathered as arrays and framed once: per-column inserts dominate on many small files
    # the file is one text for every row: kept as that text (records_frame spreads it), not n objects
    out: dict[str, np.ndarray | str] = {"source_file": file, "source_row": np.asarray(table.rows, dtype=np.int64)}
    keep = np.ones(n, dtype=bool)
    if table.enterprise_candidates:
        _form_enterprise(table, aliases, issues, keep)
    _enterprises(table, by_canonical["enterprise"], aliases, issues, out, keep, {} if names is None else names)
    if not _periods(table, by_canonical.get("period"), issues, out, keep):
        return None
    out.update(_amounts(table, by_canonical, issues, keep))
    if not keep.any():
        return None
    return out if keep.all() else {name: column[keep] if isinstance(column, np.ndarray) else column
                                   for name, column in out.items()}


def _has_figures(table: RawTable) -> bool:
    labels = [lbl for lbl, canon in table.columns.items() if canon not in ("enterprise", "period")]
    if table.numbers is not None:
        return bool((~np.isnan(table.numbers.to_numpy(dtype=float))).any()) if labels else False
    block = text_block(table, labels) if labels else np.empty((0, 0))
    return any(str(v).strip() and str(v).strip().lower() not in MISSING_TOKENS for v in block.ravel())


def _where(table: RawTable, i: int, label: str) -> tuple[int, str]:
    """(file row, column) of a cell: a form's cell sits on its item's row."""
    return table.cell_rows.get(label, table.rows[i]), label


def _form_enterprise(table: RawTable, aliases: dict[str, str], issues, keep) -> None:
    """A form names its enterprise outside the table: take the first candidate the aliases know."""
    chosen = next((name for name in table.enterprise_candidates if not aliases or aliases.get(name_key(name))),
                  table.enterprise_candidates[0] if table.enterprise_candidates else "")
    column = table.cells.columns.get_loc("(enterprise)")
    for i in range(len(table.cells)):  # a form has one row; a column assignment costs ~0.5 ms
        table.cells.iat[i, column] = chosen
    table.codes["(enterprise)"] = (np.zeros(len(table.cells), dtype=np.intp), np.array([chosen], dtype=object))


def _resolve_name(value, aliases) -> tuple[bool, str | None, str]:
    """(is a 合计 row, canonical name or None, the name as written stripped)."""
    name = "" if value is None else str(value).strip()
    total = is_total_name(name)
    return total, ("合计" if total else aliases.get(name_key(name)) if aliases else name) if name else None, name


def _text_codes(table: RawTable, label: str) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, distinct texts) of a text column: the reader's, or factorised here."""
    if label in table.codes:
        return table.codes[label]
    texts = np.array(["" if v is None else str(v) for v in table.cells[label].tolist()], dtype=object)
    codes, distinct = pd.factorize(texts, use_na_sentinel=False)
    return codes, np.asarray(distinct, dtype=object)


def _enterprises(table: RawTable, label: str, aliases, issues, out, keep, memo: dict) -> None:
    """Resolve names through the aliases, once per distinct name of the whole read, and once per
    distinct list of names (every monthly file repeats the same enterprises in the same order)."""
    file, rows = table.file, table.rows
    codes, distinct = _text_codes(table, label)
    resolved_all = memo.get(key := tuple(distinct))
    if resolved_all is None:
        found = [memo.get(v) or memo.setdefault(v, _resolve_name(v, aliases)) for v in distinct]
        resolved_all = memo[key] = (np.array([f[0] for f in found], dtype=bool),
                                    np.array([f[1] for f in found], dtype=object), [f[2] for f in found])
    total, resolved, stripped = resolved_all
    out["is_total"] = total[codes]
    names = resolved[codes]
    column = label if not table.enterprise_candidates else None
    for k in np.flatnonzero(resolved == None):  # elementwise: names that did not resolve
        raw = stripped[k]
        if not raw:
            message = "enterprise name is empty" if not table.enterprise_candidates else \
                "no enterprise named (编制单位：…, the sheet name or the file name)"
        else:
            tried = ", ".join(repr(safe_text(c)) for c in table.enterprise_candidates[:4])
            message = (f"unknown enterprise {safe_text(raw)!r} (add it to data/raw/enterprise_aliases.csv)"
                       + (f"; tried {tried}" if len(table.enterprise_candidates) > 1 else ""))
        for i in np.flatnonzero(codes == k):
            issues.error(file, rows[i], column, message)
            keep[i] = False
            names[i] = raw
    out["enterprise"] = names


def _periods(table: RawTable, plabel: str | None, issues, out, keep) -> bool:
    file, rows, n = table.file, table.rows, len(table.cells)
    years = np.zeros(n, dtype=int)
    months = np.zeros(n, dtype=int)
    if plabel is not None:
        inverse, unique = _text_codes(table, plabel)  # a file holds one or a few periods
        for u, text in enumerate(unique):
            value = text.strip() or table.title_period
            try:
                parsed = parse_report_period(value) if value else None
            except ValueError:
                parsed = None
            where = np.flatnonzero(inverse == u)
            if parsed is None or parsed[1] != 1:
                message = (f"period {safe_text(text)!r} does not start in January; flash-report flows are year-to-date"
                           if parsed else f"not a report period: {safe_text(text)!r}" if text.strip() else "period is empty")
                for i in where:
                    issues.error(file, rows[i], plabel, message)
                keep[where] = False
                continue
            years[where], months[where] = parsed[0], parsed[2]
    elif table.title_period:
        try:
            year, first, month = parse_report_period(table.title_period)
            years[:], months[:] = year, month
        except ValueError:
            issues.error(file, None, None, f"no period column and the title's period {safe_text(table.title_period)!r} is unclear")
            return False
    else:
        issues.error(file, None, None, "no period column (报告期), and no period in a title line or the file name")
        return False
    out["year"], out["month"] = years, months
    return True


def _amounts(table: RawTable, by_canonical: dict[str, str], issues, keep) -> dict[str, np.ndarray]:
    """Every line (and reported prior-year/monthly figure) in 亿元; bad cells logged, rows dropped."""
    file, n = table.file, len(table.cells)
    default_unit = table.unit
    if default_unit is None and any(canon.split("@")[0] in LINE_BY_NAME and LINE_BY_NAME[canon.split("@")[0]].unit == "amount"
                                    and lbl not in table.column_units for lbl, canon in table.columns.items()):
        issues.warning(file, None, None, "no unit stated (单位：…); assumed 万元")
    targets = [target for target in _TARGETS if target[1] in by_canonical]
    labels = [by_canonical[canon] for _, canon, _ in targets]
    if table.numbers is not None:
        position = {label: j for j, label in enumerate(table.numbers.columns)}
        at = [position[label] for label in labels]  # plain array indexing: a frame's [labels] costs ~1 ms a file
        values, bad = table.numbers.to_numpy(dtype=float)[:, at], np.zeros((n, len(labels)), dtype=bool)
    elif labels:
        values, bad = parse_block(text_block(table, labels))
    else:
        values, bad = np.empty((n, 0)), np.empty((n, 0), dtype=bool)
    for i, j in zip(*np.nonzero(bad)) if bad.any() else ():
        row, column = _where(table, i, labels[j])
        issues.error(file, row, column, f"not a number: {safe_text(table.cells[labels[j]].iloc[i])!r}")
        keep[i] = False
    factors = {labels[j]: _DIVISORS[table.column_units.get(labels[j]) or default_unit or "万元"]
               for j, (line, _, _) in enumerate(targets) if line.unit == "amount"}
    divisor = np.array([factors.get(label, 1.0) for label in labels])
    limit = np.array([MAX_AMOUNT_YI if line.unit == "amount" else MAX_PERSONS for line, _, _ in targets])
    converted = values / divisor if labels else values
    with np.errstate(invalid="ignore"):
        huge = np.abs(converted) > limit
    for i, j in zip(*np.nonzero(huge)) if huge.any() else ():
        row, where = _where(table, i, labels[j])
        issues.error(file, row, where, f"implausible figure {values[i, j]:.6g} "
                     f"({'over 1,000,000 亿元' if targets[j][0].unit == 'amount' else 'over 100 million persons'}): "
                     "a typo or the wrong unit?")
        keep[i] = False
    columns = {name: converted[:, j] for j, (_, _, name) in enumerate(targets)}
    if table.derived:
        check_derived(table, by_canonical, factors, issues)
    missing = np.full(n, np.nan)  # one array for every absent line: the records are concatenated (copied) later
    frame = {line.name: columns.get(line.name, missing) for line in LINES}
    frame.update((name, col) for name, col in columns.items() if name not in frame)
    return frame


def check_derived(table: RawTable, by_canonical: dict[str, str], factors: dict[str, float], issues) -> None:
    """Growth (%) and change columns of a summary table against its current and prior values:
    a warning naming file and sheet, row and column where they disagree beyond rounding."""
    for label, (line, kind) in table.derived.items():
        current, prior = by_canonical.get(line), by_canonical.get(f"{line}@prior")
        if current is None or prior is None:
            continue
        now, _ = parse_numbers(table.cells[current])
        before, _ = parse_numbers(table.cells[prior])
        stated, bad = parse_numbers(table.cells[label].astype(str).str.replace("%", "", regex=False))
        half = {col: table.cells[col].astype(str).map(_half_ulp) for col in (current, prior, label)}
        for i in range(len(table.cells)):
            a, b, s = now.iloc[i], before.iloc[i], stated.iloc[i]
            if bad.iloc[i] or any(map(np.isnan, (a, b, s))) or (kind == "pct" and b == 0):
                continue
            ha, hb, hs = half[current].iloc[i], half[prior].iloc[i], half[label].iloc[i]
            if kind == "pct":
                computed = (a / b - 1) * 100
                tolerance = hs + 100 * (ha + hb * abs(a / b)) / abs(b) + 1e-9
            else:
                computed, tolerance = a - b, ha + hb + hs + 1e-9
            if abs(s - computed) > tolerance:
                shown = f"{computed:.2f}%" if kind == "pct" else f"{computed:,.2f}"
                issues.warning(table.file, table.rows[i], label,
                               f"stated {safe_text(table.cells[label].iloc[i])} but the figures give {shown}; "
                               "derived columns are checked, not read")


def _half_ulp(text: str) -> float:
    """Half a unit in the last printed digit of a number cell: its rounding margin."""
    cleaned = normalise_text(text).rstrip("%)")
    decimals = len(cleaned.split(".", 1)[1]) if "." in cleaned else 0
    return 0.5 * 10 ** -decimals
