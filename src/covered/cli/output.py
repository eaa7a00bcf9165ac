"""Where command output goes: the two consoles, files opened only when there is something to write, warnings."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from covered.report.wording import plural

if TYPE_CHECKING:
    from rich.console import RenderableType

    from covered.model import Attribution
    from covered.registry import Registry

__all__ = ["emit", "err", "freshness_note", "out", "print_leads", "print_table", "print_warnings"]

# Piped output is never folded: ids and dates must stay whole for grep and diff (a table is as wide as it needs).
out = Console(highlight=False, emoji=False, soft_wrap=False, width=None if sys.stdout.isatty() else 100_000)
err = Console(stderr=True, highlight=False, emoji=False)


def emit(text: str, output: Path | None) -> None:
    """Write text to stdout, or to the output file."""
    # The output file is opened only once there is something to write: a failed run leaves no empty report.
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def print_table(table: RenderableType, output: Path | None) -> None:
    """Print a table to stdout, or its plain text to the output file."""
    if output is None:
        out.print(table)
        return
    console = Console(record=True, emoji=False, width=160, file=open(os.devnull, "w"))  # noqa: SIM115 - recording console
    console.print(table)
    output.write_text(console.export_text(), encoding="utf-8")


def print_leads(attributions: Sequence[Attribution]) -> None:
    """After a device table, list the leads for review (weak signs of a maker, never a claim) on stderr."""
    from covered.report.device_views import leads_table

    leads = [a for a in attributions if a.lead is not None]
    if leads:
        err.print(leads_table(leads, f"{plural(len(leads), 'lead')} for review: weak signs only, not attributions"))


def print_warnings(source: str, warnings: Sequence[object]) -> None:
    """Print the first 50 warnings about an input, then how many more there were."""
    for warning in warnings[:50]:
        err.print(f"[yellow]warning:[/] {escape(source)}: {escape(str(warning))}", soft_wrap=True)
    if len(warnings) > 50:
        err.print(f"[yellow]warning:[/] {escape(source)}: {plural(len(warnings) - 50, 'more warning')} not shown")


def freshness_note(registry: Registry, source_ids: Sequence[str]) -> None:
    """State the as-of date of the sources a listing rests on; warn when the newest is over a year old."""
    ids = sorted(set(source_ids))
    if not ids:
        return
    newest, stale = registry.freshness(ids)
    listed = "; ".join(f"{s} as of {registry.sources[s].as_of}" for s in ids)
    err.print(f"Sources: {escape(listed)}", soft_wrap=True)
    if stale and newest is not None:
        age = (dt.date.today() - newest).days // 365
        err.print(
            f"[yellow]warning:[/] the newest source here is as of {newest} (over {plural(age, 'year')} old); "
            "later restrictions or reversals are not reflected.",
            soft_wrap=True,
        )
