"""HTTP routes of the emulated devices: web UI entry pages, favicons, ISAPI, Dahua CGI and RPC2, ONVIF, LAPI.

Per family (strings cited in personas.py and device-protocols.md):
- Hikvision: Server per product line; '/' script-redirects to /doc/page/login.asp?_<ms>; /ISAPI/* answers 401
  (Digest realm 'IP Camera(<code>)' or 'hikvision') and the deviceInfo XML only for the fleet's credentials.
- Dahua: no Server header, upper-case header names and a UTF-8 BOM (nmap 10444); '/' is the 'WEB SERVICE'
  page referencing /RPC2_Login; magicBox.cgi needs Digest realm 'Login to <serial>'; /RPC2_Login answers
  the 268632079 login challenge with realm, random, mac and session.
- OEM relabels keep the maker's protocol endpoints (ISAPI, magicBox, RPC2) but title their pages with the brand.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json

from covered.sim import huawei_ipc, isapi, uniview
from covered.sim.auth import check_authorization
from covered.sim.context import Context
from covered.sim.hostile import banner_bytes
from covered.sim.httpd import Request, Response
from covered.sim.onvif import device_service
from covered.sim.plan import Device
from covered.sim.ssdp import description

__all__ = ["route"]

_HTML = ("Content-Type", b"text/html")
_XML = ("Content-Type", b'application/xml; charset="UTF-8"')
_SOAP = ("Content-Type", b"application/soap+xml; charset=utf-8")
_BOM = b"\xef\xbb\xbf"
_ONVIF_FAMILIES = {"hikvision", "dahua", "uniview", "axis", "hanwha", "bosch", "huawei-ipc"}


def _page(device: Device, title: str, body: str, *, doctype: bool = True) -> bytes:
    head = b"<!DOCTYPE html>\n" if doctype else b""
    return (
        head
        + b'<html><head><meta charset="utf-8"><title>'
        + banner_bytes(device, title)
        + b"</title></head><body>"
        + body.encode("utf-8")
        + b"</body></html>\n"
    )


def _server(device: Device) -> list[tuple[str, bytes]]:
    name = device.string("server")
    if device.hostile in ("non-utf8", "script-banner"):
        return [("Server", banner_bytes(device, name))]
    return [("Server", name.encode())] if name else []


def _nonce(device: Device, now: dt.datetime) -> str:
    stamp = now.strftime("%Y%m%d%H%M")
    return hashlib.md5(f"{device.secret}:{stamp}".encode(), usedforsecurity=False).hexdigest()


def route(device: Device, request: Request, ctx: Context) -> Response:
    """The device's answer to one HTTP request."""
    if device.hostile == "oversized" and request.method in ("GET", "HEAD"):
        return Response(200, [*_server(device), _HTML], stream=ctx.oversize_bytes)
    path = request.path
    if path == "/favicon.ico" and device.persona.family not in ("huawei", "zte"):
        return Response(200, [*_server(device), ("Content-Type", b"image/x-icon")], ctx.icon(device.persona.family))
    if path == "/onvif/device_service" and device.persona.family in _ONVIF_FAMILIES:
        if request.method != "POST":
            return Response(405, _server(device))
        realm = _http_realm(device)
        authorized = check_authorization(request.header("authorization"), "POST", realm, ctx.username, ctx.password)
        status, document = device_service(
            device, request.body, http_authorized=authorized, username=ctx.username, password=ctx.password
        )
        return Response(status, [*_server(device), _SOAP], document.encode("utf-8"))
    if path == "/rootDesc.xml" and "udp/1900" in device.services:
        return Response(200, [*_server(device), ("Content-Type", b"text/xml")], description(device).encode())
    family = device.persona.family
    handler = _FAMILY.get(family, _generic)
    return handler(device, request, ctx)


# --- Hikvision -----------------------------------------------------------------------------------


def _http_realm(device: Device) -> str:
    if device.persona.family == "hikvision":
        return f"IP Camera({device.realm_code})" if device.string("auth") == "ip-camera" else "hikvision"
    if device.persona.family == "dahua":
        return f"Login to {device.serial}"
    return device.persona.label


def _hik_challenge(device: Device, now: dt.datetime) -> bytes:
    raw = f"{_nonce(device, now)[:8]}:{int(now.timestamp()) % 100_000_000:08d}"
    nonce = base64.b64encode(raw.encode()).hex()
    realm = _http_realm(device)
    if realm == "hikvision":
        return f'Digest realm="hikvision", qop="auth", nonce="{nonce}", stale="FALSE"'.encode()
    return f'Digest qop="auth", realm="{realm}", nonce="{nonce}", stale="FALSE"'.encode()


