"""Neighbour tables: every supported form, MAC notations, incomplete entries, hostile lines, and import matching."""

from __future__ import annotations

import asyncio
import io
import time
from itertools import pairwise
from pathlib import Path
from typing import IO

import pytest

from covered.collect import neighbours
from covered.collect.neighbours import (
    KernelNeighbours,
    add_neighbour_macs,
    parse_neighbours,
    read_neighbour_file,
    write_proc_arp,
)
from covered.errors import UsageError
from covered.model import Channel, Observation

MAC = "58:50:ED:1F:E3:85"


def parse(text: str) -> neighbours.NeighbourTable:
    return parse_neighbours(io.StringIO(text), "table.txt")


PROC = """IP address       HW type     Flags       HW address            Mask     Device
10.0.0.5         0x1         0x2         58:50:ed:1f:e3:85     *        eth0
10.0.0.6         0x1         0x0         00:00:00:00:00:00     *        eth0
10.0.0.7         0x1         0x2         98:f9:cc:af:59:0d     *        eth1
"""

IP_NEIGH = """10.0.0.5 dev eth0 lladdr 58:50:ed:1f:e3:85 REACHABLE
10.0.0.8 dev eth0  FAILED
10.0.0.9 dev eth0  INCOMPLETE
fe80::1 dev eth0 lladdr 98:f9:cc:af:59:0d router STALE
"""

CISCO = """Protocol  Address          Age (min)  Hardware Addr   Type   Interface
Internet  10.1.1.5                4   5850.ed1f.e385  ARPA   Vlan10
Internet  10.1.1.9                0   Incomplete      ARPA
Internet  10.1.1.1                -   0011.2233.4455  ARPA   Vlan10
"""

WINDOWS = """
Interface: 192.168.1.10 --- 0xb
  Internet Address      Physical Address      Type
  192.168.1.1           58-50-ed-1f-e3-85     dynamic
  192.168.1.255         ff-ff-ff-ff-ff-ff     static
  224.0.0.22            01-00-5e-00-00-16     static
"""

BSD = """? (10.0.0.5) at 58:50:ed:1f:e3:85 on en0 ifscope [ethernet]
? (10.0.0.6) at (incomplete) on en0 ifscope [ethernet]
? (10.0.0.7) at 0:1e:c9:a:b:c on en0 ifscope [ethernet]
"""

CSV_EXPORT = """IP Address,MAC Address,Interface,VLAN
10.2.0.5,5850ED1FE385,Gi1/0/5,20
10.2.0.6,,Gi1/0/6,20
10.2.0.7,58-50-ED-1F-E3-86,Gi1/0/7,
"""


@pytest.mark.parametrize(
    ("text", "form", "expected", "incomplete"),
    [
        (PROC, "proc-net-arp", {"10.0.0.5": MAC, "10.0.0.7": "98:F9:CC:AF:59:0D"}, 1),
        (IP_NEIGH, "ip-neigh", {"10.0.0.5": MAC, "fe80::1": "98:F9:CC:AF:59:0D"}, 2),
        (CISCO, "cisco-show-ip-arp", {"10.1.1.5": MAC, "10.1.1.1": "00:11:22:33:44:55"}, 1),
        (WINDOWS, "text", {"192.168.1.1": MAC}, 2),
        (BSD, "text", {"10.0.0.5": MAC, "10.0.0.7": "00:1E:C9:0A:0B:0C"}, 1),
        (CSV_EXPORT, "csv", {"10.2.0.5": MAC, "10.2.0.7": "58:50:ED:1F:E3:86"}, 1),
    ],
    ids=["proc", "ip-neigh", "cisco", "windows", "bsd", "csv"],
)
def test_every_form_gives_address_to_mac(text: str, form: str, expected: dict[str, str], incomplete: int) -> None:
    table = parse(text)
    assert {a: e.mac for a, e in table.entries.items()} == expected
    assert table.format == form
    assert table.incomplete == incomplete
    assert table.warnings == []


