"""IANA private enterprise numbers: the maker an SNMP sysObjectID or SNMPv3 engine ID points to.

A sysObjectID is the agent's own OID under ``1.3.6.1.4.1.<enterprise>`` (RFC 3418 sysObjectID: "the vendor's
authoritative identification of the network management subsystem"). An SNMPv3 engine ID whose first bit is set
carries the enterprise number in its first four octets with that bit set (RFC 3411 section 5, SnmpEngineID);
pre-RFC 3411 engine IDs of 12 octets carry it in the first four octets without the bit.

The shipped table (``registry/data/enterprises.yml``) lists only the tracked makers' registrations, with the
registrant spelled exactly as the IANA registry does. Only a registration by the vendor itself can support a
restricted claim; a subsidiary or joint venture is brand-only evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from covered.model import Channel, EnterpriseRegistrant, Evidence, Observation, SignatureClaim, Vendor

__all__ = [
    "EngineId",
    "EnterpriseDatabase",
    "EnterpriseRegistrant",
    "enterprise_evidence",
    "enterprise_of_oid",
    "parse_engine_id",
]


_ENTERPRISE_OID = re.compile(r"^\s*(?:\.?1\.3\.6\.1\.4\.1|(?:SNMPv2-SMI::)?enterprises)\.(\d{1,10})(?:\.|\s*$)")


def enterprise_of_oid(oid: str) -> int | None:
    """The enterprise number of an OID under 1.3.6.1.4.1 (also 'SNMPv2-SMI::enterprises.N'); None otherwise."""
    match = _ENTERPRISE_OID.match(oid)
    if match is None:
        return None
    number = int(match.group(1))
    return number if number < 2**32 else None


_FORMATS = {1: "ipv4", 2: "ipv6", 3: "mac", 4: "text", 5: "octets"}


@dataclass(frozen=True, slots=True)
class EngineId:
    """An SnmpEngineID split into its parts (RFC 3411 section 5)."""

    raw: bytes
    enterprise: int | None
    format: str
    detail: str


def parse_engine_id(hex_text: str) -> EngineId:
    """Decode a hex engine ID; raises ValueError when it is not hex or outside 5..32 octets (RFC 3411)."""
    raw = bytes.fromhex(hex_text.strip())
    if not 5 <= len(raw) <= 32:
        raise ValueError(f"engine ID of {len(raw)} octets (RFC 3411 allows 5 to 32)")
    head = int.from_bytes(raw[:4], "big")
    if raw[0] & 0x80:
        enterprise = head & 0x7FFFFFFF
        kind = raw[4]
        body = raw[5:]
        name = _FORMATS.get(kind, "enterprise-specific" if kind >= 128 else f"reserved-{kind}")
        if kind == 1 and len(body) == 4:
            detail = ".".join(str(b) for b in body)
        elif kind == 3 and len(body) == 6:
            detail = ":".join(f"{b:02x}" for b in body)
        elif kind == 4:
            detail = body.decode("ascii", "backslashreplace")
        else:
            detail = body.hex()
        return EngineId(raw, enterprise, name, detail)
    if len(raw) == 12:
        # Pre-RFC 3411 form (RFC 2571): enterprise number, then 8 octets chosen by the enterprise.
        return EngineId(raw, head, "rfc2571", raw[4:].hex())
    return EngineId(raw, None, "unknown", raw.hex())


@dataclass
class EnterpriseDatabase:
    """Look-up of the shipped enterprise registrations by number."""

    entries: Iterable[EnterpriseRegistrant] = ()
    _by_number: dict[int, EnterpriseRegistrant] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self._by_number.setdefault(entry.number, entry)

    def get(self, number: int) -> EnterpriseRegistrant | None:
        """The registration of that number, if it is one of the tracked makers'."""
        return self._by_number.get(number)

    def __len__(self) -> int:
        return len(self._by_number)


def enterprise_evidence(
    database: EnterpriseDatabase, vendors: Mapping[str, Vendor], index: int, observation: Observation
) -> list[Evidence]:
    """What an SNMP sysObjectID or engine ID says through the enterprise number it sits under."""
    channel, field_name, value = observation.channel, observation.field, observation.value
    if channel is not Channel.SNMP or field_name not in ("sysobjectid", "engine-id"):
        return []
    if field_name == "sysobjectid":
        number = enterprise_of_oid(value)
        where = f"sysObjectID under 1.3.6.1.4.1.{number}"
    else:
        try:
            number = parse_engine_id(value).enterprise
        except ValueError:
            return []
        where = f"SNMPv3 engine ID naming enterprise {number}"
    if number is None:
        return []
    entry = database.get(number)
    if entry is None:
        return []
    vendor = vendors.get(entry.vendor) if entry.vendor is not None else None
    if vendor is None:
        claim = SignatureClaim.GENERIC
    elif vendor.restricted:
        claim = SignatureClaim.RESTRICTED if entry.own else SignatureClaim.BRAND_ONLY
    else:
        claim = SignatureClaim.GENERIC
    if vendor is None:
        conclusion = f"{where}, registered to {entry.registrant} (names no tracked maker)"
    else:
        status = "a restricted vendor" if vendor.restricted else "not restricted"
        relation = "" if entry.own else f", a company related to {vendor.name}"
        conclusion = f"{where}, registered to {entry.registrant}{relation}: points to {vendor.name} ({status})"
    return [
        Evidence(
            observation=index,
            channel=channel,
            field=field_name,
            value=value if len(value) <= 200 else value[:197] + "...",
            matcher=f"iana-pen:{number}",
            reference=entry.reference,
            licence="facts",
            vendor=entry.vendor,
            brand=entry.brand,
            claim=claim,
            confidence=entry.confidence,
            protocol=claim is SignatureClaim.RESTRICTED,
            conclusion=conclusion,
        )
    ]
