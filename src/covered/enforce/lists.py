"""Plain lists and CSV files: MACs, addresses, Cisco ISE and Aruba ClearPass endpoint imports, a VMS deny list.

CSV files carry no comment line (their importers would read it as a row): each row's description or notes
says when and from which scan covered wrote it instead.
"""

from __future__ import annotations

import csv
import io

from covered.enforce.selection import ExportSet, Target
from covered.enforce.text import comment_block, one_line, split_addresses, valid_address, valid_mac

__all__ = [
    "CLEARPASS_COLUMNS",
    "ISE_COLUMNS",
    "VMS_COLUMNS",
    "render_addresses",
    "render_clearpass",
    "render_ise",
    "render_macs",
    "render_vms",
]

ISE_COLUMNS = (
    "MACAddress",
    "EndPointPolicy",
    "IdentityGroup",
    "Description",
    "StaticAssignment",
    "StaticGroupAssignment",
)
"""Columns of Cisco ISE's endpoint import template (Context Visibility > Endpoints > Import From CSV File)."""
CLEARPASS_COLUMNS = ("mac_auth", "mac", "notes")
"""Columns ClearPass Guest reads when importing MAC devices (mac and mac_auth required, notes optional)."""
VMS_COLUMNS = (
    "make",
    "brand",
    "model",
    "serial",
    "address",
    "mac",
    "site",
    "asset_tag",
    "asset_name",
    "location",
    "rules",
    "status",
    "device",
)
"""The VMS deny list: make, model and serial first, then where the camera is and why it is listed."""

ISE_GROUP = "Covered-Restricted"
"""Endpoint identity group the ISE rows are statically assigned to (create it, and deny it in a policy)."""


def render_macs(export: ExportSet) -> str:
    """One MAC per line (lower case, colons), after '#' comment lines."""
    macs = sorted({m for t in export.targets if (m := valid_mac(t.mac))})
    return comment_block(export.header_lines("MAC addresses"), "# ") + "".join(f"{m}\n" for m in macs)


def render_addresses(export: ExportSet) -> str:
    """One IP address per line (IPv4, then IPv6, numerically), after '#' comment lines."""
    v4, v6 = split_addresses([t.address for t in export.targets])
    return comment_block(export.header_lines("IP addresses"), "# ") + "".join(f"{a}\n" for a in [*v4, *v6])


def _note(export: ExportSet, target: Target) -> str:
    source = f"{export.source.kind} {export.source.id}" if export.source else "no scan"
    return one_line(f"covered {export.generated.isoformat(timespec='seconds')} {source}: {target.label()}", 250)


def _csv(header: tuple[str, ...], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    # A cell starting with = + - @ would be a formula in a spreadsheet; device text is hostile.
    writer.writerows([[("'" + c) if c[:1] in ("=", "+", "-", "@") else c for c in row] for row in rows])
    return buffer.getvalue()


def render_ise(export: ExportSet) -> str:
    """Cisco ISE endpoint import CSV: each device's MAC statically assigned to the Covered-Restricted group."""
    rows = [
        [mac, "", ISE_GROUP, _note(export, t), "FALSE", "TRUE"]
        for t in export.targets
        if (mac := valid_mac(t.mac)) is not None
    ]
    return _csv(ISE_COLUMNS, [[r[0].upper(), *r[1:]] for r in rows])


def render_clearpass(export: ExportSet) -> str:
    """Aruba ClearPass MAC device import CSV (mac_auth, mac, notes)."""
    rows = [["1", mac, _note(export, t)] for t in export.targets if (mac := valid_mac(t.mac)) is not None]
    return _csv(CLEARPASS_COLUMNS, rows)


def render_vms(export: ExportSet) -> str:
    """VMS deny list CSV: make, model, serial, where the device is and which rules list it."""
    rows = [
        [
            one_line(t.vendor or "unknown"),
            one_line(t.brand or ""),
            one_line(t.model or ""),
            one_line(t.serial or ""),
            valid_address(t.address) or "",
            valid_mac(t.mac) or "",
            one_line(t.site or ""),
            one_line(t.asset_tag or ""),
            one_line(t.asset_name or ""),
            one_line(t.location or ""),
            ",".join(t.rules),
            ",".join(t.statuses),
            one_line(t.key),
        ]
        for t in export.targets
    ]
    return _csv(VMS_COLUMNS, rows)


def without_mac(export: ExportSet) -> int:
    """Devices a MAC-based list (ISE, ClearPass, MAC list) cannot name."""
    return sum(1 for t in export.targets if valid_mac(t.mac) is None)
