"""Dashboard latency under load (issue 7 and 12 targets): p95 below 200 ms with 50 concurrent clients on the
overview, the devices and findings lists, a device page and the ban directory, with 10,000 or 100,000 devices and
the full registry, on SQLite or PostgreSQL, and the request rate reached.

Run: ``python benchmarks/web.py`` (``--devices``, ``--seconds``, ``--workers``, ``--postgres URL``). Needs wrk
(``apt-get install wrk``). The store is built in a temporary folder (SQLite) or in a fresh database on the given
PostgreSQL server (a role allowed to create databases; the database is dropped afterwards), `covered serve` runs
on a free loopback port, and wrk (2 threads, 50 connections) loads one URL at a time with a signed-in session
cookie.
Peer, in the same run: Python's own http.server sending a saved copy of the same page (no database, no
templates), i.e. what a Python process costs just to answer.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from assess import assessed_store
from covered.store.schema import DeviceRow, FindingRow
from covered.web.users import authenticate, create_user, start_session

URLS = [
    "/",
    "/devices",
    "/devices?vendor=hikvision&sort=model&order=desc&page=3",
    "/findings",
    "/findings?status=open&state=present&page=5",
    "/devices/{device}",
    "/directory",
    "/directory?country=GB",
]
LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT p50=%d p95=%d p99=%d requests=%d errors=%d non2xx=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(db: Path | str, devices: int) -> tuple[str, int]:
    """A store with `devices` tracked devices and their findings; returns a session cookie and the id of a
    restricted device with findings (for the device page)."""
    store, _ = assessed_store(db, devices)
    create_user(store, "bench", "viewer", "benchmark-password", "benchmark")
    user = authenticate(store, "bench", "benchmark-password")
    assert user is not None
    cookie, _ = start_session(store, user)
    with store.session() as session:
        device = session.scalar(
            select(FindingRow.device_id)
            .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            .where(DeviceRow.restricted.is_(True))
            .limit(1)
        )
    store.engine.dispose()
    return cookie, int(device or 1)


@contextlib.contextmanager
def database(postgres: str | None, folder: Path) -> Iterator[Path | str]:
    """A SQLite file in the folder, or a fresh database on the PostgreSQL server, dropped afterwards."""
    if postgres is None:
        yield folder / "covered.db"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(postgres)
    name = f"covered_web_bench_{os.getpid()}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wrk(url: str, cookie: str | None, seconds: int) -> dict[str, float]:
    """Load one URL with wrk; returns p50/p95/p99 (ms), requests per second and error counts."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    command = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--timeout", "10s", "-s", script.name]
    if cookie:
        command += ["-H", f"Cookie: covered_session={cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    found = re.search(r"RESULT p50=(\d+) p95=(\d+) p99=(\d+) requests=(\d+) errors=(\d+) non2xx=(\d+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    p50, p95, p99, requests, errors, non2xx = (int(g) for g in found.groups())
    return {
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "rps": requests / seconds,
        "errors": errors,
        "non2xx": non2xx,
    }


def peer(body: bytes, seconds: int) -> dict[str, float]:
    """The same bytes from Python's ThreadingHTTPServer."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # wrk closes its connections at the end of a run: broken pipes, not errors of the peer

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return wrk(f"http://127.0.0.1:{server.server_address[1]}/", None, seconds)
    finally:
        server.shutdown()


def main() -> None:
    """Build, serve, load and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL server URL (e.g. what scripts/postgres.sh prints)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp, database(args.postgres, Path(tmp)) as db:
        started = time.perf_counter()
        cookie, device = build(db, args.devices)
        kind = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{kind} store with {args.devices:,} devices built in {time.perf_counter() - started:.1f} s", flush=True)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "covered", "serve", "--port", str(port), "--workers", str(args.workers)],
            env={**os.environ, "COVERED_DB": str(db)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            fetch = functools.partial(httpx.get, cookies={"covered_session": cookie}, timeout=30)
            for _ in range(300):
                try:
                    fetch(base + "/devices").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            # The first worker answers before the others have loaded the registry; connections opened now would
            # all stay with it. Give every worker time to start, then warm them all with a short discarded run.
            time.sleep(8)
            wrk(base + URLS[0], cookie, 2)
            rows = []
            for url in (u.format(device=device) for u in URLS):
                body = fetch(base + url)
                body.raise_for_status()
                fetch(base + url)  # warm every worker's caches a little
                rows.append((url, len(body.content), wrk(base + url, cookie, args.seconds), peer(body.content, 5)))
        finally:
            server.terminate()
            server.wait(30)
    print(
        f"\n{kind}, {args.devices:,} devices, {args.workers} worker(s), wrk -t2 -c50, {args.seconds} s per URL; "
        "target p95 < 200 ms"
    )
    header = f"{'url':<58} {'KB':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7} {'err':>4} {'ok':>3}"
    print(f"{header}  peer p95 / req/s")
    for url, size, ours, theirs in rows:
        print(
            f"{url:<58} {size / 1024:5.0f} {ours['p50']:7.1f} {ours['p95']:7.1f} {ours['p99']:7.1f} {ours['rps']:7.0f} "
            f"{ours['errors'] + ours['non2xx']:4.0f} {'yes' if ours['p95'] < 200 else 'NO':>3}  "
            f"{theirs['p95']:.1f} ms / {theirs['rps']:.0f} ({ours['rps'] / theirs['rps']:.2f}x)"
        )


if __name__ == "__main__":
    main()
