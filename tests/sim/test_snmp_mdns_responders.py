"""The emulated SNMP and mDNS responders refuse what a real agent would ignore (no network needed)."""

from __future__ import annotations

import dns.message
import pytest

from covered.collect.probes.mdns import SERVICES, mdns_query
from covered.collect.snmp_ber import decode_v3, encode_get, encode_v3, encode_v3_discovery
from covered.sim import FleetSpec, mdns, snmp
from covered.sim.plan import Device, plan_fleet


@pytest.fixture(scope="module")
def devices() -> dict[str, Device]:
    personas = ("axis-camera", "huawei-snmpv3-only", "hytera-snmp-only", "hikvision-camera")
    return {d.persona.id: d for d in plan_fleet(FleetSpec(personas=personas, base="127.69.0.1"))}


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00" * 5, bytes(range(256)) * 10, mdns_query([SERVICES]) + b"\x00" * 2000],
)
def test_mdns_ignores_garbage_and_oversized_queries(devices: dict[str, Device], data: bytes) -> None:
    assert mdns.answer(devices["axis-camera"], data) is None


def test_mdns_ignores_responses_and_unknown_names(devices: dict[str, Device]) -> None:
    axis = devices["axis-camera"]
    answer = mdns.answer(axis, mdns_query([SERVICES], 9))
    assert answer is not None
    assert mdns.answer(axis, answer) is None  # a response is never answered
    assert mdns.answer(axis, mdns_query(["_printer._tcp.local."], 9)) is None
    assert mdns.answer(devices["hikvision-camera"], mdns_query([SERVICES], 9)) is None  # announces nothing
    assert dns.message.from_wire(answer).id == 9


def test_v3_only_agent_answers_discovery_only(devices: dict[str, Device]) -> None:
    huawei = devices["huawei-snmpv3-only"]
    assert snmp.respond(huawei, encode_get("public", 1, ["1.3.6.1.2.1.1.2.0"])) is None
    report = snmp.respond(huawei, encode_v3_discovery(5, 6))
    assert report is not None
    assert decode_v3(report).engine_id == snmp.engine_id(huawei)
    # Not discovery: an engine ID already given, or the reportable flag off.
    assert snmp.respond(huawei, encode_v3(5, 6, engine_id=snmp.engine_id(huawei))) is None
    assert snmp.respond(huawei, encode_v3(5, 6, flags=0)) is None
    assert snmp.respond(huawei, encode_v3_discovery(5, 6)[:-3]) is None


def test_v2c_only_agent_ignores_v3(devices: dict[str, Device]) -> None:
    hytera = devices["hytera-snmp-only"]
    assert snmp.respond(hytera, encode_v3_discovery(5, 6)) is None
    assert snmp.respond(hytera, encode_get("public", 1, ["1.3.6.1.2.1.1.5.0"])) is not None
    assert snmp.respond(hytera, encode_get("private", 1, ["1.3.6.1.2.1.1.5.0"])) is None
