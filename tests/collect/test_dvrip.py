"""The Dahua DVRIP realm probe on 37777 against emulated devices and hostile servers on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from covered.collect.probes.dvrip import MAX_TEXT, REALM_REQUEST, DvripProbe
from covered.model import Channel, Observation
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import context, fleet_base, serve


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(personas=("dahua-dvrip-only", "dahua-camera", "sdk-port-lookalike"), seed=6, base=fleet_base(63))
    running = Fleet(spec)
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str, port: int = 37777) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await DvripProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


def test_the_realm_names_the_serial(fleet: Fleet) -> None:
    for device in fleet.devices[:2]:
        (observation,) = run(device.address)
        assert (observation.channel, observation.field) == (Channel.DVRIP, "reply")
        assert f"Login to {device.serial}" in observation.value


def test_a_foreign_protocol_on_37777_is_an_anomaly_not_a_reply(fleet: Fleet) -> None:
    observations = run(fleet.devices[2].address)
    assert [(o.channel, o.field) for o in observations] == [(Channel.ANOMALY, "parse-error")]


def _answer(body: bytes, declared: int | None = None) -> bytes:
    size = len(body) if declared is None else declared
    return b"\xb0\x01\x00\x00" + size.to_bytes(4, "little") + bytes(24) + body


@pytest.mark.parametrize(
    ("answer", "fields"),
    [
        (_answer(b"Realm:Login to ABC12345678\r\n", declared=500), ["parse-error", "reply"]),  # cut short
        (_answer(b"Login to X" * 1000), ["oversize", "reply"]),  # over the text cap
        (b"\xb0\x01\x00", ["parse-error"]),  # truncated header
        (b"SSH-2.0-OpenSSH_9.6\r\n" + bytes(20), ["parse-error"]),  # another protocol
    ],
)
def test_hostile_answers_become_anomalies(answer: bytes, fields: list[str]) -> None:
    async def replier(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert await reader.readexactly(32) == REALM_REQUEST
        writer.write(answer)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(replier) as port, context("127.0.0.1") as ctx:
            await DvripProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    assert [o.field for o in observations] == fields
    assert all(len(o.value) <= MAX_TEXT + 100 for o in observations)


def test_silence_is_a_timeout_within_the_deadline() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async def go() -> list[Observation]:
        async with serve(silent) as port, context("127.0.0.1") as ctx:
            await DvripProbe().probe(ctx, port)
            return ctx.observations

    began = time.monotonic()
    observations = asyncio.run(go())
    assert [o.field for o in observations] == ["timeout"]
    assert time.monotonic() - began < 3.5


def test_one_request_and_nothing_after_it(fleet: Fleet) -> None:
    async def go(address: str) -> int:
        async with context(address) as ctx:
            await DvripProbe().probe(ctx, 37777)
            return ctx.limiter.sent

    assert asyncio.run(go(fleet.devices[0].address)) == DvripProbe.packets
