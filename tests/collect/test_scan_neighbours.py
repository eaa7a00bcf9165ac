"""The scanner with a neighbour table against emulated devices on loopback: MAC-only devices, 37777-only leads.

Loopback has no ARP, so the simulator writes the table a router would hold (/proc/net/arp layout) and the
scan reads it with the same code path as ``covered scan --arp-table FILE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from covered.collect.neighbours import read_neighbour_file
from covered.collect.probes import Limits
from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.identify import identifier_for
from covered.model import Attribution, Channel
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec, write_neighbour_table
from covered.store import open_store

MIX = ("mac-only-hikvision", "mac-only-dahua", "dahua-37777-silent", "axis-37777-lookalike", "axis-camera")
FAST = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)
BASE = f"127.{150 + os.getpid() % 40}.7.1"

Rows = dict[str, tuple[Attribution, dict[str, object]]]


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    running = Fleet(FleetSpec(personas=MIX, seed=3, base=BASE, idle_timeout=5))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def _scan(registry: Registry, fleet: Fleet, tmp_path: Path, table_path: Path | None) -> Rows:
    store = open_store(tmp_path / "scan.db")
    # The kernel's table is off: it holds nothing for loopback, and the file is what is under test.
    options = ScanOptions(rate=2000, per_host_rate=50, limits=FAST, host_deadline=15, kernel_neighbours=False)
    last = fleet.devices[-1].address.rsplit(".", 1)[1]
    planned = plan_scan(store, [f"{fleet.devices[0].address}-{last}"], None, Scope(), options)
    table = None
    if table_path is not None:
        table, outside = read_neighbour_file(table_path).within(planned.pending)
        assert outside == 1  # the 10.0.0.5 line: not a target, ignored
    assert run_planned(store, identifier_for(registry), planned, neighbours=table) == "complete"
    return {str(facts["address"]): (a, facts) for a, facts in device_rows(store, planned.scan_id)}


@pytest.fixture(scope="module")
def with_table(registry: Registry, fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Rows:
    folder = tmp_path_factory.mktemp("neighbours")
    path = folder / "arp.txt"
    assert write_neighbour_table(fleet.devices, path) == len(MIX)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("10.0.0.5         0x1         0x2         58:50:ed:1f:e3:85     *        eth0\n")
        handle.write("127.0.0.9        0x1         0x0         00:00:00:00:00:00     *        lo\n")
    return _scan(registry, fleet, folder, path)


@pytest.fixture(scope="module")
def without_table(registry: Registry, fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Rows:
    return _scan(registry, fleet, tmp_path_factory.mktemp("plain"), None)


def _device(fleet: Fleet, persona: str) -> tuple[str, str, str | None]:
    truth = next(t for t in fleet.truth if t.persona == persona)
    return truth.address, truth.mac, truth.vendor


@pytest.mark.parametrize("persona", ["mac-only-hikvision", "mac-only-dahua"])
def test_a_device_seen_only_in_the_neighbour_table_is_found_and_named(
    fleet: Fleet, with_table: Rows, without_table: Rows, persona: str
) -> None:
    address, mac, vendor = _device(fleet, persona)
    assert address not in without_table  # no service answers: without the table it does not exist
    attribution, facts = with_table[address]
    assert facts["mac"] == mac
    assert facts["services"] == []
    assert attribution.vendor == vendor
    evidence = [e for e in attribution.evidence if e.channel is Channel.MAC]
    assert evidence
    assert evidence[0].matcher.startswith("oui:")
    assert evidence[0].value == mac


def test_a_silent_37777_is_a_dahua_lead_without_the_table(fleet: Fleet, without_table: Rows) -> None:
    address, _, _ = _device(fleet, "dahua-37777-silent")
    attribution, facts = without_table[address]
    assert facts["services"] == ["tcp/37777"]
    assert attribution.vendor is None
    assert attribution.restricted is None
    assert attribution.lead is not None
    assert attribution.lead.vendors == ["dahua"]
    assert attribution.lead.summary == "possibly Dahua (TCP 37777 open, nothing else answered)"
    assert any("--arp-table" in step for step in attribution.lead.settle)


def test_the_neighbour_table_settles_the_37777_lead_by_mac(fleet: Fleet, with_table: Rows) -> None:
    address, mac, _ = _device(fleet, "dahua-37777-silent")
    attribution, facts = with_table[address]
    assert facts["mac"] == mac
    assert attribution.vendor == "dahua"
    assert attribution.lead is None
    collectors = {e.matcher for e in attribution.evidence}
    assert "port-hint:tcp/37777" in collectors  # the port is still recorded as evidence beside the MAC


def test_the_lookalike_with_37777_open_is_no_dahua_lead(fleet: Fleet, without_table: Rows) -> None:
    address, _, _ = _device(fleet, "axis-37777-lookalike")
    attribution, facts = without_table[address]
    assert "tcp/37777" in facts["services"]  # type: ignore[operator]
    assert attribution.vendor == "axis"
    assert attribution.restricted is not True
    assert attribution.lead is None


def test_open_ports_and_neighbour_macs_are_stored_as_observations(
    registry: Registry, fleet: Fleet, tmp_path: Path
) -> None:
    path = tmp_path / "arp.txt"
    write_neighbour_table(fleet.devices, path)
    store = open_store(tmp_path / "scan.db")
    options = ScanOptions(rate=2000, per_host_rate=50, limits=FAST, host_deadline=15, kernel_neighbours=False)
    axis = next(d for d in fleet.devices if d.persona.id == "axis-37777-lookalike")
    planned = plan_scan(store, [axis.address], None, Scope(), options)
    table, outside = read_neighbour_file(path).within(planned.pending)
    assert outside == len(MIX) - 1
    assert run_planned(store, identifier_for(registry), planned, neighbours=table) == "complete"
    stored = store.observations_by_device(planned.scan_id)
    (observations,) = stored.values()
    ports = {(o.field, o.value, o.collector) for o in observations if o.channel is Channel.PORT}
    assert ports == {("tcp", "80", "probe:tcp-connect"), ("tcp", "37777", "probe:tcp-connect")}
    macs = [o for o in observations if o.channel is Channel.MAC]
    assert [(o.value, o.collector) for o in macs] == [(axis.mac, "neighbour:arp.txt")]
