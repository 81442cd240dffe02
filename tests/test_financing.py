"""Refinancing savings: register cleaning, every basis by hand, the shipped register, CLI, notebook."""

from __future__ import annotations

import csv
import io
import json
import math
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from soe_analysis import config
from soe_analysis import financing as fin
from soe_analysis.errors import DataError, UsageError
from soe_analysis.io.register import lpr_for_term, parse_rate, quality_table, read_register
from soe_analysis.io.reference import load_lpr
from soe_analysis.metrics import round_half_up

HEADER = ["序号", "企业名称", "原融资品种", "原融资利率(%)", "置换金额(万元)", "置换日期", "原剩余期限(月)",
          "新融资品种", "新融资利率(%)", "新融资期限(月)", "还款方式", "提前还款违约金(万元)", "置换费用(万元)"]


def write_register(tmp_path: Path, rows, name="台账.csv", header=HEADER, title=("测试台账", "单位：万元")) -> Path:
    path = tmp_path / name
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for line in title:
        w.writerow([line])
    w.writerow(header)
    for i, row in enumerate(rows, start=1):
        w.writerow([i, *row])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def loan(amount="12000", old="8", new="4", date="2022-03-01", t_old=24, t_new=36, repay="到期一次还本",
         penalty="", fees="", ent="交发集团", old_kind="信托贷款", new_kind="银行贷款"):
    return [ent, old_kind, old, amount, date, t_old, new_kind, new, t_new, repay, penalty, fees]


def savings(tmp_path, rows, as_of="2022-12", **kw):
    reg = read_register(write_register(tmp_path, rows), as_of=as_of)
    return fin.loan_savings(reg, as_of=as_of, **kw), reg


# ----------------------------------------------------------------------------- hand-computed loans

def test_bullet_loan_by_hand(tmp_path):
    # 12000万 = 1.2亿 at 8% → 4%, bullet, 24 months left, new 36: horizon 24 months.
    loans, _ = savings(tmp_path, [loan()])
    r = loans.iloc[0]
    assert r["annual_run_rate_yi"] == pytest.approx(1.2 * 0.04)  # 0.048
    assert r["horizon_m"] == 24
    assert r["lifetime_yi"] == pytest.approx(1.2 * 0.04 / 12 * 24)  # 0.004 a month × 24 = 0.096
    # NPV at the new rate: PV(new) = par; PV(old) = P + P×(8%−4%)/12 × annuity(24, 4%/12)
    i = 0.04 / 12
    annuity = (1 - (1 + i) ** -24) / i  # 23.0283
    assert r["npv_yi"] == pytest.approx(1.2 * 0.04 / 12 * annuity, rel=1e-9)  # 0.09211
    assert r["npv_pct_par"] == pytest.approx(r["npv_yi"] / 1.2 * 100)
    assert r["breakeven_month"] == 0 and r["breakeven_note"] == "no upfront costs"
    # swap 1 March 2022: 306 of 365 days left in the year (Mar 1 .. Dec 31 inclusive)
    assert r["in_year_yi"] == pytest.approx(0.048 * 306 / 365)


def test_in_year_is_realised_plus_projection(tmp_path):
    # swap 1 March 2022 seen at 2022-10: realised Mar 1 .. Oct 31 = 245 days, projected Nov–Dec = 61
    loans, _ = savings(tmp_path, [loan()], as_of="2022-10")
    r = loans.iloc[0]
    assert r["realised_in_year_yi"] == pytest.approx(0.048 * 245 / 365)
    assert r["projected_rest_of_year_yi"] == pytest.approx(0.048 * 61 / 365)
    assert r["realised_in_year_yi"] + r["projected_rest_of_year_yi"] == pytest.approx(r["in_year_yi"])
    # seen from 2023-03 the swap year is over: nothing left to project
    later, _ = savings(tmp_path, [loan()], as_of="2023-03")
    assert later.iloc[0]["projected_rest_of_year_yi"] == pytest.approx(0.0, abs=1e-15)


