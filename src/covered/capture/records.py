"""What a reader of traffic hands on: sightings of what a device said, its egress, and its mere presence.

Every record keeps its :class:`FrameRef`, so an auditor can open the frame (or the log line) it came from.
Readers of different inputs (packet captures, Zeek logs, a live interface) yield these same records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from covered.model import Observation

__all__ = ["Egress", "FrameRef", "Presence", "Sighting", "TrafficRecord"]


@dataclass(frozen=True, slots=True)
class FrameRef:
    """Where a record came from: the input file as the user named it, the frame (or log line) and its time."""

    file: str
    frame: int
    """1-based frame number as Wireshark shows it, or the 1-based line number of a Zeek log."""
    time: dt.datetime | None
    """Capture time of the frame (UTC), if the input gives one."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """One thing a device said on its own (a DHCP option, an SSDP NOTIFY, a certificate) as an observation."""

    observation: Observation
    """Its ``device`` is the device key: the MAC when the frame shows one, else the address."""
    mac: str | None
    address: str | None
    frame: FrameRef


@dataclass(frozen=True, slots=True)
class Egress:
    """A local device reaching out: a DNS query, a TLS SNI, an HTTP Host, or a connection to a remote address."""

    kind: str
    """'dns', 'sni', 'http-host' or 'conn'."""
    mac: str | None
    address: str | None
    name: str | None
    """The host name asked for or sent (DNS query, SNI, Host header); None for a bare connection."""
    remote: str | None
    """Remote address, if known."""
    port: int | None
    size: int
    """Bytes in the frame (or the connection's bytes for a Zeek conn record)."""
    frame: FrameRef
    frames: int = 1
    """Frames the record stands for (a Zeek conn record sums both directions' packets)."""
    answers: tuple[str, ...] = ()
    """Addresses a DNS answer gave for ``name``, so later connections to them count toward that name."""


@dataclass(frozen=True, slots=True)
class Presence:
    """A frame sent by a device: counted per MAC and address to attest silence (or its absence) over a period."""

    mac: str | None
    address: str | None
    frame: FrameRef
    frames: int = 1
    """Frames the record stands for (a Zeek conn record: the packets its originator sent)."""
    last: FrameRef | None = None
    """The last of those frames, when a packet reader folds a device's frames of one minute into one record."""
    size: int = 0
    """Bytes in those frames (0 when the input does not say)."""


TrafficRecord = Sighting | Egress | Presence
