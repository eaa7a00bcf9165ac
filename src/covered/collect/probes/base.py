"""The Probe protocol every collector implements, and the context a probe runs in (budget, limits, credentials)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from covered.model import Channel, Observation

if TYPE_CHECKING:
    import httpx

    from covered.collect.ratelimit import RateLimiter

__all__ = ["Credentials", "Limits", "Probe", "ProbeContext", "decode_text", "read_bounded"]


@dataclass(frozen=True)
class Credentials:
    """User-supplied device credentials; used only for Digest or WS-UsernameToken digest, never sent in clear."""

    username: str
    password: str


@dataclass(frozen=True)
class Limits:
    """Time and size bounds on everything a device sends."""

    connect_timeout: float = 2.0
    read_timeout: float = 3.0
    request_deadline: float = 8.0
    max_body: int = 65_536
    max_favicon: int = 262_144
    max_banner: int = 4_096
    max_datagram: int = 65_535
    udp_tries: int = 2
    """Datagrams sent per UDP question: one lost on a busy network is sent again within the same read timeout."""


@dataclass
class ProbeContext:
    """Everything a probe of one host needs: where, how fast, how long, with which (optional) credentials."""

    address: str
    limiter: RateLimiter
    limits: Limits
    http: httpx.AsyncClient
    community: str = "public"
    credentials: Credentials | None = None
    observations: list[Observation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    front_pages: dict[int, asyncio.Task[tuple[int, httpx.Headers, bytes, bool] | None]] = field(default_factory=dict)
    """The front page of each web port, fetched once and shared by the probes that read it."""

    def add(self, channel: Channel, field_name: str, value: str, port: int | None, probe: str) -> None:
        """Record one observation of this host."""
        self.observations.append(
            Observation(
                device=self.address,
                channel=channel,
                field=field_name,
                value=value,
                target=self.address,
                port=port,
                time=dt.datetime.now(dt.UTC),
                collector=f"probe:{probe}",
            )
        )

    def anomaly(self, field_name: str, what: str, port: int | None, probe: str) -> None:
        """Record a device misbehaving (timeout, reset, malformed answer) as an observation, quietly."""
        self.add(Channel.ANOMALY, field_name, f"{probe}: {what}"[:500], port, probe)

    async def packet(self) -> None:
        """Wait for the rate budget of one more packet to this host."""
        await self.limiter.acquire(self.address)


class Probe(Protocol):
    """One protocol probe: name, channel, default ports, and the coroutine that returns nothing but observations."""

    @property
    def name(self) -> str:
        """Short probe name, recorded as the observation's collector."""

    @property
    def channel(self) -> Channel:
        """Main channel the probe observes."""

    @property
    def transport(self) -> str:
        """'tcp' or 'udp'."""

    @property
    def ports(self) -> tuple[int, ...]:
        """Ports the probe applies to by default."""

    @property
    def packets(self) -> int:
        """Packets one run sends when answered (its rate budget); a UDP question nothing answers is sent up to
        Limits.udp_tries times, each send paced by the rate limiter like any other."""

    @property
    def needs_credentials(self) -> bool:
        """True for probes that run only with user-supplied credentials."""

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Probe one port of ctx.address, adding observations (and anomalies) to ctx."""


async def read_bounded(
    reader: asyncio.StreamReader, limit: int, deadline: float, until: Callable[[bytes], bool] | None = None
) -> bytes:
    """Read at most `limit` bytes within `deadline` seconds, stopping early once `until(data)` holds."""
    data = bytearray()
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while len(data) < limit:
        remaining = end - loop.time()
        if remaining <= 0:
            break
        try:
            chunk = await asyncio.wait_for(reader.read(min(4096, limit - len(data))), remaining)
        except TimeoutError:
            break
        if not chunk:
            break
        data.extend(chunk)
        if until is not None and until(bytes(data)):
            break
    return bytes(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Device bytes as text: UTF-8 where valid, other bytes kept visible as \\xNN escapes, control bytes dropped."""
    return _CONTROL.sub("", data.decode("utf-8", "backslashreplace"))


AwaitableFactory = Callable[[], Awaitable[None]]