def test_equal_principal_loan_by_hand(tmp_path):
    # 1.2亿, 12% → 6%, equal principal over 12 months: balances P×(1 − (t−1)/12), Σ = 6.5 P
    loans, _ = savings(tmp_path, [loan(old="12", new="6", t_old=12, t_new=12, repay="等额本金")])
    assert loans.iloc[0]["lifetime_yi"] == pytest.approx(1.2 * 0.06 / 12 * 6.5)  # 0.039


def test_equal_instalment_loan_by_hand(tmp_path):
    # 1.2亿, 12% → 6%, level payments over 12 months: saving = 12 × (pmt_old − pmt_new)
    # pmt_old = 1.2×0.01/(1 − 1.01^−12) = 0.10661855; pmt_new = 1.2×0.005/(1 − 1.005^−12) = 0.10327971
    loans, _ = savings(tmp_path, [loan(old="12", new="6", t_old=12, t_new=12, repay="等额本息")])
    pmt_old = 1.2 * 0.01 / (1 - 1.01 ** -12)
    pmt_new = 1.2 * 0.005 / (1 - 1.005 ** -12)
    assert loans.iloc[0]["lifetime_yi"] == pytest.approx(12 * (pmt_old - pmt_new), rel=1e-12)  # 0.0400660


def test_equal_instalment_schedule_repays_par():
    sched = fin.repayment_schedule(100.0, 6.0, 12, "equal_instalment")
    assert sched["payment"].nunique() == 1 or np.ptp(sched["payment"]) < 1e-12
    assert sched["principal"].sum() == pytest.approx(100.0)
    assert sched["payment"].iloc[0] == pytest.approx(100 * 0.005 / (1 - 1.005 ** -12))  # 8.6066
    bullet = fin.repayment_schedule(100.0, 6.0, 12, "bullet")
    assert bullet["principal"].tolist() == [0.0] * 11 + [100.0]
    assert bullet["interest"].sum() == pytest.approx(6.0)


def test_zero_spread_saves_nothing(tmp_path):
    loans, _ = savings(tmp_path, [loan(old="5", new="5", t_old=36, t_new=36, repay=r) for r in
                                  ("到期一次还本", "等额本息", "等额本金")])
    for col in fin.SAVING_COLUMNS:
        assert loans[col].abs().max() < 1e-12, col
    assert not loans["rate_up"].any()


def test_higher_new_rate_is_flagged_and_negative(tmp_path):
    loans, reg = savings(tmp_path, [loan(old="4", new="5", amount="10000", fees="10"), loan()])
    bad = loans.iloc[0]
    assert bool(bad["rate_up"]) and not bool(loans.iloc[1]["rate_up"])
    assert bad["annual_run_rate_yi"] == pytest.approx(-0.01)  # 1亿 × (4% − 5%)
    assert bad["lifetime_yi"] < 0 and bad["npv_yi"] < 0 and bad["in_year_yi"] < 0
    assert math.isnan(bad["breakeven_month"]) and bad["breakeven_note"].startswith("never")
    quality = quality_table(reg)
    assert (quality["row"] == 4).any() and quality["message"].str.contains("not below the old rate").any()
    total = fin.summarise(loans).iloc[0]
    assert total["annual_run_rate_yi"] == pytest.approx(-0.01 + 0.048)


def test_swap_on_last_day_of_year(tmp_path):
    # the swap day counts: 31 December saves 1/365 of the run-rate in 2022, nothing earlier
    loans, _ = savings(tmp_path, [loan(date="2022-12-31")], as_of="2022-12")
    r = loans.iloc[0]
    assert r["year_share"] == pytest.approx(1 / 365)
    assert r["in_year_yi"] == pytest.approx(0.048 / 365)
    assert r["realised_to_date_yi"] == pytest.approx(0.048 / 365)
    # a January swap gets the whole year
    assert fin.year_fraction([pd.Timestamp("2022-01-01")], [pd.Timestamp("2023-01-01")])[0] == pytest.approx(1.0)
    with pytest.raises(DataError, match=r"row 4, column 置换日期: swap dated 2022-12-31 is after the as-of month 2022-11"):
        read_register(write_register(tmp_path, [loan(date="2022-12-31")]), as_of="2022-11")


