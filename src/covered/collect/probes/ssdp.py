"""SSDP/UPnP: a unicast M-SEARCH, then the device description it points to (only on the same host)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.probes.http import fetch_or_note
from covered.collect.probes.udp import exchange
from covered.model import Channel

__all__ = ["MSEARCH", "SsdpProbe", "parse_ssdp"]

MSEARCH = (
    b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n'
)
"""The discovery request (UPnP Device Architecture 1.1, section 1.3.2)."""


def parse_ssdp(data: bytes) -> dict[str, str]:
    """Headers of an SSDP answer, lower-cased names; empty when it is not an HTTP-style 200 answer."""
    text = decode_text(data[:8192])
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    if not lines or not lines[0].startswith("HTTP/1.1 200"):
        return {}
    headers: dict[str, str] = {}
    for line in lines[1:64]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip())
    return headers


def same_host(location: str, address: str) -> bool:
    """True when a LOCATION URL points back at the probed address (we never follow it elsewhere)."""
    try:
        host = urlsplit(location).hostname
        return host is not None and ipaddress.ip_address(host) == ipaddress.ip_address(address)
    except ValueError:
        return False


class SsdpProbe:
    """M-SEARCH by unicast; SERVER header; the description XML when LOCATION is on the same host."""

    name = "ssdp"
    channel = Channel.UPNP
    transport = "udp"
    ports = (1900,)
    packets = 2
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the SERVER string and the UPnP description."""
        data = await exchange(ctx, port, MSEARCH)
        if data is None:
            return
        headers = parse_ssdp(data)
        if not headers:
            ctx.anomaly("parse-error", "not an SSDP answer", port, self.name)
            return
        if headers.get("server"):
            ctx.add(Channel.HTTP, "server", headers["server"][:1024], port, self.name)
        location = headers.get("location", "")
        if not location.startswith("http://") or not same_host(location, ctx.address):
            return
        answer = await fetch_or_note(ctx, location, ctx.limits.max_body, self.name, port)
        if answer is None:
            return
        status, _, body, truncated = answer
        if status == 200 and body and not truncated:
            ctx.add(Channel.UPNP, "description", decode_text(body), port, self.name)
