"""The dashboard's leads list over real HTTP: suspected maker, signs, what would settle it; never a claim."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.store import HostRecord, open_store
from covered.store.tracking import merge_scan
from covered.web.users import create_token, create_user
from tests.web.conftest import serving


@pytest.fixture(scope="module")
def served(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("leads-web")
    db = folder / "covered.db"
    store = open_store(db)
    scan = store.create_scan(["10.9.0.0/30"], ["10.9.0.1", "10.9.0.2"], {})
    identifier = identifier_for(registry)
    hosts = {
        "10.9.0.1": [("port", "tcp", "37777"), ("port", "tcp", "8000")],
        "10.9.0.2": [("http", "server", "DNVRS-Webs")],
    }
    for address, observations in hosts.items():
        items = [Observation(device=address, channel=Channel(c), field=f, value=v) for c, f, v in observations]
        store.record_host(scan, HostRecord(address, items, [], identifier.attribute(address, items)))
    merge_scan(store, scan)
    create_user(store, "vic", "viewer", "vic-viewer-password", "test")
    token = create_token(store, "vic", "tests", "test")
    store.engine.dispose()
    with serving(db, folder) as base_url:
        yield base_url, token


def _client(served: tuple[str, str]) -> httpx.Client:
    base_url, token = served
    return httpx.Client(base_url=base_url, timeout=10, headers={"Authorization": f"Bearer {token}"})


def test_api_lists_only_the_device_with_a_lead(served: tuple[str, str]) -> None:
    with _client(served) as client:
        body = client.get("/api/leads").json()
    assert body["truncated"] is False
    (lead,) = body["leads"]
    assert lead["address"] == "10.9.0.1"
    assert lead["vendors"] == ["dahua", "hikvision"]
    assert lead["possibly"] == "Dahua or Hikvision"
    assert lead["summary"] == "possibly Dahua or Hikvision (TCP 37777 open; TCP 8000 open, nothing else answered)"
    assert "common alternative HTTP port" in lead["reasons"]  # the 8000 hint's caveat travels with it


def test_leads_page_shows_suspect_signs_and_how_to_settle(served: tuple[str, str]) -> None:
    with _client(served) as client:
        page = client.get("/leads")
        devices = client.get("/api/devices").json()
    assert page.status_code == 200
    assert '<a href="/leads" aria-current="page">Leads</a>' in page.text
    table = page.text[page.text.index('<table class="list" id="leads">') :]
    assert "Dahua or Hikvision" in table
    assert "TCP 37777 open: Dahua DVRIP" in table
    assert "a site visit to read the label" in table
    assert "10.9.0.2" not in table
    # The lead never makes the device restricted or attributed.
    by_address = {d["address"]: d for d in devices["rows"]}
    assert by_address["10.9.0.1"]["restricted"] is None
    assert by_address["10.9.0.1"]["vendor"] is None


def test_leads_need_a_session(served: tuple[str, str]) -> None:
    with httpx.Client(base_url=served[0], timeout=10) as anonymous:
        assert anonymous.get("/leads").status_code == 303
        assert anonymous.get("/api/leads").status_code == 401
