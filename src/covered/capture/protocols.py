"""What one application payload says about the device that sent it, as (channel, field, value) facts.

Each function takes a UDP or TCP payload (already bounded by the frame) and returns the observation fields it
holds, or raises one of :data:`PARSE_ERRORS` when the payload is malformed (the caller counts it and goes on).
Libraries do the parsing wherever one exists: dpkt (DHCP, DNS, TLS, CDP, HTTP header lines), dnspython
(mDNS, through the active probe's own reader), defusedxml (WS-Discovery, through the probe's reader) and
covered's SNMP codec. LLDP is read here: dpkt 1.9.8 has no LLDP module, and its TLVs are a 16-bit
type/length followed by the value (IEEE 802.1AB section 8.4).
"""

from __future__ import annotations

import binascii
import io
import re
import struct

import dns.exception
import dpkt
from defusedxml.common import DefusedXmlException

from covered.collect.probes.base import decode_text
from covered.collect.probes.mdns import mdns_records
from covered.collect.probes.udp import dhip_json, ws_discovery_fields
from covered.collect.snmp_ber import SYS_DESCR, SYS_NAME, SYS_OBJECT_ID, BerError, decode_response
from covered.model import Channel

__all__ = [
    "MAX_VALUE",
    "PARSE_ERRORS",
    "Fact",
    "cdp_facts",
    "dhcp_facts",
    "dhip_facts",
    "dns_names",
    "head_lines",
    "http_facts",
    "line_text",
    "lldp_facts",
    "llmnr_names",
    "mdns_facts",
    "sadp_facts",
    "sip_facts",
    "snmp_facts",
    "ssdp_facts",
    "telnet_text",
    "tls_messages",
    "ws_discovery_facts",
]

Fact = tuple[Channel, str, str]
MAX_VALUE = 4_096
"""Longest value kept from a header, banner or name (characters)."""
MAX_DOCUMENT = 16_384
"""Longest XML or JSON document kept (a SADP or DHIP reply, characters)."""
MAX_HEADERS = 64
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    dpkt.NeedData,
    dpkt.UnpackError,
    ValueError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    AttributeError,
    UnicodeError,
    DefusedXmlException,
    dpkt.ssl.SSL3Exception,
    dns.exception.DNSException,
)
"""What a malformed payload may raise in a parser here (ParseError of the XML reader is a ValueError...)."""

_TITLE = re.compile(rb"<title[^>]*>(.{0,1024}?)</title", re.IGNORECASE | re.DOTALL)


def _text(data: bytes, limit: int = MAX_VALUE) -> str:
    return decode_text(data[:limit]).strip()


def head_lines(payload: bytes) -> tuple[str, dict[str, str], bytes] | None:
    """An HTTP-style message's first line, headers (lower-case names; dpkt's reader) and the body bytes present.

    None when the payload does not hold a complete header block (a later segment, or a header too long).
    """
    end = payload.find(b"\r\n\r\n", 0, 16_384)
    if end < 0:
        return None
    stream = io.BytesIO(payload[: end + 4])
    first = stream.readline().decode("latin-1").strip()
    headers = dpkt.http.parse_headers(stream)
    out: dict[str, str] = {}
    for name, value in list(headers.items())[:MAX_HEADERS]:
        # dpkt keeps a header sent twice as a list; the first value is the one a client would act on.
        text = value[0] if isinstance(value, list) else value
        out[str(name).lower()] = decode_text(str(text).encode("latin-1", "replace")[:MAX_VALUE]).strip()
    return first, out, payload[end + 4 :]


