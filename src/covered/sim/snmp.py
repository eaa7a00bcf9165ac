"""A minimal SNMP v1/v2c agent: GetRequest and GetNextRequest over a tiny MIB, community 'public' only.

A bounded BER decoder (definite lengths up to two bytes, at most 32 variable bindings, datagrams up to
1,472 bytes) and an encoder for GetResponse. A wrong community, another PDU type or anything malformed gets
no answer at all, like a real agent. MIB values per persona: Hikvision sysObjectID under enterprise 39165 and
.39165.1.1.0/.1.3.0 model and firmware (librenms hikvision-cam.snmprec); Dahua sysDescr DH-<model> and
sysObjectID .1004849.3.2.10 (librenms dahua-nvr.snmprec); Huawei VRP sysDescr (rapid7/recog) under 2011.
SNMP-only personas answer sysObjectID and sysName only; a device whose line says ``snmp: v3`` ignores v1/v2c
and answers SNMPv3 engine-ID discovery (RFC 3414 section 4) with a Report naming its engine ID (RFC 3411
section 5: enterprise number with the high bit set, then format 3 and the MAC, or net-snmp's format 128).
"""

from __future__ import annotations

from dataclasses import dataclass

from covered.collect.snmp_ber import BerError, decode_oid, decode_v3, encode_oid, encode_v3_report, integer, tlv
from covered.sim.plan import Device

__all__ = ["BerError", "answer", "decode_oid", "encode_oid", "engine_id", "mib_for", "parse_request", "respond"]

MAX_DATAGRAM = 1472
MAX_BINDINGS = 32
COMMUNITY = b"public"
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
_GET, _GET_NEXT, _RESPONSE = 0xA0, 0xA1, 0xA2


@dataclass(frozen=True, slots=True)
class SnmpRequest:
    """A decoded GetRequest/GetNextRequest."""

    version: int
    community: bytes
    pdu_type: int
    request_id: int
    oids: list[str]


def _readtlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the TLV at ``pos``."""
    if pos + 2 > len(data):
        raise BerError("truncated")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    elif first in (0x81, 0x82):
        count = first - 0x80
        if pos + count > len(data):
            raise BerError("truncated length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        raise BerError("unsupported length form")
    if pos + length > len(data):
        raise BerError("value past the end")
    return tag, pos, pos + length


def _int(data: bytes, start: int, end: int) -> int:
    if end - start > 8 or end == start:
        raise BerError("integer size")
    return int.from_bytes(data[start:end], "big", signed=True)


def parse_request(data: bytes) -> SnmpRequest:
    """Decode a v1/v2c GetRequest or GetNextRequest; raises BerError on anything else."""
    if len(data) > MAX_DATAGRAM:
        raise BerError("datagram too large")
    tag, start, _end = _readtlv(data, 0)
    if tag != 0x30:
        raise BerError("not a sequence")
    tag, v_start, v_end = _readtlv(data, start)
    if tag != 0x02:
        raise BerError("no version")
    version = _int(data, v_start, v_end)
    tag, c_start, c_end = _readtlv(data, v_end)
    if tag != 0x04 or version not in (0, 1):
        raise BerError("no community or unsupported version")
    community = data[c_start:c_end]
    pdu_type, p_start, p_end = _readtlv(data, c_end)
    if pdu_type not in (_GET, _GET_NEXT):
        raise BerError("unsupported PDU")
    tag, r_start, r_end = _readtlv(data, p_start)
    request_id = _int(data, r_start, r_end)
    _, _, e_end = _readtlv(data, r_end)  # error-status
    _, _, i_end = _readtlv(data, e_end)  # error-index
    tag, b_start, b_end = _readtlv(data, i_end)
    if tag != 0x30 or b_end > p_end:
        raise BerError("no varbind list")
    oids: list[str] = []
    pos = b_start
    while pos < b_end:
        if len(oids) >= MAX_BINDINGS:
            raise BerError("too many bindings")
        tag, vb_start, vb_end = _readtlv(data, pos)
        if tag != 0x30:
            raise BerError("bad varbind")
        tag, o_start, o_end = _readtlv(data, vb_start)
        if tag != 0x06:
            raise BerError("bad oid")
        oids.append(decode_oid(data[o_start:o_end]))
        pos = vb_end
    return SnmpRequest(version, community, pdu_type, request_id, oids)


def mib_for(device: Device, sys_descr: bytes | None = None) -> dict[str, tuple[str, bytes]]:
    """The device's MIB: OID -> (type, encoded value) with type 'string' or 'oid'."""
    family, model = device.persona.family, device.model.name
    mib: dict[str, tuple[str, bytes]] = {}
    if family == "snmp-only":
        # Only what the blind-test devices said: sysObjectID under the maker's arc and a sysName, no sysDescr.
        mib[SYS_OBJECT_ID] = ("oid", encode_oid(device.string("sysobjectid", "1.3.6.1.4.1.8072.3.2.10")))
        mib[SYS_NAME] = ("string", device.string("sysname", model).encode())
        return mib
    if family == "hikvision":
        descr, object_id = model, "1.3.6.1.4.1.39165.1.1"
        mib["1.3.6.1.4.1.39165.1.1.0"] = ("string", model.encode())
        mib["1.3.6.1.4.1.39165.1.3.0"] = ("string", f"{device.firmware} build {device.build}".encode())
    elif family == "dahua":
        descr, object_id = model.replace("DHI-", "DH-", 1), "1.3.6.1.4.1.1004849.3.2.10"
    elif family == "huawei":
        object_id = device.string("sysobjectid", "1.3.6.1.4.1.2011")
        if device.string("vrp"):
            descr = (
                "Huawei Versatile Routing Platform Software\r\nVRP (R) software, "
                f"Version {device.string('vrp')} ({model} {device.firmware}) "
                "Copyright (C) 2011-2012 HUAWEI TECH CO., LTD"
            )
        else:
            descr = f"Huawei {model}"
    else:
        descr, object_id = model, device.string("sysobjectid", "1.3.6.1.4.1.8072.3.2.10")
    mib[SYS_DESCR] = ("string", sys_descr if sys_descr is not None else descr.encode())
    mib[SYS_OBJECT_ID] = ("oid", encode_oid(object_id))
    mib[SYS_NAME] = ("string", model.encode())
    return mib


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split(".") if p.isdigit())


