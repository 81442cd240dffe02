"""Files written whole or not at all, with the permissions a user expects."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
