"""The quarterly batch: every notebook for each period, in parallel, published whole or not at all."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import config
from ..errors import UsageError
from ..params import check_lang
from .execute import execute_notebook
from .files import _publish, _write_text
from .index import MANIFEST, write_index
from .notebook_params import batch_parameters, discover_notebooks, notebook_parameters
from .periods import ReportPeriod
from .sharing import _local_roots, one_line

PANEL_ENV = "SOE_ANALYSIS_PANEL"

_LABEL_SAFE = re.compile(r"^\d{4}(?:Q[1-4]|-\d{2})$")
_STALE = re.compile(r"^\.(?P<label>.+)\.(?P<kind>staging|old)-(?P<pid>\d+)-")



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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

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
    package_root = str(Path(__file__).resolve().parents[2])
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


def summary(result: BatchResult) -> dict:
    """A small JSON-able account of a run (for ``--json`` style output and the bench)."""
    return {"index": str(result.index), "periods": [
        {"label": m["label"], "as_of": m["as_of"],
         "notebooks": [{k: nb.get(k) for k in ("notebook", "status", "seconds", "error")} for nb in m["notebooks"]]}
        for m in result.periods]}


__all__ = ["BatchResult", "run_batch", "summary"]
