"""The vendor cloud and P2P endpoints to block: a DNS RPZ zone and Suricata rules, from cloud_endpoints.yml."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from covered.enforce.selection import ExportSet
from covered.enforce.text import comment_block, one_line, split_addresses
from covered.model import CloudEndpoint

__all__ = ["BlockedHost", "blocked_hosts", "render_rpz", "render_suricata"]

RPZ_ORIGIN = "rpz.covered."
"""Zone name of the RPZ file (name it in the resolver's response-policy statement)."""
SID_BASE = 1_868_000
"""First Suricata signature id (1,000,000-1,999,999 is the range set aside for local rules)."""

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class BlockedHost:
    """One endpoint host name: exact, or every name under a suffix ('*.ezvizlife.com'), with why it is listed."""

    name: str
    """The name without a leading '*.' (lower case)."""
    subdomains: bool
    vendors: tuple[str, ...]
    purposes: tuple[str, ...]
    sources: tuple[str, ...]
    confidence: str


def _name(host: str) -> tuple[str, bool] | None:
    """(name, subdomains) of a listed host, or None when it is not a DNS name an RPZ or rule can express."""
    text = host.strip().rstrip(".").lower()
    subdomains = text.startswith("*.")
    if subdomains:
        text = text[2:]
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    return text, subdomains


_RANK = {"low": 0, "medium": 1, "high": 2}


def blocked_hosts(
    endpoints: Sequence[CloudEndpoint], makers: Sequence[str] = ()
) -> tuple[list[BlockedHost], list[str]]:
    """Endpoint hosts, one per name (ports merged), limited to these makers if given; and the hosts left out."""
    merged: dict[tuple[str, bool], list[CloudEndpoint]] = {}
    skipped: list[str] = []
    for endpoint in endpoints:
        if makers and endpoint.vendor not in makers:
            continue
        parsed = _name(endpoint.host)
        if parsed is None:
            skipped.append(endpoint.host)
            continue
        merged.setdefault(parsed, []).append(endpoint)
    hosts = [
        BlockedHost(
            name=name,
            subdomains=subdomains,
            vendors=tuple(dict.fromkeys(e.vendor for e in items)),
            purposes=tuple(dict.fromkeys(one_line(e.purpose, 160) for e in items)),
            sources=tuple(dict.fromkeys(one_line(e.source, 200) for e in items)),
            confidence=max((e.confidence.value for e in items), key=lambda c: _RANK.get(c, 0)),
        )
        for (name, subdomains), items in sorted(merged.items())
    ]
    return hosts, skipped


def render_rpz(export: ExportSet, hosts: Sequence[BlockedHost], origin: str = RPZ_ORIGIN) -> str:
    """A DNS response policy zone answering NXDOMAIN (CNAME .) for each endpoint and, for '*.' hosts, every name
    under it. The serial is the generation time in seconds, so each regeneration is a newer zone."""
    serial = int(export.generated.timestamp()) % 2**32
    text = comment_block(
        [
            *export.header_lines("DNS RPZ zone sinkholing vendor cloud and P2P endpoints"),
            f"endpoints: {len(hosts)} from cloud_endpoints.yml; zone {origin} (BIND: response-policy {{ zone "
            f'"{origin.rstrip(".")}"; }};)',
        ],
        "; ",
    )
    text += f"$ORIGIN {origin}\n$TTL 300\n"
    text += f"@ IN SOA localhost. hostmaster.localhost. {serial} 3600 600 86400 300\n@ IN NS localhost.\n"
    for host in hosts:
        text += comment_block([f"{host.confidence}: {', '.join(host.vendors)}: {'; '.join(host.purposes)}"], "; ")
        text += comment_block([f"source: {'; '.join(host.sources)}"], "; ")
        text += f"{host.name} IN CNAME .\n"
        if host.subdomains:
            text += f"*.{host.name} IN CNAME .\n"
    return text


def _match(host: BlockedHost) -> str:
    """Content keywords matching the host name exactly, or any name under it."""
    if host.subdomains:
        return f'content:".{host.name}"; nocase; endswith;'
    return f'content:"{host.name}"; nocase; startswith; endswith;'


def render_suricata(export: ExportSet, hosts: Sequence[BlockedHost], sid_base: int = SID_BASE) -> str:
    """Suricata rules: alert on DNS queries, TLS SNI and HTTP Host naming each endpoint, and on traffic the
    exported devices send out of $HOME_NET. Signature ids count up from ``sid_base`` in host order."""
    text = comment_block(
        [
            *export.header_lines("Suricata rules for vendor cloud and P2P endpoints and devices that need action"),
            "load with: rule-files: [FILE] in suricata.yaml; check with: suricata -T -S FILE",
        ],
        "# ",
    )
    sid = sid_base
    for host in hosts:
        what = f"{'/'.join(host.vendors)} cloud endpoint {'*.' if host.subdomains else ''}{host.name}"
        text += comment_block([f"{host.confidence}: {'; '.join(host.purposes)} [{'; '.join(host.sources)}]"], "# ")
        for proto, buffer in (("dns", "dns.query"), ("tls", "tls.sni"), ("http", "http.host")):
            match = _match(host)
            if buffer == "http.host":  # the http.host buffer is normalised to lower case: no nocase
                match = match.replace(" nocase;", "")
            text += (
                f'alert {proto} $HOME_NET any -> any any (msg:"covered: {proto.upper()} to {what}"; {buffer}; {match} '
                f"classtype:policy-violation; sid:{sid}; rev:1;)\n"
            )
            sid += 1
    v4, v6 = split_addresses([t.address for t in export.targets])
    for start in range(0, len(v4) + len(v6), 200):
        group = [*v4, *v6][start : start + 200]
        text += (
            f'alert ip [{",".join(group)}] any -> $EXTERNAL_NET any (msg:"covered: device that needs action sends '
            f'traffic off the network"; threshold:type limit, track by_src, count 1, seconds 3600; '
            f"classtype:policy-violation; sid:{sid}; rev:1;)\n"
        )
        sid += 1
    return text
