"""Dahua responders: DHIP discovery on UDP 37810 and the DVRIP realm answer on TCP 37777.

DHIP framing (shared/research/device-protocols.md §4.1, rroller/dahua discovery.py): a 32-byte header
(LE uint32 32, ASCII "DHIP", session, request id, payload length twice as LE uint64) then JSON. Bare JSON or
a bad header gets no answer, as on real firmware. The reply is ``client.notifyDevInfo`` with the MAC at top
level and the device under ``params.deviceInfo``, keys as in the real IPC-HDW1431T1-S4 capture.
"""

from __future__ import annotations

import json
import struct

from covered.sim.plan import Device

__all__ = ["DVRIP_REALM_REQUEST", "dvrip_answer", "notify_dev_info", "pack_dhip", "parse_dhip"]

MAX_DATAGRAM = 8192
HEADER = struct.Struct("<I4sIIQQ")
DVRIP_REALM_REQUEST = bytes.fromhex("a0010000") + bytes(20) + bytes.fromhex("050201010000a1aa")
"""The 32-byte DVRIP realm request of mcw0/DahuaConsole:net.py (device-protocols.md §4.5)."""


def parse_dhip(data: bytes) -> dict[str, object] | None:
    """The JSON body of a DHIP packet with a valid header, or None."""
    if len(data) < HEADER.size or len(data) > MAX_DATAGRAM:
        return None
    size, magic, _session, _request, length, length2 = HEADER.unpack_from(data)
    if size != HEADER.size or magic != b"DHIP" or length != length2 or length > len(data) - HEADER.size:
        return None
    try:
        body = json.loads(data[HEADER.size : HEADER.size + length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return body if isinstance(body, dict) else None


def pack_dhip(payload: bytes, session: int = 0, request: int = 0) -> bytes:
    """A DHIP packet: header then payload."""
    return HEADER.pack(HEADER.size, b"DHIP", session, request, len(payload), len(payload)) + payload


def _device_class(device: Device) -> str:
    return "NVR" if device.model.kind == "NVR" else "IPC"


def notify_dev_info(device: Device, http_port: int = 80) -> bytes:
    """The DHIP packet answering ``DHDiscover.search``."""
    mac = device.mac.lower()
    info = {
        "AlarmInputChannels": 0,
        "AlarmOutputChannels": 0,
        "DeviceClass": _device_class(device),
        "DeviceID": "",
        "DeviceType": device.model.name,
        "Find": "BC",
        "FindVersion": 1,
        "HttpPort": http_port,
        "IPv4Address": {
            "DefaultGateway": "127.0.0.1",
            "DhcpEnable": False,
            "IPAddress": device.address,
            "SubnetMask": "255.0.0.0",
        },
        "IPv6Address": {
            "DefaultGateway": None,
            "DhcpEnable": False,
            "IPAddress": "/0",
            "LinkLocalAddress": f"fe80::{mac[0:2]}{mac[3:5]}:{mac[6:8]}ff:fe{mac[9:11]}:{mac[12:14]}{mac[15:17]}/64",
        },
        "Init": 2714 + device.index % 1000,
        "MachineName": device.serial,
        "Manufacturer": "Private",
        "Port": 37777,
        "RemoteVideoInputChannels": 0,
        "SerialNo": device.serial,
        "UnLoginFuncMask": 1,
        "Vendor": "Private",
        "Version": device.firmware,
        "VideoInputChannels": 1 if _device_class(device) == "IPC" else 8,
        "VideoOutputChannels": 0,
    }
    document = {"mac": mac, "method": "client.notifyDevInfo", "params": {"deviceInfo": info}}
    return pack_dhip(json.dumps(document, separators=(",", ":")).encode("utf-8") + b"\n")


def dvrip_answer(device: Device, request: bytes) -> bytes | None:
    """Answer to a DVRIP realm request on TCP 37777 (text with 'Login to <serial>'), else None.

    DahuaConsole parses the reply with find('Login to') and rfind(':') (device-protocols.md §4.5); the exact
    binary layout of the reply was not in the sources read, so the 32-byte header here is a reasoned guess.
    """
    if len(request) < 32 or request[0] != 0xA0 or request[1] != 0x01:
        return None
    text = f"Realm:Login to {device.serial}\r\nRandom:{int(device.secret[:8], 16) % 10_000_000}\r\n".encode()
    header = bytes([0xB0, 0x01, 0x00, 0x00]) + len(text).to_bytes(4, "little") + bytes(24)
    return header + text
