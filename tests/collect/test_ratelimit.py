"""The shared rate budget: time a host waits for it is measured, and does not count against the host's deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from covered.collect.probes import Limits
from covered.collect.ratelimit import RateLimiter
from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import PortSpec, Scope
from covered.identify import identifier_for
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from covered.store import open_store


async def _send(limiter: RateLimiter, host: str, packets: int) -> None:
    await asyncio.gather(*(limiter.acquire(host) for _ in range(packets)))


def test_waiting_behind_other_hosts_is_held_time() -> None:
    async def run() -> tuple[float, float]:
        limiter = RateLimiter(global_rate=20, per_host_rate=1000)
        start = time.monotonic()
        await asyncio.gather(_send(limiter, "a", 15), _send(limiter, "b", 15))
        return limiter.held("a"), time.monotonic() - start

    held, elapsed = asyncio.run(run())
    # 30 packets at 20/s (burst 2): about 1.4 s, most of it spent queued for the shared budget.
    assert elapsed > 1.0
    assert 0.5 < held <= elapsed + 0.05


def test_a_host_slowed_by_its_own_budget_holds_nothing() -> None:
    async def run() -> tuple[float, float]:
        limiter = RateLimiter(global_rate=10_000, per_host_rate=10)
        start = time.monotonic()
        await _send(limiter, "a", 8)
        return limiter.held("a"), time.monotonic() - start

    held, elapsed = asyncio.run(run())
    assert elapsed > 0.3
    assert held == 0.0


def test_forgetting_a_host_drops_its_held_time() -> None:
    async def run() -> float:
        limiter = RateLimiter(global_rate=10, per_host_rate=1000)
        await asyncio.gather(_send(limiter, "a", 4), _send(limiter, "b", 4))
        limiter.forget("a")
        return limiter.held("a")

    assert asyncio.run(run()) == 0.0


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(personas=("hikvision-camera",) * 6, seed=3, base="127.34.0.1")
    running = Fleet(spec)
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def test_many_hosts_at_a_low_overall_rate_are_not_cut_short(registry: Registry, fleet: Fleet, tmp_path: Path) -> None:
    # Six hosts share 30 packets/s; each needs far more packets than its 2 s deadline's share (10) allows,
    # so without the held-time allowance every host is cut short and its maker lost.
    store = open_store(tmp_path / "scan.db")
    options = ScanOptions(
        ports=PortSpec(tcp=(80, 554, 8000, 8443), udp=()),
        rate=30,
        per_host_rate=20,
        concurrency=6,
        host_deadline=2.0,
        limits=Limits(connect_timeout=2.0, read_timeout=3.0, request_deadline=6.0),
    )
    last = fleet.devices[-1].address.rsplit(".", 1)[1]
    planned = plan_scan(store, [f"{fleet.devices[0].address}-{last}"], None, Scope(), options)
    assert run_planned(store, identifier_for(registry), planned) == "complete"
    rows = device_rows(store, planned.scan_id)
    assert len(rows) == 6
    assert [facts["error"] for _, facts in rows] == [None] * 6
    assert {a.vendor for a, _ in rows} == {"hikvision"}
