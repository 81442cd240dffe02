"""A shared page printed to PDF in headless Chromium, as a reader would print it: A4, no chart
cut across pages, each main section on a new page, the tables as the helper draws them.

Needs Debian's ``chromium`` and the Python package ``playwright``; skips with the reason when
either is missing. The page is served over a loopback HTTP server, as a mailed file opened from
a web folder would be.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.batch_fixtures import tiny_batch, write_notebook
from tests.browser import ARGS, chromium, serve

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

A4_POINTS = (595.28, 841.89)  # 210 × 297 mm
PRINTABLE_PX = 698  # A4's 794 CSS px less the template's 0.5 in margins


def _page_notebook(folder: Path) -> Path:
    """Provenance line, two sections, a table with a boolean and a negative, and a chart."""
    return write_notebook(
        folder / "10_page.ipynb",
        'as_of: str = "2022-10"\nlang: str = "zh"',
        "import matplotlib.pyplot as plt\nimport pandas as pd\n"
        "from soe_analysis.display import show_provenance, show_table\nfrom soe_analysis.io import panel as P\n"
        "from soe_analysis.plots.style import set_style\nset_style()\n"
        "show_provenance(P.load_panel(), ('lpr', 'real', '全国银行间同业拆借中心'), lang=lang)",
        "#md ## 第一节 表格",
        "show_table(pd.DataFrame({'enterprise': ['交发集团', '交运集团'], 'amount_yi': [1234.5, -6.46],\n"
        "                         'matches_published': [True, False]}), lang, title=('测试表', 'Test'))",
        "#md ## 第二节 图",
        "fig, ax = plt.subplots(figsize=(8, 6))\nax.bar(['交发集团', '交运集团'], [-6.46, -3.61])\n"
        "ax.set_title('利润总额（亿元）')\nplt.show()",
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    executable = chromium()
    result = tiny_batch(tmp_path_factory.mktemp("print"), _page_notebook, jobs=1)
    assert result.ok, result.failures
    with serve(result.out_dir) as origin:
        yield executable, origin, result


def test_shared_page_prints_to_a4_pdf(served, tmp_path):
    from playwright.sync_api import sync_playwright

    executable, base, _ = served
    pdf = tmp_path / "page.pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": PRINTABLE_PX, "height": 1000})
            page.goto(f"{base}/2022-10/10_page.shared.html", wait_until="load")
            page.emulate_media(media="print")
            styles = page.evaluate("""() => ({
                img: getComputedStyle(document.querySelector('img')).breakInside,
                h2: [...document.querySelectorAll('.jp-MarkdownCell h2')].map(h => getComputedStyle(h).breakBefore),
                thead: getComputedStyle(document.querySelector('table[data-soe-table] thead')).display,
                cells: [...document.querySelectorAll('table[data-soe-table] td')].map(td => td.innerText),
                widest: Math.max(...[...document.querySelectorAll('table[data-soe-table]')].map(t => t.scrollWidth)),
            })""")
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()
    assert styles["img"] == "avoid"  # a chart is never cut across pages
    assert styles["h2"] == ["page", "page"]  # each main section starts a page
    assert styles["thead"] == "table-header-group"  # a long table repeats its header
    assert styles["cells"] == ["交发集团", "1,234.50", "✓", "交运集团", "−6.46", "—"]
    assert styles["widest"] <= PRINTABLE_PX  # the table fits the width of the paper
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = [[float(v) for v in box.decode().split()[2:]]
             for box in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", data)]
    assert boxes and all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in boxes), boxes
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 3  # the cover (title, provenance), then one page per section
