"""A small, bounded HTTP/1.1 server engine for the emulated devices (no dependency beyond asyncio).

Requests are read with a capped head (the stream limit), a capped body and an idle timeout; at most a few
requests per connection. Responses keep header names exactly as written (Dahua firmware sends upper-case
names) and may stream a large body in fixed chunks for the 'oversized' persona.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from email.utils import format_datetime
from urllib.parse import parse_qsl, urlsplit

__all__ = ["MAX_BODY", "MAX_HEAD", "Output", "Request", "Response", "read_request", "write_response"]

MAX_HEAD = 16_384
MAX_BODY = 65_536
MAX_REQUESTS = 8
_CHUNK = 65_536
_REASONS = {
    200: "OK",
    302: "Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed HTTP request."""

    method: str
    target: str
    path: str
    query: dict[str, str]
    version: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass(slots=True)
class Response:
    """An HTTP response; ``stream`` > 0 sends that many filler bytes instead of ``body``."""

    status: int
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    body: bytes = b""
    stream: int = 0
    upper: bool = False
    reason: str | None = None
    date: bool = True


class Output:
    """Writes to a connection, normally or byte by byte ('slow' trickle), and never past a time budget."""

    def __init__(self, writer: asyncio.StreamWriter, *, trickle: float = 0.0) -> None:
        self.writer = writer
        self.trickle = trickle

    async def send(self, data: bytes) -> None:
        """Write and drain (trickle mode: one byte per interval until the budget is spent, then stop)."""
        if self.trickle > 0:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.trickle
            for index in range(len(data)):
                if loop.time() > deadline:
                    raise ConnectionAbortedError("trickle budget spent")
                self.writer.write(data[index : index + 1])
                await self.writer.drain()
                await asyncio.sleep(0.5)
            return
        self.writer.write(data)
        await self.writer.drain()


async def read_request(reader: asyncio.StreamReader, timeout: float) -> Request | None:
    """The next request, or None on EOF, timeout, an oversized head or body, or a malformed request line."""
    try:
        async with asyncio.timeout(timeout):
            head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        return None
    lines = head[:-4].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    body = b""
    length_text = headers.get("content-length", "0")
    if not length_text.isdigit() or int(length_text) > MAX_BODY:
        return None
    if int(length_text):
        try:
            async with asyncio.timeout(timeout):
                body = await reader.readexactly(int(length_text))
        except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            return None
    split = urlsplit(target)
    query = dict(parse_qsl(split.query, keep_blank_values=True)[:32])
    return Request(method, target, split.path or "/", query, version, headers, body)


async def write_response(out: Output, response: Response, version: str, keep_alive: bool) -> None:
    """Serialise and send a response (streamed bodies in 64 KiB chunks)."""
    reason = response.reason or _REASONS.get(response.status, "OK")
    names = [name.lower() for name, _ in response.headers]
    headers = list(response.headers)
    if response.date and "date" not in names:
        headers.insert(0, ("Date", format_datetime(dt.datetime.now(dt.UTC), usegmt=True).encode()))
    length = response.stream if response.stream else len(response.body)
    if "content-length" not in names:
        headers.append(("Content-Length", str(length).encode()))
    if "connection" not in names:
        headers.append(("Connection", b"keep-alive" if keep_alive else b"close"))
    lines = [f"{version} {response.status} {reason}".encode()]
    for name, value in headers:
        lines.append((name.upper() if response.upper else name).encode() + b": " + value)
    await out.send(b"\r\n".join(lines) + b"\r\n\r\n")
    if response.stream:
        chunk = (b"<!-- covered-sim oversized body -->" * (_CHUNK // 35 + 1))[:_CHUNK]
        remaining = response.stream
        while remaining > 0:
            piece = chunk[: min(remaining, _CHUNK)]
            await out.send(piece)
            remaining -= len(piece)
    elif response.body:
        await out.send(response.body)
