"""Hikvision SDK port (TCP 8000, SDK over TLS on 8443) and the EZVIZ local ports 9010/9020: what they answer.

No login is sent. The probe connects, reads whatever the port volunteers for a moment (nmap's NULL probe),
then sends the two bytes pairs nmap's GenericLines probe sends (``\\r\\n\\r\\n``, a request no protocol
accepts) and reads the answer. Hikvision firmware answers a request it cannot parse with a 16-byte frame:
a big-endian length 0x10 followed by an error code twice and four zero bytes
(nmap/nmap@db4aefddfa348ec815ffa83a109c97e05db88766:nmap-service-probes#L1821 ``\\0\\0\\0\\x10\\0\\0\\0\\x1e
\\0\\0\\0\\x1e\\0\\0\\0\\0`` "Hikvision IPCam control port"; #L14039 the same frame with code 0x0d as
"hik-connect"). nmap tries NULL-probe matches on every probe's answer, so the frame is the reply to such a
foreign request. The raw answer is recorded as lower-case hex in ``hik-sdk/reply``; the signature file
``hik-sdk_reply.yml`` decides what it means. EZVIZ units keep 8000 and 8443 and add 9010 (localCmdPort) and
9020 (localStreamPort) (RenierM26/ha-ezviz#58; RenierM26/pyEzvizApi#274, where both stay silent to generic
probes): whatever they say is recorded the same way, and silence is not an anomaly.
"""

from __future__ import annotations

import asyncio
import ssl

from covered.collect.probes.base import ProbeContext, read_bounded
from covered.collect.probes.http import HttpProbe
from covered.collect.probes.tls import unverified_context
from covered.model import Channel

__all__ = ["GENERIC_LINES", "SDK_FRAME_SIZE", "HikSdkProbe", "sdk_reply"]

GENERIC_LINES = b"\r\n\r\n"
"""nmap's GenericLines probe payload: no protocol's valid request, harmless to any listener."""
SDK_FRAME_SIZE = 16
"""Size of the Hikvision SDK error frame (length 0x10, code, code, zero)."""
MAX_REPLY = 256
"""Bytes of an answer kept: the SDK frame is 16, a longer answer is something else and its start is enough."""
_SDK_LENGTH = b"\x00\x00\x00\x10"


def sdk_reply(data: bytes) -> str:
    """The answer as lower-case hex (what ``hik-sdk/reply`` stores)."""
    return data[:MAX_REPLY].hex()


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close the connection (a TLS one with its close_notify) within a second, else drop it."""
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1.0)
    except (OSError, TimeoutError, ssl.SSLError):
        writer.transport.abort()


class HikSdkProbe:
    """Greeting, then one GenericLines request, on the Hikvision SDK and EZVIZ local ports."""

    name = "hik-sdk"
    channel = Channel.HIK_SDK
    transport = "tcp"
    ports = (8000, 8443, 9010, 9020)
    packets = 4  # connect and one request; the HTTP probe's two more when a web server answers
    needs_credentials = False
    tls_ports = (8443,)

    def __init__(self) -> None:
        self._context = unverified_context()

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record what the port answers (hex), or an anomaly when the answer is a broken SDK frame."""
        tls = port in self.tls_ports
        await ctx.packet()
        writer = None
        data = b""
        try:
            async with asyncio.timeout(ctx.limits.request_deadline):
                reader, writer = await asyncio.open_connection(
                    ctx.address, port, ssl=self._context if tls else None, server_hostname=None
                )
                # A short wait for a volunteered greeting; the GenericLines request follows if none comes.
                data = await read_bounded(reader, MAX_REPLY, min(1.0, ctx.limits.read_timeout / 3))
                if not data:
                    await ctx.packet()
                    writer.write(GENERIC_LINES)
                    await writer.drain()
                    data = await read_bounded(
                        reader, MAX_REPLY, ctx.limits.read_timeout, until=lambda d: len(d) >= SDK_FRAME_SIZE
                    )
        except TimeoutError:
            pass  # a port that stays silent (EZVIZ 9010/9020) is not misbehaving
        except (OSError, ssl.SSLError) as exc:
            if not data and not tls:  # TLS failures on 8443 are the TLS probe's to report
                ctx.anomaly("connection", f"{type(exc).__name__}", port, self.name)
        finally:
            if writer is not None:
                await _close(writer)
        if not data:
            return
        if tls and data.startswith(b"HTTP/"):
            return  # an HTTPS server on 8443: the HTTP probe reads it
        if data.startswith(_SDK_LENGTH) and len(data) < SDK_FRAME_SIZE:
            ctx.anomaly("parse-error", f"truncated SDK frame ({len(data)} of 16 bytes): {data.hex()}", port, self.name)
            return
        ctx.add(Channel.HIK_SDK, "reply", sdk_reply(data), port, self.name)
        if data.startswith(b"HTTP/"):
            # 8000 is also a common alternative web port (port_hints.yml): read it as a web server then.
            await HttpProbe().probe(ctx, port)
