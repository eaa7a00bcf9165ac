"""Scan targets, ports and scope: what may be probed, parsed strictly, with public space refused by default."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from covered.collect.text_files import read_utf8
from covered.errors import DataError, UsageError

__all__ = [
    "DEFAULT_TCP_PORTS",
    "DEFAULT_UDP_PORTS",
    "MAX_TARGETS",
    "PortSpec",
    "Scope",
    "expand_targets",
    "parse_ports",
]

DEFAULT_TCP_PORTS = (80, 443, 554, 8000, 8080, 8443, 37777, 9010, 9020, 23, 22)
"""Camera and telecom TCP ports probed by default."""
DEFAULT_UDP_PORTS = (3702, 37020, 37810, 161, 1900, 5353)
"""ONVIF WS-Discovery, Hikvision SADP, Dahua DHIP, SNMP, SSDP and mDNS (unicast queries)."""
MAX_TARGETS = 1_048_576
"""Largest number of addresses one scan accepts (a /12); larger ranges are refused."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class PortSpec:
    """TCP and UDP ports to probe."""

    tcp: tuple[int, ...] = DEFAULT_TCP_PORTS
    udp: tuple[int, ...] = DEFAULT_UDP_PORTS

    def labels(self) -> list[str]:
        """'tcp/80', 'udp/161' ... in probe order."""
        return [f"tcp/{p}" for p in self.tcp] + [f"udp/{p}" for p in self.udp]


def parse_ports(text: str | None) -> PortSpec:
    """'80,443,161/udp', 'T:80,443,U:161' or 'default' -> PortSpec; UsageError naming --ports."""
    if text is None or text.strip().lower() == "default":
        return PortSpec()
    # Insertion-ordered sets: a list membership test per port made "1-65535" quadratic (minutes, found by fuzzing).
    tcp: dict[int, None] = {}
    udp: dict[int, None] = {}
    current = "tcp"
    for raw in text.replace(" ", "").split(","):
        if not raw:
            continue
        item = raw
        if item[:2].upper() in {"T:", "U:"}:
            current = "tcp" if item[0].upper() == "T" else "udp"
            item = item[2:]
        protocol = current
        if "/" in item:
            item, protocol = item.split("/", 1)
            protocol = protocol.lower()
            if protocol not in {"tcp", "udp"}:
                raise UsageError("--ports", f"unknown protocol in {raw!r} (use /tcp or /udp)")
        low, dash, high = item.partition("-")
        if dash and not (low and high):
            raise UsageError("--ports", f"{raw!r} is an open range (write both ends: 1-1024)")
        try:
            start, stop = int(low), int(high or low)
        except ValueError:
            raise UsageError("--ports", f"{raw!r} is not a port or range") from None
        if not (1 <= start <= stop <= 65535):
            raise UsageError("--ports", f"{raw!r} is outside 1-65535")
        target = tcp if protocol == "tcp" else udp
        target.update(dict.fromkeys(range(start, stop + 1)))
    if not tcp and not udp:
        raise UsageError("--ports", "no port given")
    return PortSpec(tuple(tcp), tuple(udp))


def _range(text: str) -> Iterator[IPAddress]:
    """'10.0.0.1-10.0.0.9' or '10.0.0.1-9'."""
    first_text, last_text = (part.strip() for part in text.split("-", 1))
    if not first_text or not last_text:
        raise ValueError("a range needs both ends (10.0.0.1-10.0.0.9 or 10.0.0.1-9)")
    first = ipaddress.ip_address(first_text)
    if "." in last_text or ":" in last_text:
        last = ipaddress.ip_address(last_text)
    else:
        if not isinstance(first, ipaddress.IPv4Address):
            raise ValueError("short ranges are IPv4 only")
        if not last_text.isdigit() or int(last_text) > 255:
            raise ValueError(
                f"a short range ends in the first address's /24: {last_text!r} is not 0-255 "
                "(write the full end address to cross it)"
            )
        last = ipaddress.IPv4Address(int(first) - int(first) % 256 + int(last_text))
    if type(first) is not type(last) or int(last) < int(first):
        raise ValueError("range end before start")
    if int(last) - int(first) >= MAX_TARGETS:
        raise ValueError(f"more than {MAX_TARGETS} addresses")
    for value in range(int(first), int(last) + 1):
        yield ipaddress.ip_address(value) if isinstance(first, ipaddress.IPv4Address) else ipaddress.IPv6Address(value)


