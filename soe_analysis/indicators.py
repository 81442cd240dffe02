"""SASAC's headline indicator sets by year (两利四率 → 一利五率 → 2025 variant), from configuration.

The sets and each indicator's formula live in ``soe_analysis/config/indicators.toml`` (numerator
and denominator lines, unit, scale, averaging and annualisation); this module only evaluates them.

Rules (also stated in the configuration):

- flows are year-to-date (本年累计) at the as-of month ``m``; when an indicator sets a flow
  against a stock (净资产收益率, 全员劳动生产率) the flow is annualised ×12/m;
- an "average" denominator (平均净资产, 平均从业人员) is the mean of the opening level (the
  prior December's month-end) and the as-of month-end level;
- 全员劳动生产率 uses value added ≈ 职工薪酬 + 折旧 + 税金及附加 + 利润总额 (利润总额 stands in
  for 营业盈余, 税金及附加 for 税费净额: the flash report has neither VAT nor income tax);
- the total (合计) is the ratio of summed inputs, never a mean of ratios; a total input is
  missing when any enterprise lacks it;
- a missing input, a missing opening level, a zero or negative denominator give NaN with a
  ``reason``, never 0. 营业收现率 needs cash received from sales (销售商品、提供劳务收到的现金),
  which the panel does not carry: it is always NaN, with that reason;
- year on year (:func:`with_yoy`), an enterprise that printed 上年同期 for every input of an
  indicator is compared with those reported figures (the comparable basis, as
  :func:`soe_analysis.io.panel.prior_year_ytd` defines it), otherwise with its own report of a
  year before; average-denominator indicators always use the latter; ``yoy_basis`` says which.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, metrics
from .errors import SoeError, UsageError
from .io.panel import as_of as cut_as_of
from .io.panel import OWN, REPORTED, combined_basis, month_rows, prior_year_by_line, value_column
from .params import as_names, check_as_of, check_lang, fill_params
from .periods import month_str, parse_month
from .schema import LINE_BY_NAME

INDICATORS_FILE = config.PACKAGE_DIR / "config" / "indicators.toml"
TOTAL_ZH, TOTAL_EN = "合计", "Total"
_UNITS = {"亿元", "%", "万元/人"}


@lru_cache(maxsize=8)
def _load(path: str) -> dict:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SoeError(f"{path}: cannot read indicator configuration ({exc})") from None
    indicators, sets = data.get("indicators", {}), data.get("sets", {})
    for key, spec in indicators.items():
        where = f"{path}: indicators.{key}"
        if spec.get("unit") not in _UNITS:
            raise SoeError(f"{where}: unit must be one of {sorted(_UNITS)}")
        if spec.get("denominator_basis", "end") not in ("end", "average"):
            raise SoeError(f"{where}: denominator_basis must be 'end' or 'average'")
        for line in [*spec.get("numerator", []), *spec.get("denominator", [])]:
            name = line.lstrip("-")
            if name not in LINE_BY_NAME and not spec.get("requires"):
                raise SoeError(f"{where}: unknown panel line {name!r} (add `requires` if the panel lacks it)")
            if spec.get("annualise") and line in spec.get("numerator", []) and name in LINE_BY_NAME \
                    and LINE_BY_NAME[name].kind != "flow":
                raise SoeError(f"{where}: only flows can be annualised, {name!r} is a stock")
        if not spec.get("numerator"):
            raise SoeError(f"{where}: numerator is required")
        if spec.get("metric") and spec["metric"] not in _METRICS:
            raise SoeError(f"{where}: metric must be one of {sorted(_METRICS)}")
    for name, spec in sets.items():
        unknown = set(spec.get("indicators", [])) - set(indicators)
        if unknown:
            raise SoeError(f"{path}: sets.{name}: unknown indicators {sorted(unknown)}")
    return data


def load_config(path: str | Path | None = None) -> dict:
    """The parsed and checked indicator configuration (``indicators`` and ``sets`` tables)."""
    return _load(str(path or INDICATORS_FILE))


def indicator_set(year: int, path: str | Path | None = None) -> dict:
    """The set in force for ``year``: ``{"name", "en", "indicators": [keys], "note"}``.

    A year before the first configured set gets the earliest set and a year after the last gets
    the latest, with ``note`` saying so (the set was not in force then); otherwise ``note`` is "".
    """
    sets = load_config(path)["sets"]
    spans = sorted(((min(s["years"]), max(s["years"]), name) for name, s in sets.items()))
    for first, last, name in spans:
        if year in sets[name]["years"]:
            return {"name": name, "en": sets[name].get("en", name),
                    "indicators": list(sets[name]["indicators"]), "note": ""}
    first, _, name = spans[0] if year < spans[0][0] else spans[-1]
    note = (f"{year}年无配置的指标体系，按{name}口径回溯计算（该体系{first}年起实行）" if year < spans[0][0]
            else f"{year}年无配置的指标体系，沿用{name}")
    return {"name": name, "en": sets[name].get("en", name), "indicators": list(sets[name]["indicators"]),
            "note": note}


@dataclass(frozen=True)
class IndicatorParams:
    """Checked parameters of the indicator tables (notebook 01, ``soe-analysis indicators``)."""

    as_of: pd.Period                    # the month (YTD through it)
    lang: str = "zh"                    # zh or en
    indicators: tuple[str, ...] = ()    # indicator keys; empty: the set in force for as_of's year


def check_params(panel: pd.DataFrame | None = None, **params) -> IndicatorParams:
    """Check the parameters (UsageError naming the bad one); with a panel, ``as_of`` must have data."""
    raw = fill_params(IndicatorParams, params, what="indicators")
    keys = as_names(raw["indicators"], name="indicators")
    known = load_config()["indicators"]
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise UsageError(f"indicators: unknown indicator {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    return IndicatorParams(as_of=check_as_of(raw["as_of"], panel), lang=check_lang(raw["lang"]), indicators=keys)


def dictionary(year: int | None = None, path: str | Path | None = None) -> pd.DataFrame:
    """The indicator dictionary as a table (one row per indicator; for ``year``'s set if given)."""
    cfg = load_config(path)
    keys = indicator_set(year, path)["indicators"] if year is not None else list(cfg["indicators"])
    rows = []
    for key in keys:
        spec = cfg["indicators"][key]
        rows.append({
            "indicator": key, "zh": spec["zh"], "en": spec["en"], "unit": spec["unit"],
            "formula": spec.get("formula", ""),
            "numerator": " + ".join(spec["numerator"]).replace("+ -", "- "),
            "denominator": " + ".join(spec.get("denominator", [])),
            "denominator_basis": spec.get("denominator_basis", "end") if spec.get("denominator") else "",
            "annualised": bool(spec.get("annualise", False)),
            "note": spec.get("note", spec.get("requires", "")),
        })
    return pd.DataFrame(rows)


def opening_month(period: pd.Period) -> pd.Period:
    """The month whose level opens ``period``'s year: the prior December (期初)."""
    return pd.Period(year=period.year - 1, month=12, freq="M")


def with_total_row(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns per enterprise plus a 合计 row: a column's sum when every enterprise has
    it, else NaN (a total over part of the group would be mistaken for the group's)."""
    totals = {col: (frame[col].sum() if frame[col].notna().all() and len(frame) else np.nan)
              for col in frame.columns}
    return pd.concat([frame, pd.DataFrame(totals, index=[TOTAL_ZH])])


def _missing_reasons(enterprises: pd.Index, values: np.ndarray, label: str) -> list[str]:
    """Per-enterprise reason text where ``values`` is missing, plus the total's reason."""
    missing = np.isnan(values)
    named = [str(name) for name, gone in zip(enterprises, missing) if gone]
    total = f"{label}缺失（{'、'.join(named)}）" if named else ""
    return [f"{label}缺失" if gone else "" for gone in missing] + [total]


def _terms(now: pd.DataFrame, lines: list[str]) -> tuple[pd.Series, pd.Series]:
    """Σ ±line over enterprises + 合计, and the reason text where an input is missing.

    合计 of a line is its sum when every enterprise has it, else NaN. Plain arrays: this runs
    for every term of every indicator, twice per notebook 01, and pandas per term cost 10 ms.
    """
    index = list(now.index) + [TOTAL_ZH]
    total = np.zeros(len(index))
    reasons = [[""] * len(index)]
    for term in lines:
        sign, name = (-1.0, term[1:]) if term.startswith("-") else (1.0, term)
        column = value_column(name)
        values = now[column].to_numpy(dtype=float) if column in now else np.full(len(now), np.nan)
        whole = values.sum() if len(values) and not np.isnan(values).any() else np.nan
        total = total + sign * np.append(values, whole)
        reasons.append(_missing_reasons(now.index, values, LINE_BY_NAME[name].zh))
    return pd.Series(total, index=index), _join(*(pd.Series(r, index=index, dtype=object) for r in reasons))


_REPEATED_SEPARATOR = re.compile(r"；+")


def _join(*parts: pd.Series) -> pd.Series:
    """Row by row, the non-empty texts of ``parts`` joined by ；."""
    joined = ("；".join(row) for row in zip(*parts))
    return pd.Series([_REPEATED_SEPARATOR.sub("；", text).strip("；") for text in joined],
                     index=parts[0].index, dtype=object)


# Indicators whose value is a quantity metrics.py defines (one definition for every module):
# (numerator, opening denominator, month-end denominator, months) -> value.
_METRICS = {
    "debt_ratio": lambda num, den_open, den_end, months: metrics.debt_ratio(num, den_end),
    "roe": lambda num, den_open, den_end, months: metrics.roe(num, den_open, den_end, months),
}


def _evaluate(spec: dict, now: pd.DataFrame, opening: pd.DataFrame, period: pd.Period):
    """One indicator per enterprise and 合计: (value, shown numerator, shown denominator, reason)."""
    index = list(now.index) + [TOTAL_ZH]
    num, reason = _terms(now, spec["numerator"])
    shown_num = metrics.annualise(num, period.month) if spec.get("annualise") else num
    scale = float(spec.get("scale", 1))
    if not spec.get("denominator"):
        return shown_num * scale, shown_num, pd.Series(np.nan, index=index), reason
    den_end, den_reason = _terms(now, spec["denominator"])
    den_open = pd.Series(np.nan, index=index)
    den = den_end
    if spec.get("denominator_basis", "end") == "average":
        den_open, open_reason = _terms(opening, spec["denominator"])
        open_reason = open_reason.where(open_reason == "", f"期初（{month_str(opening_month(period))}）" + open_reason)
        den = (den_end + den_open) / 2.0
        den_reason = _join(den_reason, open_reason)
    if spec.get("metric"):
        value = _METRICS[spec["metric"]](num, den_open, den_end, period.month)
    else:
        value = metrics.ratio(shown_num, den, scale)
    den_reason = den_reason.where(~(den <= 0), "分母≤0，比率无意义")
    return value, shown_num, den, _join(reason, den_reason)


def _indicator_frame(key: str, spec: dict, now: pd.DataFrame, opening: pd.DataFrame,
                     period: pd.Period) -> pd.DataFrame:
    """One indicator's rows (each enterprise of ``now`` and 合计) from month-end and opening rows."""
    index = list(now.index) + [TOTAL_ZH]
    frame = pd.DataFrame({"enterprise": index, "indicator": key, "zh": spec["zh"], "en": spec["en"],
                          "unit": spec["unit"]})
    if spec.get("requires"):
        frame["value"] = frame["numerator"] = frame["denominator"] = np.nan
        frame["reason"] = f"面板缺少{spec['requires']}"
        return frame
    value, num, den, reason = _evaluate(spec, now, opening, period)
    frame["value"] = value.to_numpy(dtype=float)
    frame["numerator"] = num.to_numpy(dtype=float)
    frame["denominator"] = den.to_numpy(dtype=float)
    frame["reason"] = reason.where(frame["value"].isna().to_numpy(), "").to_numpy()
    return frame


def compute(panel: pd.DataFrame, as_of, *, indicators: list[str] | None = None,
            path: str | Path | None = None) -> pd.DataFrame:
    """Evaluate indicators per enterprise and in total (合计) for the as-of month.

    Parameters
    ----------
    panel : DataFrame
        The canonical panel; only rows up to ``as_of`` are used.
    as_of : str or Period
        ``YYYY-MM``.
    indicators : list of str, optional
        Indicator keys; default the set in force for ``as_of``'s year (:func:`indicator_set`).

    Returns
    -------
    DataFrame
        One row per enterprise (and 合计) × indicator, columns ``enterprise, indicator, zh, en,
        unit, value, numerator, denominator, reason``. ``value`` is in ``unit``; ``numerator``
        is the (annualised, where configured) numerator in 亿元, ``denominator`` in 亿元 or persons
        (the average where configured). NaN values carry a non-empty ``reason``.
    """
    period = parse_month(as_of)
    cfg = load_config(path)
    keys = indicators or indicator_set(period.year, path)["indicators"]
    visible = cut_as_of(panel, period)
    now = month_rows(visible, period)
    opening = month_rows(visible, opening_month(period)).reindex(now.index)
    out = []
    for key in keys:
        spec = cfg["indicators"].get(key)
        if spec is None:
            raise SoeError(f"unknown indicator {key!r} (see {path or INDICATORS_FILE})")
        out.append(_indicator_frame(key, spec, now, opening, period))
    result = pd.concat(out, ignore_index=True)
    result.loc[result["value"].isna() & (result["reason"] == ""), "reason"] = "输入缺失"
    result.attrs["as_of"] = month_str(period)
    return result


def _input_lines(spec: dict) -> list[str]:
    """The panel lines an indicator's numerator and denominator are made of (signs dropped)."""
    return [term.lstrip("-") for term in [*spec["numerator"], *spec.get("denominator", [])]]


def _prior_inputs(spec: dict, own: pd.DataFrame, current: pd.Index, priors: dict) -> tuple[pd.DataFrame, pd.Series]:
    """One indicator's input rows a year before, and each row's basis.

    The rule is :func:`soe_analysis.io.panel.prior_year_ytd`'s (``priors`` holds its answer per
    line): an enterprise that printed 上年同期 for every input of the indicator this month is
    compared with those reported figures, the comparable basis (可比口径) right across scope
    changes, and the rows are then this month's enterprises; an enterprise that did not is
    compared with its own report of a year before. Inputs are never mixed within an enterprise's
    ratio. An average denominator (平均净资产, 平均从业人员) needs the opening level of the year
    before, which no report restates, so those indicators (ROE, labour productivity) stay on
    last year's own figures.
    """
    panel_basis = pd.Series(OWN, index=own.index, dtype=object)
    if spec.get("requires") or spec.get("denominator_basis", "end") == "average":
        return own, panel_basis
    lines = _input_lines(spec)
    reported = pd.Series(True, index=current)
    for line in lines:
        reported &= priors[line][1].reindex(current).eq(REPORTED)
    if not reported.any():
        return own, panel_basis
    rows = own.reindex(current)  # the comparable scope: the enterprises reporting this month
    for line in lines:
        column = value_column(line)
        kept = rows[column] if column in rows else pd.Series(np.nan, index=current)
        rows[column] = priors[line][0].reindex(current).where(reported, kept)
    return rows, pd.Series(np.where(reported, REPORTED, OWN), index=current, dtype=object)


def with_yoy(panel: pd.DataFrame, as_of, *, indicators: list[str] | None = None,
             path: str | Path | None = None) -> pd.DataFrame:
    """:func:`compute` for ``as_of`` with the same indicators a year before, and the change.

    Adds ``prev_value`` (same month a year earlier, same indicator set as ``as_of``'s year),
    ``change`` (value − prev_value: percentage points for %, 亿元 or 万元/人 otherwise),
    ``yoy_pct`` (growth in percent, only for amounts and productivity when both years are
    positive: a growth rate across a loss means nothing) and ``yoy_basis``, what ``prev_value``
    stands on: ``reported_prior_year`` (the 上年同期 printed in this month's reports, see
    :func:`_prior_inputs`), ``panel_prior_year`` (last year's own reports) or, for 合计,
    ``mixed``; None where there is no prior value. ``attrs["yoy_basis"]`` names the table's
    basis the same way.
    """
    period = parse_month(as_of)
    cfg = load_config(path)
    keys = indicators or indicator_set(period.year, path)["indicators"]
    current = compute(panel, period, indicators=keys, path=path)
    visible = cut_as_of(panel, period)
    before = period - 12
    own = month_rows(visible, before)
    enterprises = month_rows(visible, period).index
    lines = {line for key in keys if not cfg["indicators"][key].get("requires")
             for line in _input_lines(cfg["indicators"][key])}
    priors = prior_year_by_line(visible, period, lines)
    parts = []
    for key in keys:
        spec = cfg["indicators"][key]
        rows, basis = _prior_inputs(spec, own, enterprises, priors)
        opening = month_rows(visible, opening_month(before)).reindex(rows.index)
        frame = _indicator_frame(key, spec, rows, opening, before)
        frame["yoy_basis"] = [*basis, combined_basis(basis)]
        parts.append(frame)
    prev = pd.concat(parts, ignore_index=True).set_index(["enterprise", "indicator"])
    key = pd.MultiIndex.from_frame(current[["enterprise", "indicator"]])
    current["prev_value"] = prev["value"].reindex(key).to_numpy(dtype=float)
    current["change"] = current["value"] - current["prev_value"]
    growth_ok = (current["unit"] != "%") & (current["prev_value"] > 0) & (current["value"] > 0)
    current["yoy_pct"] = ((current["value"] / current["prev_value"] - 1.0) * 100.0).where(growth_ok)
    basis = prev["yoy_basis"].reindex(key).to_numpy(dtype=object)
    current["yoy_basis"] = np.where(current["prev_value"].notna().to_numpy(), basis, None)
    compared = current.loc[current["prev_value"].notna() & (current["enterprise"] != TOTAL_ZH), "yoy_basis"]
    current.attrs["yoy_basis"] = combined_basis(compared)
    return current


def wide(table: pd.DataFrame, lang: str = "zh", *, columns=("value", "change")) -> pd.DataFrame:
    """Enterprises as rows, (indicator (unit), measure) as columns, for display."""
    name = "zh" if lang == "zh" else "en"
    labels = table[name] + "(" + table["unit"] + ")"
    order = list(dict.fromkeys(labels))
    measure_names = {"zh": {"value": "本期", "prev_value": "上年同期", "change": "同比增减", "yoy_pct": "同比%"},
                     "en": {"value": "value", "prev_value": "a year before", "change": "change", "yoy_pct": "YoY %"}}[name]
    pieces = []
    for col in columns:
        piece = table.assign(label=labels).pivot(index="enterprise", columns="label", values=col)[order]
        piece.columns = pd.MultiIndex.from_product([piece.columns, [measure_names[col]]])
        pieces.append(piece)
    out = pd.concat(pieces, axis=1)
    out = out[[c for label in order for c in out.columns if c[0] == label]]
    rows = [e for e in dict.fromkeys(table["enterprise"]) if e != TOTAL_ZH] + [TOTAL_ZH]
    out = out.reindex(rows)
    if lang != "zh":
        out = out.rename(index={TOTAL_ZH: TOTAL_EN})
    out.index.name = "企业" if lang == "zh" else "Enterprise"
    return out
