"""ONVIF device-service SOAP shared by the unauthenticated and the credentialed probes: requests and safe parsing.

Operations and element names from the ONVIF Device Management WSDL (https://www.onvif.org/ver10/device/wsdl/
devicemgmt.wsdl): GetSystemDateAndTime, GetCapabilities (XAddr per service), GetDeviceInformation
(Manufacturer, Model, FirmwareVersion, SerialNumber, HardwareId). Faults carry a ``ter:`` subcode such as
``ter:NotAuthorized`` (ONVIF Core Specification §5.11.2). Answers are parsed with defusedxml, DTDs refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import secrets
from typing import Any

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.collect.probes.base import ProbeContext
from covered.collect.probes.http import fetch_or_note, url_for

__all__ = [
    "DEVICE_SERVICE",
    "GET_CAPABILITIES",
    "GET_DEVICE_INFORMATION",
    "GET_SYSTEM_DATE_AND_TIME",
    "SoapAnswer",
    "device_information",
    "envelope",
    "fault_code",
    "is_envelope",
    "post_soap",
    "service_xaddrs",
    "username_token",
    "username_token_header",
]

GET_SYSTEM_DATE_AND_TIME = "<tds:GetSystemDateAndTime/>"
GET_CAPABILITIES = "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>"
GET_DEVICE_INFORMATION = "<tds:GetDeviceInformation/>"
DEVICE_SERVICE = "/onvif/device_service"
_SOAP_TYPE = {"Content-Type": "application/soap+xml; charset=utf-8"}
_ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">'
    "<s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
)
_SECURITY_HEADER = (
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
    "<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>"
    '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0'
    '#PasswordDigest">{digest}</wsse:Password>'
    '<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0'
    '#Base64Binary">{nonce}</wsse:Nonce>'
    '<wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
    "{created}</wsu:Created></wsse:UsernameToken></wsse:Security>"
)
_INFO_FIELDS = {
    "Manufacturer": "manufacturer",
    "Model": "model",
    "FirmwareVersion": "firmware",
    "SerialNumber": "serial",
}

Element = Any
"""A parsed element (xml.etree's Element as defusedxml returns it; the stdlib parser is never imported)."""
SoapAnswer = tuple[int, Element | None]
"""HTTP status and the parsed envelope (None when the body was empty or unreadable)."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def envelope(body: str, header: str = "") -> bytes:
    """A SOAP 1.2 envelope around one device-service operation."""
    return _ENVELOPE.format(header=header, body=body).encode("utf-8")


def username_token(username: str, password: str) -> dict[str, str]:
    """WS-Security UsernameToken with PasswordDigest = base64(sha1(nonce + created + password))."""
    nonce = secrets.token_bytes(16)
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    digest = base64.b64encode(
        hashlib.sha1(nonce + created.encode() + password.encode(), usedforsecurity=False).digest()
    )
    return {"user": username, "digest": digest.decode(), "nonce": base64.b64encode(nonce).decode(), "created": created}


def username_token_header(username: str, password: str) -> str:
    """The wsse:Security header carrying a fresh UsernameToken digest (values XML-escaped)."""
    token = {k: html.escape(v) for k, v in username_token(username, password).items()}
    return _SECURITY_HEADER.format(**token)


async def post_soap(ctx: ProbeContext, port: int, body: bytes, probe: str, tls: bool) -> SoapAnswer | None:
    """POST to /onvif/device_service; None (with an anomaly) when the request fails or the XML is unsafe."""
    answer = await fetch_or_note(
        ctx,
        url_for(ctx.address, port, DEVICE_SERVICE, tls),
        ctx.limits.max_body,
        probe,
        port,
        method="POST",
        content=body,
        headers=_SOAP_TYPE,
    )
    if answer is None:
        return None
    status, _, data, truncated = answer
    if truncated:
        ctx.anomaly("oversize", f"ONVIF answer over {ctx.limits.max_body} bytes", port, probe)
        return None
    if not data.strip():
        return status, None
    try:
        return status, ElementTree.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError) as exc:
        # An HTML error page is an answer from a web server without ONVIF, not a broken SOAP document.
        if status == 200 and not data.lstrip()[:14].lower().startswith((b"<!doctype html", b"<html")):
            ctx.anomaly("parse-error", f"unsafe or malformed XML: {type(exc).__name__}", port, probe)
        return status, None


def is_envelope(root: Element | None) -> bool:
    """True when the document is a SOAP Envelope."""
    return root is not None and _local(root.tag) == "Envelope"


def fault_code(root: Element | None) -> str | None:
    """The innermost fault subcode ('ter:NotAuthorized') or code of a SOAP Fault; None when there is none."""
    if root is None:
        return None
    codes = [
        (value.text or "").strip()
        for element in root.iter()
        if _local(element.tag) in ("Code", "Subcode")
        for value in element
        if _local(value.tag) == "Value"
    ]
    faults = [element for element in root.iter() if _local(element.tag) == "Fault"]
    if not faults:
        return None
    return (codes[-1] if codes else "fault")[:100]


def device_information(root: Element) -> list[tuple[str, str]]:
    """(field, value) pairs of a GetDeviceInformationResponse: manufacturer, model, firmware, serial."""
    out: list[tuple[str, str]] = []
    for element in root.iter():
        field = _INFO_FIELDS.get(_local(element.tag))
        if field is not None and element.text is not None and element.text.strip():
            out.append((field, element.text.strip()[:255]))
    return out


def service_xaddrs(root: Element) -> list[str]:
    """Service addresses (XAddr) a GetCapabilities or GetServices answer lists, in document order, deduplicated."""
    seen: dict[str, None] = {}
    for element in root.iter():
        if _local(element.tag) == "XAddr" and element.text is not None and element.text.strip():
            seen.setdefault(element.text.strip()[:512], None)
        if len(seen) >= 32:
            break
    return list(seen)
