"""The scanner against the emulated fleet on loopback: attribution, hostile devices, credentials, scope, resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from covered.collect.probes import Credentials, Limits
from covered.collect.scan_job import device_rows, plan_scan, resume_scan, run_planned
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope
from covered.identify import identifier_for
from covered.model import Attribution, Channel
from covered.registry import Registry
from covered.sim import PERSONAS, Fleet, FleetSpec
from covered.store import open_store

HOSTILE = [
    "slow@hikvision-camera",
    "reset@dahua-camera",
    "oversized@generic-embedded",
    "malformed-xml@hikvision-camera",
    "xml-bomb@annke-nvr",
    "bad-cert@dahua-camera",
    "non-utf8@generic-embedded",
    "script-banner@generic-embedded",
]
MIX = (*[p.id for p in PERSONAS if p.hostile is None], *HOSTILE)
FAST = Limits(connect_timeout=0.5, read_timeout=1.0, request_deadline=2.0)
# The accuracy scan gives well-behaved devices time to answer on a busy machine (a 2 s request deadline let
# an unauthenticated ONVIF answer, a Huawei camera's only maker sign, time out under load); hostile devices are
# still bounded by the host deadline.
PATIENT = Limits(connect_timeout=2.0, read_timeout=3.0, request_deadline=6.0)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    spec = FleetSpec(personas=MIX, seed=5, base="127.33.0.1", slow_seconds=20, oversize_bytes=4 * 1024 * 1024)
    running = Fleet(spec)
    running.start_blocking()
    try:
        yield running
    finally:
        running.stop_blocking()


def _range(fleet: Fleet) -> str:
    return f"{fleet.devices[0].address}-{fleet.devices[-1].address.rsplit('.', 1)[1]}"


def _scan(
    registry: Registry, fleet: Fleet, tmp_path: Path, credentials: Credentials | None = None
) -> dict[str, tuple[Attribution, dict[str, object]]]:
    store = open_store(tmp_path / "scan.db")
    options = ScanOptions(
        rate=2000, per_host_rate=50, concurrency=64, limits=PATIENT, host_deadline=30, credentials=credentials
    )
    planned = plan_scan(store, [_range(fleet)], None, Scope(), options)
    assert run_planned(store, identifier_for(registry), planned) == "complete"
    return {str(facts["address"]): (a, facts) for a, facts in device_rows(store, planned.scan_id)}


@pytest.fixture(scope="module")
def results(
    registry: Registry, fleet: Fleet, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Attribution, dict[str, object]]]:
    return _scan(registry, fleet, tmp_path_factory.mktemp("scan"))


def test_every_well_behaved_device_is_attributed_as_the_truth_says(fleet: Fleet, results: dict) -> None:
    for truth in fleet.truth:
        if truth.hostile is not None:
            continue
        attribution, facts = results[truth.address]
        expected_tcp = sorted(
            s for s in truth.services if s.startswith("tcp/") and s != "tcp/8000" and s != "tcp/37777"
        )
        assert set(expected_tcp) <= set(facts["services"]), truth.persona  # type: ignore[arg-type]
        if truth.restricted:
            assert attribution.restricted is True, (truth.persona, attribution.explanation)
            assert attribution.vendor == truth.vendor, truth.persona
        else:
            assert attribution.restricted is not True, (truth.persona, attribution.explanation)


def test_relabels_give_away_their_maker_through_protocol_details(fleet: Fleet, results: dict) -> None:
    lorex = next(t for t in fleet.truth if t.persona == "lorex-camera" and t.hostile is None)
    attribution, _ = results[lorex.address]
    assert (attribution.vendor, attribution.restricted) == ("dahua", True)
    assert any(e.protocol for e in attribution.evidence)
    annke = next(t for t in fleet.truth if t.persona == "annke-nvr" and t.hostile is None)
    assert results[annke.address][0].vendor == "hikvision"


def test_mac_comes_from_protocol_answers(fleet: Fleet, results: dict) -> None:
    for persona in ("hikvision-camera", "dahua-camera"):
        truth = next(t for t in fleet.truth if t.persona == persona and t.hostile is None)
        assert results[truth.address][1]["mac"] == truth.mac


def test_hostile_devices_never_stop_the_scan_and_leave_a_trace(fleet: Fleet, results: dict) -> None:
    for truth in fleet.truth:
        if truth.hostile is None:
            continue
        if truth.address not in results:
            # A device that resets every connection looks closed: no result row, but its host is done
            # (the scan reached 'complete', which _scan asserts).
            assert truth.hostile in {"reset", "slow"}, truth.hostile
            continue
        attribution, _ = results[truth.address]
        if truth.hostile in {"xml-bomb", "malformed-xml"}:
            anomalies = [e for e in attribution.evidence if e.channel is Channel.ANOMALY]
            assert attribution.restricted is not False
            assert anomalies or attribution.vendor is not None, truth.hostile
        if not truth.restricted:
            assert attribution.restricted is not True, truth.hostile


def test_script_banner_is_kept_verbatim_as_data(fleet: Fleet, results: dict, tmp_path: Path) -> None:
    truth = next(t for t in fleet.truth if t.hostile == "script-banner")
    attribution, _ = results[truth.address]
    values = [e.value for e in attribution.evidence]
    assert attribution.restricted is not True
    assert any("<script>" in v for v in values) or attribution.vendor is None


def test_credentials_go_only_to_the_matching_family(registry: Registry, fleet: Fleet, tmp_path: Path) -> None:
    found = _scan(registry, fleet, tmp_path, Credentials(fleet.spec.username, fleet.spec.password))
    store = open_store(tmp_path / "scan.db")
    hik = next(t for t in fleet.truth if t.persona == "hikvision-camera" and t.hostile is None)
    dahua = next(t for t in fleet.truth if t.persona == "dahua-camera" and t.hostile is None)
    axis = next(t for t in fleet.truth if t.persona == "axis-camera")
    scan_id = 1

    def channels(address: str) -> set[str]:
        return {o.channel for o in store.observations(scan_id, address)}

    lorex = next(t for t in fleet.truth if t.persona == "lorex-camera" and t.hostile is None)
    assert found[lorex.address][0].explanation.startswith("Sold as Lorex, built by Dahua")
    assert "isapi" in channels(hik.address)
    assert found[hik.address][0].model == hik.model
    assert "isapi" not in channels(dahua.address)
    assert "dahua-cgi" in channels(dahua.address)
    assert not {"isapi", "dahua-cgi"} & channels(axis.address)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "covered", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_public_space_is_refused_without_traffic(tmp_path: Path) -> None:
    result = run_cli("scan", "8.8.8.8", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert result.stderr.startswith("covered: TARGETS: nothing left to scan: 8.8.8.8 is public address space")


def test_killed_scan_keeps_what_it_stored_and_resumes(fleet: Fleet, tmp_path: Path) -> None:
    database = tmp_path / "kill.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "covered",
            "scan",
            _range(fleet),
            "--db",
            str(database),
            "--rate",
            "40",
            "--host-rate",
            "20",
            "--concurrency",
            "2",
            "--timeout",
            "0.5",
            "--quiet",
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and done < 3:
            time.sleep(0.3)
            if database.exists():
                with sqlite3.connect(database) as connection:
                    try:
                        done = connection.execute("SELECT count(*) FROM scan_host WHERE state != 'pending'").fetchone()[
                            0
                        ]
                    except sqlite3.OperationalError:
                        done = 0
        assert done >= 3
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT count(*) FROM scan_host WHERE state != 'pending'").fetchone()[0]
        results = connection.execute("SELECT count(*) FROM device_result").fetchone()[0]
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stored >= done
    assert results <= stored
    resumed = run_cli("scan", "--resume", "--db", str(database), "--quiet", "--json", "--rate", "2000")
    assert resumed.returncode in (0, 1), resumed.stderr
    rows = [json.loads(line) for line in resumed.stdout.splitlines()]
    with sqlite3.connect(database) as connection:
        pending = connection.execute("SELECT count(*) FROM scan_host WHERE state = 'pending'").fetchone()[0]
        status = connection.execute("SELECT status FROM scan").fetchone()[0]
    assert pending == 0
    assert status == "complete"
    addresses = [r["address"] for r in rows]
    assert len(addresses) == len(set(addresses))
    assert {t.address for t in fleet.truth if t.hostile is None} <= set(addresses)


def test_resume_of_a_complete_scan_is_refused(registry: Registry, fleet: Fleet, tmp_path: Path) -> None:
    store = open_store(tmp_path / "done.db")
    planned = plan_scan(store, [fleet.devices[0].address], None, Scope(), ScanOptions(limits=FAST))
    run_planned(store, identifier_for(registry), planned)
    from covered.errors import UsageError

    with pytest.raises(UsageError, match="already complete"):
        resume_scan(store, planned.scan_id, None)
