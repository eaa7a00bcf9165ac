"""Silence since removal: a capture that shows no frame from a removed device attests it; one that does reopens it.

Skeleton: the interface is fixed, attestation and reopening follow.
"""

from __future__ import annotations

from covered.capture.records import Presence, TrafficRecord
from covered.store.db import Store

__all__ = ["SilenceSink"]


class SilenceSink:
    """Counts frames per MAC and address over the capture's period; ``save`` attests or reopens."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._frames = 0

    def add(self, record: TrafficRecord) -> None:
        """Take one record; every record with a frame counts toward the period examined."""
        if isinstance(record, Presence):
            self._frames += 1

    def save(self, store: Store, scan_id: int) -> None:
        """Attest silence or reopen findings for removed and replaced devices."""

    def summary(self) -> dict[str, int]:
        """Counts for the command's summary line."""
        return {"frames examined": self._frames}
