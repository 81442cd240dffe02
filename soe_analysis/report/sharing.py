"""Sharing safety: what a page mailed outside the team must not carry (local paths, active content)."""

from __future__ import annotations

import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from .. import config
from .notebook_params import KERNEL_NAME

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")



def _local_roots(*extra) -> list[tuple[str, str]]:
    """Absolute paths of this machine that must not leak, longest first, with their stand-ins."""
    roots = [(p, tag) for p, tag in (
        *extra,
        (config.PROJECT_ROOT, "<project>"),
        (Path(__file__).resolve().parents[2], "<project>"),
        (Path(sys.prefix), "<python>"),
        (Path(sys.base_prefix), "<python>"),
        (Path(tempfile.gettempdir()), "<tmp>"),
        (Path.home(), "~"),
    ) if p]
    seen, out = set(), []
    for path, tag in roots:
        for form in {str(path), str(Path(path).resolve())}:
            if form not in seen and len(form) > 1:
                seen.add(form)
                out.append((form, tag))
    return sorted(out, key=lambda item: -len(item[0]))


_DATA_URI = re.compile(r"(data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+)")


def _outside_data_uris(text: str) -> list[str]:
    """``text`` split so that odd items are base64 data URIs (where ``/tmp`` can occur by chance)."""
    return _DATA_URI.split(text)


def scrub_paths(text: str, roots) -> str:
    """Replace each local root in ``text`` by its stand-in (``<project>``, ``<python>``, ``~``).

    Embedded base64 data (figures, fonts) is left alone.
    """
    parts = _outside_data_uris(text)
    for i in range(0, len(parts), 2):
        for path, tag in roots:
            parts[i] = parts[i].replace(path, tag)
    return "".join(parts)


def one_line(text: str, roots=(), limit: int = 240) -> str:
    """An error as one short line: ANSI colours stripped, whitespace collapsed, paths scrubbed."""
    text = " ".join(_ANSI.sub("", str(text)).split())
    text = scrub_paths(text, roots)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scrub_notebook_metadata(nb) -> None:
    """Drop local paths and environment details from an executed notebook's metadata, in place."""
    meta = nb.metadata
    for key in ("input_path", "output_path", "environment_variables", "default_parameters"):
        meta.get("papermill", {}).pop(key, None)
    meta.get("language_info", {}).pop("version", None)
    meta.pop("widgets", None)
    meta["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"}


# What a report page may hold. Outputs are HTML the notebooks made (pandas tables, Styler tables
# with their <style> rules, banners, Markdown) and PNG figures; nothing in them needs a script, a
# form, a frame, a meta element or any remote resource.
_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small",
    "span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul", "var", "wbr"})
