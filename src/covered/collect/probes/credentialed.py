"""Probes that need the user's credentials: Hikvision ISAPI deviceInfo, Dahua magicBox, ONVIF GetDeviceInformation.

Used only when the user supplies credentials, only with challenge-response schemes (HTTP Digest, WS-Security
UsernameToken digest) so the password never crosses the network, and only against devices whose
unauthenticated answers already point to that family: a password is not offered to every device in range.
One attempt each; no guessing, no retry loops that could lock an account.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import secrets

import httpx
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.probes.http import fetch_or_note, url_for
from covered.model import Channel

__all__ = ["DahuaCgiProbe", "IsapiProbe", "OnvifInfoProbe"]


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


_GET_INFO = """<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
<s:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>
<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">{digest}</wsse:Password>
<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">{nonce}</wsse:Nonce>
<wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">{created}</wsu:Created>
</wsse:UsernameToken></wsse:Security></s:Header>
<s:Body><tds:GetDeviceInformation/></s:Body></s:Envelope>"""


def username_token(username: str, password: str) -> dict[str, str]:
    """WS-Security UsernameToken with PasswordDigest = base64(sha1(nonce + created + password))."""
    nonce = secrets.token_bytes(16)
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    digest = base64.b64encode(
        hashlib.sha1(nonce + created.encode() + password.encode(), usedforsecurity=False).digest()
    )
    return {"user": username, "digest": digest.decode(), "nonce": base64.b64encode(nonce).decode(), "created": created}


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
        """Record Manufacturer, Model and FirmwareVersion."""
        assert ctx.credentials is not None  # noqa: S101 - see IsapiProbe
        token = {
            k: html.escape(v) for k, v in username_token(ctx.credentials.username, ctx.credentials.password).items()
        }
        answer = await fetch_or_note(
            ctx,
            url_for(ctx.address, port, "/onvif/device_service", _tls(port)),
            ctx.limits.max_body,
            self.name,
            port,
            method="POST",
            content=_GET_INFO.format(**token).encode("utf-8"),
            headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        )
        if answer is None:
            return
        status, _, body, _ = answer
        if status != 200:
            return
        try:
            root = ElementTree.fromstring(body, forbid_dtd=True)
        except (DefusedXmlException, ElementTree.ParseError) as exc:
            ctx.anomaly("parse-error", f"unsafe or malformed XML: {type(exc).__name__}", port, self.name)
            return
        wanted = {"Manufacturer": "manufacturer", "Model": "model", "FirmwareVersion": "firmware"}
        for element in root.iter():
            field = wanted.get(element.tag.rsplit("}", 1)[-1])
            if field and element.text and element.text.strip():
                ctx.add(Channel.ONVIF, field, element.text.strip()[:255], port, self.name)
