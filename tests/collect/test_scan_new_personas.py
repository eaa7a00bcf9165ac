"""A full scan of the Uniview, SNMP-only and mDNS personas (and their look-alikes) names each maker correctly.

These are the device classes a blind test left 'maker not determined' before the LAPI, vendor-path, mDNS and
enterprise-number probes: no MAC is visible to the scanner for any of them (no SADP, DHIP or ISAPI answer).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from covered.collect.probes import Limits
from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.identify import identifier_for
from covered.model import Attribution, Channel
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from covered.store import open_store

EXPECTED = {
    "uniview-nvr": ("uniview", False),
    "uniview-camera": ("uniview", False),
    "uniview-title-lookalike": (None, None),
    "hytera-snmp-only": ("hytera", True),
    "zte-snmp-only": ("zte", True),
    "huawei-snmpv3-only": ("huawei", True),
    "axis-snmp-only": ("axis", False),
    "netsnmp-snmpv3-only": (None, None),
    "axis-camera": ("axis", False),
}
Results = dict[str, tuple[Attribution, dict[str, object]]]
FAST = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    running = Fleet(FleetSpec(personas=tuple(EXPECTED), seed=12, base="127.68.0.1"))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


@pytest.fixture(scope="module")
def results(registry: Registry, fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Results:
    store = open_store(Path(tmp_path_factory.mktemp("scan")) / "scan.db")
    options = ScanOptions(rate=2000, per_host_rate=50, concurrency=16, limits=FAST, host_deadline=15)
    first, last = fleet.devices[0].address, fleet.devices[-1].address.rsplit(".", 1)[1]
    planned = plan_scan(store, [f"{first}-{last}"], None, Scope(), options)
    assert run_planned(store, identifier_for(registry), planned) == "complete"
    return {str(facts["address"]): (a, facts) for a, facts in device_rows(store, planned.scan_id)}


def test_each_maker_is_named_and_look_alikes_stay_unattributed(fleet: Fleet, results: Results) -> None:
    for device in fleet.devices:
        attribution, _ = results[device.address]
        expected = EXPECTED[device.persona.id]
        assert (attribution.vendor, attribution.restricted) == expected, (device.persona.id, attribution.explanation)
        if device.string("engine") != "mac":
            assert all(e.channel is not Channel.MAC for e in attribution.evidence), "no MAC reaches the scanner here"


def test_an_engine_id_of_the_mac_form_gives_the_device_mac(fleet: Fleet, results: Results) -> None:
    huawei = next(d for d in fleet.devices if d.persona.id == "huawei-snmpv3-only")
    attribution, facts = results[huawei.address]
    assert facts["mac"] == huawei.mac
    assert any(e.matcher.startswith("oui:") and e.vendor == "huawei" for e in attribution.evidence)


def test_uniview_nvr_model_comes_from_its_title(fleet: Fleet, results: Results) -> None:
    nvr = next(d for d in fleet.devices if d.persona.id == "uniview-nvr")
    attribution, _ = results[nvr.address]
    assert attribution.model == nvr.model.name
    assert {"uniview-lapi-reply-envelope", "iana-pen:39747"} <= {e.matcher for e in attribution.evidence}


def test_restricted_snmp_only_devices_rest_on_protocol_evidence(fleet: Fleet, results: Results) -> None:
    for device in fleet.devices:
        attribution, _ = results[device.address]
        if attribution.restricted:
            assert any(e.protocol and e.channel is Channel.SNMP for e in attribution.evidence), device.persona.id
