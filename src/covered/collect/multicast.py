"""Multicast discovery on the local segment: ONVIF WS-Discovery, SSDP, SADP and DHIP, answered by unicast.

One datagram of each kind goes to its group with TTL 1 (it never leaves the segment), from the interface
the user names. Replies are collected for a bounded time and count; responders outside the scope are
dropped. The answers themselves are kept as observations of the responding host.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import ipaddress
import socket
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.collect.probes.ssdp import MSEARCH, parse_ssdp
from covered.collect.probes.udp import dhip_json, dhip_probe, sadp_inquiry, ws_discovery_fields, ws_discovery_probe
from covered.collect.targets import Scope
from covered.model import Channel, Observation

__all__ = ["GROUPS", "Discovery", "discover"]

GROUPS: dict[str, tuple[str, int]] = {
    "ws-discovery": ("239.255.255.250", 3702),
    "ssdp": ("239.255.255.250", 1900),
    "sadp": ("239.255.255.250", 37020),
    "dhip": ("239.255.255.251", 37810),
}
"""Discovery groups and ports (device-protocols.md §0)."""

MAX_REPLIES = 10_000


def _payload(kind: str) -> bytes:
    if kind == "ws-discovery":
        return ws_discovery_probe()
    if kind == "ssdp":
        return MSEARCH
    if kind == "sadp":
        return sadp_inquiry()
    return dhip_probe()


def _fields(kind: str, data: bytes) -> list[tuple[Channel, str, str]]:
    """What one answer says, as the unicast probes would record it; malformed answers say nothing."""
    if kind == "ws-discovery":
        try:
            return [(Channel.ONVIF, name, value) for name, value in ws_discovery_fields(data)]
        except (DefusedXmlException, ElementTree.ParseError):
            return []
    if kind == "ssdp":
        server = parse_ssdp(data).get("server")
        return [(Channel.HTTP, "server", server[:1024])] if server else []
    if kind == "sadp":
        return [(Channel.SADP, "reply", data.decode("utf-8", "backslashreplace"))] if data.strip() else []
    text = dhip_json(data)
    return [(Channel.DHIP, "reply", text)] if text else []


@dataclass
class Discovery:
    """Hosts that answered, with what they said, and the ones the scope excluded."""

    hosts: dict[str, list[Observation]] = field(default_factory=dict)
    out_of_scope: dict[str, str] = field(default_factory=dict)
    replies: int = 0


class _Collector(asyncio.DatagramProtocol):
    def __init__(self, kind: str, scope: Scope, result: Discovery) -> None:
        self.kind, self.scope, self.result = kind, scope, result

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if self.result.replies >= MAX_REPLIES:
            return
        self.result.replies += 1
        host = str(addr[0])
        reason = self.scope.verdict(ipaddress.ip_address(host))
        if reason is not None:
            self.result.out_of_scope[host] = reason
            return
        observations = self.result.hosts.setdefault(host, [])
        for channel, field_name, value in _fields(self.kind, data[:65_535]):
            observations.append(
                Observation(
                    device=host,
                    channel=channel,
                    field=field_name,
                    value=value,
                    target=host,
                    port=int(addr[1]),
                    time=dt.datetime.now(dt.UTC),
                    collector=f"multicast:{self.kind}",
                )
            )


def _same(collector: _Collector) -> _Collector:
    return collector


async def discover(
    interface: str,
    scope: Scope,
    listen: float = 3.0,
    kinds: tuple[str, ...] = tuple(GROUPS),
    groups: dict[str, tuple[str, int]] | None = None,
) -> Discovery:
    """Send one probe per kind to its group from `interface` and collect unicast answers for `listen` seconds."""
    result = Discovery()
    loop = asyncio.get_running_loop()
    transports = []
    try:
        for kind in kinds:
            group, port = (groups or GROUPS)[kind]
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)  # never beyond the local segment
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
            sock.bind((interface, 0))
            collector = _Collector(kind, scope, result)
            transport, _ = await loop.create_datagram_endpoint(functools.partial(_same, collector), sock=sock)
            transports.append(transport)
            transport.sendto(_payload(kind), (group, port))
        await asyncio.sleep(listen)
    finally:
        for transport in transports:
            transport.close()
    return result
