"""Neighbour tables (ARP / NDP): which MAC address answers for which IP address, read from a file or the kernel.

A device that runs no service we probe still answers ARP; the router's or switch's table, or this host's
own after a scan, names its MAC, and the MAC's IEEE block may name its maker (identify/oui.py). One
reader takes every common form, line by line:

- Linux ``/proc/net/arp``: ``10.0.0.5  0x1  0x2  58:50:ed:1f:e3:85  *  eth0`` (flags 0x0: incomplete);
- ``ip neigh``: ``10.0.0.5 dev eth0 lladdr 58:50:ed:1f:e3:85 REACHABLE`` (FAILED/INCOMPLETE lack a lladdr);
- Cisco ``show ip arp``: ``Internet  10.1.1.5  4  5850.ed1f.e385  ARPA  Vlan10``;
- ``arp -a`` of Windows (``58-50-ed-1f-e3-85``) and BSD/macOS (``? (10.0.0.5) at 58:50:ed:1f:e3:85 on en0``);
- a switch/router export as CSV (or TSV/semicolons) with a header naming IP and MAC columns, optionally
  interface/port and VLAN.

MACs may be written ``aa:bb:cc:dd:ee:ff``, ``aa-bb-...``, ``aabb.ccdd.eeff`` or ``aabbccddeeff``. The file
is hostile input: bounded line length, line count and size; a bad line is a warning with its number and
the rest is read. Incomplete entries (no MAC, all-zero, broadcast or multicast MACs) are counted, not kept.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import ipaddress
import re
import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from covered.errors import DataError, UsageError
from covered.identify.observations import ReadWarning
from covered.identify.oui import normalise_mac
from covered.model import Channel, Observation

__all__ = [
    "KERNEL_ARP",
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "KernelNeighbours",
    "NeighbourEntry",
    "NeighbourSource",
    "NeighbourTable",
    "StaticNeighbours",
    "add_neighbour_macs",
    "neighbour_observation",
    "parse_neighbours",
    "read_neighbour_file",
    "write_proc_arp",
]

KERNEL_ARP = Path("/proc/net/arp")
"""Linux's IPv4 neighbour table (IPv6 neighbours are only reachable over netlink, not read here)."""
MAX_LINE_CHARS = 4096
"""Longest line read; longer ones are a warning and skipped."""
MAX_LINES = 1_000_000
"""Most lines read from one table; the rest is a warning (a /12 network has about a million addresses)."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest table file accepted."""

# In free text the bare form needs a hex letter, so a 12-digit counter is not taken for a MAC; CSV MAC
# columns take every form. BSD's arp drops leading zeros ('0:1e:c9:a:b:c').
_MAC_TOKEN = re.compile(
    r"(?<![0-9A-Fa-f:.\-])(?:"
    r"[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}"
    r"|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"
    r"|(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{12}"
    r")(?![0-9A-Fa-f:.\-])"
)
_IPV4 = re.compile(r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}")
_INCOMPLETE_WORDS = re.compile(r"\b(?:incomplete|failed|none)\b|\(incomplete\)|\b0x0\b", re.IGNORECASE)
_ZERO = "00:00:00:00:00:00"
_BROADCAST = "FF:FF:FF:FF:FF:FF"

# CSV headers, folded to lower-case letters and digits ('IP Address' -> 'ipaddress').
_IP_COLUMNS = {"ip", "ipaddress", "ipaddr", "ipv4", "ipv4address", "internetaddress", "address", "ipv6", "host"}
_MAC_COLUMNS = {"mac", "macaddress", "macaddr", "hwaddress", "hardwareaddress", "physicaladdress", "lladdr"}
_IF_COLUMNS = {"interface", "port", "ifname", "device", "dev", "iface", "intf"}
_VLAN_COLUMNS = {"vlan", "vlanid", "vid"}


def _fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


@dataclass(frozen=True, slots=True)
class NeighbourEntry:
    """One complete neighbour-table entry: address, MAC, and where the table says it was seen."""

    address: str
    mac: str
    line: int
    interface: str | None = None
    vlan: str | None = None


