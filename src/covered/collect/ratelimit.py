"""Rate limits for fragile camera networks: a global packet budget and a per-host one (token buckets)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

__all__ = ["RateLimiter", "TokenBucket"]


@dataclass
class TokenBucket:
    """`rate` tokens per second, holding at most `burst`."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 when one is)."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Spend one token (call only after wait_time returned 0)."""
        self.tokens -= 1


class RateLimiter:
    """Every packet a probe sends first takes a token from the global bucket and from its host's bucket."""

    def __init__(self, global_rate: float, per_host_rate: float) -> None:
        # Small bursts: a camera network should see a steady trickle, not spikes.
        self._global = TokenBucket(global_rate, max(1.0, min(global_rate / 10, 50.0)))
        self._per_host_rate = per_host_rate
        self._hosts: dict[str, TokenBucket] = {}
        self._held: dict[str, _Held] = {}
        self._lock = asyncio.Lock()
        self.sent = 0

    async def acquire(self, host: str) -> None:
        """Wait until both the global and the host's budget allow one more packet."""
        bucket = self._hosts.get(host)
        if bucket is None:
            bucket = self._hosts[host] = TokenBucket(self._per_host_rate, max(1.0, min(self._per_host_rate / 4, 5.0)))
        while True:
            async with self._lock:
                now = time.monotonic()
                shared_wait, own_wait = self._global.wait_time(now), bucket.wait_time(now)
                delay = max(shared_wait, own_wait)
                if delay == 0:
                    self._global.take()
                    bucket.take()
                    self.sent += 1
                    return
            if shared_wait <= own_wait:
                await asyncio.sleep(delay)
                continue
            # Held back by the other hosts' share of the global budget rather than by its own.
            held = self._held.setdefault(host, _Held())
            held.enter(time.monotonic())
            try:
                await asyncio.sleep(delay)
            finally:
                held.leave(time.monotonic())

    def held(self, host: str) -> float:
        """Seconds this host has spent waiting only for the global budget (overlapping waits counted once).

        A host's deadline excludes this time: with many hosts in flight, the budget they share, not the
        host, is what is slow, and cutting the host short would lose its answers.
        """
        held = self._held.get(host)
        return 0.0 if held is None else held.total(time.monotonic())

    def forget(self, host: str) -> None:
        """Drop a finished host's bucket."""
        self._hosts.pop(host, None)
        self._held.pop(host, None)


@dataclass
class _Held:
    """Union of the intervals in which at least one of a host's packets waited for the global budget."""

    waiting: int = 0
    since: float = 0.0
    done: float = 0.0

    def enter(self, now: float) -> None:
        if self.waiting == 0:
            self.since = now
        self.waiting += 1

    def leave(self, now: float) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.done += now - self.since

    def total(self, now: float) -> float:
        return self.done + (now - self.since if self.waiting else 0.0)
