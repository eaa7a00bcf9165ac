"""A real store for the export tests: an emulated fleet on loopback scanned by `covered scan`, assessed and
saved by `covered assess --save`, all through the command line."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from covered.sim import Fleet, FleetSpec
from tests.test_cli import run

PERSONAS = (
    "hikvision-camera",
    "dahua-camera",
    "lorex-camera",
    "axis-camera",
    "script-banner@generic-embedded",
    "huawei-router",
)
PROFILE = "us-federal-agency"


@dataclass(frozen=True)
class Fleetstore:
    """The database of a scanned and assessed fleet, the scan id and the fleet's ground truth."""

    db: Path
    scan_id: int
    restricted: frozenset[str]
    """Addresses of the emulated devices a restricted vendor built."""
    clean: frozenset[str]
    macs: dict[str, str]
    """Emulated device MACs by address (lower case)."""


@pytest.fixture(scope="session")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Fleetstore:
    folder = tmp_path_factory.mktemp("enforce")
    db = folder / "covered.db"
    fleet = Fleet(FleetSpec(personas=PERSONAS, seed=14, base="127.41.0.1"))
    fleet.start_blocking()
    try:
        first, last = fleet.devices[0].address, fleet.devices[-1].address
        scan = run("scan", f"{first}-{last.rsplit('.', 1)[1]}", "--db", str(db), "--rate", "2000", "--json")
        assert scan.returncode in (0, 1), scan.stderr
    finally:
        fleet.stop_blocking()
    assessed = run("assess", "--profile", PROFILE, "--scan-id", "1", "--save", "--db", str(db))
    assert assessed.returncode in (0, 1), assessed.stderr
    restricted = frozenset(t.address for t in fleet.truth if t.restricted)
    clean = frozenset(t.address for t in fleet.truth) - restricted
    return Fleetstore(db, 1, restricted, clean, {t.address: t.mac.lower() for t in fleet.truth})


@pytest.fixture
def store_copy(scanned: Fleetstore, tmp_path: Path) -> Path:
    """A copy of the scanned database a test may change (remediate) without touching the others."""
    target = tmp_path / "covered.db"
    shutil.copy(scanned.db, target)
    return target
