"""ONVIF by unicast without credentials: GetSystemDateAndTime, GetCapabilities, GetDeviceInformation.

The ONVIF Core Specification (§5.12.1 access classes) puts GetSystemDateAndTime in PRE_AUTH, so every
conformant device answers it without credentials; GetCapabilities and GetDeviceInformation are
READ_SYSTEM and many devices answer them unauthenticated as well. The probe stops at the first answer
that is not SOAP (no ONVIF there), sends each operation once, and records a 401 or a fault as an anomaly
that says so: it never retries, never guesses a credential.
"""

from __future__ import annotations

from covered.collect.probes.base import ProbeContext
from covered.collect.probes.onvif_soap import (
    GET_CAPABILITIES,
    GET_DEVICE_INFORMATION,
    GET_SYSTEM_DATE_AND_TIME,
    device_information,
    envelope,
    fault_code,
    is_envelope,
    post_soap,
    service_xaddrs,
)
from covered.model import Channel

__all__ = ["OnvifProbe"]


class OnvifProbe:
    """Three unauthenticated device-service calls on the HTTP port: liveness, service addresses, identity."""

    name = "onvif"
    channel = Channel.ONVIF
    transport = "tcp"
    ports = (80, 8080)
    packets = 3
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record XAddrs and Manufacturer/Model/FirmwareVersion/SerialNumber, or why they were refused."""
        tls = False
        first = await post_soap(ctx, port, envelope(GET_SYSTEM_DATE_AND_TIME), self.name, tls)
        if first is not None and first[0] == 401 and not is_envelope(first[1]):
            # Not an ONVIF answer (the call is PRE_AUTH), but a refusal worth recording as such.
            ctx.anomaly("connection", "HTTP 401 to GetSystemDateAndTime, without a SOAP answer", port, self.name)
            return
        if first is None or not is_envelope(first[1]):
            return  # nothing, or not SOAP: no ONVIF device service on this port
        capabilities = await post_soap(ctx, port, envelope(GET_CAPABILITIES), self.name, tls)
        if capabilities is not None and capabilities[0] == 200 and capabilities[1] is not None:
            addresses = service_xaddrs(capabilities[1])
            if addresses:
                ctx.add(Channel.ONVIF, "xaddrs", " ".join(addresses)[:4096], port, self.name)
        info = await post_soap(ctx, port, envelope(GET_DEVICE_INFORMATION), self.name, tls)
        if info is None:
            return
        status, root = info
        fault = fault_code(root)
        if status == 200 and root is not None and fault is None:
            for field_name, value in device_information(root):
                ctx.add(Channel.ONVIF, field_name, value, port, self.name)
        elif status in (400, 401, 403) or fault is not None:
            what = f"GetDeviceInformation refused without credentials (HTTP {status}, {fault or 'no fault'})"
            ctx.anomaly("connection", what, port, self.name)
