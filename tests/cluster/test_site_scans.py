"""Site scans end to end: real broker, real PostgreSQL, real worker processes, emulated fleets on loopback."""

from __future__ import annotations

import signal
from collections import Counter

import pytest
from sqlalchemy import func, select

from covered.cluster.sites import queue_site_scan
from covered.collect.scanner import ScanOptions
from covered.sim import Fleet, FleetSpec
from covered.store import Store
from covered.store.schema import DeviceResultRow, DeviceRow, ObservationRow, ScanChunkRow, ScanRow
from tests.cluster.conftest import Processes, Sites, block, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

OPTIONS = ScanOptions(kernel_neighbours=False)


def _fleet(number: int, size: int, seed: int) -> Fleet:
    fleet = Fleet(FleetSpec(size=size, seed=seed, base=block(number), idle_timeout=5))
    fleet.start_blocking()
    return fleet


def _status(store: Store, scan_id: int) -> str:
    with store.session() as session:
        return str(session.scalar(select(ScanRow.status).where(ScanRow.id == scan_id)))


def _addresses(fleet: Fleet) -> list[str]:
    return [t.address for t in fleet.truth]


def _results(store: Store, scan_id: int) -> Counter[str]:
    return Counter(r.address or "" for r in store.results(scan_id))


def _centre(processes: Processes, pg_url: str, amqp_url: str) -> None:
    processes.start("centre", "centre", "--db", pg_url, "--broker", amqp_url)


def test_three_sites_two_workers_each_find_every_device_once(
    sites: Sites, store: Store, processes: Processes, pg_url: str, amqp_url: str
) -> None:
    fleets = [_fleet(n + 1, 10, seed=20 + n) for n in range(3)]
    try:
        _centre(processes, pg_url, amqp_url)
        scans = {}
        for number in range(len(fleets)):
            name, credentials = sites.add([f"{block(number + 1)}/24"], rate=2000, workers=2)
            for worker in range(2):
                processes.start(
                    f"{name}-{worker}", "worker", "--site", name, "--name", f"{name}-w{worker}",
                    env={"COVERED_BROKER_URL": credentials.url},
                )
            scans[name] = queue_site_scan(store, sites.engine, name, [f"{block(number + 1)}-10"], OPTIONS, 3)
        for name, queued in scans.items():
            assert queued.chunks == 4
            assert queued.hosts == 10
            wait_for(lambda q=queued: _status(store, q.scan_id) == "complete", 300, f"site {name}'s scan completes")
        for fleet, (name, queued) in zip(fleets, scans.items(), strict=True):
            found = _results(store, queued.scan_id)
            assert set(found) == set(_addresses(fleet)), name
            assert max(found.values()) == 1, f"a device was stored twice: {found.most_common(2)}"
            truth = {t.address: t.vendor for t in fleet.truth}
            stored = {r.address: r.vendor for r in store.results(queued.scan_id)}
            assert sum(stored[a] == v for a, v in truth.items() if v) >= 0.8 * sum(1 for v in truth.values() if v)
        with store.session() as session:
            # Tracked devices: one per address across the three sites, never more.
            assert session.scalar(select(func.count()).select_from(DeviceRow)) == 30
            workers = set(session.scalars(select(ScanChunkRow.worker)))
        assert all(w is not None for w in workers)
    finally:
        for fleet in fleets:
            fleet.stop_blocking()


def test_a_killed_worker_loses_nothing_and_doubles_nothing(
    sites: Sites, store: Store, processes: Processes, pg_url: str, amqp_url: str
) -> None:
    fleet = _fleet(5, 10, seed=31)
    try:
        # A low packet budget makes the one chunk take long enough to kill its worker in the middle of it.
        name, credentials = sites.add([f"{block(5)}/24"], rate=8, workers=1)
        _centre(processes, pg_url, amqp_url)
        env = {"COVERED_BROKER_URL": credentials.url}
        first = processes.start("first", "worker", "--site", name, "--name", f"{name}-first", env=env)
        queued = queue_site_scan(store, sites.engine, name, [f"{block(5)}-10"], OPTIONS, 10)
        assert queued.chunks == 1

        def taken() -> bool:
            return sites.engine.depth(name) == 0

        wait_for(taken, 120, "the first worker takes the chunk")
        processes.start("second", "worker", "--site", name, "--name", f"{name}-second", env=env)
        with store.session() as session:
            assert session.scalar(select(ScanChunkRow.state)) == "queued"  # still in the middle of the chunk
        processes.kill(first, signal.SIGKILL)
        wait_for(lambda: _status(store, queued.scan_id) == "complete", 300, "the chunk is redone by the second worker")
        found = _results(store, queued.scan_id)
        assert set(found) == set(_addresses(fleet))
        assert max(found.values()) == 1
        with store.session() as session:
            chunk = session.scalars(select(ScanChunkRow)).one()
            assert chunk.worker == f"{name}-second"
            per_device = Counter(
                session.scalars(select(ObservationRow.device_key).where(ObservationRow.scan_id == queued.scan_id))
            )
            assert session.scalar(select(func.count()).select_from(DeviceResultRow)) == 10
        assert per_device, "the redone chunk stored its observations"
    finally:
        fleet.stop_blocking()
