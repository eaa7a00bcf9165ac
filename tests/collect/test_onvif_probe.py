"""ONVIF without credentials against emulated devices: identity where it is open, a recorded refusal where not."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from covered.collect.probes import Credentials
from covered.collect.probes.credentialed import OnvifInfoProbe
from covered.collect.probes.onvif import OnvifProbe
from covered.model import Channel, Observation
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import context, fleet_base, serve


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(
        personas=("huawei-ipc", "hikvision-camera", "generic-embedded", "xml-bomb@hikvision-camera", "slow@huawei-ipc"),
        seed=8,
        slow_seconds=20,
        base=fleet_base(64),
    )
    running = Fleet(spec)
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await OnvifProbe().probe(ctx, 80)
            return ctx.observations

    return asyncio.run(go())


def test_open_device_information_gives_maker_model_firmware_serial(fleet: Fleet) -> None:
    device = fleet.devices[0]
    found = {o.field: o.value for o in run(device.address) if o.channel is Channel.ONVIF}
    assert found["manufacturer"] == "HUAWEI"
    assert (found["model"], found["serial"]) == (device.model.name, device.serial)
    assert found["firmware"] == device.firmware
    assert found["xaddrs"] == f"http://{device.address}/onvif/device_service"


def test_a_refusal_is_recorded_once_and_not_retried(fleet: Fleet) -> None:
    observations = run(fleet.devices[1].address)
    refusals = [o for o in observations if o.channel is Channel.ANOMALY]
    assert len(refusals) == 1
    assert "NotAuthorized" in refusals[0].value
    assert "401" in refusals[0].value
    assert not any(o.field in ("manufacturer", "model") for o in observations)


def test_a_web_server_without_onvif_gives_nothing(fleet: Fleet) -> None:
    assert run(fleet.devices[2].address) == []


def test_an_entity_bomb_is_refused_as_an_anomaly(fleet: Fleet) -> None:
    observations = run(fleet.devices[3].address)
    assert observations, "the bomb answer must leave a trace"
    assert all(o.channel is Channel.ANOMALY for o in observations)
    assert any(o.field == "parse-error" for o in observations)


def _with_credentials(address: str, credentials: Credentials) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            ctx.credentials = credentials
            await OnvifInfoProbe().probe(ctx, 80)
            return ctx.observations

    return asyncio.run(go())


def test_the_credentialed_probe_shares_the_parser_and_sends_one_digest(fleet: Fleet) -> None:
    device = fleet.devices[1]
    good = _with_credentials(device.address, Credentials(fleet.spec.username, fleet.spec.password))
    found = {o.field: o.value for o in good if o.channel is Channel.ONVIF}
    assert found["manufacturer"] == "HIKVISION"
    assert (found["model"], found["serial"]) == (device.model.name, device.serial)
    assert _with_credentials(device.address, Credentials(fleet.spec.username, "not-the-password")) == []


def test_at_most_three_requests_and_one_where_there_is_no_onvif(fleet: Fleet) -> None:
    async def go(address: str) -> int:
        async with context(address) as ctx:
            await OnvifProbe().probe(ctx, 80)
            return ctx.limiter.sent

    assert asyncio.run(go(fleet.devices[0].address)) == OnvifProbe.packets
    assert asyncio.run(go(fleet.devices[2].address)) == 1


def test_a_stalling_device_costs_at_most_the_request_deadline(fleet: Fleet) -> None:
    began = time.monotonic()
    observations = run(fleet.devices[4].address)
    assert time.monotonic() - began < 3.5
    assert [o.field for o in observations] == ["timeout"]


def test_an_http_401_to_the_pre_auth_call_is_recorded_and_nothing_more_is_sent() -> None:
    requests: list[bytes] = []

    async def refuser(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(
            b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n'
            b"Connection: close\r\n\r\n"
        )
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(refuser) as port, context("127.0.0.1") as ctx:
            await OnvifProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    assert [(o.channel, o.field) for o in observations] == [(Channel.ANOMALY, "connection")]
    assert "401" in observations[0].value
    assert len(requests) == 1
    assert b"Authorization" not in requests[0]
