"""The shared reports and the index, opened in headless Chromium as a reader would open them.

Needs Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it) and the Python
package ``playwright`` driving it; skips with the reason when either is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from soe_analysis import report as batch
from tests.batch_fixtures import chart_notebook, figures_notebook, tiny_panel
from tests.browser import ARGS, chromium, serve

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    executable = chromium()
    root = tmp_path_factory.mktemp("browser")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    figures_notebook(notebooks)
    chart_notebook(notebooks)
    panel = tiny_panel(root / "panel.parquet")
    periods = [batch.ReportPeriod("2022-10", "2022-10")]
    result = batch.run_batch(periods, notebooks_dir=notebooks, out_dir=root / "reports", jobs=2,
                             panel_path=panel, dataset="demonstration", progress=False)
    assert result.ok, result.failures
    return executable, result


# Recorded before any page script could run (an init script is not subject to the page's CSP).
_RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


def open_page(executable: str, url: str, shot: Path) -> dict:
    """Open ``url`` in headless Chromium and record what a reader's browser did.

    ``problems``: page errors, failed loads (network failures, HTTP ≥ 400); ``requests``: every
    request; ``foreign``: those other than the page itself and data: URLs; ``dialogs``;
    ``violations`` of the Content-Security-Policy; ``navigations`` of the main frame; ``links``.
    """
    from playwright.sync_api import sync_playwright

    problems, requests, dialogs, navigations = [], [], [], []
    with sync_playwright() as p:
        profile = shot.parent / f"profile-{shot.stem}"
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=ARGS)
        try:
            page = context.new_page()
            page.add_init_script(_RECORD_VIOLATIONS)
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("requestfailed", lambda r: problems.append(f"failed load: {r.url[:80]} {r.failure}"))
            page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
            page.goto(url, wait_until="load")
            page.wait_for_timeout(1500)  # a <meta refresh> or a late load would show by now
            cjk = _cjk_glyphs_drawn(page)
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => ({ok: e.complete && e.naturalWidth > 0, src: e.src.slice(0, 30)}))")
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            violations = page.evaluate("window.__violations")
            text = page.inner_text("body")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()
    return {"problems": problems, "images": images, "text": text, "cjk": cjk, "requests": requests,
            "foreign": [u for u in requests if u != url and not u.startswith("data:")],
            "dialogs": dialogs, "violations": violations, "navigations": navigations, "links": links}


_MARK_CJK = r"""() => {
  const cjk = /[\u2e80-\u9fff\uff00-\uffef]/g;
  let n = 0;
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].filter(c => c.nodeType === 3).map(c => c.data).join("");
    const count = (own.match(cjk) || []).length;
    if (count && el.offsetParent !== null) { el.dataset.cjk = count; n++; }
  }
  return n;
}"""


def _cjk_glyphs_drawn(page) -> list[tuple[str, int, int]]:
    """(text, CJK characters, glyphs Chromium drew from an embedded font) per element with CJK text.

    This machine may have no CJK system font: a CJK character not drawn from the embedded font
    is a box. Chromium's DevTools protocol says which font drew each node's glyphs.
    """
    page.evaluate(_MARK_CJK)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    out = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-cjk]"})["nodeIds"]:
        attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        count = int(attrs[attrs.index("data-cjk") + 1])
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        drawn = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
        html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"][:60]
        out.append((html, count, drawn))
    return out


def test_shared_reports_render_offline(built, tmp_path):
    executable, result = built
    with serve(result.out_dir) as origin:
        for name in ("10_figures", "30_chart"):
            url = f"{origin}/2022-10/{name}.shared.html"
            seen = open_page(executable, url, tmp_path / f"{name}.png")
            assert seen["problems"] == [] and seen["violations"] == [], seen
            assert seen["foreign"] == [] and seen["dialogs"] == [] and seen["navigations"] == [url], seen
            assert all(img["ok"] for img in seen["images"]), seen["images"]
            assert seen["cjk"] and all(count <= drawn for _, count, drawn in seen["cjk"]), seen["cjk"]
            assert "演示数据" in seen["text"]  # the demonstration banner, in Chinese
            assert (tmp_path / f"{name}.png").stat().st_size > 0
        chart = open_page(executable, f"{origin}/2022-10/30_chart.shared.html", tmp_path / "chart.png")
        assert len(chart["images"]) == 1  # the bar chart, embedded
        assert "利润总额图" in chart["text"]
        figures = open_page(executable, f"{origin}/2022-10/10_figures.shared.html", tmp_path / "figures.png")
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
