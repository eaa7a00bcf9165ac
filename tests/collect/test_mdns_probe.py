"""The unicast mDNS probe against the emulated Axis responder and hostile UDP servers on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import dns.message
import dns.rrset
import pytest

from covered.collect.probes.mdns import SERVICES, MdnsProbe, mdns_query, mdns_records
from covered.model import Channel, Observation
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import FAST, context, udp_agent


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    running = Fleet(FleetSpec(personas=("axis-camera", "generic-embedded"), seed=8, base="127.65.0.1"))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str, port: int = 5353) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await MdnsProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


def test_query_is_a_plain_ptr_question() -> None:
    query = dns.message.from_wire(mdns_query([SERVICES], 0x1234))
    assert query.id == 0x1234
    assert [(q.name.to_text(), q.rdtype) for q in query.question] == [(SERVICES, 12)]


def test_axis_responder_gives_types_instance_host_and_txt(fleet: Fleet) -> None:
    axis = fleet.devices[0]
    mac = axis.mac.replace(":", "")
    found = [(o.field, o.value) for o in run(axis.address)]
    assert ("service", "_axis-video._tcp.local") in found
    assert ("instance", f"AXIS {axis.model.name} - {mac}._axis-video._tcp.local") in found
    assert ("txt", f"macaddress={mac}") in found
    assert ("hostname", f"axis-{mac[-6:]}.local") in found
    assert len(found) == len(set(found))  # the second answer's repeats are not recorded twice


def test_a_host_without_mdns_gives_nothing_quickly(fleet: Fleet) -> None:
    began = time.monotonic()
    assert run(fleet.devices[1].address) == []
    assert time.monotonic() - began < FAST.read_timeout + 1.0


def _answer_to(data: bytes, build: Callable[[dns.message.Message], None]) -> bytes:
    query = dns.message.from_wire(data)
    response = dns.message.make_response(query)
    build(response)
    return response.to_wire()


def _services(response: dns.message.Message) -> None:
    response.answer.append(dns.rrset.from_text(SERVICES, 10, "IN", "PTR", "_evil._tcp.local."))


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (lambda data: [b"\x00\x01garbage"], [("anomaly", "parse-error")]),
        (lambda data: [data[:2] + b"\x84\x00\x00\x01\x00\x05\x00\x00\x00\x00"], [("anomaly", "parse-error")]),  # cut
        (lambda data: [b"\xff\xff" + _answer_to(data, _services)[2:]], [("anomaly", "parse-error")]),  # wrong id
        (lambda data: [data], [("anomaly", "parse-error")]),  # the query echoed back, not a response
        (lambda data: [bytes(9000)], [("anomaly", "parse-error")]),  # oversized zeros
        (lambda data: [_answer_to(data, lambda r: None)], []),  # an empty answer
    ],
)
def test_hostile_answers_become_anomalies(
    reply: Callable[[bytes], list[bytes]], expected: list[tuple[str, str]]
) -> None:
    async def go() -> list[Observation]:
        async with udp_agent(reply) as (port, _), context("127.0.0.1") as ctx:
            await MdnsProbe().probe(ctx, port)
            return ctx.observations

    assert [(o.channel.value, o.field) for o in asyncio.run(go())] == expected


def test_records_are_bounded() -> None:
    def flood(response: dns.message.Message) -> None:
        for n in range(300):
            response.answer.append(dns.rrset.from_text(SERVICES, 10, "IN", "PTR", f"_s{n}._tcp.local."))
        response.additional.append(dns.rrset.from_text("x.local.", 10, "IN", "TXT", *[f'"k{n}=v"' for n in range(100)]))

    query = mdns_query([SERVICES], 7)
    answer = _answer_to(query, flood)
    records = mdns_records(answer, 7)
    assert len([r for r in records if r[0] == "service"]) <= 64
    assert len([r for r in records if r[0] == "txt"]) <= 32


def test_probe_asks_for_at_most_a_few_types() -> None:
    def reply(data: bytes) -> list[bytes]:
        def many(response: dns.message.Message) -> None:
            for n in range(20):
                response.answer.append(dns.rrset.from_text(SERVICES, 10, "IN", "PTR", f"_s{n}._tcp.local."))

        return [_answer_to(data, many)]

    async def go() -> list[bytes]:
        async with udp_agent(reply) as (port, server), context("127.0.0.1") as ctx:
            await MdnsProbe().probe(ctx, port)
            assert all(o.channel is Channel.MDNS for o in ctx.observations)
            return server.received

    received = asyncio.run(go())
    assert len(received) == 2
    assert len(dns.message.from_wire(received[1]).question) == 4


def test_packets_stay_within_the_declared_budget(fleet: Fleet) -> None:
    async def go(address: str) -> int:
        async with context(address) as ctx:
            await MdnsProbe().probe(ctx, 5353)
            return ctx.limiter.sent

    assert asyncio.run(go(fleet.devices[0].address)) == MdnsProbe.packets  # enumeration, then the instances
    assert asyncio.run(go(fleet.devices[1].address)) == 1  # nobody answered the enumeration
