"""The shipped demonstration dataset: published figures, identities, format, determinism.

The files are read back with plain pandas/openpyxl (not the project's ingest), so these tests
check the raw files exactly as an analyst would receive them. Expected published figures are the
source document's printed digits; the arithmetic is in the comments.
"""

from __future__ import annotations

import importlib.util
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from soe_analysis.schema import LINES

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate_demo_data.py"
GROUPS = ["交发集团", "交运集团", "现代集团", "数发集团", "设计集团",
          "城发集团", "公用集团", "铁投集团", "名城集团", "国资运营公司"]
# The header the brief specifies, literally (order = schema.LINES).
EXPECTED_HEADER = (
    "企业名称,报告期,资产总额,负债总额,所有者权益合计,带息负债,从业人员,营业总收入,营业总成本,营业成本,"
    "税金及附加,销售费用,管理费用,研发费用,财务费用,其中：利息费用,其他收益,投资收益,营业外收入,营业外支出,"
    "利润总额,净利润,折旧(摊销),职工薪酬,非经常性损益,经营活动现金流量净额,投资完成额,研发经费投入"
).split(",")
LINE_NAMES = [ln.name for ln in LINES]
FLOWS = [ln.name for ln in LINES if ln.kind == "flow"]
NONNEG_FLOWS = [ln.name for ln in LINES if ln.kind == "flow" and ln.nonneg]
MONTHS = [(y, m) for y in range(2019, 2024) for m in range(1, 13) if (y, m) <= (2023, 9)]


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_demo_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def yi(wan: int) -> float:
    """万元 → 亿元, half-up to 2 dp, exact."""
    return float((Decimal(int(wan)) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def pct(now: int, before: int) -> float:
    return float(((Decimal(int(now)) / Decimal(int(before)) - 1) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def period_text(y: int, m: int) -> str:
    return f"{y}年1月" if m == 1 else f"{y}年1-{m}月"


def read_month(raw: Path, y: int, m: int) -> tuple[pd.DataFrame, list[str]]:
    """One month's table (all rows incl. 合计) and its two title lines, with plain pandas."""
    stem = raw / "flash_reports" / str(y) / f"{period_text(y, m)}财务快报"
    if y >= 2023:
        table, titles = read_2023(stem.with_suffix(".xlsx"), y, m)
    else:
        path = stem.with_suffix(".csv")
        blob = path.read_bytes()
        if y == 2019:
            assert not blob.startswith(b"\xef\xbb\xbf")
            with pytest.raises(UnicodeDecodeError):
                blob.decode("utf-8")  # really GBK, not UTF-8
            encoding = "gbk"
        else:
            assert blob.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
            encoding = "utf-8-sig"
        text = blob.decode(encoding)
        titles = [line.split(",")[0] for line in text.splitlines()[:2]]
        table = pd.read_csv(path, encoding=encoding, skiprows=2, header=0)
    assert list(table.columns) == EXPECTED_HEADER, path
    return table, titles


def read_2023(path: Path, y: int, m: int) -> tuple[pd.DataFrame, list[str]]:
    """2023 ships as enterprise forms (one sheet per group) and, for 2023-06, as the city summary
    table; read here with openpyxl alone, independently of soe_analysis' readers, into the wide
    shape (the summary table's 合计 row included; forms have none)."""
    from openpyxl import load_workbook

    gen = load_generator()
    book = load_workbook(path, read_only=True, data_only=True)
    records = []
    if (y, m) == gen.SUMMARY_MONTH:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        titles = [rows[0][0], rows[1][0]]
        top, sub = pd.Series(rows[2], dtype=object).ffill().tolist(), rows[3]
        for r in rows[4:]:
            if r[1] is not None:
                values = {h: v for h, s, v in zip(top, sub, r) if s in ("本年累计", "期末数")}
                records.append([r[1], period_text(y, m), *(values[h] for h in EXPECTED_HEADER[2:])])
    else:
        header_of = {gen.FORM_LABELS[line]: gen.HEADERS[line] for line in gen.LINE_ORDER}
        for sheet in book.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            titles = [rows[0][0], rows[1][0]]
            values = {header_of[r[0]]: (r[3] if r[3] is not None else r[5]) for r in rows[4:] if r[0] in header_of}
            records.append([sheet.title, period_text(y, m), *(values[h] for h in EXPECTED_HEADER[2:])])
    book.close()
    return pd.DataFrame(records, columns=EXPECTED_HEADER), titles


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    gen = load_generator()
    raw = tmp_path_factory.mktemp("raw")
    assert gen.main(["--out", str(raw)]) == 0
    return gen, raw


@pytest.fixture(scope="module")
def panel(generated):
    """Long table of every enterprise row (YTD flows, levels), plus the 合计 rows apart."""
    _, raw = generated
    aliases = pd.read_csv(raw / "enterprise_aliases.csv")
    resolve = dict(zip(aliases["alias"], aliases["enterprise"]))
    rows, totals = [], []
    for y, m in MONTHS:
        table, titles = read_month(raw, y, m)
        if y < 2023:
            assert titles == [f"{period_text(y, m)}市属国企财务快报", "单位：万元"]
        else:  # enterprise forms (title, period) or the summary table (title, unit)
            assert titles in (["企业财务快报", period_text(y, m)], [f"{period_text(y, m)}市属国企主要财务指标汇总表", "单位：万元"])
        assert (table["报告期"] == period_text(y, m)).all()
        values = table[EXPECTED_HEADER[2:]].to_numpy()
        assert np.issubdtype(values.dtype, np.integer), (y, m)  # whole 万元, no blanks
        frame = pd.DataFrame(values, columns=LINE_NAMES)
        frame.insert(0, "name", table["企业名称"].to_numpy())
        frame.insert(1, "year", y)
        frame.insert(2, "month", m)
        is_total = frame["name"] == "合计"
        assert is_total.sum() == (0 if y == 2023 and m != 6 else 1) and (not is_total.any() or bool(is_total.iloc[-1]))
        body = frame[~is_total].copy()
        body["enterprise"] = body["name"].map(resolve)
        assert body["enterprise"].notna().all(), body["name"][body["enterprise"].isna()].tolist()
        rows.append(body)
        totals.append(frame[is_total])
    data = pd.concat(rows, ignore_index=True)
    return data.set_index(["enterprise", "year", "month"]).sort_index(), pd.concat(totals, ignore_index=True)


def at(panel_rows: pd.DataFrame, y: int, m: int) -> pd.DataFrame:
    return panel_rows.xs((y, m), level=("year", "month"))


# ------------------------------------------------------------------ published figures
def test_published_figures_2022_10(panel):
    rows, _ = panel
    now, before = at(rows, 2022, 10), at(rows, 2021, 10)
    assets, assets_prev = now["total_assets"].sum(), before["total_assets"].sum()
    equity, equity_prev = now["equity"].sum(), before["equity"].sum()
    assert yi(assets) == 3325.44            # 资产总额3325.44亿元
    assert pct(assets, assets_prev) == 7.98  # 同比增长7.98%
    assert yi(equity) == 1167.15             # 所有者权益1167.15亿元
    assert pct(equity, equity_prev) == 0.32  # 同比增长0.32%
    debt_ratio = Decimal(int(now["total_liabilities"].sum())) / Decimal(int(assets)) * 100
    assert debt_ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("64.90")  # 资产负债率64.90%
    # the brief's exact choices: 3,325.44亿 = 33,254,400 万元; 1167.15亿 = 11,671,500 万元
    assert (assets, equity) == (33_254_400, 11_671_500)


def test_published_figures_jan_oct_2022(panel):
    rows, _ = panel
    now, before = at(rows, 2022, 10), at(rows, 2021, 10)
    revenue, revenue_prev = now["revenue"].sum(), before["revenue"].sum()
    profit, profit_prev = now["total_profit"].sum(), before["total_profit"].sum()
    assert yi(revenue) == 288.46                    # 营业收入288.46亿元
    assert pct(revenue, revenue_prev) == 33.25      # 同比增长33.25%
    assert yi(profit) == -5.41                      # 利润总额-5.41亿元
    assert yi(profit - profit_prev) == -9.94        # 同比减少9.94亿元 (−54,100 − 45,300 = −99,400 万元)
    assert yi(now.loc["交发集团", "total_profit"]) == -6.46  # 交发集团累计亏损6.46亿元
    assert yi(now.loc["交运集团", "total_profit"]) == -3.61  # 交运集团累计亏损3.61亿元
    losers = sorted(now.index[now["total_profit"] < 0])
    assert losers == ["交发集团", "交运集团"]               # only these two are named
    assert yi(now["investment_completed"].sum()) == 290.00  # 已完成投资290亿元


def test_published_figures_2019_12(panel):
    rows, _ = panel
    end19 = at(rows, 2019, 12)
    assets, liab, equity = (int(end19[c].sum()) for c in ("total_assets", "total_liabilities", "equity"))
    assert (yi(assets), yi(liab), yi(equity)) == (2638.18, 1660.15, 978.04)
    # 1660.15 + 978.04 = 2638.19: the published rounding mismatch is reproduced, not "fixed"
    assert yi(liab) + yi(equity) != yi(assets)
    assert (Decimal(liab) / Decimal(assets) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("62.93")


def test_soft_targets_near_2023_baselines(panel):
    rows, _ = panel
    dec22, sep22, sep23 = at(rows, 2022, 12), at(rows, 2022, 9), at(rows, 2023, 9)
    assert 320 <= yi(dec22["revenue"].sum()) <= 340        # 380/1.15 ≈ 330.4
    assert 3400 <= yi(dec22["total_assets"].sum()) <= 3440  # 3800/1.11 ≈ 3423
    assert -8 <= yi(dec22["total_profit"].sum()) <= -6      # 5 − 12 = −7
    assert sep23["total_profit"].sum() > sep22["total_profit"].sum()       # recovering
    assert 1.08 < sep23["revenue"].sum() / sep22["revenue"].sum() < 1.20   # revenue pace ~+10–15%
    assert 3600 <= yi(sep23["total_assets"].sum()) <= 3800


# ------------------------------------------------------------------ identities
def test_accounting_identities_every_row(panel):
    rows, _ = panel
    d = rows
    assert (d["total_cost"] == d["operating_cost"] + d["taxes_surcharges"] + d["selling_expense"]
            + d["admin_expense"] + d["rnd_expense"] + d["finance_expense"]).all()
    assert (d["total_profit"] == d["revenue"] - d["total_cost"] + d["other_income"] + d["investment_income"]
            + d["non_operating_income"] - d["non_operating_expense"]).all()
    assert (d["total_assets"] == d["total_liabilities"] + d["equity"]).all()
    assert (d["equity"] > 0).all()
    assert ((d["interest_bearing_debt"] > 0) & (d["interest_bearing_debt"] < d["total_liabilities"])).all()
    assert (d["interest_expense"] >= 0).all()
    assert (d["finance_expense"] >= 0).all()  # interest income never exceeds interest in the demo
    assert (d["depreciation"] + d["staff_cost"] <= d["operating_cost"] + d["selling_expense"] + d["admin_expense"]).all()
    assert (d["rnd_expense"] <= d["rnd_spending"]).all()
    tax = d["total_profit"] - d["net_profit"]
    assert (tax >= 0).all()
    assert (tax[d["total_profit"] <= 0] == 0).all()  # no tax on a YTD loss
    positive = d["total_profit"] > 0
    # 25% of positive YTD profit, to the 万元 (each rounded separately)
    assert ((tax[positive] - 0.25 * d.loc[positive, "total_profit"]).abs() <= 0.5).all()
    # one-off items are an "of which" part of the gains lines
    gains = d["other_income"].abs() + d["investment_income"].abs() + d["non_operating_income"] + d["non_operating_expense"]
    assert (d["one_off_items"].abs() <= gains).all()


def test_ytd_monotonic_and_monthly_consistent(panel):
    rows, _ = panel
    for name, g in rows.groupby(level="enterprise"):
        g = g.droplevel("enterprise")
        assert len(g) == len(MONTHS), name  # every month present for every enterprise
        for year, gy in g.groupby(level="year"):
            monthly = gy[NONNEG_FLOWS].diff()
            monthly.iloc[0] = gy[NONNEG_FLOWS].iloc[0]
            assert (monthly >= 0).all().all(), (name, year, monthly.min()[monthly.min() < 0])


def test_total_row_is_exact_column_sum(panel):
    rows, totals = panel
    tot = totals.set_index(["year", "month"])[LINE_NAMES]
    sums = rows.groupby(level=["year", "month"])[LINE_NAMES].sum().loc[tot.index]  # enterprise forms carry no 合计
    pd.testing.assert_frame_equal(sums.astype("int64"), tot.astype("int64"), check_names=False)


# ------------------------------------------------------------------ stories and plausibility
def bridge(rows: pd.DataFrame, name: str) -> dict:
    """Jan–Oct 2022 vs Jan–Oct 2021 profit effects (万元); they add up to Δ total profit exactly."""
    a, b = rows.loc[(name, 2022, 10), LINE_NAMES], rows.loc[(name, 2021, 10), LINE_NAMES]
    d = a - b
    effects = {
        "revenue": d["revenue"],
        "other_operating_cost": -(d["operating_cost"] - d["depreciation"] - d["staff_cost"]),
        "depreciation": -d["depreciation"],
        "staff_cost": -d["staff_cost"],
        "taxes_selling_admin_rnd": -(d["taxes_surcharges"] + d["selling_expense"] + d["admin_expense"] + d["rnd_expense"]),
        "interest": -d["interest_expense"],
        "other_finance": -(d["finance_expense"] - d["interest_expense"]),
        "one_off_items": d["one_off_items"],
        "recurring_gains": d["other_income"] + d["investment_income"] + d["non_operating_income"]
        - d["non_operating_expense"] - d["one_off_items"],
    }
    assert sum(effects.values()) == d["total_profit"]
    return effects


def test_jiaofa_story(panel):
    rows, _ = panel
    effects = bridge(rows, "交发集团")
    worst3 = sorted(effects, key=effects.get)[:3]
    assert set(worst3) == {"one_off_items", "depreciation", "interest"}
    assert -50_000 <= effects["one_off_items"] <= -35_000   # ~4亿 prior-year MoT interest
    assert -20_000 <= effects["depreciation"] <= -15_000     # bridge depreciation +1.5–2亿
    # interest no longer capitalised (~+1.5亿) and new borrowing, net of its swaps' saving: ~+2.5亿
    assert -30_000 <= effects["interest"] <= -15_000


def test_jiaoyun_story(panel):
    rows, _ = panel
    effects = bridge(rows, "交运集团")
    worst2 = sorted(effects, key=effects.get)[:2]
    assert set(worst2) == {"depreciation", "staff_cost"}
    a, b = rows.loc[("交运集团", 2022, 10), "revenue"], rows.loc[("交运集团", 2021, 10), "revenue"]
    assert abs(a / b - 1) < 0.02  # revenue roughly flat


def test_seasonality(panel):
    rows, _ = panel
    total = rows.groupby(level=["year", "month"]).sum()
    for year in (2019, 2020, 2021, 2022):
        y = total.xs(year, level="year")
        monthly = y[FLOWS].diff().fillna(y[FLOWS])
        # investment in Nov–Dec 2022 was cut back (the year's plan of 300亿 was met by October)
        for line in ("rnd_spending",) if year == 2022 else ("investment_completed", "rnd_spending"):
            share = monthly[line] / monthly[line].sum()
            assert share.loc[12] > 1.5 / 12, (year, line)  # December bunching: > 1.5× an average month
            assert share.loc[10:12].sum() > 0.29, (year, line)  # Q4 well above its even 25%
        rev = monthly["revenue"]
        assert rev.loc[2] < rev.loc[3:11].mean()  # Spring-Festival dip
    # COVID: 交运集团's Feb–Mar 2020 revenue well below Feb–Mar 2019
    jy = rows.xs("交运集团", level="enterprise")["revenue"]
    feb_mar = lambda y: jy.loc[(y, 3)] - jy.loc[(y, 1)]  # noqa: E731
    assert feb_mar(2020) < 0.7 * feb_mar(2019)


def test_interest_rate_plausible(panel):
    rows, _ = panel
    for (name, year), g in rows.groupby(level=["enterprise", "year"]):
        if year == 2023:
            continue
        rate = g["interest_expense"].iloc[-1] / g["interest_bearing_debt"].mean() * 100
        # until 2021 much of the debt was trust, leasing and non-standard debt at 7–9% (the
        # register's old rates; 国资运营公司 2019: ~80% of its debt), the rest at 4–5%; after the
        # 2022 swaps the new 3–4% loans and bonds bring every group to 4–5.5%
        low, high = (4.5, 8.5) if year <= 2021 else (3.4, 5.5)
        assert low <= rate <= high, (name, year, rate)
    # lower in 2022 than in 2021 across the groups (refinancing)
    dec = lambda y: rows.xs((y, 12), level=("year", "month"))  # noqa: E731
    rate = {y: dec(y)["interest_expense"].sum() / rows.xs(y, level="year")["interest_bearing_debt"].groupby("enterprise").mean().sum()
            for y in (2021, 2022)}
    assert rate[2022] < rate[2021]


def _register() -> pd.DataFrame:
    """The shipped refinancing register, read with plain pandas (amounts 万元, rates percent)."""
    frame = pd.read_csv(ROOT / "data" / "raw" / "refinancing" / "融资置换台账_2022.csv", skiprows=2,
                        encoding="utf-8-sig", dtype=str)
    frame = frame[frame["序号"].fillna("").str.isdigit()]
    return pd.DataFrame({"enterprise": frame["企业名称"],
                         "amount": frame["置换金额(万元)"].str.replace(",", "").astype(int),
                         "old_rate": frame["原融资利率(%)"].astype(float)})


def test_register_debt_is_inside_the_panel_debt(panel):
    # every group's refinanced debt is part of its interest-bearing debt, in every month since 2019
    rows, _ = panel
    swapped = _register().groupby("enterprise")["amount"].sum()
    debt = rows["interest_bearing_debt"].groupby(level="enterprise").min()
    assert (swapped <= debt.reindex(swapped.index)).all(), (swapped / debt.reindex(swapped.index)).to_dict()


def test_register_interest_is_inside_the_interest_expense(panel):
    # before the swaps (2021) the refinanced debt cost Σ amount × old rate a year: 42.40亿元 at
    # the register's rates (538.83亿元 at a weighted 7.87%). The panel's 2021 interest expense
    # carries it (only 交发集团 capitalised a fifth of its interest, on the bridge, in 2021), so it
    # must exceed it, and by about the interest on the rest of the debt at 3.9–4.8%.
    rows, _ = panel
    reg = _register()
    old_interest = (reg["amount"] * reg["old_rate"] / 100).sum()
    assert yi(old_interest) == 42.40
    dec21 = rows.xs((2021, 12), level=("year", "month"))
    interest_2021 = dec21["interest_expense"].sum()
    other_debt = rows.xs(2021, level="year")["interest_bearing_debt"].groupby("enterprise").mean().sum() - reg["amount"].sum()
    assert old_interest < interest_2021 < old_interest + other_debt * 0.055


# ------------------------------------------------------------------ files, aliases, determinism
def test_layout_aliases_and_label(generated, panel):
    gen, raw = generated
    rows, _ = panel
    assert sorted(rows.index.get_level_values("enterprise").unique()) == sorted(GROUPS)
    reports = sorted(p.relative_to(raw / "flash_reports").as_posix() for p in (raw / "flash_reports").rglob("*财务快报.*"))
    assert len(reports) == 57  # 2019-01 … 2023-09
    assert sum(p.endswith(".xlsx") for p in reports) == 9 and all(p.startswith("2023/") for p in reports if p.endswith(".xlsx"))
    aliases = pd.read_csv(raw / "enterprise_aliases.csv")
    assert list(aliases.columns) == ["alias", "enterprise"]
    assert aliases["alias"].is_unique
    mapping = dict(zip(aliases["alias"], aliases["enterprise"]))
    assert all(mapping[g] == g for g in GROUPS)
    assert mapping["*市交通发展集团有限公司"] == "交发集团"
    # 2019–2020 files name some groups by their full legal names; later files by short names
    table19, _ = read_month(raw, 2019, 6)
    table22, _ = read_month(raw, 2022, 6)
    assert "*市交通发展集团有限公司" in set(table19["企业名称"])
    assert set(table22["企业名称"]) == set(GROUPS) | {"合计"}
    meta = json.loads((raw / "flash_reports" / "dataset.json").read_text(encoding="utf-8"))
    assert meta["label"] == "demonstration" and meta["seed"] == gen.SEED
    assert meta["generator"] == "scripts/generate_demo_data.py"
    # 2023 in the official layouts: enterprise forms, one sheet per group; 2023-06 the summary table
    from openpyxl import load_workbook
    forms = load_workbook(raw / "flash_reports" / "2023" / "2023年1-9月财务快报.xlsx")
    assert sorted(forms.sheetnames) == sorted(GROUPS)
    summary = load_workbook(raw / "flash_reports" / "2023" / "2023年1-6月财务快报.xlsx").active
    assert "A1:BW1" in [str(r) for r in summary.merged_cells.ranges]  # title over 2 + 5×2 + 21×3 = 75 columns


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "README.md" and "reference" not in p.parts}


def test_deterministic(generated, tmp_path):
    gen, raw = generated
    again = tmp_path / "again"
    gen.generate(again)
    first, second = _tree(raw), _tree(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_committed_files_equal_fresh_generation(generated):
    _, raw = generated
    fresh = _tree(raw)
    committed = _tree(ROOT / "data" / "raw")
    assert fresh.keys() <= committed.keys(), sorted(fresh.keys() - committed.keys())
    stale = [k for k in fresh if fresh[k] != committed[k]]
    assert stale == [], f"run `make data` and commit: {stale[:5]}"


def test_missed_anchor_fails_loudly_and_writes_nothing(tmp_path, monkeypatch):
    gen = load_generator()
    monkeypatch.setitem(gen.ASSET_PATH, (2022, 10), 33_254_000)  # 3325.40亿, not the published 3325.44
    out = tmp_path / "out"
    assert gen.main(["--out", str(out)]) == 1
    assert not out.exists()


# ------------------------------------------------------------------ through the project's pipeline
def test_ingest_and_headline_reproduce_published_figures(generated, tmp_path, capsys):
    from soe_analysis.cli import main as cli
    from soe_analysis.io.ingest import ingest
    from soe_analysis.metrics import headline, rounded
    from soe_analysis.io.panel import dataset_label, load_panel

    _, raw = generated
    out = tmp_path / "processed"
    result = ingest(raw / "flash_reports", out)
    assert result.ok and len(result.quality) == 0, result.quality.head().to_string()
    panel = load_panel(out / "panel.parquet")
    assert len(panel) == 570  # 10 groups × 57 months
    assert dataset_label(panel) == "demonstration"
    assert not panel["jan_feb_combined"].any()  # January is published alone in the demo

    assert cli(["headline", "--as-of", "2022-10", "--panel", str(out / "panel.parquet"), "--json"]) == 0
    h = json.loads(capsys.readouterr().out)
    assert (h["total_assets"], h["total_assets_yoy_pct"]) == (3325.44, 7.98)
    assert (h["equity"], h["equity_yoy_pct"], h["debt_ratio_pct"]) == (1167.15, 0.32, 64.90)
    assert (h["revenue_ytd"], h["revenue_ytd_yoy_pct"]) == (288.46, 33.25)
    assert (h["total_profit_ytd"], h["total_profit_ytd_change"]) == (-5.41, -9.94)
    assert h["investment_ytd"] == 290.00
    by = {e["enterprise"]: e for e in h["by_enterprise"]}
    assert (by["交发集团"]["total_profit_ytd"], by["交运集团"]["total_profit_ytd"]) == (-6.46, -3.61)
    assert [m["enterprise"] for m in h["loss_makers"]] == ["交发集团", "交运集团"]  # most negative first

    end19 = rounded(headline(panel, "2019-12"))
    assert (end19["total_assets"], end19["total_liabilities"], end19["equity"]) == (2638.18, 1660.15, 978.04)
    assert end19["debt_ratio_pct"] == 62.93
    # the one-off: 交发集团's June 2021 other income carries the ~4.13亿 MoT interest (monthly value)
    jf = panel[(panel["enterprise"] == "交发集团") & (panel["period"] == "2021-06")].iloc[0]
    assert jf["other_income_m"] > 4.13 and jf["one_off_items_m"] > 4.0
