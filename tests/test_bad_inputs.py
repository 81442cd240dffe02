"""The malformed-input corpus: each file gives its documented outcome through `soe-analysis validate`,
as one-line findings with file, row and column, never a traceback, and no file is modified."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from soe_analysis.cli import main

CORPUS = Path(__file__).parent / "bad_inputs"
EXPECTED = list(csv.DictReader((CORPUS / "EXPECTED.csv").open(encoding="utf-8")))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 15
    assert sum(1 for e in EXPECTED if e["outcome"] == "error") >= 12


@pytest.mark.parametrize("case", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_documented_outcome(case, capsys):
    path = CORPUS / case["file"]
    before = _digest(path)
    code = main(["validate", str(path), "--aliases", str(CORPUS / "aliases.csv"), "--panel", "none", "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert _digest(path) == before, "validate must never modify a raw file"
    report = json.loads(out)
    findings = report["findings"]
    if case["outcome"] == "ok":
        assert code == 0 and report["errors"] == 0, findings
        assert report["rows"] >= 1
    elif case["outcome"] == "empty":  # read, nothing in it: a warning, not an error
        assert code == 0 and report["errors"] == 0 and report["rows"] == 0, findings
    else:
        assert code == 1 and report["errors"] >= 1
    if case["message_contains"]:
        wanted_severity = "error" if case["outcome"] == "error" else "warning"
        matching = [f for f in findings if case["message_contains"] in f["message"] and f["severity"] == wanted_severity]
        assert matching, f"no {wanted_severity} containing {case['message_contains']!r} in {findings}"
        hit = matching[0]
        assert hit["file"].split("[")[0].endswith(case["file"])  # a worksheet adds [sheet]
        assert str(hit["row"] or "") == case["row"]
        assert (hit["column"] or "") == case["column"]


def test_error_lines_name_file_row_and_column(capsys):
    code = main(["validate", str(CORPUS / "01_text_in_number.csv"), "--aliases", str(CORPUS / "aliases.csv"), "--panel", "none"])
    _, err = capsys.readouterr()
    assert code == 1
    first = err.strip().splitlines()[0]
    assert "01_text_in_number.csv" in first and "row 4" in first and "column 负债总额" in first and "六百" in first


def test_parsed_values_of_tolerated_spellings(tmp_path):
    from soe_analysis.io.ingest import validate_files

    aliases = CORPUS / "aliases.csv"
    full = validate_files([CORPUS / "14_fullwidth_and_parentheses.csv"], aliases).panel.iloc[0]
    assert full["total_assets"] == pytest.approx(1000 / 1e4)  # １，０００ 万元 → 0.1 亿元
    assert full["total_profit_ytd"] == pytest.approx(-8.5 / 1e4)  # （８.５） is negative
    assert full["investment_completed_ytd"] != full["investment_completed_ytd"]  # — is missing (NaN), not 0
    yi = validate_files([CORPUS / "21_unit_in_header_yi.csv"], aliases).panel.iloc[0]
    assert yi["total_assets"] == pytest.approx(10.5)  # header says 亿元: no conversion
    gbk = validate_files([CORPUS / "07_gbk_encoded.csv"], aliases).panel
    assert sorted(gbk["enterprise"]) == ["乙集团", "甲集团"]
    xlsx = validate_files([CORPUS / "25_merged_title.xlsx"], aliases).panel
    assert xlsx.set_index("enterprise").loc["甲集团", "revenue_ytd"] == pytest.approx(300 / 1e4)
    title = validate_files([CORPUS / "23_period_in_title_only.csv"], aliases).panel
    assert title["period"].tolist() == ["2022-10"]


def test_identical_duplicate_is_kept_once():
    from soe_analysis.io.ingest import validate_files

    panel = validate_files([CORPUS / "03_duplicate_identical.csv"], CORPUS / "aliases.csv").panel
    assert sorted(panel["enterprise"]) == ["乙集团", "甲集团"]


def test_hostile_cases_are_in_the_corpus():
    names = {e["file"][:2] for e in EXPECTED}
    assert {str(n) for n in range(26, 37)} <= names


def test_missing_alias_file_is_a_usage_error(tmp_path, capsys):
    code = main(["validate", str(CORPUS / "07_gbk_encoded.csv"), "--aliases", str(tmp_path / "nope.csv")])
    _, err = capsys.readouterr()
    assert code == 2 and "alias file not found" in err and "Traceback" not in err
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_bytes((CORPUS / "07_gbk_encoded.csv").read_bytes())
    assert main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out"), "--aliases", str(tmp_path / "nope.csv")]) == 2


def test_control_characters_in_file_names_are_escaped_when_printed(tmp_path, capsys):
    path = tmp_path / "evil\x1b[2J\nname.csv"
    path.write_bytes((CORPUS / "01_text_in_number.csv").read_bytes())
    code = main(["validate", str(path), "--aliases", str(CORPUS / "aliases.csv"), "--panel", "none"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "\x1b" not in out + err and "evil\\x1b[2J\\nname.csv" in err


def test_quality_csv_neutralises_formula_text_and_raw_files_keep_their_hash(tmp_path):
    import pandas as pd

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("35_formula_injection.csv", "28_hidden_sheet.xlsx", "07_gbk_encoded.csv"):
        (raw / name).write_bytes((CORPUS / name).read_bytes())
    (raw / "enterprise_aliases.csv").write_bytes((CORPUS / "aliases.csv").read_bytes())
    before = {p.name: _digest(p) for p in raw.iterdir()}
    assert main(["ingest", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    assert {p.name: _digest(p) for p in raw.iterdir()} == before
    quality = pd.read_csv(tmp_path / "out" / "data_quality.csv", encoding="utf-8-sig", dtype=str)
    columns = set(quality["column"].dropna())
    assert "'=1+2" in columns and "=1+2" not in columns
    assert any("is hidden; skipped" in m for m in quality["message"])
