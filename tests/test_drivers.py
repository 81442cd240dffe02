"""Tests of the profit bridge (soe_analysis.drivers), its finer effects, CLI verb and notebook.

Synthetic panels come from tests/synthpanel.py; every expected value is worked out by hand
in the comment beside it. The last section checks the shipped demonstration panel and skips when
it has not been built (`soe-analysis ingest`).
"""

from __future__ import annotations

import json
import math
from itertools import permutations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soe_analysis import config
from soe_analysis import drivers as d
from soe_analysis.cli import main
from soe_analysis.errors import SoeError, UsageError
from soe_analysis.text import drivers as words
from tests.synthpanel import lines, make_panel as panel, row
from tests.nbrun import run_notebook

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# The line-item bridge, by hand


def test_line_items_by_hand():
    # 甲 base: P = 100 − 90 + 1 + 2 + 0.5 − 0.3 = 13.2
    # 甲 current: revenue 110, cost 105 of which depreciation 14 → P = 110 − 105 + 3.2 = 8.2
    p = panel([row("甲", "2021-10", **lines()),
               row("甲", "2022-10", **lines(revenue=110, total_cost=105, depreciation=14))])
    br = d.bridge(p, "2022-10")
    e = br.effects.loc["甲"]
    assert e["revenue_volume"] == pytest.approx(1.32)   # Δrevenue 10 × base margin 13.2/100
    assert e["depreciation"] == pytest.approx(-4.0)     # −(14 − 10)
    assert e["staff_cost"] == 0 and e["interest_expense"] == 0
    # revenue net of other costs: 10 − [(105 − 90) − (14 − 10)] = −1, of which volume 1.32
    assert e["margin"] == pytest.approx(-2.32)
    assert e["other_gains"] == 0 and e["one_off_items"] == 0
    assert e["unexplained"] == pytest.approx(0.0, abs=1e-12)
    assert e["entry_exit"] == 0
    assert br.profit.at["甲", "change"] == pytest.approx(-5.0)  # 8.2 − 13.2
    assert e.sum() == pytest.approx(-5.0)
    assert br.base == pd.Period("2021-10", "M") and br.is_year_on_year


def test_staff_interest_one_off_and_unexplained_by_hand():
    # base: other_income 4 of which one-off 3; gains = 4 + 2 + 0.5 − 0.3 = 6.2, P = 100 − 90 + 6.2 = 16.2
    # current: staff 23, interest 6.5, other_income 1, no one-off; reported profit 2.0 lower
    #   than the identity (e.g. an impairment loss the flash report does not carry):
    #   identity P = 100 − 95 + (1 + 2 + 0.5 − 0.3) = 8.2, reported 6.2
    p = panel([row("乙", "2021-10", **lines(other_income=4.0, one_off_items=3.0)),
               row("乙", "2022-10", **lines(total_cost=95, staff_cost=23, interest_expense=6.5,
                                           other_income=1.0, one_off_items=0.0, total_profit=6.2))])
    e = d.bridge(p, "2022-10").effects.loc["乙"]
    assert e["staff_cost"] == pytest.approx(-3.0)        # −(23 − 20)
    assert e["interest_expense"] == pytest.approx(-1.5)  # −(6.5 − 5)
    assert e["revenue_volume"] == 0                      # revenue unchanged
    assert e["margin"] == pytest.approx(-0.5)            # 0 − [(95 − 90) − 3 − 1.5]
    assert e["one_off_items"] == pytest.approx(-3.0)     # 0 − 3
    assert e["other_gains"] == pytest.approx(0.0, abs=1e-12)  # (3.2 − 0) − (6.2 − 3)
    assert e["unexplained"] == pytest.approx(-2.0)       # 6.2 − 8.2 (current) − 0 (base)
    assert e.sum() == pytest.approx(6.2 - 16.2)


def test_entry_exit_and_totals():
    # 丙 enters with profit 13.2; 丁 leaves with profit 50 − 60 + 3.2 = −6.8 → effect +6.8
    p = panel([row("甲", "2021-10", **lines()), row("甲", "2022-10", **lines(revenue=101)),
               row("丙", "2022-10", **lines()),
               row("丁", "2021-10", **lines(revenue=50, total_cost=60))])
    br = d.bridge(p, "2022-10")
    assert dict(br.status) == {"甲": "both", "丙": "entry", "丁": "exit"}
    assert br.effects.at["丙", "entry_exit"] == pytest.approx(13.2)
    assert br.effects.at["丁", "entry_exit"] == pytest.approx(6.8)
    assert (br.effects.loc[["丙", "丁"], list(d.LIKE_FOR_LIKE_DRIVERS)] == 0).all().all()
    # total change: (14.2 + 13.2) − (13.2 − 6.8) = 27.4 − 6.4 = 21.0
    assert br.total_change == pytest.approx(21.0)
    assert br.totals().sum() == pytest.approx(21.0)
    assert br.totals()["entry_exit"] == pytest.approx(20.0)  # 13.2 + 6.8
    assert br.total_profit_base == pytest.approx(6.4) and br.total_profit_current == pytest.approx(27.4)
    lfl = br.like_for_like()
    assert list(lfl.effects.index) == ["甲"]
    assert lfl.total_change == pytest.approx(1.0)  # only 甲: revenue +1


