"""Just enough BER for SNMP v2c GetRequest/GetResponse of a few scalar OIDs (RFC 3416), bounded and strict.

Only what covered sends and reads: INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER, SEQUENCE and the
GetRequest/GetResponse PDUs, plus the SNMPv3 engine-ID discovery exchange (RFC 3414 section 4: an
unauthenticated, reportable GetRequest with an empty user and engine ID, answered by a Report that carries
msgAuthoritativeEngineID). Anything else in a reply is skipped or reported as malformed.

A maintained SNMP library (pysnmp) was considered: it brings a full engine, MIB compiler and pyasn1 for
what is here two fixed messages, and the simulator shares this codec, so it stays small and local.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "SYS_DESCR",
    "SYS_NAME",
    "SYS_OBJECT_ID",
    "USM_UNKNOWN_ENGINE_IDS",
    "BerError",
    "SnmpResponse",
    "V3Message",
    "decode_oid",
    "decode_response",
    "decode_v3",
    "encode_get",
    "encode_oid",
    "encode_v3",
    "encode_v3_discovery",
    "encode_v3_report",
]

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
USM_UNKNOWN_ENGINE_IDS = "1.3.6.1.6.3.15.1.1.4.0"
"""usmStatsUnknownEngineIDs.0, the counter a discovery Report carries (RFC 3414 section 5)."""

_INTEGER, _OCTETS, _NULL, _OID, _SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
_GET_REQUEST, _GET_RESPONSE, _REPORT = 0xA0, 0xA2, 0xA8
_COUNTER32, _GAUGE32, _TIMETICKS = 0x41, 0x42, 0x43
_USM = 3
_REPORTABLE = 0x04
_MAX_MESSAGE = 65_535


class BerError(ValueError):
    """A malformed or unexpected SNMP message."""


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, value: bytes) -> bytes:
    """One BER tag-length-value."""
    return bytes([tag]) + _length(len(value)) + value


def integer(value: int) -> bytes:
    """A BER INTEGER."""
    length = max(1, (value.bit_length() + 8) // 8)
    return tlv(_INTEGER, value.to_bytes(length, "big", signed=True))


def encode_oid(oid: str) -> bytes:
    """Dotted OID -> BER content bytes (without tag and length)."""
    parts = [int(p) for p in oid.split(".")]
    if len(parts) < 2 or parts[0] > 2 or parts[1] > 39:
        raise BerError(f"bad OID {oid!r}")
    out = bytearray([parts[0] * 40 + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        out.extend(reversed(chunk))
    return bytes(out)


def decode_oid(content: bytes) -> str:
    """BER OID content bytes -> dotted string."""
    if not content or len(content) > 128:
        raise BerError("OID length out of range")
    first = content[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    value = 0
    for byte in content[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    if content[-1] & 0x80:
        raise BerError("truncated OID")
    return ".".join(str(p) for p in parts)


def encode_get(community: str, request_id: int, oids: list[str]) -> bytes:
    """An SNMP v2c GetRequest message."""
    varbinds = b"".join(tlv(_SEQUENCE, tlv(_OID, encode_oid(o)) + tlv(_NULL, b"")) for o in oids)
    pdu = tlv(_GET_REQUEST, integer(request_id) + integer(0) + integer(0) + tlv(_SEQUENCE, varbinds))
    return tlv(_SEQUENCE, integer(1) + tlv(_OCTETS, community.encode("utf-8")) + pdu)


def _read(data: bytes, offset: int) -> tuple[int, bytes, int]:
    """(tag, content, next offset) of the TLV at offset."""
    if offset + 2 > len(data):
        raise BerError("truncated TLV")
    tag = data[offset]
    length = data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 3 or offset + count > len(data):
            raise BerError("bad length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    end = offset + length
    if end > len(data):
        raise BerError("value runs past the message")
    return tag, data[offset:end], end


@dataclass(frozen=True, slots=True)
class SnmpResponse:
    """A decoded GetResponse: community, request id, error status and the values by OID."""

    community: str
    request_id: int
    error_status: int
    values: dict[str, str]


def decode_response(data: bytes) -> SnmpResponse:
    """Decode a v2c GetResponse; values are strings (OIDs dotted, octet strings decoded leniently)."""
    if len(data) > _MAX_MESSAGE:
        raise BerError("message too large")
    tag, message, _ = _read(data, 0)
    if tag != _SEQUENCE:
        raise BerError("not an SNMP message")
    tag, version, offset = _read(message, 0)
    if tag != _INTEGER or int.from_bytes(version, "big") != 1:
        raise BerError("not SNMP v2c")
    tag, community, offset = _read(message, offset)
    if tag != _OCTETS:
        raise BerError("bad community")
    tag, pdu, _ = _read(message, offset)
    if tag != _GET_RESPONSE:
        raise BerError(f"unexpected PDU type 0x{tag:02x}")
    _, request_id, offset = _read(pdu, 0)
    _, error_status, offset = _read(pdu, offset)
    _, _, offset = _read(pdu, offset)
    tag, varbinds, _ = _read(pdu, offset)
    values: dict[str, str] = {}
    position = 0
    while position < len(varbinds) and len(values) < 64:
        _, varbind, position = _read(varbinds, position)
        tag, oid, inner = _read(varbind, 0)
        if tag != _OID:
            raise BerError("varbind without OID")
        value_tag, value, _ = _read(varbind, inner)
        name = decode_oid(oid)
        if value_tag == _OCTETS:
            values[name] = value.decode("utf-8", "backslashreplace")
        elif value_tag == _OID:
            values[name] = decode_oid(value)
        elif value_tag == _INTEGER:
            values[name] = str(int.from_bytes(value, "big", signed=True))
        elif value_tag in (_COUNTER32, _GAUGE32, _TIMETICKS) and len(value) <= 5:
            values[name] = str(int.from_bytes(value, "big"))
    return SnmpResponse(
        community.decode("utf-8", "replace"),
        int.from_bytes(request_id, "big", signed=True),
        int.from_bytes(error_status, "big"),
        values,
    )


def _integer_value(tag: int, content: bytes, what: str) -> int:
    if tag != _INTEGER or not 1 <= len(content) <= 5:
        raise BerError(f"bad {what}")
    return int.from_bytes(content, "big", signed=True)


@dataclass(frozen=True, slots=True)
class V3Message:
    """An SNMPv3 message with USM security parameters (RFC 3412 section 6, RFC 3414 section 2.4)."""

    msg_id: int
    flags: int
    engine_id: bytes
    engine_boots: int
    engine_time: int
    user_name: bytes
    pdu_type: int
    request_id: int
    oids: list[str]


def encode_v3(
    msg_id: int,
    request_id: int,
    *,
    pdu_type: int = _GET_REQUEST,
    flags: int = _REPORTABLE,
    engine_id: bytes = b"",
    engine_boots: int = 0,
    engine_time: int = 0,
    varbinds: bytes = b"",
) -> bytes:
    """An SNMPv3 message without authentication or privacy (noAuthNoPriv), user name empty."""
    header = tlv(_SEQUENCE, integer(msg_id) + integer(65507) + tlv(_OCTETS, bytes([flags])) + integer(_USM))
    usm = tlv(
        _SEQUENCE,
        tlv(_OCTETS, engine_id)
        + integer(engine_boots)
        + integer(engine_time)
        + tlv(_OCTETS, b"")
        + tlv(_OCTETS, b"")
        + tlv(_OCTETS, b""),
    )
    pdu = tlv(pdu_type, integer(request_id) + integer(0) + integer(0) + tlv(_SEQUENCE, varbinds))
    scoped = tlv(_SEQUENCE, tlv(_OCTETS, engine_id) + tlv(_OCTETS, b"") + pdu)
    return tlv(_SEQUENCE, integer(3) + header + tlv(_OCTETS, usm) + scoped)


def encode_v3_discovery(msg_id: int, request_id: int) -> bytes:
    """The RFC 3414 section 4 discovery probe: reportable, noAuthNoPriv, empty engine ID, user and varbinds."""
    return encode_v3(msg_id, request_id)


def decode_v3(data: bytes) -> V3Message:
    """Decode an SNMPv3 message sent in the clear (a Report or a discovery request); raises BerError."""
    if len(data) > _MAX_MESSAGE:
        raise BerError("message too large")
    tag, message, _ = _read(data, 0)
    if tag != _SEQUENCE:
        raise BerError("not an SNMP message")
    tag, version, offset = _read(message, 0)
    if _integer_value(tag, version, "version") != 3:
        raise BerError("not SNMPv3")
    tag, header, offset = _read(message, offset)
    if tag != _SEQUENCE:
        raise BerError("bad msgGlobalData")
    tag, msg_id, inner = _read(header, 0)
    msg_id_value = _integer_value(tag, msg_id, "msgID")
    tag, max_size, inner = _read(header, inner)
    _integer_value(tag, max_size, "msgMaxSize")
    tag, flags, inner = _read(header, inner)
    if tag != _OCTETS or len(flags) != 1:
        raise BerError("bad msgFlags")
    tag, model, inner = _read(header, inner)
    if _integer_value(tag, model, "msgSecurityModel") != _USM:
        raise BerError("not the user-based security model")
    if flags[0] & 0x02:
        raise BerError("encrypted scoped PDU")
    tag, security, offset = _read(message, offset)
    if tag != _OCTETS:
        raise BerError("bad msgSecurityParameters")
    tag, usm, _ = _read(security, 0)
    if tag != _SEQUENCE:
        raise BerError("bad UsmSecurityParameters")
    tag, engine_id, inner = _read(usm, 0)
    if tag != _OCTETS or len(engine_id) > 32:
        raise BerError("bad msgAuthoritativeEngineID")
    tag, boots, inner = _read(usm, inner)
    boots_value = _integer_value(tag, boots, "msgAuthoritativeEngineBoots")
    tag, engine_time, inner = _read(usm, inner)
    time_value = _integer_value(tag, engine_time, "msgAuthoritativeEngineTime")
    tag, user, inner = _read(usm, inner)
    if tag != _OCTETS or len(user) > 32:
        raise BerError("bad msgUserName")
    tag, scoped, _ = _read(message, offset)
    if tag != _SEQUENCE:
        raise BerError("bad scopedPDU")
    tag, _, inner = _read(scoped, 0)  # contextEngineID
    if tag != _OCTETS:
        raise BerError("bad contextEngineID")
    tag, _, inner = _read(scoped, inner)  # contextName
    if tag != _OCTETS:
        raise BerError("bad contextName")
    pdu_type, pdu, _ = _read(scoped, inner)
    if pdu_type not in (_GET_REQUEST, _GET_RESPONSE, _REPORT):
        raise BerError(f"unexpected PDU type 0x{pdu_type:02x}")
    tag, request_id, position = _read(pdu, 0)
    request_value = _integer_value(tag, request_id, "request-id")
    _, _, position = _read(pdu, position)
    _, _, position = _read(pdu, position)
    tag, varbinds, _ = _read(pdu, position)
    if tag != _SEQUENCE:
        raise BerError("no varbind list")
    oids: list[str] = []
    position = 0
    while position < len(varbinds):
        if len(oids) >= 64:
            raise BerError("too many bindings")
        _, varbind, position = _read(varbinds, position)
        tag, oid, _ = _read(varbind, 0)
        if tag != _OID:
            raise BerError("varbind without OID")
        oids.append(decode_oid(oid))
    return V3Message(msg_id_value, flags[0], engine_id, boots_value, time_value, user, pdu_type, request_value, oids)


def encode_v3_report(msg_id: int, request_id: int, engine_id: bytes, engine_boots: int, engine_time: int) -> bytes:
    """The Report an agent answers discovery with: its engine ID and usmStatsUnknownEngineIDs.0 (RFC 3414 4)."""
    counter = tlv(_COUNTER32, (1).to_bytes(1, "big"))
    varbind = tlv(_SEQUENCE, tlv(_OID, encode_oid(USM_UNKNOWN_ENGINE_IDS)) + counter)
    return encode_v3(
        msg_id,
        request_id,
        pdu_type=_REPORT,
        flags=0,
        engine_id=engine_id,
        engine_boots=engine_boots,
        engine_time=engine_time,
        varbinds=varbind,
    )