def test_fees_make_npv_negative(tmp_path):
    # 1亿, 5% → 4.9%, bullet 12 months, fees 50万 = 0.005亿: the 0.1-point spread saves 0.001亿 a year
    loans, _ = savings(tmp_path, [loan(amount="10000", old="5", new="4.9", t_old=12, t_new=12, fees="50")])
    r = loans.iloc[0]
    i = 0.049 / 12
    gross = 1.0 * 0.001 / 12 * (1 - (1 + i) ** -12) / i  # 0.000974
    assert r["npv_yi"] == pytest.approx(gross - 0.005, rel=1e-9)
    assert r["npv_yi"] < 0 and r["npv_pct_par"] < 0
    assert math.isnan(r["breakeven_month"]) and r["breakeven_note"] == "not within the horizon"


def test_breakeven_month_by_hand(tmp_path):
    # 1.2亿 8% → 4%: 0.004亿 a month; penalty 60万 + fees 40万 = 0.01亿 → covered in month 3 (0.012)
    loans, _ = savings(tmp_path, [loan(penalty="60", fees="40")])
    assert loans.iloc[0]["upfront_cost_yi"] == pytest.approx(0.01)
    assert loans.iloc[0]["breakeven_month"] == 3


def test_discount_rate_changes_npv(tmp_path):
    # same terms, discount above the new rate: PV(new) < par, so NPV differs from the default
    loans_default, reg = savings(tmp_path, [loan(t_old=24, t_new=24)])
    loans_6 = fin.loan_savings(reg, discount_rate=6.0)
    i = 0.06 / 12
    annuity = (1 - (1 + i) ** -24) / i
    # bullet both, same term: NPV = P × Δr/12 × annuity at the discount rate
    assert loans_6.iloc[0]["npv_yi"] == pytest.approx(1.2 * 0.04 / 12 * annuity)
    assert loans_6.iloc[0]["npv_yi"] < loans_default.iloc[0]["npv_yi"]


# ----------------------------------------------------------------------------- cleaning

@pytest.mark.parametrize("text", ["6.8", "6.8%", "0.068", "６．８", "6.8％", 0.068, 6.8, " 6.80 "])
def test_rate_spellings_mean_the_same(text):
    assert parse_rate(text) == pytest.approx(6.8)


@pytest.mark.parametrize("text", ["680", "0.068%", "abc", "25"])
def test_implausible_rates_are_errors(text):
    with pytest.raises(ValueError):
        parse_rate(text)


def test_register_rates_written_three_ways(tmp_path):
    rows = [loan(old=o) for o in ("6.8", "6.8%", "0.068")]
    reg = read_register(write_register(tmp_path, rows))
    assert reg["old_rate_pct"].tolist() == pytest.approx([6.8, 6.8, 6.8])


def test_rate_680_names_file_row_column(tmp_path):
    path = write_register(tmp_path, [loan(), loan(old="680")])
    with pytest.raises(DataError) as err:
        read_register(path)
    message = str(err.value)
    assert str(path) in message and "row 5" in message and "column 原融资利率(%)" in message and "680" in message
    assert "\n" not in message


def test_units_separators_and_full_width(tmp_path):
    # amounts in 元 with separators; full-width digits in 亿元 via the header unit
    # (a header unit wins over the title line; here the header states none)
    bare = [h.split("(")[0] for h in HEADER]
    path = write_register(tmp_path, [loan(amount="1,200,000,000")], header=bare, title=("金额单位：元",))
    assert read_register(path)["amount_wan"].iloc[0] == pytest.approx(120000.0)
    header = [h.replace("(万元)", "(亿元)") for h in HEADER]
    path = write_register(tmp_path, [loan(amount="１２．５", penalty="0.01")], name="b.csv", header=header, title=())
    reg = read_register(path)
    assert reg["amount_wan"].iloc[0] == pytest.approx(125000.0) and reg["penalty_wan"].iloc[0] == pytest.approx(100.0)


