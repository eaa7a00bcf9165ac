"""ONVIF responders: WS-Discovery ProbeMatches (UDP 3702) and the SOAP device service on HTTP.

Shapes follow shared/research/device-protocols.md §1 and §2: Hikvision scopes name/HIKVISION%20<model>,
hardware/<model>, location/city/hangzhou, MAC/<mac> on newer firmware, MetadataVersion 10, EndpointReference
whose last 12 hex digits are the MAC; Dahua scopes location/country/china, name/<brand>, hardware/<model>,
type/Network_Video_Transmitter, extension/unique_identifier. GetSystemDateAndTime answers without
credentials; GetDeviceInformation and GetScopes need a WS-UsernameToken (or HTTP credentials).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from urllib.parse import quote

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.sim.auth import wsse_valid
from covered.sim.hostile import xml_answer
from covered.sim.plan import Device

__all__ = ["SoapRequest", "device_service", "parse_probe", "parse_soap", "probe_matches", "scopes"]

MAX_PROBE = 8192
_WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
_WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_NAMESPACES = (
    'xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:SOAP-ENC="http://www.w3.org/2003/05/soap-encoding" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
    'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
    'xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" '
    'xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:ter="http://www.onvif.org/ver10/error"'
)
_ONVIF = "onvif://www.onvif.org/"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_probe(data: bytes) -> tuple[str, list[str]] | None:
    """(MessageID, requested types) of a WS-Discovery Probe, or None if the datagram is not one."""
    if len(data) > MAX_PROBE:
        return None
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    message_id, types, is_probe = "", [], False
    for element in root.iter():
        name = _local(element.tag)
        if name == "MessageID" and element.text:
            message_id = element.text.strip()[:200]
        elif name == "Probe" and element.tag.startswith("{" + _WSD):
            is_probe = True
        elif name == "Types" and element.text:
            types = element.text.split()[:16]
    return (message_id, types) if is_probe else None


def scopes(device: Device) -> list[str]:
    """The device's WS-Discovery scopes, per vendor family."""
    family, model = device.persona.family, device.model.name
    if family == "hikvision":
        out = [f"{_ONVIF}type/video_encoder", f"{_ONVIF}Profile/Streaming", f"{_ONVIF}Profile/G"]
        if device.string("onvif_mac"):
            out += [f"{_ONVIF}Profile/T", f"{_ONVIF}MAC/{device.mac.lower()}"]
        else:
            out += [f"{_ONVIF}type/audio_encoder"]
        label = "HIKVISION" if device.persona.brand in ("hikvision-brand", None) else device.persona.label
        out += [
            f"{_ONVIF}hardware/{quote(model, safe='-()')}",
            f"{_ONVIF}name/{quote(label + ' ' + model, safe='-()')}",
            f"{_ONVIF}location/city/hangzhou",
        ]
        return out
    if family == "dahua":
        return [
            f"{_ONVIF}location/country/china",
            f"{_ONVIF}name/{quote(device.string('onvif_name', 'Dahua'))}",
            f"{_ONVIF}hardware/{quote(model, safe='-()')}",
            f"{_ONVIF}Profile/Streaming",
            f"{_ONVIF}type/Network_Video_Transmitter",
            f"{_ONVIF}extension/unique_identifier",
        ]
    # Other makers: the generic scope set of the ONVIF test mock (device-protocols.md#1.3).
    return [
        f"{_ONVIF}Profile/Streaming",
        f"{_ONVIF}type/video_encoder",
        f"{_ONVIF}hardware/{quote(model, safe='-()')}",
        f"{_ONVIF}name/{quote(device.string('onvif_name', device.persona.label))}",
        f"{_ONVIF}location/",
    ]


def _envelope(header: str, body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope {_NAMESPACES}>'
        f"<SOAP-ENV:Header>{header}</SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
    )


def probe_matches(device: Device, relates_to: str, types: list[str], *, oversize: int = 0) -> bytes | None:
    """The unicast ProbeMatches answer, or None when the probe asks for types the device is not."""
    wanted = {t.rsplit(":", 1)[-1] for t in types}
    if wanted and not wanted & {"NetworkVideoTransmitter", "Device"}:
        return None
    scope_list = scopes(device)
    if oversize:
        # 'oversized' persona: a scope list padded to near the largest UDP datagram.
        filler = f"{_ONVIF}extension/" + "x" * 200
        while sum(len(s) + 1 for s in scope_list) < oversize:
            scope_list.append(filler)
    metadata = "10" if device.persona.family == "hikvision" else "1"
    header = (
        f"<wsa:MessageID>urn:uuid:{device.uuid}</wsa:MessageID>"
        f"<wsa:RelatesTo>{html.escape(relates_to)}</wsa:RelatesTo>"
        '<wsa:To SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous'
        "</wsa:To>"
        '<wsa:Action SOAP-ENV:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches'
        "</wsa:Action>"
        f'<wsdd:AppSequence MessageNumber="{device.index % 9000 + 11}" InstanceId="{device.index * 7 + 1}">'
        "</wsdd:AppSequence>"
    )
    body = (
        "<wsdd:ProbeMatches><wsdd:ProbeMatch>"
        f"<wsa:EndpointReference><wsa:Address>urn:uuid:{device.uuid}</wsa:Address></wsa:EndpointReference>"
        "<wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types>"
        f"<wsdd:Scopes>{html.escape(' '.join(scope_list))}</wsdd:Scopes>"
        f"<wsdd:XAddrs>http://{device.address}/onvif/device_service</wsdd:XAddrs>"
        f"<wsdd:MetadataVersion>{metadata}</wsdd:MetadataVersion>"
        "</wsdd:ProbeMatch></wsdd:ProbeMatches>"
    )
    return xml_answer(device, _envelope(header, body)).encode("utf-8")


