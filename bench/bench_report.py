"""Speed of the report batch (timings are measured here, never asserted in tests).

(a) one period with every notebook of notebooks/, against two floors run through the same batch
    (kernel start, imports, HTML export, sanitizing): trivial notebooks holding only each real
    notebook's import statements (the goal: real ≤ 1.5 × this floor), and trivial notebooks
    importing every module the real kernel ended up with (what the library imported lazily too:
    the whole import bill, for reference);
(b) four periods with --jobs 1 and --jobs 2 — prints the speed-up (goal ≥ 1.6 on 2 cores).

Timings are wall-clock on a possibly shared machine: the load average is printed before and after;
compare runs made under similar load.

Run from the project root after `soe-analysis ingest`: `python bench/bench_report.py`
(`--part a` or `--part b` for one half; `--cells` prints where each notebook's time went).
Outputs go to bench/out/ (gitignored).
"""

from __future__ import annotations

import ast
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soe_analysis import config, report as batch  # noqa: E402
from soe_analysis.io.panel import dataset_label, load_panel  # noqa: E402

OUT = ROOT / "bench" / "out"


def imported_modules(notebook: Path) -> list[str]:
    """Top-level modules a notebook imports (from its code cells, read with ast)."""
    import nbformat

    names = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return list(dict.fromkeys(names))


# Appended to a copy of each real notebook: records every module its kernel ended up with, including
# those the library imports lazily (seaborn, statsmodels, pyplot …), beside its key figures.
_RECORD_MODULES = """import json as _json, os as _os, sys as _sys
_path = _os.environ["SOE_ANALYSIS_KEYFIGURES"].replace(".keyfigures.json", ".modules.json")
with open(_path, "w") as _fh:
    _json.dump(sorted(m for m in _sys.modules if not m.startswith("_")), _fh);"""


def loaded_modules(real: list[Path], periods, common: dict) -> dict[str, list[str]]:
    """Run each real notebook once with a last cell listing the modules its kernel had loaded."""
    import nbformat

    probe = OUT / "probe_notebooks"
    probe.mkdir(parents=True, exist_ok=True)
    for path in real:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(_RECORD_MODULES))
        nbformat.write(nb, probe / path.name)
    shutil.rmtree(OUT / "probe_run", ignore_errors=True)
    batch.run_batch(periods, notebooks_dir=probe, out_dir=OUT / "probe_run", jobs=2, progress=False, **common)
    folder = OUT / "probe_run" / periods[0].label
    return {p.stem: __import__("json").loads((folder / f"{p.stem}.modules.json").read_text())
            for p in real if (folder / f"{p.stem}.modules.json").exists()}


def floor_notebooks(real: list[Path], folder: Path, modules: dict[str, list[str]] | None = None) -> Path:
    """One trivial notebook per real one: same parameters cell, then only the same imports.

    "The same imports" are the notebook's import statements plus, when ``modules`` is given, every
    module its kernel had loaded by the end (what the library imported lazily, too): the floor
    then pays the whole import bill and nothing else.
    """
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    for path in real:
        source = nbformat.read(path, as_version=4)
        params = next(c for c in source.cells if "parameters" in c.metadata.get("tags", []))
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        cell = nbformat.v4.new_code_cell(params.source)
        cell.metadata["tags"] = ["parameters"]
        imports = "\n".join(f"import {name}" for name in imported_modules(path)) or "pass"
        cells = [cell, nbformat.v4.new_code_cell(imports)]
        if modules and path.stem in modules:
            cells.append(nbformat.v4.new_code_cell(
                "import importlib\n"
                f"for _name in {modules[path.stem]!r}:\n"
                "    try:\n        importlib.import_module(_name)\n"
                "    except Exception:\n        pass"))
        nb.cells = cells
        nbformat.write(nb, folder / path.name)
    return folder


def timed(label: str, per_notebook: bool = False, **kwargs) -> float:
    shutil.rmtree(kwargs["out_dir"], ignore_errors=True)
    start = time.perf_counter()
    result = batch.run_batch(progress=False, **kwargs)
    seconds = time.perf_counter() - start
    failed = [f"{p}/{nb['notebook']}: {nb['error']}" for p, nb in result.failures]
    print(f"  {label:<44} {seconds:7.1f} s" + (f"   ({len(failed)} failed: {failed[0]})" if failed else ""))
    if per_notebook:
        print_notebooks(kwargs["out_dir"])
    return seconds