def test_xlsx_register_with_date_and_percent_cells(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位：万元"])
    sheet.append(HEADER)
    # Excel keeps a 6.8% cell as 0.068 and a date cell as a datetime
    sheet.append([1, "城发集团", "融资租赁", 0.068, 12000, dt.datetime(2022, 5, 20), 24, "银行贷款", 0.0445, 96,
                  "等额本息", None, None])
    path = tmp_path / "台账.xlsx"
    book.save(path)
    r = read_register(path, as_of="2022-10").iloc[0]
    assert (r["old_rate_pct"], r["new_rate_pct"]) == pytest.approx((6.8, 4.45))
    assert r["swap_date"] == pd.Timestamp("2022-05-20") and r["source_row"] == 3
    assert r["penalty_wan"] == 0 and r["fees_wan"] == 0


def test_full_names_resolve_through_aliases(tmp_path):
    reg = read_register(write_register(tmp_path, [loan(ent="*市交通发展集团有限公司")]))
    assert reg["enterprise"].tolist() == ["交发集团"]


def test_english_headers_and_spellings(tmp_path):
    header = ["id", "enterprise", "original instrument", "old rate", "amount", "swap date", "remaining term",
              "new instrument", "new rate", "new term", "repayment", "prepayment penalty", "fees"]
    rows = [loan(date="2022/3/1", old_kind="trust", new_kind="bond", repay="annuity", old="0.08", new="4%")]
    reg = read_register(write_register(tmp_path, rows, header=header, title=("unit: 万元",)))
    r = reg.iloc[0]
    assert (r["old_instrument"], r["new_instrument"], r["repayment"]) == ("trust", "bond", "equal_instalment")
    assert (r["old_rate_pct"], r["new_rate_pct"]) == pytest.approx((8.0, 4.0))
    assert r["swap_date"] == pd.Timestamp("2022-03-01")


@pytest.mark.parametrize("row,column,message", [
    (loan(old_kind="高利贷"), "原融资品种", "unknown instrument"),
    (loan(repay="随便还"), "还款方式", "unknown repayment"),
    (loan(date="2022-02-30"), "置换日期", ""),
    (loan(amount="abc"), "置换金额(万元)", "not a number"),
    (loan(t_old="0"), "原剩余期限(月)", "term"),
    (loan(ent="某某集团"), "企业名称", "unknown enterprise"),
])
def test_bad_cells_are_one_line_errors(tmp_path, row, column, message):
    with pytest.raises(DataError) as err:
        read_register(write_register(tmp_path, [row]))
    text = str(err.value)
    assert f"row 4, column {column}" in text and message in text and "\n" not in text


def test_missing_column_and_total_row(tmp_path):
    with pytest.raises(DataError, match="missing columns: 新融资利率"):
        read_register(write_register(tmp_path, [loan()[:7] + loan()[8:]], header=HEADER[:8] + HEADER[9:]))
    rows = [loan(), loan(amount="8000")]
    path = write_register(tmp_path, rows + [["合计", "", "", "20,000"]], name="t.csv")
    # the 合计 row has an empty 序号 slot first: write it by hand
    text = path.read_text(encoding="utf-8").splitlines()
    text[-1] = ",合计,,,20000,,,,,,,,"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    assert len(read_register(path)) == 2
    text[-1] = ",合计,,,21000,,,,,,,,"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="合计"):
        read_register(path)


def test_lpr_for_the_new_term_at_the_swap_date():
    lpr = load_lpr()
    assert (lpr["dataset"] == "real").all()
    # 2022-08-22 fixing: 1Y 3.65, 5Y 4.30; the day before still 3.70 / 4.45 (2022-05-20).
    # 60 months is priced off the 1-year LPR, 61 off the 5-year.
    got = lpr_for_term(["2022-08-21", "2022-08-22", "2022-08-22", "2022-08-21"], [60, 12, 61, 120], lpr=lpr)
    assert got.tolist() == [3.70, 3.65, 4.30, 4.45]
    assert math.isnan(lpr_for_term(["2019-01-01"], [12], lpr=lpr)[0])


