"""Speed of the report batch (timings are measured here, never asserted in tests).

(a) one period with every notebook of notebooks/, against a floor: the same number of trivial
    notebooks that only import the libraries the real ones import, run through the same batch
    (kernel start, imports, HTML export) — prints both and their ratio (goal ≤ 1.5);
(b) four periods with --jobs 1 and --jobs 2 — prints the speed-up (goal ≥ 1.6 on 2 cores).

Run from the project root after `soe-analysis ingest`: `python bench/bench_report.py`.
Outputs go to bench/out/ (gitignored).
"""

from __future__ import annotations

import ast
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from soe_analysis import batch, config  # noqa: E402
from soe_analysis.panel import dataset_label, load_panel  # noqa: E402

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


def floor_notebooks(real: list[Path], folder: Path) -> Path:
    """One trivial notebook per real one: same parameters cell, only the same imports."""
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
        nb.cells = [cell, nbformat.v4.new_code_cell(imports)]
        nbformat.write(nb, folder / path.name)
    return folder


def timed(label: str, **kwargs) -> float:
    shutil.rmtree(kwargs["out_dir"], ignore_errors=True)
    start = time.perf_counter()
    result = batch.run_batch(progress=False, **kwargs)
    seconds = time.perf_counter() - start
    failed = [f"{p}/{nb['notebook']}: {nb['error']}" for p, nb in result.failures]
    print(f"  {label:<44} {seconds:7.1f} s" + (f"   ({len(failed)} failed: {failed[0]})" if failed else ""))
    return seconds


def main() -> int:
    panel = load_panel()
    months = sorted(panel["period"].unique())
    common = {"panel_path": config.PANEL_FILE, "dataset": dataset_label(panel), "lang": "zh"}
    real = batch.discover_notebooks()
    print(f"bench_report: {len(real)} notebook(s) in notebooks/, {len(months)} months in the panel, "
          f"{__import__('os').cpu_count()} cores")

    one = batch.resolve_periods([config.DEFAULT_AS_OF], months)
    floor_dir = floor_notebooks(real, OUT / "floor_notebooks")
    print("(a) one period, every notebook vs trivial notebooks with the same imports (--jobs 2)")
    t_real = timed("notebooks", periods=one, out_dir=OUT / "a_real", jobs=2, **common)
    t_floor = timed("floor", periods=one, notebooks_dir=floor_dir, out_dir=OUT / "a_floor", jobs=2, **common)
    print(f"  ratio notebooks / floor = {t_real / t_floor:.2f}  (goal ≤ 1.5)")

    four = batch.resolve_periods(["2022-10", "2023Q1..2023Q3"], months)
    print(f"(b) four periods ({', '.join(p.label for p in four)}), every notebook")
    t1 = timed("--jobs 1", periods=four, out_dir=OUT / "b_jobs1", jobs=1, **common)
    t2 = timed("--jobs 2", periods=four, out_dir=OUT / "b_jobs2", jobs=2, **common)
    print(f"  speed-up jobs 1 → 2 = {t1 / t2:.2f}  (goal ≥ 1.6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
