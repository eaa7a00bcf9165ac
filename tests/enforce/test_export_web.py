"""Enforcement lists from the dashboard: a real `covered serve` over the scanned store, downloads through HTTP."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from covered.store import open_store
from covered.web.users import create_token, create_user
from tests.enforce.conftest import Fleetstore
from tests.web.conftest import serving


@pytest.fixture(scope="module")
def served(scanned: Fleetstore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("export-web")
    db = folder / "covered.db"
    shutil.copy(scanned.db, db)
    store = open_store(db)
    create_user(store, "vic", "viewer", "vic-viewer-password", "test")
    token = create_token(store, "vic", "tests", "test")
    store.engine.dispose()
    with serving(db, folder) as base_url:
        yield base_url, token


def test_download_is_a_valid_nftables_file(served: tuple[str, str], scanned: Fleetstore, tmp_path: Path) -> None:
    base_url, token = served
    answer = httpx.get(f"{base_url}/api/exports/nftables", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="covered.nft"'
    assert "source: scan 1" in answer.text
    assert all(a in answer.text for a in scanned.restricted)
    if shutil.which("nft"):
        (tmp_path / "covered.nft").write_text(answer.text)
        checked = subprocess.run(["nft", "-c", "-f", "covered.nft"], cwd=tmp_path, capture_output=True, check=False)
        assert checked.returncode == 0, checked.stderr


def test_page_lists_devices_and_filtered_links(served: tuple[str, str], scanned: Fleetstore) -> None:
    base_url, token = served
    headers = {"Authorization": f"Bearer {token}"}
    page = httpx.get(f"{base_url}/exports?maker=dahua", headers=headers, timeout=30)
    assert page.status_code == 200
    assert 'href="/exports/rpz?maker=dahua"' in page.text
    dahua = httpx.get(f"{base_url}/exports/address?maker=dahua", headers=headers, timeout=30).text
    listed = {line for line in dahua.splitlines() if line and not line.startswith("#")}
    assert listed
    assert listed < scanned.restricted


def test_anonymous_and_bad_requests_are_refused(served: tuple[str, str]) -> None:
    base_url, token = served
    assert httpx.get(f"{base_url}/api/exports/mac", timeout=30).status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{base_url}/api/exports/pdf", headers=headers, timeout=30).status_code == 404
    bad = httpx.get(f"{base_url}/api/exports/mac?status=gone", headers=headers, timeout=30)
    assert bad.status_code == 400
    assert "unknown status" in bad.json()["error"]
