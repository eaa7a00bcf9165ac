"""Web UI pages behind a near-empty front page: the login page a script or redirect points to, and its icon.

Many camera UIs answer ``/`` with a few bytes of script that send the browser elsewhere (Hikvision's
``window.location.href = "/doc/page/login.asp?_" + ...``, WhatWeb#425) or with a 3xx; the maker's name,
title and icon sit on that next page. This probe reads the front page the HTTP probe fetched (one GET
per port, shared), and only when it looks like an embedded UI (a redirect, or a short page) it makes a few more
GET requests on the same host:

- the target of the 3xx ``Location``, a ``<meta http-equiv="refresh">`` or a ``location.href``/
  ``location.replace`` script (only same-host, relative or absolute-path targets; never another host);
- known vendor login pages named by the front page, e.g. Hikvision's ``/doc/page/login.asp``, requested by
  nuclei's hikvision-detect template (projectdiscovery/nuclei-templates@161b9035:
  http/technologies/hikvision-detect.yaml#L16-L17);
- the icon a fetched page declares with ``<link rel="icon" href=...>`` (HTML Living Standard, link type
  "icon") when it is not the ``/favicon.ico`` the HTTP probe already reads.

At most ``MAX_EXTRA`` requests beyond ``/``, all GET, each within the usual size and time bounds. Every
page is recorded with the same fields as the front page (title, body, server, www-authenticate), so every
http signature applies, plus ``http/path`` = '<path> <status>' saying which page answered.
"""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import urljoin, urlsplit

import httpx

from covered.collect.probes.base import ProbeContext
from covered.collect.probes.http import fetch_or_note, front_page, url_for
from covered.collect.probes.page_text import decode_page, record_page
from covered.model import Channel

__all__ = ["MAX_EXTRA", "VENDOR_PAGES", "PathProbe", "icon_links", "next_pages"]

