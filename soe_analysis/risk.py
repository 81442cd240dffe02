"""Risk bands in the style of the IMF SOE Health Check Tool: nine ratios, bands 1 (low) to 5 (high).

The ratio formulas are here; the thresholds are configuration
(``soe_analysis/config/risk_thresholds.csv``: per ratio a ``direction`` and four increasing
cut-points ``cut1 < cut2 < cut3 < cut4``). They are project defaults in the Tool's style, tuned
for municipal infrastructure groups, **not** the IMF's own calibration: change the file, not code.

Banding rule (a value exactly at a cut-point falls in the lower-risk band):

- ``higher_better``: band 1 if v ≥ cut4; 2 if cut3 ≤ v < cut4; 3 if cut2 ≤ v < cut3;
  4 if cut1 ≤ v < cut2; 5 if v < cut1.
- ``lower_better``: band 1 if v ≤ cut1; 2 if cut1 < v ≤ cut2; 3 if cut2 < v ≤ cut3;
  4 if cut3 < v ≤ cut4; 5 if v > cut4.

Values are rounded to 9 decimals before banding so that binary noise (60.000000000001) does not
move a ratio that sits on a cut-point.

Ratios (flows YTD at month m; a flow set against a stock is annualised ×12/m; stocks are
month-end levels):

========================  ====================================================================
roa                       net profit ×12/m / total assets × 100
roe                       :func:`metrics.roe`: net profit ×12/m / average equity × 100, average
                          equity = (prior December + month-end) / 2, the same definition as
                          the 净资产收益率 indicator (equity or average equity ≤ 0 → band 5)
cost_recovery             revenue / total cost (营业总收入 / 营业总成本)
debt_ratio                :func:`metrics.debt_ratio`: total liabilities / total assets × 100
debt_equity               total liabilities / equity (equity ≤ 0 → band 5)
debt_ebitda               interest-bearing debt / (EBITDA ×12/m), EBITDA = total profit +
                          interest expense + depreciation (EBITDA ≤ 0 → band 5)
interest_cover            EBIT / interest expense, EBIT = total profit + interest expense
cash_interest_cover       operating cash flow / interest expense. Under Chinese accounting
                          standards interest paid is a financing cash flow, so operating cash
                          flow is already before interest: adding interest back would count it
                          twice (and overstate the cover by exactly 1)
cfo_debt                  operating cash flow ×12/m / interest-bearing debt × 100
========================  ====================================================================

A ratio whose inputs are missing, or whose denominator is zero or negative (other than the
forced cases), has no band (NaN, with a reason). The overall score is the mean of the bands that
could be computed: a missing band is excluded, never counted as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import config, metrics
from .errors import SoeError, UsageError
from .indicators import TOTAL_EN, TOTAL_ZH, opening_month, with_total_row
from .io.panel import as_of as cut_as_of
from .io.panel import month_rows
from .params import check_as_of, check_lang, fill_params
from .periods import month_str, parse_month
from .schema import ID_COLUMNS, ytd

THRESHOLDS_FILE = config.PACKAGE_DIR / "config" / "risk_thresholds.csv"
DIRECTIONS = ("higher_better", "lower_better")
_INPUTS = {
    "net_profit": ytd("net_profit"), "total_profit": ytd("total_profit"), "revenue": ytd("revenue"),
    "total_cost": ytd("total_cost"), "interest": ytd("interest_expense"),
    "depreciation": ytd("depreciation"), "cfo": ytd("operating_cash_flow"),
    "assets": "total_assets", "liabilities": "total_liabilities", "equity": "equity",
    "debt": "interest_bearing_debt",
}


@dataclass(frozen=True)
class RiskParams:
    """Checked parameters of the risk bands (notebook 01, ``soe-analysis indicators``)."""

    as_of: pd.Period        # the month (flows YTD through it, stocks at its end)
    lang: str = "zh"        # zh or en
    thresholds: str = ""    # a threshold CSV in the shipped file's format; "" = the shipped one


def check_params(panel: pd.DataFrame | None = None, **params) -> RiskParams:
    """Check the parameters (UsageError naming the bad one); with a panel, ``as_of`` must have data."""
    raw = fill_params(RiskParams, params, what="risk")
    thresholds = str(raw["thresholds"] or "")
    if thresholds and not Path(thresholds).is_file():
        raise UsageError(f"risk: thresholds file {thresholds} not found")
    return RiskParams(as_of=check_as_of(raw["as_of"], panel), lang=check_lang(raw["lang"]), thresholds=thresholds)


def load_thresholds(path: str | Path | None = None) -> pd.DataFrame:
    """The threshold table, indexed by ratio, checked (direction known, cut-points increasing)."""
    path = Path(path or THRESHOLDS_FILE)
    try:
        table = pd.read_csv(path, dtype={"ratio": str})
    except (OSError, pd.errors.ParserError) as exc:
        raise SoeError(f"{path}: cannot read risk thresholds ({exc})") from None
    required = ["ratio", "zh", "en", "unit", "direction", "cut1", "cut2", "cut3", "cut4"]
    missing = [c for c in required if c not in table]
    if missing:
        raise SoeError(f"{path}: missing columns {missing}")
    for i, row in table.iterrows():
        where = f"{path}, row {i + 2}"
        if row["direction"] not in DIRECTIONS:
            raise SoeError(f"{where}, column direction: must be one of {DIRECTIONS}, got {row['direction']!r}")
        cuts = pd.to_numeric(row[["cut1", "cut2", "cut3", "cut4"]], errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(cuts).all() or not (np.diff(cuts) > 0).all():
            raise SoeError(f"{where}: cut1 < cut2 < cut3 < cut4 must be numbers in increasing order")
        if row["ratio"] not in RATIO_NAMES:
            raise SoeError(f"{where}, column ratio: unknown ratio {row['ratio']!r} (known: {', '.join(RATIO_NAMES)})")
    table[["cut1", "cut2", "cut3", "cut4"]] = table[["cut1", "cut2", "cut3", "cut4"]].astype(float)
    return table.set_index("ratio")


def band(values, direction: str, cuts) -> np.ndarray:
    """Bands 1 (low risk) … 5 (high risk) for ``values``; NaN where a value is NaN.

    A value exactly at a cut-point gets the lower-risk band (see the module docstring).
    """
    if direction not in DIRECTIONS:
        raise SoeError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    v = np.round(np.asarray(values, dtype=float), 9)
    c = np.asarray(cuts, dtype=float)
    with np.errstate(invalid="ignore"):
        if direction == "higher_better":
            result = 5.0 - (v[..., None] >= c).sum(axis=-1)
        else:
            result = 1.0 + (v[..., None] > c).sum(axis=-1)
    return np.where(np.isnan(v), np.nan, result)


def _ratio_inputs(now: pd.DataFrame, opening: pd.DataFrame) -> pd.DataFrame:
    """The inputs per enterprise plus 合计; ``equity_open`` is the prior December's equity."""
    frame = pd.DataFrame({name: (now[col].astype(float) if col in now else np.nan)
                          for name, col in _INPUTS.items()}, index=now.index)
    frame["equity_open"] = opening["equity"].astype(float) if "equity" in opening else np.nan
    return with_total_row(frame)


