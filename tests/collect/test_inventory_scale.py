"""Large asset lists: rows kept compact, devices handed out in batches identical to the whole, batched storage
identical to host-by-host storage, and `covered import --save` over several batches storing every device once."""

from __future__ import annotations

import csv
import json
import re
import tracemalloc
from pathlib import Path

from sqlalchemy import func, select

from covered.cli.identify import TABLE_LIMIT
from covered.collect import import_file
from covered.identify import identifier_for
from covered.registry import Registry
from covered.store import HostRecord, open_store
from covered.store.schema import DeviceResultRow, DeviceRow, ObservationRow, ScanHostRow
from tests.test_cli import run

HEADERS = ["Asset Tag", "IP Address", "MAC Address", "Manufacturer", "Model", "Serial Number", "Location"]


def _write(path: Path, rows: int) -> list[str]:
    """An asset list where every 10th row repeats an earlier device (by MAC); returns the expected device keys."""
    keys: dict[str, None] = {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(rows):
            device = n // 2 if n % 10 == 9 else n  # a repeat, far from its first row once n is large
            mac = f"44:19:B6:{device >> 16 & 255:02X}:{device >> 8 & 255:02X}:{device & 255:02X}"
            ip = f"10.{device >> 16 & 255}.{device >> 8 & 255}.{device & 255}"
            maker = ("Hikvision", "Axis", "")[device % 3]
            writer.writerow([f"AT{n}", ip, mac, maker, f"M-{device % 7}", f"SN{device}", ("HQ", "Depot")[n % 2]])
            keys[mac] = None
    return list(keys)


def test_batches_hand_out_exactly_the_devices_in_first_seen_order(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    expected = _write(path, 1_000)
    whole = import_file(path).devices
    assert list(whole) == expected
    batched = [(key, items) for batch in import_file(path).batches(7) for key, items in batch]
    assert [key for key, _ in batched] == expected
    assert all(len(batch) <= 7 for batch in import_file(path).batches(7))
    for key, items in batched:
        assert [o.model_dump() for o in items] == [o.model_dump() for o in whole[key]]
    lines: dict[str, set[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if line > 1:
                lines.setdefault(row[2], set()).add(f"import:assets.csv:{line}")
    assert any(len(found) > 1 for found in lines.values()), "the list must repeat devices"
    for key, items in whole.items():
        assert {o.collector for o in items} == lines[key]  # every row of a device, however far apart


def test_rows_are_kept_compact(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    expected = _write(path, 20_000)
    tracemalloc.start()
    try:
        result = import_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.device_count() == len(expected)
    # Six Observation records per row took about 7 KB a row (150 MB for 20,000); compact rows stay far below.
    assert peak < 40 * 1024 * 1024, f"{peak / 1e6:.0f} MB to read 20,000 rows"


def test_batched_storage_equals_host_by_host(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "assets.csv"
    expected = _write(path, 50)
    result = import_file(path)
    identifier = identifier_for(registry)
    stores = []
    for name in ("one.db", "batched.db"):
        store = open_store(tmp_path / name)
        scan = store.create_scan([str(path)], result.keys(), {}, kind="import")
        records = [
            HostRecord(key, items, [], identifier.attribute(key, items), mac=key)
            for key, items in result.devices.items()
        ]
        if name == "one.db":
            for record in records:
                store.record_host(scan, record)
        else:
            store.record_hosts(scan, records)
        stores.append(store)

    def stored(store: object) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
        with store.session() as session:  # type: ignore[attr-defined]
            results = [
                (r.device_key, r.mac, r.vendor, r.model, r.restricted, r.confidence, r.attribution)
                for r in session.scalars(select(DeviceResultRow).order_by(DeviceResultRow.id))
            ]
            observations = [
                (o.device_key, o.channel, o.field, o.value, o.target, o.collector)
                for o in session.scalars(select(ObservationRow).order_by(ObservationRow.id))
            ]
            hosts = [
                (h.address, h.state, h.error) for h in session.scalars(select(ScanHostRow).order_by(ScanHostRow.id))
            ]
        return results, observations, hosts

    one, batched = stored(stores[0]), stored(stores[1])
    assert one == batched
    assert len(one[0]) == len(expected)
    assert {state for _, state, _ in one[2]} == {"done"}


def test_cli_import_save_over_several_batches_stores_each_device_once(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    expected = _write(path, 5_000)  # 4,750 devices: three batches, repeats crossing batch boundaries
    database = tmp_path / "big.db"
    output = tmp_path / "out.jsonl"
    result = run("import", str(path), "--save", "--db", str(database), "--json", "-o", str(output))
    assert result.returncode == 1, result.stderr  # Hikvision MACs: restricted devices found
    assert not (tmp_path / "out.jsonl.part").exists()
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [row["device"] for row in rows] == expected
    assert f"stored as import 1: {len(expected)} new devices, 0 updated" in result.stderr
    with path.open(newline="", encoding="utf-8") as handle:  # every column is imported, the asset tag too
        cells = sum(sum(1 for cell in row if cell) for row in list(csv.reader(handle))[1:])
    store = open_store(database)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(DeviceRow)) == len(expected)
        # One observation per non-empty mapped cell.
        assert session.scalar(select(func.count()).select_from(ObservationRow)) == cells
        pending = session.scalar(select(func.count()).select_from(ScanHostRow).where(ScanHostRow.state != "done"))
        assert pending == 0
    again = run("import", str(path), "--save", "--db", str(database), "--json", "-o", str(output))
    assert f"stored as import 2: 0 new devices, {len(expected)} updated" in again.stderr


def test_rows_sharing_a_junk_serial_are_stored(tmp_path: Path) -> None:
    """Asset lists repeat placeholder serials; two devices reaching one tracked device no longer fail the merge."""
    path = tmp_path / "assets.csv"
    path.write_text("MAC,Serial\n44:19:B6:00:00:01,N/A\n44:19:B6:00:00:02,N/A\n", encoding="utf-8")
    result = run("import", str(path), "--save", "--db", str(tmp_path / "junk.db"), "--json")
    assert result.returncode == 1, result.stderr
    assert "stored as import 1" in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_a_long_import_on_the_terminal_is_summed_up_not_printed_whole(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    expected = _write(path, 1_200)  # more devices than a terminal table shows
    result = run("import", str(path))
    assert result.returncode == 1, result.stderr
    counted = {
        (maker.strip(), verdict.strip()): int(count.replace(",", ""))
        for maker, verdict, count in re.findall(r"│ ([^│]+?) │ ([^│]+?) │ +([\d,]+) │", result.stdout)
    }
    assert sum(counted.values()) == len(expected)
    assert counted[("Hikvision", "restricted")] > 0
    assert "needing attention" in result.stdout
    listed = re.findall(r"│ 44:19:B6:[0-9A-F:]+ ", result.stdout)
    assert 0 < len(listed) <= TABLE_LIMIT
    assert "--json or --csv, with -o FILE" in result.stderr
    # A short list is still one row per device.
    short = tmp_path / "short.csv"
    few = _write(short, 20)
    listing = run("import", str(short)).stdout
    assert len(re.findall(r"│ 44:19:B6:[0-9A-F:]+ ", listing)) == len(few)
    assert "by maker" not in listing