@dataclass(frozen=True, slots=True)
class SoapRequest:
    """The operation a SOAP request names and its WS-UsernameToken, if any."""

    operation: str
    user: str | None = None
    password: str | None = None
    password_type: str | None = None
    nonce: str | None = None
    created: str | None = None


def parse_soap(body: bytes) -> SoapRequest | None:
    """The operation (first element of the SOAP Body) and UsernameToken of a request; None if unreadable."""
    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    operation = ""
    fields: dict[str, str | None] = {}
    for element in root.iter():
        name = _local(element.tag)
        if name == "Body" and len(element):
            operation = _local(element[0].tag)
        elif name in ("Username", "Nonce", "Created") and element.tag.startswith(("{" + _WSSE, "{" + _WSU)):
            fields[name] = (element.text or "").strip()
        elif name == "Password" and element.tag.startswith("{" + _WSSE):
            fields["Password"] = (element.text or "").strip()
            fields["Type"] = element.get("Type")
    return SoapRequest(
        operation,
        fields.get("Username"),
        fields.get("Password"),
        fields.get("Type"),
        fields.get("Nonce"),
        fields.get("Created"),
    )


def _fault(code: str, subcode: str, reason: str) -> str:
    return (
        f"<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:{code}</SOAP-ENV:Value>"
        f"<SOAP-ENV:Subcode><SOAP-ENV:Value>{subcode}</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code>"
        f'<SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">{reason}</SOAP-ENV:Text></SOAP-ENV:Reason>'
        "</SOAP-ENV:Fault>"
    )


def _date_time(now: dt.datetime) -> str:
    def stamp(moment: dt.datetime) -> str:
        return (
            f"<tt:Time><tt:Hour>{moment.hour}</tt:Hour><tt:Minute>{moment.minute}</tt:Minute>"
            f"<tt:Second>{moment.second}</tt:Second></tt:Time><tt:Date><tt:Year>{moment.year}</tt:Year>"
            f"<tt:Month>{moment.month}</tt:Month><tt:Day>{moment.day}</tt:Day></tt:Date>"
        )

    local = now + dt.timedelta(hours=8)
    return (
        "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
        "<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8:00:00</tt:TZ></tt:TimeZone>"
        f"<tt:UTCDateTime>{stamp(now)}</tt:UTCDateTime><tt:LocalDateTime>{stamp(local)}</tt:LocalDateTime>"
        "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
    )


def _manufacturer(device: Device) -> str:
    if device.persona.family == "hikvision":
        return "HIKVISION" if device.persona.brand in ("hikvision-brand", "ezviz") else device.persona.label
    return device.string("manufacturer", device.persona.label)


def _firmware(device: Device) -> str:
    if device.persona.family == "hikvision" and device.build:
        return f"{device.firmware} build {device.build}"
    if device.persona.family == "dahua" and device.build:
        return f"{device.firmware}, Build Date {device.build}"
    return device.firmware


def device_service(
    device: Device, body: bytes, *, http_authorized: bool, username: str, password: str
) -> tuple[int, str]:
    """HTTP status and SOAP document answering a POST to /onvif/device_service."""
    request = parse_soap(body)
    if request is None:
        fault = _fault("Sender", "ter:WellFormed", "The request is not well-formed XML")
        return 400, xml_answer(device, _envelope("", fault))
    authorized = http_authorized or wsse_valid(
        request.user, request.password, request.password_type, request.nonce, request.created, username, password
    )
    operation = request.operation
    if operation == "GetSystemDateAndTime":
        return 200, xml_answer(device, _envelope("", _date_time(dt.datetime.now(dt.UTC))))
    if operation in ("GetDeviceInformation", "GetScopes", "GetNetworkInterfaces", "GetUsers"):
        # Personas with 'onvif_open' answer GetDeviceInformation without credentials, as many devices do.
        if operation == "GetDeviceInformation" and device.string("onvif_open") == "1":
            authorized = True
        if not authorized:
            fault = _fault("Sender", "ter:NotAuthorized", "Sender not Authorized")
            return 401, xml_answer(device, _envelope("", fault))
        if operation == "GetDeviceInformation":
            info = (
                "<tds:GetDeviceInformationResponse>"
                f"<tds:Manufacturer>{html.escape(_manufacturer(device))}</tds:Manufacturer>"
                f"<tds:Model>{html.escape(device.model.name)}</tds:Model>"
                f"<tds:FirmwareVersion>{html.escape(_firmware(device))}</tds:FirmwareVersion>"
                f"<tds:SerialNumber>{html.escape(device.serial)}</tds:SerialNumber>"
                "<tds:HardwareId>1.00</tds:HardwareId></tds:GetDeviceInformationResponse>"
            )
            return 200, xml_answer(device, _envelope("", info))
        if operation == "GetScopes":
            items = "".join(
                f"<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>{html.escape(s)}</tt:ScopeItem>"
                "</tds:Scopes>"
                for s in scopes(device)
            )
            return 200, xml_answer(device, _envelope("", f"<tds:GetScopesResponse>{items}</tds:GetScopesResponse>"))
        fault = _fault("Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented")
        return 400, _envelope("", fault)
    if operation in ("GetCapabilities", "GetServices"):
        xaddr = f"http://{device.address}/onvif/device_service"
        answer = (
            f"<tds:{operation}Response><tds:Capabilities><tt:Device><tt:XAddr>{xaddr}</tt:XAddr></tt:Device>"
            f"</tds:Capabilities></tds:{operation}Response>"
        )
        return 200, xml_answer(device, _envelope("", answer))
    fault = _fault("Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented")
    return 400, _envelope("", fault)
