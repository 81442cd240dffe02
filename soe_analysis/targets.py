"""The 2023 target registry, the implied-baseline check, and target probabilities.

The registry (``data/raw/targets_2023.csv``) lists every quantitative 2023 target of the source
document with its kind (level / growth / ratio / count), unit, whether it is a flow, a stock or a
ratio, the source sentence, and — when the flash reports can track it — the panel line(s).

:func:`evaluate_targets` forecasts each trackable target's full-year value as of a month
(:mod:`soe_analysis.forecast`), with 80%/95% intervals, the probability of reaching it (share of
simulated paths), the required monthly average for the remaining months against what those
months delivered in earlier years, and a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataError, UsageError
from .forecast import (YtdSeries, cut, simulate_full_year, simulate_ratio,
                       stock_series_from_panel, summarise_draws, ytd_series_from_panel)
from .io.panel import as_of as cut_as_of
from .periods import month_str, parse_month
from .metrics import round_half_up
from .schema import LINE_BY_NAME

TARGETS_FILE = config.RAW_DIR / "targets_2023.csv"
KINDS = ("level", "growth", "ratio", "count")
FLOW_STOCK = ("flow", "stock", "ratio", "none")
REQUIRED = ("target_id", "name_zh", "name_en", "kind", "value", "unit", "direction", "flow_stock",
            "trackable", "source_sentence")

# status from the probability of reaching the target
STATUS_THRESHOLDS = (0.8, 0.2)  # ≥ 0.8 on track; < 0.2 off track; between: at risk
STATUS_COLOURS = {"reached": "#1a9850", "on_track": "#66bd63", "at_risk": "#fdae61",
                  "off_track": "#d73027", "insufficient_data": "#bdbdbd"}
STATUS_LABELS = {
    "zh": {"reached": "已完成", "on_track": "有望完成", "at_risk": "存在风险", "off_track": "难以完成",
           "insufficient_data": "数据不足"},
    "en": {"reached": "reached", "on_track": "on track", "at_risk": "at risk", "off_track": "off track",
           "insufficient_data": "insufficient data"},
}


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the target registry; one-line DataError naming file, row and column."""
    path = Path(path) if path else TARGETS_FILE
    if not path.exists():
        raise DataError("target registry not found", file=str(path))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in REQUIRED:
        if col not in frame.columns:
            raise DataError("column missing", file=str(path), column=col)
    for col in ("stated_growth_pct", "stated_change", "line", "denominator", "enterprises", "tracks", "note"):
        if col not in frame.columns:
            frame[col] = ""
    out = frame.copy()
    for i, r in frame.iterrows():
        row = i + 2
        if r["kind"] not in KINDS:
            raise DataError(f"kind must be one of {', '.join(KINDS)}, got {r['kind']!r}", file=str(path), row=row, column="kind")
        if r["flow_stock"] not in FLOW_STOCK:
            raise DataError(f"flow_stock must be one of {', '.join(FLOW_STOCK)}", file=str(path), row=row, column="flow_stock")
        if r["direction"] not in (">=", "<="):
            raise DataError("direction must be >= or <=", file=str(path), row=row, column="direction")
        if r["trackable"] not in ("yes", "no"):
            raise DataError("trackable must be yes or no", file=str(path), row=row, column="trackable")
        for col in ("value", "stated_growth_pct", "stated_change"):
            if r[col].strip():
                try:
                    float(r[col])
                except ValueError:
                    raise DataError(f"not a number: {r[col]!r}", file=str(path), row=row, column=col) from None
        if r["trackable"] == "yes":
            for col in ("line", "denominator"):
                if r[col] and r[col] not in LINE_BY_NAME:
                    raise DataError(f"unknown panel line {r[col]!r}", file=str(path), row=row, column=col)
            if not r["line"]:
                raise DataError("a trackable target needs a line", file=str(path), row=row, column="line")
            if r["kind"] == "ratio" and not r["denominator"]:
                raise DataError("a ratio target needs a denominator", file=str(path), row=row, column="denominator")
    for col in ("value", "stated_growth_pct", "stated_change"):
        out[col] = pd.to_numeric(out[col].replace("", np.nan))
    out["trackable"] = out["trackable"] == "yes"
    out["source_row"] = range(2, len(out) + 2)
    return out


