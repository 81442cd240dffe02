"""Worker processes of the batch: one notebook (one kernel) each, and nothing left behind.

Workers ignore Ctrl-C (the main process handles it and stops them); a stopped worker kills the
kernel it started before exiting. A worker also dies with the main process, even one killed with
SIGKILL: the kernel asks Linux for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``) and a
watchdog thread checks the parent every second elsewhere. Kernels themselves exit when their
worker goes (ipykernel polls its parent).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

from .sharing import one_line

_PR_SET_PDEATHSIG = 1
_STOP_GRACE_SECONDS = 3.0


def _children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) ": state, ppid, …
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def _stop_worker(*_):
    """Kill the kernels this worker started (each leads its own session), then exit at once."""
    for child in _children(os.getpid()):
        try:
            os.killpg(child, signal.SIGKILL) if os.getpgid(child) == child else os.kill(child, signal.SIGKILL)
        except OSError:
            pass
    os._exit(128 + signal.SIGTERM)


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            _stop_worker()
        time.sleep(1.0)


def init_worker(parent: int) -> None:
    """Run in each worker at start: Ctrl-C ignored, SIGTERM stops the kernel, dies with ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        _stop_worker()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


def _stop_pool(pool) -> None:
    """Cancel queued runs and stop running workers (SIGTERM, then SIGKILL after a grace period)."""
    # no public accessor; read before shutdown(), which forgets them
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def run_jobs(job_list: list[dict], jobs: int, *, progress: bool = True, roots=()) -> list[tuple[dict, dict]]:
    """Execute ``job_list`` in ``jobs`` worker processes: ``(job, manifest entry)`` in finishing order.

    On Ctrl-C (KeyboardInterrupt in the main process) or any other exception, queued runs are
    cancelled and running workers and their kernels stopped before the exception goes on.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    from .execute import execute_notebook

    if not job_list:
        return []
    workers = max(1, min(jobs, len(job_list)))
    bar = tqdm(total=len(job_list), desc="report", unit="notebook", disable=not progress,
               file=sys.stderr, dynamic_ncols=True)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(os.getpid(),))
    failed, done = 0, []
    try:
        futures = {pool.submit(execute_notebook, job): job for job in job_list}
        for future in as_completed(futures):
            job = futures[future]
            try:
                entry = future.result()
            except Exception as exc:  # the worker process itself died
                entry = {"notebook": Path(job["notebook"]).stem, "status": "failed",
                         "seconds": None, "error": one_line(f"{type(exc).__name__}: {exc}", roots),
                         "error_cell": None, "key_figures": {}, "files": {}}
            failed += entry["status"] != "ok"
            bar.set_postfix(failed=failed, refresh=False)
            bar.update(1)
            done.append((job, entry))
    except BaseException:
        _stop_pool(pool)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        bar.close()
    return done
