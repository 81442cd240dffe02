"""The page stage's shortcuts change nothing a reader gets: figures set aside come back byte for
byte, data that is not plain base64 is never set aside, code on the full page stays inert text."""

from __future__ import annotations

import base64
import copy
from html.parser import HTMLParser

import nbformat
import pytest

from soe_analysis.report import execute, fonts
from soe_analysis.report.sharing import page_problems

# a 1×1 PNG, as Jupyter stores it: base64 with a trailing newline
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")).decode() + "\n"


def _notebook(png: str = PNG):
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    code = nbformat.v4.new_code_cell("x = '<script>alert(1)</script>'\nprint('利润总额')")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="利润总额 3325.44 亿元\n"),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>营业收入</td></tr></table>"}),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("## 概览"), code]
    return nb


def _start_tags(html: str) -> list[tuple[str, list]]:
    class Tags(HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, attrs))

    parser = Tags()
    parser.found = []
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("shared", [False, True])
def test_a_page_built_with_its_figures_set_aside_is_the_same_page(shared):
    nb = _notebook()
    whole = execute._render(copy.deepcopy(nb), "nb", "zh", shared=shared)
    images = execute._set_images_aside(nb)
    prefix = images.prefix
    assert images.pieces == [PNG, PNG]
    assert PNG not in nbformat.writes(nb)  # the notebook rendered carries only the tokens
    light = execute._render(nb, "nb", "zh", shared=shared)
    assert PNG.strip() not in light and f"{prefix}0x" in light and f"{prefix}1x" in light
    assert images.put_back(light) == whole
    assert whole.count(f"data:image/png;base64,{PNG}") == 2


def test_image_data_that_is_not_plain_base64_is_left_to_the_sanitizer():
    hostile = 'AAAA"><script>alert(1)</script><img src="https://example.com/x.png'
    nb = _notebook(png=hostile)
    images = execute._set_images_aside(nb)
    assert images.pieces == []  # stays in the notebook, so nbconvert escapes it and nh3 sees it
    assert nb.cells[1].outputs[1]["data"]["image/png"] == hostile
    page = execute._render(nb, "nb", "zh", shared=True)
    tags = _start_tags(page.split("<body", 1)[1])
    assert "script" not in {tag for tag, _ in tags}
    sources = [value for tag, attrs in tags if tag == "img" for name, value in attrs if name == "src"]
    assert len(sources) == 2 and all(src.startswith("data:image/png;base64,AAAA") for src in sources)
    assert page_problems(page) == []


def test_code_on_the_full_page_is_highlighted_inert_text():
    page = execute._render(_notebook(), "nb", "zh", shared=False)
    body = page.split("<body", 1)[1]
    assert "script" not in {tag for tag, _ in _start_tags(body)}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # shown as the source reads
    assert '<span class="nb">print</span>' in body  # still highlighted


def test_the_font_subset_is_made_once_per_character_set():
    fonts._font_css.cache_clear()
    first = fonts.cjk_font_css("<p>利润总额</p>")
    again = fonts.cjk_font_css("<div>额总润利 利润</div>")  # the same characters, in another page
    assert again == first and "font/woff;base64," in first
    info = fonts._font_css.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert fonts.cjk_font_css("<p>营业收入</p>") != first  # other characters, another subset
    assert fonts.cjk_font_css("<p>no Chinese</p>") == ""


@pytest.mark.parametrize("shared", [False, True])
def test_html_set_aside_from_nbconverts_soup_is_back_and_sanitized(shared):
    nb = _notebook()
    nb.cells[1].outputs.append(nbformat.v4.new_output("display_data", data={
        "text/html": '<div class="jp-Cell-inputWrapper"><b>净利润</b><script>alert(2)</script>'
                     '<img src="https://example.com/t.png"></div>'}))
    page = execute._render(nb, "nb", "zh", shared=shared)
    body = page.split("<body", 1)[1]
    assert "soehtml" not in page  # every piece put back
    assert "<td>营业收入</td>" in body and "<b>净利润</b>" in body
    tags = _start_tags(body)
    assert "script" not in {tag for tag, _ in tags} and "example.com" not in body  # sanitized after
    # nbconvert's soup pass still marks the template's own output areas as focusable
    outputs = [dict(attrs) for tag, attrs in tags if "jp-OutputArea-output" in dict(attrs).get("class", "")]
    assert outputs and all(attrs.get("tabindex") == "0" for attrs in outputs)
    if not shared:
        assert '<span class="nb">print</span>' in body
