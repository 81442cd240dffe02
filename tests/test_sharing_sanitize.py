"""The allowlist sanitizer and the last checks on a shared page, on hand-made hostile HTML."""

from __future__ import annotations

import pytest

from soe_analysis.report import page_problems, sanitize_html, sanitize_page, with_csp
from soe_analysis.report.sharing import CSP_META


@pytest.mark.parametrize("hostile, gone", [
    ("<p>x</p><script>alert(1)</script>", ["<script", "alert(1)"]),
    ('<img src="x" onerror="alert(1)">', ["onerror", 'src="x"']),
    ('<img src="https://example.org/a.png">', ["example.org"]),
    ('<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">', ["<meta", "refresh"]),
    ('<p style="background:u\\72l(http://127.0.0.1:9/c)">t</p>', ["127.0.0.1", "style="]),
    ('<a href="jav\tascript:alert(1)">x</a>', ["javascript", "jav\tascript", "alert"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["alert"]),
    ('<a href="https://example.org" ping="http://127.0.0.1:9/ping">x</a>', ["ping"]),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["data:text"]),
    ('<a href="file:///etc/passwd">x</a>', ["file:"]),
    ("<base href='http://127.0.0.1:9/'><iframe src='x'></iframe><form action='x'><input></form>",
     ["<base", "<iframe", "<form", "<input"]),
    ('<svg onload="alert(1)"><use href="http://127.0.0.1:9/#x"/></svg>', ["<svg", "onload", "127.0.0.1"]),
    ('<link rel="stylesheet" href="http://127.0.0.1:9/x.css">', ["<link", "127.0.0.1"]),
])
def test_sanitizer_removes_active_and_remote_content(hostile, gone):
    clean = sanitize_html(f"<div>{hostile}</div>")
    assert [g for g in gone if g in clean] == [], clean


def test_sanitizer_keeps_what_reports_use():
    kept = ('<style type="text/css">#T_1_row0_col1{background-color:#2ca02c}</style>'
            '<table class="dataframe" border="1"><thead><tr><th colspan="2">企业</th></tr></thead>'
            '<tbody><tr><td id="T_1_row0_col1">&lt;script&gt;</td></tr></tbody></table>'
            '<img src="data:image/png;base64,iVBORw0KGgo=" alt="chart">'
            '<a href="https://www.mof.gov.cn/x">source</a><a href="#cell-3">up</a>'
            '<div class="soe-dataset-banner" style="background:#fff3cd;color:#5c4400;font-weight:bold">演示数据</div>')
    clean = sanitize_html(kept)
    for piece in ("#T_1_row0_col1{background-color:#2ca02c}", '<th colspan="2">企业</th>', "&lt;script&gt;",
                  'src="data:image/png;base64,iVBORw0KGgo="', 'href="https://www.mof.gov.cn/x"', 'href="#cell-3"',
                  "color:#5c4400", "演示数据"):
        assert piece in clean, piece
    assert "background:#fff3cd" not in clean  # background (shorthand) can carry url(): not allowed


def test_page_keeps_its_head_and_gets_the_policy_first():
    page = ("<!DOCTYPE html><html><head><title>t</title><style>body{color:red}</style></head>"
            '<body class="jp-Notebook"><main><script>alert(1)</script><p>x</p></main></body></html>')
    clean = with_csp(sanitize_page(page))
    assert clean.index(CSP_META) < clean.index("<title>") and "<style>body{color:red}</style>" in clean
    assert "<script" not in clean and '<body class="jp-Notebook"><main><p>x</p></main></body>' in clean


def test_css_that_could_load_is_refused_even_escaped():
    assert page_problems("<style>p{background:u\\72l(http://x/y)}</style>") != []
    assert page_problems("<style>@\\69mport 'http://x/y.css';</style>") != []
    assert page_problems("<style>p{background:url(data:image/png;base64,AAAA)}</style>") == []