def test_scenarios_move_only_floating_debt(tmp_path):
    # bank loan 1.2亿 and bond 1.2亿, both 8% → 4% bullet: +50bp costs 1.2 × 0.5% = 0.006亿 a year
    loans, reg = savings(tmp_path, [loan(), loan(new_kind="中期票据")])
    table = fin.lpr_scenarios(reg).set_index("scenario")
    assert table.loc["flat", "annual_run_rate_yi"] == pytest.approx(0.096)
    assert table.loc["lpr_plus_50bp", "annual_run_rate_yi"] == pytest.approx(0.096 - 0.006)
    assert table.loc["lpr_minus_25bp", "annual_run_rate_yi"] == pytest.approx(0.096 + 0.003)


def test_candidates_ranked_by_npv_per_yi(tmp_path):
    header = ["序号", "企业名称", "原融资品种", "原融资利率(%)", "融资余额(万元)", "原剩余期限(月)", "还款方式", "提前还款违约金(万元)"]
    rows = [["城发集团", "信托", "8", "10000", 24, "到期一次还本", ""],
            ["交发集团", "信托", "9", "10000", 24, "到期一次还本", "600"],
            ["铁投集团", "银行贷款", "3.5", "50000", 24, "等额本金", ""]]
    rem = read_register(write_register(tmp_path, rows, header=header), kind="remaining")
    cand = fin.refinancing_candidates(rem, 4.0)
    assert cand.attrs["excluded"] == 1  # 3.5% is already below the target
    # 9%: 5 points but 0.06亿 penalty; 8%: 4 points, none. Per 亿元 at 4%, 24 months:
    a = (1 - (1 + 0.04 / 12) ** -24) / (0.04 / 12)
    npv_9 = 0.05 / 12 * a - 0.06  # 0.0359
    npv_8 = 0.04 / 12 * a  # 0.0768
    assert cand["enterprise"].tolist() == ["城发集团", "交发集团"]
    assert cand["npv_per_yi"].tolist() == pytest.approx([npv_8, npv_9])


# ----------------------------------------------------------------------------- interest split

def synthetic_panel() -> pd.DataFrame:
    """Two groups, 2021-01..2022-03: A's debt 100 at 6% then 120 at 5%; B only in 2022."""
    rows = []
    for year, months in ((2021, range(1, 13)), (2022, range(1, 4))):
        for m in months:
            rows.append({"enterprise": "交发集团", "year": year, "month": m, "period": f"{year}-{m:02d}",
                         "interest_bearing_debt": 100.0 if year == 2021 else 120.0,
                         "interest_expense_ytd": (100 * 0.06 if year == 2021 else 120 * 0.05) * m / 12,
                         "dataset": "demonstration"})
            if year == 2022:
                rows.append({"enterprise": "城发集团", "year": year, "month": m, "period": f"{year}-{m:02d}",
                             "interest_bearing_debt": 50.0, "interest_expense_ytd": 0.2 * m,
                             "dataset": "demonstration"})
    return pd.DataFrame(rows)


def test_interest_split_volume_and_rate(tmp_path):
    # 交发集团 Jan–Mar, I0 = I1 = 1.5. Average debt over the opening balance and months 1..3:
    # 2022: (Dec-2021 100 + 3 × 120) / 4 = 115; 2021: no Dec-2020 row, so (3 × 100) / 3 = 100.
    # Implied rates: r0 = 1.5 / (100 × 3/12) = 6%, r1 = 1.5 / (115 × 3/12) = 6% × 100/115 = 5.2174%.
    # Shapley: volume = 15 × (r0 + r1)/2 × 3/12 = 0.2103261; rate = (r1 − r0) × 107.5 × 3/12 = −0.2103261
    # swap 1 Jan 2022, 120000万 = 12亿 8% → 4%: run-rate 0.48亿, Jan 1–Mar 31 = 90/365 of it → 0.118356
    loans, _ = savings(tmp_path, [loan(amount="120000", date="2022-01-01")], as_of="2022-03")
    split = fin.interest_split(synthetic_panel(), loans, "2022-03")
    a = split.loc["交发集团"]
    assert a["avg_debt_current"] == pytest.approx(115.0) and a["avg_debt_base"] == pytest.approx(100.0)
    assert a["volume_effect"] == pytest.approx(0.2103261, abs=1e-7)
    assert a["rate_effect"] == pytest.approx(-0.2103261, abs=1e-7)
    assert a["swaps_effect"] == pytest.approx(-0.48 * 90 / 365)
    assert a["share_of_rate_effect_explained"] == pytest.approx(0.48 * 90 / 365 / 0.2103261, rel=1e-6)  # 0.5627
    b = split.loc["城发集团"]
    assert math.isnan(b["rate_effect"]) and "prior-year" in b["reason"]
    # the total is like for like (交发集团 only) and the sum of the rows
    assert split.loc["Total", "interest_current"] == pytest.approx(1.5)
    assert split.loc["Total", "rate_effect"] == pytest.approx(-0.2103261, abs=1e-7)


