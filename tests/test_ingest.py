from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from soe_analysis.cli import main
from soe_analysis.io.ingest import ingest
from soe_analysis.metrics import headline, round_half_up, rounded
from soe_analysis.io.panel import dataset_label, load_panel
from tests.flashfiles import write_aliases, write_flash_csv


def _two_years(raw):
    """Two enterprises, October 2021 and 2022, in 万元 (hand-checkable)."""
    rows = {
        "2021年1-10月": [("甲", 1000, 600, 400, 300, 20, 50), ("乙", 500, 200, 300, 100, -10, 5)],
        "2022年1-10月": [("甲", 1100, 650, 450, 360, -30, 60), ("乙", 520, 210, 310, 90, 5, 7)],
    }
    for period, data in rows.items():
        write_flash_csv(raw / f"{period}.csv", [
            dict(enterprise=e, period=period, total_assets=a, total_liabilities=l, equity=q, revenue=r,
                 total_profit=p, investment_completed=i) for e, a, l, q, r, p, i in data])
    write_aliases(raw / "enterprise_aliases.csv", ["甲", "乙"])


def test_ingest_writes_panel_and_headline_by_hand(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _two_years(raw)
    result = ingest(raw, out)
    assert result.ok
    panel = load_panel(out / "panel.parquet")
    assert len(panel) == 4 and set(panel["source_file"]) == {"2021年1-10月.csv", "2022年1-10月.csv"}
    assert (out / "data_quality.csv").exists()
    h = headline(panel, "2022-10")
    # assets 1100+520 = 1620 万元 = 0.162 亿元; a year before 1500 → +8.00%
    assert h["total_assets"] == pytest.approx(0.162)
    assert round_half_up(h["total_assets_yoy_pct"]) == 8.0
    # equity 760 vs 700 → +8.571428…% → 8.57
    assert round_half_up(h["equity_yoy_pct"]) == 8.57
    # debt ratio 860/1620 = 53.0864…% → 53.09
    assert round_half_up(h["debt_ratio_pct"]) == 53.09
    # revenue 450 vs 400 → +12.5%; profit −25 vs +10 → change −35 万元 = −0.0035 亿元
    assert round_half_up(h["revenue_ytd_yoy_pct"]) == 12.5
    assert h["total_profit_ytd"] == pytest.approx(-0.0025)
    assert h["total_profit_ytd_change"] == pytest.approx(-0.0035)
    assert h["investment_ytd"] == pytest.approx(0.0067)
    assert [m["enterprise"] for m in h["loss_makers"]] == ["甲"]
    assert dataset_label(panel) == "user"


def test_errors_write_nothing_and_keep_previous_outputs(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _two_years(raw)
    assert ingest(raw, out).ok
    before = hashlib.sha256((out / "panel.parquet").read_bytes()).hexdigest()
    raw_before = {p.name: p.read_bytes() for p in raw.iterdir()}
    write_flash_csv(raw / "bad.csv", [dict(enterprise="甲", period="2022年1-9月", total_assets="abc",
                                           total_liabilities=1, equity=1, revenue=1)])
    result = ingest(raw, out)
    assert not result.ok
    assert hashlib.sha256((out / "panel.parquet").read_bytes()).hexdigest() == before
    assert {p.name: p.read_bytes() for p in raw.iterdir() if p.name != "bad.csv"} == raw_before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_cli_ingest_exit_codes_and_one_line_errors(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _two_years(raw)
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 0
    assert "4 rows" in capsys.readouterr().out
    assert main(["ingest", "--raw", str(tmp_path / "nowhere"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "raw folder not found" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["headline"])  # --as-of missing: usage error
    assert exit_info.value.code == 2


def test_headline_json_keys(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _two_years(raw)
    ingest(raw, out)
    assert main(["headline", "--as-of", "2022-10", "--panel", str(out / "panel.parquet"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("as_of", "total_assets", "total_assets_yoy_pct", "equity", "equity_yoy_pct", "debt_ratio_pct",
                "revenue_ytd", "revenue_ytd_yoy_pct", "total_profit_ytd", "total_profit_ytd_change",
                "investment_ytd", "by_enterprise"):
        assert key in data
    assert {"enterprise", "total_assets", "revenue_ytd", "total_profit_ytd"} <= set(data["by_enterprise"][0])
    # a month the panel lacks is a usage error (2), as for every verb with check_params
    assert main(["headline", "--as-of", "2030-01", "--panel", str(out / "panel.parquet")]) == 2
    assert "as_of 2030-01 has no data" in capsys.readouterr().err


def test_dataset_label_from_marker(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _two_years(raw)
    (raw / "dataset.json").write_text(json.dumps({"label": "demonstration"}), encoding="utf-8")
    assert dataset_label(ingest(raw, out).panel) == "demonstration"


def test_as_of_never_sees_later_months(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _two_years(raw)
    ingest(raw, out)
    panel = load_panel(out / "panel.parquet")
    first = json.dumps(rounded(headline(panel, "2021-10")), sort_keys=True)
    extra = pd.concat([panel, panel.assign(period="2023-10", year=2023, total_assets=9e9)])
    assert json.dumps(rounded(headline(extra, "2021-10")), sort_keys=True) == first


def test_round_half_up_is_printed_rounding():
    assert round_half_up(0.125) == 0.13 and round_half_up(-5.405) == -5.41 and round_half_up(2.675) == 2.68
    assert rounded({"a": 1.005, "b": [float("nan")]}) == {"a": 1.01, "b": [None]}


def test_format_number_prints_as_a_report_does():
    from soe_analysis.metrics import format_number, is_number

    # half-up, no -0.00, separators and explicit sign on request
    assert [format_number(v) for v in (2.675, -0.004, -5.405)] == ["2.68", "0.00", "-5.41"]
    assert format_number(3325.445, thousands=True) == "3,325.45"
    assert format_number(0.7225, 3) == "0.723"
    assert [format_number(v, sign=True) for v in (1.5, -1.5, 0.001)] == ["+1.50", "-1.50", "0.00"]
    assert [is_number(v) for v in (1, 2.5, float("nan"), None, "3", True)] == [True, True, False, False, False, False]


# --- a long file read by the fast reader: only its top is decoded in Python ----------------------

def _long_file(raw, n, blank_at=None):
    """n enterprises in one 2022年1-10月 CSV (over 1 MB: Arrow reads it in several blocks), a
    合计 row at the end; enterprise i has assets 1000 + i, liabilities 600, equity 400 + i 万元."""
    names = [f"企业{i:05d}" for i in range(n)]
    rows = [dict(enterprise="" if i == blank_at else name, period="2022年1-10月", total_assets=1000 + i,
                 total_liabilities=600, equity=400 + i, revenue=i) for i, name in enumerate(names)]
    rows.append(dict(enterprise="合计", period="2022年1-10月", total_assets=sum(1000 + i for i in range(n)),
                     total_liabilities=600 * n, equity=sum(400 + i for i in range(n)), revenue=sum(range(n))))
    path = write_flash_csv(raw / "2022年1-10月.csv", rows)
    write_aliases(raw / "enterprise_aliases.csv", names)
    return path


def test_long_file_every_row_read_and_its_total_checked(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    path = _long_file(raw, 30_000)
    assert path.stat().st_size > 1 << 20  # Arrow's block size: the text columns come in two chunks
    result = ingest(raw, out)
    assert result.ok and len(result.panel) == 30_000
    # Σ assets = 30,000 × 1000 + (0 + … + 29,999) = 30,000,000 + 449,985,000 万元 = 47,998.5 亿元
    assert result.panel["total_assets"].sum() == pytest.approx(47_998.5)
    assert result.panel.loc[result.panel["enterprise"] == "企业29999", "source_row"].item() == 3 + 30_000


def test_blank_name_deep_in_a_long_file_names_its_row(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _long_file(raw, 30_000, blank_at=25_000)  # on file line 3 (header) + 25,001
    result = ingest(raw, out)
    errors = result.quality[result.quality["severity"] == "error"]
    assert list(errors["row"]) == [25_004] and errors.iloc[0]["message"] == "enterprise name is empty"
    assert not (out / "panel.parquet").exists()


def test_invalid_bytes_below_the_decoded_top_are_refused(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    path = _long_file(raw, 300)
    with path.open("ab") as fh:  # a GBK row far below the lines read as UTF-8 text
        fh.write("企业00001,2022年1-10月,1,1,0,0\n".encode("gbk"))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = ingest(raw, out)
    errors = result.quality[result.quality["severity"] == "error"]
    assert len(errors) == 1 and "cannot decode the file as UTF-8 or GBK" in errors.iloc[0]["message"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before and not (out / "panel.parquet").exists()
