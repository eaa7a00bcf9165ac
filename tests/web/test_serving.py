"""`covered serve --workers 2`: processes sharing the port, a busy port refused, and a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.web.conftest import Estate, free_port


def _wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            assert process.poll() is None, "covered serve exited"
            time.sleep(0.05)
    raise AssertionError("covered serve did not answer within 10 s")


def test_two_workers_share_the_port_refuse_a_second_server_and_stop_together(estate: Estate) -> None:
    port = free_port()
    env = {**os.environ, "COVERED_DB": str(estate.db)}
    command = [sys.executable, "-m", "covered", "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "2"], env=env, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/login"
    try:
        _wait_up(url, server)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2, children  # (the other child is multiprocessing's resource tracker)
        # Fresh connections (no keep-alive) all get answered, whichever worker the kernel picks.
        assert {httpx.get(url, headers={"Connection": "close"}).status_code for _ in range(20)} == {200}
        second = subprocess.run([*command], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(20) == 0
        assert server.stderr is not None
        server.stderr.close()
    try:
        httpx.get(url, timeout=1)
        raise AssertionError("a worker kept serving after the server stopped")
    except httpx.TransportError:
        pass
