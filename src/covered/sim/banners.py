"""Greeting texts of the line protocols: telnet login prompts, SSH identification, Hikvision SDK port bytes.

Telnet prompts are rapid7/recog telnet_banners.xml examples ('192.0.0.64 login:' Hikvision; 'Welcome Visiting
Huawei Home Gateway...'; the VRP Stelnet warning; 'ZXHN H108N\\r\\nLogin:'; 'F668\\r\\n\\rLogin:') and
'(none) login:' for the generic BusyBox honeypot. BusyBox-based firmware opens with telnetd's option
negotiation (IAC DO ECHO, IAC DO NAWS, IAC WILL ECHO, IAC WILL SGA), so a reader must strip IAC sequences.
"""

from __future__ import annotations

from covered.sim.hostile import banner_bytes
from covered.sim.plan import Device

__all__ = ["HIK_SDK_REPLY", "ssh_banner", "telnet_banner"]

BUSYBOX_IAC = bytes([255, 253, 1, 255, 253, 31, 255, 251, 1, 255, 251, 3])
HIK_SDK_REPLY = b"\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00"
"""Bytes nmap-service-probes (line 1821) records from the Hikvision SDK port 8000."""


def telnet_banner(device: Device) -> bytes:
    """What the device sends when a telnet client connects."""
    family = device.persona.family
    if family == "hikvision":
        return BUSYBOX_IAC + banner_bytes(device, "192.0.0.64 login: ")
    if family == "huawei":
        return banner_bytes(device, device.string("telnet", "Login:"))
    if family == "zte":
        separator = "\r\n" if device.line.name == "zxhn" else "\r\n\r"
        return banner_bytes(device, f"{device.model.name}{separator}Login: ")
    return BUSYBOX_IAC + banner_bytes(device, "(none) login: ")


def ssh_banner(device: Device) -> bytes:
    """The SSH identification line (RFC 4253 §4.2)."""
    name = device.string("ssh", "SSH-2.0-dropbear_2019.78")
    return banner_bytes(device, name).replace(b"\r", b"").replace(b"\n", b"") + b"\r\n"
