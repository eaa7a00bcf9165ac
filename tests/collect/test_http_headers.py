"""The HTTP probe records every other response header and each cookie, bounded, from a real server on loopback."""

from __future__ import annotations

import asyncio

from covered.collect.probes.http import MAX_HEADER_VALUE, MAX_HEADERS, HttpProbe
from covered.model import Channel, Observation
from tests.collect.probe_helpers import context, serve

BODY = b"<html><head><title>AirOS</title></head><body>x</body></html>"


def _response(headers: list[tuple[str, str]]) -> bytes:
    lines = ["HTTP/1.1 200 OK", *(f"{name}: {value}" for name, value in headers)]
    lines += [f"Content-Length: {len(BODY)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + BODY


def run(headers: list[tuple[str, str]]) -> list[Observation]:
    """Probe a loopback server answering every request with the given headers."""
    answer = _response(headers)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
        writer.write(answer)
        await writer.drain()

    async def go() -> list[Observation]:
        async with serve(handler) as port, context("127.0.0.1") as ctx:
            await HttpProbe().probe(ctx, port)
            return ctx.observations

    return asyncio.run(go())


def _values(observations: list[Observation], field: str) -> list[str]:
    return [o.value for o in observations if (o.channel, o.field) == (Channel.HTTP, field)]


def test_headers_keep_their_case_and_cookies_lose_their_attributes() -> None:
    # Set-Cookie as WhatWeb's airos plugin matches it (urbanadventurer/WhatWeb@660f0f46:plugins/airos.rb#L34).
    observations = run(
        [
            ("Server", "lighttpd/1.4.35"),
            ("X-Powered-By", "PHP/5.2.6"),
            ("Set-Cookie", "AIROS_SESSIONID=0123456789abcdef0123456789abcdef; Path=/; Version=1"),
            ("set-cookie", "lang=en"),
            ("WWW-Authenticate", 'Basic realm="x"'),
            ("Location", "/login.cgi"),
        ]
    )
    assert _values(observations, "server") == ["lighttpd/1.4.35"]
    headers = _values(observations, "header")
    assert "X-Powered-By: PHP/5.2.6" in headers
    # Headers with their own field (and Set-Cookie) are not repeated as http/header.
    assert not any(h.split(":")[0].lower() in {"server", "www-authenticate", "location", "set-cookie"} for h in headers)
    assert "Connection: close" in headers
    assert _values(observations, "cookie") == ["AIROS_SESSIONID=0123456789abcdef0123456789abcdef", "lang=en"]
    # A 200 answer's Location is not a redirect: no http/location either.
    assert _values(observations, "location") == []


def test_many_headers_are_capped_in_count_and_length() -> None:
    # Well under the size at which h11 refuses a header block, and still over both caps.
    many = [(f"X-Pad-{n}", "v" * 40) for n in range(MAX_HEADERS + 20)]
    many.insert(0, ("X-Long", "w" * (MAX_HEADER_VALUE + 900)))
    many += [("Set-Cookie", f"c{n}=1; Path=/") for n in range(MAX_HEADERS + 10)]
    many.insert(1, ("Set-Cookie", f"big={'z' * (MAX_HEADER_VALUE + 500)}"))
    observations = run(many)
    headers = _values(observations, "header")
    cookies = _values(observations, "cookie")
    assert len(headers) == MAX_HEADERS
    assert headers[0] == f"X-Long: {'w' * MAX_HEADER_VALUE}"
    assert len(cookies) == MAX_HEADERS
    assert cookies[0] == f"big={'z' * (MAX_HEADER_VALUE - 4)}"
    assert cookies[1:3] == ["c0=1", "c1=1"]
    # The page itself is still read.
    assert _values(observations, "title") == ["AirOS"]


def test_an_oversized_header_block_is_an_anomaly_not_an_exception() -> None:
    # 300 KB of headers: httpx (h11) gives up reading them; the probe notes it and records no header.
    observations = run([(f"X-Pad-{n}", "v" * 1000) for n in range(300)])
    assert _values(observations, "header") == []
    assert [o.field for o in observations if o.channel is Channel.ANOMALY] == ["parse-error"]
