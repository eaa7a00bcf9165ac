"""Hikvision SADP responder (UDP 37020): answers an XML ``inquiry`` Probe with a ProbeMatch.

Field set, order and spellings (the ``flase`` misspelling, dash-separated lower-case MAC, CommandPort 8000,
DeviceSN = model + date + batch + serial) follow the real DS-2CD2385G1-I capture in
shared/research/device-protocols.md §3.1 (the hikvision-sadp-probematch signature's second example).
Only ``inquiry`` and ``inquiry_v32`` are answered; management types are ignored.
"""

from __future__ import annotations

import hashlib
import html
import re

from covered.sim.hostile import xml_answer
from covered.sim.plan import Device

__all__ = ["parse_inquiry", "probe_match"]

MAX_PROBE = 4096
_TYPES = re.compile(rb"<Types>\s*(inquiry(?:_v32)?)\s*</Types>")
_UUID = re.compile(rb"<Uuid>\s*([0-9A-Za-z-]{1,64})\s*</Uuid>")


def parse_inquiry(data: bytes) -> tuple[str, str] | None:
    """(Uuid, Types) of an SADP inquiry Probe, or None for anything else (no XML parser: a fixed shape)."""
    if len(data) > MAX_PROBE or b"<Probe>" not in data or b"<!" in data:
        return None
    types = _TYPES.search(data)
    if types is None:
        return None
    uuid = _UUID.search(data)
    return (uuid.group(1).decode() if uuid else ""), types.group(1).decode()


def probe_match(device: Device, uuid: str, types: str) -> bytes:
    """The ProbeMatch a Hikvision(-built) device sends back."""
    mac = device.mac.lower().replace(":", "-")
    firmware = f"{device.firmware}build {device.build}" if device.build else device.firmware
    channels = ("0", "1") if device.model.kind not in ("NVR", "DVR") else ("0", "8")
    salt = hashlib.sha256(f"salt:{device.secret}".encode()).hexdigest()
    fields = [
        ("Uuid", uuid or device.uuid.upper()),
        ("Types", types),
        ("DeviceType", device.device_type),
        ("DeviceDescription", device.model.name),
        ("DeviceSN", device.serial),
        ("CommandPort", "8000"),
        ("HttpPort", "80"),
        ("MAC", mac),
        ("IPv4Address", device.address),
        ("IPv4SubnetMask", "255.0.0.0"),
        ("IPv4Gateway", "127.0.0.1"),
        ("IPv6Address", "::"),
        ("IPv6Gateway", "::"),
        ("IPv6MaskLen", "64"),
        ("DHCP", "false"),
        ("AnalogChannelNum", channels[0]),
        ("DigitalChannelNum", channels[1]),
        ("SoftwareVersion", firmware),
        ("DSPVersion", f"V7.3 build {device.build}" if device.build else "V7.3"),
        ("BootTime", "1970-01-15 02:44:11"),
        ("Encrypt", "true"),
        ("ResetAbility", "false"),
        ("DiskNumber", "0" if device.model.kind not in ("NVR", "DVR") else "1"),
        ("Activated", "true"),
        ("PasswordResetAbility", "true"),
        ("PasswordResetModeSecond", "true"),
        ("DetailOEMCode", "1"),
        ("SupportSecurityQuestion", "true"),
        ("SupportHCPlatform", "true"),
        ("HCPlatformEnable", "flase"),
        ("IsModifyVerificationCode", "true"),
        ("Salt", salt),
        ("DeviceLock", "flase"),
        ("SDKOverTLSPort", "8443"),
        ("SDKServerStatus", "true"),
        ("SDKOverTLSServerStatus", "true"),
        ("SupportMailBox", "true"),
    ]
    body = "".join(f"\t<{name}>{html.escape(value)}</{name}>\n" for name, value in fields)
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n<ProbeMatch>\n{body}</ProbeMatch>\n'
    return xml_answer(device, document).encode("utf-8")