def test_interest_split_without_panel_is_nan_with_reason(tmp_path):
    loans, _ = savings(tmp_path, [loan(amount="120000", date="2022-01-01")], as_of="2022-03")
    split = fin.interest_split(None, loans, "2022-03")
    assert split["rate_effect"].isna().all() and split["reason"].str.contains("no panel").all()
    assert split.loc["交发集团", "swaps_effect"] == pytest.approx(-0.48 * 90 / 365)
    assert split.loc["Total", "swaps_effect"] == pytest.approx(-0.48 * 90 / 365)


# ----------------------------------------------------------------------------- on the demonstration panel

@pytest.fixture(scope="module")
def demo_panel(shipped_panel):
    """The panel conftest rebuilt from the shipped flash reports."""
    from soe_analysis.io.panel import load_panel

    assert shipped_panel is not None, "the demonstration flash reports are missing"
    return load_panel(shipped_panel)


def test_register_fits_the_demo_panel_debt(demo_panel):
    # no group refinances more than 70% of the interest-bearing debt it carried at end-2021
    reg = read_register(config.REGISTER_FILE, as_of="2022-10")
    refinanced = reg.groupby("enterprise")["amount_wan"].sum() / 10_000
    debt = demo_panel[demo_panel["period"] == "2021-12"].set_index("enterprise")["interest_bearing_debt"]
    assert set(refinanced.index) <= set(debt.index)
    assert (refinanced <= 0.7 * debt.reindex(refinanced.index)).all()


def test_interest_split_on_the_demo_panel(demo_panel):
    reg = read_register(config.REGISTER_FILE, as_of="2022-10")
    loans = fin.loan_savings(reg, as_of="2022-10")
    split = fin.interest_split(demo_panel, loans, "2022-10")
    now = demo_panel[demo_panel["period"] == "2022-10"]
    assert split.loc["Total", "interest_current"] == pytest.approx(now["interest_expense_ytd"].sum())
    # the total row is the sum of the rows
    rows = split.drop(index="Total")
    assert split.loc["Total", "rate_effect"] == pytest.approx(rows["rate_effect"].sum())
    # every swap is in 2022, so the Jan–Oct 2021 window saved nothing: the swaps' effect is the
    # negative of the saving realised Jan–Oct 2022
    assert split.loc["Total", "swaps_effect"] == pytest.approx(-loans["realised_to_date_yi"].sum())
    # register and panel agree: the swaps' saving is part of the fall in the implied rate, not 18× it
    assert split.loc["Total", "rate_effect"] < 0
    assert 0.5 <= split.loc["Total", "share_of_rate_effect_explained"] <= 1.2
    # the drivers verb prints the same split (one function)
    from soe_analysis import drivers

    same = drivers.interest_split(drivers.bridge(demo_panel, "2022-10")).loc["Total"]
    assert same["volume_effect"] == pytest.approx(split.loc["Total", "volume_effect"])
    assert same["rate_effect"] == pytest.approx(split.loc["Total", "rate_effect"])


# ----------------------------------------------------------------------------- the shipped register

