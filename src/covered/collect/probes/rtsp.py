"""RTSP: OPTIONS and DESCRIBE without credentials; the Server header and the authentication challenge."""

from __future__ import annotations

import asyncio

from covered.collect.probes.base import ProbeContext, decode_text, read_bounded
from covered.model import Channel

__all__ = ["RtspProbe"]


def _headers(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.split("\r\n")[1:]:
        if not line:
            break
        name, sep, value = line.partition(":")
        if sep:
            out.append((name.strip().lower(), value.strip()))
    return out


class RtspProbe:
    """OPTIONS then DESCRIBE on the stream root, reading only headers."""

    name = "rtsp"
    channel = Channel.RTSP
    transport = "tcp"
    ports = (554,)
    packets = 2
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record Server and WWW-Authenticate of the two answers."""
        host = f"[{ctx.address}]" if ":" in ctx.address else ctx.address
        seen: set[tuple[str, str]] = set()
        for cseq, method in enumerate(("OPTIONS", "DESCRIBE"), start=1):
            request = (
                f"{method} rtsp://{host}:{port}/ RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: covered\r\n"
                + ("Accept: application/sdp\r\n" if method == "DESCRIBE" else "")
                + "\r\n"
            )
            await ctx.packet()
            writer = None
            try:
                async with asyncio.timeout(ctx.limits.request_deadline):
                    reader, writer = await asyncio.open_connection(ctx.address, port)
                    writer.write(request.encode("ascii"))
                    await writer.drain()
                    data = await read_bounded(
                        reader, ctx.limits.max_banner, ctx.limits.read_timeout, until=lambda d: b"\r\n\r\n" in d
                    )
            except (OSError, TimeoutError) as exc:
                ctx.anomaly("connection", f"{method}: {type(exc).__name__}", port, self.name)
                return
            finally:
                if writer is not None:
                    writer.close()
            text = decode_text(data)
            if not text.startswith("RTSP/"):
                ctx.anomaly("parse-error", f"{method}: not an RTSP answer", port, self.name)
                return
            for name, value in _headers(text):
                if name in ("server", "www-authenticate") and (name, value) not in seen:
                    seen.add((name, value))
                    ctx.add(Channel.RTSP, name, value[:1024], port, self.name)
