"""TLS: the certificate a device presents (subject and issuer are read from it), without verifying it."""

from __future__ import annotations

import asyncio
import ssl
import warnings

from covered.collect.probes.base import ProbeContext
from covered.model import Channel

__all__ = ["TlsProbe", "unverified_context"]


def unverified_context() -> ssl.SSLContext:
    """A client context that accepts any certificate: we read certificates, we do not trust them."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        # Old cameras still speak TLS 1.0; reading their certificate is the point, not protecting a session.
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


class TlsProbe:
    """Handshake and record the peer certificate (PEM)."""

    name = "tls"
    channel = Channel.TLS
    transport = "tcp"
    ports = (443, 8443)
    packets = 1
    needs_credentials = False

    def __init__(self) -> None:
        self._context = unverified_context()

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record the certificate, or a tls-error anomaly."""
        await ctx.packet()
        writer = None
        try:
            async with asyncio.timeout(ctx.limits.request_deadline):
                _, writer = await asyncio.open_connection(ctx.address, port, ssl=self._context, server_hostname=None)
                ssl_object = writer.get_extra_info("ssl_object")
                der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            ctx.anomaly("tls-error", f"{type(exc).__name__}: {exc}"[:200], port, self.name)
            return
        finally:
            if writer is not None:
                writer.close()
        if der:
            ctx.add(Channel.TLS, "pem", ssl.DER_cert_to_PEM_cert(der), port, self.name)
