"""Zeek logs (TSV with ``#fields`` headers, or JSON lines) read as traffic records.

Skeleton: the interface is fixed, the readers follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from covered.capture.records import TrafficRecord

__all__ = ["is_zeek_log", "read_zeek"]


def is_zeek_log(path: Path) -> bool:
    """True when the file (or directory) holds Zeek logs."""
    return path.suffix == ".log" or path.name.endswith(".log.gz")


def read_zeek(path: Path, *, name: str) -> Iterator[TrafficRecord]:
    """Every record the Zeek log (or directory of logs) at ``path`` yields; ``name`` names it in frame refs."""
    yield from ()
