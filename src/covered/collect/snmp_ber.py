"""Just enough BER for SNMP v2c GetRequest/GetResponse of a few scalar OIDs (RFC 3416), bounded and strict.

Only what covered sends and reads: INTEGER, OCTET STRING, NULL, OBJECT IDENTIFIER, SEQUENCE and the
GetRequest/GetResponse PDUs. Anything else in a reply is skipped or reported as malformed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "SYS_DESCR",
    "SYS_OBJECT_ID",
    "BerError",
    "SnmpResponse",
    "decode_oid",
    "decode_response",
    "encode_get",
    "encode_oid",
]

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"

_INTEGER, _OCTETS, _NULL, _OID, _SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
_GET_REQUEST, _GET_RESPONSE = 0xA0, 0xA2
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
    return SnmpResponse(
        community.decode("utf-8", "replace"),
        int.from_bytes(request_id, "big", signed=True),
        int.from_bytes(error_status, "big"),
        values,
    )
