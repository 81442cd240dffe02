"""The city's growth beside the national SOE releases (loaded by soe_analysis.io.reference)."""

from __future__ import annotations

import math

import pytest
from tests.synthpanel import make_panel

from soe_analysis import national


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


def test_check_params_contract():
    from soe_analysis.errors import UsageError

    assert national.check_params(as_of="2021-06").scopes == ("national", "local")
    assert national.check_params(as_of="2021-06", scopes="central").scopes == ("central",)
    with pytest.raises(UsageError, match="scopes must be some of"):
        national.check_params(as_of="2021-06", scopes=["provincial"])
    with pytest.raises(UsageError, match="unknown parameter 'scope'"):
        national.check_params(as_of="2021-06", scope="local")


def test_city_growth_uses_the_reported_prior_year_figure_when_printed():
    panel = make_panel([
        dict(enterprise="甲集团", period="2020-10", revenue_ytd=10.0, total_profit_ytd=1.0),
        dict(enterprise="甲集团", period="2021-10", revenue_ytd=12.0, total_profit_ytd=1.5),
    ])
    panel["revenue_ytd_prior_reported"] = [float("nan"), 11.0]  # printed in the 2021-10 report
    city = national.growth_comparison(panel, "2021-10")
    city = city[(city["scope"] == "city") & (city["year"] == 2021)].set_index("measure")["yoy_pct"]
    assert city["revenue"] == pytest.approx(100 * (12 / 11 - 1))  # the printed 上年同期, not 2020-10's 10
    assert city["profit"] == pytest.approx(50.0)                  # none printed: last year's own 1.0
