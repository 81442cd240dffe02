import numpy as np
import pandas as pd
import pytest

from soe_analysis.errors import DataError
from soe_analysis.io.reference import load_lpr, load_national_soe, lpr_on


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


def _release(tmp_path, body):
    path = tmp_path / "releases.csv"
    path.write_text("year,month_end,scope,revenue_yi,revenue_yoy_pct,precision,source_url\n" + body,
                    encoding="utf-8")
    return path


def test_any_release_file_is_read_by_the_same_reader_and_labelled_user(tmp_path):
    path = _release(tmp_path, "2020,10,national,\"1,234.5\",2.5,exact,u\n2020,12,national,,3,yoy_only,u\n")
    frame = load_national_soe(path, scope="national")
    assert (frame["dataset"] == "user").all() and frame["source_row"].tolist() == [2, 3]
    assert frame.at[0, "revenue_yi"] == 1234.5  # thousands separator accepted
    assert np.isnan(frame.at[1, "revenue_yi"])  # a yoy-only row keeps its gap


@pytest.mark.parametrize("body, where", [
    ("2020,10,national,1,,exact,u\n2020,13,national,1,,exact,u\n", "row 3, column month_end"),
    ("20x0,10,national,1,,exact,u\n", "row 2, column year"),
    ("2020,10,national,1,,exact,u\n2020,11,national,1,abc,exact,u\n", "row 3, column revenue_yoy_pct"),
    ("2020,10,national,1,,exact,u\n2020,10,national,2,,exact,u\n", "row 3, column month_end"),
    ("2020,10,central,1,,exact,u\n", "column scope"),
])
def test_bad_release_rows_name_file_row_and_column(tmp_path, body, where):
    path = _release(tmp_path, body)
    with pytest.raises(DataError, match=rf"releases\.csv.*{where}"):
        load_national_soe(path, scope="national")
