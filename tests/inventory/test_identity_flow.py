"""An asset tag followed from an inventory import to the finding, the enforcement list and the dashboard (shown
on the device page, found by the device search), through the command line and a real `covered serve`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx

from covered.store import open_store
from covered.web.users import create_token, create_user
from tests.inventory.test_presets import FILES
from tests.test_cli import run
from tests.web.conftest import serving


def test_asset_tag_reaches_findings_exports_and_the_dashboard(tmp_path: Path) -> None:
    db = tmp_path / "covered.db"
    inventory = tmp_path / "servicenow.csv"
    inventory.write_text(FILES["servicenow-cmdb"][0], encoding="utf-8")
    imported = run("import", str(inventory), "--save", "--db", str(db))
    assert imported.returncode == 1, imported.stderr
    assessed = run("assess", "--profile", "us-federal-agency", "--scan-id", "1", "--save", "--db", str(db))
    assert assessed.returncode in (0, 1), assessed.stderr
    findings = [json.loads(line) for line in run("findings", "--json", "--db", str(db)).stdout.splitlines()]
    assert findings
    assert {f["asset_tag"] for f in findings} == {"P1000123"}
    vms = run("export", "--format", "vms", "--db", str(db))
    assert vms.returncode == 0, vms.stderr
    rows = list(csv.DictReader(io.StringIO(vms.stdout)))
    assert [(r["asset_tag"], r["location"], r["make"]) for r in rows] == [("P1000123", "HQ Lobby", "hikvision")]

    store = open_store(db)
    create_user(store, "vic", "viewer", "vic-viewer-password", "test")
    token = create_token(store, "vic", "tests", "test")
    store.engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    with serving(db, tmp_path) as base_url:
        listed = httpx.get(f"{base_url}/devices?q=P1000123", headers=headers, timeout=30)
        assert listed.status_code == 200
        assert '<span class="tag asset-tag">P1000123</span>' in listed.text
        assert "P1000124" not in listed.text  # the search found the one device, not the list
        by_place = httpx.get(f"{base_url}/devices?q=HQ%20Yard", headers=headers, timeout=30)
        assert "P1000124" in by_place.text
        assert "P1000123" not in by_place.text
        device_id = listed.text.split('href="/devices/')[1].split('"')[0]
        page = httpx.get(f"{base_url}/devices/{device_id}", headers=headers, timeout=30)
        assert '<dd class="asset-asset_tag">P1000123</dd>' in page.text
        assert '<dd class="asset-cost_centre">CC-410</dd>' in page.text
        assert "kept column" in page.text  # Class / Assigned to, kept by the preset
