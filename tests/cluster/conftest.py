"""A real RabbitMQ, a real PostgreSQL database per test, and real worker processes started and always stopped."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text

from covered.cluster.broker_users import SiteCredentials, create_site_user, delete_site_user
from covered.cluster.celery_engine import CeleryEngine
from covered.cluster.sites import add_site
from covered.store import Store, open_store

REPO = Path(__file__).parents[2]
RABBITMQ_SH = REPO / "scripts" / "rabbitmq.sh"
PG_URL = os.environ.get("COVERED_TEST_PG_URL")
OCTET = 150 + os.getpid() % 40
"""Cluster tests bind 127.<150..189>.<block>.x by process id, apart from the other suites' fleets."""


def block(number: int) -> str:
    """First address of a /24 reserved for one fleet of one test."""
    return f"127.{OCTET}.{number}.1"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll until the condition holds (bounded); fail naming what did not happen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"not within {timeout:.0f} s: {what}")


@pytest.fixture(scope="session")
def broker_url() -> Iterator[str]:
    """The administrator's AMQP URL of a real broker (scripts/rabbitmq.sh; stopped again if this run started it)."""
    given = os.environ.get("COVERED_TEST_AMQP_URL")
    if given:
        yield given
        return
    if not Path("/usr/lib/rabbitmq/bin/rabbitmq-server").exists():
        if os.environ.get("CI"):
            pytest.fail("rabbitmq-server is not installed: scripts/test.sh installs it for CI")
        pytest.skip("rabbitmq-server is not installed (apt-get install rabbitmq-server)")
    done = subprocess.run(["bash", str(RABBITMQ_SH)], capture_output=True, text=True, timeout=180, check=True)
    try:
        yield done.stdout.strip()
    finally:
        subprocess.run(["bash", str(RABBITMQ_SH), "stop"], capture_output=True, timeout=120, check=False)


@pytest.fixture(autouse=True)
def _rabbitmqctl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COVERED_RABBITMQCTL", f"bash {RABBITMQ_SH} ctl")


def _ctl(*args: str) -> None:
    subprocess.run(["bash", str(RABBITMQ_SH), "ctl", "-q", *args], capture_output=True, timeout=120, check=True)


@pytest.fixture
def amqp_url(broker_url: str, _rabbitmqctl: None) -> Iterator[str]:
    """The administrator's URL on a virtual host of this test alone, deleted afterwards.

    Every queue (the results queue too) lives in it, so tests run at the same time on one broker never take
    each other's messages.
    """
    vhost = f"covered-test-{secrets.token_hex(4)}"
    parts = urlsplit(broker_url)
    _ctl("add_vhost", vhost)
    try:
        _ctl("set_permissions", "-p", vhost, unquote(parts.username or "guest"), ".*", ".*", ".*")
        yield urlunsplit((parts.scheme, parts.netloc, f"/{vhost}", "", ""))
    finally:
        _ctl("delete_vhost", vhost)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    if PG_URL is None:
        if os.environ.get("CI"):
            pytest.fail("COVERED_TEST_PG_URL is not set: scripts/test.sh starts PostgreSQL for CI")
        pytest.skip("no PostgreSQL (run scripts/postgres.sh and set COVERED_TEST_PG_URL)")
    name = f"covered_cluster_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    opened = open_store(pg_url)
    try:
        yield opened
    finally:
        opened.engine.dispose()


class Processes:
    """covered processes of one test, each in its own process group, killed at the end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "covered", *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                start_new_session=True,
            )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=60)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)
        for process in self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # pool children left behind by a terminated worker


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


class Sites:
    """Sites created by one test on the real broker (users and queues removed afterwards)."""

    def __init__(self, amqp_url: str, store: Store) -> None:
        self.amqp_url = amqp_url
        self.store = store
        self.engine = CeleryEngine(amqp_url)
        self.created: list[str] = []

    def add(self, networks: list[str], rate: float = 300.0, workers: int = 1) -> tuple[str, SiteCredentials]:
        name = f"t{secrets.token_hex(3)}"
        credentials = create_site_user(self.amqp_url, name)
        self.created.append(name)
        self.engine.prepare_site(name)
        add_site(self.store, name, networks, rate, 20.0, workers, credentials.user)
        return name, credentials

    def remove_all(self) -> None:
        for name in self.created:
            delete_site_user(name)
            self.engine.remove_site(name)


@pytest.fixture
def sites(amqp_url: str, store: Store) -> Iterator[Sites]:
    made = Sites(amqp_url, store)
    try:
        yield made
    finally:
        made.remove_all()
