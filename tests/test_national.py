"""The national SOE releases: loading the real file, bad rows, and the city beside them."""

from __future__ import annotations

import math

import pytest
from _overview_panel import make_panel

from soe_analysis import national
from soe_analysis.errors import DataError


def test_loads_the_shipped_releases():
    rel = national.load_national()
    assert set(rel["scope"]) <= {"national", "central", "local"}
    row = rel[(rel["year"] == 2021) & (rel["month"] == 10) & (rel["scope"] == "national")].iloc[0]
    # MoF 2021 1–10月: revenue 603860.0 亿元, +22.1%; profit 38250.4 亿元, +47.6%
    assert row["revenue_yi"] == 603860.0 and row["revenue_yoy_pct"] == 22.1
    assert row["profit_yoy_pct"] == 47.6 and row["source_url"].startswith("http")
    assert rel["year"].max() == 2021


def test_bad_number_names_file_row_and_column(tmp_path):
    bad = tmp_path / "mof.csv"
    bad.write_text("year,month_end,scope,revenue_yi,revenue_yoy_pct,profit_yi,profit_yoy_pct,debt_ratio_pct,source_url\n"
                   "2021,10,national,603860,22.1,38250.4,47.6,64.3,http://x\n"
                   "2021,11,national,abc,21.4,,,,http://y\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"mof.csv, row 3, column revenue_yi"):
        national.load_national(bad)


def test_city_beside_the_releases_in_the_same_months():
    panel = make_panel([
        dict(enterprise="甲集团", period="2020-10", revenue_ytd=10.0, total_profit_ytd=1.0),
        dict(enterprise="甲集团", period="2021-10", revenue_ytd=12.0, total_profit_ytd=1.5),
        dict(enterprise="甲集团", period="2021-11", revenue_ytd=13.0, total_profit_ytd=-0.5),
    ])
    comp = national.growth_comparison(panel, "2021-11")
    # months in both: 2020-10, 2021-10, 2021-11 (the panel has no other release month)
    assert sorted(set(zip(comp["year"], comp["month"]))) == [(2020, 10), (2021, 10), (2021, 11)]
    city = comp[comp["scope"] == "city"].set_index(["year", "month", "measure"])["yoy_pct"]
    assert city[(2021, 10, "revenue")] == pytest.approx(20.0)   # 12/10 − 1
    assert city[(2021, 10, "profit")] == pytest.approx(50.0)    # 1.5/1 − 1
    assert math.isnan(city[(2020, 10, "revenue")])               # no 2019-10 in the panel
    assert math.isnan(city[(2021, 11, "revenue")])               # no 2020-11 in the panel
    nat = comp[(comp["scope"] == "national") & (comp["year"] == 2021) & (comp["month"] == 10)]
    assert nat.set_index("measure").loc["revenue", "yoy_pct"] == 22.1
    assert (nat["dataset"] == "real").all()
    # as of 2021-10, November is not seen
    assert (national.growth_comparison(panel, "2021-10")["month"] != 11).all()
