"""Writing exports to files atomically, and rewriting them while statuses change (`covered export --watch`)."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from covered.enforce.formats import FORMATS, ExportFormat, render
from covered.enforce.selection import ExportFilter, ExportSet, select_targets
from covered.model import CloudEndpoint
from covered.store.db import Store

__all__ = ["watch_exports", "write_atomically", "write_exports"]


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it: a firewall or resolver reloading the
    file never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_exports(
    export: ExportSet,
    formats: Sequence[ExportFormat],
    endpoints: Sequence[CloudEndpoint],
    folder: Path,
) -> list[Path]:
    """Each format to its usual file name in ``folder``; returns the paths written."""
    written = []
    for fmt in formats:
        path = folder / FORMATS[fmt].filename
        write_atomically(path, render(fmt, export, endpoints))
        written.append(path)
    return written


def watch_exports(
    store: Store,
    chosen: ExportFilter,
    write: Callable[[ExportSet], None],
    interval: float,
    checks: int | None = None,
) -> int:
    """Check the store every ``interval`` seconds and call ``write`` whenever the devices to act on (or the scan
    they come from) changed, the first time included; stop after ``checks`` checks if given. Returns writes made."""
    last: tuple[object, ...] | None = None
    writes = done = 0
    while checks is None or done < checks:
        if done:
            time.sleep(interval)
        export = select_targets(store, chosen)
        done += 1
        if export.content_key() != last:
            write(export)
            last = export.content_key()
            writes += 1
    return writes
