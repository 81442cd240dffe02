"""Executing one notebook in a worker process, and rendering it to full and shared HTML."""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os
import re
import secrets
import sys
import time
from pathlib import Path

from ..display import KEYFIGURES_ENV
from .fonts import with_cjk_font
from .notebook_params import KERNEL_NAME
from .sharing import (CSP_META, one_line, page_problems, sanitize_page, scrub_notebook_metadata,
                      scrub_paths)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "soe_html"




class _SetAside:
    """Pieces of a page kept out of the passes over it: each is replaced by a short random token
    (:meth:`__call__`, usable as a template filter) and :meth:`put_back` restores them.

    Used twice: highlighted code and HTML outputs are kept out of nbconvert's BeautifulSoup pass
    (it parses and re-serializes every element to add alt texts and tabindex to the template's
    own wrappers, and these were most of its cost) and are back before the page is sanitized;
    embedded figures are kept out of every pass, sanitizing included (see :func:`_set_images_aside`).
    """

    def __init__(self, kind: str):
        self.kind = kind
        self.start()

    def start(self) -> None:
        """Forget earlier pieces; tokens from now on carry a new random prefix."""
        self.prefix, self.pieces = f"soe{self.kind}{secrets.token_hex(8)}n", []

    def __call__(self, text) -> str:
        self.pieces.append(str(text))
        return f"{self.prefix}{len(self.pieces) - 1}x"

    def put_back(self, page: str) -> str:
        pieces = self.pieces
        return re.sub(rf"{self.prefix}(\d+)x", lambda match: pieces[int(match[1])], page) if pieces else page


_HTML_ASIDE = _SetAside("html")


@functools.lru_cache(maxsize=None)
def _exporter(shared: bool, lang: str):
    """One exporter per kind and language in a worker: building one compiles its templates."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        embed_images=True,
        exclude_anchor_links=True,
    )
    exporter.language_code = "zh-CN" if lang == "zh" else "en"
    exporter.register_filter("soe_set_aside", _HTML_ASIDE)
    if shared:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


def _for_sharing(nb, roots):
    """A copy of an executed notebook fit for readers: no stderr, no local paths in outputs."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":  # tracebacks belong to the team's full page
                continue
            if output.get("output_type") == "stream":
                if output.get("name") == "stderr":
                    continue
                output["text"] = scrub_paths(output.get("text", ""), roots)
            for mime in ("text/plain", "text/html", "text/markdown"):
                data = output.get("data", {})
                if isinstance(data.get(mime), str):
                    data[mime] = scrub_paths(data[mime], roots)
            kept.append(output)
        cell.outputs = kept
    return nb


def _scrub_parameters(nb, roots) -> None:
    """Local paths passed as parameters (``panel_path``) shown by their stand-ins, in place."""
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = scrub_paths(cell.source, roots)
    given = nb.metadata.get("papermill", {}).get("parameters", {})
    for key, value in given.items():
        if isinstance(value, str):
            given[key] = scrub_paths(value, roots)


def _period_cell(note: str):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(f"**{html.escape(note)}**")
    cell.metadata["tags"] = ["soe-report-period"]
    return cell


# Embedded figures are most of a page's bytes (0.5-1.7 MB of base64), and every pass over the page
# (nbconvert's BeautifulSoup, nh3, page_problems' parser, the regexes) paid for them per byte. They
# are set aside as short tokens while the page is built and checked, and put back at the end.
_IMAGE_MIMES = ("image/png", "image/jpeg")
_PLAIN_BASE64 = re.compile(r"[A-Za-z0-9+/=\n]*")


def _set_images_aside(nb) -> _SetAside:
    """Replace, in place, each embedded PNG/JPEG of ``nb``'s outputs by a token; returns the tokens' keeper.

    Only data that is plain base64 (letters, digits, ``+/=``, newlines) is set aside: nothing in it
    can end an attribute or hide markup, so putting it back after sanitizing is as safe as having
    sanitized it, and parsers and :func:`~.sharing.page_problems` skip it the same way.
    """
    images = _SetAside("image")
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            for mime in _IMAGE_MIMES:
                value = data.get(mime)
                if isinstance(value, str) and _PLAIN_BASE64.fullmatch(value):
                    data[mime] = images(value)
    return images


