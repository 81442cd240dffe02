"""The notebooks of a batch and their parameters, read from each notebook's parameters cell and checked."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import SoeError, UsageError
from ..params import check_lang
from ..periods import month_str, parse_month
from .periods import ReportPeriod

KERNEL_NAME = "python3"


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
                     notebook: str = "notebook", panel_path: str | None = None) -> dict:
    """The parameters the batch passes one notebook: ``as_of`` always; ``lang`` and ``panel_path``
    (when given) to notebooks that declare them. Others read the panel from ``SOE_ANALYSIS_PANEL``."""
    if "as_of" not in declared:
        raise UsageError(f"{notebook}: the parameters cell declares no as_of (every report notebook needs it)")
    given = {"as_of": period.as_of}
    if "lang" in declared:
        given["lang"] = lang
    if panel_path and "panel_path" in declared:
        given["panel_path"] = str(panel_path)
    return validate_parameters(declared, given, notebook=notebook)
