"""Scanning the devices that answer only on SDK ports, DVRIP or ONVIF: the maker is found, the look-alike is not."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from covered.collect.probes import Limits
from covered.collect.probes.tls import unverified_context
from covered.collect.scanner import Scanner, ScanOptions
from covered.identify import identifier_for
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from covered.store import HostRecord
from tests.collect.probe_helpers import fleet_base

PERSONAS = ("ezviz-cloud-camera", "hikvision-sdk-only", "huawei-ipc", "dahua-dvrip-only", "sdk-port-lookalike")


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    running = Fleet(FleetSpec(personas=PERSONAS, seed=9, base=fleet_base(65)))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


@pytest.fixture(scope="module")
def records(registry: Registry, fleet: Fleet) -> dict[str, HostRecord]:
    limits = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)
    options = ScanOptions(rate=2000, per_host_rate=100, limits=limits, host_deadline=20)
    scanner = Scanner(identifier_for(registry), options)

    async def scan() -> dict[str, HostRecord]:
        async with httpx.AsyncClient(verify=unverified_context(), trust_env=False) as http:
            found = await asyncio.gather(*(scanner.scan_host(d.address, http) for d in fleet.devices))
        return {d.persona.id: r for d, r in zip(fleet.devices, found, strict=True)}

    return asyncio.run(scan())


@pytest.mark.parametrize(
    ("persona", "vendor", "brand"),
    [
        ("ezviz-cloud-camera", "hikvision", "ezviz"),
        ("hikvision-sdk-only", "hikvision", None),
        ("huawei-ipc", "huawei", "huawei-brand"),
        ("dahua-dvrip-only", "dahua", None),
    ],
)
def test_the_maker_is_found_from_the_new_probes(
    records: dict[str, HostRecord], persona: str, vendor: str, brand: str | None
) -> None:
    attribution = records[persona].attribution
    assert attribution is not None
    assert (attribution.vendor, attribution.restricted) == (vendor, True), attribution.explanation
    if brand is not None:
        assert attribution.brand == brand


def test_the_dvrip_realm_gives_the_serial(fleet: Fleet, records: dict[str, HostRecord]) -> None:
    device = next(d for d in fleet.devices if d.persona.id == "dahua-dvrip-only")
    attribution = records["dahua-dvrip-only"].attribution
    assert attribution is not None
    assert attribution.serial == device.serial


def test_the_look_alike_on_8000_and_37777_is_not_claimed(records: dict[str, HostRecord]) -> None:
    record = records["sdk-port-lookalike"]
    assert {"tcp/8000", "tcp/37777"} <= set(record.services)
    assert record.attribution is not None
    assert record.attribution.restricted is not True
    assert record.attribution.vendor is None


def test_the_onvif_serial_reaches_the_attribution(fleet: Fleet, records: dict[str, HostRecord]) -> None:
    device = next(d for d in fleet.devices if d.persona.id == "huawei-ipc")
    attribution = records["huawei-ipc"].attribution
    assert attribution is not None
    assert (attribution.model, attribution.serial) == (device.model.name, device.serial)
