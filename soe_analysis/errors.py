"""Errors the user can act on. The command line prints them as one line, never a traceback."""

from __future__ import annotations


class SoeError(Exception):
    """A data or analysis problem: exit code 1."""

    exit_code = 1


class UsageError(SoeError):
    """A bad argument or parameter: exit code 2."""

    exit_code = 2


class DataError(SoeError):
    """Bad input data, located as precisely as we can: file, row, column."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file, self.row, self.column, self.detail = file, row, column, message
        where = ", ".join(
            part for part in (
                str(file) if file else None,
                f"row {row}" if row is not None else None,
                f"column {column}" if column else None,
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)
