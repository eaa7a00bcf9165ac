"""The fleet's neighbour table: what a router's ARP table would list for these devices, as a file.

Loopback has no ARP, so a device that answers nothing (the ``mac-only-*`` personas) would be invisible on
127.0.0.0/8 even though a real network's router knows its MAC. The simulator writes the table in the
``/proc/net/arp`` layout for ``covered scan --arp-table FILE``, so the neighbour path is tested end to end.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from covered.collect.neighbours import write_proc_arp
from covered.sim.plan import Device

__all__ = ["write_neighbour_table"]


def write_neighbour_table(devices: Iterable[Device], path: Path) -> int:
    """Write every device's address and MAC as /proc/net/arp; returns the number of entries written."""
    with path.open("w", encoding="utf-8") as handle:
        return write_proc_arp(((d.address, d.mac) for d in devices), handle)