def _reason(inputs: list[pd.Series], den: pd.Series, *, what: str) -> pd.Series:
    """Why a ratio is NaN: an input is missing, or its denominator ``den`` is ≤ 0."""
    missing = np.isnan(np.column_stack([s.to_numpy(dtype=float) for s in inputs])).any(axis=1)
    with np.errstate(invalid="ignore"):
        not_positive = den.to_numpy(dtype=float) <= 0
    reason = np.where(missing, f"{what}：输入缺失", np.where(not_positive, f"{what}：分母≤0", ""))
    return pd.Series(reason.astype(object), index=den.index, dtype=object)


def _divide(num: pd.Series, den: pd.Series, *, what: str, scale: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """:func:`metrics.ratio` with the reason where it is NaN."""
    return metrics.ratio(num, den, scale), _reason([num, den], den, what=what)


RATIO_NAMES = ("roa", "roe", "cost_recovery", "debt_ratio", "debt_equity", "debt_ebitda",
               "interest_cover", "cash_interest_cover", "cfo_debt")


def ratios(panel: pd.DataFrame, as_of) -> pd.DataFrame:
    """The nine ratios per enterprise and 合计 for the as-of month (long format).

    Returns columns ``enterprise, ratio, value, forced_worst, reason``; units as in the
    threshold table (% or multiple). ``forced_worst`` marks equity ≤ 0 (roe, debt_equity) and
    EBITDA ≤ 0 (debt_ebitda).
    """
    period = parse_month(as_of)
    inputs = [c for c in panel.columns if c in {*ID_COLUMNS, *_INPUTS.values()}]
    visible = cut_as_of(panel[inputs], period)  # the slices below then copy a dozen columns, not ~100
    now = month_rows(visible, period)
    opening = month_rows(visible, opening_month(period)).reindex(now.index)
    x = _ratio_inputs(now, opening)
    m = period.month
    ebitda = x["total_profit"] + x["interest"] + x["depreciation"]
    ebit = x["total_profit"] + x["interest"]
    average_equity = (x["equity_open"] + x["equity"]) / 2.0
    roe_reason = _reason([x["net_profit"], x["equity"]], average_equity, what="平均净资产")
    roe_reason = roe_reason.where(x["equity_open"].notna() | (roe_reason != ""),
                                  f"期初（{month_str(opening_month(period))}）所有者权益缺失")
    out = {
        "roa": _divide(metrics.annualise(x["net_profit"], m), x["assets"], what="总资产", scale=100),
        "roe": (metrics.roe(x["net_profit"], x["equity_open"], x["equity"], m), roe_reason),
        "cost_recovery": _divide(x["revenue"], x["total_cost"], what="营业总成本"),
        "debt_ratio": (metrics.debt_ratio(x["liabilities"], x["assets"]),
                        _reason([x["liabilities"], x["assets"]], x["assets"], what="资产总额")),
        "debt_equity": _divide(x["liabilities"], x["equity"], what="所有者权益"),
        "debt_ebitda": _divide(x["debt"], metrics.annualise(ebitda, m), what="EBITDA"),
        "interest_cover": _divide(ebit, x["interest"], what="利息费用"),
        "cash_interest_cover": _divide(x["cfo"], x["interest"], what="利息费用"),
        "cfo_debt": _divide(metrics.annualise(x["cfo"], m), x["debt"], what="带息负债", scale=100),
    }
    forced = {
        "roe": (x["equity"] <= 0) | (average_equity <= 0),
        "debt_equity": x["equity"] <= 0,
        "debt_ebitda": ebitda <= 0,
    }
    forced_reason = {"roe": "所有者权益或平均净资产≤0，强制第5档", "debt_equity": "所有者权益≤0，强制第5档",
                     "debt_ebitda": "EBITDA≤0，强制第5档"}
    frames = []
    for name in RATIO_NAMES:
        value, reason = out[name]
        flag = forced.get(name, pd.Series(False, index=x.index)).fillna(False).astype(bool)
        if name in forced_reason:
            reason = reason.where(~flag, forced_reason[name])
        frames.append(pd.DataFrame({"enterprise": x.index, "ratio": name, "value": value.to_numpy(dtype=float),
                                    "forced_worst": flag.to_numpy(), "reason": reason.to_numpy()}))
    result = pd.concat(frames, ignore_index=True)
    result.attrs["as_of"] = month_str(period)
    return result


def assess(panel: pd.DataFrame, as_of, *, thresholds: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`ratios` with their ``band`` (1–5, NaN when it cannot be computed)."""
    table = load_thresholds() if thresholds is None else thresholds
    result = ratios(panel, as_of)
    result = result[result["ratio"].isin(table.index)].reset_index(drop=True)
    bands = pd.Series(np.nan, index=result.index)
    for name, spec in table.iterrows():
        rows = result["ratio"] == name
        bands[rows] = band(result.loc[rows, "value"], spec["direction"], spec[["cut1", "cut2", "cut3", "cut4"]])
    result["band"] = bands.where(~result["forced_worst"], 5.0)
    result["unit"] = table.loc[result["ratio"], "unit"].to_numpy()
    result.attrs["as_of"] = month_str(parse_month(as_of))
    return result


def scores(assessed: pd.DataFrame) -> pd.DataFrame:
    """Per enterprise: ``score`` = mean of the bands that could be computed, ``n_bands`` used."""
    grouped = assessed.groupby("enterprise", sort=False)["band"]
    return pd.DataFrame({"score": grouped.mean(), "n_bands": grouped.count()})


def score_change(panel: pd.DataFrame, as_of, *, thresholds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Scores now and a year before (same thresholds) and the change (positive = riskier)."""
    period = parse_month(as_of)
    now = scores(assess(panel, period, thresholds=thresholds))
    try:
        before = scores(assess(panel, period - 12, thresholds=thresholds))["score"]
    except SoeError:  # no data a year before
        before = pd.Series(np.nan, index=now.index)
    out = now.assign(score_prev=before.reindex(now.index))
    out["change"] = out["score"] - out["score_prev"]
    return out


def matrix(assessed: pd.DataFrame, lang: str = "zh", *, thresholds: pd.DataFrame | None = None) -> pd.DataFrame:
    """Enterprise × ratio table of bands (rows in panel order, 合计 last) with the score column."""
    table = load_thresholds() if thresholds is None else thresholds
    wide = assessed.pivot(index="enterprise", columns="ratio", values="band")
    order = [r for r in table.index if r in wide.columns]
    rows = [e for e in dict.fromkeys(assessed["enterprise"]) if e != TOTAL_ZH] + [TOTAL_ZH]
    wide = wide.reindex(index=rows, columns=order)
    wide["score"] = scores(assessed)["score"].reindex(rows)
    names = table["zh" if lang == "zh" else "en"].to_dict()
    wide = wide.rename(columns={**names, "score": "综合得分" if lang == "zh" else "Score"})
    if lang != "zh":
        wide = wide.rename(index={TOTAL_ZH: TOTAL_EN})
    wide.index.name = "企业" if lang == "zh" else "Enterprise"
    wide.columns.name = None
    return wide


