"""The SNMP probe: v2c sysDescr/sysObjectID/sysName, then SNMPv3 engine-ID discovery, against the emulated agents
and hostile UDP servers on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest

from covered.collect.probes.udp import SnmpProbe
from covered.collect.snmp_ber import (
    decode_v3,
    encode_oid,
    encode_v3,
    encode_v3_discovery,
    encode_v3_report,
    integer,
    tlv,
)
from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import FAST, context, udp_agent

PERSONAS = ("uniview-camera", "hytera-snmp-only", "huawei-snmpv3-only", "netsnmp-snmpv3-only", "axis-snmp-only")
NMAP_SNMPV3_PROBE = (
    b"\x30\x3a\x02\x01\x03\x30\x0f\x02\x02\x4a\x69\x02\x03\0\xff\xe3\x04\x01\x04\x02\x01\x03\x04\x10\x30\x0e\x04\0"
    b"\x02\x01\0\x02\x01\0\x04\0\x04\0\x04\0\x30\x12\x04\0\x04\0\xa0\x0c\x02\x02\x37\xf0\x02\x01\0\x02\x01\0\x30\0"
)
"""nmap-service-probes 'Probe UDP SNMPv3GetRequest' (nmap/nmap@db4aefdd:nmap-service-probes#L15410)."""


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    running = Fleet(FleetSpec(personas=PERSONAS, seed=4, base="127.64.0.1"))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str, port: int = 161) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await SnmpProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


def fields(observations: list[Observation]) -> dict[tuple[str, str], str]:
    return {(o.channel.value, o.field): o.value for o in observations}


def test_discovery_message_is_nmaps_snmpv3_probe_byte_for_byte() -> None:
    assert encode_v3_discovery(0x4A69, 0x37F0) == NMAP_SNMPV3_PROBE
    message = decode_v3(NMAP_SNMPV3_PROBE)
    assert (message.msg_id, message.flags, message.engine_id, message.user_name) == (0x4A69, 4, b"", b"")


def test_v2c_agent_gives_object_id_and_name(fleet: Fleet) -> None:
    camera = fleet.devices[0]
    found = fields(run(camera.address))
    assert found[("snmp", "sysobjectid")] == "1.3.6.1.4.1.39747.1.1"
    assert found[("snmp", "sysname")] == camera.model.name
    assert ("snmp", "engine-id") not in found  # v2c answered: no v3 discovery sent


def test_snmp_only_device_has_no_sysdescr(fleet: Fleet) -> None:
    found = fields(run(fleet.devices[1].address))
    assert found == {("snmp", "sysobjectid"): "1.3.6.1.4.1.40297.1.2.1.1", ("snmp", "sysname"): "RD985"}


def test_v3_only_agent_reports_its_engine_id(fleet: Fleet) -> None:
    huawei, netsnmp = fleet.devices[2], fleet.devices[3]
    engine = fields(run(huawei.address))[("snmp", "engine-id")]
    assert engine == "800007db03" + huawei.mac.replace(":", "").lower()  # enterprise 2011 | 0x80000000, MAC form
    assert fields(run(netsnmp.address))[("snmp", "engine-id")].startswith("80001f8880")


def test_scanning_snmp_only_personas_attributes_the_maker(registry: Registry, fleet: Fleet) -> None:
    identifier = identifier_for(registry)
    expected = [("uniview", False), ("hytera", True), ("huawei", True), (None, None), ("axis", False)]
    for device, (vendor, restricted) in zip(fleet.devices, expected, strict=True):
        attribution = identifier.attribute(device.address, run(device.address))
        assert (attribution.vendor, attribution.restricted) == (vendor, restricted), device.persona.id


# --- hostile agents ----------------------------------------------------------------------------------------


def _v3_only(answer: Callable[[bytes], bytes]) -> Callable[[bytes], list[bytes]]:
    def reply(data: bytes) -> list[bytes]:
        return [answer(data)] if data[2:5] == b"\x02\x01\x03" else []

    return reply


def _report_for(data: bytes, engine: bytes = bytes.fromhex("80009d6903000102030405")) -> bytes:
    request = decode_v3(data)
    return encode_v3_report(request.msg_id, request.request_id, engine, 1, 10)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (lambda data: [b"\x30\x82\xff"], ["parse-error"]),  # truncated BER in answer to v2c
        (lambda data: [bytes(range(256)) * 200], ["parse-error"]),  # oversized garbage
        (lambda data: [b"\x30\x84\xff\xff\xff\xff" + b"\x00" * 16], ["parse-error"]),  # absurd length
        (_v3_only(lambda data: b"\x30\x03\x02\x01\x03"), ["parse-error"]),  # v3 header cut short
        (_v3_only(lambda data: _report_for(data)[:-5]), ["parse-error"]),  # Report truncated
        (_v3_only(lambda data: encode_v3(1, 1, pdu_type=0xA8, engine_id=b"\x80\x00")), ["parse-error"]),  # other msg
        (_v3_only(lambda data: _report_for(data, b"\x80\x01")), ["parse-error"]),  # engine ID too short
        (_v3_only(lambda data: _report_for(data, b"\x80" * 40)), ["parse-error"]),  # engine ID too long
        (_v3_only(lambda data: _report_for(data)), ["engine-id"]),
    ],
)
def test_hostile_answers_become_anomalies(reply: Callable[[bytes], list[bytes]], expected: list[str]) -> None:
    async def go() -> list[Observation]:
        async with udp_agent(reply) as (port, _), context("127.0.0.1") as ctx:
            await SnmpProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    assert [o.field for o in observations] == expected
    if expected == ["engine-id"]:
        assert observations[0].value == "80009d6903000102030405"
    else:
        assert observations[0].channel is Channel.ANOMALY


def test_a_v2c_answer_for_another_request_is_refused() -> None:
    def reply(data: bytes) -> list[bytes]:
        varbind = tlv(0x30, tlv(0x06, encode_oid("1.3.6.1.2.1.1.5.0")) + tlv(0x04, b"x"))
        pdu = tlv(0xA2, integer(1) + integer(0) + integer(0) + tlv(0x30, varbind))
        return [tlv(0x30, integer(1) + tlv(0x04, b"public") + pdu)]

    async def go() -> list[Observation]:
        async with udp_agent(reply) as (port, _), context("127.0.0.1") as ctx:
            await SnmpProbe().probe(ctx, port)
            return ctx.observations

    assert [(o.channel, o.field) for o in asyncio.run(go())] == [(Channel.ANOMALY, "parse-error")]


def test_a_silent_agent_costs_two_bounded_waits() -> None:
    async def go() -> tuple[list[Observation], list[bytes], float]:
        async with udp_agent(lambda data: []) as (port, server), context("127.0.0.1") as ctx:
            began = time.monotonic()
            await SnmpProbe().probe(ctx, port)
            return ctx.observations, server.received, time.monotonic() - began

    observations, received, seconds = asyncio.run(go())
    assert observations == []
    # The v2c GET, then the v3 discovery, each sent twice since nothing answers (Limits.udp_tries).
    assert len(received) == 2 * FAST.udp_tries
    assert received[0] == received[1]
    assert received[-1] == encode_v3_discovery(decode_v3(received[-1]).msg_id, decode_v3(received[-1]).request_id)
    assert seconds < 2 * FAST.read_timeout + 1.0
