"""A UDP question whose first datagram is lost is asked again within the same read timeout: a real socket on
loopback that ignores the first datagram it gets and answers the next."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from covered.collect.probes import Limits
from covered.collect.probes.base import ProbeContext
from covered.collect.probes.udp import exchange
from covered.collect.ratelimit import RateLimiter


class _LosesTheFirst(asyncio.DatagramProtocol):
    """Answers every datagram but the first, as a network that dropped one packet would look."""

    def __init__(self) -> None:
        self.seen = 0
        self.silent = False
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.seen += 1
        if self.seen > 1 and not self.silent:
            self.transport.sendto(b"answer:" + data, addr)


async def _ask(tries: int, *, silent: bool = False) -> tuple[bytes | None, int]:
    loop = asyncio.get_running_loop()
    transport, server = await loop.create_datagram_endpoint(_LosesTheFirst, local_addr=("127.0.0.1", 0))
    server.silent = silent
    port = transport.get_extra_info("sockname")[1]
    try:
        async with httpx.AsyncClient() as http:
            limits = Limits(read_timeout=0.6, udp_tries=tries)
            ctx = ProbeContext(address="127.0.0.1", limiter=RateLimiter(1000, 100), limits=limits, http=http)
            answer = await exchange(ctx, port, b"question")
            await asyncio.sleep(0.05)  # let a datagram still on its way arrive before counting
            return answer, server.seen
    finally:
        transport.close()


def test_a_lost_datagram_is_sent_again_and_answered() -> None:
    answer, seen = asyncio.run(_ask(2))
    assert answer == b"answer:question"
    assert seen == 2


def test_with_one_try_the_lost_datagram_means_no_answer() -> None:
    answer, seen = asyncio.run(_ask(1))
    assert answer is None
    assert seen == 1


def test_a_device_that_never_answers_is_asked_the_set_number_of_times() -> None:
    answer, seen = asyncio.run(_ask(3, silent=True))
    assert answer is None
    assert seen == 3
