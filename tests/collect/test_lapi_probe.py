"""The Uniview LAPI probe against emulated Uniview devices, a look-alike and hostile HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from covered.collect.probes.lapi import LAPI_PATH, LapiProbe
from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import FAST, context, serve


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(personas=("uniview-nvr", "uniview-camera", "uniview-title-lookalike", "hikvision-camera"))
    running = Fleet(spec.model_copy(update={"seed": 9, "base": "127.66.0.1"}))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str, port: int = 80) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await LapiProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


def test_uniview_answers_in_its_envelope_without_credentials(registry: Registry, fleet: Fleet) -> None:
    for device in fleet.devices[:2]:
        observations = run(device.address)
        found = {(o.channel, o.field): o.value for o in observations}
        reply = found[(Channel.LAPI, "reply")]
        assert f'"ResponseURL": "{LAPI_PATH}"' in reply
        assert '"ResponseString": "Not Authorized"' in reply
        assert device.serial not in reply  # nothing but the envelope without credentials
        assert found[(Channel.HTTP, "www-authenticate")].startswith("Digest ")
        attribution = identifier_for(registry).attribute(device.address, observations)
        assert (attribution.vendor, attribution.restricted) == ("uniview", False)


def test_other_web_servers_give_nothing(fleet: Fleet) -> None:
    for device in fleet.devices[2:]:
        assert [o for o in run(device.address) if o.channel is not Channel.HTTP] == []


def _http(body: bytes, status: str = "200 OK", extra: bytes = b"") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n".encode()
    return head + extra + b"Connection: close\r\n\r\n" + body


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (_http(b'{"Response": {"ResponseURL": "/LAPI/V1.0/System/DeviceBasicInfo"'), [("anomaly", "parse-error")]),
        (_http(b"[" * 50_000 + b"]" * 50_000), []),  # not an object's opening brace: not LAPI
        (_http(b'{"a":' * 5_000 + b"1" + b"}" * 5_000), [("anomaly", "parse-error")]),  # hostile depth
        (_http(b'["not", "an object"]'), []),
        (_http(b'{"x": ' + b'"y' * 40_000 + b'"}'), [("anomaly", "oversize")]),  # over max_body
        (_http(b"\xef\xbb\xbf" + b'{"Response": {"ResponseURL": "/LAPI/V1.0/x"}}'), [("lapi", "reply")]),  # BOM
        (_http(b"<html>404</html>", "404 Not Found"), []),
        (_http(b"{}", "401 Unauthorized", b'WWW-Authenticate: Digest realm="x"\r\n'), [("http", "www-authenticate")]),
    ],
)
def test_hostile_answers_are_bounded(answer: bytes, expected: list[tuple[str, str]]) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            await LapiProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    assert [(o.channel.value, o.field) for o in observations][: len(expected) or None] == expected
    if expected == [("http", "www-authenticate")]:
        assert [(o.channel.value, o.field) for o in observations] == [("http", "www-authenticate"), ("lapi", "reply")]


def test_a_stalling_server_costs_one_deadline() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
        await writer.drain()
        await asyncio.sleep(30)

    async def go() -> tuple[list[Observation], float]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            began = time.monotonic()
            await LapiProbe().probe(ctx, port)
            return ctx.observations, time.monotonic() - began

    observations, seconds = asyncio.run(go())
    assert [o.channel for o in observations if o.channel is Channel.LAPI] == []
    assert seconds < FAST.request_deadline + 1.0


def test_one_request_per_port(fleet: Fleet) -> None:
    async def go(address: str) -> int:
        async with context(address) as ctx:
            await LapiProbe().probe(ctx, 80)
            return ctx.limiter.sent

    assert [asyncio.run(go(d.address)) for d in fleet.devices] == [LapiProbe.packets] * len(fleet.devices)