def _one(target: str) -> Iterator[IPAddress]:
    target = target.strip()
    if "/" in target:
        network = ipaddress.ip_network(target, strict=False)
        if network.num_addresses > MAX_TARGETS:
            raise ValueError(f"{network} has more than {MAX_TARGETS} addresses")
        hosts: list[IPAddress] = list(network.hosts()) if network.num_addresses > 2 else list(network)
        yield from hosts
        return
    if "-" in target and not any(c.isalpha() and c not in "abcdefABCDEF" for c in target):
        yield from _range(target)
        return
    try:
        yield ipaddress.ip_address(target)
        return
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(target, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ValueError(f"cannot resolve host name ({exc.strerror})") from None
    seen: set[str] = set()
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.add(address)
            yield ipaddress.ip_address(address)


def expand_targets(items: Iterable[str], targets_file: Path | None = None) -> list[IPAddress]:
    """Every address named by CIDRs, ranges, addresses, host names and a targets file (one per line, # comments)."""
    sources: list[tuple[str, str]] = [("TARGETS", item) for item in items]
    if targets_file is not None:
        if not targets_file.is_file():
            what = "is a folder, not a file" if targets_file.is_dir() else "not found"
            raise UsageError("--targets-file", f"{targets_file} {what}")
        for number, line in enumerate(read_utf8(targets_file).splitlines(), start=1):
            text = line.split("#", 1)[0].strip()
            if text:
                sources.append((f"{targets_file}:{number}", text))
    out: dict[IPAddress, None] = {}
    for where, item in sources:
        try:
            for address in _one(item):
                out[address] = None
                if len(out) > MAX_TARGETS:
                    raise UsageError(where, f"more than {MAX_TARGETS} addresses in total")
        except ValueError as exc:
            if where.startswith("TARGETS"):
                raise UsageError("TARGETS", f"{item!r}: {exc}") from None
            path, line = where.rsplit(":", 1)
            raise DataError(path, int(line), f"{item!r}: {exc}") from None
    if not out:
        raise UsageError("TARGETS", "no target given (CIDR, range, address, host name or --targets-file)")
    return list(out)


@dataclass
class Scope:
    """Allow and deny lists; public address space only with an explicit allowance."""

    allow: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    deny: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(default_factory=list)
    allow_public: bool = False

    @classmethod
    def load(cls, path: Path | None, allow_public: bool) -> Scope:
        """Read a YAML scope file `{allow: [CIDR...], deny: [CIDR...]}`; errors name the file and line."""
        scope = cls(allow_public=allow_public)
        if path is None:
            return scope
        if not path.is_file():
            raise UsageError("--scope", f"{path} {'is a folder, not a file' if path.is_dir() else 'not found'}")
        try:
            document = yaml.safe_load(read_utf8(path))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            raise DataError(path, mark.line + 1 if mark else None, f"YAML syntax: {exc.problem}") from None
        if document is None or document == {}:
            # An empty scope would mean "no restriction": a file given as a scope must say what it allows.
            raise DataError(path, 1, "empty scope: list the networks it allows (allow: [CIDR, ...])")
        if not isinstance(document, dict) or set(document) - {"allow", "deny"}:
            raise DataError(path, 1, "expected a mapping with 'allow' and/or 'deny' lists of CIDRs")
        for key in ("allow", "deny"):
            items = document.get(key) or []
            if not isinstance(items, list):
                raise DataError(path, None, f"{key}: expected a list of CIDRs, got {type(items).__name__} {items!r}")
            for item in items:
                try:
                    getattr(scope, key).append(ipaddress.ip_network(str(item), strict=False))
                except ValueError as exc:
                    raise DataError(path, None, f"{key}: {item!r}: {exc}") from None
        return scope

    def verdict(self, address: IPAddress) -> str | None:
        """None when the address may be probed, else why not."""
        if any(address in network for network in self.deny):
            return "in the scope's deny list"
        if self.allow and not any(address in network for network in self.allow):
            return "outside the scope's allow list"
        if address.is_multicast or address.is_unspecified or (address.is_reserved and not address.is_loopback):
            return "not a unicast host address"
        if address.is_global and not self.allow_public:
            return "public address space (use --allow-public to scan it)"
        return None
