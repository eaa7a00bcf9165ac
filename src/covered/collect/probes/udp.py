"""UDP discovery probes answered by unicast: ONVIF WS-Discovery, Hikvision SADP, Dahua DHIP, SNMP v2c and v3."""

from __future__ import annotations

import asyncio
import json
import secrets
import struct
import uuid

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.snmp_ber import (
    SYS_DESCR,
    SYS_NAME,
    SYS_OBJECT_ID,
    BerError,
    decode_response,
    decode_v3,
    encode_get,
    encode_v3_discovery,
)
from covered.model import Channel

__all__ = [
    "DhipProbe",
    "SadpProbe",
    "SnmpProbe",
    "WsDiscoveryProbe",
    "dhip_json",
    "dhip_probe",
    "exchange",
    "sadp_inquiry",
    "ws_discovery_fields",
    "ws_discovery_probe",
]


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, future: asyncio.Future[bytes]) -> None:
        self.future = future

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if not self.future.done():
            self.future.set_result(data)

    def error_received(self, exc: Exception) -> None:
        if not self.future.done():
            self.future.set_exception(exc)


def _unreachable(ctx: ProbeContext, port: int, exc: OSError) -> None:
    """Record once per host that the kernel refused to send to it (no route, broadcast, firewall)."""
    what = f"cannot send to {ctx.address}: {exc.strerror or type(exc).__name__}"
    if not any(o.channel is Channel.ANOMALY and o.value.endswith(what) for o in ctx.observations):
        ctx.anomaly("connection", what, port, "udp")


async def exchange(ctx: ProbeContext, port: int, payload: bytes) -> bytes | None:
    """Send the datagram (again, up to ``udp_tries`` times, while nothing answers) and take the first answer;
    None when the port is closed or nothing answers within the read timeout."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[bytes] = loop.create_future()
    try:
        # connect() of the UDP socket already fails for an address the kernel will not send to: ENETUNREACH or
        # EHOSTUNREACH (no route), EACCES (a broadcast address without SO_BROADCAST, udp(7)), EPERM (firewall).
        transport, _ = await loop.create_datagram_endpoint(lambda: _Receiver(future), remote_addr=(ctx.address, port))
    except OSError as exc:
        _unreachable(ctx, port, exc)
        return None
    try:
        # The read timeout is shared among the tries (nmap resends the same way): an answer to any of them, at
        # any time within the timeout, is taken, and a datagram lost on the way costs one resend, not the answer.
        tries = max(1, ctx.limits.udp_tries)
        wait = ctx.limits.read_timeout / tries
        for attempt in range(tries):
            await ctx.packet()
            transport.sendto(payload)
            try:
                data = await asyncio.wait_for(asyncio.shield(future), wait)
            except TimeoutError:
                if attempt == tries - 1:
                    raise
                continue
            return data[: ctx.limits.max_datagram]
        return None
    except (TimeoutError, ConnectionRefusedError):
        # No answer, or an ICMP port unreachable: a closed port, not an anomaly.
        return None
    except OSError as exc:
        # An ICMP network or host unreachable reported later (error_received) or a refused sendto.
        _unreachable(ctx, port, exc)
        return None
    finally:
        transport.close()


_PROBE = """<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing">
<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>
<a:MessageID>urn:uuid:{id}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>
<s:Body><d:Probe xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><d:Types /><d:Scopes /></d:Probe></s:Body>
</s:Envelope>"""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def ws_discovery_probe() -> bytes:
    """A WS-Discovery Probe with a fresh message id."""
    return _PROBE.format(id=uuid.uuid4()).encode()


def sadp_inquiry() -> bytes:
    """The SADP 'inquiry' probe, the only SADP type a discovery tool may send."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>{str(uuid.uuid4()).upper()}</Uuid>'
        "<Types>inquiry</Types></Probe>"
    ).encode()


def ws_discovery_fields(data: bytes) -> list[tuple[str, str]]:
    """('scopes' | 'xaddrs', value) pairs of a ProbeMatch; raises on unsafe or malformed XML."""
    root = ElementTree.fromstring(data, forbid_dtd=True)
    out = []
    for element in root.iter():
        name = _local(element.tag)
        if name in ("Scopes", "XAddrs") and element.text and element.text.strip():
            out.append((name.lower(), " ".join(element.text.split())[:4096]))
    return out


def dhip_json(data: bytes) -> str | None:
    """The JSON part of a DHIP answer (header and trailing NULs stripped); None when there is none."""
    start = data.find(b"{")
    return None if start < 0 else decode_text(data[start:].rstrip(b"\x00\n\r "))


