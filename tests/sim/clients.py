"""Raw-socket clients for the emulated devices: every request is built by hand, every read is bounded."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import ssl
import struct
from dataclasses import dataclass

from covered.sim.snmp import decode_oid, encode_oid

TIMEOUT = 3.0


@dataclass
class HttpAnswer:
    status: int
    headers: list[tuple[str, bytes]]
    body: bytes

    def header(self, name: str) -> bytes | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name: str) -> list[bytes]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


def _read_all(sock: socket.socket, limit: int = 1_000_000) -> bytes:
    data = b""
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        data += chunk
    return data


def parse_http(raw: bytes) -> HttpAnswer:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.decode("latin-1"), value.strip()))
    return HttpAnswer(status, headers, body)


def http(
    address: str,
    path: str = "/",
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    port: int = 80,
    tls: bool = False,
    timeout: float = TIMEOUT,
) -> HttpAnswer:
    """One HTTP/1.1 request with Connection: close; the whole answer."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {address}", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    sock = socket.create_connection((address, port), timeout=timeout)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        sock = context.wrap_socket(sock)
    with sock:
        sock.sendall(request)
        return parse_http(_read_all(sock))


def digest_header(answer: HttpAnswer, method: str, uri: str, user: str, password: str) -> str:
    """An Authorization header answering the Digest challenge of a 401."""
    challenge = next(v.decode() for v in answer.all("WWW-Authenticate") if v.startswith(b"Digest"))
    params = dict(part.strip().split("=", 1) for part in challenge[len("Digest ") :].split(",") if "=" in part)
    params = {k.strip(): v.strip().strip('"') for k, v in params.items()}
    realm, nonce = params["realm"], params["nonce"]
    ha1 = hashlib.md5(f"{user}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode(), usedforsecurity=False).hexdigest()
    cnonce, nc = "0a4f113b", "00000001"
    response = hashlib.md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode(), usedforsecurity=False).hexdigest()
    return (
        f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", qop=auth, nc={nc}, '
        f'cnonce="{cnonce}", response="{response}"'
    )


def basic_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def peer_certificate(address: str, port: int = 443) -> bytes:
    """DER of the certificate the device presents (no verification)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((address, port), timeout=TIMEOUT) as raw, context.wrap_socket(raw) as sock:
        der = sock.getpeercert(binary_form=True)
    assert der is not None
    return der


def rtsp(address: str, method: str = "OPTIONS", *, extra: str = "") -> bytes:
    uri = f"rtsp://{address}:554/Streaming/Channels/101"
    request = f"{method} {uri} RTSP/1.0\r\nCSeq: 2\r\n{extra}\r\n".encode()
    with socket.create_connection((address, 554), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


def banner(address: str, port: int, *, timeout: float = TIMEOUT) -> bytes:
    with socket.create_connection((address, port), timeout=timeout) as sock:
        data = b""
        try:
            while len(data) < 4096:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
                if data.rstrip().endswith((b":", b"login:")) or data.endswith(b"\r\n"):
                    break
        except TimeoutError:
            pass
        return data


def udp(address: str, port: int, payload: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """Send one datagram from a connected socket and return the first answer (raises on no answer)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.connect((address, port))
        sock.send(payload)
        return sock.recv(65535)


WSD_PROBE = (
    b'<?xml version="1.0" encoding="utf-8"?><Envelope xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
    b'xmlns="http://www.w3.org/2003/05/soap-envelope"><Header>'
    b'<wsa:MessageID xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">uuid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'
    b'</wsa:MessageID><wsa:To xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">'
    b"urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
    b'<wsa:Action xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">'
    b"http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action></Header><Body>"
    b'<Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery"><Types>dn:NetworkVideoTransmitter</Types>'
    b"<Scopes /></Probe></Body></Envelope>"
)
SADP_PROBE = (
    b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>6D1E7C0A-2B9F-4C1E-9A40-1F2E3D4C5B6A</Uuid>'
    b"<Types>inquiry</Types></Probe>"
)
_DHIP_BODY = json.dumps({"method": "DHDiscover.search", "params": {"mac": "", "uni": 1}}).encode()
DHIP_PROBE = struct.pack("<I4sIIQQ", 32, b"DHIP", 0, 0, len(_DHIP_BODY), len(_DHIP_BODY)) + _DHIP_BODY
SSDP_SEARCH = (
    b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n'
)


def _tlv(tag: int, value: bytes) -> bytes:
    assert len(value) < 0x80
    return bytes([tag, len(value)]) + value


def snmp_get(oids: list[str], community: bytes = b"public", request_id: int = 0x1234) -> bytes:
    bindings = b"".join(_tlv(0x30, _tlv(0x06, encode_oid(oid)) + b"\x05\x00") for oid in oids)
    pdu = _tlv(0x02, request_id.to_bytes(2, "big")) + _tlv(0x02, b"\x00") + _tlv(0x02, b"\x00") + _tlv(0x30, bindings)
    return _tlv(0x30, _tlv(0x02, b"\x01") + _tlv(0x04, community) + bytes([0xA0, len(pdu)]) + pdu)


def snmp_values(answer: bytes) -> dict[str, tuple[int, bytes]]:
    """OID -> (tag, raw value) of a GetResponse (tiny BER walk for tests)."""

    def tlv(pos: int) -> tuple[int, int, int]:
        tag, length = answer[pos], answer[pos + 1]
        start = pos + 2
        if length & 0x80:
            count = length & 0x7F
            length = int.from_bytes(answer[start : start + count], "big")
            start += count
        return tag, start, start + length

    _, start, _ = tlv(0)
    _, _, pos = tlv(start)  # version
    _, _, pos = tlv(pos)  # community
    tag, start, _ = tlv(pos)
    assert tag == 0xA2
    _, _, pos = tlv(start)  # request id
    _, _, pos = tlv(pos)  # error status
    _, _, pos = tlv(pos)  # error index
    _, start, end = tlv(pos)
    out = {}
    pos = start
    while pos < end:
        _, vb_start, vb_end = tlv(pos)
        _, o_start, o_end = tlv(vb_start)
        vtag, v_start, v_end = tlv(o_end)
        out[decode_oid(answer[o_start:o_end])] = (vtag, answer[v_start:v_end])
        pos = vb_end
    return out


def tcp_closed(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=TIMEOUT):
            return False
    except ConnectionRefusedError:
        return True


def udp_closed(address: str, port: int) -> bool:
    """True when the port answers with ICMP port unreachable (a connected UDP socket sees ECONNREFUSED)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1.0)
        sock.connect((address, port))
        sock.send(b"\x00")
        try:
            sock.recv(100)
        except ConnectionRefusedError:
            return True
        except TimeoutError:
            return False
    return False


MDNS_SERVICES = (
    b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x09_services\x07_dns-sd\x04_udp\x05local\x00\x00\x0c\x00\x01"
)
"""A DNS query, id 0x1234, for PTR _services._dns-sd._udp.local (RFC 6763 section 9), assembled by hand."""

PROBES = {
    3702: WSD_PROBE,
    37020: SADP_PROBE,
    37810: DHIP_PROBE,
    1900: SSDP_SEARCH,
    161: snmp_get(["1.3.6.1.2.1.1.1.0"]),
}
