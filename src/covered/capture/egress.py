"""Egress to vendor clouds and P2P endpoints seen in traffic, stored as exposure findings.

Skeleton: the interface is fixed, the matching and storage follow.
"""

from __future__ import annotations

from covered.capture.records import Egress, TrafficRecord
from covered.registry import Registry
from covered.store.db import Store

__all__ = ["EgressSink"]


class EgressSink:
    """Collects Egress records that reach a listed endpoint; ``save`` stores them as exposure findings."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._seen = 0

    def add(self, record: TrafficRecord) -> None:
        """Take one record; anything but an Egress is ignored."""
        if isinstance(record, Egress):
            self._seen += 1

    def save(self, store: Store, scan_id: int) -> None:
        """Store the exposure findings for the devices of scan ``scan_id``."""

    def summary(self) -> dict[str, int]:
        """Counts for the command's summary line."""
        return {"egress records": self._seen}
