"""The fleet: plans devices, shards them over worker processes, supervises them and stops them cleanly.

The sandbox's hard RLIMIT_NOFILE (20,000 here) is far below what 5,000 devices need (about 8 sockets
each), so devices are split into worker processes of at most ``FleetSpec.devices_per_worker`` devices
(about 10,000 listening sockets plus a capped number of connections per process). Workers are started
with the 'spawn' method, so no parent state (threads, event loops, signal handlers) leaks into them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType, TracebackType

from covered.sim.plan import Device, DeviceTruth, FleetSpec, SimError, plan_fleet
from covered.sim.tls import CertPair, certificate_kinds, make_certificate
from covered.sim.worker import WorkerPayload, raise_nofile_limit, worker_main

__all__ = ["Fleet", "run_fleet", "write_truth"]

log = logging.getLogger("covered.sim")

START_TIMEOUT = 300.0
STOP_TIMEOUT = 10.0


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    start: int
    end: int
    ready: bool = False
    sockets: int = 0


class Fleet:
    """A fleet of emulated devices on loopback addresses; start it, scan it, stop it."""

    def __init__(self, spec: FleetSpec) -> None:
        self.spec = spec
        self.devices: list[Device] = plan_fleet(spec)
        self.truth: list[DeviceTruth] = [device.truth() for device in self.devices]
        self.start_seconds: float | None = None
        self.sockets = 0
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()

    # --- async API ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind every device's services (in worker processes); raises SimError naming what failed."""
        await asyncio.to_thread(self.start_blocking)

    async def stop(self) -> None:
        """Stop every worker and wait for them to exit; safe to call twice."""
        await asyncio.to_thread(self.stop_blocking)

    async def __aenter__(self) -> Fleet:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- blocking API ---------------------------------------------------------------------------
    def start_blocking(self, timeout: float = START_TIMEOUT) -> None:
        """Like ``start`` but for synchronous callers (test fixtures, the CLI)."""
        with self._lock:
            if self._workers:
                raise SimError("fleet already started")
            began = time.perf_counter()
            raise_nofile_limit()
            certs = self._certificates()
            context = multiprocessing.get_context("spawn")
            per_worker = self.spec.devices_per_worker
            try:
                for number, start in enumerate(range(0, len(self.devices), per_worker)):
                    end = min(start + per_worker, len(self.devices))
                    parent_conn, child_conn = context.Pipe()
                    payload = WorkerPayload(self.spec, start, end, certs)
                    process = context.Process(
                        target=worker_main, args=(child_conn, payload), name=f"covered-sim-{number}", daemon=True
                    )
                    with _main_not_reimported():
                        process.start()
                    child_conn.close()
                    self._workers.append(_Worker(process, parent_conn, start, end))
                self._await_ready(timeout)
            except BaseException:
                self._stop_locked()
                raise
            self.start_seconds = time.perf_counter() - began
            self.sockets = sum(worker.sockets for worker in self._workers)
            log.info(
                "fleet of %d devices up in %.2f s (%d workers, %d sockets)",
                len(self.devices),
                self.start_seconds,
                len(self._workers),
                self.sockets,
            )

    def stop_blocking(self) -> None:
        """Like ``stop`` but for synchronous callers."""
        with self._lock:
            self._stop_locked()

    def check(self) -> None:
        """Raise SimError if a worker has died since the fleet started."""
        for worker in self._workers:
            if not worker.process.is_alive():
                message = self._worker_message(worker) or f"exit code {worker.process.exitcode}"
                raise SimError(f"worker for devices {worker.start}..{worker.end - 1} stopped: {message}")

    @property
    def running(self) -> bool:
        """True while workers are up."""
        return bool(self._workers)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the worker processes (for tests and diagnostics)."""
        return [worker.process.pid for worker in self._workers if worker.process.pid is not None]

    # --- internals ----------------------------------------------------------------------------
    def _certificates(self) -> dict[str, CertPair]:
        return {kind: make_certificate(kind) for kind in certificate_kinds()}

    @staticmethod
    def _worker_message(worker: _Worker) -> str | None:
        with contextlib.suppress(EOFError, OSError):
            if worker.conn.poll():
                kind, value = worker.conn.recv()
                if kind == "error":
                    return str(value)
        return None

    def _await_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = {worker.conn: worker for worker in self._workers}
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SimError(f"fleet did not start within {timeout:.0f} s")
            for conn in wait(list(pending), timeout=remaining):
                worker = pending.pop(conn)  # type: ignore[call-overload]
                try:
                    kind, value = worker.conn.recv()
                except (EOFError, OSError):
                    worker.process.join(5)
                    raise SimError(
                        f"worker for devices {worker.start}..{worker.end - 1} exited "
                        f"(code {worker.process.exitcode}) before it was ready"
                    ) from None
                if kind != "ready":
                    raise SimError(str(value))
                worker.ready = True
                worker.sockets = int(value["sockets"])

    def _stop_locked(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(("stop", None))
        deadline = time.monotonic() + STOP_TIMEOUT
        for worker in workers:
            worker.process.join(max(0.1, deadline - time.monotonic()))
        for worker in workers:
            if worker.process.is_alive():
                log.warning("worker %s did not stop in time: terminating it", worker.process.pid)
                worker.process.terminate()
                worker.process.join(3)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(3)
            with contextlib.suppress(OSError):
                worker.conn.close()


@contextlib.contextmanager
def _main_not_reimported() -> Iterator[None]:
    """Hide ``__main__`` from 'spawn' while a worker starts.

    A spawned child re-runs the parent's main script unless it is guarded by ``if __name__ == "__main__"``;
    workers need nothing from it (their target and payload live in covered.sim), so a script or notebook
    that starts a fleet at top level would otherwise start fleets recursively.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def write_truth(truth: list[DeviceTruth], path: Path) -> None:
    """Write the ground truth as JSON Lines, one device per line."""
    with path.open("w", encoding="utf-8") as file:
        for record in truth:
            file.write(json.dumps(record.model_dump(), separators=(",", ":")) + "\n")


def run_fleet(spec: FleetSpec, duration: float | None, truth_path: Path | None) -> int:
    """Run a fleet until SIGTERM/SIGINT or ``duration`` seconds; 0 after a clean stop, 1 if a worker failed.

    Raises SimError when the fleet cannot start (an address and port already in use).
    """
    fleet = Fleet(spec)
    if truth_path is not None:
        write_truth(fleet.truth, truth_path)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    status = 0
    try:
        # A fleet that cannot start (an address already in use) raises: it is the caller's bad input, not a
        # failure of a running fleet.
        fleet.start_blocking()
    except BaseException:
        fleet.stop_blocking()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        raise
    try:
        log.warning(
            "covered sim: %d devices from %s up in %.2f s; user %r, password %r",
            len(fleet.devices),
            spec.base,
            fleet.start_seconds or 0.0,
            spec.username,
            spec.password,
        )
        deadline = None if duration is None else time.monotonic() + duration
        while not stop.is_set():
            wait_for = 0.5 if deadline is None else min(0.5, max(0.0, deadline - time.monotonic()))
            if stop.wait(wait_for):
                break
            fleet.check()
            if deadline is not None and time.monotonic() >= deadline:
                break
    except SimError as exc:
        log.error("covered sim: %s", exc)
        status = 1
    finally:
        fleet.stop_blocking()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
