"""Turn structured device answers into the plain fields signatures read.

Device output is hostile input: every value is capped in size before parsing, XML goes through
defusedxml (no entities, no DTDs, no external references), and anything malformed becomes an
``anomaly`` observation instead of an exception.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import json
from collections.abc import Iterator

import mmh3
from cryptography import x509
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.identify.enterprises import parse_engine_id
from covered.model import Channel, Observation

__all__ = ["MAX_STRUCTURED", "derive", "favicon_hashes", "x509_name"]

MAX_STRUCTURED = 65_536
"""Largest XML, JSON, PEM or icon (in characters) parsed; larger answers become an 'oversize' anomaly."""


def x509_name(name: x509.Name) -> str:
    """A certificate name in RFC 4514 form ('CN=...,OU=...,O=...,C=CN'), as Recog and OpenSSL print it."""
    return name.rfc4514_string()


def favicon_hashes(data: bytes) -> tuple[str, str]:
    """MD5 hex digest and the Shodan-style MurmurHash3 (signed 32-bit) of base64 with line breaks every 76."""
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    encoded = codecs.encode(data, "base64")  # MIME base64, newline every 76 characters, as Shodan hashes it
    return md5, str(mmh3.hash(encoded))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_fields(text: str) -> dict[str, str]:
    """Leaf elements of an XML document by local name (first occurrence wins)."""
    root = ElementTree.fromstring(text, forbid_dtd=True)
    out: dict[str, str] = {}
    for element in root.iter():
        if len(element) == 0 and element.text is not None and element.text.strip():
            out.setdefault(_local(element.tag), element.text.strip())
    return out


def _anomaly(parent: Observation, field: str, what: str) -> Observation:
    return parent.model_copy(
        update={
            "channel": Channel.ANOMALY,
            "field": field,
            "value": f"{parent.channel.value}.{parent.field}: {what}"[:500],
        }
    )


def _derived(parent: Observation, channel: Channel, field: str, value: str) -> Observation:
    return parent.model_copy(
        update={
            "channel": channel,
            "field": field,
            "value": value,
            "collector": f"derived from {parent.channel.value}.{parent.field}",
        }
    )


def derive(observation: Observation) -> Iterator[Observation]:
    """Observations implied by a structured one (hashes of an icon, names of a certificate, MAC in a reply)."""
    channel, field, value = observation.channel, observation.field, observation.value
    structured = (channel, field) in _PARSERS
    if not structured:
        return
    if len(value) > MAX_STRUCTURED:
        yield _anomaly(observation, "oversize", f"{len(value)} characters, over the {MAX_STRUCTURED} parsed")
        return
    try:
        yield from _PARSERS[(channel, field)](observation)
    except (DefusedXmlException, ElementTree.ParseError) as exc:
        yield _anomaly(observation, "parse-error", f"unsafe or malformed XML: {type(exc).__name__}")
    except (ValueError, binascii.Error, UnicodeError) as exc:
        yield _anomaly(observation, "parse-error", f"malformed: {exc}")


def _favicon(observation: Observation) -> Iterator[Observation]:
    data = base64.b64decode(observation.value, validate=False)
    md5, murmur = favicon_hashes(data)
    yield _derived(observation, Channel.FAVICON, "md5", md5)
    yield _derived(observation, Channel.FAVICON, "mmh3", murmur)


def _certificate(observation: Observation) -> Iterator[Observation]:
    text = observation.value
    if "-----BEGIN" in text:
        certificate = x509.load_pem_x509_certificate(text.encode("ascii", "replace"))
    else:
        certificate = x509.load_der_x509_certificate(base64.b64decode(text))
    yield _derived(observation, Channel.TLS, "subject", x509_name(certificate.subject))
    yield _derived(observation, Channel.TLS, "issuer", x509_name(certificate.issuer))


def _mac_from(observation: Observation, fields: dict[str, str], *names: str) -> Iterator[Observation]:
    for name in names:
        if fields.get(name):
            yield _derived(observation, Channel.MAC, "address", fields[name])
            return


def _sadp(observation: Observation) -> Iterator[Observation]:
    fields = _xml_fields(observation.value)
    yield from _mac_from(observation, fields, "MAC")


def _isapi(observation: Observation) -> Iterator[Observation]:
    fields = _xml_fields(observation.value)
    yield from _mac_from(observation, fields, "macAddress")


def _upnp(observation: Observation) -> Iterator[Observation]:
    fields = _xml_fields(observation.value)
    if fields.get("manufacturer"):
        yield _derived(observation, Channel.UPNP, "manufacturer", fields["manufacturer"])
    model = fields.get("modelName") or fields.get("modelNumber")
    if model:
        yield _derived(observation, Channel.UPNP, "model", model)


def _dhip(observation: Observation) -> Iterator[Observation]:
    start = observation.value.find("{")
    if start < 0:
        raise ValueError("no JSON object in DHIP reply")
    document = json.loads(observation.value[start:])
    if not isinstance(document, dict):
        raise ValueError("DHIP reply is not a JSON object")
    params = document.get("params", {})
    info = params.get("deviceInfo", {}) if isinstance(params, dict) else {}
    # The MAC sits at the top level of client.notifyDevInfo (device-protocols.md §4.1); some firmware repeats it.
    for mac in (document.get("mac"), info.get("Mac") if isinstance(info, dict) else None):
        if isinstance(mac, str) and mac:
            yield _derived(observation, Channel.MAC, "address", mac)
            return


def _engine_id(observation: Observation) -> Iterator[Observation]:
    # RFC 3411 section 5: an engine ID of format 3 carries a MAC address of the agent's device.
    engine = parse_engine_id(observation.value)
    if engine.format == "mac":
        yield _derived(observation, Channel.MAC, "address", engine.detail)


_PARSERS = {
    (Channel.FAVICON, "bytes"): _favicon,
    (Channel.SNMP, "engine-id"): _engine_id,
    (Channel.TLS, "pem"): _certificate,
    (Channel.SADP, "reply"): _sadp,
    (Channel.ISAPI, "deviceinfo"): _isapi,
    (Channel.UPNP, "description"): _upnp,
    (Channel.DHIP, "reply"): _dhip,
}
