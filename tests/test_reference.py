import numpy as np
import pandas as pd

from soe_analysis.reference import load_lpr, load_national_soe, lpr_on


def test_national_series_is_labelled_real_and_keeps_gaps():
    frame = load_national_soe(scope="national")
    assert (frame["dataset"] == "real").all() and frame["source_url"].notna().all()
    # 2013 Jan–Oct national revenue as published: 377010.5亿元 (People's Daily, see source_url)
    row = frame[(frame["year"] == 2013) & (frame["month_end"] == 10)].iloc[0]
    assert row["revenue_yi"] == 377010.5
    assert frame["revenue_yi"].isna().any()  # gaps are real and stay gaps


def test_lpr_in_force_on_a_date():
    lpr = load_lpr()
    assert (lpr["dataset"] == "real").all()
    got = lpr_on(["2019-08-19", "2019-08-20", "2022-08-21", "2022-08-22", "2022-12-31"], lpr=lpr)
    assert np.isnan(got.iloc[0])
    assert got.tolist()[1:] == [4.25, 3.70, 3.65, 3.65]
    five = lpr_on(pd.Series(["2022-06-01"]), tenor="5y", lpr=lpr)
    assert five.iloc[0] == 4.45