@dataclass
class NeighbourTable:
    """Entries by address, with the warnings and counts of the read."""

    name: str
    entries: dict[str, NeighbourEntry] = field(default_factory=dict)
    warnings: list[ReadWarning] = field(default_factory=list)
    incomplete: int = 0
    """Entries without a usable MAC: incomplete, failed, all-zero, broadcast or multicast."""
    lines: int = 0
    format: str = "text"

    def warn(self, line: int, message: str) -> None:
        """Record a line that could not be read."""
        self.warnings.append(ReadWarning(line, message))

    def add(self, entry: NeighbourEntry) -> None:
        """Keep the first MAC seen for an address; a different later one is a warning (VRRP, spoofing, stale)."""
        first = self.entries.get(entry.address)
        if first is None:
            self.entries[entry.address] = entry
        elif first.mac != entry.mac:
            self.warn(entry.line, f"{entry.address} is also {entry.mac} (line {first.line} says {first.mac}; kept)")

    def within(self, addresses: Iterable[str]) -> tuple[NeighbourTable, int]:
        """Only the entries for these addresses, and how many were left out (outside the scan's targets)."""
        wanted = {_address(a) for a in addresses}
        kept = NeighbourTable(self.name, {a: e for a, e in self.entries.items() if a in wanted}, [], 0, 0, self.format)
        return kept, len(self.entries) - len(kept.entries)


def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip().strip("()[],")))
    except ValueError:
        return text


def _ip(token: str) -> str | None:
    token = token.strip("()[],;")
    if _IPV4.fullmatch(token):
        return token  # already canonical: the common case, without ipaddress's slower parse
    if ":" not in token:
        return None  # neither a dotted quad nor an IPv6 address
    try:
        address = ipaddress.ip_address(token.split("%", 1)[0])
    except ValueError:
        return None
    return str(address)


def _usable(mac: str) -> bool:
    """A unicast, non-zero MAC (multicast and broadcast entries are not devices)."""
    return mac not in (_ZERO, _BROADCAST) and not int(mac[:2], 16) & 0x01


def _mac_from_token(token: str) -> str | None:
    if ":" in token and len(token) < 17:
        token = ":".join(part.zfill(2) for part in token.split(":"))
    return normalise_mac(token)


def _proc_line(table: NeighbourTable, number: int, tokens: list[str]) -> bool:
    """Fast path for /proc/net/arp's fixed columns (IP, HW type, Flags, HW address, Mask, Device)."""
    address = _ip(tokens[0])
    mac = _mac_from_token(tokens[3])
    if address is None or mac is None:
        return False
    if tokens[2] == "0x0" or not _usable(mac):
        table.incomplete += 1
    else:
        table.add(NeighbourEntry(address, mac, number, tokens[5]))
    return True


def _text_line(table: NeighbourTable, number: int, line: str) -> None:
    """One line of /proc/net/arp, ip neigh, show ip arp or arp -a output."""
    tokens = line.split()
    if table.format == "proc-net-arp" and len(tokens) == 6 and _proc_line(table, number, tokens):
        return
    if tokens[0].rstrip(":").casefold() == "interface":
        return  # Windows 'arp -a' section header: 'Interface: 10.0.0.2 --- 0xb' names this host, not a neighbour
    address = None
    for token in tokens:
        address = _ip(token)
        if address is not None:
            break
    if address is None:
        return  # headers, banners, prompts and MAC-only switch rows carry no address to match
    macs = [m for m in (_mac_from_token(t.group(0)) for t in _MAC_TOKEN.finditer(line)) if m is not None]
    # An IPv6 address like 'fe80::1' is also colon-separated hex; never take the address for the MAC.
    macs = [m for m in macs if m.replace(":", "").lower() != address.replace(":", "").lower()]
    if not macs:
        if _INCOMPLETE_WORDS.search(line):
            table.incomplete += 1
        else:
            table.warn(number, f"{address}: no MAC address on the line")
        return
    mac = macs[0]
    if not _usable(mac) or (len(tokens) >= 3 and tokens[2] == "0x0"):
        table.incomplete += 1  # /proc/net/arp flags 0x0, all-zero or broadcast MAC
        return
    interface = None
    if "dev" in tokens[:-1]:
        interface = tokens[tokens.index("dev") + 1]
    elif len(tokens) >= 6 and (tokens[0] == "Internet" or tokens[1].startswith("0x")):
        interface = tokens[5]  # show ip arp's Interface column; /proc/net/arp's Device column
    table.add(NeighbourEntry(address, mac, number, interface))


