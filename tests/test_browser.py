"""The shared reports and the index, opened in headless Chromium as a reader would open them.

Needs Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it) and the Python
package ``playwright`` driving it; skips with the reason when either is missing.
"""

from __future__ import annotations

import pytest

from tests.batch_fixtures import chart_notebook, figures_notebook, tiny_batch
from tests.browser import chromium, open_page, open_pages, serve

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    executable = chromium()
    result = tiny_batch(tmp_path_factory.mktemp("browser"), figures_notebook, chart_notebook)
    assert result.ok, result.failures
    return executable, result


def test_shared_reports_render_offline(built, tmp_path):
    executable, result = built
    with serve(result.out_dir) as origin:
        urls = {name: f"{origin}/2022-10/{name}.shared.html" for name in ("10_figures", "30_chart")}
        pages = open_pages(executable, list(urls.values()), tmp_path)
    for name, url in urls.items():
        seen = pages[url]
        assert seen["problems"] == [] and seen["violations"] == [], seen
        assert seen["foreign"] == [] and seen["dialogs"] == [] and seen["navigations"] == [url], seen
        assert all(img["ok"] for img in seen["images"]), seen["images"]
        assert seen["cjk"] and all(count <= drawn for _, count, drawn in seen["cjk"]), seen["cjk"]
        assert "演示数据" in seen["text"]  # the demonstration banner, in Chinese
        assert seen["shot"].stat().st_size > 0
    chart, figures = pages[urls["30_chart"]], pages[urls["10_figures"]]
    assert len(chart["images"]) == 1  # the bar chart, embedded
    assert "利润总额图" in chart["text"]
    assert "<script>alert(1)</script>" in figures["text"]  # shown as text, never run
    assert "import pandas" not in figures["text"]  # code hidden


def test_index_renders(built, tmp_path):
    executable, result = built
    with serve(result.out_dir) as origin:
        seen = open_page(executable, f"{origin}/index.html", tmp_path / "index.png")
    assert seen["problems"] == [] and seen["foreign"] == [] and seen["violations"] == [], seen
    assert all(img["ok"] for img in seen["images"])
    assert seen["cjk"] and all(count <= drawn for _, count, drawn in seen["cjk"]), seen["cjk"]
    assert "国企财务分析报告索引" in seen["text"] and "演示数据" in seen["text"]
    assert "资产总额 120.50亿元" in seen["text"]  # 100.0 + 20.5 recorded by 10_figures, in words
