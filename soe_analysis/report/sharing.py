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


class _ActiveContent(HTMLParser):
    """Collects what a shared page must not hold: scripts, handlers, frames, remote resources."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base", "form"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"{name}= handler on <{tag}>")
            elif value.startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag}>")
            elif name in ("src", "srcset", "data", "poster") or (tag == "link" and name == "href"):
                if value and not (value.startswith("data:") or value.startswith("#")):
                    self.problems.append(f"<{tag} {name}=…> loads an external resource")


def html_problems(page: str, roots=()) -> list[str]:
    """Why an HTML page is not safe to share (empty when it is).

    Flags script/iframe/object/embed elements, ``on*`` handlers, ``javascript:`` URLs, resources
    not embedded as data URIs (remote CSS ``url()``/``@import`` included) and local paths.
    """
    parser = _ActiveContent()
    parser.feed(page)
    parser.close()
    problems = list(dict.fromkeys(parser.problems))
    if re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.I) or re.search(r"@import", page, re.I):
        problems.append("CSS loads a remote resource")
    text = "".join(_outside_data_uris(page)[::2])
    for path, _ in roots:
        if path in text:
            problems.append("a local path of the build machine")
            break
    return problems
