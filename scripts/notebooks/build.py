"""Shared by the notebook generators: write a notebook without outputs, with stable cell ids.

Each ``make_*.py`` beside this file holds one story's cells; ``python scripts/notebooks/make_all.py``
(or ``make notebooks``) rewrites every generated notebook, and a test checks that the committed
notebooks equal what the generators write.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
METADATA = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"}}


def cell(kind: str, text: str, *tags: str):
    """A Markdown ("md") or code ("code") cell; tags such as "parameters"."""
    made = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
    if tags:
        made.metadata["tags"] = list(tags)
    return made


def write_notebook(cells: list, name: str, id_prefix: str, out_dir: Path | None = None) -> Path:
    """Write ``cells`` as ``name`` in ``out_dir`` (default notebooks/); ids ``<prefix>-NN``."""
    nb = new_notebook(cells=cells, metadata=METADATA)
    for number, made in enumerate(nb.cells):
        made["id"] = f"{id_prefix}-{number:02d}"  # stable ids: regenerating gives the same file
    nbformat.validate(nb)
    path = Path(out_dir or NOTEBOOKS) / name
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return path


def out_dir_from_args() -> Path:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=NOTEBOOKS, help="folder to write into (default notebooks/)")
    return parser.parse_args().out
