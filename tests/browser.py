"""Headless Chromium for the page tests: where it is, how it is started, and a loopback server.

Needs Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run`` installs it) and the Python
package ``playwright`` driving it; a test that needs them skips with the reason when either is
missing. Pages are served over loopback HTTP, as a reader's web server or mail viewer would show
them: a file:// page draws Chromium's own console notices that are no fault of the report.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    """The Chromium executable, or skip the test with how to get it."""
    found = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the Python package playwright is not installed (pip install playwright)")
    return str(found)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reads what the browser saw, not the access log
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """``folder`` over loopback HTTP; yields the origin (``http://127.0.0.1:PORT``)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Recorded before any page script could run (an init script is not subject to the page's CSP).
_RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


def open_pages(executable: str, urls: list[str], shots: Path) -> dict[str, dict]:
    """Open each of ``urls`` in headless Chromium as a reader would; what the browser did, by URL.

    One browser for all pages (a start costs seconds), a fresh context (profile) per page.
    ``problems``: page errors, failed loads (network failures, HTTP ≥ 400); ``requests``: every
    request; ``foreign``: those other than the page itself and data: URLs; ``dialogs``;
    ``violations`` of the Content-Security-Policy; ``navigations`` of the main frame; ``links``;
    ``cjk``: glyphs drawn from the embedded font; a full-page screenshot goes into ``shots``.
    """
    from playwright.sync_api import sync_playwright

    seen = {}
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            for number, url in enumerate(urls):
                context = browser.new_context()
                try:
                    seen[url] = _visit(context.new_page(), url, shots / f"page{number}.png")
                finally:
                    context.close()
        finally:
            browser.close()
    return seen


def open_page(executable: str, url: str, shot: Path) -> dict:
    """:func:`open_pages` for one page."""
    return open_pages(executable, [url], shot.parent / shot.stem)[url]


def _visit(page, url: str, shot: Path) -> dict:
    problems, requests, dialogs, navigations = [], [], [], []
    page.add_init_script(_RECORD_VIOLATIONS)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda r: problems.append(f"failed load: {r.url[:80]} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1000)  # a <meta refresh> or a late load would show by now
    cjk = _cjk_glyphs_drawn(page)
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => ({ok: e.complete && e.naturalWidth > 0, src: e.src.slice(0, 30)}))")
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    violations = page.evaluate("window.__violations")
    text = page.inner_text("body")
    page.screenshot(path=str(shot), full_page=True)
    return {"problems": problems, "images": images, "text": text, "cjk": cjk, "requests": requests,
            "foreign": [u for u in requests if u != url and not u.startswith("data:")],
            "dialogs": dialogs, "violations": violations, "navigations": navigations, "links": links,
            "shot": shot}


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
