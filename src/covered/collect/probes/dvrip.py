"""Dahua DVRIP on TCP 37777: the realm request, answered before any login with the device's 'Login to <serial>'.

DVRIP is client-first (the device volunteers nothing). The probe sends the 32-byte "request realm" header
that precedes a DVRIP login (mcw0/DahuaConsole@5f8f35b13437d06e6e9b01f63bc151303939eda2:net.py#L2153:
``a0 01 00 00`` + 20 zero bytes + ``05 02 01 01 00 00 a1 aa``) and stops there: no user name, password or
hash is ever sent, the same as reading an HTTP Digest challenge. The device answers with a 32-byte header
whose first bytes are ``b0 00`` or ``b0 01`` and whose little-endian uint32 at offset 4 is the length of
the text that follows (net.py#L1705-L1711 ``len_expect = u32(dh_data[4:8]) + 32``); the text carries the
realm ``Login to <serial>`` and a random number (net.py#L2164-L2165). The text is recorded in
``dvrip/reply``; anything else on 37777 is an anomaly, never a claim.
"""

from __future__ import annotations

import asyncio

from covered.collect.probes.base import ProbeContext, decode_text, read_bounded
from covered.model import Channel

__all__ = ["REALM_REQUEST", "DvripProbe", "parse_dvrip"]

REALM_REQUEST = bytes.fromhex("a0010000") + bytes(20) + bytes.fromhex("050201010000a1aa")
"""The DVRIP 'request realm' header (32 bytes, no payload)."""
HEADER_SIZE = 32
MAX_TEXT = 4096
"""Largest realm text read; real answers are under 100 bytes."""
_ANSWER_CODES = (b"\xb0\x00", b"\xb0\x01")


class DvripError(ValueError):
    """An answer on 37777 that is not a DVRIP realm answer."""


def parse_dvrip(data: bytes) -> tuple[str, int, int]:
    """(text, bytes read, declared length) of a DVRIP answer, header checked; raises DvripError."""
    if len(data) < HEADER_SIZE:
        raise DvripError(f"short answer ({len(data)} bytes): {data[:32].hex()}")
    if data[:2] not in _ANSWER_CODES:
        raise DvripError(f"not a DVRIP answer (first bytes {data[:8].hex()})")
    length = int.from_bytes(data[4:8], "little")
    body = data[HEADER_SIZE : HEADER_SIZE + min(length, MAX_TEXT)]
    return decode_text(body).strip("\x00 \r\n"), len(body), length


class DvripProbe:
    """Send the DVRIP realm request once and record the realm text."""

    name = "dvrip"
    channel = Channel.DVRIP
    transport = "tcp"
    ports = (37777,)
    packets = 2
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the realm text, or an anomaly for silence, a foreign protocol or a truncated answer."""
        await ctx.packet()
        writer = None
        try:
            async with asyncio.timeout(ctx.limits.request_deadline):
                reader, writer = await asyncio.open_connection(ctx.address, port)
                await ctx.packet()
                writer.write(REALM_REQUEST)
                await writer.drain()

                def complete(d: bytes) -> bool:
                    return len(d) >= HEADER_SIZE and len(d) >= HEADER_SIZE + int.from_bytes(d[4:8], "little")

                data = await read_bounded(reader, HEADER_SIZE + MAX_TEXT, ctx.limits.read_timeout, until=complete)
        except (OSError, TimeoutError) as exc:
            ctx.anomaly("connection", f"{type(exc).__name__}", port, self.name)
            return
        finally:
            if writer is not None:
                writer.close()
        if not data:
            ctx.anomaly("timeout", "no answer to the DVRIP realm request", port, self.name)
            return
        try:
            text, read, declared = parse_dvrip(data)
        except DvripError as exc:
            ctx.anomaly("parse-error", str(exc), port, self.name)
            return
        if declared > MAX_TEXT:
            ctx.anomaly("oversize", f"DVRIP text of {declared} bytes; {MAX_TEXT} read", port, self.name)
        elif read < declared:
            ctx.anomaly("parse-error", f"DVRIP answer cut short ({read} of {declared} bytes)", port, self.name)
        if text:
            ctx.add(Channel.DVRIP, "reply", text[:MAX_TEXT], port, self.name)
