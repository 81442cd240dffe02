"""The report batch: periods, parameters, sharing safety, the index, and real papermill runs."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from tests.batch_fixtures import EVIL, chart_notebook, failing_notebook, figures_notebook, tiny_panel, write_notebook
from soe_analysis import cli, config
from soe_analysis import report as batch
from soe_analysis.report import batch as report_batch
from soe_analysis.report.folders import clean_stale as _clean_stale, swap_in as _swap_in
from soe_analysis.errors import SoeError, UsageError

MONTHS = ["2022-09", "2022-10", "2023-01", "2023-02"]


# ---------------------------------------------------------------- periods


def test_expand_periods_quarters_months_and_ranges():
    got = [(kind, str(p)) for kind, p in batch.expand_periods(["2022q4", "2023Q1..2023Q3", "2022-10", "2023-01..2023-02"])]
    assert got == [("quarter", "2022Q4"), ("quarter", "2023Q1"), ("quarter", "2023Q2"), ("quarter", "2023Q3"),
                   ("month", "2022-10"), ("month", "2023-01"), ("month", "2023-02")]
    assert len(batch.expand_periods(["2022Q4", "2022Q4", "2022Q3..2022Q4"])) == 2  # no repeats


@pytest.mark.parametrize("bad", ["2022Q5", "2022", "Q4", "2022-13", "2023Q3..2023Q1", "2023Q1..2023-03", "", "2022-10..x"])
def test_expand_periods_refuses_bad_text(bad):
    with pytest.raises(UsageError):
        batch.expand_periods([bad])


def test_resolve_quarter_to_last_month_with_data():
    periods = batch.resolve_periods(["2022Q4", "2023Q1", "2022-09"], MONTHS)
    # Q4 2022 holds 2022-10 only (Nov/Dec absent); Q1 2023 holds Jan and Feb → Feb
    assert [(p.label, p.as_of, p.quarter) for p in periods] == [
        ("2022Q4", "2022-10", True), ("2023Q1", "2023-02", True), ("2022-09", "2022-09", False)]
    assert "2022-10" in periods[0].note("zh") and "截至" in periods[0].note("zh")
    assert "last month of the quarter with data" in periods[0].note("en")


@pytest.mark.parametrize("spec", ["2023Q2", "2022-11", "2021Q1..2021Q2"])
def test_resolve_refuses_periods_without_data(spec):
    with pytest.raises(SoeError, match="latest month: 2023-02"):
        batch.resolve_periods([spec], MONTHS)


# ---------------------------------------------------------------- parameters


def test_notebook_parameters_read_without_executing(tmp_path):
    path = write_notebook(tmp_path / "a.ipynb", 'as_of: str = "2022-10"  # month\nlang: str = "zh"\nn = 3',
                          "raise SystemExit")
    declared = batch.notebook_parameters(path)
    assert list(declared) == ["as_of", "lang", "n"]
    assert declared["as_of"].annotation == "str" and declared["as_of"].default == "2022-10"
    assert declared["n"].annotation is None and declared["n"].default == 3


@pytest.mark.parametrize("source, message", [
    ("as_of: str = compute()", "not a literal"),
    ("import os", "only `name: type = literal`"),
    ("as_of: str = (", "not valid Python"),
])
def test_notebook_parameters_refuse_non_literal_cells(tmp_path, source, message):
    path = write_notebook(tmp_path / "b.ipynb", source)
    with pytest.raises(UsageError, match=re.escape(message)):
        batch.notebook_parameters(path)


def test_notebook_without_parameters_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, tmp_path / "c.ipynb")
    with pytest.raises(UsageError, match="no cell tagged 'parameters'"):
        batch.notebook_parameters(tmp_path / "c.ipynb")


def test_validate_parameters():
    declared = {n: batch.Parameter(n, a, d) for n, a, d in
                (("as_of", "str", "2022-10"), ("lang", "str", "zh"), ("top", "int", 5), ("rate", "float", 1.0))}
    ok = batch.validate_parameters(declared, {"as_of": "2022年3月", "lang": "en", "top": 3, "rate": 2})
    assert ok == {"as_of": "2022-03", "lang": "en", "top": 3, "rate": 2}
    with pytest.raises(UsageError, match="unknown parameter"):
        batch.validate_parameters(declared, {"as_of": "2022-10", "enterprise": "交发集团"})
    with pytest.raises(UsageError, match="lang"):
        batch.validate_parameters(declared, {"lang": "fr"})
    with pytest.raises(UsageError, match="as_of"):
        batch.validate_parameters(declared, {"as_of": "2022Q4"})  # a quarter is resolved before, never passed
    with pytest.raises(UsageError, match="top must be int"):
        batch.validate_parameters(declared, {"top": "3"})
    with pytest.raises(UsageError, match="top must be int"):
        batch.validate_parameters(declared, {"top": True})


def test_batch_parameters_pass_lang_only_when_declared():
    period = batch.ReportPeriod("2022Q4", "2022-10", quarter=True)
    both = {n: batch.Parameter(n, "str", "") for n in ("as_of", "lang")}
    only = {"as_of": batch.Parameter("as_of", "str", "")}
    assert batch.batch_parameters(both, period, "en") == {"as_of": "2022-10", "lang": "en"}
    assert batch.batch_parameters(only, period, "en") == {"as_of": "2022-10"}
    with pytest.raises(UsageError, match="declares no as_of"):
        batch.batch_parameters({"lang": both["lang"]}, period, "zh")


def test_discover_notebooks(tmp_path):
    for name in ("20_b", "10_a", "30_c"):
        write_notebook(tmp_path / f"{name}.ipynb", 'as_of: str = "2022-10"')
    (tmp_path / ".hidden.ipynb").write_text("{}")
    assert [p.name for p in batch.discover_notebooks(tmp_path)] == ["10_a.ipynb", "20_b.ipynb", "30_c.ipynb"]
    assert [p.stem for p in batch.discover_notebooks(tmp_path, ["30_c", "10", "20_b.ipynb"])] == ["10_a", "20_b", "30_c"]
    with pytest.raises(UsageError, match="unknown notebook 'nope'.*10_a, 20_b, 30_c"):
        batch.discover_notebooks(tmp_path, ["nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(SoeError, match="no notebooks"):
        batch.discover_notebooks(tmp_path / "empty")


# ---------------------------------------------------------------- sharing safety


def test_absolute_paths_are_refused_and_known_roots_scrubbed():
    page = ('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><img src="data:image/png;base64,AAAA">'
            '<a href="https://example.org/a/b">link</a><a href="#x">in page</a>'
            "<p>万元/亿元, 2022/10/31, 本年累计 / 同比, flash_reports/2022/a.csv, ~/x/y</p>")
    assert batch.page_problems(page) == []
    for leak in ("/srv/build/project/data", "(/home/me/a/b.csv)", "C:\\Users\\me\\a.csv", "file:///x"):
        assert batch.page_problems(page + f"<p>{leak}</p>") != [], leak
    assert batch.page_problems(page + '<a title="/opt/x/y">t</a>') != []  # attributes too
    roots = [("/srv/build/project", "<project>")]
    assert batch.scrub_paths("see /srv/build/project/data/x.csv", roots) == "see <project>/data/x.csv"


def test_base64_data_is_not_mistaken_for_a_local_path():
    # base64 uses "/" and letters, so "/tmp" occurs in embedded figures by chance
    page = '<img src="data:image/png;base64,iVBORw0K/tmpAAAA/srv/build/project==">'
    roots = [("/srv/build/project", "<project>"), ("/tmp", "<tmp>")]
    assert batch.page_problems(page) == []
    assert batch.scrub_paths(page + " /tmp/x", roots) == page + " <tmp>/x"


def test_one_line_error_summary():
    text = "\x1b[0;31mValueError\x1b[0m: bad\n   value in /srv/build/project/a.csv"
    assert batch.one_line(text, [("/srv/build/project", "<project>")]) == "ValueError: bad value in <project>/a.csv"
    assert len(batch.one_line("x" * 1000)) == 240


def test_scrub_notebook_metadata():
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({
        "kernelspec": {"name": "conda-env-soe-py", "display_name": "Python (soe)", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
        "papermill": {"input_path": "/home/me/nb.ipynb", "output_path": "/home/me/out.ipynb",
                      "environment_variables": {"HOME": "/home/me"}, "parameters": {"as_of": "2022-10"}},
    })
    batch.scrub_notebook_metadata(nb)
    assert "/home/me" not in json.dumps(nb.metadata)
    assert "3.11.7" not in json.dumps(nb.metadata)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["papermill"]["parameters"] == {"as_of": "2022-10"}


def test_index_escapes_every_text():
    manifest = {"label": "2022Q4", "as_of": "2022-10", "note": f"note {EVIL}", "dataset": "demonstration",
                "built_at": "x", "notebooks": [
                    {"notebook": "10_x", "status": "ok", "seconds": 1.0, "key_figures": {EVIL: EVIL, "n_yi": 1.5},
                     "files": {"shared": "10_x.shared.html"}},
                    {"notebook": "20_y", "status": "failed", "seconds": 2.0, "error": f"ValueError: {EVIL}",
                     "error_cell": 4, "files": {"html": "20_y.html", "notebook": "20_y.ipynb"}}]}
    page = batch.index_html([manifest], lang="en")
    assert "<script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # note, key, value, error
    assert batch.page_problems(page) == []
    assert 'href="2022Q4/20_y.html#papermill-error-cell"' in page and "failing cell In [4]" in page
    assert "n <b>RMB 1.50 yi</b>" in page and "demonstration data" in page


def test_swap_in_replaces_a_period_folder(tmp_path):
    target = tmp_path / "2022Q4"
    target.mkdir()
    (target / "old.html").write_text("old")
    stage = tmp_path / ".2022Q4.staging-1-x"
    stage.mkdir()
    (stage / "new.html").write_text("new")
    with pytest.raises(SoeError, match="not made by soe-analysis report"):
        _swap_in(stage, target)  # no run.json: not the batch's folder
    assert [p.name for p in target.iterdir()] == ["old.html"]
    (target / "run.json").write_text("{}")
    _swap_in(stage, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2022Q4"]
    assert [p.name for p in target.iterdir()] == ["new.html"]


def test_stale_folders_of_dead_runs_are_cleaned(tmp_path):
    dead = 2 ** 22 + 12345  # above Linux's default pid_max, so no such process
    (tmp_path / f".2022Q4.staging-{dead}-ab").mkdir()
    (tmp_path / f".2023Q1.old-{dead}-cd").mkdir()  # interrupted between the two renames
    live = f".2023Q2.staging-{os.getpid()}-ef"  # a running batch's: kept
    (tmp_path / live).mkdir()
    _clean_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live, "2023Q1"]


def test_interrupted_run_leaves_earlier_outputs_and_no_staging(tmp_path, monkeypatch):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    write_notebook(notebooks / "10_no_as_of.ipynb", 'lang: str = "zh"')  # refused before any kernel
    out = tmp_path / "out"
    (out / "2022-10").mkdir(parents=True)
    (out / "2022-10" / "10_no_as_of.shared.html").write_text("good earlier report")
    (out / "2022-10" / "run.json").write_text('{"label": "2022-10", "notebooks": []}')

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(report_batch, "_publish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch([batch.ReportPeriod("2022-10", "2022-10")], notebooks_dir=notebooks, out_dir=out,
                        progress=False)
    assert sorted(p.name for p in out.iterdir()) == [".soe-report.lock", "2022-10"]  # no staging left
    assert (out / "2022-10" / "10_no_as_of.shared.html").read_text() == "good earlier report"


def test_notebook_refused_by_its_parameters_is_reported_not_run(tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    write_notebook(notebooks / "10_no_as_of.ipynb", 'lang: str = "zh"')
    result = batch.run_batch([batch.ReportPeriod("2022-10", "2022-10")], notebooks_dir=notebooks,
                             out_dir=tmp_path / "out", progress=False)
    assert not result.ok
    [(label, entry)] = result.failures
    assert label == "2022-10" and "declares no as_of" in entry["error"]
    assert "declares no as_of" in result.index.read_text(encoding="utf-8")


# ---------------------------------------------------------------- real runs (papermill)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for make in (figures_notebook, failing_notebook, chart_notebook):
        make(notebooks)
    write_notebook(notebooks / "40_unsafe.ipynb", 'as_of: str = "2022-10"',
                   f"from IPython.display import HTML\nHTML({EVIL!r})  # data text not escaped")
    panel = tiny_panel(root / "panel.parquet", months=MONTHS)
    periods = batch.resolve_periods(["2022Q4", "2023-01"], MONTHS)
    result = batch.run_batch(periods, notebooks_dir=notebooks, notebooks=["10", "20", "30"],
                             out_dir=root / "reports", jobs=2, panel_path=panel, dataset="demonstration",
                             progress=False)
    return root, notebooks, panel, result


@pytest.mark.notebook
def test_run_outputs_and_failures(run):
    root, _, _, result = run
    out = root / "reports"
    assert sorted(p.name for p in out.iterdir()) == [".soe-report.lock", "2022Q4", "2023-01", "index.html"]  # no staging left
    assert sorted(result.failures and [(label, nb["notebook"]) for label, nb in result.failures]) == [
        ("2022Q4", "20_fails"), ("2023-01", "20_fails")]
    files = sorted(p.name for p in (out / "2022Q4").iterdir())
    assert files == ["10_figures.html", "10_figures.ipynb", "10_figures.keyfigures.json", "10_figures.shared.html",
                     "10_figures.tables.json", "20_fails.html", "20_fails.ipynb",  # a failed report is not offered for sharing
                     "30_chart.html", "30_chart.ipynb", "30_chart.shared.html", "30_chart.tables.json", "run.json"]
    manifest = json.loads((out / "2022Q4" / "run.json").read_text(encoding="utf-8"))
    failed = manifest["notebooks"][1]
    assert failed["error"] == "ValueError: boom at 2022-10"  # as_of of 2022Q4 is its last month with data
    assert failed["error_cell"] == 4  # In [1] parameters, [2] injected parameters, [3] x = 1, [4] the raise
    assert 'id="papermill-error-cell"' in (out / "2022Q4" / "20_fails.html").read_text(encoding="utf-8")


@pytest.mark.notebook
def test_key_figures_reach_the_index(run):
    root, _, _, result = run
    figures = {m["label"]: m["notebooks"][0]["key_figures"] for m in result.periods}
    # total assets = 交发集团 100.0 + the hostile-named enterprise 20.5 = 120.5 in each month
    assert figures["2022Q4"] == {"total_assets_yi": 120.5, "as_of": "2022-10", "lang": "zh", "largest": "交发集团"}
    assert figures["2023-01"]["as_of"] == "2023-01"
    index = result.index.read_text(encoding="utf-8")
    assert "资产总额 <b>120.50亿元</b>" in index  # in words, with its unit, 2 decimals
    assert "截至 2022-10" in index  # the quarter's as-of month is said
    assert 'href="2022Q4/20_fails.html#papermill-error-cell"' in index
    assert "演示数据" in index  # demonstration banner
    assert batch.page_problems(index) == [] and "<script" not in index
    assert index.index(batch.sharing.CSP_META) < index.index("<title>")


@pytest.mark.notebook
def test_shared_html_is_safe_and_self_contained(run):
    root, notebooks, panel, _ = run
    folder = root / "reports" / "2022Q4"
    for name in ("10_figures", "30_chart"):
        page = (folder / f"{name}.shared.html").read_text(encoding="utf-8")
        assert batch.page_problems(page) == [] and "<script" not in page
        policy = f'content="{batch.sharing.CONTENT_SECURITY_POLICY}" http-equiv="Content-Security-Policy"'
        assert page.index(policy) < page.index("<style")  # first in the head: it governs the whole page
        for local in (str(root), str(notebooks), sys.prefix, str(Path.home()), str(config.PROJECT_ROOT)):
            assert local not in page
        assert "import " not in page and "In&nbsp;[" not in page  # code and prompts hidden
        assert "截至 2022-10" in page and "演示数据" in page
        assert "@font-face" in page  # Chinese renders without a system CJK font
    figures = (folder / "10_figures.shared.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in figures and EVIL not in figures
    chart = (folder / "30_chart.shared.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', chart)) == 1
    full = (folder / "30_chart.html").read_text(encoding="utf-8")
    assert "set_style" in full and "matplotlib.pyplot" in full  # the full version keeps the code
    executed = (folder / "10_figures.ipynb").read_text(encoding="utf-8")
    assert str(root) not in executed and "input_path" not in executed


@pytest.mark.notebook
def test_cli_rerun_of_some_notebooks_keeps_the_others(run, monkeypatch, capsys):
    root, notebooks, panel, _ = run
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", notebooks)
    before = json.loads((root / "reports" / "2023-01" / "run.json").read_text(encoding="utf-8"))
    code = cli.main(["report", "--period", "2023-01", "--notebooks", "20,40_unsafe", "--panel", str(panel),
                     "--out", str(root / "reports"), "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.strip().splitlines()[-1] == str(root / "reports" / "index.html")
    assert "20_fails failed" in captured.err
    assert "1 of 2 notebook runs succeeded (2 earlier report(s) of these periods kept)" in captured.err
    # 10_figures and 30_chart of the earlier run are kept beside this run's 20_fails and 40_unsafe
    folder = root / "reports" / "2023-01"
    assert sorted(p.stem for p in folder.glob("*.ipynb")) == ["10_figures", "20_fails", "30_chart", "40_unsafe"]
    assert (folder / "10_figures.shared.html").exists() and (folder / "30_chart.shared.html").exists()
    assert (root / "reports" / "2022Q4" / "10_figures.shared.html").exists()
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert [nb["notebook"] for nb in manifest["notebooks"]] == ["10_figures", "20_fails", "30_chart", "40_unsafe"]
    kept = manifest["notebooks"][0]
    assert kept["key_figures"] == before["notebooks"][0]["key_figures"] and kept["built_at"] == before["built_at"]
    assert kept["kept"] is True and "kept" not in manifest["notebooks"][1]
    # raw markup an output let through is removed by the sanitizer; the page still renders
    unsafe = manifest["notebooks"][3]
    assert unsafe["status"] == "ok", unsafe
    shared = (folder / "40_unsafe.shared.html").read_text(encoding="utf-8")
    assert "<script" not in shared and "alert(1)" not in shared  # the element and its content removed
    full = (folder / "40_unsafe.html").read_text(encoding="utf-8")
    assert "<script" not in full and "'&lt;script&gt;alert(1)&lt;/script&gt;'" in full  # only the code, as text
    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "2022Q4" in index and "2023-01" in index  # the index covers every period folder


def test_cli_usage_errors(tmp_path, capsys):
    panel = tiny_panel(tmp_path / "panel.parquet", months=MONTHS)
    assert cli.main(["report", "--period", "2022Q5", "--panel", str(panel), "--out", str(tmp_path)]) == 2
    assert cli.main(["report", "--period", "2024Q1", "--panel", str(panel), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "2022Q5" in err and "no data for 2024Q1" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", "--period", "2022-10", "--jobs", "0"])
    assert exc.value.code == 2


def test_index_formats_key_figures_like_a_printed_report():
    from soe_analysis.text.labels import key_figure

    # -9.940000000000001 is float noise of −9.94; probabilities as percentages; tiny residuals show as 0
    figures = (("total_profit_yi", -9.940000000000001), ("revenue_p_reach", 0.7225), ("unexplained_yi", -1.1e-14),
               ("total_assets_yi", 3325.445), ("total_assets_yi", None), ("loss_makers_n", 2))
    assert [key_figure(name, v)[1] for name, v in figures] == \
        ["−9.94亿元", "72%", "0.00亿元", "3,325.45亿元", "—", "2"]
