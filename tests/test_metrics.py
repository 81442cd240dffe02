"""The ratio functions of soe_analysis.metrics: hand-computed values and named edge cases.

Edge-case series in the style of empyrical: empty, one period, gaps (NaN inside), negative
values, zero and negative denominators. Each expected value is worked out in the comment.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from soe_analysis import metrics

EMPTY = pd.Series([], dtype=float)
ONE_PERIOD = pd.Series([60.0], index=["2022-10"])
WITH_GAP = pd.Series([60.0, np.nan, 70.0], index=["2022-08", "2022-09", "2022-10"])


def test_wan_per_yi_is_the_one_conversion():
    assert metrics.WAN_PER_YI == 10_000          # 1 亿元 = 10,000 万元
    assert 5_388_300 / metrics.WAN_PER_YI == pytest.approx(538.83)  # the refinanced 538.83亿元 in 万元


# --- debt_ratio ----------------------------------------------------------------------------

def test_debt_ratio_published_figure():
    # end-2019 context figure of the source document: 1660.15 / 2638.18 = 62.928…% → 62.93
    assert metrics.round_half_up(metrics.debt_ratio(1660.15, 2638.18)) == 62.93


def test_debt_ratio_scalar_and_zero_or_negative_assets():
    assert metrics.debt_ratio(60.0, 100.0) == pytest.approx(60.0)
    assert math.isnan(metrics.debt_ratio(60.0, 0.0))      # zero denominator: NaN, not inf
    assert math.isnan(metrics.debt_ratio(60.0, -5.0))     # negative assets: meaningless
    assert math.isnan(metrics.debt_ratio(np.nan, 100.0))  # missing input
    # liabilities above assets (negative equity) is a real state: 120%
    assert metrics.debt_ratio(120.0, 100.0) == pytest.approx(120.0)


def test_debt_ratio_edge_series():
    assert metrics.debt_ratio(EMPTY, EMPTY).empty
    assert metrics.debt_ratio(ONE_PERIOD, ONE_PERIOD * 2).tolist() == [50.0]
    got = metrics.debt_ratio(WITH_GAP, pd.Series(100.0, index=WITH_GAP.index))
    assert got["2022-08"] == pytest.approx(60.0) and math.isnan(got["2022-09"]) and got["2022-10"] == pytest.approx(70.0)
    # aligned on the index, not on position
    shuffled = pd.Series([200.0, 100.0], index=["b", "a"])
    assert metrics.debt_ratio(pd.Series({"a": 50.0, "b": 50.0}), shuffled).to_dict() == {"a": 50.0, "b": 25.0}


# --- annualise -----------------------------------------------------------------------------

def test_annualise_ytd():
    assert metrics.annualise(10.0, 10) == pytest.approx(12.0)   # 10 × 12/10
    assert metrics.annualise(-5.41, 10) == pytest.approx(-6.492)  # a loss stays a loss: −5.41 × 1.2
    assert metrics.annualise(3.0, 12) == pytest.approx(3.0)     # December: the year itself
    assert metrics.annualise(1.0, 1) == pytest.approx(12.0)


def test_annualise_without_time_is_nan():
    assert math.isnan(metrics.annualise(3.0, 0))
    assert math.isnan(metrics.annualise(3.0, -2))
    assert metrics.annualise(WITH_GAP, 0).isna().all()


def test_annualise_edge_series():
    assert metrics.annualise(EMPTY, 6).empty
    got = metrics.annualise(WITH_GAP, 6)  # ×2
    assert got.iloc[0] == pytest.approx(120.0) and math.isnan(got.iloc[1]) and got.iloc[2] == pytest.approx(140.0)


# --- roe -----------------------------------------------------------------------------------

def test_roe_on_average_equity():
    # net profit 1.5 through October → 1.8 a year; equity 38 → 40, average 39: 1.8/39 = 4.615%
    assert metrics.roe(1.5, 38.0, 40.0, 10) == pytest.approx(1.8 / 39 * 100)
    # the year-end-equity version would give 1.8/40 = 4.5%: the function must not
    assert metrics.roe(1.5, 38.0, 40.0, 10) != pytest.approx(4.5)


def test_roe_negative_profit_and_bad_equity():
    assert metrics.roe(-3.2, 10.0, 10.0, 10) == pytest.approx(-3.84 / 10 * 100)  # a loss: −38.4%
    assert math.isnan(metrics.roe(1.0, -12.0, 10.0, 6))   # average equity −1 ≤ 0
    assert math.isnan(metrics.roe(1.0, -10.0, 10.0, 6))   # average equity exactly 0
    assert math.isnan(metrics.roe(1.0, np.nan, 10.0, 6))  # opening equity missing


def test_roe_edge_series():
    assert metrics.roe(EMPTY, EMPTY, EMPTY, 10).empty
    one = metrics.roe(pd.Series([0.5]), pd.Series([9.0]), pd.Series([11.0]), 6)
    assert one.tolist() == [pytest.approx(10.0)]  # 0.5 × 2 / 10 × 100
    gap = metrics.roe(pd.Series([1.0, np.nan]), pd.Series([10.0, 10.0]), pd.Series([10.0, 10.0]), 12)
    assert gap.iloc[0] == pytest.approx(10.0) and math.isnan(gap.iloc[1])


# --- implied_rate --------------------------------------------------------------------------

def test_implied_rate():
    # 3.0 亿元 of interest through June on 100 亿元 of average debt: 6 a year → 6%
    assert metrics.implied_rate(3.0, 100.0, 6) == pytest.approx(6.0)
    # a single month's interest (months = 1): 0.4 × 12 / 120 = 4%
    assert metrics.implied_rate(0.4, 120.0, 1) == pytest.approx(4.0)
    assert math.isnan(metrics.implied_rate(3.0, 0.0, 6))
    assert math.isnan(metrics.implied_rate(np.nan, 100.0, 6))
    assert metrics.implied_rate(EMPTY, EMPTY, 6).empty


def test_ratio_arrays_keep_shape_and_never_give_inf():
    got = metrics.ratio(np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.0, -1.0]), 100)
    assert got[0] == pytest.approx(50.0) and np.isnan(got[1:]).all()


# --- the number formatter ------------------------------------------------------------------

@pytest.mark.parametrize("value, kwargs, shown", [
    (3325.44, {"thousands": True}, "3,325.44"),
    (0.125, {}, "0.13"),             # half-up, not banker's rounding (0.12)
    (-0.004, {}, "0.00"),            # never −0.00
    (7.975, {"sign": True}, "+7.98"),
    (-5.405, {}, "-5.41"),           # half away from zero
    (0.0, {"sign": True}, "0.00"),   # no sign on zero
])
def test_format_number(value, kwargs, shown):
    assert metrics.format_number(value, **kwargs) == shown


def test_round_half_up_as_printed_at_any_magnitude():
    # half away from zero on the decimal the float prints as
    assert metrics.round_half_up(2.675) == 2.68 and metrics.round_half_up(-2.675) == -2.68
    assert metrics.round_half_up(0.125, 2) == 0.13 and metrics.round_half_up(1234.5, 0) == 1235.0
    # beyond decimal's default 28 digits (found by the bridge's property test: a margin on a
    # near-zero base revenue made an effect of 4.3e103, and rounding it raised InvalidOperation)
    assert metrics.round_half_up(4.266343402657562e103) == 4.266343402657562e103
    assert metrics.round_half_up(-1.5e30, 2) == -1.5e30 and metrics.round_half_up(123456789012345678.9) == 1.2345678901234568e17
    assert metrics.round_half_up(float("inf")) == float("inf") and math.isnan(metrics.round_half_up(float("nan")))
    printed = metrics.format_number(4.266343402657562e103)  # printed, not raised
    assert printed.startswith("42663434026575") and printed.endswith(".00") and len(printed) == 107