def print_notebooks(out_dir: Path) -> None:
    """Per notebook: its cells' time (papermill's per-cell durations), kernel and page time, slowest cells."""
    import json

    for manifest in sorted(Path(out_dir).glob("*/run.json")):
        for entry in json.loads(manifest.read_text())["notebooks"]:
            executed = manifest.parent / entry["files"].get("notebook", "-")
            cells = []
            if executed.exists():
                nb = json.loads(executed.read_text())
                cells = [(c["metadata"].get("papermill", {}).get("duration") or 0.0, c.get("id", "?"))
                         for c in nb["cells"]]
            slowest = ", ".join(f"{cid} {d:.1f}" for d, cid in sorted(cells, reverse=True)[:3])
            in_cells = sum(d for d, _ in cells)
            print(f"    {entry['notebook']:<24} run {entry['seconds']:5.1f} s (cells {in_cells:4.1f}, "
                  f"kernel start and the rest {entry['seconds'] - in_cells:4.1f}), pages "
                  f"{entry['seconds_total'] - entry['seconds']:4.1f} s; slowest cells: {slowest}")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("a", "b", "all"), default="all",
                        help="a: one period against the floors; b: --jobs 1 vs 2; all: both (default)")
    parser.add_argument("--cells", action="store_true",
                        help="in (a), print each notebook's cell, kernel and page times")
    parser.add_argument("--repeat", type=int, default=3,
                        help="in (a), how many alternating real/floor pairs to time (default 3; the median is printed)")
    args = parser.parse_args(argv)
    panel = load_panel()
    months = sorted(panel["period"].unique())
    common = {"panel_path": config.PANEL_FILE, "dataset": dataset_label(panel), "lang": "zh"}
    real = batch.discover_notebooks()
    print(f"bench_report: {len(real)} notebook(s) in notebooks/, {len(months)} months in the panel, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (timings are noisy when shared)")

    if args.part in ("a", "all"):
        part_a(real, months, common, args.cells, args.repeat)
    if args.part in ("b", "all"):
        part_b(months, common)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


def part_a(real: list[Path], months: list[str], common: dict, cells: bool, repeat: int) -> None:
    import statistics

    one = batch.resolve_periods([config.DEFAULT_AS_OF], months)
    print(f"(a) one period, every notebook vs trivial notebooks with the same imports (--jobs 2), "
          f"{repeat} alternating pair(s)")
    statements = floor_notebooks(real, OUT / "floor_statements")
    pairs = []
    for turn in range(repeat):  # alternated, so a burst of load on a shared machine hits both
        last = turn == repeat - 1
        t_real = timed("notebooks", cells and last, periods=one, out_dir=OUT / "a_real", jobs=2, **common)
        t_statements = timed("floor: the cells' import statements only", cells and last, periods=one,
                             notebooks_dir=statements, out_dir=OUT / "a_floor_statements", jobs=2, **common)
        pairs.append((t_real, t_statements))
    loaded = floor_notebooks(real, OUT / "floor_loaded", loaded_modules(real, one, common))
    t_loaded = timed("floor: every module the kernel loaded", periods=one,
                     notebooks_dir=loaded, out_dir=OUT / "a_floor_loaded", jobs=2, **common)
    ratios = [r / f for r, f in pairs]
    t_real = statistics.median(r for r, _ in pairs)
    print(f"  ratio notebooks / import-statement floor = {statistics.median(ratios):.2f} median of "
          f"{', '.join(f'{x:.2f}' for x in ratios)}  (goal ≤ 1.5)")
    print(f"  ratio notebooks (median {t_real:.1f} s) / every-module-loaded floor = {t_real / t_loaded:.2f}  "
          "(what is left besides imports: the analyses, charts and HTML themselves)")


def part_b(months: list[str], common: dict) -> None:
    four = batch.resolve_periods(["2022-10", "2023Q1..2023Q3"], months)
    print(f"(b) four periods ({', '.join(p.label for p in four)}), every notebook")
    t1 = timed("--jobs 1", periods=four, out_dir=OUT / "b_jobs1", jobs=1, **common)
    t2 = timed("--jobs 2", periods=four, out_dir=OUT / "b_jobs2", jobs=2, **common)
    print(f"  speed-up jobs 1 → 2 = {t1 / t2:.2f}  (goal ≥ 1.6)")


if __name__ == "__main__":
    sys.exit(main())
