"""Reports: escaped HTML with inline charts, valid CycloneDX 1.6, a real PDF, an evidence pack that verify checks."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from covered.assess import DeviceContext, assess
from covered.collect.scan_job import device_rows
from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.report.bundle import (
    collect,
    render_csv,
    render_cyclonedx,
    render_html,
    render_pdf,
    verify_pack,
    write_pack,
)
from covered.store import HostRecord, Store, open_store
from covered.store.tracking import merge_scan, remediate, save_findings
from tests.test_cli import run

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def store(registry: Registry, tmp_path: Path) -> Store:
    store = open_store(tmp_path / "report.db")
    scan = store.create_scan(["10.0.0.0/30"], ["10.0.0.1", "10.0.0.2"], {})
    identifier = identifier_for(registry)
    for address, observations in {
        "10.0.0.1": [("http", "server", "DNVRS-Webs"), ("mac", "address", "44:19:B6:00:00:01")],
        "10.0.0.2": [("http", "server", SCRIPT), ("http", "title", SCRIPT), ("inventory", "model", SCRIPT)],
    }.items():
        items = [
            Observation(device=address, channel=Channel(c), field=f, value=v, target=address)
            for c, f, v in observations
        ]
        store.record_host(scan, HostRecord(address, items, ["tcp/80"], identifier.attribute(address, items)))
    merge_scan(store, scan)
    profile = registry.profiles["us-federal-agency"].record
    devices = [DeviceContext(a, str(f["address"])) for a, f in device_rows(store, scan)]
    findings = assess(registry, profile, devices, dt.date(2026, 11, 22))
    save_findings(store, profile.id, [(f.device, f) for f in findings], "tester")
    remediate(store, "10.0.0.1", "planned", "replacement ordered", "alice")
    return store


def test_html_is_self_contained_and_escapes_device_text(store: Store) -> None:
    page = render_html(collect(store, 1))
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<svg" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "replacement ordered" in page


def test_cyclonedx_bom_validates_and_carries_findings(store: Store) -> None:
    text = render_cyclonedx(collect(store, 1))
    # Cross-check with cyclonedx-python-lib's own (jsonschema) validator.
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    hik = next(c for c in bom["components"] if c.get("manufacturer", {}).get("name") == "hikvision")
    assert hik["type"] == "device"
    assert any(p["name"] == "covered:finding" for p in hik["properties"])


def test_pdf_and_csv(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    render_pdf(collect(store, 1), target)
    assert target.read_bytes().startswith(b"%PDF-")
    rows = render_csv(collect(store, 1)).splitlines()
    assert rows[0].startswith("key,asset_tag,asset_id,asset_name,location,owner,cost_centre,address,mac,vendor")
    assert len(rows) >= 3


def test_evidence_pack_verifies_and_detects_tampering(store: Store, tmp_path: Path) -> None:
    pack = tmp_path / "pack.zip"
    summary = write_pack(collect(store, 1, with_observations=True), pack)
    assert set(summary.files) == {"report.html", "report.json", "bom.cdx.json", "observations.jsonl"}
    assert verify_pack(pack) == []
    with zipfile.ZipFile(pack) as archive:
        observations = archive.read("observations.jsonl").decode()
        assert SCRIPT in observations  # raw evidence is kept verbatim
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(pack) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data.replace(b"hikvision", b"axis") if item.filename == "report.json" else data)
    assert verify_pack(tampered) == ["report.json: SHA-256 differs from the manifest"]


def test_cli_report_and_verify(store: Store, tmp_path: Path) -> None:
    database = store.engine.url.database
    pack = tmp_path / "cli-pack.zip"
    made = run("report", "--format", "pack", "--output", str(pack), "--db", str(database))
    assert made.returncode == 0, made.stderr
    checked = run("verify", str(pack))
    assert checked.returncode == 0
    assert "every file matches" in checked.stdout
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    bad = run("verify", str(broken))
    assert bad.returncode == 2
    assert bad.stderr.startswith(f"covered: {broken}: not an evidence pack")


def test_invalid_bom_is_refused() -> None:
    import fastjsonschema

    from covered.report.bundle import _bom_validator

    with pytest.raises(fastjsonschema.JsonSchemaException, match="must be one of"):
        _bom_validator()(
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "toaster", "name": "x"}]}
        )


def test_relabel_is_a_pedigree_in_the_bom() -> None:
    from covered.report.bundle import ReportData

    device = {
        "id": 1,
        "key": "cam",
        "address": "10.0.0.9",
        "mac": None,
        "serial": None,
        "site": "hq",
        "vendor": "dahua",
        "brand": "lorex",
        "model": "LNB8005-C",
        "firmware": "2.622",
        "restricted": True,
        "confidence": "high",
        "explanation": "Sold as Lorex, built by Dahua (protocol evidence: DHIP reply)",
        "evidence": "",
        "first_seen": "2026-11-22",
        "last_seen": "2026-11-22",
        "gone_since": None,
    }
    bom = json.loads(render_cyclonedx(ReportData("t", "now", None, [device], [], [])))
    component = bom["components"][0]
    assert component["supplier"]["name"] == "lorex"
    assert component["pedigree"]["ancestors"][0]["manufacturer"]["name"] == "dahua"
    assert component["pedigree"]["notes"].startswith("Sold as Lorex, built by Dahua")


def test_indexed_bom_writes_what_the_library_writes(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The linear-time dependency index changes the speed only: the JSON equals the stock Bom's, bar serial/time."""
    from covered.report import bundle

    data = collect(store, 1)
    assert data.devices, "the fixture store must hold devices"
    ours = json.loads(render_cyclonedx(data))
    monkeypatch.setattr(bundle, "_index_dependencies", lambda bom: None)
    stock = json.loads(render_cyclonedx(data))
    for bom in (ours, stock):
        bom.pop("serialNumber")
        bom["metadata"].pop("timestamp")
    assert ours == stock
    assert len(ours["dependencies"]) == len(data.devices) == len(ours["components"])