def test_interfaces_and_vlans_are_kept() -> None:
    assert parse(PROC).entries["10.0.0.7"].interface == "eth1"
    assert parse(IP_NEIGH).entries["10.0.0.5"].interface == "eth0"
    assert parse(CISCO).entries["10.1.1.5"].interface == "Vlan10"
    entry = parse(CSV_EXPORT).entries["10.2.0.5"]
    assert (entry.interface, entry.vlan, entry.line) == ("Gi1/0/5", "20", 2)


def test_semicolon_csv_with_other_header_names() -> None:
    table = parse("Port;VLAN;Hardware Address;IPv4 Address\nGi0/1;10;aabb.ccdd.eeff;10.3.0.1\n")
    assert table.format == "csv"
    assert table.entries["10.3.0.1"].mac == "AA:BB:CC:DD:EE:FF"
    assert table.entries["10.3.0.1"].interface == "Gi0/1"


def test_bad_lines_are_warnings_with_line_numbers_and_the_rest_is_read() -> None:
    text = (
        "IP Address,MAC Address\n"
        "10.2.0.5,58:50:ed:1f:e3:85\n"
        "not-an-ip,58:50:ed:1f:e3:86\n"
        "10.2.0.7,zz:zz\n"
        "10.2.0.8\n"
        "10.2.0.9,58:50:ed:1f:e3:89\n"
    )
    table = parse(text)
    assert sorted(table.entries) == ["10.2.0.5", "10.2.0.9"]
    assert [w.line for w in table.warnings] == [3, 4, 5]
    assert "not an IP address" in str(table.warnings[0])
    assert str(table.warnings[1]).startswith("line 4: not a MAC address")


def test_a_second_mac_for_one_address_is_a_warning_and_the_first_is_kept() -> None:
    table = parse(
        "10.0.0.5 dev eth0 lladdr 58:50:ed:1f:e3:85 STALE\n10.0.0.5 dev eth1 lladdr 00:11:22:33:44:55 STALE\n"
    )
    assert table.entries["10.0.0.5"].mac == MAC
    assert len(table.warnings) == 1
    assert table.warnings[0].line == 2


def test_text_line_without_a_mac_is_a_warning() -> None:
    table = parse("10.0.0.5 dev eth0 lladdr 58:50:ed:1f:e3:85 REACHABLE\n10.0.0.6 something odd\n")
    assert list(table.entries) == ["10.0.0.5"]
    assert [w.line for w in table.warnings] == [2]


def test_a_twelve_digit_number_in_free_text_is_not_a_mac() -> None:
    table = parse("10.0.0.5 packets 123456789012\n")
    assert table.entries == {}
    assert table.warnings[0].line == 1


def test_overlong_lines_nul_bytes_and_garbage_stay_bounded() -> None:
    long_line = "10.0.0.1 " + "A" * (neighbours.MAX_LINE_CHARS * 3) + "\n"
    text = long_line + "10.0.0.5\x00 dev eth0 lladdr 58:50:ed:1f:e3:85\n" + "\xff\xfe<script>\n"
    table = parse(text)
    assert list(table.entries) == ["10.0.0.5"]
    assert table.warnings[0].line == 1
    assert "longer than" in table.warnings[0].message


def test_line_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "MAX_LINES", 3)
    lines = "".join(f"10.0.0.{i} dev eth0 lladdr 58:50:ed:1f:e3:{i:02x}\n" for i in range(1, 10))
    table = parse(lines)
    assert len(table.entries) == 3
    assert "stopped after 3 lines" in table.warnings[-1].message


def test_a_file_with_no_entries_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("nothing here\n", encoding="utf-8")
    table = read_neighbour_file(path)
    assert table.entries == {}
    assert "no neighbour entries" in table.warnings[0].message
    with pytest.raises(UsageError):
        read_neighbour_file(tmp_path / "missing.txt")


def test_within_keeps_only_the_scans_addresses_and_counts_the_rest() -> None:
    kept, outside = parse(PROC).within(["10.0.0.5", "10.0.0.99"])
    assert list(kept.entries) == ["10.0.0.5"]
    assert outside == 1