def test_like_for_like_removes_one_offs():
    # 甲 base P = 16.2 incl. one-off 3 → recurring 13.2; current P = 13.2, no one-off → change 0
    p = panel([row("甲", "2021-10", **lines(other_income=4.0, one_off_items=3.0)),
               row("甲", "2022-10", **lines())])
    br = d.bridge(p, "2022-10")
    assert br.total_change == pytest.approx(-3.0)
    lfl = br.like_for_like()
    assert lfl.profit.at["甲", "base"] == pytest.approx(13.2)
    assert lfl.total_change == pytest.approx(0.0, abs=1e-12)
    assert "one_off_items" not in lfl.effects and "entry_exit" not in lfl.effects


def test_missing_lines_policy():
    # depreciation not reported in the base: not split out, stays in other costs
    # revenue not reported in the current period: no volume or margin, the change is unexplained
    base = lines()
    base["depreciation"] = float("nan")
    cur = lines(total_cost=92, depreciation=13)
    cur["total_profit"] = 100 - 92 + 3.2  # 11.2: revenue 100 really, but the column is missing
    cur["revenue"] = float("nan")
    p = panel([row("甲", "2021-10", **base), row("甲", "2022-10", **cur)])
    br = d.bridge(p, "2022-10")
    e = br.effects.loc["甲"]
    assert math.isnan(e["depreciation"]) and math.isnan(e["revenue_volume"]) and math.isnan(e["margin"])
    assert e["unexplained"] == pytest.approx(-2.0)   # ΔP = 11.2 − 13.2, nothing else explains it
    assert e.sum() == pytest.approx(-2.0)             # NaN skipped
    joined = " ".join(br.notes["甲"])
    assert "depreciation" in joined and "revenue" in joined


def test_profit_not_reported_excludes_enterprise():
    cur = lines()
    cur["total_profit"] = float("nan")
    p = panel([row("甲", "2021-10", **lines()), row("甲", "2022-10", **cur),
               row("乙", "2021-10", **lines()), row("乙", "2022-10", **lines(revenue=105))])
    br = d.bridge(p, "2022-10")
    assert list(br.effects.index) == ["乙"]
    assert "2022-10" in br.excluded["甲"]
    assert br.total_change == pytest.approx(5.0)


def test_any_base_and_single_month_basis():
    p = panel([row("甲", "2022-06", **lines()), row("甲", "2022-10", **lines(revenue=130, total_cost=110))])
    br = d.bridge(p, "2022-10", "2022-06")
    assert not br.is_year_on_year
    assert br.warnings and "different lengths" in br.warnings[0]
    assert br.effects.at["甲", "revenue_volume"] == pytest.approx(3.96)  # 30 × 13.2/100
    assert br.effects.at["甲", "margin"] == pytest.approx(6.04)  # (30 − 20) − 3.96
    m = d.bridge(p, "2022-10", "2022-06", basis="m")  # the fixture puts the same numbers in _m
    assert m.basis == "m" and m.effects.at["甲", "revenue_volume"] == pytest.approx(3.96)
    assert m.period_label("current", "zh") == "2022年10月"
    with pytest.raises(UsageError):
        d.bridge(p, "2022-06", "2022-10")
    with pytest.raises(SoeError):
        d.bridge(p, "2022-10", "2022-01")  # no data in the base month
    with pytest.raises(UsageError):
        d.bridge(p, "2022-10", basis="quarter")


def test_as_of_cut_ignores_later_months():
    p = panel([row("甲", "2021-10", **lines()), row("甲", "2022-10", **lines(revenue=101)),
               row("乙", "2022-12", **lines())])  # later data must not enter the 2022-10 bridge
    br = d.bridge(p, "2022-10")
    assert list(br.effects.index) == ["甲"]


# ---------------------------------------------------------------------------------------------
# Property: the effects always sum to the change

finite = st.floats(min_value=-500, max_value=500, allow_nan=False, allow_infinity=False)
maybe = st.one_of(finite, finite, finite, st.just(float("nan")))
LINE_NAMES = ("revenue", "total_cost", "depreciation", "staff_cost", "interest_expense", "other_income",
              "investment_income", "non_operating_income", "non_operating_expense", "one_off_items")


