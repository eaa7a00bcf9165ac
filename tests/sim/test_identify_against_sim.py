"""What the emulated devices say, fed to covered.identify: relabels resolve to their maker, the honeypot stays clean.

The weak-matcher honeypot (STYLE.md): the generic-embedded persona answers only with strings camera networks
are full of (GoAhead-Webs, Boa, lighttpd, miniupnpd, 'IP Camera', 'WEB SERVICE', Basic realm="device",
'(none) login:'); attribution must never call it restricted.
"""

from __future__ import annotations

import json
import re

from cryptography import x509

from covered.identify import identifier_for
from covered.model import Attribution, Channel, Observation
from covered.registry import Registry
from covered.sim import Device, Fleet
from tests.sim import clients
from tests.sim.conftest import by_persona, one


def observe(device: Device) -> list[Observation]:
    """Unauthenticated observations, the way a non-intrusive scan would collect them."""
    out: list[tuple[str, str, str]] = [("mac", "address", device.mac)]
    if "tcp/80" in device.services:
        answer = clients.http(device.address)
        if answer.header("Server") is not None:
            out.append(("http", "server", answer.header("Server").decode("utf-8", "replace")))  # type: ignore[union-attr]
        title = re.search(rb"<title>(.*?)</title>", answer.body)
        if title:
            out.append(("http", "title", title.group(1).decode("utf-8", "replace")))
        for value in answer.all("WWW-Authenticate"):
            out.append(("http", "www-authenticate", value.decode()))
    if "tcp/554" in device.services:
        head = clients.rtsp(device.address, "DESCRIBE").decode("utf-8", "replace")
        for line in head.split("\r\n"):
            name, _, value = line.partition(": ")
            if name in ("WWW-Authenticate", "Server"):
                out.append(("rtsp", name.lower(), value))
    if "tcp/23" in device.services:
        text = clients.banner(device.address, 23).lstrip(bytes(range(0, 32)) + bytes(range(240, 256)))
        out.append(("telnet", "banner", text.decode("utf-8", "replace").strip()))
    if "tcp/443" in device.services:
        cert = x509.load_der_x509_certificate(clients.peer_certificate(device.address))
        out.append(("tls", "subject", cert.subject.rfc4514_string()))
        out.append(("tls", "issuer", cert.issuer.rfc4514_string()))
    if "udp/37020" in device.services:
        out.append(("sadp", "reply", clients.udp(device.address, 37020, clients.SADP_PROBE).decode()))
    if "udp/37810" in device.services:
        out.append(("dhip", "reply", clients.udp(device.address, 37810, clients.DHIP_PROBE)[32:].decode()))
    if "udp/3702" in device.services:
        reply = clients.udp(device.address, 3702, clients.WSD_PROBE).decode()
        scopes = re.search(r"<wsdd:Scopes>(.*?)</wsdd:Scopes>", reply)
        if scopes:
            out.append(("onvif", "scopes", scopes.group(1)))
    return [
        Observation(device=device.address, channel=Channel(channel), field=field, value=value)
        for channel, field, value in out
    ]


def attribute(registry: Registry, device: Device) -> Attribution:
    return identifier_for(registry).attribute(device.address, observe(device))


def test_weak_matcher_honeypot_is_never_restricted(registry: Registry, fleet: Fleet) -> None:
    devices = by_persona(fleet, "generic-embedded")
    assert devices
    for device in devices:
        result = attribute(registry, device)
        assert result.restricted is not True, json.dumps(result.model_dump(mode="json"), indent=1)[:2000]


def test_hikvision_and_its_relabels_resolve_to_hikvision(registry: Registry, fleet: Fleet) -> None:
    for persona in ("hikvision-camera", "hikvision-nvr", "annke-nvr", "lts-camera"):
        result = attribute(registry, one(fleet, persona))
        assert (result.vendor, result.restricted) == ("hikvision", True), (persona, result.explanation)


def test_dahua_relabels_resolve_to_dahua(registry: Registry, fleet: Fleet) -> None:
    for persona in ("dahua-camera", "lorex-camera", "amcrest-camera", "imou-camera"):
        device = one(fleet, persona)
        result = attribute(registry, device)
        assert (result.vendor, result.restricted) == ("dahua", True), (persona, result.explanation)


def test_non_restricted_makers_are_not_called_restricted(registry: Registry, fleet: Fleet) -> None:
    for persona in ("axis-camera", "hanwha-camera", "bosch-camera", "mobotix-camera", "uniview-camera"):
        result = attribute(registry, one(fleet, persona))
        assert result.restricted is not True, (persona, result.explanation)
