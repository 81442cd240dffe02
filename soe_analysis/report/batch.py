"""The quarterly batch: every notebook for each period, in parallel, published whole or not at all.

The batch only ever replaces what it made: a period folder carrying its manifest (``run.json``).
One run at a time writes into an output folder (a lock file there); a run of some notebooks keeps
the period's other reports. Ctrl-C cancels what is queued, stops the running kernels and leaves
every published folder as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import config
from ..errors import UsageError
from ..params import check_lang
from .files import _publish, _write_text
from .folders import (adopt_other_notebooks, check_out_dir, check_replaceable, clean_stale, out_dir_lock,
                      sigint_deferred, swap_in)
from .index import MANIFEST, write_index
from .notebook_params import batch_parameters, discover_notebooks, notebook_parameters
from .periods import ReportPeriod
from .sharing import _local_roots
from .workbook import period_extras
from .workers import run_jobs

PANEL_ENV = "SOE_ANALYSIS_PANEL"

_LABEL_SAFE = re.compile(r"^\d{4}(?:Q[1-4]|-\d{2})$")


@dataclass
class BatchResult:
    """What a batch run produced: one manifest per period and the index page."""

    out_dir: Path
    index: Path
    periods: list[dict] = field(default_factory=list)

    @property
    def runs(self) -> list[tuple[str, dict]]:
        """``(period label, manifest entry)`` of each notebook this run executed (not those kept)."""
        return [(p["label"], nb) for p in self.periods for nb in p["notebooks"] if not nb.get("kept")]

    @property
    def failures(self) -> list[tuple[str, dict]]:
        return [(label, nb) for label, nb in self.runs if nb["status"] != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failures


def cap_jobs(jobs: int | None) -> tuple[int, str | None]:
    """Worker processes to use: ``jobs`` (default: cores), at most the number of cores, with a note
    when capped (more kernels than cores only makes each one slower)."""
    cores = os.cpu_count() or 1
    if jobs is None:
        return cores, None
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs must be a whole number ≥ 1, got {jobs!r}")
    if jobs > cores:
        return cores, f"--jobs {jobs} capped at {cores}, the number of cores"
    return jobs, None


def _failed_entry(name: str, error: str) -> dict:
    return {"notebook": name, "status": "failed", "seconds": 0.0, "error": error, "error_cell": None,
            "key_figures": {}, "files": {}}


def _longest_first(job_list: list[dict], out_dir: Path) -> list[dict]:
    """Jobs ordered by how long each notebook took in earlier runs, longest first, so that no
    worker is left with a long notebook at the end while the other idles (stable otherwise)."""
    from .index import read_manifests

    took: dict[str, float] = {}
    for manifest in read_manifests(out_dir):
        for nb in manifest.get("notebooks", []):
            if isinstance(nb, dict) and isinstance(nb.get("seconds"), (int, float)):
                took[nb["notebook"]] = max(took.get(nb["notebook"], 0.0), float(nb["seconds"]))
    return sorted(job_list, key=lambda job: -took.get(Path(job["notebook"]).stem, 0.0))


def _plan(periods, chosen, declared, out_dir, lang, dataset, panel_path, common):
    """Manifests, staging folders and the job list of a run (every parameter checked first)."""
    manifests, stages, job_list = {}, {}, []
    built_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    for period in periods:
        stage = Path(tempfile.mkdtemp(prefix=f".{period.label}.staging-{os.getpid()}-", dir=out_dir))
        stages[period.label] = stage
        manifests[period.label] = {
            "label": period.label, "as_of": period.as_of, "quarter": period.quarter,
            "note": period.note(lang), "dataset": dataset, "lang": lang, "built_at": built_at,
            "notebooks": {},
        }
        for path in chosen:
            try:
                params = batch_parameters(declared[path], period, lang, notebook=path.name,
                                          panel_path=panel_path)
            except UsageError as exc:
                manifests[period.label]["notebooks"][path.stem] = _failed_entry(path.stem, str(exc))
                continue
            job_list.append({**common, "label": period.label, "notebook": str(path), "stage": str(stage),
                             "parameters": params, "note": period.note(lang)})
    return manifests, stages, _longest_first(job_list, out_dir)


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
        Names selecting some notebooks (see :func:`discover_notebooks`); default all. The period's
        other reports already in ``out_dir`` are kept.
    out_dir : path, optional
        Reports folder (default ``config.REPORTS_DIR``); one sub-folder per period. A period
        folder there is replaced only when the batch made it (it holds ``run.json``).
    jobs : int, optional
        Notebooks executed at once, each in its own worker process and kernel (default and
        maximum: the number of cores).
    lang : {"zh", "en"}
        Passed to notebooks that declare ``lang``; also the language of the index.
    panel_path : path, optional
        Panel the notebooks read: passed as the ``panel_path`` parameter to notebooks that
        declare it, and exported to every kernel as ``SOE_ANALYSIS_PANEL``.
    dataset : str
        ``demonstration`` / ``real`` / ``user``: drives the banner on the index.
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    BatchResult
        ``failures`` lists the notebooks that failed; the others' files are in place.

    Raises
    ------
    UsageError
        ``out_dir`` is not a usable folder, ``jobs`` is not a whole number ≥ 1.
    SoeError
        A period folder in ``out_dir`` was not made by the batch, or another run holds the lock.
    KeyboardInterrupt
        After Ctrl-C: queued runs cancelled, kernels stopped, published folders untouched.
    """
    check_lang(lang)
    jobs, _ = cap_jobs(jobs)
    if not periods:
        raise UsageError("no period to report on")
    for period in periods:
        if not _LABEL_SAFE.match(period.label):
            raise UsageError(f"bad period label {period.label!r}")
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR).resolve()
    chosen = discover_notebooks(notebooks_dir, notebooks)
    declared = {p: notebook_parameters(p) for p in chosen}  # a broken parameters cell stops the run
    out_dir = check_out_dir(Path(out_dir or config.REPORTS_DIR).absolute())
    check_replaceable(out_dir, [p.label for p in periods])
    roots = _local_roots((out_dir, "<reports>"), (notebooks_dir, "<notebooks>"),
                         (Path(panel_path).absolute() if panel_path else None, "<panel>"))
    package_root = str(Path(__file__).resolve().parents[2])
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # quiets ipykernel's debugger notice
        # charts embedded in the page, whatever backend the caller's shell asked for (Agg draws none)
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if panel_path:
        env[PANEL_ENV] = str(Path(panel_path).absolute())
    common = {"cwd": str(notebooks_dir), "env": env, "lang": lang, "timeout": timeout, "roots": roots}

    with out_dir_lock(out_dir):
        clean_stale(out_dir)
        check_replaceable(out_dir, [p.label for p in periods])  # again: another run may have written
        stages: dict[str, Path] = {}
        try:
            manifests, stages, job_list = _plan(periods, chosen, declared, out_dir, lang, dataset,
                                                str(Path(panel_path).absolute()) if panel_path else None,
                                                common)
            for job, entry in run_jobs(job_list, jobs, progress=progress, roots=roots):
                manifests[job["label"]]["notebooks"][entry["notebook"]] = entry
            results = []
            for period in periods:
                stage, manifest = stages[period.label], manifests[period.label]
                # notebooks in name order, whatever order they finished in
                manifest["notebooks"] = [manifest["notebooks"][p.stem] for p in chosen]
                adopt_other_notebooks(out_dir / period.label, stage, manifest)
                manifest.update(period_extras(stage, manifest, lang))  # workbook, headline for the index
                _write_text(stage / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                results.append(manifest)
            with sigint_deferred():  # Ctrl-C now would leave some periods new and some old
                for period in periods:
                    _publish(stages[period.label])
                    swap_in(stages.pop(period.label), out_dir / period.label)
                index = write_index(out_dir, lang=lang)
        finally:
            for stage in stages.values():  # interrupted or failed before the swap: leave nothing behind
                shutil.rmtree(stage, ignore_errors=True)
    return BatchResult(out_dir=out_dir, index=index, periods=results)


def summary(result: BatchResult) -> dict:
    """A small JSON-able account of a run (for ``--json`` style output and the bench)."""
    return {"index": str(result.index), "periods": [
        {"label": m["label"], "as_of": m["as_of"],
         "notebooks": [{k: nb.get(k) for k in ("notebook", "status", "seconds", "error")} for nb in m["notebooks"]]}
        for m in result.periods]}


__all__ = ["BatchResult", "cap_jobs", "run_batch", "summary"]
