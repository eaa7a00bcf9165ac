"""Dahua DVRIP on TCP 37777: the answer to the realm request, and a look-alike that speaks something else.

Reply layout from mcw0/DahuaConsole@5f8f35b13437d06e6e9b01f63bc151303939eda2:net.py: a 32-byte header
starting ``b0 00``/``b0 01`` whose little-endian uint32 at offset 4 is the text length (#L1705-L1711),
then text from which the client cuts the realm at 'Login to' up to the first CRLF and the random number
after the last ':' up to two characters before the last CRLF (#L2164-L2165), so the text ends CRLF CRLF.
The bytes of the header after offset 8 were not in the sources read and are zero here.
"""

from __future__ import annotations

from covered.sim.plan import Device

__all__ = ["LOOKALIKE_37777", "REALM_REQUEST", "realm_answer"]

REALM_REQUEST = bytes.fromhex("a0010000") + bytes(20) + bytes.fromhex("050201010000a1aa")
"""The 32-byte DVRIP realm request (net.py#L2153)."""
LOOKALIKE_37777 = b"ERROR unknown command\r\n"
"""A made-up line protocol answer for the look-alike persona (not from any device)."""


def realm_answer(device: Device, request: bytes) -> bytes | None:
    """The device's answer to the client's first 32 bytes on 37777; None for silence."""
    if device.string("dvrip_port") == "other":
        return LOOKALIKE_37777
    if len(request) < 32 or request[:2] != b"\xa0\x01":
        return None
    random = int(device.secret[:8], 16) % 10_000_000
    text = f"Realm:Login to {device.serial}\r\nRandom:{random}\r\n\r\n".encode()
    return b"\xb0\x01\x00\x00" + len(text).to_bytes(4, "little") + bytes(24) + text