def http_facts(payload: bytes, rtsp: bool = False) -> tuple[str, list[Fact], dict[str, str]] | None:
    """('request' | 'response', facts of the sender, headers) for an HTTP (or RTSP) message; None if not one."""
    parsed = head_lines(payload)
    if parsed is None:
        return None
    first, headers, body = parsed
    channel = Channel.RTSP if rtsp else Channel.HTTP
    facts: list[Fact] = []
    if first.startswith(("HTTP/1.", "RTSP/1.")):
        if headers.get("server"):
            facts.append((channel, "server", headers["server"]))
        if headers.get("www-authenticate"):
            facts.append((channel, "www-authenticate", headers["www-authenticate"]))
        if not rtsp:
            if headers.get("location"):
                facts.append((channel, "location", headers["location"]))
            if headers.get("x-powered-by"):
                facts.append((channel, "header", f"X-Powered-By: {headers['x-powered-by']}"))
            title = _TITLE.search(body[:65_536])
            if title is not None and title.group(1).strip():
                facts.append((channel, "title", " ".join(_text(title.group(1), 512).split())))
        return "response", facts, headers
    method, _, rest = first.partition(" ")
    if method.isalpha() and method.isupper() and (" HTTP/1." in rest or " RTSP/1." in rest):
        if not rtsp and headers.get("user-agent"):
            facts.append((Channel.HTTP, "user-agent", headers["user-agent"]))
        return "request", facts, headers
    return None


def sip_facts(payload: bytes) -> list[Fact]:
    """User-Agent and Server of a SIP request or response (RFC 3261 header lines, as HTTP's)."""
    parsed = head_lines(payload)
    if parsed is None:
        return []
    first, headers, _ = parsed
    if "SIP/2.0" not in first:
        return []
    facts: list[Fact] = []
    if headers.get("user-agent"):
        facts.append((Channel.SIP, "user-agent", headers["user-agent"]))
    if headers.get("server"):
        facts.append((Channel.SIP, "server", headers["server"]))
    return facts


def ssdp_facts(payload: bytes) -> list[Fact]:
    """SERVER and LOCATION of an SSDP NOTIFY or M-SEARCH answer (UPnP Device Architecture 1.1 §1)."""
    if not payload.startswith((b"NOTIFY ", b"HTTP/1.1 200", b"HTTP/1.0 200")):
        return []
    parsed = head_lines(payload)
    if parsed is None:
        return []
    _, headers, _ = parsed
    if headers.get("nts") == "ssdp:byebye":
        return []
    facts: list[Fact] = []
    if headers.get("server"):
        facts.append((Channel.HTTP, "server", headers["server"][:1024]))
    if headers.get("location"):
        facts.append((Channel.UPNP, "location", headers["location"][:1024]))
    return facts


def ws_discovery_facts(payload: bytes) -> list[Fact]:
    """Scopes and XAddrs of a WS-Discovery Hello, ProbeMatches or ResolveMatches (a Probe says nothing)."""
    if not any(word in payload for word in (b"ProbeMatch", b"Hello", b"ResolveMatch")):
        return []
    return [(Channel.ONVIF, name, value) for name, value in ws_discovery_fields(payload[:MAX_DOCUMENT])]


def sadp_facts(payload: bytes) -> list[Fact]:
    """A Hikvision SADP reply or announcement (XML ``ProbeMatch``; device-protocols.md §3.1); an inquiry is not one."""
    if b"<ProbeMatch" not in payload and b"<DeviceSN>" not in payload:
        return []
    return [(Channel.SADP, "reply", decode_text(payload[:MAX_DOCUMENT]))]


def dhip_facts(payload: bytes) -> list[Fact]:
    """A Dahua DHIP device announcement or search answer (``client.notifyDevInfo``; device-protocols.md §4.1)."""
    if b"notifyDevInfo" not in payload and b"deviceInfo" not in payload:
        return []
    text = dhip_json(payload[:MAX_DOCUMENT])
    return [(Channel.DHIP, "reply", text)] if text else []


def mdns_facts(payload: bytes) -> list[Fact]:
    """Service, instance, host names and TXT strings of an mDNS response (queries name what others want)."""
    if len(payload) < 12 or not payload[2] & 0x80:
        return []
    return [(Channel.MDNS, name, value) for name, value in mdns_records(payload)]


