"""The output folder of the batch: what it may replace, one run at a time, swaps by renames only.

A period folder is the batch's when it holds the batch's manifest (``run.json``); anything else
in the output folder is never replaced, moved or deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import threading
from pathlib import Path

from ..errors import SoeError, UsageError
from .index import INDEX, MANIFEST

LOCK = ".soe-report.lock"  # also marks a folder the batch has written into
_STALE = re.compile(r"^\.(?P<label>.+)\.(?P<kind>staging|old)-(?P<pid>\d+)-")


def check_out_dir(out_dir: Path) -> Path:
    """``out_dir`` created if missing; UsageError (one line) when it cannot be a reports folder."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out_dir}: cannot create the folder ({exc.strerror or type(exc).__name__})") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out_dir}: folder is not writable")
    return out_dir


def _is_ours(folder: Path) -> bool:
    """A period folder the batch made: a real folder (not a link) holding a readable run.json."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        return isinstance(json.loads((folder / MANIFEST).read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def check_replaceable(out_dir: Path, labels: list[str]) -> None:
    """SoeError naming the first thing in ``out_dir`` the run would replace but did not make."""
    for label in labels:
        target = out_dir / label
        if (target.exists() or target.is_symlink()) and not _is_ours(target):
            raise SoeError(f"{target}: exists and was not made by soe-analysis report (no {MANIFEST}); "
                           "nothing was changed: move it away or choose another --out")
    index = out_dir / INDEX
    if index.exists() and not (out_dir / LOCK).exists() and not any(_is_ours(p) for p in out_dir.iterdir()):
        raise SoeError(f"{index}: exists and was not made by soe-analysis report; nothing was changed: "
                       "move it away or choose another --out")


@contextlib.contextmanager
def out_dir_lock(out_dir: Path):
    """Hold the output folder's lock for a run; SoeError at once when another run holds it."""
    import fcntl

    path = out_dir / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise SoeError(f"{out_dir}: another soe-analysis report (pid {holder}) is writing there; "
                           "wait for it to finish or choose another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays as the folder's marker


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out_dir: Path) -> None:
    """Remove staging/old folders left by killed runs; restore an old folder never replaced."""
    for entry in out_dir.iterdir():
        match = _STALE.match(entry.name)
        if not match or not entry.is_dir() or entry.is_symlink() or _pid_alive(int(match["pid"])):
            continue
        target = out_dir / match["label"]
        if match["kind"] == "old" and not target.exists():
            os.replace(entry, target)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def swap_in(stage: Path, target: Path) -> None:
    """Put a finished staging folder in place of ``target`` (renames only; the old one removed)."""
    old = None
    if target.exists():
        if not _is_ours(target):  # checked before the run; never replace a foreign folder
            raise SoeError(f"{target}: was not made by soe-analysis report; left as it is")
        old = target.parent / f".{target.name}.old-{os.getpid()}-{os.urandom(3).hex()}"
        os.replace(target, old)
    os.replace(stage, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def adopt_other_notebooks(previous: Path, stage: Path, manifest: dict) -> None:
    """Keep the reports of ``previous`` (same period) for notebooks this run did not execute.

    Their files are linked (or copied) into ``stage`` and their manifest entries kept, each with
    the as-of month and build time it was made with and ``kept: true`` (not part of this run).
    """
    if not _is_ours(previous):
        return
    old = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    ran = {nb["notebook"] for nb in manifest["notebooks"]}
    kept = []
    for entry in old.get("notebooks", []):
        if not isinstance(entry, dict) or entry.get("notebook") in ran:
            continue
        entry = {"as_of": old.get("as_of"), "built_at": old.get("built_at"), **entry, "kept": True}
        files = {}
        for key, name in (entry.get("files") or {}).items():
            source = previous / str(name)
            if Path(str(name)).name != name or not source.is_file() or source.is_symlink():
                continue
            try:
                os.link(source, stage / name)
            except OSError:
                shutil.copy2(source, stage / name)
            files[key] = name
        entry["files"] = files
        kept.append(entry)
    manifest["notebooks"] = sorted(manifest["notebooks"] + kept, key=lambda nb: nb["notebook"])


@contextlib.contextmanager
def sigint_deferred():
    """Ctrl-C arriving inside the block takes effect at its end (the block only renames)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt
