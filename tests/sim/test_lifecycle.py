"""Start, stop and supervision: signals end run_fleet cleanly, taken ports fail loudly, big fleets start."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from covered.sim import Fleet, FleetSpec, SimError
from tests.sim import clients
from tests.sim.conftest import base

ROOT = Path(__file__).parents[2]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_run_fleet_and_its_workers(tmp_path: Path) -> None:
    truth = tmp_path / "truth.jsonl"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from covered.sim import FleetSpec, run_fleet
        raise SystemExit(run_fleet(FleetSpec(size=10, seed=4, base={base(20)!r}, devices_per_worker=4),
                                   None, Path({str(truth)!r})))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if truth.exists() and len(_children(process.pid)) >= 3:
                try:
                    if clients.http(base(20)[:-1] + "10", timeout=1).status:
                        break
                except OSError:
                    pass
            time.sleep(0.1)
        else:
            pytest.fail("fleet did not come up")
        workers = _children(process.pid)
        assert len(json.loads(truth.read_text().splitlines()[0])) == 11
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        time.sleep(0.2)
        assert not [pid for pid in workers if _alive(pid)]
        assert clients.tcp_closed(base(20), 80) or clients.tcp_closed(base(20)[:-1] + "2", 80)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_duration_ends_run_fleet() -> None:
    from covered.sim import run_fleet

    began = time.monotonic()
    assert run_fleet(FleetSpec(size=10, seed=2, base=base(30)), 0.5, None) == 0
    assert time.monotonic() - began < 20


def test_taken_port_is_a_clear_error_and_leaves_nothing_running() -> None:
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind((base(40)[:-1] + "2", 80))
    blocker.listen(1)
    try:
        fleet = Fleet(FleetSpec(personas=("generic-embedded", "generic-embedded"), base=base(40)))
        with pytest.raises(SimError, match=re.escape(base(40)[:-1] + "2 tcp/80 is already in use")):
            fleet.start_blocking()
        assert not fleet.running
        assert clients.tcp_closed(base(40), 80)
    finally:
        blocker.close()


def test_async_context_manager_and_idempotent_stop() -> None:
    async def scenario() -> list[int]:
        async with Fleet(FleetSpec(personas=("axis-camera",), base=base(50))) as fleet:
            pids = fleet.worker_pids
            answer = await asyncio.to_thread(clients.http, base(50))
            assert answer.status == 200
        await fleet.stop()
        return pids

    pids = asyncio.run(scenario())
    assert pids
    assert not [pid for pid in pids if _alive(pid)]
    assert clients.tcp_closed(base(50), 80)


def test_a_dead_worker_is_reported() -> None:
    fleet = Fleet(FleetSpec(personas=("axis-camera",), base=base(60)))
    fleet.start_blocking()
    try:
        os.kill(fleet.worker_pids[0], signal.SIGKILL)
        time.sleep(0.3)
        with pytest.raises(SimError, match="stopped"):
            fleet.check()
    finally:
        fleet.stop_blocking()


@pytest.mark.slow
def test_1024_devices_start_and_answer() -> None:
    fleet = Fleet(FleetSpec(size=1024, seed=1, base=base(100)))
    began = time.monotonic()
    fleet.start_blocking()
    try:
        elapsed = time.monotonic() - began
        print(f"1024 devices: {elapsed:.2f} s, {fleet.sockets} sockets")
        assert elapsed < 60
        last = [d for d in fleet.devices if d.hostile is None][-1]
        assert clients.http(last.address).status in (200, 302, 401)
    finally:
        fleet.stop_blocking()
