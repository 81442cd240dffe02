"""Scores of a backtest record: the accuracy goal, coverage by origin month, P(reach) and Brier.

Every figure is pooled over the records given (e.g. revenue and total profit) and says how many
forecasts (``n``) and metric-years (``n_years``) it rests on: with 4–8 outcome years per series,
one year moves a percentage by several points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .forecast_methods import weight
from .forecast_select import NESTED, known_before

# the goal of issue 12: per horizon, the origin months scored and the yardsticks of the default
GOALS = {
    "next": {"months": (10, 11, 12), "label": "next year, origins Oct–Dec",
             "yardsticks": ("no_change", "growth_continues")},
    "current": {"months": (6, 7, 8, 9, 10, 11), "label": "current year, months 6–11",
                "yardsticks": ("run_rate", "seasonal_share", "same_period")},
}
COVER80, COVER95 = (70.0, 90.0), (88.0, 100.0)
THRESHOLDS = (1.00, 1.05)  # P(full year ≥ last year's level × t)
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def _pool(records: dict) -> pd.DataFrame:
    return pd.concat([r.assign(metric=m) for m, r in records.items()], ignore_index=True)


def accuracy_row(records: dict, horizon: str) -> dict:
    """The goal's figures for one horizon, pooled over ``records`` (metric → backtest record).

    MAPE of the default (``nested``) and of each yardstick on the *same* forecasts (metric,
    year, origin month where all of them have a point); coverage of the default's intervals
    over the forecasts that had one. ``met_*`` say which goals are met.
    """
    goal = GOALS[horizon]
    rows = _pool(records)
    rows = rows[rows["month"].isin(goal["months"]) & np.isfinite(rows["point_level"])]
    methods = (NESTED, *goal["yardsticks"])
    wide = rows[rows["method"].isin(methods)].pivot_table(
        index=["metric", "year", "month"], columns="method", values="ape_pct", aggfunc="first")
    wide = wide.reindex(columns=list(methods)).dropna()
    mape = {k: float(wide[k].mean()) if len(wide) else float("nan") for k in methods}
    best = min(goal["yardsticks"], key=lambda k: mape[k]) if len(wide) else None
    cover = rows[(rows["method"] == NESTED) & rows["in80"].notna()]
    cov80 = float(cover["in80"].astype(float).mean() * 100) if len(cover) else float("nan")
    cov95 = float(cover["in95"].astype(float).mean() * 100) if len(cover) else float("nan")
    out = {"horizon": horizon, "label": goal["label"], "n": int(len(wide)),
           "n_years": int(len({(m, y) for m, y, _ in wide.index})),
           "default_mape_pct": mape[NESTED],
           **{f"{k}_mape_pct": mape[k] for k in goal["yardsticks"]},
           "best_yardstick": best, "coverage80_pct": cov80, "coverage95_pct": cov95,
           "n_interval": int(len(cover)),
           "n_interval_years": int(cover[["metric", "year"]].drop_duplicates().shape[0])}
    out["met_mape"] = bool(best is not None and mape[NESTED] <= mape[best] + 1e-12)
    out["met_coverage80"] = bool(COVER80[0] <= cov80 <= COVER80[1])
    out["met_coverage95"] = bool(COVER95[0] <= cov95 <= COVER95[1])
    return out


def accuracy_table(records_by_horizon: dict) -> pd.DataFrame:
    """One :func:`accuracy_row` per horizon (``{"next": {metric: record}, "current": …}``)."""
    return pd.DataFrame([accuracy_row(recs, h) for h, recs in records_by_horizon.items()])


def format_accuracy(table: pd.DataFrame) -> str:
    """The accuracy table as plain text, one block per horizon, saying which goals are met."""
    lines = []
    for r in table.to_dict("records"):
        yard = [k for k in GOALS[r["horizon"]]["yardsticks"]]
        figures = ", ".join(f"{k} {r[f'{k}_mape_pct']:.2f}" for k in yard)
        lines.append(f"{r['label']}: n = {r['n']} forecasts ({r['n_years']} metric-years)")
        lines.append(f"  MAPE % default (nested) {r['default_mape_pct']:.2f} vs {figures}"
                     f" -> {'met' if r['met_mape'] else 'NOT met'} (≤ {r['best_yardstick']})")
        lines.append(f"  80% intervals cover {r['coverage80_pct']:.1f}% (goal 70–90: "
                     f"{'met' if r['met_coverage80'] else 'NOT met'}); 95% cover "
                     f"{r['coverage95_pct']:.1f}% (goal 88–100: {'met' if r['met_coverage95'] else 'NOT met'});"
                     f" n = {r['n_interval']} intervals ({r['n_interval_years']} metric-years)")
    return "\n".join(lines)


def coverage_by_month(records: dict, method: str = NESTED) -> pd.DataFrame:
    """Pooled coverage of a method's 80%/95% intervals and its MAPE by origin month."""
    rows = _pool(records)
    rows = rows[(rows["method"] == method) & np.isfinite(rows["point_level"])]
    out = []
    for month, g in rows.groupby("month"):
        c = g[g["in80"].notna()]
        out.append({"month": int(month), "n": int(len(g)), "mape_pct": float(g["ape_pct"].mean()),
                    "coverage80_pct": float(c["in80"].astype(float).mean() * 100) if len(c) else np.nan,
                    "coverage95_pct": float(c["in95"].astype(float).mean() * 100) if len(c) else np.nan,
                    "n_interval": int(len(c))})
    return pd.DataFrame(out)


