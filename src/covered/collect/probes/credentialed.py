"""Probes that need the user's credentials: Hikvision ISAPI deviceInfo, Dahua magicBox, ONVIF GetDeviceInformation.

Used only when the user supplies credentials, only with challenge-response schemes (HTTP Digest, WS-Security
UsernameToken digest) so the password never crosses the network, and only against devices whose
unauthenticated answers already point to that family: a password is not offered to every device in range.
One attempt each; no guessing, no retry loops that could lock an account.
"""

from __future__ import annotations

import httpx

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.probes.http import fetch_or_note, url_for
from covered.collect.probes.onvif_soap import (
    GET_DEVICE_INFORMATION,
    device_information,
    envelope,
    post_soap,
    username_token,
    username_token_header,
)
from covered.model import Channel

__all__ = ["DahuaCgiProbe", "IsapiProbe", "OnvifInfoProbe", "username_token"]


def _tls(port: int) -> bool:
    return port in (443, 8443)


class IsapiProbe:
    """GET /ISAPI/System/deviceInfo with HTTP Digest."""

    name = "isapi"
    channel = Channel.ISAPI
    transport = "tcp"
    ports = (80, 443, 8080, 8443)
    packets = 2
    needs_credentials = True
    family = "hikvision"

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the deviceInfo XML."""
        assert ctx.credentials is not None  # noqa: S101 - the scanner only calls credentialed probes with credentials
        auth = httpx.DigestAuth(ctx.credentials.username, ctx.credentials.password)
        url = url_for(ctx.address, port, "/ISAPI/System/deviceInfo", _tls(port))
        answer = await fetch_or_note(ctx, url, ctx.limits.max_body, self.name, port, auth=auth)
        if answer is None:
            return
        status, _, body, _ = answer
        if status == 200 and body:
            ctx.add(Channel.ISAPI, "deviceinfo", decode_text(body), port, self.name)
        elif status == 401:
            ctx.anomaly("connection", "credentials refused for ISAPI", port, self.name)


class DahuaCgiProbe:
    """GET magicBox.cgi getVendor and getSystemInfo with HTTP Digest (device-protocols.md §4.3)."""

    name = "dahua-cgi"
    channel = Channel.DAHUA_CGI
    transport = "tcp"
    ports = (80, 443, 8080, 8443)
    packets = 4
    needs_credentials = True
    family = "dahua"

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the two key=value answers."""
        assert ctx.credentials is not None  # noqa: S101 - see IsapiProbe
        auth = httpx.DigestAuth(ctx.credentials.username, ctx.credentials.password)
        for action, field in (("getVendor", "getvendor"), ("getSystemInfo", "getsysteminfo")):
            url = url_for(ctx.address, port, f"/cgi-bin/magicBox.cgi?action={action}", _tls(port))
            answer = await fetch_or_note(ctx, url, 8192, self.name, port, auth=auth)
            if answer is None:
                return
            status, _, body, _ = answer
            if status == 401:
                ctx.anomaly("connection", "credentials refused for magicBox", port, self.name)
                return
            if status == 200 and body.strip():
                ctx.add(Channel.DAHUA_CGI, field, decode_text(body).strip(), port, self.name)


class OnvifInfoProbe:
    """ONVIF GetDeviceInformation with a UsernameToken digest (device-protocols.md §2)."""

    name = "onvif-info"
    channel = Channel.ONVIF
    transport = "tcp"
    ports = (80, 8080, 443, 8443)
    packets = 1
    needs_credentials = True
    family = "onvif"

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record Manufacturer, Model, FirmwareVersion and SerialNumber."""
        assert ctx.credentials is not None  # noqa: S101 - see IsapiProbe
        header = username_token_header(ctx.credentials.username, ctx.credentials.password)
        answer = await post_soap(ctx, port, envelope(GET_DEVICE_INFORMATION, header), self.name, _tls(port))
        if answer is None:
            return
        status, root = answer
        if status != 200 or root is None:
            return
        for field, value in device_information(root):
            ctx.add(Channel.ONVIF, field, value, port, self.name)
