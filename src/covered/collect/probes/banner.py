"""Telnet and SSH: the banner a service volunteers on connect (nothing is sent, no login is tried)."""

from __future__ import annotations

import asyncio
import re

from covered.collect.probes.base import ProbeContext, decode_text, read_bounded
from covered.model import Channel

__all__ = ["BannerProbe"]

# Telnet option negotiation (IAC ...) is not banner text.
_IAC = re.compile(rb"\xff[\xfb-\xfe].|\xff\xfa.*?\xff\xf0|\xff[\xf0-\xfa]", re.DOTALL)


class BannerProbe:
    """Read what telnet (23) or SSH (22) says first."""

    name = "banner"
    channel = Channel.TELNET
    transport = "tcp"
    ports = (23, 22)
    packets = 1
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the banner, or an anomaly when none comes."""
        await ctx.packet()
        writer = None
        ssh = port == 22
        try:
            async with asyncio.timeout(ctx.limits.request_deadline):
                reader, writer = await asyncio.open_connection(ctx.address, port)
                data = await read_bounded(
                    reader,
                    ctx.limits.max_banner,
                    ctx.limits.read_timeout,
                    until=(lambda d: b"\n" in d) if ssh else None,
                )
        except (OSError, TimeoutError) as exc:
            ctx.anomaly("connection", f"{type(exc).__name__}", port, self.name)
            return
        finally:
            if writer is not None:
                writer.close()
        text = decode_text(_IAC.sub(b"", data)).strip()
        if not text:
            return
        if ssh or text.startswith("SSH-"):
            ctx.add(Channel.SSH, "banner", text.splitlines()[0][:255], port, self.name)
        else:
            ctx.add(Channel.TELNET, "banner", text[: ctx.limits.max_banner], port, self.name)
