"""HTTP routes of the emulated Huawei IP camera (HoloSens SDC): a login page and the SDC API behind Digest.

No Huawei IPC web-page string was found in the public sources read (shared/research/device-protocols.md §5.2
records the gap), so the entry page carries no maker string at all: only ONVIF names the maker. The REST
API prefix /SDCAPI/V1.0/ is from kaicen-x/holosens-sdc-sdk:api/device-manage/device_info_manage.go
(``/SDCAPI/V1.0/MiscIaas/System``); it needs credentials, and its Digest realm here is a neutral guess.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from covered.sim.auth import check_authorization
from covered.sim.context import Context
from covered.sim.httpd import Request, Response
from covered.sim.plan import Device

__all__ = ["route"]

_HTML = ("Content-Type", b"text/html")
_LOGIN = (
    b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title></title></head>'
    b'<body><div id="login"><input id="username"><input id="password" type="password"></div></body></html>\n'
)


def route(device: Device, request: Request, ctx: Context) -> Response:
    """The camera's answer to one HTTP request (ONVIF is routed before this)."""
    if request.path.startswith("/SDCAPI/"):
        realm = "SDC"
        if not check_authorization(request.header("authorization"), request.method, realm, ctx.username, ctx.password):
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M")
            nonce = hashlib.md5(f"{device.secret}:{stamp}".encode(), usedforsecurity=False).hexdigest()
            challenge = f'Digest realm="{realm}", qop="auth", nonce="{nonce}"'.encode()
            return Response(401, [("WWW-Authenticate", challenge)])
        return Response(404)
    if request.path in ("/", "/index.html"):
        return Response(200, [_HTML], _LOGIN)
    return Response(404, [_HTML], b"")
