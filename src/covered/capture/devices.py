"""Traffic records gathered into devices: by MAC where the frame shows the sender's own, else by address.

A device is every sender MAC seen (its OUI alone may identify it) and every address that said something;
an address on the internet seen only across a router (a cloud server, a web site) is counted, not kept,
unless asked for.
A MAC that sends for many addresses is a router's (or a NAT's): what those addresses said belongs to them,
not to the MAC, so they become devices of their own. Observations are kept once per (channel, field,
value), with the first frame that said it; memory is bounded by :data:`MAX_DEVICES` and
:data:`MAX_OBSERVATIONS`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from covered.capture.records import FrameRef, Presence, Sighting, TrafficRecord
from covered.model import Channel, Observation

__all__ = ["MAX_DEVICES", "MAX_OBSERVATIONS", "ROUTER_ADDRESSES", "CapturedDevice", "DeviceTable"]

MAX_DEVICES = 200_000
"""Senders tracked at once; later ones are counted as dropped."""
MAX_OBSERVATIONS = 256
"""Distinct observations kept per device."""
MAX_ADDRESSES = 64
ROUTER_ADDRESSES = 8
"""A MAC whose IP traffic carries more source addresses than this is taken for a router's."""


@dataclass
class _Sender:
    frames: int = 0
    bytes: int = 0
    first: FrameRef | None = None
    last: FrameRef | None = None
    own: Counter[str] = field(default_factory=Counter)
    """Addresses the MAC claims for itself (ARP sender, DHCP)."""
    carried: Counter[str] = field(default_factory=Counter)
    """Source addresses of IP frames it sent."""
    said: dict[tuple[str, str, str, int | None], tuple[Observation, str | None, bool]] = field(default_factory=dict)
    """(channel, field, value, port) -> (observation, address, claimed by the MAC itself)."""

    def seen(self, first: FrameRef, last: FrameRef | None, frames: int, size: int) -> None:
        self.frames += frames
        self.bytes += size
        end = last or first
        if (
            first.time is not None and (self.first is None or self.first.time is None or first.time < self.first.time)
        ) or self.first is None:
            self.first = first
        if (
            end.time is not None and (self.last is None or self.last.time is None or end.time > self.last.time)
        ) or self.last is None:
            self.last = end


@dataclass(frozen=True)
class CapturedDevice:
    """One device found in traffic: its key, MAC, address, frames and what it said."""

    key: str
    mac: str | None
    address: str | None
    observations: list[Observation]
    frames: int
    bytes: int
    first: FrameRef | None
    last: FrameRef | None

    @property
    def first_seen(self) -> dt.datetime | None:
        """Time of its first frame, if the capture has times."""
        return self.first.time if self.first else None

    @property
    def last_seen(self) -> dt.datetime | None:
        """Time of its last frame."""
        return self.last.time if self.last else None


class DeviceTable:
    """Collects records; ``devices`` groups them."""

    def __init__(self, remote: bool = False) -> None:
        self._macs: dict[str, _Sender] = {}
        self._addresses: dict[str, _Sender] = {}
        self.dropped = 0
        self.remote = remote
        """Keep hosts at global addresses seen only across a router (servers on the internet) as devices too."""
        self.remote_hosts = 0

    @property
    def count(self) -> int:
        """Senders tracked so far."""
        return len(self._macs) + len(self._addresses)

    def _get(self, table: dict[str, _Sender], key: str) -> _Sender | None:
        sender = table.get(key)
        if sender is None:
            if len(self._macs) + len(self._addresses) >= MAX_DEVICES:
                self.dropped += 1
                return None
            sender = table[key] = _Sender()
        return sender

    def add(self, record: TrafficRecord) -> None:
        """Take one record (egress records are the egress sink's)."""
        if isinstance(record, Presence):
            if record.mac is not None:
                sender = self._get(self._macs, record.mac)
                if sender is not None:
                    sender.seen(record.frame, record.last, record.frames, record.size)
                    if record.address is not None and len(sender.carried) < MAX_ADDRESSES:
                        sender.carried[record.address] += record.frames
            elif record.address is not None and record.address in self._addresses:
                self._addresses[record.address].seen(record.frame, record.last, record.frames, record.size)
        elif isinstance(record, Sighting):
            observation = record.observation
            claimed = observation.channel in (Channel.MAC, Channel.DHCP, Channel.LLDP)
            if record.mac is not None:
                sender = self._get(self._macs, record.mac)
                if sender is None:
                    return
                if claimed and record.address is not None and len(sender.own) < MAX_ADDRESSES:
                    sender.own[record.address] += 1
            elif record.address is not None:
                sender = self._get(self._addresses, record.address)
                if sender is None:
                    return
                if sender.first is None:
                    sender.seen(record.frame, None, 1, 0)
            else:
                return
            key = (observation.channel.value, observation.field, observation.value, observation.port)
            if key not in sender.said and len(sender.said) < MAX_OBSERVATIONS:
                sender.said[key] = (observation, record.address, claimed)

    def devices(self) -> list[CapturedDevice]:
        """Every device, routers' carried addresses split off; sorted by key."""
        found: dict[str, CapturedDevice] = {}
        split: dict[str, list[Observation]] = {}
        for held, sender in self._addresses.items():
            split.setdefault(held, []).extend(o for o, _, _ in sender.said.values())
        for mac, sender in self._macs.items():
            router = len(sender.carried) > ROUTER_ADDRESSES
            address = _best(sender, router)
            kept: list[Observation] = []
            for observation, said_by, claimed in sender.said.values():
                if router and not claimed and said_by is not None and said_by != address:
                    split.setdefault(said_by, []).append(observation)
                else:
                    kept.append(observation)
            found[mac] = _device(mac, mac, address, kept, sender)
        owned = {device.address for device in found.values() if device.address}
        for address, observations in split.items():
            if address in owned:
                # The same address under a MAC of its own: what it said is that device's.
                holder = next(d for d in found.values() if d.address == address)
                holder.observations.extend(o.model_copy(update={"device": holder.key}) for o in observations)
                continue
            if not self.remote and _is_global(address):
                self.remote_hosts += 1  # a server across a router (a cloud, a web site): not a device here
                continue
            sender = self._addresses.get(address) or _Sender()
            found[address] = _device(address, None, address, observations, sender)
        return sorted(found.values(), key=lambda d: d.key)


def _is_global(address: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


def _best(sender: _Sender, router: bool) -> str | None:
    """The address a MAC holds: the one it claims most (ARP, DHCP), else (not for a router) the one it sends from."""
    if sender.own:
        return sender.own.most_common(1)[0][0]
    if sender.carried and not router:
        return sender.carried.most_common(1)[0][0]
    return None


def _device(key: str, mac: str | None, address: str | None, said: list[Observation], sender: _Sender) -> CapturedDevice:
    observations = []
    if mac is not None and not any(o.channel is Channel.MAC for o in said):
        first = sender.first
        observations.append(
            Observation.model_construct(
                device=key,
                channel=Channel.MAC,
                field="address",
                value=mac,
                target=address,
                port=None,
                time=first.time if first else None,
                collector=f"capture:{first.file}:{first.frame}" if first else "capture",
            )
        )
    observations.extend(o.model_copy(update={"device": key}) for o in said)
    return CapturedDevice(key, mac, address, observations, sender.frames, sender.bytes, sender.first, sender.last)
