"""The city's growth beside the Ministry of Finance's monthly national SOE releases (real, public).

The releases are read by :func:`soe_analysis.io.reference.load_national_soe`:
``data/raw/reference/mof_soe_monthly_2013_2021.csv`` holds the releases as published: YTD
(1–m月) revenue and profit of all SOEs (``scope`` = national, central, local) in 亿元 with their
published like-for-like YoY growth in percent, a ``precision`` flag (``exact`` / ``rounded`` /
``approx``) and the ``source_url`` of each row. It is real data, and every table or chart made
from it says so. The file ends in 2021; a release month is compared with the city only where
the panel has the same month (and the city's YoY needs the month a year before as well).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .metrics import compared_year_on_year, pct_change
from .io.panel import dataset_label, prior_year_of_rows, year_on_year_columns
from .schema import ytd
from .errors import UsageError
from .params import as_names, check_as_of, check_lang, fill_params
from .periods import parse_month, ytd_label
from .io.reference import load_national_soe

SOURCE_NOTE_ZH = "全国国企数据：财政部全国国有及国有控股企业经济运行情况月度发布（真实公开数据），各行注明来源网址"
SOURCE_NOTE_EN = ("National SOE figures: Ministry of Finance monthly releases on state-owned and state-holding "
                  "enterprises (real published data; source URL per row)")
_SERIES_NAMES = {
    "zh": {"city": "本市市属国企", "national": "全国国企", "central": "中央企业", "local": "地方国企"},
    "en": {"city": "City SOEs", "national": "All SOEs (national)", "central": "Central SOEs", "local": "Local SOEs"},
}


SCOPES = ("national", "central", "local")
_CITY_LINES = (ytd("revenue"), ytd("total_profit"))


@dataclass(frozen=True)
class NationalParams:
    """Checked parameters of the national comparison (notebook 01)."""

    as_of: pd.Period                                  # releases up to this month
    lang: str = "zh"                                  # zh or en
    scopes: tuple[str, ...] = ("national", "local")   # release scopes shown beside the city


def check_params(panel: pd.DataFrame | None = None, **params) -> NationalParams:
    """Check the parameters (UsageError naming the bad one); with a panel, ``as_of`` must have data."""
    raw = fill_params(NationalParams, params, what="national")
    scopes = as_names(raw["scopes"], name="scopes")
    bad = [s for s in scopes if s not in SCOPES]
    if bad or not scopes:
        raise UsageError(f"national: scopes must be some of {', '.join(SCOPES)}, got {raw['scopes']!r}")
    return NationalParams(as_of=check_as_of(raw["as_of"], panel), lang=check_lang(raw["lang"]), scopes=scopes)


def growth_comparison(panel: pd.DataFrame, as_of, *, scopes=("national", "local"),
                      national: pd.DataFrame | None = None, lang: str = "zh") -> pd.DataFrame:
    """The city's YTD growth beside the national releases of the same months, up to ``as_of``.

    Returns
    -------
    DataFrame
        Long format: ``year, month, period_label, measure`` (``revenue`` / ``profit``),
        ``series`` (display name), ``scope`` (``city`` or a release scope), ``yoy_pct``,
        ``dataset`` (``real`` for releases, the panel's label for the city), ``precision``,
        ``source_url``. The city's YoY is like-for-like (:func:`metrics.headline`); its profit
        growth is a percentage only when both years are profits (else NaN: a growth rate
        across a loss means nothing), as in the headline paragraph.
    """
    period = parse_month(as_of)
    national = load_national_soe() if national is None else national
    national = national.rename(columns={"month_end": "month"}).fillna({"precision": "", "source_url": ""})
    key = national["year"] * 100 + national["month"]
    releases = national[national["scope"].isin(scopes) & (key <= period.year * 100 + period.month)]
    panel_months = set(zip(panel["year"], panel["month"]))
    months = sorted({(y, m) for y, m in zip(releases["year"], releases["month"]) if (y, m) in panel_months})
    names = _SERIES_NAMES["zh" if lang == "zh" else "en"]
    city_label = dataset_label(panel)
    city = year_on_year_columns(panel, _CITY_LINES)
    by_month = {period: rows.set_index("enterprise") for period, rows in city.groupby("period", sort=False)}
    no_rows = city.iloc[:0].set_index("enterprise")
    rows = []
    for year, month in months:
        this_month = pd.Period(year=year, month=month, freq="M")
        revenue_yoy, profit_yoy = _city_growth(city, this_month, by_month[f"{year:04d}-{month:02d}"],
                                               by_month.get(f"{year - 1:04d}-{month:02d}", no_rows))
        label = f"{year}年{ytd_label(this_month, 'zh')}" if lang == "zh" else f"{ytd_label(this_month, 'en')} {year}"
        for measure, value in (("revenue", revenue_yoy), ("profit", profit_yoy)):
            rows.append({"year": year, "month": month, "period_label": label, "measure": measure,
                         "series": names["city"], "scope": "city", "yoy_pct": value,
                         "dataset": city_label, "precision": "", "source_url": ""})
        for _, rel in releases[(releases["year"] == year) & (releases["month"] == month)].iterrows():
            for measure in ("revenue", "profit"):
                rows.append({"year": year, "month": month, "period_label": label, "measure": measure,
                             "series": names[rel["scope"]], "scope": rel["scope"],
                             "yoy_pct": rel[f"{measure}_yoy_pct"], "dataset": "real",
                             "precision": rel["precision"], "source_url": rel["source_url"]})
    columns = ["year", "month", "period_label", "measure", "series", "scope", "yoy_pct", "dataset",
               "precision", "source_url"]
    return pd.DataFrame(rows, columns=columns)


def _city_growth(city: pd.DataFrame, period: pd.Period, now: pd.DataFrame,
                 before: pd.DataFrame) -> tuple[float, float]:
    """The city's YTD revenue and total-profit YoY (%) at ``period``, as :func:`metrics.headline`
    computes them (one definition: :func:`metrics.compared_year_on_year`), for these two lines only:
    the whole headline per release month cost seconds. ``now`` and ``before`` are the month's and
    the year-before's rows (:func:`~.io.panel.month_rows`), cut once for every release month.
    Profit growth is NaN across a loss."""
    priors = prior_year_of_rows(now, before, _CITY_LINES)
    _, revenue_prev, revenue_now = compared_year_on_year(city, period, ytd("revenue"), now, before,
                                                         priors[ytd("revenue")])
    _, profit_prev, profit_now = compared_year_on_year(city, period, ytd("total_profit"), now, before,
                                                       priors[ytd("total_profit")])
    profit_yoy = pct_change(profit_now, profit_prev) if profit_now > 0 else float("nan")
    return pct_change(revenue_now, revenue_prev), profit_yoy