_ATTRIBUTES = {
    "*": {"class", "id", "style", "title", "tabindex", "lang", "dir"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "style": {"type"},
    "table": {"border", "data-soe-table"}, "ol": {"start"},
    "div": {"data-dataset", "data-datasets"},  # our own inert markers (print CSS, provenance tests)
    "td": {"colspan", "rowspan", "halign", "valign", "align"},
    "th": {"colspan", "rowspan", "halign", "valign", "align", "scope"},
}
# CSS properties allowed in style="…" attributes: none of them can load anything.
_STYLE_PROPERTIES = frozenset({
    "color", "background-color", "font-weight", "font-size", "font-style", "font-family", "text-align",
    "text-decoration", "line-height", "white-space", "vertical-align", "word-break", "display",
    "width", "max-width", "min-width", "height", "overflow", "overflow-x", "gap", "flex", "flex-wrap",
    "padding", "padding-left", "padding-right", "padding-top", "padding-bottom",
    "margin", "margin-left", "margin-right", "margin-top", "margin-bottom",
    "border", "border-left", "border-right", "border-top", "border-bottom", "border-collapse",
    "border-radius", "border-color", "border-width", "border-style"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_REMOTE_CSS = re.compile(r"url\(\s*(?![\s'\"]*data:)|@import|expression\(|image-set\(|-moz-binding", re.I)
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.I | re.S)

CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline' data:; "
                           "base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'


def _style_filter(value: str) -> str | None:
    """A style="…" attribute cut to the allowed properties; dropped if it could load anything."""
    decoded = _decode_css(value)
    if _REMOTE_CSS.search(decoded):
        return None
    kept = []
    for declaration in decoded.split(";"):
        name, colon, rest = declaration.partition(":")
        if colon and name.strip().lower() in _STYLE_PROPERTIES:
            kept.append(f"{name.strip().lower()}:{rest.strip()}")
    return ";".join(kept) or None


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Keep a URL only where a report needs one: embedded images, web and in-page links."""
    if attribute == "style":
        return _style_filter(value)
    if attribute not in ("href", "src"):
        return value
    plain = _CONTROL.sub("", value).lower()  # browsers ignore tabs and newlines in a scheme
    if tag == "img" and attribute == "src":
        return value if plain.startswith("data:image/") else None
    if tag == "a" and attribute == "href":
        return value if plain.startswith(("https://", "http://", "mailto:", "#")) else None
    return None


def _decode_css(text: str) -> str:
    """CSS with its escapes decoded (``u\\72l(`` is ``url(``), as a browser reads it."""
    def one(match):
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match[2]
    return _CSS_ESCAPE.sub(one, text)


def sanitize_html(fragment: str) -> str:
    """``fragment`` kept to an allowlist of tags, attributes, CSS properties and URL kinds (nh3).

    Scripts, handlers (``on…=``), frames, forms, ``<meta>`` (refresh), ``<base>``, ``ping=``,
    ``javascript:`` links however obfuscated, and images not embedded as data URIs are removed;
    text is kept. ``<style>`` blocks (pandas Styler rules) are kept and checked by
    :func:`page_problems`.
    """
    import nh3

    return nh3.clean(fragment, tags=set(_TAGS), clean_content_tags={"script"}, attributes=_ATTRIBUTES,
                     attribute_filter=_attribute_filter, url_schemes={"http", "https", "mailto", "data"},
                     strip_comments=True,
                     link_rel="noopener noreferrer nofollow")


def _body_span(page: str) -> tuple[int, int]:
    """Start and end offsets of the body's content in a whole page (the outputs live there)."""
    head_end = max(page.find("</head>"), 0)
    match = re.compile(r"<body\b[^>]*>", re.I).search(page, head_end)
    end = page.rfind("</body>")
    if not match or end < match.end():
        raise ValueError("not a whole HTML page (no <body>)")
    return match.end(), end


def sanitize_page(page: str) -> str:
    """A whole exported page with its body passed through :func:`sanitize_html`.

    The head is the project's template (its CSS, the CSP, the embedded font) and is kept as is.
    """
    start, end = _body_span(page)
    return page[:start] + sanitize_html(page[start:end]) + page[end:]


def with_csp(page: str) -> str:
    """``page`` with the Content-Security-Policy meta as the first element of its head."""
    if CSP_META in page:
        return page
    match = re.compile(r"<head\b[^>]*>", re.I).search(page)
    if not match:
        raise ValueError("not a whole HTML page (no <head>)")
    return page[:match.end()] + "\n" + CSP_META + page[match.end():]


_ABSOLUTE_PATH = re.compile(
    r"(?<![\w:/.~\\-])/(?:[^\s/<>\"'`|]+/)+[^\s/<>\"'`|]*"  # /home/me/…, /srv/x/y
    r"|\b[A-Za-z]:\\[^\s<>\"'`|]+"  # C:\Users\…
    r"|\bfile:/+[^\s<>\"'`|]*", re.I)


class _PageText(HTMLParser):
    """Text nodes, CSS and attribute values of a page, where a local path could show."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts += [v for _, v in attrs if v and not v.lstrip().lower().startswith("data:")]

    def handle_data(self, data):
        self.parts.append(data)


def page_problems(page: str) -> list[str]:
    """Why a page is not fit to share (empty when it is): absolute paths and remote CSS.

    Run on a page after :func:`sanitize_html` and :func:`scrub_paths` as a last check: any
    absolute path of any machine (``/…/…``, ``C:\\…``, ``file:``) outside embedded data is
    refused, and so is CSS that could load something (``url()`` not of ``data:``, ``@import``),
    CSS escapes decoded first.
    """
    problems = []
    for css in _STYLE_ELEMENT.findall(page):
        found = _REMOTE_CSS.search(_decode_css(css))
        if found:
            problems.append(f"CSS that could load a resource ({found[0]!r})")
            break
    parser = _PageText()
    parser.feed("".join(_outside_data_uris(page)[::2]))
    parser.close()
    for text in parser.parts:
        found = _ABSOLUTE_PATH.search(text)
        if found:
            problems.append(f"an absolute path ({found[0][:60]!r})")
            break
    return problems