def test_shipped_register_reproduces_published_figures():
    path = config.REGISTER_FILE
    reg = read_register(path, as_of="2022-10")
    assert reg.attrs["dataset"] == "demonstration" and quality_table(reg).empty
    assert set(reg["enterprise"]) <= {"交发集团", "交运集团", "现代集团", "数发集团", "设计集团", "城发集团",
                                      "公用集团", "铁投集团", "名城集团", "国资运营公司"}
    assert reg["swap_date"].min() >= pd.Timestamp("2022-01-01") and reg["swap_date"].max() <= pd.Timestamp("2022-10-31")
    # independently of the reader: integer 万元 × basis points straight from the CSV
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))[3:]
    body = [r for r in rows if r and r[0].isdigit()]
    amount = sum(int(r[4].replace(",", "")) for r in body)
    saving_wan_bp = sum(int(r[4].replace(",", "")) * (round(float(r[3]) * 100) - round(float(r[8]) * 100)) for r in body)
    assert amount == 5_388_300  # 538.83亿元
    assert saving_wan_bp == 215_200 * 10_000  # 21.52亿元
    table = fin.basis_table(reg, as_of="2022-10")
    assert fin.published_basis(table) == "annual_run_rate_saving"
    assert table["matches_published"].sum() == 1
    # new bank-loan rates sit near the LPR at each swap date
    loans = fin.loan_savings(reg, as_of="2022-10")
    bank = loans[loans["new_instrument"] == "bank_loan"]
    assert bank["new_over_lpr_pp"].between(-1.0, 2.0).all()


def test_generator_is_byte_identical_to_committed_files():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", config.PROJECT_ROOT / "scripts" / "generate_demo_register.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for name, data in gen.outputs().items():
        assert (config.REFINANCING_DIR / name).read_bytes() == data, name


def test_cli_json_keys_and_published_basis():
    from soe_analysis.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["savings", "--as-of", "2022-10", "--json"])
    assert code == 0
    out = json.loads(buf.getvalue())
    for key in ("refinanced_total", "annual_run_rate_saving", "in_year_saving", "lifetime_saving", "npv_saving",
                "published_basis", "by_enterprise"):
        assert key in out, key
    assert out["refinanced_total"] == 538.83
    assert out[out["published_basis"]] == 21.52
    assert {r["enterprise"] for r in out["by_enterprise"]} >= {"交发集团", "城发集团"}
    assert round_half_up(sum(r["amount_yi"] for r in out["by_enterprise"]), 2) == 538.83


def test_cli_errors_are_one_line(tmp_path, capsys):
    from soe_analysis.cli import main

    assert main(["savings", "--as-of", "2021-12"]) == 1  # before the first swap
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no swap in the register" in err and "Traceback" not in err
    assert main(["savings", "--as-of", "2022-13"]) == 2
    assert main(["savings", "--discount-rate", "x"]) == 2
    assert main(["savings", "--register", str(tmp_path / "none.csv")]) == 1
    assert main(["savings", "--panel", str(tmp_path / "none.parquet")]) == 1  # asked for, so required
    assert "panel not found" in capsys.readouterr().err


def test_parameters_are_validated():
    with pytest.raises(UsageError):
        fin.check_params(lang="fr")
    with pytest.raises(UsageError):
        fin.check_params(target_new_rate="high")
    with pytest.raises(UsageError):
        fin.check_params(as_of="2022Q9")
    params = fin.check_params(discount_rate="3.5")
    assert params.discount_rate == 3.5
    with pytest.raises(AttributeError):  # frozen
        params.lang = "en"
    panel = synthetic_panel()
    with pytest.raises(UsageError, match="no data in the panel"):
        fin.check_params(panel, as_of="2022-06")


