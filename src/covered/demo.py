"""The main job on embedded defaults: emulated devices on loopback, a safe scan into SQLite, attributions scored
against the simulator's ground truth, and the ban directory's overview."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from covered.collect.scan_job import device_rows, plan_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.identify import identifier_for
from covered.model import Attribution
from covered.registry import Registry
from covered.sim.accuracy import Score, load_truth, score
from covered.store import open_store

__all__ = ["DemoResult", "run_demo", "start_sim", "stop_sim"]

DEMO_BASE = "127.77.0.1"
DEMO_SIZE = 40


@dataclass
class DemoResult:
    """What the demo found."""

    database: Path
    attributions: list[Attribution]
    score: Score
    seconds: float
    findings: dict[str, int]
    report: Path
    pack: Path


def _accepts(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


def _first_tcp_service(rows: dict[str, dict[str, object]]) -> tuple[str, int] | None:
    for address, row in rows.items():
        services = row.get("services")
        for service in services if isinstance(services, list) else []:
            if str(service).startswith("tcp/"):
                return address, int(str(service).split("/")[1])
    return None


def _wait_ready(process: subprocess.Popen[bytes], truth: Path, deadline: float) -> dict[str, dict[str, object]]:
    """Wait until the truth file is written and a device's first TCP service accepts connections."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the device simulator exited early")
        if truth.exists() and truth.stat().st_size:
            rows = load_truth(truth)
            first = _first_tcp_service(rows)
            if first is not None and _accepts(*first):
                return rows
        time.sleep(0.2)
    raise RuntimeError("the device simulator did not come up in time")


def start_sim(
    size: int, seed: int, base: str, truth_path: Path, duration: float = 900, ready_within: float = 600
) -> tuple[subprocess.Popen[bytes], dict[str, dict[str, object]]]:
    """Start `covered sim` in a child process and wait until it serves; returns it and its ground truth."""
    process = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments, loopback addresses only
        [
            sys.executable,
            "-m",
            "covered",
            "sim",
            "--size",
            str(size),
            "--seed",
            str(seed),
            "--base",
            base,
            "--duration",
            str(duration),
            "--truth",
            str(truth_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return process, _wait_ready(process, truth_path, time.monotonic() + ready_within)
    except BaseException:
        stop_sim(process)
        raise


def stop_sim(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the simulator and wait for it (kill after 30 s)."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def run_demo(registry: Registry, workdir: Path | None = None, size: int = DEMO_SIZE, seed: int = 7) -> DemoResult:
    """Start a fleet, scan it with the default (safe) rates, and score the result against the truth."""
    folder = Path(workdir or tempfile.mkdtemp(prefix="covered-demo-"))
    process, truth = start_sim(size, seed, DEMO_BASE, folder / "truth.jsonl", ready_within=60)
    try:
        store = open_store(folder / "covered.db")
        addresses = list(truth)
        started = time.perf_counter()
        planned = plan_scan(store, [f"{addresses[0]}-{addresses[-1].rsplit('.', 1)[1]}"], None, Scope(), ScanOptions())
        run_planned(store, identifier_for(registry), planned)
        seconds = time.perf_counter() - started
        rows = device_rows(store, planned.scan_id)
    finally:
        stop_sim(process)
    attributions = [a for a, _ in rows]
    found = [(str(facts["address"]), a.restricted, a.vendor) for a, facts in rows]
    # Assess against a federal contractor whose cameras guard government facilities, keep the findings,
    # and write the auditor's report and evidence pack.
    from collections import Counter

    from covered.assess import DeviceContext, assess
    from covered.model import UseContext
    from covered.report.bundle import collect, render_html, write_pack
    from covered.store.tracking import assign_sites, save_findings

    profile = registry.profiles["us-federal-contractor"].record.model_copy(
        update={"default_use_contexts": [UseContext.GOVERNMENT_FACILITY_SECURITY]}
    )
    said = store.observations_by_device(planned.scan_id)
    contexts = [DeviceContext(a, str(f["address"]), observations=tuple(said.get(a.device, []))) for a, f in rows]
    findings = assess(registry, profile, contexts)
    assign_sites(store, [(site.id, site.networks) for site in profile.sites], "covered demo")
    save_findings(store, profile.id, [(f.device, f) for f in findings], "covered demo")
    data = collect(store, planned.scan_id, with_observations=True)
    report = folder / "report.html"
    report.write_text(render_html(data), encoding="utf-8")
    pack = folder / "evidence.zip"
    write_pack(data, pack)
    counts = Counter(f.status.value for f in findings)
    return DemoResult(folder / "covered.db", attributions, score(truth, found), seconds, dict(counts), report, pack)