MAX_EXTRA = 3
"""GET requests the probe may make beyond the front page."""
SHORT_PAGE = 4096
"""A front page at most this long, with a script or no title, counts as an embedded UI's stub."""
MAX_PATH = 256
_DEFAULT_PORT = {"http": 80, "https": 443}

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_META_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["'][^"']*?url\s*=\s*([^"'>\s;]+)""",
    re.IGNORECASE,
)
_SCRIPT_LOCATION = re.compile(
    r"""location(?:\.href)?\s*(?:=|\.replace\s*\(|\.assign\s*\()\s*["']([^"']{1,256})["']""", re.IGNORECASE
)
_ICON = re.compile(
    r"""<link\b[^>]*\brel\s*=\s*["']?(?:shortcut\s+)?icon["']?[^>]*>""",
    re.IGNORECASE,
)
_HREF = re.compile(r"""\bhref\s*=\s*["']?([^"'\s>]{1,256})""", re.IGNORECASE)

VENDOR_PAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Hikvision: the login page nuclei's hikvision-detect requests (its copyright line and title live there).
    (re.compile(r"doc/page/login\.asp", re.IGNORECASE), "/doc/page/login.asp"),
)
"""(marker in the front page or its Location, page to read): vendor login pages a front page points to."""


def _same_host_path(base: str, target: str) -> str | None:
    """The path (with query) of a target on the same host and port as base; None for other hosts or schemes."""
    target = html.unescape(target.strip())
    if not target or target.startswith(("javascript:", "data:", "#")):
        return None
    absolute = urljoin(base, target)
    here, there = urlsplit(base), urlsplit(absolute)
    try:
        ports = (here.port or _DEFAULT_PORT.get(here.scheme), there.port or _DEFAULT_PORT.get(there.scheme))
    except ValueError:  # a port outside 0-65535 in the device's text
        return None
    if (there.scheme, there.hostname, ports[1]) != (here.scheme, here.hostname, ports[0]):
        return None
    path = there.path or "/"
    if not path.startswith("/") or len(path) > MAX_PATH:
        return None
    return path


def next_pages(base: str, status: int, location: str | None, body: str) -> list[str]:
    """Same-host pages the front page sends a browser to: Location, then meta refresh, then script targets."""
    found: list[str] = []
    candidates: list[str] = []
    if 300 <= status < 400 and location:
        candidates.append(location)
    candidates += [m.group(1) for m in _META_REFRESH.finditer(body)]
    candidates += [m.group(1) for m in _SCRIPT_LOCATION.finditer(body)]
    for candidate in candidates:
        path = _same_host_path(base, candidate)
        if path is not None and path != "/" and path not in found:
            found.append(path)
    for marker, page in VENDOR_PAGES:
        if page not in found and (marker.search(body) or (location and marker.search(location))):
            found.append(page)
    return found


def icon_links(base: str, body: str) -> list[str]:
    """Same-host icon paths declared with <link rel="icon"> (or "shortcut icon")."""
    out: list[str] = []
    for tag in _ICON.finditer(body):
        href = _HREF.search(tag.group(0))
        if href is None:
            continue
        path = _same_host_path(base, href.group(1))
        if path is not None and path not in out:
            out.append(path)
    return out


def _embedded(status: int, headers: httpx.Headers, body: bytes) -> bool:
    """A redirect, or a short page with a script or no title: what embedded UIs answer at '/'."""
    if 300 <= status < 400:
        return True
    if len(body) > SHORT_PAGE:
        return False
    return b"<script" in body.lower() or b"http-equiv" in body.lower() or _TITLE.search(body) is None


class PathProbe:
    """GET the pages and icon an embedded web UI's front page points to (same host, a few requests)."""

    name = "http-paths"
    channel = Channel.HTTP
    transport = "tcp"
    # Plain-HTTP ports only: embedded UIs serve the same pages on 80 as on 443, and each extra TLS handshake costs
    # the device (and a scan of many hosts) far more than the request itself.
    ports = (80, 8080)
    packets = 1 + MAX_EXTRA
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Follow the front page's redirect or script to its login page, and read that page's icon."""
        tls = port in (443, 8443)
        base = url_for(ctx.address, port, "/", tls)
        front = await front_page(ctx, port)  # the HTTP probe's own GET /, not a second one
        if front is None:
            return
        status, headers, body, _ = front
        if not _embedded(status, headers, body):
            return
        text = decode_page(body, headers.get("content-type"))
        pages = next_pages(base, status, headers.get("location"), text)
        icons = icon_links(base, text)
        budget = MAX_EXTRA
        done: set[str] = {"/"}
        while pages and budget > 0:
            # Breadth first: a stub can point to another stub (302 to /index.asp, whose script names the login page).
            path = pages.pop(0)
            if path in done:
                continue
            done.add(path)
            budget -= 1
            page_url = url_for(ctx.address, port, path, tls)
            answer = await self._page(ctx, port, tls, path)
            if answer is None:
                return  # a page that timed out or broke: the device is not asked again (one stall at most)
            page_status, page_location, page_text = answer
            pages += [p for p in next_pages(page_url, page_status, page_location, page_text) if p not in done]
            icons += [p for p in icon_links(page_url, page_text) if p not in icons]
        for path in icons:
            if budget == 0:
                break
            if path == "/favicon.ico":
                continue  # the HTTP probe reads that one
            budget -= 1
            await self._icon(ctx, port, tls, path)

    async def _page(self, ctx: ProbeContext, port: int, tls: bool, path: str) -> tuple[int, str | None, str] | None:
        url = url_for(ctx.address, port, path, tls)
        answer = await fetch_or_note(ctx, url, ctx.limits.max_body, self.name, port)
        if answer is None:
            return None
        status, headers, body, truncated = answer
        collector = f"{self.name} {path}"
        ctx.add(Channel.HTTP, "path", f"{path} {status}", port, collector)
        if truncated:
            ctx.anomaly(
                "oversize", f"{path}: body over {ctx.limits.max_body} bytes; the rest was not read", port, self.name
            )
        for header, field in (("server", "server"), ("www-authenticate", "www-authenticate")):
            for value in headers.get_list(header):
                ctx.add(Channel.HTTP, field, value[:1024], port, collector)
        text = record_page(ctx, body, headers.get("content-type"), port, collector)
        return status, headers.get("location"), text

    async def _icon(self, ctx: ProbeContext, port: int, tls: bool, path: str) -> None:
        url = url_for(ctx.address, port, path, tls)
        answer = await fetch_or_note(ctx, url, ctx.limits.max_favicon, self.name, port, quiet=True)
        if answer is None:
            return
        status, _, icon, truncated = answer
        ctx.add(Channel.HTTP, "path", f"{path} {status}", port, f"{self.name} {path}")
        if status == 200 and icon and not truncated and icon.lstrip()[:1] != b"<":
            ctx.add(Channel.FAVICON, "bytes", base64.b64encode(icon).decode("ascii"), port, f"{self.name} {path}")