def _render(nb, name: str, lang: str, shared: bool) -> str:
    """A notebook as one self-contained page: CSP first in the head, the body sanitized."""
    resources = {"metadata": {"name": name}, "soe_csp_meta": CSP_META}
    _HTML_ASIDE.start()
    page, _ = _exporter(shared, lang).from_notebook_node(nb, resources=resources)
    page = _HTML_ASIDE.put_back(page)
    if shared:
        page = with_cjk_font(page)
    return sanitize_page(page)


@contextlib.contextmanager
def _environment(values: dict):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _quiet_stderr():
    """Send fd 2 (inherited by the kernel: its TCP notice, debugger warnings) to /dev/null."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _write_pages(executed: Path, stage: Path, name: str, job: dict, entry: dict, roots) -> None:
    """The executed notebook scrubbed in place, its full page, and its shared page if it ran."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    scrub_notebook_metadata(nb)
    _scrub_parameters(nb, roots)
    nb.cells.insert(0, _period_cell(job["note"]))
    nbformat.write(nb, executed)
    entry["files"]["notebook"] = executed.name
    images = _set_images_aside(nb)  # nb is not written again
    full = _render(nb, name, job["lang"], shared=False)
    (stage / f"{name}.html").write_text(images.put_back(full), encoding="utf-8")
    entry["files"]["html"] = f"{name}.html"
    if entry["status"] != "ok":
        return
    shared = _render(_for_sharing(nb, roots), name, job["lang"], shared=True)
    problems = page_problems(shared)
    if problems:
        entry.update(status="failed", error=f"shared HTML not safe to share: {problems[0]}")
    else:
        shared = images.put_back(shared)
        (stage / f"{name}.shared.html").write_text(shared, encoding="utf-8")
        entry["files"]["shared"] = f"{name}.shared.html"


def execute_notebook(job: dict) -> dict:
    """Execute one notebook for one period into ``job["stage"]``; never raises for notebook errors.

    ``job`` holds plain values (it crosses a process boundary): ``notebook`` (path), ``stage``
    (folder to write into), ``parameters``, ``cwd``, ``env`` (extra environment), ``note``
    (period sentence), ``lang``, ``timeout`` (seconds per cell), ``roots`` (paths to scrub).
    Returns the notebook's entry of the period manifest.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source, stage = Path(job["notebook"]), Path(job["stage"])
    name, roots = source.stem, [tuple(r) for r in job["roots"]]
    executed = stage / f"{name}.ipynb"
    figures_file = stage / f"{name}.keyfigures.json"
    entry = {"notebook": name, "status": "ok", "seconds": None, "error": None, "error_cell": None,
             "key_figures": {}, "files": {}}
    started = time.perf_counter()
    env = {**job["env"], KEYFIGURES_ENV: str(figures_file)}
    try:
        with _environment(env), _quiet_stderr():
            papermill.execute_notebook(
                str(source), str(executed), parameters=job["parameters"], kernel_name=KERNEL_NAME,
                language="python", cwd=job["cwd"], progress_bar=False, log_output=False,
                execution_timeout=job["timeout"])
    except PapermillExecutionError as exc:
        entry.update(status="failed", error=one_line(f"{exc.ename}: {exc.evalue}", roots),
                     error_cell=exc.exec_count)
    except Exception as exc:  # kernel died, timeout, no such kernel …: the run goes on
        entry.update(status="failed", error=one_line(f"{type(exc).__name__}: {exc}", roots))
    entry["seconds"] = round(time.perf_counter() - started, 1)

    if executed.exists():
        try:
            _write_pages(executed, stage, name, job, entry, roots)
        except Exception as exc:  # a page that cannot be rendered is that notebook's failure only
            entry.update(status="failed", error=one_line(f"rendering failed: {type(exc).__name__}: {exc}", roots))
    if figures_file.exists():
        try:
            entry["key_figures"] = json.loads(figures_file.read_text(encoding="utf-8"))
            entry["files"]["key_figures"] = figures_file.name
        except ValueError:
            entry["key_figures"] = {}
    tables_file = stage / f"{name}.tables.json"
    if tables_file.exists():  # listed so a partial rerun keeps this notebook's sheets in the workbook
        entry["files"]["tables"] = tables_file.name
    entry["seconds_total"] = round(time.perf_counter() - started, 1)
    return entry