def llmnr_names(payload: bytes) -> list[Fact]:
    """The name an LLMNR responder answers for (RFC 4795): the host's own name, kept as an mDNS host name."""
    message = dpkt.dns.DNS(payload)
    if message.qr != dpkt.dns.DNS_R or not message.an:
        return []
    return [(Channel.MDNS, "hostname", str(message.qd[0].name)[:255])] if message.qd else []


def dns_names(payload: bytes) -> tuple[bool, str, tuple[str, ...]] | None:
    """(is a response, the name asked for, the addresses answered) of a DNS message; None without a question."""
    import socket

    message = dpkt.dns.DNS(payload)
    if not message.qd:
        return None
    name = str(message.qd[0].name).rstrip(".")[:255]
    answers: list[str] = []
    for record in message.an[:32]:
        if record.type == dpkt.dns.DNS_A and len(record.rdata) == 4:
            answers.append(socket.inet_ntop(socket.AF_INET, record.rdata))
        elif record.type == dpkt.dns.DNS_AAAA and len(record.rdata) == 16:
            answers.append(socket.inet_ntop(socket.AF_INET6, record.rdata))
    return message.qr == dpkt.dns.DNS_R, name, tuple(answers)


def dhcp_facts(payload: bytes) -> tuple[int, str, str | None, list[Fact]]:
    """(op, client MAC, client or offered address, facts) of a DHCP message (RFC 2131/2132 options 12, 55, 60, 61).

    A request (op 1) speaks for the client; a reply (op 2) only binds the client's MAC to its address.
    """
    import socket

    message = dpkt.dhcp.DHCP(payload)
    mac = ":".join(f"{b:02X}" for b in message.chaddr[:6])
    options = dict(message.opts)
    facts: list[Fact] = []
    if message.op == dpkt.dhcp.DHCP_OP_REQUEST:
        if options.get(dpkt.dhcp.DHCP_OPT_HOSTNAME):
            facts.append((Channel.DHCP, "hostname", _text(options[dpkt.dhcp.DHCP_OPT_HOSTNAME], 255)))
        if options.get(dpkt.dhcp.DHCP_OPT_PARAM_REQ):
            facts.append((Channel.DHCP, "parameter-list", ",".join(str(b) for b in options[55][:255])))
        if options.get(dpkt.dhcp.DHCP_OPT_VENDOR_ID):
            facts.append((Channel.DHCP, "vendor-class", _text(options[dpkt.dhcp.DHCP_OPT_VENDOR_ID], 255)))
        if options.get(dpkt.dhcp.DHCP_OPT_CLIENT_ID):
            facts.append((Channel.DHCP, "client-id", binascii.hexlify(options[61][:64]).decode()))
        requested = options.get(dpkt.dhcp.DHCP_OPT_REQ_IP)
        address = message.ciaddr or (struct.unpack("!I", requested)[0] if requested and len(requested) == 4 else 0)
    else:
        address = message.yiaddr
    shown = socket.inet_ntop(socket.AF_INET, struct.pack("!I", address)) if address else None
    return message.op, mac, shown, facts


def snmp_facts(payload: bytes) -> list[Fact]:
    """sysDescr, sysObjectID and sysName in an SNMP v2c response (covered's codec; traps are not read)."""
    try:
        response = decode_response(payload)
    except BerError:
        return []
    facts: list[Fact] = []
    for oid, name in ((SYS_DESCR, "sysdescr"), (SYS_OBJECT_ID, "sysobjectid"), (SYS_NAME, "sysname")):
        if response.values.get(oid):
            facts.append((Channel.SNMP, name, response.values[oid][:1024]))
    return facts


