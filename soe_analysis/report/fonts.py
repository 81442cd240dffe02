"""Chinese text in HTML on machines without a CJK font: a subset of the bundled face, embedded."""

from __future__ import annotations

import functools
import re

EMBEDDED_FAMILY = "SOE Noto Sans CJK SC"
_CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_CJK_RANGE = "U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"
# The embedded face comes first but covers only CJK code points (unicode-range), so Latin text
# keeps the reader's UI font while Chinese always uses the embedded glyphs: a system fallback
# chain proved unreliable (Chromium drew bold headings with DejaVu Sans Bold, i.e. boxes).
_FONT_STACK = (f"'{EMBEDDED_FAMILY}', system-ui, -apple-system, blinkmacsystemfont, 'Segoe UI', "
               "helvetica, arial, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif")


def cjk_font_css(page: str) -> str:
    """CSS embedding the bundled CJK font, cut down to the Chinese characters ``page`` uses.

    The embedded subset (a few kB of WOFF as a data URI, limited to CJK code points) makes
    Chinese render the same on every machine, one without any CJK font included. Empty when the
    page has no CJK text.
    """
    chars = "".join(sorted(set(_CJK_CHAR.findall(page))))
    return _font_css(chars) if chars else ""


@functools.lru_cache(maxsize=32)
def _font_css(chars: str) -> str:
    """:func:`cjk_font_css` for these characters. Kept per worker process: subsetting costs ~0.35 s
    whatever the page, and a notebook's pages for several periods often use the same characters."""
    import base64
    import io

    from fontTools import subset

    from ..plots.style import cjk_font_path

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    font = subset.load_font(str(cjk_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face{{font-family:"{EMBEDDED_FAMILY}";src:url(data:font/woff;base64,{data}) '
            f'format("woff");unicode-range:{_CJK_RANGE};}}\n'
            f":root{{--jp-ui-font-family:{_FONT_STACK};--jp-content-font-family:{_FONT_STACK};"
            f"--jp-code-font-family:'{EMBEDDED_FAMILY}',menlo,consolas,'DejaVu Sans Mono',monospace;}}\n"
            f"body{{font-family:{_FONT_STACK};}}\n")


def with_cjk_font(page: str) -> str:
    """``page`` with :func:`cjk_font_css` added at the end of its head."""
    css = cjk_font_css(page)
    if not css:
        return page
    head_end = page.find("</head>")
    if head_end < 0:
        return page
    return f'{page[:head_end]}<style type="text/css">\n{css}</style>\n{page[head_end:]}'
