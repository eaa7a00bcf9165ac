"""HTTP routes of emulated Uniview NVRs and cameras: the web UI entry page and LAPI (JSON over HTTP).

- ``/``: an NVR titles its page with its model ('NVR301-04-P4': 0x727/FingerprintHub
  web-fingerprint/uniview/nvr301-04s2-p4.yaml, fofa query title="nvr301-04-p4"); a camera's page has no title
  (a guess: no camera front page was found in the sources read).
- ``/LAPI/V1.0/System/DeviceBasicInfo`` without credentials: the LAPI envelope with ResponseCode 3, 'Not
  Authorized', StatusCode 401, StatusString 'Unauthorized', Data "null" (a published curl transcript found by
  exact-string search, repository not resolved); the 401 status and the Digest challenge with the serial as
  realm are guesses. With the fleet's Digest credentials it and ``/LAPI/V1.0/System/DeviceInfo``
  (apache/hertzbeat home/docs/help/uniview.md) return DeviceName, DeviceModel, SerialNumber and
  FirmwareVersion (field names from a published LAPI parser test, repository not resolved).
- ``/LAPI/V1.0/System/FirstLogin`` answers without credentials (same transcript).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from covered.sim.auth import check_authorization
from covered.sim.context import Context
from covered.sim.hostile import banner_bytes
from covered.sim.httpd import Request, Response
from covered.sim.plan import Device

__all__ = ["route"]

_HTML = ("Content-Type", b"text/html")
_JSON = ("Content-Type", b"application/json")


def _envelope(url: str, code: int, text: str, status: int, status_text: str, data: object) -> bytes:
    document = {
        "Response": {
            "ResponseURL": url,
            "CreatedID": -1,
            "ResponseCode": code,
            "SubResponseCode": 0,
            "ResponseString": text,
            "StatusCode": status,
            "StatusString": status_text,
            "Data": data,
        }
    }
    return json.dumps(document, indent=2).encode()


def _page(device: Device, title: str) -> bytes:
    return (
        b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + banner_bytes(device, title)
        + b'</title></head><body><div id="login"></div></body></html>\n'
    )


def _challenge(device: Device) -> bytes:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M")
    nonce = hashlib.md5(f"{device.secret}:{stamp}".encode(), usedforsecurity=False).hexdigest()
    return f'Digest realm="{device.serial}", qop="auth", nonce="{nonce}"'.encode()


def route(device: Device, request: Request, ctx: Context) -> Response:
    """The Uniview device's answer to one HTTP request."""
    path = request.path
    if path in ("/", "/index.htm", "/index.html"):
        title = device.model.name if device.model.kind == "NVR" else ""
        return Response(200, [_HTML], _page(device, title))
    if not path.startswith("/LAPI/V1.0/"):
        return Response(404, [_HTML], b"<html><body><h1>404 Not Found</h1></body></html>\n")
    if path == "/LAPI/V1.0/System/FirstLogin":
        return Response(200, [_JSON], _envelope(path, 0, "Succeed", 0, "Succeed", {"IsFirstLogin": 0}))
    if not check_authorization(
        request.header("authorization"), request.method, device.serial, ctx.username, ctx.password
    ):
        body = _envelope(path, 3, "Not Authorized", 401, "Unauthorized", "null")
        return Response(401, [("WWW-Authenticate", _challenge(device)), _JSON], body)
    if path in ("/LAPI/V1.0/System/DeviceBasicInfo", "/LAPI/V1.0/System/DeviceInfo"):
        data = {
            "DeviceName": device.model.name,
            "DeviceModel": device.model.name,
            "SerialNumber": device.serial,
            "FirmwareVersion": device.firmware,
        }
        return Response(200, [_JSON], _envelope(path, 0, "Succeed", 0, "Succeed", data))
    return Response(404, [_JSON], _envelope(path, 4, "Not Found", 404, "Not Found", "null"))
