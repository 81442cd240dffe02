"""Names corpus: enterprise names carrying markup, through every notebook, into a browser.

The route is realistic: the unknown-enterprise error tells analysts to add a name to the alias
file. Here the alias file renames seven of the ten demonstration enterprises to hostile names, one
raw file is a symbolic link to a folder outside the project, and the whole batch runs for one
period. Every name must show as text, every notebook must still run, and a headless browser
opening each shared page must make no request, open no dialog and go nowhere.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from soe_analysis import config
from soe_analysis import report as batch
from tests.browser import chromium, open_pages, serve

pytestmark = [pytest.mark.notebook]

ROOT = Path(__file__).resolve().parent.parent
NAMES = {  # demonstration enterprise → hostile name
    "交发集团": "<script>alert(1)</script>",
    "交运集团": '<img src=x onerror="alert(2)">',
    "公用集团": '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/refresh">',
    "名城集团": '<p style="background:u\\72l(http://127.0.0.1:9/css)">css</p>',
    "城发集团": '<a href="jav\tascript:alert(3)" ping="http://127.0.0.1:9/ping">x</a>',
    "数发集团": "[click](javascript:alert(4)) ![i](http://127.0.0.1:9/md.png)",
    "现代集团": "长名" + "很长的企业名称" * 40,
}
# What must never appear raw in a notebook's HTML output (escaping at the source) …
RAW_MARKUP = ["<script>alert", "<img src=x", '<meta http-equiv="refresh"', '<p style="background:u', '<a href="jav']
# … nor as Markdown syntax in a Markdown output.
RAW_MARKDOWN = ["](javascript:", "![i](http"]


def _hostile_home(home: Path, outside: Path) -> Path:
    """A copy of data/raw with the alias file renamed and one flash report linked from outside."""
    shutil.copytree(config.RAW_DIR, home / "data" / "raw")
    (home / "data" / "processed").mkdir(parents=True)
    (home / "notebooks").symlink_to(config.NOTEBOOKS_DIR, target_is_directory=True)
    aliases = home / "data" / "raw" / "enterprise_aliases.csv"
    rows = list(csv.reader(aliases.open(encoding="utf-8-sig")))
    with aliases.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0]] + [[alias, NAMES.get(name, name)] for alias, name in rows[1:]])
    linked = home / "data" / "raw" / "flash_reports" / "2022" / "2022年1-10月财务快报.csv"  # the 2022-10 report
    outside.mkdir()
    shutil.move(linked, outside / linked.name)
    linked.symlink_to(outside / linked.name)
    return linked


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    home, outside = root / "home", root / "somewhere_else"
    linked = _hostile_home(home, outside)
    env = {**os.environ, "SOE_ANALYSIS_HOME": str(home), "PYTHONPATH": str(ROOT)}
    ingest = subprocess.run([sys.executable, "-m", "soe_analysis.cli", "ingest"], env=env,
                            capture_output=True, text=True)
    assert ingest.returncode == 0, ingest.stderr
    saved = os.environ.get("SOE_ANALYSIS_HOME")
    os.environ["SOE_ANALYSIS_HOME"] = str(home)  # the kernels read data/raw and data/processed there
    try:
        result = batch.run_batch([batch.ReportPeriod("2022-10", "2022-10")], notebooks_dir=home / "notebooks",
                                 out_dir=root / "reports", jobs=2, dataset="demonstration",
                                 panel_path=home / "data" / "processed" / "panel.parquet", progress=False)
    finally:
        if saved is None:
            os.environ.pop("SOE_ANALYSIS_HOME", None)
        else:
            os.environ["SOE_ANALYSIS_HOME"] = saved
    return root, linked, outside, result


def test_every_notebook_runs_with_hostile_names(hostile):
    _, _, _, result = hostile
    [manifest] = result.periods
    assert [nb["notebook"] for nb in manifest["notebooks"]] == [p.stem for p in batch.discover_notebooks()]
    assert result.failures == [], result.failures
    assert all("shared" in nb["files"] for nb in manifest["notebooks"])


def test_names_are_escaped_where_the_outputs_are_made(hostile):
    """The sanitizer is the second line: the notebooks' own outputs already hold no raw markup."""
    root, _, _, result = hostile
    for path in sorted((result.out_dir / "2022-10").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                html = "".join(data.get("text/html", ""))
                markdown = "".join(data.get("text/markdown", ""))
                assert not [m for m in RAW_MARKUP if m in html], (path.name, cell.get("id"))
                assert not [m for m in RAW_MARKUP + RAW_MARKDOWN if m in markdown], (path.name, cell.get("id"))


def test_a_linked_raw_file_shows_relative_never_as_a_machine_path(hostile):
    root, linked, outside, result = hostile
    page = (result.out_dir / "2022-10" / "00_data_quality.shared.html").read_text(encoding="utf-8")
    assert f">2022/{linked.name}<" in page  # relative to the flash-report folder
    assert str(outside) not in page and str(root) not in page
    assert batch.page_problems(page) == []


def test_the_browser_shows_names_as_text_and_fetches_nothing(hostile, tmp_path):
    executable = chromium()
    _, _, _, result = hostile
    pages = sorted(p.name for p in (result.out_dir / "2022-10").glob("*.shared.html"))
    shown = {}
    with serve(result.out_dir) as origin:
        names = [*[f"2022-10/{p}" for p in pages], "index.html"]
        opened = open_pages(executable, [f"{origin}/{name}" for name in names], tmp_path)
    for name in names:
        url = f"{origin}/{name}"
        seen = opened[url]
        assert seen["requests"][0] == url and seen["foreign"] == [], (name, seen["foreign"])
        assert seen["dialogs"] == [] and seen["violations"] == [] and seen["problems"] == [], (name, seen)
        assert seen["navigations"] == [url], (name, seen["navigations"])  # no refresh, no redirect
        assert all(link.startswith((origin, "https://", "http://", "mailto:")) and "javascript" not in link.lower()
                   for link in seen["links"]), (name, seen["links"])
        shown[name] = seen["text"]
    text = shown["2022-10/01_overview.shared.html"]  # its indicator table names every enterprise in full
    for hostile_name in NAMES.values():
        assert hostile_name.replace("\t", " ") in text, hostile_name[:30]
    text = shown["2022-10/02_profit_drivers.shared.html"]  # pandas tables cut names past 50 characters
    for hostile_name in [n for n in NAMES.values() if len(n) <= 50]:
        assert hostile_name.replace("\t", " ") in text, hostile_name[:30]
