"""Assessment, storage and report benchmarks (issue 6 targets), each beside a simpler peer in the same run.

Run: ``python benchmarks/assess.py`` (``--devices``, ``--observations``, ``--report-devices``).
- assess 100,000 devices against every rule binding each built-in profile (target < 10 s);
  peer: the same devices checked against every rule of the registry with no binding pre-filter;
- store 100,000 observations in SQLite, host by host in one transaction each (target < 10 s);
  peer: one commit per observation, as a naive store would do;
- HTML report, schema-validated CycloneDX BOM and evidence pack for 10,000 assessed devices (target < 30 s);
  peer: the same data as plain JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from covered.assess import DeviceContext, assess, rules_binding
from covered.model import Attribution, Channel, Confidence, Observation, OrgPredicate, Profile, UseContext
from covered.registry import load_registry
from covered.report.bundle import collect, render_cyclonedx, render_html, write_pack
from covered.store import HostRecord, Store, open_store
from covered.store.tracking import merge_scan, save_findings

VENDORS = ["hikvision", "dahua", "huawei", "zte", "hytera", "uniview", "axis", "hanwha", None]


def _attributions(count: int, seed: int = 3) -> list[DeviceContext]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        vendor = rng.choice(VENDORS)
        out.append(
            DeviceContext(
                Attribution(
                    device=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                    vendor=vendor,
                    vendor_name=vendor,
                    model=f"M{n % 97}",
                    restricted=vendor in {"hikvision", "dahua", "huawei", "zte", "hytera"},
                    confidence=rng.choice([Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW]) if vendor else None,
                    explanation=f"{vendor} (protocol evidence: test)",
                ),
                address=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
            )
        )
    return out


def bench_assess(devices: int) -> tuple[float, float, int]:
    """One organisation bound by every rule: all predicates, every jurisdiction the rules name."""
    registry = load_registry()
    contexts = _attributions(devices)
    today = dt.date(2026, 11, 22)
    everything = Profile(
        id="every-rule",
        name="Bound by every rule",
        description="benchmark",
        predicates=list(OrgPredicate),
        jurisdictions=sorted({r.jurisdiction for r in registry.rules.values()}),
        default_use_contexts=[UseContext.PUBLIC_SAFETY],
    )
    assert len(rules_binding(registry, everything)) == len(registry.rules)
    start = time.perf_counter()
    total = len(assess(registry, everything, contexts, today))
    ours = time.perf_counter() - start
    # Peer: every rule for every device, its coverage list scanned each time (no per-vendor index).
    start = time.perf_counter()
    hits = 0
    for context in contexts:
        for rule in registry.rules.values():
            if any(c.vendor == context.attribution.vendor for c in rule.covered):
                hits += 1
    peer = time.perf_counter() - start
    return ours, peer, total


def bench_store(observations: int, workdir: Path) -> tuple[float, float]:
    per_host = 10
    hosts = observations // per_host
    store = open_store(workdir / "store.db")
    scan = store.create_scan(["bench"], [f"h{n}" for n in range(hosts)], {})
    records = []
    for n in range(hosts):
        items = [
            Observation(device=f"h{n}", channel=Channel.HTTP, field="server", value=f"Server {n} {k}", target=f"h{n}")
            for k in range(per_host)
        ]
        records.append(HostRecord(f"h{n}", items, ["tcp/80"], Attribution(device=f"h{n}", explanation="x")))
    start = time.perf_counter()
    for record in records:
        store.record_host(scan, record)
    ours = time.perf_counter() - start
    peer_rows = min(observations, 20_000)  # the peer is slow; measure a slice and scale
    connection = sqlite3.connect(workdir / "naive.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE observation (device TEXT, channel TEXT, field TEXT, value TEXT)")
    start = time.perf_counter()
    for n in range(peer_rows):
        connection.execute("INSERT INTO observation VALUES (?, 'http', 'server', ?)", (f"h{n}", f"Server {n}"))
        connection.commit()
    peer = (time.perf_counter() - start) * observations / peer_rows
    connection.close()
    return ours, peer


def assessed_store(db: Path | str, devices: int) -> tuple[Store, int]:
    """A store with `devices` scanned, merged and assessed devices (findings saved as `assess --save` does)."""
    store = open_store(db)
    contexts = _attributions(devices)
    scan = store.create_scan(["bench"], [c.address or "" for c in contexts], {})
    hosts = [
        HostRecord(
            context.address or "",
            [Observation(device=context.address or "", channel=Channel.HTTP, field="server", value="DNVRS-Webs")],
            ["tcp/80"],
            context.attribution,
        )
        for context in contexts
    ]
    for start in range(0, len(hosts), 2_000):  # stored a batch per transaction, as an import stores them
        store.record_hosts(scan, hosts[start : start + 2_000])
    merge_scan(store, scan)
    # Findings as a federal contractor guarding government facilities would have them.
    registry = load_registry()
    profile = registry.profiles["us-federal-contractor"].record.model_copy(
        update={"default_use_contexts": [UseContext.GOVERNMENT_FACILITY_SECURITY]}
    )
    findings = assess(registry, profile, contexts)
    save_findings(store, profile.id, [(f.device, f) for f in findings], "benchmark")
    return store, scan


def bench_report(devices: int, workdir: Path) -> tuple[float, float, int]:
    store, scan = assessed_store(workdir / "report.db", devices)
    start = time.perf_counter()
    data = collect(store, scan, with_observations=True)
    render_html(data)
    bom = render_cyclonedx(data)  # schema-validated, as `covered report` does
    write_pack(data, workdir / "pack.zip", bom)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    json.dumps({"devices": data.devices, "findings": data.findings})
    peer = time.perf_counter() - start
    return ours, peer, len(data.findings)


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--report-devices", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        assess_s, assess_peer, findings = bench_assess(args.devices)
        rules = len(load_registry().rules)
        store_s, store_peer = bench_store(args.observations, workdir)
        report_s, report_peer, report_findings = bench_report(args.report_devices, workdir)
    rows = [
        (
            f"assess {args.devices:,} devices against all {rules} rules ({findings:,} findings)",
            assess_s,
            assess_peer,
            10.0,
            "coverage scan only, no findings built",
        ),
        (
            f"store {args.observations:,} observations (SQLite, a transaction per host)",
            store_s,
            store_peer,
            10.0,
            "a commit per observation (scaled)",
        ),
        (
            f"report {args.report_devices:,} devices, {report_findings:,} findings: HTML, validated BOM, pack",
            report_s,
            report_peer,
            30.0,
            "plain JSON of the same data",
        ),
    ]
    print(f"{'measurement':<78} {'seconds':>8} {'target':>7} {'ok':>3} {'peer s':>8}  peer")
    for name, seconds, peer, target, peer_name in rows:
        print(
            f"{name:<78} {seconds:8.2f} {target:7.0f} {'yes' if seconds < target else 'NO':>3} {peer:8.2f}  {peer_name}"
        )


if __name__ == "__main__":
    main()