def test_savings_before_the_last_swap(capsys):
    # as of June 2022 only the swaps dated up to 30 June count, and no basis is compared with the
    # published totals (they cover swaps to October)
    from soe_analysis.cli import main

    reg = read_register(config.REGISTER_FILE)
    june = reg[reg["swap_date"] <= pd.Timestamp("2022-06-30")]
    assert 0 < len(june) < len(reg)
    assert main(["savings", "--as-of", "2022-06", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["loans"] == len(june) and out["swaps_after_as_of"] == len(reg) - len(june)
    assert out["refinanced_total"] == round_half_up(june["amount_wan"].sum() / 10_000, 2)
    assert out["published_basis"] is None and out["published_comparison"].startswith("not yet")
    # in-year = realised to date + projection, also here
    split = out["in_year_split"]
    assert round_half_up(split["realised_to_date"] + split["projected_rest_of_year"], 2) == pytest.approx(
        out["in_year_saving"], abs=0.011)


def test_in_year_split_at_2022_10(capsys):
    from soe_analysis.cli import main

    assert main(["savings", "--as-of", "2022-10", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    loans = fin.loan_savings(read_register(config.REGISTER_FILE), as_of="2022-10")
    # realised Jan–Oct, from the loans' own day counts; the projection is November–December
    assert out["in_year_split"]["realised_to_date"] == round_half_up(loans["realised_to_date_yi"].sum(), 2)
    assert out["in_year_saving"] == round_half_up(loans["in_year_yi"].sum(), 2)
    assert {"enterprise", "volume_effect", "rate_effect", "swaps_effect"} <= set(out["interest_split"][-1])


# ----------------------------------------------------------------------------- notebook

@pytest.mark.notebook
def test_notebook_runs(shipped_run):
    key = shipped_run("03_financing_savings.ipynb").figures
    assert key["refinanced_total_yi"] == 538.83 and key["annual_run_rate_saving_yi"] == 21.52
    assert key["published_basis"] == "annual_run_rate_saving"
    reg = read_register(config.REGISTER_FILE, as_of="2022-10")
    assert key["npv_saving_yi"] == round_half_up(fin.loan_savings(reg)["npv_yi"].sum(), 2)
    # the interest split is the one the drivers verb prints
    from soe_analysis import drivers
    from soe_analysis.io.panel import load_panel

    same = drivers.interest_split(drivers.bridge(load_panel(), "2022-10")).loc["Total"]
    assert key["interest_rate_effect_yi"] == pytest.approx(same["rate_effect"])
    assert key["interest_volume_effect_yi"] == pytest.approx(same["volume_effect"])


@pytest.mark.notebook
def test_notebook_runs_before_the_last_swap(tmp_path):
    from tests.nbrun import run_notebook

    # in English, at a discount rate of its own (one run checks all three parameters)
    key = run_notebook("03_financing_savings.ipynb", tmp_path, {"as_of": "2022-06", "discount_rate": 3.0, "lang": "en"},
                       env={"PYTHONPATH": str(config.PROJECT_ROOT)})
    reg = read_register(config.REGISTER_FILE)
    june = reg[reg["swap_date"] <= pd.Timestamp("2022-06-30")]
    # the notebook passes its discount rate through: its NPV is the library's at that rate
    expected = fin.loan_savings(fin.visible_swaps(reg, "2022-06"), as_of="2022-06", discount_rate=3.0)["npv_yi"].sum()
    assert key["npv_saving_yi"] == round_half_up(expected, 2)
    assert key["refinanced_total_yi"] == round_half_up(june["amount_wan"].sum() / 10_000, 2)
    assert key["swaps_after_as_of"] == len(reg) - len(june) and key["published_basis"] is None
    assert key["realised_in_year_yi"] + key["projected_rest_of_year_yi"] == pytest.approx(key["in_year_saving_yi"], abs=0.011)


def test_a_basis_total_alone_is_what_the_full_evaluation_sums():
    from soe_analysis.financing_loans import _basis_total, _evaluate

    # one 1亿 bullet loan, 6% → 3% for 12 months, no fees: 0.25% of par saved each month
    args = ([1.0], [6.0], [3.0], [12], [12], ["bullet"], [0.0])
    _, lifetime, npv, _, _ = _evaluate(*args, None)
    assert _basis_total("lifetime", *args, None) == lifetime.sum() == pytest.approx(0.03)
    # principal repaid alike; the interest saved discounted at the new rate, 0.25% a month
    assert _basis_total("npv", *args, None) == npv.sum() == pytest.approx(1 - 1.0025 ** -12)
    assert _basis_total("npv", [], [], [], [], [], [], [], None) == 0.0
