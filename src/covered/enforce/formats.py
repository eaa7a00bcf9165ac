"""The export formats by name, each with its file suffix and what reads it; `render` writes one of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from covered.enforce.endpoints import blocked_hosts, render_rpz, render_suricata
from covered.enforce.firewall import render_ip6tables, render_ipset, render_iptables, render_nftables
from covered.enforce.lists import render_addresses, render_clearpass, render_ise, render_macs, render_vms
from covered.enforce.selection import ExportSet
from covered.model import CloudEndpoint

__all__ = ["FORMATS", "ExportFormat", "FormatInfo", "render"]


class ExportFormat(StrEnum):
    """Enforcement list formats."""

    MAC = "mac"
    ADDRESS = "address"
    NFTABLES = "nftables"
    IPSET = "ipset"
    IPTABLES = "iptables"
    IP6TABLES = "ip6tables"
    ISE = "ise"
    CLEARPASS = "clearpass"
    RPZ = "rpz"
    SURICATA = "suricata"
    VMS = "vms"


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """A format's file name and what it is for."""

    filename: str
    media_type: str
    consumer: str


FORMATS: dict[ExportFormat, FormatInfo] = {
    ExportFormat.MAC: FormatInfo("restricted-macs.txt", "text/plain", "MAC list (one per line)"),
    ExportFormat.ADDRESS: FormatInfo("restricted-addresses.txt", "text/plain", "IP address list (one per line)"),
    ExportFormat.NFTABLES: FormatInfo("covered.nft", "text/plain", "nftables: nft -f"),
    ExportFormat.IPSET: FormatInfo("covered.ipset", "text/plain", "ipset restore"),
    ExportFormat.IPTABLES: FormatInfo("covered.iptables", "text/plain", "iptables-restore --noflush"),
    ExportFormat.IP6TABLES: FormatInfo("covered.ip6tables", "text/plain", "ip6tables-restore --noflush"),
    ExportFormat.ISE: FormatInfo("covered-ise-endpoints.csv", "text/csv", "Cisco ISE endpoint import"),
    ExportFormat.CLEARPASS: FormatInfo("covered-clearpass-devices.csv", "text/csv", "Aruba ClearPass MAC import"),
    ExportFormat.RPZ: FormatInfo("rpz.covered.zone", "text/plain", "DNS response policy zone (BIND, Unbound...)"),
    ExportFormat.SURICATA: FormatInfo("covered.rules", "text/plain", "Suricata rules"),
    ExportFormat.VMS: FormatInfo("covered-vms-deny.csv", "text/csv", "VMS deny list (make, model, serial)"),
}

_DEVICE_RENDERERS: dict[ExportFormat, Callable[[ExportSet], str]] = {
    ExportFormat.MAC: render_macs,
    ExportFormat.ADDRESS: render_addresses,
    ExportFormat.NFTABLES: render_nftables,
    ExportFormat.IPSET: render_ipset,
    ExportFormat.IPTABLES: render_iptables,
    ExportFormat.IP6TABLES: render_ip6tables,
    ExportFormat.ISE: render_ise,
    ExportFormat.CLEARPASS: render_clearpass,
    ExportFormat.VMS: render_vms,
}


def render(fmt: ExportFormat, export: ExportSet, endpoints: Sequence[CloudEndpoint]) -> str:
    """One export as text. The RPZ zone and Suricata rules also name the vendor cloud endpoints, limited to the
    filter's makers when it names any."""
    if fmt in _DEVICE_RENDERERS:
        return _DEVICE_RENDERERS[fmt](export)
    hosts, _ = blocked_hosts(endpoints, export.filter.makers)
    if fmt is ExportFormat.RPZ:
        return render_rpz(export, hosts)
    return render_suricata(export, hosts)