def answer(data: bytes, mib: dict[str, tuple[str, bytes]]) -> bytes | None:
    """The GetResponse datagram, or None (wrong community, malformed, unsupported)."""
    try:
        request = parse_request(data)
    except (BerError, ValueError):
        return None
    if request.community != COMMUNITY:
        return None
    ordered = sorted(mib, key=_oid_key)
    bindings = b""
    error_status = error_index = 0
    for position, oid in enumerate(request.oids, start=1):
        target = oid
        if request.pdu_type == _GET_NEXT:
            later = [o for o in ordered if _oid_key(o) > _oid_key(oid)]
            target = later[0] if later else ""
        entry = mib.get(target)
        if entry is None:
            if request.version == 0:
                error_status, error_index = 2, position  # noSuchName
                value = tlv(0x05, b"")
            else:
                value = tlv(0x82 if request.pdu_type == _GET_NEXT else 0x80, b"")  # endOfMibView / noSuchObject
            target = target or oid
        else:
            kind, raw = entry
            value = tlv(0x06 if kind == "oid" else 0x04, raw)
        bindings += tlv(0x30, tlv(0x06, encode_oid(target)) + value)
    pdu = integer(request.request_id) + integer(error_status) + integer(error_index) + tlv(0x30, bindings)
    message = integer(request.version) + tlv(0x04, request.community) + tlv(_RESPONSE, pdu)
    return tlv(0x30, message)


def engine_id(device: Device) -> bytes:
    """The device's SnmpEngineID (RFC 3411 section 5): its maker's enterprise number with the high bit set."""
    enterprise = int(device.string("enterprise", "8072"))
    head = (0x80000000 | enterprise).to_bytes(4, "big")
    if device.string("engine") == "netsnmp":
        return head + b"\x80" + bytes.fromhex(device.secret[:16])  # net-snmp: format 128, 8 random octets
    return head + b"\x03" + bytes.fromhex(device.mac.replace(":", ""))  # format 3: the MAC address


def _v3_report(device: Device, data: bytes) -> bytes | None:
    try:
        request = decode_v3(data)
    except BerError:
        return None
    # Only the discovery form gets a Report: unknown (empty) engine ID, reportable flag, GetRequest PDU.
    if request.engine_id or not request.flags & 0x04 or request.pdu_type != _GET:
        return None
    return encode_v3_report(request.msg_id, request.request_id, engine_id(device), 1, 86_400)


def respond(device: Device, data: bytes, sys_descr: bytes | None = None) -> bytes | None:
    """The datagram the device's agent sends back: v1/v2c GetResponse, v3 discovery Report, or nothing."""
    if len(data) > MAX_DATAGRAM:
        return None
    mode = device.string("snmp", "v2c")
    if data[2:5] == b"\x02\x01\x03" or data[3:6] == b"\x02\x01\x03":  # version 3, short or long length form
        return _v3_report(device, data) if mode in ("v3", "v2c+v3") else None
    if mode == "v3":
        return None
    return answer(data, mib_for(device, sys_descr))