def _hikvision(device: Device, request: Request, ctx: Context) -> Response:
    server = _server(device)
    path = request.path
    relabel = bool(device.string("relabel"))
    own_brand = device.persona.brand == "hikvision-brand"
    if path.startswith(("/ISAPI/", "/System/", "/SDK/", "/PSIA/")):
        realm = _http_realm(device)
        if not check_authorization(request.header("authorization"), request.method, realm, ctx.username, ctx.password):
            now = dt.datetime.now(dt.UTC)
            document = isapi.response_status(device, request.path, 401)
            return Response(401, [*server, ("WWW-Authenticate", _hik_challenge(device, now)), _XML], document)
        if path in ("/ISAPI/System/deviceInfo", "/System/deviceInfo"):
            return Response(200, [*server, _XML], isapi.device_info(device))
        return Response(404, [*server, _XML], isapi.response_status(device, request.path, 404))
    if path in ("/", "/index.asp", "/index.html"):
        if device.string("server") == "Hikvision-Webs" and path == "/":
            location = f"http://{device.address}/index.asp".encode()
            return Response(302, [*server, ("Location", location), _HTML], b"")
        extra = [("ETag", f'"{device.secret[:5]}-{device.secret[5:8]}-{device.secret[8:16]}"'.encode())]
        if device.string("server") != "DNVRS-Webs":
            extra = []
        if relabel:
            body = '<meta http-equiv="refresh" content="0;url=/doc/page/login.asp">'
            return Response(200, [*server, *extra, _HTML], _page(device, device.persona.label, body))
        script = '<script>window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();</script>'
        return Response(200, [*server, *extra, _HTML], _page(device, "", script))
    if path == "/doc/page/login.asp":
        title = device.persona.label if (relabel or not own_brand) else ""
        copyright_line = "&copy;Hikvision Digital Technology Co., Ltd. All Rights Reserved." if own_brand else ""
        body = (
            '<div id="login"><input id="username" type="text"><input id="password" type="password">'
            f'<button id="login_btn">Login</button></div><div class="footer">{copyright_line}</div>'
        )
        return Response(200, [*server, _HTML], _page(device, title, body))
    if path in ("/doc/script/inc.js", "/doc/script/config/system/channelDigital.js") and own_brand:
        js = b'define(function(){var a="/hikvision://";function b(c){switch(c){case"HIKVISION":return 1}}});\n'
        return Response(200, [*server, ("Content-Type", b"application/javascript")], js)
    return Response(404, [*server, _HTML], _page(device, "Document Error: Page not found", "<h2>404</h2>"))


# --- Dahua ---------------------------------------------------------------------------------------

_DAHUA_ROOT = (
    '<div class="ui-dialog-content"><div id="login"><span class="t_username">Username</span>'
    '<input id="login_user"><span class="t_password">Password</span><input id="login_psw" type="password">'
    '<a class="u-button">Login</a></div></div>'
    '<script>var rpc={login:function(u,p){return $.ajax({url:"/RPC2_Login",type:"POST",'
    'data:JSON.stringify({"method":"global.login","params":{"userName":u,"password":p,'
    '"clientType":"Web3.0"},"id":1})});}};</script>'
)


def _dahua_challenge(device: Device, now: dt.datetime) -> bytes:
    nonce = str(int(_nonce(device, now)[:8], 16) % 10_000_000)
    opaque = hashlib.sha1(f"{device.secret}:opaque".encode(), usedforsecurity=False).hexdigest()
    return f'Digest realm="Login to {device.serial}", qop="auth", nonce="{nonce}", opaque="{opaque}"'.encode()


def _magicbox(device: Device, action: str) -> str | None:
    model = device.model.name
    nvr = device.model.kind == "NVR"
    answers = {
        "getSystemInfo": (
            f"deviceType=31\nprocessor=ST7108\nserialNumber={device.serial}\nupdateSerial={model}\n"
            if nvr
            else f"appAutoStart=true\ndeviceType={model}\nhardwareVersion=1.00\nprocessor=S3LM\n"
            f"serialNumber={device.serial}\nupdateSerial={model.rsplit('-', 1)[0]}\n"
        ),
        "getDeviceType": f"type={model}\n",
        "getSoftwareVersion": f"version={device.firmware},build:{device.build}\n",
        "getSerialNo": f"sn={device.serial}\n",
        "getMachineName": f"name={device.serial}\n",
        "getHardwareVersion": "version=1.00\n",
        "getVendor": f"vendor={device.string('vendor_cgi', 'Dahua')}\n",
    }
    text = answers.get(action)
    return text.replace("\n", "\r\n") if text is not None else None


