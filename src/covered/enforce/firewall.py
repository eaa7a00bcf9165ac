"""Firewall lists: an nftables set script, an ipset restore file and iptables/ip6tables-restore rules.

Each file can be loaded again when statuses change: it flushes only its own set or chain and refills it, so
the firewall's other rules are never touched (iptables-restore must be run with --noflush, as the header says).
"""

from __future__ import annotations

from covered.enforce.selection import ExportSet
from covered.enforce.text import comment_block, split_addresses, valid_mac

__all__ = ["render_ip6tables", "render_ipset", "render_iptables", "render_nftables"]

TABLE = "covered"
"""nftables table (family inet) and the prefix of ipset sets and the iptables chain."""


def _macs(export: ExportSet) -> list[str]:
    return sorted({m for t in export.targets if (m := valid_mac(t.mac))})


def _addresses(export: ExportSet) -> tuple[list[str], list[str]]:
    return split_addresses([t.address for t in export.targets])


def render_nftables(export: ExportSet) -> str:
    """`nft -f FILE`: table inet covered with sets restricted_mac, restricted_ipv4 and restricted_ipv6, refilled
    on every load; reference them from your own chains (e.g. `ether saddr @restricted_mac drop`)."""
    v4, v6 = _addresses(export)
    text = comment_block(
        [
            *export.header_lines("nftables sets of devices that still need action"),
            f"load with: nft -f FILE; then match e.g. 'ether saddr @restricted_mac drop' in table inet {TABLE}",
        ],
        "# ",
    )
    text += f"add table inet {TABLE}\n"
    for name, kind, items in (
        ("restricted_mac", "ether_addr", _macs(export)),
        ("restricted_ipv4", "ipv4_addr", v4),
        ("restricted_ipv6", "ipv6_addr", v6),
    ):
        text += f"add set inet {TABLE} {name} {{ type {kind}; }}\n"
        text += f"flush set inet {TABLE} {name}\n"
        for start in range(0, len(items), 500):
            text += f"add element inet {TABLE} {name} {{ {', '.join(items[start : start + 500])} }}\n"
    return text


def render_ipset(export: ExportSet) -> str:
    """`ipset restore -f FILE`: hash:ip sets covered-ipv4 and covered-ipv6, created if missing and refilled."""
    v4, v6 = _addresses(export)
    text = comment_block(
        [
            *export.header_lines("ipset sets of devices that still need action"),
            "load with: ipset restore -f FILE; match with: -m set --match-set covered-ipv4 src",
        ],
        "# ",
    )
    for name, family, items in ((f"{TABLE}-ipv4", "inet", v4), (f"{TABLE}-ipv6", "inet6", v6)):
        text += f"create {name} hash:ip family {family} -exist\n"
        text += f"flush {name}\n"
        text += "".join(f"add {name} {a} -exist\n" for a in items)
    return text


def _restore(export: ExportSet, addresses: list[str], tool: str, prefix: int) -> str:
    text = comment_block(
        [
            *export.header_lines(f"{tool} rules for devices that still need action"),
            f"load with: {tool}-restore --noflush FILE (only chain COVERED-RESTRICTED is replaced); "
            "jump to it from FORWARD or INPUT: -j COVERED-RESTRICTED",
        ],
        "# ",
    )
    text += "*filter\n:COVERED-RESTRICTED - [0:0]\n-F COVERED-RESTRICTED\n"
    for mac in _macs(export):
        text += f"-A COVERED-RESTRICTED -m mac --mac-source {mac} -j DROP\n"
    for address in addresses:
        text += f"-A COVERED-RESTRICTED -s {address}/{prefix} -j DROP\n"
    return text + "COMMIT\n"


def render_iptables(export: ExportSet) -> str:
    """`iptables-restore --noflush FILE`: chain COVERED-RESTRICTED dropping the devices' MACs and IPv4 addresses."""
    return _restore(export, _addresses(export)[0], "iptables", 32)


def render_ip6tables(export: ExportSet) -> str:
    """`ip6tables-restore --noflush FILE`: the same chain for MACs and IPv6 addresses."""
    return _restore(export, _addresses(export)[1], "ip6tables", 128)