class WsDiscoveryProbe:
    """ONVIF WS-Discovery Probe sent by unicast (device-protocols.md §1; the go2rtc probe form)."""

    name = "ws-discovery"
    channel = Channel.ONVIF
    transport = "udp"
    ports = (3702,)
    packets = 1
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the Scopes and XAddrs of the ProbeMatch."""
        data = await exchange(ctx, port, ws_discovery_probe())
        if data is None:
            return
        try:
            fields = ws_discovery_fields(data)
        except (DefusedXmlException, ElementTree.ParseError) as exc:
            ctx.anomaly("parse-error", f"unsafe or malformed XML: {type(exc).__name__}", port, self.name)
            return
        for field_name, value in fields:
            ctx.add(Channel.ONVIF, field_name, value, port, self.name)


class SadpProbe:
    """Hikvision SADP 'inquiry' (the only type a discovery tool may send; device-protocols.md §3.1)."""

    name = "sadp"
    channel = Channel.SADP
    transport = "udp"
    ports = (37020,)
    packets = 1
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the ProbeMatch XML as received (parsed safely later)."""
        data = await exchange(ctx, port, sadp_inquiry())
        if data is not None and data.strip():
            ctx.add(Channel.SADP, "reply", decode_text(data), port, self.name)


def dhip_probe() -> bytes:
    """DHDiscover.search behind the 32-byte DHIP header (device-protocols.md §4.1, rroller's framing)."""
    body = json.dumps({"method": "DHDiscover.search", "params": {"mac": "", "uni": 1}}).encode("utf-8")
    return struct.pack("<I4sIIQQ", 0x20, b"DHIP", 0, 0, len(body), len(body)) + body


class DhipProbe:
    """Dahua DHIP discovery by unicast."""

    name = "dhip"
    channel = Channel.DHIP
    transport = "udp"
    ports = (37810,)
    packets = 1
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the JSON part of the reply (header and trailing NULs stripped)."""
        data = await exchange(ctx, port, dhip_probe())
        if data is None:
            return
        text = dhip_json(data)
        if text is None:
            ctx.anomaly("parse-error", "DHIP answer without JSON", port, self.name)
            return
        ctx.add(Channel.DHIP, "reply", text, port, self.name)


_REPORT = 0xA8


class SnmpProbe:
    """SNMP v2c GET of sysDescr, sysObjectID and sysName; SNMPv3 engine-ID discovery when v2c stays silent."""

    # The community is the user's (default 'public'). Discovery (RFC 3414 section 4) needs no user or key: an
    # agent answers an unknown engine ID with a Report carrying its own msgAuthoritativeEngineID.

    name = "snmp"
    channel = Channel.SNMP
    transport = "udp"
    ports = (161,)
    packets = 2
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record sysDescr, sysObjectID and sysName, or else the engine ID a v3 agent reports."""
        request_id = secrets.randbelow(2**31 - 1)
        oids = [SYS_DESCR, SYS_OBJECT_ID, SYS_NAME]
        data = await exchange(ctx, port, encode_get(ctx.community, request_id, oids))
        if data is None:
            await self._discover_engine(ctx, port)
            return
        try:
            response = decode_response(data)
        except BerError as exc:
            ctx.anomaly("parse-error", f"malformed SNMP: {exc}", port, self.name)
            return
        if response.request_id != request_id:
            ctx.anomaly("parse-error", "SNMP answer for another request", port, self.name)
            return
        if response.values.get(SYS_DESCR):
            ctx.add(Channel.SNMP, "sysdescr", response.values[SYS_DESCR][:1024], port, self.name)
        if response.values.get(SYS_OBJECT_ID):
            ctx.add(Channel.SNMP, "sysobjectid", response.values[SYS_OBJECT_ID], port, self.name)
        if response.values.get(SYS_NAME):
            ctx.add(Channel.SNMP, "sysname", response.values[SYS_NAME][:255], port, self.name)

    async def _discover_engine(self, ctx: ProbeContext, port: int) -> None:
        """Send the unauthenticated discovery GetRequest and record msgAuthoritativeEngineID from the Report."""
        msg_id, request_id = secrets.randbelow(2**31 - 1), secrets.randbelow(2**31 - 1)
        data = await exchange(ctx, port, encode_v3_discovery(msg_id, request_id))
        if data is None:
            return
        try:
            report = decode_v3(data)
        except BerError as exc:
            ctx.anomaly("parse-error", f"malformed SNMPv3: {exc}", port, self.name)
            return
        if report.msg_id != msg_id or report.pdu_type != _REPORT:
            ctx.anomaly("parse-error", "SNMPv3 answer is not the Report to this discovery", port, self.name)
            return
        if not 5 <= len(report.engine_id) <= 32:
            ctx.anomaly("parse-error", f"engine ID of {len(report.engine_id)} octets", port, self.name)
            return
        ctx.add(Channel.SNMP, "engine-id", report.engine_id.hex(), port, self.name)
