"""Tracking across scans on a real SQLite database: merge, history, gone devices, diff, findings, remediation, audit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from covered.assess import DeviceContext, assess
from covered.collect.probes import Limits
from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.errors import UsageError
from covered.identify import identifier_for
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from covered.store import open_store
from covered.store.schema import AuditRow, DeviceRow, FindingRow
from covered.store.tracking import assign_sites, diff_scans, remediate, save_findings

PERSONAS = ("hikvision-camera", "dahua-camera", "lorex-camera", "axis-camera", "huawei-router", "annke-nvr")
FAST = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)


def _scan(registry: Registry, database: Path, personas: tuple[str, ...]) -> int:
    spec = FleetSpec(personas=personas, seed=3, base="127.37.0.1")
    fleet = Fleet(spec)
    fleet.start_blocking()
    try:
        store = open_store(database)
        options = ScanOptions(rate=2000, per_host_rate=50, limits=FAST, host_deadline=10)
        planned = plan_scan(store, [f"127.37.0.1-{len(PERSONAS)}"], None, Scope(), options)
        assert run_planned(store, identifier_for(registry), planned) == "complete"
        return planned.scan_id
    finally:
        fleet.stop_blocking()


@pytest.fixture(scope="module")
def history(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    database = tmp_path_factory.mktemp("track") / "track.db"
    first = _scan(registry, database, PERSONAS)
    second = _scan(registry, database, PERSONAS[:-1])  # the ANNKE recorder has been taken away
    return database, first, second


def test_devices_merge_across_scans_and_gone_ones_are_marked(history: tuple[Path, int, int]) -> None:
    database, _, _ = history
    store = open_store(database)
    with store.session() as session:
        devices = session.scalars(select(DeviceRow)).all()
    assert len(devices) == len(PERSONAS)
    gone = [d for d in devices if d.gone_since is not None]
    assert [d.address for d in gone] == [f"127.37.0.{len(PERSONAS)}"]
    assert all(d.first_seen <= d.last_seen for d in devices)


def test_merging_a_scan_again_changes_nothing(history: tuple[Path, int, int]) -> None:
    from covered.store.schema import SightingRow
    from covered.store.tracking import merge_scan

    database, first, second = history
    store = open_store(database)
    with store.session() as session:
        before = len(session.scalars(select(SightingRow)).all())
    assert merge_scan(store, first) == (0, 0, 0)
    assert merge_scan(store, second) == (0, 0, 0)
    with store.session() as session:
        assert len(session.scalars(select(SightingRow)).all()) == before


def test_diff_reports_the_removed_device(history: tuple[Path, int, int]) -> None:
    database, first, second = history
    result = diff_scans(open_store(database), first, second)
    assert [row["address"] for row in result.gone] == [f"127.37.0.{len(PERSONAS)}"]
    assert result.new == []
    assert result.changed == []
    with pytest.raises(UsageError):
        diff_scans(open_store(database), first, 999)


def test_findings_are_kept_and_remediation_is_audited(registry: Registry, history: tuple[Path, int, int]) -> None:
    database, _, second = history
    store = open_store(database)
    profile = registry.profiles["us-federal-agency"].record
    devices = [DeviceContext(a, str(f["address"])) for a, f in device_rows(store, second)]
    found = assess(registry, profile, devices, dt.date(2026, 11, 22))
    kept = save_findings(store, profile.id, [(f.device, f) for f in found], "tester")
    assert kept == len(found) > 0
    hik = next(d for d in devices if d.attribution.vendor == "hikvision")
    with pytest.raises(UsageError, match="needs --waiver"):
        remediate(store, hik.address or "", "exempted", "budget", "tester")
    changed = remediate(store, hik.address or "", "planned", "replacement ordered", "alice")
    assert changed
    with pytest.raises(UsageError, match="choose from"):
        remediate(store, hik.address or "", "review", "x", "alice")
    remediate(store, hik.address or "", "replaced", "Axis P3245 installed", "bob")
    with pytest.raises(UsageError, match="cannot become"):
        remediate(store, hik.address or "", "planned", "x", "alice")
    # Assessing again never overwrites what a person recorded.
    save_findings(store, profile.id, [(f.device, f) for f in found], "tester")
    with store.session() as session:
        statuses = {
            f.status
            for f in session.scalars(select(FindingRow).join(DeviceRow).where(DeviceRow.address == hik.address))
        }
        trail = [(a.actor, a.after) for a in session.scalars(select(AuditRow).where(AuditRow.action == "remediate"))]
    assert statuses == {"replaced"}
    assert ("alice", '"planned"') in trail
    assert ("bob", '"replaced"') in trail


def test_sites_are_assigned_by_network_and_audited(history: tuple[Path, int, int]) -> None:
    database, _, _ = history
    store = open_store(database)
    moved = assign_sites(store, [("hq", ["127.37.0.0/30"]), ("depot", ["127.37.0.4/30"])], "carol")
    with store.session() as session:
        sites = {d.address: d.site for d in session.scalars(select(DeviceRow))}
        trail = session.scalars(select(AuditRow).where(AuditRow.action == "site")).all()
    assert sites["127.37.0.1"] == "hq"
    assert sites["127.37.0.5"] == "depot"
    assert moved == len(trail) == sum(1 for s in sites.values() if s)
    assert assign_sites(store, [("hq", ["127.37.0.0/30"]), ("depot", ["127.37.0.4/30"])], "carol") == 0


def test_a_rescan_with_fewer_ports_is_the_same_device_and_keeps_its_identity(
    registry: Registry, tmp_path: Path
) -> None:
    from covered.collect.targets import parse_ports

    database = tmp_path / "rescan.db"
    spec = FleetSpec(personas=("hikvision-camera", "dahua-camera", "axis-camera"), seed=5, base="127.38.0.1")
    fleet = Fleet(spec)
    fleet.start_blocking()
    try:
        store = open_store(database)
        for ports in (None, "80,443,554"):
            options = ScanOptions(
                rate=2000, per_host_rate=50, limits=FAST, host_deadline=10, ports=parse_ports(ports)
            )
            planned = plan_scan(store, ["127.38.0.1-3"], None, Scope(), options)
            assert run_planned(store, identifier_for(registry), planned) == "complete"
    finally:
        fleet.stop_blocking()
    with store.session() as session:
        devices = session.scalars(select(DeviceRow)).all()
        assert len(devices) == 3, [(d.key, d.address, d.serial) for d in devices]
        assert all(d.gone_since is None for d in devices)
        by_address = {d.address: d for d in devices}
        first = min(by_address)
        assert by_address[first].vendor is not None
    # remediate finds exactly one device by its address.
    with store.session() as session:
        from covered.store.tracking import find_device

        assert find_device(session, first).address == first
