"""Run the dashboard: uvicorn on asyncio's event loop, one process or several sharing the port.

With several workers each process binds its own socket with SO_REUSEPORT, so the kernel spreads new
connections across them. uvicorn's own workers share one listening socket instead, and a burst of connections
can all be accepted by one process: measured with 50 wrk connections and 2 workers, one such run reached a
single worker's rate (947 req/s on /directory?country=GB against 1,929-2,033 with a socket per worker).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
from types import FrameType
from typing import Any

from covered.errors import UsageError

__all__ = ["check_port", "run"]

_APP = "covered.web:app_from_environment"
# asyncio's own loop serves connections in turn; measured under 50 concurrent clients, uvloop let some
# connections wait ten times the median (p95 1.9 s against 0.19 s on the devices list, one worker).
_OPTIONS: dict[str, Any] = {"factory": True, "loop": "asyncio", "http": "httptools", "log_level": "warning"}


def _listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError as exc:
        raise UsageError("--port", f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int) -> None:
    import uvicorn

    sock = _listening_socket(host, port, reuse_port=True)
    uvicorn.Server(uvicorn.Config(_APP, access_log=False, **_OPTIONS)).run(sockets=[sock])


def check_port(host: str, port: int) -> None:
    """Refuse a busy port, another covered server's included (a plain bind fails beside SO_REUSEPORT ones)."""
    _listening_socket(host, port, reuse_port=False).close()


def run(host: str, port: int, workers: int) -> None:
    """Serve until interrupted; with workers > 1, stop them all when any one stops."""
    import uvicorn

    if workers == 1:
        uvicorn.run(_APP, host=host, port=port, access_log=False, **_OPTIONS)
        return
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(host, port), daemon=True) for _ in range(workers)]
    for process in processes:
        process.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn shuts down gracefully on SIGTERM
        raise SystemExit(0 if signum in (signal.SIGINT, signal.SIGTERM) else 1)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        multiprocessing.connection.wait([p.sentinel for p in processes])
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(10)
    if any(p.exitcode not in (0, -signal.SIGTERM) for p in processes):
        sys.exit(1)