def _dahua(device: Device, request: Request, ctx: Context) -> Response:
    path = request.path
    now = dt.datetime.now(dt.UTC)
    if path == "/":
        title = "WEB SERVICE" if device.persona.brand in ("dahua-brand", "imou") else device.persona.label
        body = _BOM + _page(device, title, _DAHUA_ROOT)
        return Response(200, [("Connection", b"close"), ("Content-Type", b"text/html")], body, upper=True, date=False)
    if path == "/RPC2_Login" and request.method == "POST":
        challenge = {
            "error": {"code": 268632079, "message": "Component error: login challenge!"},
            "id": 1,
            "params": {
                "authorization": hashlib.sha1(device.secret.encode(), usedforsecurity=False).hexdigest(),
                "encryption": "Default",
                "mac": device.mac.replace(":", ""),
                "random": str(int(device.secret[8:14], 16) % 10_000_000),
                "realm": f"Login to {device.serial}",
            },
            "result": False,
            "session": int(device.secret[:8], 16) % 2_000_000_000,
        }
        body = json.dumps(challenge, separators=(",", ":")).encode()
        return Response(200, [("Content-Type", b"application/json")], body, upper=True)
    if path.startswith("/cgi-bin/"):
        realm = f"Login to {device.serial}"
        if not check_authorization(request.header("authorization"), request.method, realm, ctx.username, ctx.password):
            error = b"Error\r\nUnauthorized\r\n"
            headers = [("WWW-Authenticate", _dahua_challenge(device, now)), ("Content-Type", b"text/plain")]
            return Response(401, headers, error)
        if path == "/cgi-bin/magicBox.cgi":
            text = _magicbox(device, request.query.get("action", ""))
            if text is not None:
                return Response(200, [("Content-Type", b"text/plain;charset=utf-8")], text.encode())
        return Response(400, [("Content-Type", b"text/plain")], b"Error\r\nBad Request!\r\n")
    return Response(404, [("Content-Type", b"text/html")], _page(device, "404 Not Found", "<h1>Not Found</h1>"))


# --- routers, other makers and the generic honeypot ---------------------------------------------


def _huawei(device: Device, request: Request, ctx: Context) -> Response:
    realm = device.string("realm")
    if realm:
        if not check_authorization(request.header("authorization"), request.method, realm, ctx.username, ctx.password):
            challenge = ("WWW-Authenticate", f'Basic realm="{realm}"'.encode())
            return Response(401, [challenge, _HTML], _page(device, "401 Unauthorized", "<h1>401</h1>"))
        return Response(200, [_HTML], _page(device, device.model.name, "<div id='status'></div>"))
    title = device.string("title", "HUAWEI")
    return Response(200, [*_server(device), _HTML], _page(device, title, '<form id="login"></form>'))


def _zte(device: Device, request: Request, ctx: Context) -> Response:
    server = _server(device)
    if request.path != "/":
        return Response(404, [*server, _HTML], _page(device, "404", "Mini web server 1.0 ZTE corp 2005."))
    if device.line.name == "zxhn":
        realm = "cpe@zte.com" if device.variant else device.model.name
        if not check_authorization(request.header("authorization"), request.method, realm, ctx.username, ctx.password):
            scheme = "Digest" if device.variant else "Basic"
            return Response(401, [*server, ("WWW-Authenticate", f'{scheme} realm="{realm}"'.encode()), _HTML])
    token = int(device.secret[:6], 16) % 1_000_000
    body = f'<script>getObj("Frm_Logintoken").value = "{token}";</script>'
    return Response(200, [*server, _HTML], _page(device, device.model.name, body))


def _axis(device: Device, request: Request, ctx: Context) -> Response:
    body = '<meta http-equiv="refresh" content="0; URL=/camera/index.html">'
    return Response(200, [_HTML], _page(device, "AXIS", body))


def _hanwha(device: Device, request: Request, ctx: Context) -> Response:
    return Response(200, [_HTML], _page(device, "Hanwha Techwin", '<div id="wn-login"></div>'))


def _bosch(device: Device, request: Request, ctx: Context) -> Response:
    realm = "Use 'live' as User Name"
    if not check_authorization(request.header("authorization"), request.method, realm, ctx.username, ctx.password):
        nonce = _nonce(device, dt.datetime.now(dt.UTC))
        value = f'Digest realm="{realm}",nonce="{nonce}",opaque="",stale=FALSE,algorithm=MD5,qop="auth"'
        return Response(401, [("WWW-Authenticate", value.encode()), _HTML])
    return Response(200, [_HTML], _page(device, device.model.name, "<div></div>"))


def _mobotix(device: Device, request: Request, ctx: Context) -> Response:
    title = "Redirect to userimage: /control/userimage.html"
    body = '<meta http-equiv="refresh" content="0; URL=/control/userimage.html">'
    return Response(200, [_HTML], _page(device, title, body))


def _generic(device: Device, request: Request, ctx: Context) -> Response:
    server = _server(device)
    if request.path in ("/", "/index.html", "/index.htm"):
        title = device.string("title", "IP Camera")
        body = f'<form action="/login.cgi" method="post"><p>{html.escape(title)}</p></form>'
        return Response(200, [*server, _HTML], _page(device, title, body))
    return Response(404, [*server, _HTML], _page(device, "404 Not Found", "<h1>Not Found</h1>"))


_FAMILY = {
    "hikvision": _hikvision,
    "dahua": _dahua,
    "huawei": _huawei,
    "zte": _zte,
    "uniview": uniview.route,
    "axis": _axis,
    "hanwha": _hanwha,
    "bosch": _bosch,
    "mobotix": _mobotix,
    "generic": _generic,
    "huawei-ipc": huawei_ipc.route,
}
