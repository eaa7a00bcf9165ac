"""NetBox through its REST API (pynetbox): a small real HTTP server on loopback answers GET /api/dcim/devices/
with NetBox-shaped JSON (as the NetBox REST API documentation describes a device list); the token is sent, only
GET requests are made, and the devices import with the netbox-devices preset."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.test_cli import run

DEVICES = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [
        {
            "id": 7,
            "name": "cam-lobby",
            "status": {"value": "active", "label": "Active"},
            "device_type": {"id": 1, "manufacturer": {"id": 1, "name": "Hikvision"}, "model": "DS-2CD2143G0-I"},
            "role": {"id": 4, "name": "Camera"},
            "serial": "DS-2CD2143G0-I20200101AAWRE1",
            "asset_tag": "NB-0042",
            "site": {"id": 1, "name": "hq"},
            "location": {"id": 2, "name": "Lobby"},
            "tenant": None,
            "platform": None,
            "primary_ip4": {"id": 3, "address": "10.20.0.11/24"},
            "primary_ip6": None,
        },
        {
            "id": 8,
            "name": "cam-yard",
            "status": {"value": "active", "label": "Active"},
            "device_type": {"id": 2, "manufacturer": {"id": 2, "name": "Axis"}, "model": "P3245-LV"},
            "role": {"id": 4, "name": "Camera"},
            "serial": "ACCC8E445566",
            "asset_tag": "NB-0043",
            "site": {"id": 1, "name": "hq"},
            "location": None,
            "tenant": None,
            "platform": None,
            "primary_ip4": {"id": 4, "address": "10.20.0.12/24"},
            "primary_ip6": None,
        },
    ],
}


class _NetBox(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str, str | None]]] = []

    def _answer(self) -> None:
        _NetBox.requests.append((self.command, self.path, self.headers.get("Authorization")))
        body: object
        if self.headers.get("Authorization") != "Token s3cret":
            status, body = 403, {"detail": "Invalid token"}
        elif self.command == "GET" and self.path.startswith("/api/dcim/devices/"):
            status, body = 200, DEVICES
        else:
            status, body = 405, {"detail": "not allowed"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("API-Version", "4.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def netbox() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NetBox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _NetBox.requests.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_devices_read_through_the_api_import_with_the_netbox_preset(netbox: str, tmp_path: Path) -> None:
    target = tmp_path / "netbox.csv"
    fetched = run("netbox", netbox, "--token", "s3cret", "-o", str(target))
    assert fetched.returncode == 0, fetched.stderr
    assert "2 NetBox devices" in fetched.stderr
    assert {method for method, _, _ in _NetBox.requests} == {"GET"}  # read-only
    imported = run("import", str(target), "--json")
    assert imported.returncode == 1, imported.stderr
    assert "(netbox-devices, recognised from the headers)" in imported.stderr
    rows = [json.loads(line) for line in imported.stdout.splitlines()]
    hik = next(r for r in rows if r.get("vendor") == "hikvision")
    assert hik["restricted"] is True
    assert hik["asset"]["asset_tag"] == "NB-0042"


def test_a_wrong_token_is_one_line(netbox: str, tmp_path: Path) -> None:
    result = run("netbox", netbox, "--token", "wrong", "-o", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert result.stderr.startswith("covered: URL: NetBox answered 403"), result.stderr
    assert not (tmp_path / "x.csv").exists()