def implied_baseline(row) -> float:
    """The previous year's value a target implies: value / (1 + g) or value − change (NaN if neither)."""
    if np.isfinite(row.get("stated_growth_pct", np.nan)) and row["kind"] == "level":
        return float(row["value"]) / (1 + float(row["stated_growth_pct"]) / 100)
    if np.isfinite(row.get("stated_change", np.nan)):
        return float(row["value"]) - float(row["stated_change"])
    return float("nan")


def _enterprises(row):
    text = str(row.get("enterprises", "") or "").strip()
    return [e.strip() for e in text.split(";") if e.strip()] or None


def _series(panel: pd.DataFrame, line: str, enterprises) -> YtdSeries:
    spec = LINE_BY_NAME[line]
    if spec.kind == "stock":
        return stock_series_from_panel(panel, line, enterprises)
    return ytd_series_from_panel(panel, line, enterprises)


def baseline_check(panel: pd.DataFrame, as_of, *, targets: pd.DataFrame | None = None,
                   n_sims: int = 2000, seed: int = 0, target_year: int = 2023) -> pd.DataFrame:
    """Each target's implied baseline (the year before ``target_year``) against the data.

    Columns: target, unit, implied_baseline, data_ytd (YTD or latest level of the base year as
    of ``as_of``), data_month, data_full_year (published full year if known, else the point
    forecast), full_year_basis ("actual" / "forecast"), difference (implied − data full year),
    difference_pct.
    """
    targets = load_targets() if targets is None else targets
    period = parse_month(as_of)
    visible = cut_as_of(panel, period)
    rows = []
    for _, t in targets.iterrows():
        base = implied_baseline(t)
        if not np.isfinite(base) or not t["trackable"]:
            continue
        base_year = target_year - 1
        series = _series(visible, t["line"], _enterprises(t))
        seen = cut(series, period.year, period.month)
        if period.year > base_year:
            known = seen.full_year(base_year)
            rows.append(_baseline_row(t, base, known, known, 12, "actual"))
            continue
        sim = simulate_full_year(series, (period.year, period.month), base_year, n_sims=n_sims, seed=seed)
        current = sim["current_level"] if series.kind == "stock" else sim["ytd"]
        rows.append(_baseline_row(t, base, current, sim["point"], sim["origin_month"], "forecast"))
    return pd.DataFrame(rows)


def _baseline_row(t, base, ytd_value, full_year, month, basis) -> dict:
    diff = base - full_year
    return {"target": t["target_id"], "name_zh": t["name_zh"], "name_en": t["name_en"],
            "unit": t["unit"], "target_value": float(t["value"]), "implied_baseline": base,
            "data_ytd": float(ytd_value), "data_month": int(month), "data_full_year": float(full_year),
            "full_year_basis": basis, "difference": float(diff),
            "difference_pct": float(diff / abs(full_year) * 100) if full_year else float("nan")}


def status_of(p_reach: float, reached: bool = False) -> str:
    if reached:
        return "reached"
    if not np.isfinite(p_reach):
        return "insufficient_data"
    if p_reach >= STATUS_THRESHOLDS[0]:
        return "on_track"
    if p_reach < STATUS_THRESHOLDS[1]:
        return "off_track"
    return "at_risk"