def test_written_proc_file_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "arp"
    with path.open("w", encoding="utf-8") as handle:
        assert write_proc_arp([("127.20.0.1", MAC), ("127.20.0.2", "98:F9:CC:AF:59:0D")], handle) == 2
    table = read_neighbour_file(path)
    assert table.format == "proc-net-arp"
    assert {a: e.mac for a, e in table.entries.items()} == {"127.20.0.1": MAC, "127.20.0.2": "98:F9:CC:AF:59:0D"}


def test_kernel_table_is_reread_only_when_older_than_asked(tmp_path: Path) -> None:
    path = tmp_path / "arp"
    path.write_text(PROC, encoding="utf-8")
    kernel = KernelNeighbours(path, interval=0.05)

    async def lookups() -> list[str | None]:
        first = await kernel.lookup("10.0.0.5", 0.0)
        path.write_text(PROC.replace("58:50:ed:1f:e3:85", "00:11:22:33:44:55"), encoding="utf-8")
        cached = await kernel.lookup("10.0.0.5", 0.0)  # the first read is after 0.0: no re-read
        # Hosts probed after that read wait for one re-read, shared by all of them.
        after = time.monotonic()
        fresh = await asyncio.gather(*(kernel.lookup(a, after) for a in ("10.0.0.5", "10.0.0.7", "10.0.0.6")))
        return [e.mac if e else None for e in (first, cached, *fresh)]

    assert asyncio.run(lookups()) == [MAC, MAC, "00:11:22:33:44:55", "98:F9:CC:AF:59:0D", None]
    assert asyncio.run(KernelNeighbours(tmp_path / "absent").lookup("10.0.0.5", 0.0)) is None


def test_kernel_rereads_are_coalesced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "arp"
    path.write_text(PROC, encoding="utf-8")
    kernel = KernelNeighbours(path, interval=0.1)
    reads: list[float] = []
    original = neighbours.parse_neighbours

    def counting(handle: IO[str], name: str) -> neighbours.NeighbourTable:
        reads.append(time.monotonic())
        return original(handle, name)

    monkeypatch.setattr(neighbours, "parse_neighbours", counting)

    async def host(delay: float) -> str | None:
        await asyncio.sleep(delay)
        entry = await kernel.lookup("10.0.0.5", time.monotonic())
        return entry.mac if entry else None

    async def many() -> list[str | None]:
        # 20 hosts finishing 10 ms apart over 0.2 s: about one read per 0.1 s interval, not twenty.
        return await asyncio.gather(*(host(i * 0.01) for i in range(20)))

    assert asyncio.run(many()) == [MAC] * 20
    assert 2 <= len(reads) <= 5
    assert all(b - a >= 0.09 for a, b in pairwise(reads))


def test_import_rows_without_a_mac_get_the_tables_mac() -> None:
    def row(key: str, ip: str) -> list[Observation]:
        return [Observation(device=key, channel=Channel.INVENTORY, field="ip", value=ip, target=ip)]

    devices = {
        "a": row("a", "10.0.0.5"),
        "b": row("b", "10.0.0.50"),
        "c": [*row("c", "10.0.0.7"), Observation(device="c", channel=Channel.MAC, field="address", value=MAC)],
    }
    matched, unmatched = add_neighbour_macs(devices, parse(PROC), "neighbour:table.txt")
    assert (matched, unmatched) == (1, 0)
    added = devices["a"][-1]
    assert (added.channel, added.value, added.device, added.collector) == (
        Channel.MAC,
        MAC,
        "a",
        "neighbour:table.txt",
    )
    assert len(devices["b"]) == 1
    assert len(devices["c"]) == 2  # already had a MAC: untouched


def test_bare_mac_with_hex_letters_is_read_in_free_text() -> None:
    assert parse("10.0.0.5 5850ed1fe385 eth0\n").entries["10.0.0.5"].mac == MAC
