"""Enforcement export benchmark: every `covered export` format for many devices needing action, beside a peer.

Run: ``python benchmarks/export.py`` (``--devices``). The store is filled directly (devices and one open finding
each, as `covered assess --save` leaves them); then, timed:
- select the devices needing action and render all eleven formats (target: 20,000 devices < 10 s);
  peer: the CSV report of the same store (`covered report --format csv`), which reads the same rows.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from covered.enforce import ExportFormat, make_filter, render, select_targets
from covered.registry import load_registry
from covered.report.bundle import collect, render_csv
from covered.store import open_store
from covered.store.schema import DeviceRow, FindingRow, ScanRow, SightingRow


def _fill(db: Path, count: int) -> None:
    store = open_store(db)
    with store.session() as session, session.begin():
        scan = ScanRow(kind="scan", status="complete")
        session.add(scan)
        session.flush()
        for n in range(count):
            mac = f"58:50:ed:{(n >> 16) & 255:02x}:{(n >> 8) & 255:02x}:{n & 255:02x}"
            device = DeviceRow(
                key=mac,
                mac=mac,
                address=f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}",
                vendor="hikvision",
                model="DS-2CD2143G0-I",
                restricted=True,
                asset_tag=f"A-{n}",
            )
            session.add(device)
            session.flush()
            session.add(SightingRow(device_id=device.id, scan_id=scan.id, address=device.address))
            session.add(
                FindingRow(
                    device_id=device.id,
                    profile="us-federal-agency",
                    subject="us-ndaa2019-889-a1a",
                    obligation="remove",
                    status="open",
                    assessed_status="open",
                    confidence="high",
                    citation="benchmark",
                    explanation="benchmark",
                )
            )
    store.engine.dispose()


def main() -> None:
    """Print one table: what was timed, devices, seconds, and the ratio to the peer."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=20_000)
    args = parser.parse_args()
    endpoints = load_registry().cloud_endpoints
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        _fill(db, args.devices)
        store = open_store(db)
        start = time.perf_counter()
        export = select_targets(store, make_filter(None))
        sizes = {fmt: len(render(fmt, export, endpoints)) for fmt in ExportFormat}
        exported = time.perf_counter() - start
        start = time.perf_counter()
        render_csv(collect(store))
        peer = time.perf_counter() - start
    print(f"{'what':<48} {'devices':>8} {'seconds':>8} {'ratio':>6}")
    print(f"{'export: select + all 11 formats':<48} {len(export.targets):>8} {exported:>8.2f} {exported / peer:>6.2f}")
    print(f"{'peer: CSV report of the same store':<48} {args.devices:>8} {peer:>8.2f} {1:>6.2f}")
    print(f"bytes written: {sum(sizes.values()):,} ({', '.join(f'{k.value} {v:,}' for k, v in sizes.items())})")


if __name__ == "__main__":
    main()