@st.composite
def enterprise_lines(draw):
    vals = {k: draw(maybe) for k in LINE_NAMES}
    if draw(st.booleans()):
        vals["revenue"] = 0.0  # zero revenue
    # need not satisfy the identity; sometimes not reported at all (the enterprise is excluded)
    vals["total_profit"] = draw(st.one_of(*[finite] * 6, st.just(float("nan"))))
    return vals


@st.composite
def random_panels(draw):
    n = draw(st.integers(1, 5))
    rows, expected = [], {}
    for i in range(n):
        name = f"企业{i}"
        presence = draw(st.sampled_from(["both", "both", "base", "current"]))
        b, c = draw(enterprise_lines()), draw(enterprise_lines())
        if presence in ("both", "base"):
            rows.append(row(name, "2021-09", **b))
        if presence in ("both", "current"):
            rows.append(row(name, "2022-09", **c))
        expected[name] = (c["total_profit"] if presence != "base" else 0.0) - (
            b["total_profit"] if presence != "current" else 0.0)  # NaN: profit not reported → excluded
    if not any(r["period"] == "2022-09" for r in rows):
        rows.append(row("补", "2022-09", **draw(enterprise_lines())))
        expected["补"] = rows[-1]["total_profit_ytd"]
    if not any(r["period"] == "2021-09" for r in rows):
        rows.append(row("旧", "2021-09", **draw(enterprise_lines())))
        expected["旧"] = -rows[-1]["total_profit_ytd"]
    excluded = {k for k, v in expected.items() if math.isnan(v)}
    return panel(rows), {k: v for k, v in expected.items() if k not in excluded}, excluded


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_panels())
def test_effects_always_sum_to_change(case):
    p, expected, excluded = case
    if not expected:  # nothing can be bridged: an error, never a silent zero
        with pytest.raises(SoeError):
            d.bridge(p, "2022-09")
        return
    br = d.bridge(p, "2022-09")
    assert set(br.effects.index) == set(expected)
    assert set(br.excluded) == excluded
    for name, change in expected.items():
        assert br.profit.at[name, "change"] == pytest.approx(change, abs=1e-9)
        assert br.effects.loc[name].sum() == pytest.approx(change, abs=1e-9)  # NaN skipped
        assert not math.isnan(br.effects.at[name, "unexplained"])
    total = sum(expected.values())
    assert br.total_change == pytest.approx(total, abs=1e-9)
    assert br.totals().sum() == pytest.approx(total, abs=1e-9)
    lfl = br.like_for_like()
    assert lfl.effects.sum(axis=1).to_numpy() == pytest.approx(lfl.profit["change"].to_numpy(), abs=1e-9)
    for lang in ("zh", "en"):
        assert all(isinstance(t, str) and t for t in words.explanations(br, lang=lang).values())


# ---------------------------------------------------------------------------------------------
# Shapley and chain substitution


def test_shapley_equals_chain_for_additive_function():
    def f(a, b, c, e):
        return 3 * a - 2 * b + c + 0.5 * e

    base = {"a": 1.0, "b": 2.0, "c": -4.0, "e": 10.0}
    cur = {"a": 2.5, "b": 1.0, "c": 3.0, "e": 6.0}
    sh = d.shapley(f, base, cur)
    # additive: each effect is its own term's change: 3·1.5, −2·(−1), 7, 0.5·(−4)
    assert sh == pytest.approx({"a": 4.5, "b": 2.0, "c": 7.0, "e": -2.0})
    for order in permutations(base):
        assert d.chain_substitution(f, base, cur, order=order) == pytest.approx(sh)


def test_shapley_is_order_invariant_and_efficient():
    def f(x, y, z):
        return x * y ** 2 - z * x + y * z

    base = {"x": 1.0, "y": 2.0, "z": 3.0}
    cur = {"x": 4.0, "y": -1.0, "z": 0.5}
    ref = d.shapley(f, base, cur)
    for order in permutations(base):
        again = d.shapley(f, {k: base[k] for k in order}, {k: cur[k] for k in order})
        assert again == pytest.approx(ref)
    # efficiency: f(cur) − f(base) = (4·1 − 0.5·4 − 0.5) − (1·4 − 3 + 6) = 1.5 − 7 = −5.5
    assert sum(ref.values()) == pytest.approx(-5.5)
    # chain substitution depends on the order for this non-additive f
    c1 = d.chain_substitution(f, base, cur, order=["x", "y", "z"])
    c2 = d.chain_substitution(f, base, cur, order=["z", "y", "x"])
    assert c1["x"] != pytest.approx(c2["x"])
    assert sum(c1.values()) == pytest.approx(-5.5) and sum(c2.values()) == pytest.approx(-5.5)


