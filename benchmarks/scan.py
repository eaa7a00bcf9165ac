"""Scan benchmark: emulated fleets of 1,024 and 4,096 devices, covered's scanner beside `nmap -sV`.

Run: ``python benchmarks/scan.py`` (``--sizes 1024 4096``, ``--rate``, ``--skip-nmap``).

For each size the benchmark starts `covered sim` on loopback, scans it with covered (scan plus
identification, results stored in SQLite), and runs `nmap -sV` over the same addresses and ports; nmap's
XML then goes through covered's importer and identification so both are scored the same way against the
ground truth (precision and recall of the restricted verdict). nmap is installed with apt when missing.
covered runs at the rate given by --rate (an explicit flag, as a user would relax the defaults of
300 packets/s overall and 20/s per host); the table states it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from covered.collect.inventory import import_file
from covered.collect.probes import Limits
from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import PortSpec, Scope
from covered.demo import start_sim, stop_sim
from covered.identify import identifier_for
from covered.registry import load_registry
from covered.sim.accuracy import ClassScore, Score, load_truth, score, score_by_class
from covered.store import open_store

BASE = "127.40.0.1"


def _last_address(base: str, size: int) -> str:
    from covered.sim.plan import device_addresses

    return str(device_addresses(base, size)[-1])


def run_covered(
    size: int, truth_path: Path, rate: float, host_rate: float, workdir: Path
) -> tuple[float, Score, dict[str, ClassScore]]:
    """Scan the fleet with covered; wall time and score."""
    registry = load_registry()
    store = open_store(workdir / f"bench-{size}.db")
    options = ScanOptions(
        ports=PortSpec(),
        rate=rate,
        per_host_rate=host_rate,
        concurrency=256,
        limits=Limits(connect_timeout=1.0, read_timeout=1.5, request_deadline=4.0),
        host_deadline=30.0,
    )
    start = time.perf_counter()
    planned = plan_scan(store, [f"{BASE}-{_last_address(BASE, size)}"], None, Scope(), options)
    status = run_planned(store, identifier_for(registry), planned)
    elapsed = time.perf_counter() - start
    assert status == "complete", status
    rows = device_rows(store, planned.scan_id)
    cut = [str(facts["address"]) for _, facts in rows if "deadline" in str(facts["error"] or "")]
    print(f"{size} devices: {len(cut)} hosts reached their deadline{': ' + ', '.join(cut[:10]) if cut else ''}")
    found = [(facts["address"], a.restricted, a.vendor) for a, facts in rows]
    classes = score_by_class(
        load_truth(truth_path), [(facts["address"], a.restricted, a.vendor, a.lead is not None) for a, facts in rows]
    )
    return elapsed, score(load_truth(truth_path), found), classes


def ensure_nmap() -> str | None:
    """Path of nmap, installing Debian's package when missing (the benchmark may do that; tests never do)."""
    found = shutil.which("nmap")
    if found is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nmap"], check=False, capture_output=True)
        found = shutil.which("nmap")
    return found


