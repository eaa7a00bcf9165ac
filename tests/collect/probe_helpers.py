"""Helpers for probe tests: a ProbeContext on loopback and tiny hostile TCP servers that always stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

from covered.collect.probes import Limits, ProbeContext
from covered.collect.probes.tls import unverified_context
from covered.collect.ratelimit import RateLimiter

FAST = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)
SECOND_OCTET = 150 + os.getpid() % 50
"""Probe tests bind 127.<150..199>.x.y by process id, so concurrent test runs rarely collide."""


def fleet_base(block: int) -> str:
    """First address of a block reserved for one test module."""
    return f"127.{SECOND_OCTET}.{block}.1"


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def context(address: str, limits: Limits = FAST) -> AsyncIterator[ProbeContext]:
    """A probe context for one loopback address with a generous rate budget."""
    # No keep-alive, as in the scanner's client: every connection is closed when its answer is read.
    async with httpx.AsyncClient(
        verify=unverified_context(),
        trust_env=False,
        timeout=limits.read_timeout,
        limits=httpx.Limits(max_keepalive_connections=0),
    ) as http:
        yield ProbeContext(address=address, limiter=RateLimiter(2000, 200), limits=limits, http=http)


@contextlib.asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[int]:
    """A TCP server on 127.0.0.1 running `handler` per connection; yields its port and always closes it."""

    async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(guarded, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 2)


class UdpAgent(asyncio.DatagramProtocol):
    """Answers each datagram with up to four replies; keeps what it received."""

    def __init__(self, reply: Callable[[bytes], list[bytes]]) -> None:
        self.reply = reply
        self.transport: asyncio.DatagramTransport | None = None
        self.received: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.received.append(data)
        if self.transport is not None:
            for answer in self.reply(data)[:4]:
                self.transport.sendto(answer, addr)


@contextlib.asynccontextmanager
async def udp_agent(reply: Callable[[bytes], list[bytes]]) -> AsyncIterator[tuple[int, UdpAgent]]:
    """A UDP server on 127.0.0.1 answering each datagram with `reply(datagram)`; always closed."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(lambda: UdpAgent(reply), local_addr=("127.0.0.1", 0))
    try:
        yield transport.get_extra_info("sockname")[1], protocol
    finally:
        transport.close()
