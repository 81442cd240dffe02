"""The quarterly batch: every notebook executed for each report period, rendered to shareable HTML.

For each period the batch runs each notebook of ``notebooks/`` through papermill (kernel
``python3``, working directory the notebooks folder, parameters validated against the notebook's
``parameters`` cell), in parallel worker processes, and writes into ``<out>/<period>/``:

- ``NAME.ipynb`` — the executed notebook, its metadata scrubbed of local paths and environment;
- ``NAME.html`` — the full report, code included (for the analyst);
- ``NAME.shared.html`` — the report to mail: code and prompts hidden with nbconvert's own
  ``exclude_input`` / ``exclude_input_prompt`` / ``exclude_output_prompt``, stderr dropped, no
  local path, no script (written only when the notebook succeeded);
- ``NAME.keyfigures.json`` — what the notebook recorded with
  :func:`soe_analysis.display.record_key_figures`;
- ``run.json`` — the period's manifest (status, run time, error summary, key figures).

``<out>/index.html`` lists every period folder of ``<out>`` × notebooks from the manifests.

Every HTML is self-contained: figures are embedded as data URIs and the template
(``templates/soe_html``, the nbconvert ``lab`` template minus its CDN scripts) inlines its CSS.
Outputs are written whole or not at all: a period is built in a hidden staging folder inside
``<out>`` and swapped in with renames once every notebook of the run has finished; files written
directly into ``<out>`` go through a temporary file and :func:`os.replace`.
"""

from __future__ import annotations

import ast
import contextlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

from . import config
from .display import KEYFIGURES_ENV, banner_html
from .errors import SoeError, UsageError
from .params import check_lang
from .periods import month_str, parse_month

KERNEL_NAME = "python3"
PANEL_ENV = "SOE_ANALYSIS_PANEL"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "soe_html"
ERROR_ANCHOR = "papermill-error-cell"  # the id papermill gives the failing cell's marker
MANIFEST = "run.json"
INDEX = "index.html"