def _label(line: str) -> str:
    tokens = line.split()
    if "lladdr" in tokens or " dev " in line:
        return "ip-neigh"
    if tokens and tokens[0] == "Internet":
        return "cisco-show-ip-arp"
    if len(tokens) == 6 and tokens[1].startswith("0x"):
        return "proc-net-arp"
    return "text"


def _csv_columns(header: Sequence[str]) -> dict[str, int] | None:
    folded = [_fold(h) for h in header]
    columns: dict[str, int] = {}
    for kind, names in (("ip", _IP_COLUMNS), ("mac", _MAC_COLUMNS), ("if", _IF_COLUMNS), ("vlan", _VLAN_COLUMNS)):
        index = next((i for i, h in enumerate(folded) if h in names), None)
        if index is not None:
            columns[kind] = index
    return columns if "ip" in columns and "mac" in columns else None


def _csv_lines(table: NeighbourTable, lines: Iterator[tuple[int, str]], header: list[str], delimiter: str) -> None:
    columns = _csv_columns(header)
    if columns is None:  # pragma: no cover - checked by the caller
        return
    for number, line in lines:
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except csv.Error as exc:
            table.warn(number, f"unreadable CSV row: {exc}")
            continue
        if len(cells) <= max(columns["ip"], columns["mac"]):
            table.warn(number, f"{len(cells)} columns, expected at least {max(columns['ip'], columns['mac']) + 1}")
            continue
        address = _ip(cells[columns["ip"]].strip())
        if address is None:
            table.warn(number, f"not an IP address: {cells[columns['ip']][:60]!r}")
            continue
        raw_mac = cells[columns["mac"]].strip()
        mac = _mac_from_token(raw_mac) if raw_mac else None
        if mac is None:
            if not raw_mac or _INCOMPLETE_WORDS.search(raw_mac):
                table.incomplete += 1
            else:
                table.warn(number, f"not a MAC address: {raw_mac[:60]!r}")
            continue
        if not _usable(mac):
            table.incomplete += 1
            continue
        table.add(NeighbourEntry(address, mac, number, _cell(cells, columns, "if"), _cell(cells, columns, "vlan")))


def _cell(cells: Sequence[str], columns: Mapping[str, int], kind: str) -> str | None:
    index = columns.get(kind)
    if index is None or index >= len(cells):
        return None
    return cells[index].strip() or None


def _bounded_lines(handle: IO[str], table: NeighbourTable) -> Iterator[tuple[int, str]]:
    """Numbered lines, each at most MAX_LINE_CHARS (longer ones skipped with a warning), at most MAX_LINES."""
    number = 0
    while True:
        chunk = handle.readline(MAX_LINE_CHARS + 1)
        if not chunk:
            return
        number += 1
        if number > MAX_LINES:
            table.warn(number, f"stopped after {MAX_LINES} lines")
            return
        if len(chunk) > MAX_LINE_CHARS and not chunk.endswith("\n"):
            while chunk and not chunk.endswith("\n"):  # drain the rest of the long line, bounded per read
                chunk = handle.readline(MAX_LINE_CHARS + 1)
            table.warn(number, f"line longer than {MAX_LINE_CHARS} characters, skipped")
            continue
        table.lines = number
        yield number, chunk.rstrip("\r\n").replace("\x00", "")


def parse_neighbours(handle: IO[str], name: str) -> NeighbourTable:
    """Read a neighbour table in any supported form; bad lines become warnings with their line numbers."""
    table = NeighbourTable(name)
    lines = _bounded_lines(handle, table)
    for number, line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        delimiter = next((d for d in (",", "\t", ";") if d in line), None)
        if delimiter is not None:
            header = next(csv.reader([line], delimiter=delimiter))
            if _csv_columns(header) is not None:
                table.format = "csv"
                _csv_lines(table, lines, header, delimiter)
                break
        if table.format == "text":
            table.format = _label(line) if _ip_in(line) else table.format
        _text_line(table, number, line)
    if not table.entries and not table.incomplete and not table.warnings:
        table.warn(max(table.lines, 1), "no neighbour entries found (expected IP and MAC address columns)")
    return table


