"""HTTP and HTTPS: Server, WWW-Authenticate, Location, other headers, cookies, title, body and the favicon, bounded."""

from __future__ import annotations

import asyncio
import base64

import httpx

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.probes.page_text import record_page
from covered.model import Channel

__all__ = [
    "MAX_HEADERS",
    "HttpProbe",
    "describe_failure",
    "fetch",
    "fetch_or_note",
    "front_page",
    "record_headers",
    "url_for",
]

"""Characters of a page body kept as an observation (signatures look for markers near the top)."""


MAX_HEADERS = 32
"""Other response headers, and Set-Cookie headers, recorded per answer (each at most MAX_HEADER_VALUE chars)."""
MAX_HEADER_VALUE = 1024
_OWN_FIELD_HEADERS = frozenset({"server", "www-authenticate", "location", "set-cookie"})


def record_headers(ctx: ProbeContext, headers: httpx.Headers, port: int, probe: str) -> None:
    """Every other response header as http/header 'Name: value', each Set-Cookie as http/cookie 'name=value'.

    Names keep the case the device sent; cookie attributes (Path, Expires...) are dropped, as web fingerprints
    match cookie names and values. Both are bounded in count and length: a hostile device may send thousands.
    """
    kept = cookies = 0
    for raw_name, raw_value in headers.raw:
        name, value = decode_text(raw_name), decode_text(raw_value)
        lower = name.lower()
        if lower == "set-cookie":
            cookie = value.split(";", 1)[0].strip()
            if cookie and cookies < MAX_HEADERS:
                cookies += 1
                ctx.add(Channel.HTTP, "cookie", cookie[:MAX_HEADER_VALUE], port, probe)
        elif lower not in _OWN_FIELD_HEADERS and kept < MAX_HEADERS:
            kept += 1
            ctx.add(Channel.HTTP, "header", f"{name}: {value[:MAX_HEADER_VALUE]}", port, probe)


def url_for(address: str, port: int, path: str, tls: bool) -> str:
    """URL for an address (IPv6 in brackets)."""
    host = f"[{address}]" if ":" in address else address
    return f"{'https' if tls else 'http'}://{host}:{port}{path}"


async def fetch(
    ctx: ProbeContext,
    url: str,
    limit: int,
    auth: httpx.Auth | None = None,
    method: str = "GET",
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, httpx.Headers, bytes, bool]:
    """(status, headers, body up to `limit` bytes, truncated) within the request deadline; raises on failure."""
    await ctx.packet()
    async with asyncio.timeout(ctx.limits.request_deadline):
        request = ctx.http.build_request(
            method, url, content=content, headers={"Accept-Encoding": "identity", **(headers or {})}
        )
        response = await ctx.http.send(request, stream=True, auth=auth, follow_redirects=False)
        try:
            body = bytearray()
            truncated = False
            async for chunk in response.aiter_raw():
                body.extend(chunk)
                if len(body) >= limit:
                    truncated = True
                    del body[limit:]
                    break
            return response.status_code, response.headers, bytes(body), truncated
        finally:
            await response.aclose()


async def fetch_or_note(
    ctx: ProbeContext,
    url: str,
    limit: int,
    probe: str,
    port: int,
    *,
    quiet: bool = False,
    auth: httpx.Auth | None = None,
    method: str = "GET",
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, httpx.Headers, bytes, bool] | None:
    """fetch(), with a failure recorded as an anomaly of the probe (unless quiet) and returned as None."""
    try:
        return await fetch(ctx, url, limit, auth=auth, method=method, content=content, headers=headers)
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        if not quiet:
            ctx.anomaly(*describe_failure(exc), port, probe)
        return None


def describe_failure(exc: BaseException) -> tuple[str, str]:
    """Anomaly field and text for an exception a device caused."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout", "no complete answer in time"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "parse-error", f"malformed HTTP: {exc}"[:200]
    if isinstance(exc, httpx.ConnectError | ConnectionError | OSError):
        return "connection", f"{type(exc).__name__}: {exc}"[:200]
    return "connection", f"{type(exc).__name__}: {exc}"[:200]


def front_page(ctx: ProbeContext, port: int) -> asyncio.Task[tuple[int, httpx.Headers, bytes, bool] | None]:
    """GET / of a web port once per host: the HTTP probe and the vendor-path probe share the one answer."""
    task = ctx.front_pages.get(port)
    if task is None:
        url = url_for(ctx.address, port, "/", port in (443, 8443))
        task = asyncio.ensure_future(fetch_or_note(ctx, url, ctx.limits.max_body, HttpProbe.name, port))
        ctx.front_pages[port] = task
    return task


class HttpProbe:
    """GET / and /favicon.ico over HTTP or HTTPS, without credentials."""

    name = "http"
    channel = Channel.HTTP
    transport = "tcp"
    ports = (80, 8080, 443, 8443)
    packets = 2
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Read the front page's headers, title and body, and the favicon."""
        tls = port in (443, 8443)
        page = await front_page(ctx, port)
        if page is None:
            return
        status, headers, body, truncated = page
        if truncated:
            ctx.anomaly("oversize", f"body over {ctx.limits.max_body} bytes; the rest was not read", port, self.name)
        for name, field in (("server", "server"), ("www-authenticate", "www-authenticate")):
            for value in headers.get_list(name):
                ctx.add(Channel.HTTP, field, value[:1024], port, self.name)
        if 300 <= status < 400 and headers.get("location"):
            ctx.add(Channel.HTTP, "location", headers["location"][:1024], port, self.name)
        record_headers(ctx, headers, port, self.name)
        record_page(ctx, body, headers.get("content-type"), port, self.name)
        answer = await fetch_or_note(
            ctx, url_for(ctx.address, port, "/favicon.ico", tls), ctx.limits.max_favicon, self.name, port, quiet=True
        )
        if answer is None:
            return
        status, headers, icon, truncated = answer
        if status == 200 and icon and not truncated and icon.lstrip()[:1] != b"<":
            ctx.add(Channel.FAVICON, "bytes", base64.b64encode(icon).decode("ascii"), port, self.name)
