"""A chunk whose task fails every try: the worker reports it, the centre marks it failed, the scan does not hang."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from covered.cluster.celery_engine import CeleryEngine
from covered.cluster.orders import ChunkOrder
from covered.cluster.sites import queue_site_scan, site_progress
from covered.collect.scanner import ScanOptions
from covered.sim import Fleet, FleetSpec
from covered.store import Store
from covered.store.schema import ScanChunkRow, ScanHostRow, ScanRow
from tests.cluster.conftest import Processes, Sites, block, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


class BrokenSecondChunk:
    """The real engine, except that chunk 1's order carries scan options no worker can read."""

    def __init__(self, engine: CeleryEngine) -> None:
        self.engine = engine

    def prepare_site(self, site: str) -> None:
        self.engine.prepare_site(site)

    def remove_site(self, site: str) -> None:
        self.engine.remove_site(site)

    def depth(self, site: str) -> int | None:
        return self.engine.depth(site)

    def submit(self, order: ChunkOrder) -> None:
        if order.seq == 1:
            order = dataclasses.replace(order, options={**order.options, "limits": {"no_such_limit": 1}})
        self.engine.submit(order)


def _scan(store: Store, scan_id: int) -> ScanRow:
    with store.session() as session:
        row = session.get(ScanRow, scan_id)
        assert row is not None
        return row


def test_a_chunk_failing_every_try_fails_its_scan_with_the_reason(
    sites: Sites, store: Store, processes: Processes, pg_url: str, amqp_url: str
) -> None:
    fleet = Fleet(FleetSpec(size=10, seed=41, base=block(7), idle_timeout=5))
    fleet.start_blocking()
    try:
        name, credentials = sites.add([f"{block(7)}/24"], rate=2000)
        processes.start("centre", "centre", "--db", pg_url, "--broker", amqp_url)
        processes.start(
            "worker", "worker", "--site", name, "--name", f"{name}-w", "--retries", "2", "--retry-delay", "0.5",
            env={"COVERED_BROKER_URL": credentials.url},
        )
        engine = BrokenSecondChunk(sites.engine)
        queued = queue_site_scan(store, engine, name, [f"{block(7)}-6"], ScanOptions(kernel_neighbours=False), 3)
        assert queued.chunks == 2
        wait_for(lambda: _scan(store, queued.scan_id).status == "failed", 240, "the scan is marked failed")
        scan = _scan(store, queued.scan_id)
        assert scan.finished_at is not None
        with store.session() as session:
            chunks = {c.seq: c for c in session.scalars(select(ScanChunkRow).where(ScanChunkRow.scan_id == scan.id))}
            hosts = {h.address: h for h in session.scalars(select(ScanHostRow).where(ScanHostRow.scan_id == scan.id))}
        assert chunks[0].state == "done"
        assert chunks[1].state == "failed"
        assert chunks[1].worker == f"{name}-w"
        for address in chunks[1].addresses:
            assert hosts[address].state == "error"
            assert f"chunk 1 failed after 3 tries on {name}-w: TypeError" in str(hosts[address].error)
            assert "no_such_limit" in str(hosts[address].error)
        # The good chunk's devices are kept; the failed chunk's hosts have no results.
        found = {r.address for r in store.results(scan.id)}
        assert found == set(chunks[0].addresses)
        (progress,) = site_progress(store, name)
        assert (progress.status, progress.chunks_done, progress.chunks_failed, progress.chunks_total) == (
            "failed", 1, 1, 2,
        )
        assert progress.failure is not None
        assert "no_such_limit" in progress.failure
        # The worker tried the bad chunk three times (first try and two retries) before giving up.
        assert processes.log("worker").count("no_such_limit") >= 1
        shown = subprocess.run(
            [sys.executable, "-m", "covered", "sites", "status", name, "--db", pg_url],
            capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "300"}, check=False,
        )
        assert shown.returncode == 0, shown.stderr
        assert "failed" in shown.stdout
        assert "1/2" in shown.stdout
        assert "no_such_limit" in shown.stdout
    finally:
        fleet.stop_blocking()
