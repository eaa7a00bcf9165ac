"""`covered scan --arp-table`, `covered import --arp-table` and the leads listing, as a user runs them."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from covered.sim import Fleet, FleetSpec, write_neighbour_table
from tests.test_cli import run

BASE = f"127.{190 + os.getpid() % 40}.9.1"


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    running = Fleet(FleetSpec(personas=("mac-only-dahua", "dahua-37777-silent"), seed=4, base=BASE, idle_timeout=5))
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def _scan(fleet: Fleet, tmp_path: Path, *extra: str) -> tuple[list[dict[str, Any]], str, int]:
    first, second = (d.address for d in fleet.devices)
    result = run(
        "scan",
        f"{first}-{second.rsplit('.', 1)[1]}",
        "--db",
        str(tmp_path / "scan.db"),
        "--timeout",
        "0.5",
        "--rate",
        "2000",
        "--host-rate",
        "100",
        "--quiet",
        "--no-kernel-neighbours",
        *extra,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()] if "--json" in extra else []
    return rows, result.stderr, result.returncode


def test_scan_with_an_arp_table_finds_the_mac_only_device(fleet: Fleet, tmp_path: Path) -> None:
    path = tmp_path / "router-arp.txt"
    write_neighbour_table(fleet.devices, path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("192.0.2.77       0x1         0x2         58:50:ed:1f:e3:85     *        eth0\n")
        handle.write("127.0.0.9        0x1         0x0         00:00:00:00:00:00     *        lo\n")
    rows, stderr, code = _scan(fleet, tmp_path, "--arp-table", str(path), "--json")
    assert "router-arp.txt (proc-net-arp): 3 entries, 2 for hosts of this scan, 1 outside its targets" in stderr
    assert "1 incomplete (ignored)" in stderr
    by_address = {r["address"]: r for r in rows}
    quiet = fleet.devices[0]
    assert by_address[quiet.address]["mac"] == quiet.mac
    assert by_address[quiet.address]["vendor"] == "dahua"
    assert code == 1  # a MAC block of a restricted maker, from the table alone


def test_scan_without_the_table_lists_the_37777_lead(fleet: Fleet, tmp_path: Path) -> None:
    rows, _, code = _scan(fleet, tmp_path, "--json")
    silent = fleet.devices[1]
    (row,) = rows  # the MAC-only device does not exist without the table
    assert row["address"] == silent.address
    assert row["lead"]["summary"] == "possibly Dahua (TCP 37777 open, nothing else answered)"
    assert row["restricted"] == "unknown"
    assert code == 0  # a lead is never a restricted claim
    listed = run("devices", "--leads", "--json", "--db", str(tmp_path / "scan.db"))
    (lead,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (lead["address"], lead["possibly"], lead["vendors"]) == (silent.address, "Dahua", ["dahua"])
    assert "site visit" in lead["settle"]
    table = run("devices", "--leads", "--db", str(tmp_path / "scan.db"))
    assert "1 lead for review" in table.stdout
    (tmp_path / "table").mkdir()
    _, stderr, _ = _scan(fleet, tmp_path / "table", "--output", str(tmp_path / "out.txt"))
    assert "1 lead for review" in stderr
    assert "TCP 37777 open" in stderr


def test_import_rows_without_a_mac_get_it_from_the_table(tmp_path: Path) -> None:
    assets = tmp_path / "assets.csv"
    assets.write_text("IP,Hostname\n10.0.0.5,cam-lobby\n10.0.0.6,cam-yard\n", encoding="utf-8")
    table = tmp_path / "neigh.txt"
    table.write_text(
        "10.0.0.5 dev eth0 lladdr 98:f9:cc:af:59:0d REACHABLE\n10.0.0.8 dev eth0 lladdr 00:11:22:33:44:55 STALE\n",
        encoding="utf-8",
    )
    result = run("import", str(assets), "--arp-table", str(table), "--json")
    assert "1 row without a MAC got one, 1 entry matching no row" in result.stderr
    rows = {r["device"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert len(rows) == 2
    named = [r for r in rows.values() if r["vendor"] == "dahua"]
    assert len(named) == 1
    assert any(e["value"] == "98:F9:CC:AF:59:0D" for e in named[0]["evidence"])


def test_sim_writes_its_fleets_neighbour_table(tmp_path: Path) -> None:
    from covered.collect.neighbours import read_neighbour_file
    from covered.sim import plan_fleet

    base = f"127.{190 + os.getpid() % 40}.10.1"
    path = tmp_path / "fleet-arp.txt"
    personas = "mac-only-hikvision,axis-37777-lookalike"
    result = run("sim", "--personas", personas, "--base", base, "--neighbours", str(path), "--duration", "1")
    assert result.returncode == 0, result.stderr
    expected = {d.address: d.mac for d in plan_fleet(FleetSpec(personas=tuple(personas.split(",")), base=base))}
    table = read_neighbour_file(path)
    assert {a: e.mac for a, e in table.entries.items()} == expected
    bad = run("sim", "--personas", "mac-only-hikvision,no-such-persona", "--duration", "1")
    assert bad.returncode == 2
    assert bad.stderr.startswith("covered: --personas: unknown persona 'no-such-persona'")