def test_shapley_two_factor_product_by_hand():
    # f = a·b: Shapley gives Δa·(b0+b1)/2 and Δb·(a0+a1)/2 → 2·(5+8)/2 = 13, 3·(10+12)/2 = 33
    sh = d.shapley(lambda a, b: a * b, {"a": 10.0, "b": 5.0}, {"a": 12.0, "b": 8.0})
    assert sh == pytest.approx({"a": 13.0, "b": 33.0})


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.data())
def test_shapley_efficiency_any_n(n, data):
    names = [f"f{i}" for i in range(n)]
    base = {k: data.draw(finite, label=k) for k in names}
    cur = {k: data.draw(finite, label=k + "'") for k in names}

    def prod(**kw):
        return float(np.prod([kw[k] for k in names]))

    sh = d.shapley(prod, base, cur)
    # float tolerance relative to the largest product any subset can give
    scale = float(np.prod([max(abs(base[k]), abs(cur[k]), 1.0) for k in names]))
    assert sum(sh.values()) == pytest.approx(prod(**cur) - prod(**base), abs=1e-12 * scale)


def test_shapley_rejects_bad_factors():
    with pytest.raises(UsageError):
        d.shapley(lambda **k: 0, {"a": 1}, {"b": 1})
    with pytest.raises(UsageError):
        d.chain_substitution(lambda a, b: a + b, {"a": 1, "b": 2}, {"a": 1, "b": 2}, order=["a"])


# ---------------------------------------------------------------------------------------------
# Finer effects, by hand


def test_volume_margin_by_hand():
    # R 100 → 120, P 10 → 9: margins 10% → 7.5%
    p = panel([row("甲", "2021-10", **lines(total_profit=10.0)),
               row("甲", "2022-10", **lines(revenue=120, total_profit=9.0))])
    vm = d.volume_margin(d.bridge(p, "2022-10")).loc["甲"]
    assert vm["margin_base_pct"] == pytest.approx(10.0) and vm["margin_current_pct"] == pytest.approx(7.5)
    assert vm["volume"] == pytest.approx(1.75)        # 20 × (0.10 + 0.075)/2
    assert vm["margin"] == pytest.approx(-2.75)       # −0.025 × (100 + 120)/2
    assert vm["volume_chain"] == pytest.approx(2.0)   # 20 × 0.10
    assert vm["margin_chain"] == pytest.approx(-3.0)  # −0.025 × 120
    assert vm["volume"] + vm["margin"] == pytest.approx(-1.0)


def test_volume_margin_zero_revenue_is_nan():
    p = panel([row("甲", "2021-10", **lines(revenue=0.0, total_profit=-1.0)),
               row("甲", "2022-10", **lines(total_profit=2.0))])
    vm = d.volume_margin(d.bridge(p, "2022-10")).loc["甲"]
    assert math.isnan(vm["volume"]) and math.isnan(vm["margin"]) and vm["change"] == pytest.approx(3.0)


def _mix_panel():
    # A: R 50 → 90, P 10 → 9 (margin 20% → 10%); B: R 50 → 30, P 5 → 6 (10% → 20%); T 100 → 120
    return panel([row("A", "2021-10", **lines(revenue=50, total_profit=10.0)),
                  row("A", "2022-10", **lines(revenue=90, total_profit=9.0)),
                  row("B", "2021-10", **lines(revenue=50, total_profit=5.0)),
                  row("B", "2022-10", **lines(revenue=30, total_profit=6.0))])


