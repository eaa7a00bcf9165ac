"""Options shared by several commands, declared once with their help text and environment twin."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from covered.errors import UsageError

__all__ = ["CsvOpt", "DataOption", "DbOpt", "JsonOpt", "OutputOpt", "choose_format", "non_empty", "split"]

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", envvar="COVERED_DATA", help="Registry data folder (default: the data shipped with covered)."
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option("--db", envvar="COVERED_DB", help="SQLite file or database URL (default: covered.db)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON Lines: one object per record, every field.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="CSV with a header row.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")]


def split(values: Sequence[str] | None, option: str | None = None) -> list[str]:
    """Accept repeated options and comma-separated lists alike; a given option that names nothing is an error."""
    parts = [part.strip() for value in values or () for part in value.split(",") if part.strip()]
    if option is not None and values and not parts:
        raise UsageError(option, f"{values[0]!r} names no value")
    return parts


def non_empty(value: str | None, option: str) -> str | None:
    """An option's text, refusing an empty or blank one (it would silently filter nothing)."""
    if value is not None and not value.strip():
        raise UsageError(option, "empty value")
    return value


def choose_format(as_json: bool, as_csv: bool) -> str:
    """The output format chosen by --json / --csv: json, csv or table."""
    if as_json and as_csv:
        raise UsageError("--json", "choose one of --json and --csv")
    return "json" if as_json else "csv" if as_csv else "table"
