"""RTSP responder (TCP 554): OPTIONS and DESCRIBE answer 401 with the maker's challenge.

Hikvision newer IPCs: ``Digest realm="IP Camera(XXXXX)", nonce="<32 hex>", stale="FALSE"`` and a Date with
two spaces (device-protocols.md §3.5); older Hikvision lines: ``Digest realm="Hikvision"`` followed by
``Basic realm="/"`` (nmap-service-probes 12367); Dahua firmware: ``Server: Dahua Rtsp Server`` and
``Digest realm="Login to <serial>"`` (§4.6), and 405 to an HTTP request on the RTSP port (nmap 11572).
Valid credentials of the fleet's user get 200 (OPTIONS) or a minimal SDP (DESCRIBE).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from covered.sim.auth import check_authorization
from covered.sim.hostile import banner_bytes
from covered.sim.plan import Device

__all__ = ["challenge", "respond"]

PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, PAUSE, GET_PARAMETER, SET_PARAMETER"


def _nonce(device: Device, salt: str) -> str:
    return hashlib.md5(f"{device.secret}:{salt}".encode(), usedforsecurity=False).hexdigest()


def _realm(device: Device) -> str:
    family = device.persona.family
    if family == "hikvision":
        return f"IP Camera({device.realm_code})" if device.string("auth") == "ip-camera" else "Hikvision"
    if family == "dahua":
        return f"Login to {device.serial}"
    if family == "axis":
        return ("AXIS_WS_" if device.variant else "AXIS_") + device.mac.replace(":", "")
    if family == "hanwha":
        return "iPOLiS"
    if family == "bosch":
        return "Use 'live' as User Name"
    if family == "uniview":
        return "RTSP SERVER"  # not in the sources read; a neutral guess
    return "device"


def challenge(device: Device, now: dt.datetime) -> list[tuple[str, bytes]]:
    """WWW-Authenticate (and Server/Date) headers of the 401 answer."""
    family, realm = device.persona.family, _realm(device)
    nonce = _nonce(device, now.strftime("%Y%m%d%H%M"))
    if family == "hikvision":
        headers = [("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}", stale="FALSE"'.encode())]
        if realm == "Hikvision":
            headers.append(("WWW-Authenticate", b'Basic realm="/"'))
        headers.append(("Date", now.strftime(" %a, %b %d %Y %H:%M:%S GMT").encode()))
        return headers
    if family == "dahua":
        return [("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}"'.encode())]
    if family == "axis":
        return [("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce[:24]}", stale=FALSE'.encode())]
    if family == "bosch":
        value = f'Digest realm="{realm}",nonce="{nonce}",opaque="",stale=FALSE,algorithm=MD5'
        return [("WWW-Authenticate", value.encode())]
    if family in ("hanwha", "uniview"):
        return [("WWW-Authenticate", f'Digest realm="{realm}", nonce="{nonce}"'.encode())]
    return [("WWW-Authenticate", f'Basic realm="{realm}"'.encode())]


def _server(device: Device) -> bytes | None:
    if device.hostile in ("non-utf8", "script-banner"):
        return banner_bytes(device, "Rtsp Server/2.0")
    if device.persona.family == "dahua":
        return b"Dahua Rtsp Server"
    return None


def _format(status: str, headers: list[tuple[str, bytes]], body: bytes = b"") -> bytes:
    lines = [f"RTSP/1.0 {status}".encode()]
    lines += [name.encode() + b": " + value for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _sdp(device: Device) -> bytes:
    return (
        f"v=0\r\no=- 0 0 IN IP4 {device.address}\r\ns=Media Presentation\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
        "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n"
    ).encode()


def respond(device: Device, head: bytes, username: str, password: str) -> bytes | None:
    """The answer to one RTSP request head, or None to close the connection."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    method, uri, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    cseq = headers.get("cseq", "0")[:16]
    server = _server(device)
    common: list[tuple[str, bytes]] = [("CSeq", cseq.encode())]
    if server is not None:
        common.append(("Server", server))
    if not version.startswith("RTSP/"):
        if device.persona.family == "dahua":
            return _format("405 Method Not Allowed", [("Server", server or b""), ("Content-Length", b"0"), *common[:1]])
        return None
    now = dt.datetime.now(dt.UTC)
    realm = _realm(device)
    if method not in ("OPTIONS", "DESCRIBE", "SETUP", "PLAY", "TEARDOWN", "GET_PARAMETER"):
        return _format("501 Not Implemented", common)
    if not check_authorization(headers.get("authorization"), method, realm, username, password):
        return _format("401 Unauthorized", [*common, *challenge(device, now)])
    if method == "OPTIONS":
        return _format("200 OK", [*common, ("Public", PUBLIC.encode())])
    if method == "DESCRIBE":
        sdp = _sdp(device)
        base = uri if uri.endswith("/") else uri + "/"
        extra = [("Content-Base", base.encode()), ("Content-Type", b"application/sdp")]
        return _format("200 OK", [*common, *extra, ("Content-Length", str(len(sdp)).encode())], sdp)
    return _format("455 Method Not Valid in This State", common)
