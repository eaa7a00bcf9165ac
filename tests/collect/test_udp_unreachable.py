"""An address the kernel will not send to is an anomaly of that host, never a crashed scan left 'running'."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from covered.collect.probes import Limits
from covered.collect.probes.base import ProbeContext
from covered.collect.probes.udp import exchange
from covered.collect.ratelimit import RateLimiter
from covered.model import Channel


def test_a_refused_send_is_one_anomaly_per_host() -> None:
    # udp(7): connect() of a UDP socket to the limited broadcast address without SO_BROADCAST fails with EACCES
    # before any packet is sent.
    async def probe_twice() -> ProbeContext:
        async with httpx.AsyncClient() as http:
            ctx = ProbeContext(address="255.255.255.255", limiter=RateLimiter(100, 20), limits=Limits(), http=http)
            assert await exchange(ctx, 3702, b"probe") is None
            assert await exchange(ctx, 161, b"probe") is None
            return ctx

    ctx = asyncio.run(probe_twice())
    anomalies = [o for o in ctx.observations if o.channel is Channel.ANOMALY]
    assert [(o.field, o.value) for o in anomalies] == [
        ("connection", "udp: cannot send to 255.255.255.255: Permission denied")
    ]


def _namespace_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False, timeout=10).returncode == 0


@pytest.mark.skipif(not _namespace_works(), reason="needs a private network namespace (unshare -n)")
def test_scan_of_an_unroutable_network_completes(tmp_path: Path) -> None:
    # A fresh network namespace has no route at all: every send fails with ENETUNREACH and nothing leaves it.
    database = tmp_path / "scan.db"
    result = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "covered", "scan", "10.9.9.9", "--db", str(database), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "covered: " not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert row["error"] == "udp: cannot send to 10.9.9.9: Network is unreachable"
    with sqlite3.connect(database) as connection:
        assert connection.execute("select status from scan").fetchall() == [("complete",)]
        assert connection.execute("select state from scan_host").fetchall() == [("error",)]