def evaluate_targets(panel: pd.DataFrame, as_of, *, target_year: int = 2023,
                     targets: pd.DataFrame | None = None, n_sims: int = 2000,
                     seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Forecast every trackable target as of ``as_of`` (the target year or the year before).

    Returns (table, draws): one row per trackable target with target, name_zh, name_en, kind,
    unit, target_value, point, lo80, hi80, lo95, hi95, p_reach, required_monthly,
    past_monthly (mean of what the same remaining months delivered in earlier years),
    months_left, ytd, origin (last month with data), status; and ``draws`` (target → simulated
    full-year values, for fan charts). Reproducible for a fixed ``seed``.
    """
    targets = load_targets() if targets is None else targets
    period = parse_month(as_of)
    if period.year not in (target_year, target_year - 1):
        raise UsageError(f"as_of {month_str(period)} must be in {target_year} or {target_year - 1}")
    if n_sims < 10:
        raise UsageError(f"n_sims must be at least 10, got {n_sims}")
    visible = cut_as_of(panel, period)
    rows, draws = [], {}
    seeds = np.random.SeedSequence(seed).spawn(len(targets))
    for (_, t), ss in zip(targets.iterrows(), seeds):
        if not t["trackable"]:
            continue
        sub_seed = int(ss.generate_state(1)[0])
        row, d = _evaluate_one(visible, t, period, target_year, n_sims, sub_seed)
        rows.append(row)
        draws[t["target_id"]] = d
    return pd.DataFrame(rows), draws


def _evaluate_one(panel, t, period, target_year, n_sims, seed):
    ents = _enterprises(t)
    as_of = (period.year, period.month)
    direction = t["direction"]
    base = {"target": t["target_id"], "name_zh": t["name_zh"], "name_en": t["name_en"],
            "kind": t["kind"], "flow_stock": t["flow_stock"], "unit": t["unit"],
            "target_value": float(t["value"])}
    if t["kind"] == "ratio":
        num, den = _series(panel, t["line"], ents), _series(panel, t["denominator"], ents)
        sim = simulate_ratio(num, den, as_of, target_year, n_sims=n_sims, seed=seed)
        summary = summarise_draws(sim["draws"], sim["point"], float(t["value"]), direction)
        months_left = 12 - sim["origin_month"] + (12 if target_year > sim["origin_year"] else 0)
        extra = {"required_monthly": float("nan"), "past_monthly": float("nan"), "pace_unit": "",
                 "ytd": sim["ytd"] if sim["origin_year"] == target_year else float("nan"),
                 "months_left": months_left, "rho": sim["rho"]}
        return _finish(base, summary, extra, sim, reached=False), sim["draws"]

    series = _series(panel, t["line"], ents)
    sim = simulate_full_year(series, as_of, target_year, n_sims=n_sims, seed=seed)
    in_year = sim["origin_year"] == target_year
    months_left = 12 - sim["origin_month"] + (0 if in_year else 12)
    if t["kind"] == "growth":
        # growth of the target year's full year over the year before, path by path
        if in_year:
            prev = series.full_year(target_year - 1)
            prev_draws = np.full(n_sims, prev)
        else:
            prev, prev_draws = sim["base_point"], sim["base_draws"]
        with np.errstate(divide="ignore", invalid="ignore"):
            g_draws = np.where(prev_draws > 0, (sim["draws"] / prev_draws - 1) * 100, np.nan)
            g_point = (sim["point"] / prev - 1) * 100 if prev > 0 else float("nan")
        summary = summarise_draws(g_draws, g_point, float(t["value"]), direction)
        required, past = _growth_pace(series, sim, float(t["value"]), target_year)
        extra = {"required_monthly": required, "past_monthly": past, "pace_unit": "%",
                 "ytd": sim["ytd"] if in_year else float("nan"), "months_left": months_left,
                 "level_target": prev * (1 + float(t["value"]) / 100)}
        return _finish(base, summary, extra, sim, reached=False), g_draws

    summary = summarise_draws(sim["draws"], sim["point"], float(t["value"]), direction)
    required, past = _required(series, sim, float(t["value"]), target_year, months_left)
    spec = LINE_BY_NAME[t["line"]]
    reached = (spec.kind == "flow" and spec.nonneg and in_year and direction == ">="
               and np.isfinite(sim["ytd"]) and sim["ytd"] >= float(t["value"]))
    extra = {"required_monthly": required, "past_monthly": past, "pace_unit": f"{t['unit']}/月",
             "ytd": sim["ytd"] if in_year and series.kind == "flow" else
             sim.get("current_level", float("nan")),
             "months_left": months_left}
    return _finish(base, summary, extra, sim, reached=reached), sim["draws"]


def _required(series: YtdSeries, sim: dict, level_target: float, target_year: int,
              months_left: int) -> tuple[float, float]:
    """(required average per remaining month, mean of what those months delivered before).

    Flows: (target − YTD) / months left, against the mean over earlier complete years of
    (FY − YTD at the same month) / (12 − m) (from the year before: FY / 12). Stocks: the
    required average monthly change to December, against the same months' past changes.
    """
    if months_left <= 0:
        return float("nan"), float("nan")
    m, year = sim["origin_month"], sim["origin_year"]
    if series.kind == "stock":
        levels = series.meta["stock_levels"]
        current = sim["current_level"]
        required = (level_target - current) / months_left
        past = []
        for k in levels.index:
            if k >= year:
                continue
            if year == target_year and np.isfinite(levels.at[k, m]) and np.isfinite(levels.at[k, 12]):
                past.append((levels.at[k, 12] - levels.at[k, m]) / (12 - m))
            elif year < target_year and np.isfinite(levels.at[k, 12]) and (k - 1) in levels.index \
                    and np.isfinite(levels.at[k - 1, 12]):
                past.append((levels.at[k, 12] - levels.at[k - 1, 12]) / 12)
        return float(required), float(np.mean(past)) if past else float("nan")
    t = series.levels
    if year == target_year:
        required = (level_target - sim["ytd"]) / months_left
        rem = [(t.at[k, 12] - t.at[k, m]) / (12 - m) for k in t.index
               if k < year and np.isfinite(t.at[k, 12]) and np.isfinite(t.at[k, m])]
    else:
        required = level_target / 12  # the whole target year is still to come
        rem = [t.at[k, 12] / 12 for k in t.index if k < year and np.isfinite(t.at[k, 12])]
        if np.isfinite(sim["base_ytd"]):  # the origin year's own months count too
            rem.append(sim["base_ytd"] / m)
    return float(required), float(np.mean(rem)) if rem else float("nan")


def _growth_pace(series: YtdSeries, sim: dict, growth_pct: float, target_year: int) -> tuple[float, float]:
    """A growth target's pace in its own unit (%): (required, achieved before).

    In the target year: the growth over the same months of last year that the remaining months
    must show, against the growth the year so far shows. From the year before: the target
    growth itself, against the mean full-year growth of the years on record (the origin year
    counted by its YTD growth).
    """
    t, m, year = series.levels, sim["origin_month"], sim["origin_year"]

    def growth(k, month):
        a, b = t.at[k, month], t.at[k - 1, month] if k - 1 in t.index else np.nan
        return (a / b - 1) * 100 if np.isfinite(a) and np.isfinite(b) and b > 0 else np.nan

    if year == target_year:
        prev_fy, prev_m = t.at[year - 1, 12], t.at[year - 1, m]
        level_target = prev_fy * (1 + growth_pct / 100)
        rest_last = prev_fy - prev_m
        required = ((level_target - sim["ytd"]) / rest_last - 1) * 100 if rest_last > 0 else np.nan
        return float(required), float(growth(year, m))
    past = [growth(k, 12) for k in t.index if k < year] + [growth(year, m)]
    past = [g for g in past if np.isfinite(g)]
    return float(growth_pct), float(np.mean(past)) if past else float("nan")


def _finish(base, summary, extra, sim, reached) -> dict:
    from .forecast_reference import reference_coverage

    row = {**base, **summary, **extra}
    row["origin"] = f"{sim['origin_year']:04d}-{sim['origin_month']:02d}"
    row["method"], row["horizon"] = sim.get("method", ""), sim.get("horizon", "")
    row["calibration"] = sim.get("calibration", "")
    cover = reference_coverage(row["horizon"], sim["origin_month"]) if row["horizon"] else {}
    row["coverage80_pct"] = cover.get("coverage80_pct", float("nan"))
    row["coverage95_pct"] = cover.get("coverage95_pct", float("nan"))
    row["coverage_n"] = cover.get("n_interval", 0)  # backtest intervals behind the coverage
    row["status"] = status_of(summary["p_reach"], reached)
    if reached:
        row["p_reach"] = 1.0
    return row


# --------------------------------------------------------------------------------------------
# Notebook helpers: parameters, paths, tables and charts
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ForecastParams:
    """Notebook 04's and ``forecast``'s parameters, checked (``period`` is a parsed month)."""

    period: object
    target_year: int
    n_sims: int
    seed: int
    lang: str

    @property
    def horizon(self) -> str:
        """``next`` when the as-of month is in the year before the target year."""
        return "next" if self.period.year < self.target_year else "current"


FORECAST_DEFAULTS = {"as_of": "2022-10", "target_year": 2023, "n_sims": 2000, "seed": 0, "lang": "zh"}


def check_params(panel=None, **params) -> ForecastParams:
    """Validate notebook 04's / ``forecast``'s parameters; an unknown one is a UsageError naming it."""
    from .params import check_as_of, check_lang

    unknown = sorted(set(params) - set(FORECAST_DEFAULTS))
    if unknown:
        raise UsageError(f"unknown parameter {unknown[0]!r}; expected {', '.join(FORECAST_DEFAULTS)}")
    p = {**FORECAST_DEFAULTS, **params}
    period = check_as_of(p["as_of"], panel)
    try:
        target_year, n_sims, seed = int(p["target_year"]), int(p["n_sims"]), int(p["seed"])
    except (TypeError, ValueError):
        raise UsageError(f"target_year, n_sims and seed must be integers, got {p['target_year']!r}, "
                         f"{p['n_sims']!r}, {p['seed']!r}") from None
    if period.year not in (target_year, target_year - 1):
        raise UsageError(f"as_of {month_str(period)} must be in {target_year} or {target_year - 1}")
    if not 10 <= n_sims <= 1_000_000:
        raise UsageError(f"n_sims must be between 10 and 1,000,000, got {n_sims}")
    return ForecastParams(period, target_year, n_sims, seed, check_lang(p["lang"]))


def untrackable(registry: pd.DataFrame) -> pd.DataFrame:
    """The targets the flash reports cannot track, each with its reason (the registry's note)."""
    rows = registry.loc[~registry["trackable"]]
    return pd.DataFrame({"target": rows["target_id"], "name_zh": rows["name_zh"],
                         "name_en": rows["name_en"], "target_value": rows["value"],
                         "unit": rows["unit"], "reason": rows["note"]}).reset_index(drop=True)


def target_path(panel: pd.DataFrame, target_row, as_of, target_year: int) -> pd.Series:
    """The target year's observed path up to ``as_of``: YTD (flow) or level (stock), by month."""
    period = parse_month(as_of)
    visible = cut_as_of(panel, period)
    line = target_row["line"]
    series = _series(visible, line, _enterprises(target_row))
    if target_row["kind"] != "level" or target_year not in series.levels.index:
        return pd.Series(dtype=float)
    if series.kind == "stock":
        return series.meta["stock_levels"].loc[target_year].dropna()
    return series.levels.loc[target_year].dropna()


def status_table(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The target table for display: rounded figures, status as text, colour per row."""
    name = "name_zh" if lang == "zh" else "name_en"
    cols = ["target_value", "point", "lo80", "hi80", "lo95", "hi95", "required_monthly", "past_monthly",
            "coverage80_pct", "coverage95_pct"]
    out = table[[name, "unit", *cols, "coverage_n", "pace_unit", "p_reach", "status"]].copy()
    for c in cols:
        out[c] = out[c].map(lambda v: np.nan if pd.isna(v) else round_half_up(v, 2))
    out["p_reach"] = out["p_reach"].map(lambda v: np.nan if pd.isna(v) else round_half_up(v * 100, 1))
    out["status"] = out["status"].map(STATUS_LABELS[lang])
    heads = {"zh": ["目标", "单位", "目标值", "预测", "80%下限", "80%上限", "95%下限", "95%上限",
                    "所需进度", "往年进度", "回测80%覆盖率(%)", "回测95%覆盖率(%)", "回测区间数", "进度单位",
                    "达成概率(%)", "状态"],
             "en": ["target", "unit", "target value", "forecast", "lo 80%", "hi 80%", "lo 95%", "hi 95%",
                    "required pace", "past pace", "backtested 80% cover %", "backtested 95% cover %",
                    "backtest intervals", "pace unit", "P(reach) %", "status"]}[lang]
    out.columns = heads
    return out


def style_status(display: pd.DataFrame, statuses, lang: str = "zh"):
    """A pandas Styler colouring the status cell of each row (traffic lights)."""
    colours = [STATUS_COLOURS.get(s, "#bdbdbd") for s in statuses]
    col = display.columns[-1]

    def paint(column):
        if column.name != col:
            return [""] * len(column)
        return [f"background-color:{c};color:black;font-weight:bold" for c in colours]

    # labels and text cells are HTML-escaped: names come from data files
    return (display.style.apply(paint).format(precision=2, na_rep="–", escape="html")
            .format_index(escape="html", axis=0).format_index(escape="html", axis=1))


def plot_fan(row: dict, draws, path: pd.Series | None = None, *, target_year: int = 2023,
             lang: str = "zh", ax=None):
    """Fan chart of one target: observed path, cone to the December 50/80/95% ranges, target line."""
    from .plots.style import laid_out, new_axes

    own = ax is None
    ax = new_axes(ax, figsize=(6, 3.6))
    d = np.asarray(draws, float)
    d = d[np.isfinite(d)]
    origin_year, origin_month = (int(x) for x in row["origin"].split("-"))
    if origin_year < target_year:  # the whole target year is ahead: a flow starts at 0
        x0 = 0
        y0 = float(row["ytd"]) if row.get("flow_stock") == "stock" else 0.0
    else:
        x0, y0 = origin_month, float(path.iloc[-1]) if path is not None and len(path) else np.nan
    if row["kind"] == "level" and path is not None and len(path):
        ax.plot(path.index, path.to_numpy(), "o-", color="#2b3a4d", label="实际" if lang == "zh" else "actual")
    if len(d):
        q = np.quantile(d, [0.025, 0.1, 0.5, 0.9, 0.975])
        if row["kind"] == "level" and np.isfinite(y0):
            for lo, hi, alpha in ((q[0], q[4], 0.18), (q[1], q[3], 0.35)):
                ax.fill([x0, 12, 12], [y0, lo, hi], color="#4c72b0", alpha=alpha, lw=0)
            ax.plot([x0, 12], [y0, q[2]], "--", color="#4c72b0", label="预测中位数" if lang == "zh" else "median forecast")
        else:
            ax.errorbar([12], [q[2]], yerr=[[q[2] - q[0]], [q[4] - q[2]]], fmt="o", color="#4c72b0",
                        capsize=4, label="预测 (95%)" if lang == "zh" else "forecast (95%)")
            ax.errorbar([12], [q[2]], yerr=[[q[2] - q[1]], [q[3] - q[2]]], fmt="none", color="#4c72b0", lw=4)
    ax.axhline(row["target_value"], color="#d73027", lw=1.2, label="目标" if lang == "zh" else "target")
    ax.set_xlim(-0.3, 12.5)
    ax.set_xticks(range(0, 13, 3))
    ax.set_xlabel(f"{target_year}年 月份" if lang == "zh" else f"month of {target_year}")
    title = row["name_zh"] if lang == "zh" else row["name_en"]
    cover = row.get("coverage80_pct", np.nan)
    note = f", 80%区间回测覆盖 {cover:.0f}%" if lang == "zh" else f", 80% interval covered {cover:.0f}% in backtest"
    if np.isfinite(row["p_reach"]):
        title = f"{title} ({row['unit']})  P={row['p_reach'] * 100:.0f}%" + (note if np.isfinite(cover) else "")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    return laid_out(ax, own)


def plot_required(table: pd.DataFrame, *, lang: str = "zh", ax=None):
    """Required average per remaining month against what those months delivered in past years."""
    from .plots.style import laid_out, new_axes

    t = table[np.isfinite(table["required_monthly"])]
    own = ax is None
    ax = new_axes(ax, figsize=(7, 3.6))
    x = np.arange(len(t))
    ax.bar(x - 0.2, t["required_monthly"], 0.4, label="所需月均" if lang == "zh" else "required / month", color="#d73027")
    ax.bar(x + 0.2, t["past_monthly"], 0.4, label="往年同期月均" if lang == "zh" else "past years / month", color="#4c72b0")
    ax.set_xticks(x)
    ax.set_xticklabels(t["name_zh" if lang == "zh" else "name_en"], rotation=20)
    ax.set_ylabel("亿元 / 月" if lang == "zh" else "亿元 per month")
    ax.legend(fontsize=8)
    return laid_out(ax, own)