def test_mix_effect_by_hand():
    mx = d.mix_effect(d.bridge(_mix_panel(), "2022-10"))
    # Shapley for x·y·z: φ_x = Δx·[(y0z0 + y1z1)/3 + (y0z1 + y1z0)/6]
    # A: volume 20·[(.5·.2 + .75·.1)/3 + (.5·.1 + .75·.2)/6] = 20·(0.175/3 + 0.2/6) = 1.833333
    #    mix    .25·[(100·.2 + 120·.1)/3 + (100·.1 + 120·.2)/6] = .25·(32/3 + 34/6) = 4.083333
    #    margin −.1·[(50 + 90)/3 + (75 + 60)/6] = −.1·(140/3 + 22.5) = −6.916667
    assert mx.at["A", "volume"] == pytest.approx(20 * (0.175 / 3 + 0.2 / 6))
    assert mx.at["A", "mix"] == pytest.approx(0.25 * (32 / 3 + 34 / 6))
    assert mx.at["A", "margin"] == pytest.approx(-0.1 * (140 / 3 + 22.5))
    # B: volume 20·[(.05 + .05)/3 + (.1 + .025)/6] = 1.083333; mix −.25·(34/3 + 32/6) = −4.166667;
    #    margin .1·[(50 + 30)/3 + (25 + 60)/6] = 4.083333
    assert mx.at["B", "volume"] == pytest.approx(20 * (0.1 / 3 + 0.125 / 6))
    assert mx.at["B", "mix"] == pytest.approx(-0.25 * (34 / 3 + 32 / 6))
    assert mx.at["B", "margin"] == pytest.approx(0.1 * (80 / 3 + 85 / 6))
    # totals: 2.916667, −0.083333, −2.833333, summing to the change 15 − 15 = 0
    assert mx.at["Total", "volume"] == pytest.approx(35 / 12)
    assert mx.at["Total", "mix"] == pytest.approx(-1 / 12)
    assert mx.at["Total", "margin"] == pytest.approx(-34 / 12)
    assert mx.at["Total", "change"] == pytest.approx(0.0, abs=1e-12)
    # chain volume → mix → margin for A: 20·.5·.2 = 2, 120·.25·.2 = 6, 120·.75·(−.1) = −9
    assert (mx.at["A", "volume_chain"], mx.at["A", "mix_chain"], mx.at["A", "margin_chain"]) == \
        pytest.approx((2.0, 6.0, -9.0))


def test_pure_mix_shift():
    # T unchanged (100), margins unchanged (A 20%, B 0%), share of A 50% → 75%: all of ΔP = +5 is mix
    p = panel([row("A", "2021-10", **lines(revenue=50, total_profit=10.0)),
               row("A", "2022-10", **lines(revenue=75, total_profit=15.0)),
               row("B", "2021-10", **lines(revenue=50, total_profit=0.0)),
               row("B", "2022-10", **lines(revenue=25, total_profit=0.0))])
    mx = d.mix_effect(d.bridge(p, "2022-10"))
    assert mx.at["Total", "mix"] == pytest.approx(5.0)
    assert mx.at["Total", "volume"] == pytest.approx(0.0, abs=1e-12)
    assert mx.at["Total", "margin"] == pytest.approx(0.0, abs=1e-12)


def test_interest_split_by_hand():
    rows = []
    # base year: Dec-2020 80, Jan–Oct 2021 102 each → average (80 + 10·102)/11 = 100
    rows.append(row("甲", "2020-12", debt=80.0))
    rows += [row("甲", f"2021-{m:02d}", debt=102.0) for m in range(1, 10)]
    rows.append(row("甲", "2021-10", debt=102.0, **lines(interest_expense=5.0)))
    rows.append(row("甲", "2021-12", debt=98.0))  # current: (98 + 10·122.2)/11 = 120
    rows += [row("甲", f"2022-{m:02d}", debt=122.2) for m in range(1, 10)]
    rows.append(row("甲", "2022-10", debt=122.2, **lines(interest_expense=7.0, total_cost=92)))
    br = d.bridge(panel(rows), "2022-10")
    it = d.interest_split(br).loc["甲"]
    assert it["avg_debt_base"] == pytest.approx(100.0) and it["avg_debt_current"] == pytest.approx(120.0)
    # annual rates: 5 / (100 · 10/12) = 6%, 7 / (120 · 10/12) = 7%
    assert it["rate_base_pct"] == pytest.approx(6.0) and it["rate_current_pct"] == pytest.approx(7.0)
    # Shapley: 20 · 0.065 · 10/12 = 1.083333; 0.01 · 110 · 10/12 = 0.916667; equal lengths → 0
    assert it["volume_effect"] == pytest.approx(1.0833333333)
    assert it["rate_effect"] == pytest.approx(0.9166666667)
    assert it["length_effect"] == pytest.approx(0.0, abs=1e-12)
    assert it["change"] == pytest.approx(2.0)
    total = d.interest_split(br).loc["Total"]
    assert total["volume_effect"] == pytest.approx(1.0833333333)  # the sum of the one row
    # and in the bridge, the interest effect on profit is −2
    assert br.effects.at["甲", "interest_expense"] == pytest.approx(-2.0)