def run_nmap(nmap: str, size: int, truth_path: Path, workdir: Path, cap: float) -> tuple[float, Score, int, bool]:
    """`nmap -sV -T4` over the same addresses and ports, stopped at `cap` seconds.

    Its XML goes through covered's importer and identifier. When nmap is stopped, the hosts it had finished
    are read from its partial XML and the time is a lower bound. Returns (seconds, score, hosts done, finished).
    """
    ports = PortSpec()
    spec = "T:" + ",".join(map(str, ports.tcp)) + ",U:" + ",".join(map(str, ports.udp))
    out = workdir / f"nmap-{size}.xml"
    targets = workdir / f"targets-{size}.txt"
    targets.write_text("\n".join(_addresses(size)) + "\n")
    command = [
        nmap,
        "-sS",
        "-sU",
        "-sV",
        "-Pn",
        "-n",
        "-T4",
        "-p",
        spec,
        "--script",
        "http-title,http-server-header,ssl-cert,banner",
        "-oX",
        str(out),
        "-iL",
        str(targets),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(cap)
        finished = True
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        finished = False
    elapsed = time.perf_counter() - start
    if not finished:
        # Keep the complete <host> elements nmap had written; close the document.
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        hosts = re.findall(r"<host[ >].*?</host>", text, flags=re.S)
        out.write_text('<?xml version="1.0"?><nmaprun>' + "".join(hosts) + "</nmaprun>", encoding="utf-8")
    result = import_file(out)
    identifier = identifier_for(load_registry())
    found = []
    for key, observations in result.devices.items():
        attribution = identifier.attribute(key, observations)
        address = next((o.target for o in observations if o.target), key)
        found.append((address, attribution.restricted, attribution.vendor))
    truth = load_truth(truth_path)
    done = {address for address, _, _ in found}
    scored = score(truth if finished else {a: t for a, t in truth.items() if a in done}, found)
    return elapsed, scored, len(done), finished


def _addresses(size: int) -> list[str]:
    from covered.sim.plan import device_addresses

    return [str(a) for a in device_addresses(BASE, size)]


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1024, 4096])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rate", type=float, default=4000.0, help="covered --rate (packets/s overall)")
    parser.add_argument("--host-rate", type=float, default=20.0, help="covered --host-rate (default as shipped)")
    parser.add_argument("--skip-nmap", action="store_true")
    parser.add_argument("--nmap-cap", type=float, default=900.0, help="stop nmap after this many seconds")
    args = parser.parse_args()
    nmap = None if args.skip_nmap else ensure_nmap()
    rows = []
    per_class: list[tuple[int, dict[str, ClassScore]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for size in args.sizes:
            truth = workdir / f"truth-{size}.jsonl"
            fleet, _ = start_sim(size, args.seed, BASE, truth, duration=7200)
            try:
                covered_time, covered_score, classes = run_covered(size, truth, args.rate, args.host_rate, workdir)
                nmap_result = run_nmap(nmap, size, truth, workdir, args.nmap_cap) if nmap else None
            finally:
                stop_sim(fleet)
            rows.append((size, covered_time, covered_score, nmap_result))
            per_class.append((size, classes))
    print(
        f"covered: --rate {args.rate:.0f} --host-rate {args.host_rate:.0f} (defaults 300 and 20); "
        "nmap: -sS -sU -sV -Pn -n -T4 with scripts http-title, http-server-header, ssl-cert, banner, "
        f"stopped after {args.nmap_cap:.0f} s"
    )
    print(
        f"{'devices':>8} {'tool':<8} {'seconds':>9} {'hosts':>6} {'precision':>10} {'recall':>8} "
        f"{'vendor ok':>10} {'speed-up':>9}"
    )
    for size, covered_time, covered_score, nmap_result in rows:
        print(
            f"{size:>8} {'covered':<8} {covered_time:9.1f} {size:>6} {covered_score.precision:10.1%} "
            f"{covered_score.recall:8.1%} {covered_score.vendor_accuracy:10.1%} {'':>9}"
        )
        if nmap_result is not None:
            nmap_time, nmap_score, done, finished = nmap_result
            bound = "" if finished else ">"
            scores = (
                f"{nmap_score.precision:10.1%} {nmap_score.recall:8.1%} {nmap_score.vendor_accuracy:10.1%}"
                if done
                else f"{'n/a':>10} {'n/a':>8} {'n/a':>10}"
            )
            print(
                f"{size:>8} {'nmap -sV':<8} {bound + format(nmap_time, '.1f'):>9} {done:>6} {scores} "
                f"{bound}{nmap_time / covered_time:7.1f}x"
            )
            if not finished and done:
                pace = nmap_time * size / done
                print(
                    f"         nmap finished {done} of {size} hosts before it was stopped; at that pace the whole "
                    f"fleet takes about {pace:.0f} s ({pace / covered_time:.0f}x covered); its scores cover those"
                )
            elif not finished:
                print(
                    "         nmap had not finished its first host group when it was stopped (it writes results "
                    "per group); the speed-up is a lower bound and its accuracy is not measured at this size"
                )
        for line in covered_score.wrong[:10]:
            print(f"         covered miss: {line}")
    for size, classes in per_class:
        print_classes(size, classes)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else f"{'-':>6}"


def print_classes(size: int, classes: dict[str, ClassScore]) -> None:
    """Per persona class: maker named, restricted recall, false claims, OEM-upstream recall, leads."""
    print(f"\ncovered per persona class, {size} devices")
    print(
        f"{'persona':<30} {'devices':>7} {'restricted':>10} {'maker named':>11} {'restricted':>10} "
        f"{'false':>6} {'relabel':>8} {'leads':>6}"
    )
    print(f"{'':<30} {'':>7} {'':>10} {'':>11} {'recall':>10} {'claims':>6} {'upstream':>8} {'':>6}")
    total = ClassScore()
    for name, row in sorted(classes.items()):
        for attribute in vars(total):
            setattr(total, attribute, getattr(total, attribute) + getattr(row, attribute))
        print(
            f"{name:<30} {row.devices:>7} {row.restricted:>10} {_pct(row.maker_named, row.devices):>11} "
            f"{_pct(row.restricted_called, row.restricted):>10} {row.false_claims:>6} "
            f"{_pct(row.relabel_upstream_named, row.relabels):>8} {row.leads:>6}"
        )
    called = total.restricted_called + total.false_claims
    print(
        f"{'all':<30} {total.devices:>7} {total.restricted:>10} {_pct(total.maker_named, total.devices):>11} "
        f"{_pct(total.restricted_called, total.restricted):>10} {total.false_claims:>6} "
        f"{_pct(total.relabel_upstream_named, total.relabels):>8} {total.leads:>6}"
    )
    print(
        f"maker named for {_pct(total.restricted_maker_named, total.restricted).strip()} of restricted devices; "
        f"restricted precision {_pct(total.restricted_called, called).strip()}"
    )


if __name__ == "__main__":
    main()