def _ip_in(line: str) -> bool:
    return any(_ip(token) is not None for token in line.split())


def read_neighbour_file(path: Path) -> NeighbourTable:
    """Read a neighbour-table file (size-capped); UsageError if missing, DataError if too large."""
    if not path.is_file():
        raise UsageError("--arp-table", f"{path} not found")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(path, None, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return parse_neighbours(handle, path.name)


def neighbour_observation(entry: NeighbourEntry, collector: str, device: str | None = None) -> Observation:
    """The ``mac/address`` observation a neighbour entry makes of the device at its address."""
    return Observation(
        device=device or entry.address,
        channel=Channel.MAC,
        field="address",
        value=entry.mac,
        target=entry.address,
        time=dt.datetime.now(dt.UTC),
        collector=collector,
    )


class NeighbourSource(Protocol):
    """Where the scanner looks up a host's MAC after probing it."""

    @property
    def collector(self) -> str:
        """Recorded as the observation's collector: 'neighbour:<file>' or 'neighbour:kernel'."""

    async def lookup(self, address: str, not_before: float) -> NeighbourEntry | None:
        """The entry for an address, from a table read no earlier than ``not_before`` (time.monotonic)."""


@dataclass
class StaticNeighbours:
    """A table read once from a file (a router's or switch's export)."""

    table: NeighbourTable

    @property
    def collector(self) -> str:
        """'neighbour:<file name>'."""
        return f"neighbour:{self.table.name}"

    async def lookup(self, address: str, not_before: float) -> NeighbourEntry | None:
        """The file's entry for the address (the file does not change during a scan)."""
        return self.table.entries.get(address)


@dataclass
class KernelNeighbours:
    """This host's own ARP table, re-read for hosts that finished probing after the last read.

    Re-reads are coalesced: at most one per ``interval`` seconds however many hosts finish, and every
    lookup still answers from a read made after its host was probed (it waits for the next one).
    """

    path: Path = KERNEL_ARP
    interval: float = 0.5
    _table: NeighbourTable | None = None
    _read_at: float = float("-inf")

    @property
    def collector(self) -> str:
        """'neighbour:kernel'."""
        return "neighbour:kernel"

    def available(self) -> bool:
        """False where the kernel keeps no /proc/net/arp (not Linux, or a restricted container)."""
        return self.path.is_file()

    async def lookup(self, address: str, not_before: float) -> NeighbourEntry | None:
        """The kernel's entry from a read made after ``not_before``; waits at most ``interval`` for one."""
        while self._read_at < not_before:
            wait = self._read_at + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)  # another host's lookup may re-read meanwhile
                continue
            self._refresh()
        return self._table.entries.get(address) if self._table is not None else None

    def _refresh(self) -> None:
        try:
            with self.path.open(encoding="utf-8", errors="replace") as handle:
                self._table = parse_neighbours(handle, "kernel")
        except OSError:
            self._table = None
        self._read_at = time.monotonic()


def add_neighbour_macs(
    devices: MutableMapping[str, list[Observation]], table: NeighbourTable, collector: str
) -> tuple[int, int]:
    """Give devices without a MAC the one the table has for their IP; returns (matched, entries for no device)."""
    known: set[str] = set()
    matched = 0
    for key, observations in devices.items():
        ips = {_address(o.value) for o in observations if o.channel is Channel.INVENTORY and o.field == "ip"}
        ips |= {_address(o.target) for o in observations if o.target is not None}
        known |= ips
        if any(o.channel is Channel.MAC for o in observations):
            continue
        entry = next((table.entries[a] for a in sorted(ips) if a in table.entries), None)
        if entry is not None:
            observations.append(neighbour_observation(entry, collector, device=key))
            matched += 1
    return matched, len(set(table.entries) - known)


def write_proc_arp(entries: Iterable[tuple[str, str]], handle: IO[str], interface: str = "lo") -> int:
    """Write (address, MAC) pairs in /proc/net/arp's layout; returns the number written (for the simulator)."""
    handle.write("IP address       HW type     Flags       HW address            Mask     Device\n")
    count = 0
    for address, mac in entries:
        handle.write(f"{address:<16} 0x1         0x2         {mac.lower():<21} *        {interface}\n")
        count += 1
    return count
