"""The vendor-path probe: follows an embedded UI's stub to its login page and icon, on the same host only."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator

import pytest

from covered.collect.probes.http import HttpProbe
from covered.collect.probes.paths import MAX_EXTRA, PathProbe, icon_links, next_pages
from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.sim import Fleet, FleetSpec
from tests.collect.probe_helpers import FAST, context, serve

BASE = "http://127.0.0.1:8080/"


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(personas=("hikvision-camera", "hikvision-camera", "axis-camera", "generic-embedded"), seed=2)
    running = Fleet(spec.model_copy(update={"base": "127.67.0.1"}))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def run(address: str, port: int = 80) -> list[Observation]:
    async def go() -> list[Observation]:
        async with context(address) as ctx:
            await PathProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("status", "location", "body", "pages"),
    [
        (
            200,
            None,
            '<script>window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();</script>',
            ["/doc/page/login.asp"],
        ),
        (200, None, '<meta http-equiv="refresh" content="0; URL=/camera/index.html">', ["/camera/index.html"]),
        (302, "http://127.0.0.1:8080/index.asp", "", ["/index.asp"]),
        (302, "/login.htm", "", ["/login.htm"]),
        (200, None, "<script>location.replace('view/login.html')</script>", ["/view/login.html"]),
        # Never another host, port or scheme; never javascript: targets.
        (302, "http://10.0.0.1/index.asp", "", []),
        (302, "https://127.0.0.1:8080/x", "", []),
        (200, None, '<script>location.href = "//evil.example/x";</script>', []),
        (200, None, '<script>location.href = "javascript:alert(1)";</script>', []),
        (302, "http://127.0.0.1:99999/x", "", []),
        # A Hikvision marker names its login page even without a script.
        (200, None, '<a href="/doc/page/login.asp">login</a>', ["/doc/page/login.asp"]),
    ],
)
def test_next_pages(status: int, location: str | None, body: str, pages: list[str]) -> None:
    assert next_pages(BASE, status, location, body) == pages


def test_icon_links() -> None:
    body = (
        '<link rel="shortcut icon" href="/doc/images/favicon.ico"><link rel=icon href=img/a.png>'
        '<link rel="stylesheet" href="/x.css"><link rel="icon" href="http://other.example/i.ico">'
    )
    assert icon_links(BASE + "doc/page/login.asp", body) == ["/doc/images/favicon.ico", "/doc/page/img/a.png"]


def test_hikvision_stub_leads_to_the_login_page(registry: Registry, fleet: Fleet) -> None:
    for device in fleet.devices[:2]:
        observations = run(device.address)
        paths = [o.value for o in observations if o.field == "path"]
        if device.string("server") == "Hikvision-Webs":
            assert paths[:2] == ["/index.asp 200", "/doc/page/login.asp 200"]  # 302, then the index script
        else:
            assert paths == ["/doc/page/login.asp 200"]
        bodies = [o for o in observations if o.field == "body"]
        assert bodies
        assert all(o.collector == "probe:http-paths /doc/page/login.asp" for o in bodies if "login_btn" in o.value)
        attribution = identifier_for(registry).attribute(device.address, observations)
        assert attribution.vendor == "hikvision"


def test_axis_refresh_is_followed_and_the_honeypot_is_left_alone(fleet: Fleet) -> None:
    axis = run(fleet.devices[2].address)
    assert [o.value for o in axis if o.field == "path"] == ["/camera/index.html 200"]
    assert run(fleet.devices[3].address) == []  # a titled page without script: no extra request


def test_requests_stay_on_the_host_and_within_budget() -> None:
    seen: list[str] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        path = head.split(" ", 2)[1]
        seen.append(path)
        links = "".join(f'<meta http-equiv="refresh" content="0;url=/p{n}{path}">' for n in range(2))
        icons = '<link rel="icon" href="/i.ico"><link rel="icon" href="http://10.1.1.1/x.ico">'
        body = f"<script>location.href='http://10.9.9.9/steal'</script>{links}{icons}".encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            await PathProbe().probe(ctx, port)
            return ctx.observations

    observations = asyncio.run(go())
    assert seen[0] == "/"
    assert len(seen) == 1 + MAX_EXTRA
    assert all(path.startswith(("/p", "/i.ico")) for path in seen[1:])
    assert all(o.channel is not Channel.ANOMALY for o in observations)


def test_icon_declared_by_the_login_page_is_read() -> None:
    icon = b"\x00\x00\x01\x00" + bytes(60)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        path = (await reader.readuntil(b"\r\n\r\n")).decode().split(" ", 2)[1]
        pages = {
            "/": b"<script>window.location.href = '/login.htm';</script>",
            "/login.htm": b'<title>Login</title><link rel="shortcut icon" href="images/logo.ico">',
            "/images/logo.ico": icon,
        }
        body = pages.get(path, b"")
        status = b"200 OK" if path in pages else b"404 Not Found"
        writer.write(b"HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(body)) + body)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            await PathProbe().probe(ctx, port)
            return ctx.observations

    found = [(o.channel.value, o.field, o.value) for o in asyncio.run(go())]
    assert ("http", "title", "Login") in found
    assert ("http", "path", "/images/logo.ico 200") in found
    assert ("favicon", "bytes", base64.b64encode(icon).decode()) in found


def test_a_stalling_login_page_ends_the_probe() -> None:
    seen: list[str] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        path = (await reader.readuntil(b"\r\n\r\n")).decode().split(" ", 2)[1]
        seen.append(path)
        if path != "/":
            await asyncio.sleep(30)  # the login page never comes
            return
        body = b'<script>location.href="/a.htm"</script><meta http-equiv="refresh" content="0;url=/b.htm">'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        await writer.drain()

    async def go() -> tuple[list[Observation], float]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            began = time.monotonic()
            await PathProbe().probe(ctx, port)
            return ctx.observations, time.monotonic() - began

    observations, seconds = asyncio.run(go())
    assert seen == ["/", "/b.htm"]  # meta refresh targets are listed before script targets
    assert [(o.channel, o.field) for o in observations] == [(Channel.ANOMALY, "timeout")]
    assert seconds < FAST.request_deadline + 1.5


def test_packets_stay_within_the_declared_budget(fleet: Fleet) -> None:
    async def go(address: str) -> int:
        async with context(address) as ctx:
            await PathProbe().probe(ctx, 80)
            return ctx.limiter.sent

    sent = [asyncio.run(go(device.address)) for device in fleet.devices]
    assert all(1 <= n <= PathProbe.packets for n in sent), sent
    assert sent[3] == 1  # the honeypot's titled page: the front page only


def test_the_http_probe_and_this_one_share_one_get_of_the_front_page() -> None:
    seen: list[str] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        path = (await reader.readuntil(b"\r\n\r\n")).decode().split(" ", 2)[1]
        seen.append(path)
        body = b'<script>location.href="/login.htm"</script>' if path == "/" else b"<title>Login</title>"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            await asyncio.gather(HttpProbe().probe(ctx, port), PathProbe().probe(ctx, port))
            return ctx.observations

    observations = asyncio.run(go())
    assert sorted(seen) == ["/", "/favicon.ico", "/login.htm"]
    assert ("title", "Login") in {(o.field, o.value) for o in observations}
