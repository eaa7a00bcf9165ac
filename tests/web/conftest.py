"""A real estate for the dashboard tests: an emulated fleet on loopback, scanned twice, assessed, and served
by `covered serve` in a child process on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from covered.assess import DeviceContext, assess
from covered.collect.probes import Limits
from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.identify import identifier_for
from covered.model import UseContext
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from covered.store import open_store
from covered.store.tracking import save_findings
from covered.web.users import create_token, create_user

PERSONAS = (
    "hikvision-camera",
    "dahua-camera",
    "lorex-camera",
    "annke-nvr",
    "huawei-router",
    "zte-router",
    "axis-camera",
    "script-banner@generic-embedded",
    "script-banner@huawei-router",
    "hikvision-camera",
    "dahua-camera",
    "generic-embedded",
)
PASSWORDS = {"alice": "alice-admin-password", "ed": "ed-editor-password", "vic": "vic-viewer-password"}
ROLES = {"alice": "admin", "ed": "editor", "vic": "viewer"}


@dataclass(frozen=True)
class Estate:
    """The database, the fleet's ground truth, and a running dashboard."""

    db: Path
    base_url: str
    tokens: dict[str, str]
    script_device: str  # address of a device whose banner carries a script tag
    scans: tuple[int, int]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _build(registry: Registry, db: Path) -> tuple[str, tuple[int, int], dict[str, str]]:
    fleet = Fleet(FleetSpec(personas=PERSONAS, seed=11, base="127.39.0.1"))
    fleet.start_blocking()
    store = open_store(db)
    options = ScanOptions(
        rate=2000,
        per_host_rate=50,
        concurrency=32,
        limits=Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0),
        host_deadline=15,
    )
    scans = []
    try:
        target = f"{fleet.devices[0].address}-{fleet.devices[-1].address.rsplit('.', 1)[1]}"
        for _ in range(2):
            planned = plan_scan(store, [target], None, Scope(), options)
            assert run_planned(store, identifier_for(registry), planned) == "complete"
            scans.append(planned.scan_id)
    finally:
        fleet.stop_blocking()
    rows = device_rows(store, scans[-1])
    profile = registry.profiles["us-federal-contractor"].record.model_copy(
        update={"default_use_contexts": [UseContext.GOVERNMENT_FACILITY_SECURITY]}
    )
    findings = assess(registry, profile, [DeviceContext(a, str(f["address"])) for a, f in rows])
    save_findings(store, profile.id, [(f.device, f) for f in findings], "test")
    for name, password in PASSWORDS.items():
        create_user(store, name, ROLES[name], password, "test")
    tokens = {name: create_token(store, name, "tests", "test") for name in PASSWORDS}
    script = next(t.address for t in fleet.truth if t.hostile == "script-banner")
    store.engine.dispose()
    return script, (scans[0], scans[1]), tokens


@contextlib.contextmanager
def serving(db: Path, folder: Path) -> Iterator[str]:
    """A real `covered serve` process on a free loopback port over the database; its base URL, stopped after."""
    port = free_port()
    log = (folder / "serve.log").open("wb")
    env = {**os.environ, "COVERED_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "covered", "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base_url + "/login", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail((folder / "serve.log").read_text())
                time.sleep(0.05)
        else:
            pytest.fail("covered serve did not answer within 10 s")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def estate(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    folder = tmp_path_factory.mktemp("web")
    db = folder / "covered.db"
    script, scans, tokens = _build(registry, db)
    with serving(db, folder) as base_url:
        yield Estate(db, base_url, tokens, script, scans)


class Clients:
    """HTTP clients for a test, closed when it ends: anonymous, signed in through the form, or with a token."""

    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self._open: list[httpx.Client] = []

    def anonymous(self, **kwargs: object) -> httpx.Client:
        client = httpx.Client(base_url=self.estate.base_url, timeout=10, **kwargs)  # type: ignore[arg-type]
        self._open.append(client)
        return client

    def bearer(self, name: str) -> httpx.Client:
        return self.anonymous(headers={"Authorization": f"Bearer {self.estate.tokens[name]}"})

    def signed_in(self, name: str) -> httpx.Client:
        client = self.anonymous()
        token = login_token(client)
        response = client.post(
            "/login", data={"name": name, "password": PASSWORDS[name], "login_csrf": token, "next": "/"}
        )
        assert response.status_code == 303, response.text
        return client

    def close(self) -> None:
        for client in self._open:
            client.close()


@contextlib.contextmanager
def clients_of(estate: Estate) -> Iterator[Clients]:
    """Clients of one estate's server, closed when the block ends."""
    made = Clients(estate)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def clients(estate: Estate) -> Iterator[Clients]:
    with clients_of(estate) as made:
        yield made


def copy_database(estate: Estate, folder: Path) -> Path:
    """A copy of the estate's database in the folder (SQLite's backup: consistent while its server runs)."""
    db = folder / "covered.db"
    with sqlite3.connect(estate.db) as source, sqlite3.connect(db) as target:
        source.backup(target)
    return db


def login_token(client: httpx.Client) -> str:
    """The login form's CSRF token (the page also sets the matching cookie)."""
    return client.get("/login").text.split('name="login_csrf" value="', 1)[1].split('"', 1)[0]


def csrf_of(client: httpx.Client) -> str:
    """The session's CSRF token, as the pages embed it."""
    return client.get("/").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