def _p_above(row, ratio: float) -> float:
    """P(FY ≥ ratio × last year's level) from the row's predictive distribution (t)."""
    from scipy.special import ndtr, stdtr  # what scipy.stats' t.sf / norm.sf compute, without its import

    if row["horizon"] == "next":
        centre, scale, df = row["growth"], row["sigma_g"], max(row["df_g"], 1.0)
        thr = np.log(ratio) if row["mode"] == "ratio" else (ratio - 1) * abs(row["base_point"])
    else:
        scale, df = row["sigma"] * weight(int(row["month"])), row["df"]
        prev = row["prev_level"]
        if row["mode"] == "ratio":
            centre, thr = np.log(row["point"]), np.log(ratio * prev) if prev > 0 else np.nan
        else:
            centre, thr = row["point"], prev + (ratio - 1) * abs(prev)
    if not (np.isfinite(scale) and scale > 0 and np.isfinite(thr) and np.isfinite(centre)):
        return float("nan")
    z = (thr - centre) / scale
    return float(stdtr(df, -z) if np.isfinite(df) else ndtr(-z))


def probability_scores(records: dict, series_by_metric: dict, method: str = NESTED) -> pd.DataFrame:
    """P(full year ≥ last year's level × t) for t in :data:`THRESHOLDS`, with outcome and climatology.

    One row per forecast of ``method`` with an interval and threshold: p, outcome (0/1),
    climatology (the share of outcome years known at the origin in which the event happened;
    0.5 with none). Brier scores come from :func:`brier`.
    """
    out = []
    for metric, record in records.items():
        levels = series_by_metric[metric].levels[12]
        events = {t: {int(y): float(levels[y] >= t * levels[y - 1]) for y in levels.index
                      if y - 1 in levels.index and np.isfinite(levels[y]) and np.isfinite(levels[y - 1])}
                  for t in THRESHOLDS}
        rows = record[(record["method"] == method) & record["in80"].notna()]
        for r in rows.to_dict("records"):
            year = int(r["year"])
            if year not in events[THRESHOLDS[0]]:
                continue
            r["prev_level"] = float(levels[year - 1])
            last = year - 1 if r["horizon"] == "next" and r["month"] == 12 else known_before(year, r["horizon"])
            for t in THRESHOLDS:
                past = [v for y, v in events[t].items() if y <= last]
                out.append({"metric": metric, "year": year, "month": int(r["month"]),
                            "horizon": r["horizon"], "threshold": t, "p": _p_above(r, t),
                            "outcome": events[t][year],
                            "climatology": float(np.mean(past)) if past else 0.5})
    frame = pd.DataFrame(out)
    return frame[np.isfinite(frame["p"])] if len(frame) else frame


def brier(scores: pd.DataFrame) -> dict:
    """Brier score of the forecasts and of climatology, and the skill 1 − B / B_clim."""
    if scores.empty:
        return {"n": 0, "brier": float("nan"), "brier_climatology": float("nan"), "skill": float("nan")}
    b = float(((scores["p"] - scores["outcome"]) ** 2).mean())
    c = float(((scores["climatology"] - scores["outcome"]) ** 2).mean())
    return {"n": int(len(scores)), "brier": b, "brier_climatology": c,
            "skill": 1 - b / c if c > 0 else float("nan")}


def reliability(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean forecast probability against observed frequency in bins of p (with counts)."""
    if scores.empty:
        return pd.DataFrame(columns=["bin", "n", "mean_p", "observed"])
    bins = pd.cut(scores["p"], BINS, include_lowest=True)
    g = scores.groupby(bins, observed=True)
    return pd.DataFrame({"n": g.size(), "mean_p": g["p"].mean(), "observed": g["outcome"].mean()}
                        ).reset_index().rename(columns={"p": "bin"})


def plot_reliability(tables: dict, *, ax=None, lang: str = "zh"):
    """Reliability diagram: observed frequency against forecast probability, per horizon."""
    from .plots.style import laid_out, new_axes

    own = ax is None
    ax = new_axes(ax, figsize=(4.2, 4.2))
    ax.plot([0, 1], [0, 1], "--", color="grey", lw=1)
    for label, t in tables.items():
        if len(t):
            ax.plot(t["mean_p"], t["observed"], "o-", label=label)
            for x, y, n in zip(t["mean_p"], t["observed"], t["n"]):
                ax.annotate(str(n), (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("预测概率" if lang == "zh" else "forecast probability")
    ax.set_ylabel("实际频率" if lang == "zh" else "observed frequency")
    ax.legend(fontsize=8)
    return laid_out(ax, own)
