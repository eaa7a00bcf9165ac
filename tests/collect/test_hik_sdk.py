"""The Hikvision SDK / EZVIZ local-port probe against emulated devices and hostile servers on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from covered.collect.probes.hik_sdk import GENERIC_LINES, HikSdkProbe
from covered.model import Channel, Observation
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import context, fleet_base, serve

FRAME = "000000100000001e0000001e00000000"


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(
        personas=("ezviz-cloud-camera", "hikvision-sdk-only", "sdk-port-lookalike"), seed=4, base=fleet_base(62)
    )
    running = Fleet(spec)
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str, port: int) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await HikSdkProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


def replies(observations: list[Observation]) -> list[tuple[int | None, str]]:
    return [(o.port, o.value) for o in observations if o.channel is Channel.HIK_SDK]


def test_sdk_port_and_sdk_over_tls_answer_with_the_error_frame(fleet: Fleet) -> None:
    ezviz = fleet.devices[0]
    assert replies(run(ezviz.address, 8000)) == [(8000, FRAME)]
    assert replies(run(ezviz.address, 8443)) == [(8443, FRAME)]
    assert replies(run(fleet.devices[1].address, 8000)) == [(8000, FRAME)]


def test_silent_ezviz_ports_give_no_observation_and_no_anomaly(fleet: Fleet) -> None:
    began = time.monotonic()
    assert run(fleet.devices[0].address, 9010) == []
    assert time.monotonic() - began < 4


def test_a_web_server_on_8000_is_recorded_but_is_not_the_frame(fleet: Fleet) -> None:
    observations = run(fleet.devices[2].address, 8000)
    found = replies(observations)
    assert len(found) == 1
    assert bytes.fromhex(found[0][1]).startswith(b"HTTP/1.1 400 ")
    # ...and is then read as the web server it is.
    assert ("server", "lighttpd/1.4.16") in {(o.field, o.value) for o in observations if o.channel is Channel.HTTP}


def test_a_volunteered_greeting_is_read_without_sending_anything() -> None:
    received: list[bytes] = []

    async def greeter(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(bytes.fromhex(FRAME))
        await writer.drain()
        try:
            received.append(await asyncio.wait_for(reader.read(64), 1.5))
        except TimeoutError:
            received.append(b"")

    async def go() -> list[Observation]:
        async with serve(greeter) as port, context("127.0.0.1") as ctx:
            await HikSdkProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    assert [o.value for o in observations if o.channel is Channel.HIK_SDK] == [FRAME]
    assert received == [b""]  # nothing was sent to a port that greeted first


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        (bytes.fromhex(FRAME)[:10], "parse-error"),  # truncated frame
        (b"\x00" * 5000, None),  # oversized: only the first 256 bytes are kept
        (b"\xff\xfe garbage \x00\x01", None),  # garbage is recorded as hex, never parsed
    ],
)
def test_hostile_answers_are_bounded(answer: bytes, field: str | None) -> None:
    async def replier(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.read(64)
        assert request == GENERIC_LINES
        writer.write(answer)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(replier) as port, context("127.0.0.1") as ctx:
            await HikSdkProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    if field is not None:
        assert [o.field for o in observations] == [field]
        return
    (observation,) = observations
    assert observation.channel is Channel.HIK_SDK
    assert len(observation.value) <= 512
    assert bytes.fromhex(observation.value) == answer[:256]


def test_a_stalling_port_costs_at_most_the_request_deadline() -> None:
    async def staller(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async def go() -> list[Observation]:
        async with serve(staller) as port, context("127.0.0.1") as ctx:
            await HikSdkProbe().probe(ctx, port)
            return ctx.observations

    began = time.monotonic()
    assert asyncio.run(go()) == []
    assert time.monotonic() - began < 3.5


def test_the_probe_stays_within_its_packet_budget(fleet: Fleet) -> None:
    async def go(address: str, port: int) -> int:
        async with context(address) as ctx:
            await HikSdkProbe().probe(ctx, port)
            return ctx.limiter.sent

    for device, port in ((fleet.devices[0], 8443), (fleet.devices[1], 8000), (fleet.devices[2], 8000)):
        assert 1 <= asyncio.run(go(device.address, port)) <= HikSdkProbe.packets
