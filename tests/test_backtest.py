"""The pseudo-real-time backtest on release CSVs (small files by hand, and the shipped one)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from soe_analysis import backtest as bt
from soe_analysis.cli import main
from soe_analysis.errors import DataError

HEADER = "year,month_end,scope,revenue_yi,revenue_yoy_pct,precision,source_url\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "release.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def small_file(tmp_path):
    # shares at month 6 are 0.5 every year; growth 10% a year; 2017 lacks month 6 and has a
    # yoy-only row at month 9; 2018 lacks December (no outcome)
    rows = ["2014,6,national,50,,exact,u", "2014,12,national,100,,exact,u",
            "2015,6,national,55,10,exact,u", "2015,12,national,110,10,exact,u",
            "2016,6,national,60.5,10,exact,u", "2016,12,national,121,10,exact,u",
            "2017,9,national,,10,yoy_only,u", "2017,12,national,133.1,10,rounded,u",
            "2018,6,national,73.205,10,exact,u"]
    return write(tmp_path, "\n".join(rows) + "\n")


def test_backtest_by_hand(tmp_path):
    s = bt.load_release_csv(small_file(tmp_path), "revenue_yi")
    assert s.meta["dataset"] == "user"
    record = bt.run_backtest(s)
    share = record[(record["method"] == "seasonal_share")].set_index(["year", "month"])
    # 2015 from June: 55 / mean(0.5) = 110, exactly the outcome
    assert share.at[(2015, 6), "point"] == pytest.approx(110)
    # 2017 has no June level: seasonal share skipped; same_period uses the yoy-only row:
    # FY2016 121 × 1.10 = 133.1
    assert (2017, 6) not in share.index
    sp = record[record["method"] == "same_period"].set_index(["year", "month"])
    assert sp.at[(2017, 9), "point"] == pytest.approx(133.1)
    assert 2018 not in set(record["year"])  # no December 2018: never an outcome
    summary = bt.summarise(record)
    row = summary[(summary["method"] == "seasonal_share") & (summary["month"] == 6)].iloc[0]
    assert row["n"] == 2 and row["mape_pct"] == pytest.approx(0.0)  # 2015 and 2016


def test_backtest_never_uses_later_data(tmp_path):
    s = bt.load_release_csv(small_file(tmp_path), "revenue_yi")
    clean = bt.run_backtest(s)
    changed = s.levels.copy()
    changed.loc[2016, 12] = 1e9  # an absurd 2016 outcome: forecasts made in 2016 must not move
    s.levels = changed  # assigned, not changed in place: the series reads the new frame
    assert s.value(2016, 12) == 1e9
    dirty = bt.run_backtest(s)
    c = clean[clean["year"] <= 2016].set_index(["year", "month", "method"])["point"]
    d = dirty[dirty["year"] <= 2016].set_index(["year", "month", "method"])["point"]
    assert np.allclose(c.to_numpy(), d.reindex(c.index).to_numpy(), equal_nan=True)


def test_bad_file_names_row_and_column(tmp_path):
    path = write(tmp_path, "2014,6,national,50,,exact,u\n2014,13,national,1,,exact,u\n")
    with pytest.raises(DataError, match=r"row 3, column month_end"):
        bt.load_release_csv(path, "revenue_yi")
    path = write(tmp_path, "2014,6,national,fifty,,exact,u\n")
    with pytest.raises(DataError, match=r"row 2, column revenue_yi"):
        bt.load_release_csv(path, "revenue_yi")


def test_shipped_national_is_real_and_cli_json(capsys):
    s = bt.load_release_csv(None, "profit_yi")
    assert s.meta["dataset"] == "real" and s.meta["source_urls"]["2021-12"].startswith("http")
    assert main(["backtest", "--metric", "revenue_yi", "--years", "2016-2021", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["default_method"] == "nested" and data["dataset"] == "real"
    assert {"method", "month", "n", "mape_pct", "coverage80_pct", "coverage95_pct", "n_interval",
            "horizon"} <= set(data["rows"][0])
    assert min(data["years_evaluated"]) >= 2016
    # 2016–2021 with a January-to-October pair: every year; revenue Oct levels exist 2016–2021
    oct_default = [r for r in data["rows"] if r["method"] == "nested" and r["month"] == 10][0]
    assert oct_default["n"] == 6


def test_cli_next_horizon_on_the_national_data(capsys):
    assert main(["backtest", "--metric", "profit_yi", "--horizon", "next", "--years", "2018-2021", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["horizon"] == "next" and data["years_evaluated"] == [2018, 2019, 2020, 2021]
    months = {r["month"] for r in data["rows"]}
    assert 12 in months  # December of Y-1 is an origin for Y
    assert {r["horizon"] for r in data["rows"]} == {"next"}


def test_next_horizon_by_hand(tmp_path):
    # revenue 100, 110, 121, 133.1 (10% a year, published growth 10%): from December of Y-1,
    # "growth continues" forecasts FY_Y = FY_{Y-1} × 1.10 exactly, "no change" FY_{Y-1}
    rows = ["2014,6,national,50,,exact,u", "2014,12,national,100,,exact,u",
            "2015,6,national,55,10,exact,u", "2015,12,national,110,10,exact,u",
            "2016,6,national,60.5,10,exact,u", "2016,12,national,121,10,exact,u",
            "2017,6,national,66.55,10,exact,u", "2017,12,national,133.1,10,exact,u"]
    s = bt.load_release_csv(write(tmp_path, "\n".join(rows) + "\n"), "revenue_yi")
    record = bt.run_backtest(s, horizon="next").set_index(["year", "month", "method"])
    assert record.at[(2016, 12, "growth_continues"), "point"] == pytest.approx(121)
    assert record.at[(2016, 12, "no_change"), "point"] == pytest.approx(110)
    assert record.at[(2017, 12, "no_change"), "ape_pct"] == pytest.approx((133.1 - 121) / 133.1 * 100)


@pytest.mark.notebook
def test_notebook_05(notebook_run):
    figures = notebook_run("05_method_backtest.ipynb").figures
    assert 0 < figures["current_default_mape_pct"] < figures["next_default_mape_pct"]  # a year further is harder
    assert figures["next_n"] > 0 and figures["current_n"] > 0
    assert figures["last_outcome_year"] == 2021  # the shipped releases end with 2021's full year


@pytest.mark.notebook
def test_notebook_05_sees_only_releases_up_to_as_of(notebook_run):
    # as of 2018-06 the last full year an analyst could have scored is 2017
    figures = notebook_run("05_method_backtest.ipynb", as_of="2018-06").figures
    assert figures["last_outcome_year"] == 2017


def test_goal_compares_methods_on_the_same_years():
    import pandas as pd

    # month 10: run-rate misses 2015, seasonal share misses 2016 → common years 2017, 2018 only
    ape = {"run_rate": {2016: 9.0, 2017: 4.0, 2018: 2.0},
           "seasonal_share": {2015: 50.0, 2017: 1.0, 2018: 3.0},
           "same_period": {2015: 1.0, 2016: 1.0, 2017: 2.0, 2018: 2.0},
           "skill_weighted": {2015: 0.5, 2016: 0.5, 2017: 1.0, 2018: 2.0}}
    rows = [{"year": y, "month": 10, "method": k, "ape_pct": v, "point_level": 1.0}
            for k, d in ape.items() for y, v in d.items()]
    wide = bt.common_years(pd.DataFrame(rows), 10)
    assert list(wide.index) == [2017, 2018]
    # default (1 + 2)/2 = 1.5; seasonal (1 + 3)/2 = 2.0; same (2 + 2)/2 = 2.0; run-rate 3.0
    assert wide.mean().to_dict() == {"run_rate": 3.0, "seasonal_share": 2.0, "same_period": 2.0,
                                     "skill_weighted": 1.5}


def test_truncating_after_the_origin_leaves_every_row_unchanged():
    from soe_analysis.forecast import cut
    from soe_analysis.forecast_nextyear import next_year_backtest_record

    s = bt.load_release_csv(None, "profit_yi")
    full = next_year_backtest_record(s)
    short = next_year_backtest_record(cut(s, 2018, 10))
    cols = ["point", "growth", "base_point", "lo80", "hi80", "lo95", "hi95", "sigma_g"]

    def seen_by_2018_10(r):
        origin = list(zip(r["year"] - 1, r["month"]))
        return r[[o <= (2018, 10) for o in origin]].set_index(["year", "month", "method"]).sort_index()

    a, b = seen_by_2018_10(full), seen_by_2018_10(short)
    assert len(a) > 100 and list(a.index) == list(b.index)
    assert np.allclose(a[cols].to_numpy(float), b[cols].to_numpy(float), equal_nan=True)
    assert (a.loc[a["chosen"].notna(), "chosen"] == b.loc[b["chosen"].notna(), "chosen"]).all()
