"""Errors that the CLI reports as one line and exit code 2, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CoveredError", "DataError", "Problem", "UsageError"]


class CoveredError(Exception):
    """Base of every error covered reports to a user."""

    exit_code = 2

    def one_line(self) -> str:
        """The message as shown after 'covered: '."""
        return str(self)


class DataError(CoveredError):
    """A curated or user data file is malformed; names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """'<file>:<line>: <what>'."""
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.message}"


class UsageError(CoveredError):
    """A bad option value; names the option."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        super().__init__(f"{option}: {message}")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the data, at a file and line; checks collect these instead of raising the first."""

    path: Path
    line: int | None
    message: str

    def as_error(self) -> DataError:
        """The problem as an exception for the one-line CLI error."""
        return DataError(self.path, self.line, self.message)

    def __str__(self) -> str:
        return self.as_error().one_line()