def cdp_facts(frame: bytes) -> list[Fact]:
    """Device ID, software version and platform of a CDP frame's payload (after the 802.2 SNAP header)."""
    message = dpkt.cdp.CDP(frame)
    facts: list[Fact] = []
    names = {dpkt.cdp.CDP_DEVID: "device-id", dpkt.cdp.CDP_VERSION: "software", dpkt.cdp.CDP_PLATFORM: "platform"}
    for raw in message.tlvs[:64]:
        tlv = dpkt.cdp.CDP.TLV(raw)
        name = names.get(tlv.type)
        if name is not None and isinstance(tlv.data, bytes) and tlv.data:
            facts.append((Channel.LLDP, name, _text(tlv.data, 1024)))
    return facts


_LLDP_NAMES = {1: "chassis-id", 2: "port-id", 5: "system-name", 6: "system-description"}


def lldp_facts(frame: bytes) -> list[Fact]:
    """Chassis ID, port ID, system name and description of an LLDPDU (IEEE 802.1AB TLVs)."""
    facts: list[Fact] = []
    position = 0
    for _ in range(64):
        if position + 2 > len(frame):
            break
        (head,) = struct.unpack_from("!H", frame, position)
        kind, length = head >> 9, head & 0x1FF
        value = frame[position + 2 : position + 2 + length]
        if kind == 0 or len(value) < length:
            break
        name = _LLDP_NAMES.get(kind)
        if name in ("chassis-id", "port-id") and value:
            subtype, body = value[0], value[1:]
            # Subtype 4 (chassis) / 3 (port) is a MAC address; the others are text.
            mac = (subtype == 4 and kind == 1) or (subtype == 3 and kind == 2)
            text = ":".join(f"{b:02X}" for b in body) if mac and len(body) == 6 else _text(body, 255)
            if text:
                facts.append((Channel.LLDP, name, text))
        elif name is not None and value:
            facts.append((Channel.LLDP, name, _text(value, 1024)))
        position += 2 + length
    return facts


def tls_messages(data: bytes) -> tuple[list[bytes], str | None, bool]:
    """(DER certificates, SNI, done) from TLS records at the start of one direction of a connection.

    dpkt reads the records and handshake messages; ``done`` says no certificate can follow (one was found, or
    the handshake turned encrypted as in TLS 1.3). Incomplete data raises dpkt.NeedData, so a caller can wait
    for the next segment.
    """
    certificates: list[bytes] = []
    sni = None
    records, used = dpkt.ssl.tls_multi_factory(data)
    handshake = b"".join(record.data for record in records if record.type == 22)
    done = any(record.type in (20, 23) for record in records)
    position = 0
    while position + 4 <= len(handshake):
        kind = handshake[position]
        length = int.from_bytes(handshake[position + 1 : position + 4], "big")
        if position + 4 + length > len(handshake):
            break
        message = dpkt.ssl.TLSHandshake(handshake[position : position + 4 + length])
        if kind == 11:
            certificates = [bytes(c) for c in message.data.certificates[:8]]
            done = True
        elif kind == 1:
            sni = _sni(message.data)
            done = True
        elif kind == 14:
            done = True
        position += 4 + length
    if not done:
        raise dpkt.NeedData(f"TLS handshake continues ({used} of {len(data)} bytes in whole records)")
    return certificates, sni, done


def telnet_text(payload: bytes) -> str:
    """The text of a telnet server's first segment, option negotiation removed (dpkt's telnet reader)."""
    lines, _options = dpkt.telnet.strip_options(payload[:2048])
    return " ".join(_text(line, 1024) for line in lines[:16] if line.strip())[:1024].strip()


def line_text(payload: bytes, limit: int = 1024) -> str:
    """The first line of a banner (SSH, FTP), control characters dropped."""
    return _text(payload.split(b"\n", 1)[0], limit)


def _sni(hello: dpkt.ssl.TLSClientHello) -> str | None:
    """The host name of a ClientHello's server_name extension (RFC 6066 section 3)."""
    for kind, data in getattr(hello, "extensions", [])[:64]:
        if kind == 0 and len(data) > 5 and data[2] == 0:
            length = int.from_bytes(data[3:5], "big")
            name = data[5 : 5 + length]
            if name:
                return _text(name, 255)
    return None
