"""Leads: a maker suspected from weak signs only, listed for review with what would settle it; never a claim.

A device whose only sign is a vendor's port (TCP 37777 for Dahua's DVRIP, TCP 8000 for Hikvision's SDK,
``registry/data/port_hints.yml``) or a generic string that a signature marks with ``suggests`` ("WEB SERVICE"
for Dahua-family web UIs) is not attributed: a port or a common phrase is shared by other software and
makers. Silence would hide it, so it becomes a lead: suspected vendors, the signs, low confidence, and the
steps that would confirm or dismiss it. A lead never sets ``restricted`` and never counts as the maker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from covered.model import Channel, Confidence, Evidence, Lead, Observation, PortHint, SignatureClaim, Vendor

__all__ = ["PortHints", "build_lead"]

# Channels that do not show a device answering one of our requests: the ports themselves, what the
# neighbour table or an inventory says about it, and anomalies (timeouts, resets).
_SILENT = {Channel.PORT, Channel.MAC, Channel.ANOMALY, Channel.INVENTORY}

# What a user with the device's credentials can run to read the maker from its own API (collect/probes/
# credentialed.py: ISAPI for Hikvision, magicBox CGI for Dahua, ONVIF GetDeviceInformation for the rest).
_API = {
    "hikvision": "credentials for Hikvision ISAPI (`covered scan --username`: /ISAPI/System/deviceInfo)",
    "dahua": "credentials for the Dahua CGI API (`covered scan --username`: magicBox getVendor, getSystemInfo)",
}
_ONVIF = "credentials for ONVIF GetDeviceInformation (`covered scan --username`)"


class PortHints:
    """Port hints by transport and port, turned into generic evidence that suggests a vendor."""

    def __init__(self, hints: Iterable[PortHint], vendors: Mapping[str, Vendor]) -> None:
        self._hints = {(h.transport, h.port): h for h in hints}
        self._vendors = vendors

    def __len__(self) -> int:
        return len(self._hints)

    def evidence(self, index: int, observation: Observation) -> list[Evidence]:
        """The hint for one open-port observation (``port/tcp`` = '37777'), or nothing."""
        if observation.channel is not Channel.PORT or not observation.value.isdigit():
            return []
        hint = self._hints.get((observation.field, int(observation.value)))
        if hint is None:
            return []
        vendor = self._vendors.get(hint.vendor)
        name = vendor.name if vendor is not None else hint.vendor
        caveat = f"; {hint.note.rstrip('.')}" if hint.note else ""
        return [
            Evidence(
                observation=index,
                channel=Channel.PORT,
                field=observation.field,
                value=observation.value,
                matcher=f"port-hint:{hint.transport}/{hint.port}",
                reference=hint.reference,
                licence=hint.licence,
                claim=SignatureClaim.GENERIC,
                confidence=Confidence.LOW,
                conclusion=f"{hint.transport.upper()} {hint.port} open: {hint.service}, used by {name} devices "
                f"(a lead, not a claim{caveat})",
                suggests=hint.vendor,
            )
        ]


def _sign(item: Evidence) -> str:
    """Short form of one sign for the summary line: 'TCP 37777 open', "HTTP title 'WEB SERVICE'"."""
    if item.channel is Channel.PORT:
        return f"{item.field.upper()} {item.value} open"
    value = item.value if len(item.value) <= 40 else item.value[:37] + "..."
    return f"{item.channel.value.upper()} {item.field} {value!r}"


def build_lead(
    evidence: Sequence[Evidence], observations: Sequence[Observation], vendors: Mapping[str, Vendor]
) -> Lead | None:
    """A lead from the evidence that suggests a vendor, or None when nothing does."""
    signs: list[tuple[int, Evidence]] = []
    support: dict[str, int] = {}
    for index, item in enumerate(evidence):
        if item.suggests is not None:
            signs.append((index, item))
            support[item.suggests] = support.get(item.suggests, 0) + 1
    if not signs:
        return None
    # Most signs first; ties keep the order the signs appeared in (dicts keep insertion order).
    suspects = sorted(support, key=lambda v: -support[v])
    names = [vendors[v].name if v in vendors else v for v in suspects]
    quiet = not any(o.channel not in _SILENT for o in observations)
    shown = "; ".join(dict.fromkeys(_sign(item) for _, item in signs))
    summary = f"possibly {' or '.join(names)} ({shown}{', nothing else answered' if quiet else ''})"
    settle = list(dict.fromkeys(_API.get(v, _ONVIF) for v in suspects))
    settle.append("a site visit to read the label (maker, model, serial)")
    if not any(o.channel is Channel.MAC for o in observations):
        settle.append(
            "its MAC address from the router's or switch's neighbour table (`covered scan --arp-table FILE`): "
            "a vendor's MAC block would settle the maker"
        )
    return Lead(
        vendors=suspects,
        vendor_names=names,
        confidence=Confidence.LOW,
        reasons=[item.conclusion for _, item in signs],
        evidence=[i for i, _ in signs],
        settle=settle,
        summary=summary,
    )
