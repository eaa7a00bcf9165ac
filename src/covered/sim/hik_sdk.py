"""Hikvision SDK port (TCP 8000, SDK over TLS on 8443), EZVIZ local ports 9010/9020, and a look-alike on 8000.

A Hikvision SDK port answers a request it cannot parse with the 16-byte frame nmap records
(nmap/nmap@db4aefddfa348ec815ffa83a109c97e05db88766:nmap-service-probes#L1821: length 0x10, code 0x1e
twice, four zero bytes); it sends nothing before the client does. EZVIZ's 9010/9020 accept a connection
and say nothing to a foreign request (RenierM26/pyEzvizApi#274: "protocol not classified by generic probes").
The look-alike persona ('sdk_port' = 'http') runs an ordinary web server on 8000, as much software does.
"""

from __future__ import annotations

from covered.sim.banners import HIK_SDK_REPLY
from covered.sim.plan import Device

__all__ = ["LOOKALIKE_HTTP_8000", "sdk_answer", "silent_port"]

LOOKALIKE_HTTP_8000 = (
    b"HTTP/1.1 400 Bad Request\r\nServer: lighttpd/1.4.16\r\nContent-Type: text/html\r\n"
    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
)
"""An ordinary web server's answer to a bare CRLF CRLF (Server string from rapid7/recog:xml/http_servers.xml)."""


def sdk_answer(device: Device, request: bytes) -> bytes | None:
    """What TCP 8000 (or the TLS SDK port 8443) sends back to the client's first bytes; None for nothing."""
    if not request:
        return None
    if device.string("sdk_port") == "http":
        return LOOKALIKE_HTTP_8000
    return HIK_SDK_REPLY


def silent_port(port: int) -> bool:
    """True for the EZVIZ local command and stream ports, which stay silent to a foreign request."""
    return port in (9010, 9020)
