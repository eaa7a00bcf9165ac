"""Uniview LAPI: one unauthenticated GET of the device-information resource, recorded as the device answers it.

LAPI is Uniview's JSON-over-HTTP interface (``/LAPI/V1.0/...``, Digest authentication; apache/hertzbeat
home/docs/help/uniview.md). Without credentials a Uniview device still answers in its own envelope
(``{"Response": {"ResponseURL": "/LAPI/V1.0/System/DeviceBasicInfo", "ResponseCode": 3, "ResponseString":
"Not Authorized", "StatusCode": 401, ...}}`` in a published curl transcript), and that envelope names the
maker. Nothing is sent but the GET: no credentials, no login resource, no write.
"""

from __future__ import annotations

import json

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.probes.http import fetch_or_note, url_for
from covered.model import Channel

__all__ = ["LAPI_PATH", "MAX_REPLY", "LapiProbe"]

LAPI_PATH = "/LAPI/V1.0/System/DeviceBasicInfo"
"""Read-only device information (model, serial, firmware when authorised; the envelope alone otherwise)."""
MAX_REPLY = 8192
"""Characters of a LAPI reply kept (the envelope and device fields are a few hundred)."""


class LapiProbe:
    """GET /LAPI/V1.0/System/DeviceBasicInfo without credentials; keep the JSON envelope and any challenge."""

    name = "lapi"
    channel = Channel.LAPI
    transport = "tcp"
    # Plain-HTTP ports only, as the vendor-path probe: LAPI answers on the web port, and TLS handshakes are costly.
    ports = (80, 8080)
    packets = 1
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the LAPI reply when the device answers in JSON, and its 401 challenge."""
        tls = port in (443, 8443)
        url = url_for(ctx.address, port, LAPI_PATH, tls)
        answer = await fetch_or_note(ctx, url, ctx.limits.max_body, self.name, port, quiet=True)
        if answer is None:
            return
        status, headers, body, truncated = answer
        if status == 401:
            for value in headers.get_list("www-authenticate"):
                ctx.add(Channel.HTTP, "www-authenticate", value[:1024], port, self.name)
        text = decode_text(body).strip().lstrip("\ufeff")
        if not text.startswith("{"):
            return  # an HTML error page or nothing: not a LAPI service
        if truncated:
            ctx.anomaly("oversize", f"LAPI reply over {ctx.limits.max_body} bytes", port, self.name)
            return
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: hostile nesting depth
            ctx.anomaly("parse-error", f"LAPI reply is not JSON: {type(exc).__name__}"[:200], port, self.name)
            return
        if not isinstance(document, dict):
            ctx.anomaly("parse-error", "LAPI reply is not a JSON object", port, self.name)
            return
        ctx.add(Channel.LAPI, "reply", text[:MAX_REPLY], port, self.name)
