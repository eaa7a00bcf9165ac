"""`covered serve --workers 2`: processes sharing the port, a busy port refused, and a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from covered.store import open_store
from covered.store.schema import AuditRow
from covered.web.users import create_user
from tests.web.conftest import Estate, free_port, login_token


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


def _sign_in(url: str, name: str, password: str, source: str) -> httpx.Response:
    # A fresh connection each time (from the given loopback address), so the kernel spreads them over workers.
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=url, transport=transport, timeout=30, headers={"Connection": "close"}) as client:
        token = login_token(client)
        return client.post("/login", data={"name": name, "password": password, "login_csrf": token, "next": "/"})


def test_the_sign_in_lock_holds_across_workers_and_only_for_the_guessing_address(estate: Estate) -> None:
    store = open_store(estate.db)
    create_user(store, "olga", "admin", "olga-admin-password", "test")
    port = free_port()
    env = {**os.environ, "COVERED_DB": str(estate.db)}
    server = subprocess.Popen(
        [sys.executable, "-m", "covered", "serve", "--port", str(port), "--workers", "2"], env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_up(url + "/login", server)
        answers = [_sign_in(url, "olga", f"wrong-guess-{i:02}", "127.0.0.1").status_code for i in range(14)]
        assert answers == [401] * 5 + [429] * 9
        # The right password from the guessing address waits out the lock too...
        locked = _sign_in(url, "olga", "olga-admin-password", "127.0.0.1")
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) >= 1
        # ...but from anywhere else it still works: five requests cannot lock the admin out.
        assert _sign_in(url, "olga", "olga-admin-password", "127.0.0.2").status_code == 303
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    with store.session() as session:
        entries = session.scalars(select(AuditRow).where(AuditRow.target == "user olga").order_by(AuditRow.id)).all()
    actions = [e.action for e in entries]
    assert actions.count("sign-in-failed") == 5  # real password checks: five, not one series per worker
    assert actions.count("sign-in-locked") == 1
    assert {e.actor for e in entries if e.action.startswith("sign-in-")} == {"127.0.0.1"}
    store.engine.dispose()