_QUARTER = re.compile(r"^(?P<y>\d{4})-?[Qq](?P<q>[1-4])$")
_LABEL_SAFE = re.compile(r"^\d{4}(?:Q[1-4]|-\d{2})$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_STALE = re.compile(r"^\.(?P<label>.+)\.(?P<kind>staging|old)-(?P<pid>\d+)-")


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class ReportPeriod:
    """A period to report on: ``label`` as requested (``2022Q4``, ``2022-10``) and its as-of month."""

    label: str
    as_of: str
    quarter: bool = False

    def note(self, lang: str = "zh") -> str:
        """How the as-of month was chosen, in words for the report."""
        if not self.quarter:
            return f"报告期 {self.as_of}" if lang == "zh" else f"Report period {self.as_of}"
        if lang == "zh":
            return f"报告期 {self.label}：截至 {self.as_of}（面板中该季度有数据的最后一个月）"
        return f"Report period {self.label}: as of {self.as_of}, the last month of the quarter with data in the panel"


def _one_period(text: str) -> tuple[str, object]:
    """``("quarter", Period)`` or ``("month", Period)`` for one period written by a user."""
    text = str(text).strip()
    match = _QUARTER.match(text)
    if match:
        import pandas as pd

        return "quarter", pd.Period(f"{match['y']}Q{match['q']}", freq="Q")
    if re.match(r"^\d{4}-\d{1,2}$", text):
        return "month", parse_month(text, name="period")
    raise UsageError(f"period must be a quarter like 2022Q4, a month like 2022-10 or a range "
                     f"like 2023Q1..2023Q3, got {text!r}")


def expand_periods(specs) -> list[tuple[str, object]]:
    """Expand period specifications into ``(kind, Period)`` pairs, in order, without repeats.

    ``2022Q4`` is a quarter, ``2022-10`` a month, ``2023Q1..2023Q3`` (or ``2023-01..2023-03``)
    every quarter (month) from the first to the last inclusive.
    """
    out: list[tuple[str, object]] = []
    for spec in specs:
        text = str(spec).strip()
        if ".." in text:
            first, _, last = text.partition("..")
            (kind0, p0), (kind1, p1) = _one_period(first), _one_period(last)
            if kind0 != kind1:
                raise UsageError(f"range {text!r} mixes a {kind0} and a {kind1}")
            if p1 < p0:
                raise UsageError(f"range {text!r} ends before it starts")
            items = [(kind0, p0 + i) for i in range((p1 - p0).n + 1)]
        else:
            items = [_one_period(text)]
        for item in items:
            if item not in out:
                out.append(item)
    if not out:
        raise UsageError("no period given (use --period 2022Q4, 2022-10 or 2023Q1..2023Q3)")
    return out


def resolve_periods(specs, months_with_data) -> list[ReportPeriod]:
    """Report periods with their as-of months, checked against the months the panel holds.

    A quarter runs as of its last month with data in the panel (``2022Q4`` → ``2022-10`` when
    the panel ends in October 2022); a month must itself have data. Raises SoeError otherwise.

    Parameters
    ----------
    specs : iterable of str
        Periods as written by the user (see :func:`expand_periods`).
    months_with_data : iterable of str
        ``YYYY-MM`` months present in the panel (e.g. ``panel["period"].unique()``).
    """
    months = sorted(set(str(m) for m in months_with_data))
    latest = months[-1] if months else "none"
    periods = []
    for kind, period in expand_periods(specs):
        if kind == "quarter":
            label = f"{period.year}Q{period.quarter}"
            inside = [m for m in months
                      if m[:4] == f"{period.year:04d}" and (int(m[5:7]) - 1) // 3 + 1 == period.quarter]
            if not inside:
                raise SoeError(f"no data for {label} in the panel (latest month: {latest})")
            periods.append(ReportPeriod(label, inside[-1], quarter=True))
        else:
            label = month_str(period)
            if label not in months:
                raise SoeError(f"no data for {label} in the panel (latest month: {latest})")
            periods.append(ReportPeriod(label, label))
    return periods


# --------------------------------------------------------------------------------------------
# Notebooks and their parameters


@dataclass(frozen=True)
class Parameter:
    """One name of a notebook's ``parameters`` cell: its annotation (as text) and literal default."""

    name: str
    annotation: str | None
    default: object


def discover_notebooks(notebooks_dir: str | Path | None = None, names=None) -> list[Path]:
    """The notebooks of ``notebooks_dir`` sorted by file name, or the ones ``names`` selects.

    A name is a file name (``00_data_quality.ipynb``), its stem (``00_data_quality``) or its
    number prefix (``00``). An unknown name is a UsageError listing what exists.
    """
    folder = Path(notebooks_dir) if notebooks_dir else config.NOTEBOOKS_DIR
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise SoeError(f"{folder.name}/: no notebooks to run")
    if not names:
        return found
    chosen = []
    for name in names:
        name = str(name).strip()
        match = [p for p in found if name in (p.name, p.stem, p.stem.split("_", 1)[0])]
        if len(match) != 1:
            known = ", ".join(p.stem for p in found)
            what = "ambiguous" if match else "unknown"
            raise UsageError(f"{what} notebook {name!r} (notebooks: {known})")
        if match[0] not in chosen:
            chosen.append(match[0])
    return sorted(chosen)


def notebook_parameters(path: str | Path) -> dict[str, Parameter]:
    """The names a notebook declares in its cell tagged ``parameters``, with literal defaults.

    Read with nbformat and :mod:`ast`, never by executing anything. Raises UsageError when the
    notebook has no such cell or the cell holds anything but (annotated) literal assignments.
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if not cells:
        raise UsageError(f"{path.name}: no cell tagged 'parameters'")
    source = cells[0].source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise UsageError(f"{path.name}: parameters cell, line {exc.lineno}: not valid Python") from None
    declared: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            targets, annotation = [node.target], ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            targets, annotation = node.targets, None
        else:
            raise UsageError(f"{path.name}: parameters cell, line {node.lineno}: only `name: type = literal` "
                             "assignments belong there")
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise UsageError(f"{path.name}: parameters cell, line {node.lineno}: default of "
                             f"{targets[0].id} is not a literal") from None
        for target in targets:
            declared[target.id] = Parameter(target.id, annotation, default)
    return declared


_SIMPLE_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def validate_parameters(declared: dict[str, Parameter], given: dict, *, notebook: str = "notebook") -> dict:
    """Check parameters against a notebook's declared ones; return them normalised.

    Unknown names are refused (papermill would only warn). ``as_of`` must be a month
    (normalised to ``YYYY-MM``), ``lang`` one of ``zh``/``en``; any other value must match its
    simple annotation (``str``, ``int``, ``float``, ``bool``) when it has one.
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise UsageError(f"{notebook}: unknown parameter(s) {', '.join(unknown)} "
                         f"(declared: {', '.join(declared) or 'none'})")
    checked = {}
    for name, value in given.items():
        if name == "as_of":
            value = month_str(parse_month(value))
        elif name == "lang":
            try:
                check_lang(value)
            except UsageError as exc:
                raise UsageError(f"{notebook}: {exc}") from None
        else:
            wanted = _SIMPLE_TYPES.get(declared[name].annotation or "")
            ok = wanted is None or (
                isinstance(value, wanted) and not (wanted is not bool and isinstance(value, bool))
                or (wanted is float and isinstance(value, int) and not isinstance(value, bool)))
            if not ok:
                raise UsageError(f"{notebook}: parameter {name} must be {wanted.__name__}, got {value!r}")
        checked[name] = value
    return checked


def batch_parameters(declared: dict[str, Parameter], period: ReportPeriod, lang: str, *,
                     notebook: str = "notebook") -> dict:
    """The parameters the batch passes one notebook: ``as_of`` always, ``lang`` when declared."""
    if "as_of" not in declared:
        raise UsageError(f"{notebook}: the parameters cell declares no as_of (every report notebook needs it)")
    given = {"as_of": period.as_of}
    if "lang" in declared:
        given["lang"] = lang
    return validate_parameters(declared, given, notebook=notebook)


# --------------------------------------------------------------------------------------------
# Sharing safety


def _local_roots(*extra) -> list[tuple[str, str]]:
    """Absolute paths of this machine that must not leak, longest first, with their stand-ins."""
    roots = [(p, tag) for p, tag in (
        *extra,
        (config.PROJECT_ROOT, "<project>"),
        (Path(__file__).resolve().parent.parent, "<project>"),
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


# --------------------------------------------------------------------------------------------
# Chinese text on machines without a CJK font

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
    import base64
    import io

    from fontTools import subset

    from .plots.style import cjk_font_path

    chars = sorted(set(_CJK_CHAR.findall(page)))
    if not chars:
        return ""
    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    font = subset.load_font(str(cjk_font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chars))
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


# --------------------------------------------------------------------------------------------
# Executing one notebook (in a worker process)


def _exporter(shared: bool, lang: str):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        embed_images=True,
        exclude_anchor_links=True,
    )
    exporter.language_code = "zh-CN" if lang == "zh" else "en"
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


def _period_cell(note: str):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(f"**{html.escape(note)}**")
    cell.metadata["tags"] = ["soe-report-period"]
    return cell


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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _publish(path: Path) -> None:
    """Give a staged file or folder the usual permissions (temp files are created private)."""
    mask = _umask()
    paths = [path, *path.rglob("*")] if path.is_dir() else [path]
    for item in paths:
        item.chmod((0o777 if item.is_dir() else 0o666) & ~mask)


def _write_text(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     suffix=".tmp", delete=False) as tmp:
        tmp.write(text)
    _publish(Path(tmp.name))
    os.replace(tmp.name, path)


def execute_notebook(job: dict) -> dict:
    """Execute one notebook for one period into ``job["stage"]``; never raises for notebook errors.

    ``job`` holds plain values (it crosses a process boundary): ``notebook`` (path), ``stage``
    (folder to write into), ``parameters``, ``cwd``, ``env`` (extra environment), ``note``
    (period sentence), ``lang``, ``timeout`` (seconds per cell), ``roots`` (paths to scrub).
    Returns the notebook's entry of the period manifest.
    """
    import nbformat
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
        nb = nbformat.read(executed, as_version=4)
        scrub_notebook_metadata(nb)
        nb.cells.insert(0, _period_cell(job["note"]))
        nbformat.write(nb, executed)
        entry["files"]["notebook"] = executed.name
        full, _ = _exporter(False, job["lang"]).from_notebook_node(nb, resources={"metadata": {"name": name}})
        active = [p for p in html_problems(full) if "local path" not in p]
        if active:
            entry.update(status="failed", error=f"output holds active HTML ({active[0]}): escape data text")
        else:
            (stage / f"{name}.html").write_text(full, encoding="utf-8")
            entry["files"]["html"] = f"{name}.html"
        if entry["status"] == "ok":
            shared_nb = _for_sharing(nb, roots)
            shared, _ = _exporter(True, job["lang"]).from_notebook_node(
                shared_nb, resources={"metadata": {"name": name}})
            shared = with_cjk_font(shared)
            problems = html_problems(shared, roots)
            if problems:
                entry.update(status="failed", error=f"shared HTML not safe to share: {problems[0]}")
            else:
                (stage / f"{name}.shared.html").write_text(shared, encoding="utf-8")
                entry["files"]["shared"] = f"{name}.shared.html"
    if figures_file.exists():
        try:
            entry["key_figures"] = json.loads(figures_file.read_text(encoding="utf-8"))
            entry["files"]["key_figures"] = figures_file.name
        except ValueError:
            entry["key_figures"] = {}
    entry["seconds_total"] = round(time.perf_counter() - started, 1)
    return entry


# --------------------------------------------------------------------------------------------
# The batch


@dataclass
class BatchResult:
    """What a batch run produced: one manifest per period and the index page."""

    out_dir: Path
    index: Path
    periods: list[dict] = field(default_factory=list)

    @property
    def failures(self) -> list[tuple[str, dict]]:
        return [(p["label"], nb) for p in self.periods for nb in p["notebooks"] if nb["status"] != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failures


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(out_dir: Path) -> None:
    """Remove staging/old folders left by interrupted runs; restore an old folder never replaced."""
    for entry in out_dir.iterdir():
        match = _STALE.match(entry.name)
        if not match or not entry.is_dir() or _pid_alive(int(match["pid"])):
            continue
        target = out_dir / match["label"]
        if match["kind"] == "old" and not target.exists():
            os.replace(entry, target)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _swap_in(stage: Path, target: Path) -> None:
    """Put a finished staging folder in place of ``target`` (renames only; the old one removed)."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{os.urandom(3).hex()}"
        os.replace(target, old)
    os.replace(stage, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_batch(periods: list[ReportPeriod], *, notebooks_dir: str | Path | None = None,
              notebooks=None, out_dir: str | Path | None = None, jobs: int | None = None,
              lang: str = config.DEFAULT_LANG, panel_path: str | Path | None = None,
              dataset: str = "user", timeout: int = 600, progress: bool = True) -> BatchResult:
    """Execute the notebooks for each period and write the reports and the index.

    Parameters
    ----------
    periods : list of ReportPeriod
        From :func:`resolve_periods`.
    notebooks_dir : path, optional
        Folder of notebooks (default ``config.NOTEBOOKS_DIR``); also the kernels' working directory.
    notebooks : list of str, optional
        Names selecting some notebooks (see :func:`discover_notebooks`); default all.
    out_dir : path, optional
        Reports folder (default ``config.REPORTS_DIR``); one sub-folder per period.
    jobs : int, optional
        Notebooks executed at once, each in its own worker process and kernel (default: cores).
    lang : {"zh", "en"}
        Passed to notebooks that declare ``lang``; also the language of the index.
    panel_path : path, optional
        Panel the notebooks read (exported to kernels as ``SOE_ANALYSIS_PANEL``).
    dataset : str
        ``demonstration`` / ``real`` / ``user``: drives the banner on the index.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    BatchResult
        ``failures`` lists the notebooks that failed; the others' files are in place.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed
    import multiprocessing

    from tqdm import tqdm

    check_lang(lang)
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if not periods:
        raise UsageError("no period to report on")
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR).resolve()
    out_dir = Path(out_dir or config.REPORTS_DIR).resolve()
    chosen = discover_notebooks(notebooks_dir, notebooks)
    declared = {p: notebook_parameters(p) for p in chosen}  # a broken parameters cell stops the run
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_stale(out_dir)
    roots = _local_roots((out_dir, "<reports>"), (notebooks_dir, "<notebooks>"),
                         (Path(panel_path).resolve() if panel_path else None, "<panel>"))
    package_root = str(Path(__file__).resolve().parent.parent)
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # quiets ipykernel's debugger notice
    }
    if panel_path:
        env[PANEL_ENV] = str(Path(panel_path).resolve())

    manifests, stages, job_list = {}, {}, []
    built_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        for period in periods:
            if not _LABEL_SAFE.match(period.label):
                raise UsageError(f"bad period label {period.label!r}")
            stage = Path(tempfile.mkdtemp(prefix=f".{period.label}.staging-{os.getpid()}-", dir=out_dir))
            stages[period.label] = stage
            manifests[period.label] = {
                "label": period.label, "as_of": period.as_of, "quarter": period.quarter,
                "note": period.note(lang), "dataset": dataset, "lang": lang, "built_at": built_at,
                "notebooks": {},
            }
            for path in chosen:
                try:
                    params = batch_parameters(declared[path], period, lang, notebook=path.name)
                except UsageError as exc:
                    manifests[period.label]["notebooks"][path.stem] = {
                        "notebook": path.stem, "status": "failed", "seconds": 0.0, "error": str(exc),
                        "error_cell": None, "key_figures": {}, "files": {}}
                    continue
                job_list.append({
                    "label": period.label, "notebook": str(path), "stage": str(stage),
                    "parameters": params, "cwd": str(notebooks_dir), "env": env,
                    "note": period.note(lang), "lang": lang, "timeout": timeout, "roots": roots,
                })

        workers = max(1, min(jobs or os.cpu_count() or 1, len(job_list) or 1))
        bar = tqdm(total=len(job_list), desc="report", unit="notebook", disable=not progress,
                   file=sys.stderr, dynamic_ncols=True)
        if job_list:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(execute_notebook, job): job for job in job_list}
                failed = 0
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        entry = future.result()
                    except Exception as exc:  # the worker process itself died
                        entry = {"notebook": Path(job["notebook"]).stem, "status": "failed",
                                 "seconds": None, "error": one_line(f"{type(exc).__name__}: {exc}", roots),
                                 "error_cell": None, "key_figures": {}, "files": {}}
                    manifests[job["label"]]["notebooks"][entry["notebook"]] = entry
                    failed += entry["status"] != "ok"
                    bar.set_postfix(failed=failed, refresh=False)
                    bar.update(1)
        bar.close()

        results = []
        for period in periods:
            manifest = manifests[period.label]
            # notebooks in name order, whatever order they finished in
            manifest["notebooks"] = [manifest["notebooks"][p.stem] for p in chosen]
            _write_text(stages[period.label] / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            results.append(manifest)
        for period in periods:
            _publish(stages[period.label])
            _swap_in(stages.pop(period.label), out_dir / period.label)
    finally:
        for stage in stages.values():  # interrupted or failed before the swap: leave nothing behind
            shutil.rmtree(stage, ignore_errors=True)
    index = write_index(out_dir, lang=lang)
    return BatchResult(out_dir=out_dir, index=index, periods=results)


# --------------------------------------------------------------------------------------------
# The index page

_TEXT = {
    "zh": {"title": "国企财务分析报告索引", "period": "报告期", "notebook": "报告", "status": "状态",
           "time": "用时（秒）", "figures": "关键数据", "links": "文件", "ok": "成功", "failed": "失败",
           "shared": "分享版", "full": "完整版（含代码）", "ipynb": "已执行笔记本",
           "at_cell": "出错位置", "built": "生成时间", "none": "（无）",
           "empty": "此文件夹中还没有报告。"},
    "en": {"title": "SOE analysis reports", "period": "Period", "notebook": "Report", "status": "Status",
           "time": "Time (s)", "figures": "Key figures", "links": "Files", "ok": "ok", "failed": "failed",
           "shared": "shared", "full": "full (with code)", "ipynb": "executed notebook",
           "at_cell": "failing cell", "built": "built", "none": "(none)",
           "empty": "No reports in this folder yet."},
}

_INDEX_CSS = """
body{font-family:system-ui,"Helvetica Neue",Arial,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
 sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:28px} .note{color:#555;margin:4px 0 8px}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ccc;padding:6px 8px;
 vertical-align:top;text-align:left} th{background:#f3f5f8} td.num{text-align:right}
.ok{color:#1e6b33;font-weight:bold} .failed{color:#b00020;font-weight:bold}
.err{color:#b00020;font-size:.9em;margin-top:4px;word-break:break-word}
ul.kf{margin:0;padding-left:1.1em} .muted{color:#888}
"""


def _fmt_value(value) -> str:
    """A key figure for the index: floats rounded half-up (2 dp; 3 below 1, e.g. probabilities);
    NaN was recorded as null → "—"."""
    if value is None:
        return "—"
    if isinstance(value, float):
        from .metrics import format_number

        return format_number(value, 3 if abs(value) < 1 else 2, thousands=True)
    return str(value)


def _period_sort_key(manifest: dict) -> tuple:
    return (manifest.get("as_of", ""), manifest.get("label", ""))


def read_manifests(out_dir: str | Path) -> list[dict]:
    """The manifests of every period folder in ``out_dir``, by as-of month then label."""
    manifests = []
    for folder in Path(out_dir).iterdir():
        file = folder / MANIFEST
        if folder.is_dir() and not folder.name.startswith(".") and file.exists():
            try:
                manifests.append(json.loads(file.read_text(encoding="utf-8")))
            except ValueError:
                continue
    return sorted(manifests, key=_period_sort_key)


def index_html(manifests: list[dict], lang: str = "zh") -> str:
    """The index page: one table per period, notebooks × status, time, key figures, links.

    Every text from manifests (names, errors, key figures) is HTML-escaped.
    """
    t = _TEXT[lang]
    esc = html.escape
    parts = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
             f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{esc(t['title'])}</title>\n<style>{_INDEX_CSS}</style>\n</head>\n<body>\n"
             f"<h1>{esc(t['title'])}</h1>\n"]
    for label in dict.fromkeys(m.get("dataset", "user") for m in manifests):
        parts.append(banner_html(label=label) + "\n")
    if not manifests:
        parts.append(f"<p>{esc(t['empty'])}</p>\n")
    for m in manifests:
        label = m["label"]
        parts.append(f'<h2 id="period-{esc(label)}">{esc(t["period"])} {esc(label)}</h2>\n'
                     f'<p class="note">{esc(m.get("note", ""))} · {esc(t["built"])} {esc(m.get("built_at", ""))}</p>\n'
                     f"<table>\n<tr><th>{esc(t['notebook'])}</th><th>{esc(t['status'])}</th>"
                     f"<th>{esc(t['time'])}</th><th>{esc(t['figures'])}</th><th>{esc(t['links'])}</th></tr>\n")
        for nb in m["notebooks"]:
            files = nb.get("files", {})

            def link(key, text, anchor=""):
                if key not in files:
                    return ""
                href = f"{label}/{files[key]}{anchor}"
                return f'<a href="{esc(href, quote=True)}">{esc(text)}</a>'

            status = nb["status"]
            status_cell = f'<span class="{"ok" if status == "ok" else "failed"}">{esc(t.get(status, status))}</span>'
            if status != "ok":
                status_cell += f'<div class="err">{esc(nb.get("error") or "")}</div>'
                if nb.get("error_cell") is not None and "html" in files:
                    at = link("html", f"{t['at_cell']} In [{nb['error_cell']}]", f"#{ERROR_ANCHOR}")
                    status_cell += f"<div>{at}</div>"
            figures = nb.get("key_figures") or {}
            fig_cell = ('<ul class="kf">' + "".join(
                f"<li>{esc(str(k))}: <b>{esc(_fmt_value(v))}</b></li>" for k, v in figures.items()) + "</ul>"
                        if figures else f'<span class="muted">{esc(t["none"])}</span>')
            links = " · ".join(x for x in (link("shared", t["shared"]), link("html", t["full"]),
                                           link("notebook", t["ipynb"])) if x)
            seconds = nb.get("seconds")
            parts.append(f"<tr><td>{esc(nb['notebook'])}</td><td>{status_cell}</td>"
                         f'<td class="num">{"" if seconds is None else esc(f"{seconds:.1f}")}</td>'
                         f"<td>{fig_cell}</td><td>{links}</td></tr>\n")
        parts.append("</table>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def write_index(out_dir: str | Path, lang: str = "zh") -> Path:
    """Rebuild ``<out_dir>/index.html`` from the period manifests (written whole or not at all)."""
    out_dir = Path(out_dir)
    path = out_dir / INDEX
    _write_text(path, with_cjk_font(index_html(read_manifests(out_dir), lang=lang)))
    return path


def summary(result: BatchResult) -> dict:
    """A small JSON-able account of a run (for ``--json`` style output and the bench)."""
    return {"index": str(result.index), "periods": [
        {"label": m["label"], "as_of": m["as_of"],
         "notebooks": [{k: nb.get(k) for k in ("notebook", "status", "seconds", "error")} for nb in m["notebooks"]]}
        for m in result.periods]}


__all__ = [
    "ReportPeriod", "Parameter", "BatchResult", "expand_periods", "resolve_periods",
    "discover_notebooks", "notebook_parameters", "validate_parameters", "batch_parameters",
    "scrub_paths", "one_line", "scrub_notebook_metadata", "html_problems", "execute_notebook",
    "run_batch", "read_manifests", "index_html", "write_index", "summary",
]
