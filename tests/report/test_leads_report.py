"""Leads in reports: a 'Leads for review' section in HTML, a leads list in JSON, a lead column in CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.report.bundle import collect, render_csv, render_html, render_json
from covered.store import HostRecord, Store, open_store
from covered.store.tracking import merge_scan

SUMMARY = "possibly Dahua (TCP 37777 open, nothing else answered)"


@pytest.fixture
def store(registry: Registry, tmp_path: Path) -> Store:
    store = open_store(tmp_path / "leads.db")
    scan = store.create_scan(["10.0.0.0/30"], ["10.0.0.1", "10.0.0.2"], {})
    identifier = identifier_for(registry)
    hosts = {
        "10.0.0.1": [("port", "tcp", "37777")],
        "10.0.0.2": [("http", "server", "DNVRS-Webs"), ("port", "tcp", "37777")],
    }
    for address, observations in hosts.items():
        items = [Observation(device=address, channel=Channel(c), field=f, value=v) for c, f, v in observations]
        record = HostRecord(address, items, ["tcp/37777"], identifier.attribute(address, items))
        store.record_host(scan, record)
    merge_scan(store, scan)
    return store


def test_json_lists_the_lead_and_only_it(store: Store) -> None:
    report = json.loads(render_json(collect(store, 1)))
    (lead,) = report["leads"]
    assert lead["address"] == "10.0.0.1"
    assert lead["summary"] == SUMMARY
    assert lead["vendors"] == ["dahua"]
    assert "TCP 37777 open: Dahua DVRIP" in lead["reasons"]
    assert "site visit" in lead["settle"]
    devices = {d["address"]: d for d in report["devices"]}
    assert devices["10.0.0.1"]["restricted"] is None  # a lead is never a restricted claim
    assert devices["10.0.0.1"]["vendor"] is None
    assert devices["10.0.0.2"]["lead"] is None  # attributed by its Server header: no lead


def test_html_has_a_leads_for_review_section(store: Store) -> None:
    page = render_html(collect(store, 1))
    section = page[page.index("<h2>Leads for review</h2>") : page.index("<h2>Findings</h2>")]
    assert "10.0.0.1" in section
    assert "possibly Dahua (TCP 37777 open, nothing else answered)" in section
    assert "credentials for the Dahua CGI API" in section
    assert "10.0.0.2" not in section


def test_csv_carries_the_lead_summary(store: Store) -> None:
    rows = {r["address"]: r for r in csv.DictReader(io.StringIO(render_csv(collect(store, 1))))}
    assert rows["10.0.0.1"]["lead"] == SUMMARY
    assert rows["10.0.0.2"]["lead"] == ""


def test_no_leads_says_none(registry: Registry, tmp_path: Path) -> None:
    store = open_store(tmp_path / "none.db")
    scan = store.create_scan(["10.0.0.1"], ["10.0.0.1"], {})
    items = [Observation(device="10.0.0.1", channel=Channel.HTTP, field="server", value="DNVRS-Webs")]
    store.record_host(scan, HostRecord("10.0.0.1", items, ["tcp/80"], identifier_for(registry).attribute("x", items)))
    merge_scan(store, scan)
    page = render_html(collect(store, 1))
    assert "<h2>Leads for review</h2>" in page
    assert json.loads(render_json(collect(store, 1)))["leads"] == []