def test_interest_split_without_debt_is_nan():
    p = panel([row("甲", "2021-10", **lines()), row("甲", "2022-10", **lines(interest_expense=6.0))])
    it = d.interest_split(d.bridge(p, "2022-10")).loc["甲"]
    assert math.isnan(it["volume_effect"]) and it["change"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# Explanations


def test_explanation_wording_adapts_to_sign():
    # 甲: profit 16.2 incl. one-off 3 → −1.8: revenue −20 (100 → 80) at the base margin 16.2% is
    #   −3.24; revenue net of other costs −20 + 5 = −15, so the margin effect is −15 + 3.24 = −11.76
    p = panel([row("甲", "2021-10", **lines(other_income=4.0, one_off_items=3.0)),
               row("甲", "2022-10", **lines(revenue=80, total_cost=85)),
               row("乙", "2021-10", **lines()),
               row("乙", "2022-10", **lines(revenue=104, depreciation=9))])
    br = d.bridge(p, "2022-10")
    zh = words.explain(br, "甲")
    assert zh.startswith("甲2022年1-10月利润总额-1.80亿元，同比减少18.00亿元（上年同期盈利16.20亿元，由盈转亏）")
    assert ("主要因收入扣除其他成本费用后的毛利减少11.76亿元、收入规模变动（按基期利润率）减利3.24亿元、"
            "上年同期一次性收益3.00亿元（本期0.00亿元）。") in zh
    # 乙: revenue +4, depreciation 10 → 9 (a lower cost raises profit): 13.2 → 17.2
    zh2 = words.explain(br, "乙")
    # effects: volume 4 × 13.2% = 0.528, depreciation +1 (10 → 9), other costs +1 (total cost
    # unchanged at 90): margin = (4 − 1) − 0.528 = 2.472
    assert "同比增加4.00亿元" in zh2
    assert "主要因收入扣除其他成本费用后的毛利增加2.47亿元、折旧减少1.00亿元、收入规模变动（按基期利润率）增利0.53亿元" in zh2
    assert br.effects.at["乙", "depreciation"] == pytest.approx(1.0)
    en = words.explain(br, "甲", lang="en")
    assert "down 18.00 year on year" in en and "swinging to a loss" in en
    assert "a lower margin on revenue net of other costs (-11.76)" in en
    total = words.explain(br, None)
    assert total.startswith("市属国企合计2022年1-10月利润总额15.40亿元，同比减少14.00亿元")  # 29.4 → 15.4
    with pytest.raises(UsageError):
        words.explain(br, "无此企业")
    with pytest.raises(UsageError):
        words.explain(br, "甲", lang="fr")


def test_explanation_loss_narrowing_and_cost_rising():
    # 丙: loss −6.8 → −4.8 though depreciation rose by 1 (revenue +3); base margin −6.8/50, so the
    #   volume effect is 3 × −0.136 = −0.408 (more revenue at a loss-making margin)
    p = panel([row("丙", "2021-10", **lines(revenue=50, total_cost=60)),
               row("丙", "2022-10", **lines(revenue=53, total_cost=61, depreciation=11))])
    zh = words.explain(d.bridge(p, "2022-10"), "丙")
    assert "亏损收窄" in zh and "同比增加2.00亿元" in zh
    assert "部分被折旧增加1.00亿元、收入规模变动（按基期利润率）减利0.41亿元抵消" in zh


# ---------------------------------------------------------------------------------------------
# Command line


def _write(p: pd.DataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "panel.parquet"
    p.to_parquet(path)
    return path


def test_cli_json_and_text(tmp_path, capsys):
    path = _write(_mix_panel(), tmp_path)
    assert main(["drivers", "--as-of", "2022-10", "--panel", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["unit"] == "亿元" and out["base"] == "2021-10"
    # A: 10 → 9, B: 5 → 6; total 0
    assert out["total"]["change"] == 0.0
    by = {e["enterprise"]: e["change"] for e in out["enterprise_totals"]}
    assert by == {"A": -1.0, "B": 1.0}
    rows = [r for r in out["rows"] if r["enterprise"] == "A"]
    assert sum(r["effect"] for r in rows) == pytest.approx(-1.0)
    assert main(["drivers", "--as-of", "2022-10", "--panel", str(path), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Enterprise" in text and "Total" in text and "Revenue" in text


def test_cli_errors(tmp_path, capsys):
    path = _write(_mix_panel(), tmp_path)
    assert main(["drivers", "--as-of", "2022-13", "--panel", str(path)]) == 2
    assert main(["drivers", "--as-of", "2023-10", "--panel", str(path)]) == 2  # no data that month
    assert main(["drivers", "--as-of", "2022-10", "--panel", str(tmp_path / "none.parquet")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 3


# ---------------------------------------------------------------------------------------------
# Notebook


def _run_notebook(tmp_path, **parameters):
    # PYTHONPATH: the kernel must import this checkout's package, not another editable install
    return run_notebook("02_profit_drivers.ipynb", tmp_path, parameters, env={"PYTHONPATH": str(ROOT)})


@pytest.mark.notebook
def test_notebook_runs_on_synthetic_panel(tmp_path):
    path = _write(_mix_panel(), tmp_path)
    keys = _run_notebook(tmp_path, panel_path=str(path), enterprise="B", lang="en")
    assert keys["total_profit_change_yi"] == pytest.approx(0.0, abs=1e-9)  # (9 + 6) − (10 + 5)
    assert keys["enterprise_profit_change_yi"] == pytest.approx(1.0)      # B: 5 → 6
    assert keys["largest_decline"] == "A"


# ---------------------------------------------------------------------------------------------
# The shipped demonstration panel (skipped until `soe-analysis ingest` has built it)

@pytest.fixture(scope="module")
def shipped(shipped_panel):
    """The shipped demonstration panel, built by conftest's session fixture; skip without it."""
    from soe_analysis.io.panel import is_demonstration, load_panel

    if shipped_panel is None or not config.PANEL_FILE.exists():
        pytest.skip("demonstration panel not built (no raw flash reports)")
    panel = load_panel()
    if not is_demonstration(panel):
        pytest.skip("the processed panel is not the shipped demonstration data")
    return panel


@pytest.fixture(scope="module")
def shipped_bridge(shipped):
    return d.bridge(shipped, "2022-10")


def test_shipped_total_is_published_figure(shipped, capsys):
    assert main(["drivers", "--as-of", "2022-10", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["change"] == -9.94            # published: 同比减少9.94亿元
    assert out["total"]["profit_current"] == -5.41    # published: 利润总额-5.41亿元
    by = {e["enterprise"]: e for e in out["enterprise_totals"]}
    assert by["交发集团"]["profit_current"] == -6.46 and by["交运集团"]["profit_current"] == -3.61
    # the rows (kept to 1 万元) add up to the published change, per enterprise and in total
    assert round(sum(r["effect"] for r in out["rows"]), 2) == -9.94
    for name, ent in by.items():
        assert round(sum(r["effect"] for r in out["rows"] if r["enterprise"] == name), 2) == ent["change"]


def test_shipped_largest_negative_contributors(shipped_bridge):
    br = shipped_bridge
    assert br.total_change == pytest.approx(-9.94, abs=0.005)
    worst_two = list(br.profit["change"].sort_values().index[:2])
    assert set(worst_two) == {"交发集团", "交运集团"}
    assert abs(br.totals()["unexplained"]) < 0.01  # identity holds in the demonstration data


def test_shipped_jiaofa_and_jiaoyun_drivers(shipped_bridge):
    br = shipped_bridge
    jf = br.effects.loc["交发集团"]
    assert jf["one_off_items"] < 0 and br.base_values.at["交发集团", "one_off_items"] > 0  # 上年确认交通部利息
    assert jf["depreciation"] < 0 and jf["interest_expense"] < 0  # 北口大桥: 折旧、财务费用增加
    jy = br.effects.loc["交运集团"]
    assert jy["depreciation"] < 0 and jy["staff_cost"] < 0  # 公交折旧、社保
    text = words.explain(br, "交发集团")
    assert text.startswith("交发集团2022年1-10月利润总额-6.46亿元") and "一次性收益" in text
    assert "折旧增加" in text and "利息费用增加" in text
    text = words.explain(br, "交运集团")
    assert "折旧增加" in text and "职工薪酬增加" in text


@pytest.mark.notebook
def test_notebook_defaults_on_shipped_panel(shipped, shipped_run):
    keys = shipped_run("02_profit_drivers.ipynb").figures
    assert keys["total_profit_change_yi"] == pytest.approx(-9.94, abs=0.005)
    assert keys["total_profit_yi"] == pytest.approx(-5.41, abs=0.005)
    # by default all enterprises (one enterprise: the synthetic run above); 交发 fell most, −7.98
    assert keys["largest_decline"] == "交发集团" and "enterprise_profit_change_yi" not in keys


def test_derived_january_is_refused():
    # 2023's first release is 1–2月 combined: its January rows are derived, so neither the as-of
    # nor the base month may be that January
    from soe_analysis.errors import DataError

    rows = [row("甲", "2022-01", **lines()), row("甲", "2022-02", **lines()),
            row("甲", "2023-01", **lines()), row("甲", "2023-02", **lines())]
    p = panel(rows)
    p["jan_feb_combined"] = (p["year"] == 2023) & (p["month"] <= 2)
    with pytest.raises(DataError, match="2023-01 was not published"):
        d.check_params(p, as_of="2023-01")
    with pytest.raises(DataError, match="2023-01 was not published"):
        d.check_params(p, as_of="2023-02", base="2023-01")
    assert d.check_params(p, as_of="2023-02").base == pd.Period("2022-02", "M")


# ---------------------------------------------------------------------------------------------
# The one interest split (soe_analysis.metrics), by hand


def test_average_balance_by_hand():
    from soe_analysis import metrics

    rows = pd.DataFrame({"enterprise": ["甲"] * 4 + ["乙"],
                         "year": [2021, 2022, 2022, 2022, 2022], "month": [12, 1, 2, 3, 3],
                         "interest_bearing_debt": [80.0, 100.0, float("nan"), 120.0, float("nan")]})
    ytd = metrics.average_balance(rows, pd.Period("2022-03", "M"))
    assert ytd["甲"] == pytest.approx(100.0)  # (80 + 100 + 120) / 3: February not reported, left out
    assert "乙" not in ytd.index              # no balance at all: absent (NaN), never 0
    month = metrics.average_balance(rows, pd.Period("2022-03", "M"), basis="m")
    assert month["甲"] == pytest.approx(120.0)  # (Feb n/a, Mar 120)


def test_interest_split_unequal_lengths_by_hand():
    # base: D̄ 100 at 6% over half a year (I 3); current: D̄ 120 at 5% over 10 months (I 5).
    # Shapley for D·r·L: effect of x = Δx · [(Σ same-period products of the others)/3 + (cross products)/6]
    #   debt:   20 · [(0.03 + 0.041667)/3 + (0.05 + 0.025)/6]       =  0.727778
    #   rate: −0.01 · [(50 + 100)/3 + (83.333 + 60)/6]               = −0.738889
    #   length: 1/3 · [(6 + 6)/3 + (5 + 7.2)/6]                      =  2.011111   (sum 2.0 = 5 − 3)
    from soe_analysis import metrics

    idx = pd.Index(["甲"])
    out = metrics.interest_split(pd.Series([3.0], idx), pd.Series([5.0], idx), pd.Series([100.0], idx),
                                 pd.Series([120.0], idx), 0.5, 10 / 12)
    row = out.loc["甲"]
    assert row["rate_base_pct"] == pytest.approx(6.0) and row["rate_current_pct"] == pytest.approx(5.0)
    assert row["volume_effect"] == pytest.approx(0.727778, abs=1e-6)
    assert row["rate_effect"] == pytest.approx(-0.738889, abs=1e-6)
    assert row["length_effect"] == pytest.approx(2.011111, abs=1e-6)
    assert out.loc[metrics.TOTAL_ROW, "change"] == pytest.approx(2.0)


def test_labels_cover_every_driver_and_basis():
    from soe_analysis import financing
    from soe_analysis.text.labels import LABELS, label

    for key in (*d.DRIVERS, *financing.BASES):
        assert key in LABELS and label(key, "zh") != label(key, "en")


def test_year_on_year_base_uses_reported_prior_year():
    # 甲's 2022-10 report prints 上年同期 revenue 105 and total profit 15 (restated; its own 2021-10
    # report said 100 and 13.2); 乙 prints none, so 乙 stays on last year's own figures.
    p = panel([row("甲", "2021-10", **lines()),
               row("甲", "2022-10", **lines(revenue=110, total_cost=105, depreciation=14)),
               row("乙", "2021-10", **lines()),
               row("乙", "2022-10", **lines())])
    jia_now = (p["enterprise"] == "甲") & (p["period"] == "2022-10")
    p["revenue_ytd_prior_reported"] = np.where(jia_now, 105.0, np.nan)
    p["total_profit_ytd_prior_reported"] = np.where(jia_now, 15.0, np.nan)
    br = d.bridge(p, "2022-10")
    assert br.profit.at["甲", "base"] == pytest.approx(15.0)
    assert br.profit.at["甲", "change"] == pytest.approx(-6.8)     # 8.2 − 15
    assert br.effects.loc["甲", "revenue_volume"] == pytest.approx(5 * 15 / 105)  # Δrevenue 110 − 105 at 15/105
    assert br.effects.loc["甲"].sum() == pytest.approx(-6.8)
    assert br.profit.at["乙", "base"] == pytest.approx(13.2)       # own 2021-10 figure
    assert br.yoy_basis == "mixed"
    assert d.records(br)["yoy_basis"] == "mixed"
    only_reported = d.bridge(p[p["enterprise"] == "甲"], "2022-10")
    assert only_reported.yoy_basis == "reported_prior_year"
    # another base month, or single months: the panel's own base, no year-on-year basis named
    assert d.bridge(p, "2022-10", basis="m").profit.at["甲", "base"] == pytest.approx(13.2)
    assert d.records(d.bridge(p, "2022-10", basis="m"))["yoy_basis"] is None


def test_year_on_year_base_without_reported_columns_is_panel_basis():
    p = panel([row("甲", "2021-10", **lines()), row("甲", "2022-10", **lines(revenue=110))])
    br = d.bridge(p, "2022-10")
    assert br.yoy_basis == "panel_prior_year" and br.profit.at["甲", "base"] == pytest.approx(13.2)
