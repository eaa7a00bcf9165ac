"""Scan differences on a real SQLite store: an anonymous scan and a credentialed rescan of emulated Hikvision and
Dahua cameras read firmware from different channels; the same firmware is not a change, a real one names its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from covered.collect.probes import Limits
from covered.collect.probes.base import Credentials
from covered.collect.scan_job import plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.identify import identifier_for
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from covered.store import open_store
from covered.store.schema import DeviceResultRow, SightingRow
from covered.store.tracking import diff_scans, same_firmware

FAST = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)


@pytest.fixture(scope="module")
def rescanned(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, int]:
    """Two cameras scanned without credentials, then with the fleet's credentials."""
    database = tmp_path_factory.mktemp("diff") / "diff.db"
    fleet = Fleet(FleetSpec(personas=("hikvision-camera", "dahua-camera"), seed=5, base="127.41.0.1"))
    fleet.start_blocking()
    store = open_store(database)
    scans = []
    try:
        for credentials in (None, Credentials(fleet.spec.username, fleet.spec.password)):
            options = ScanOptions(rate=2000, per_host_rate=50, limits=FAST, host_deadline=10, credentials=credentials)
            planned = plan_scan(store, ["127.41.0.1-2"], None, Scope(), options)
            assert run_planned(store, identifier_for(registry), planned) == "complete"
            scans.append(planned.scan_id)
    finally:
        fleet.stop_blocking()
        store.engine.dispose()
    return database, scans[0], scans[1]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("V5.7.18build 240826", "V5.7.18", True),  # SADP and ISAPI
        ("V5.7.18 build 240826", "V5.7.18", True),  # ONVIF and ISAPI
        ("2.800.0000018.0.R, Build Date 2024-01-01", "2.800.0000018.0.R", True),  # Dahua ONVIF and DHIP
        ("v5.7.18  BUILD 240826", "V5.7.18 build 240826", True),
        ("V5.7.18", "V5.7.18", True),
        (None, None, True),
        ("V5.7.1", "V5.7.18", False),  # a prefix, but another version
        ("V5.7.18build 240826", "V5.7.18build 240901", False),  # another build of one version
        ("V5.7.18", "V5.7.18.1", False),
        ("V5.7.18", None, False),
        ("", "V5.7.18", False),
    ],
)
def test_same_firmware(first: str | None, second: str | None, same: bool) -> None:
    assert same_firmware(first, second) is same
    assert same_firmware(second, first) is same


def test_a_credentialed_rescan_reports_no_firmware_change(rescanned: tuple[Path, int, int]) -> None:
    database, first, second = rescanned
    store = open_store(database)
    with store.session() as session:
        firmware = {
            s.scan_id: s.firmware for s in session.scalars(select(SightingRow).where(SightingRow.firmware.like("V5.%")))
        }
    # The rescan read ISAPI's bare version where the first scan had SADP's version with its build stamp.
    assert firmware[first] != firmware[second]
    assert firmware[first].startswith(firmware[second])
    result = diff_scans(store, first, second)
    assert (result.new, result.gone, result.changed) == ([], [], [])
    store.engine.dispose()


def test_a_real_firmware_change_names_the_channel_of_each_value(rescanned: tuple[Path, int, int]) -> None:
    database, first, second = rescanned
    store = open_store(database)
    # The Hikvision camera upgraded between the scans: the rescan's ISAPI answer and its sighting say V5.8.0.
    with store.session() as session, session.begin():
        sighting = session.scalars(
            select(SightingRow).where(SightingRow.scan_id == second, SightingRow.firmware.like("V5.%"))
        ).one()
        result_row = session.scalars(
            select(DeviceResultRow).where(
                DeviceResultRow.scan_id == second, DeviceResultRow.address == sighting.address
            )
        ).one()
        old = sighting.firmware
        evidence = [
            e | {"extracted": e["extracted"] | {"firmware": "V5.8.0"}} if e["extracted"].get("firmware") == old else e
            for e in result_row.attribution["evidence"]
        ]
        result_row.attribution = result_row.attribution | {"evidence": evidence}
        sighting.firmware = "V5.8.0"
    result = diff_scans(store, first, second)
    [changed] = result.changed
    assert changed["fields"] == ["firmware"]
    assert changed["before"]["firmware"].startswith(old)
    assert changed["after"] == {"firmware": "V5.8.0"}
    assert changed["sources"] == {"before": {"firmware": ["sadp"]}, "after": {"firmware": ["isapi"]}}
    store.engine.dispose()
