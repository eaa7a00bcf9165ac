"""The dashboard as its users work, over real HTTP and in a real browser: bulk status changes on the findings list,
exports of the current view, and the scan comparison's sources. These tests change findings, so they run on a
copy of the shared estate's database, served by its own `covered serve`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from covered.store import open_store
from covered.store.schema import AuditRow, DeviceResultRow, FindingRow, SightingRow
from tests.web.conftest import PASSWORDS, Clients, Estate, clients_of, copy_database, csrf_of, serving


@pytest.fixture(scope="module")
def own(estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Estate]:
    """A copy of the estate (SQLite's backup: a consistent copy while the other server runs), served apart."""
    folder = tmp_path_factory.mktemp("workflows")
    db = copy_database(estate, folder)
    with serving(db, folder) as base_url:
        yield Estate(db, base_url, estate.tokens, estate.script_device, estate.scans)


@pytest.fixture
def users(own: Estate) -> Iterator[Clients]:
    with clients_of(own) as made:
        yield made


def _statuses(db: Path, ids: list[int]) -> dict[int, str]:
    store = open_store(db)
    try:
        with store.session() as session:
            return dict(session.execute(select(FindingRow.id, FindingRow.status).where(FindingRow.id.in_(ids))).all())
    finally:
        store.engine.dispose()


def _audit_count(db: Path) -> int:
    store = open_store(db)
    try:
        with store.session() as session:
            return int(session.scalar(select(func.count(AuditRow.id))) or 0)
    finally:
        store.engine.dispose()


def _ticks(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="finding" value="(\d+)" form="bulk"', page)]


def test_bulk_change_moves_the_ticked_findings_with_one_audit_entry_each(own: Estate, users: Clients) -> None:
    editor = users.signed_in("ed")
    listed = editor.get("/findings", params={"status": "open"}).text
    ids = _ticks(listed)
    assert len(ids) >= 4
    chosen, untouched = ids[:3], ids[3:]
    before = _audit_count(own.db)
    response = editor.post(
        "/findings/status",
        data={
            "csrf": csrf_of(editor),
            "finding": [str(i) for i in chosen],
            "status": "planned",
            "reason": "replacement ordered, PO 4471",
            "back": "status=open&page=1&next=https://elsewhere.example/",
        },
    )
    assert response.status_code == 303
    # Back to the list as it was, with only the list's own parameters.
    assert response.headers["location"] == "/findings?status=open&page=1"
    assert set(_statuses(own.db, chosen).values()) == {"planned"}
    assert set(_statuses(own.db, untouched).values()) == {"open"}
    store = open_store(own.db)
    with store.session() as session:
        entries = session.scalars(select(AuditRow).where(AuditRow.id > 0).order_by(AuditRow.id.desc()).limit(3)).all()
    store.engine.dispose()
    assert _audit_count(own.db) == before + 3
    assert sorted(int(e.target.split()[1]) for e in entries) == sorted(chosen)
    assert {(e.actor, e.action, e.reason, e.after) for e in entries} == {
        ("ed", "remediate", "replacement ordered, PO 4471", '"planned"')
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "exempted"}, "Waiver: an exemption needs “Waiver” and “Expires”"),
        ({"status": "planned", "waiver": "W-1"}, "only an exempted finding takes a waiver"),
        ({"status": "planned", "extra": "999999999"}, "no finding 999999999"),
        ({"status": "planned", "extra": str(2**63)}, f"no finding {2**63}"),
        ({"status": "planned", "none": "yes"}, "choose at least one finding"),
        ({"status": "review"}, "choose from open, planned"),
    ],
)
def test_bulk_change_follows_the_single_forms_rules_and_changes_all_or_none(
    own: Estate, users: Clients, change: dict[str, str], message: str
) -> None:
    editor = users.signed_in("ed")
    ids = _ticks(editor.get("/findings", params={"status": "open"}).text)[:3]
    assert ids
    before, audit = _statuses(own.db, ids), _audit_count(own.db)
    sent = ids if "none" not in change else []
    extra = [change["extra"]] if "extra" in change else []
    data = {
        "csrf": csrf_of(editor),
        "finding": [*map(str, sent), *extra],
        "status": change["status"],
        "reason": "typed reason stays",
        "back": "status=open",
        "waiver": change.get("waiver", ""),
    }
    response = editor.post("/findings/status", data=data)
    assert response.status_code == 400
    assert message in response.text
    # What was typed and ticked comes back with the problem; nothing changed.
    assert 'value="typed reason stays"' in response.text
    assert set(sent) <= set(int(v) for v in re.findall(r'value="(\d+)" form="bulk" [^>]* checked', response.text))
    assert _statuses(own.db, ids) == before
    assert _audit_count(own.db) == audit


def test_bulk_change_needs_an_editor_and_the_forms_token(own: Estate, users: Clients) -> None:
    viewer = users.signed_in("vic")
    page = viewer.get("/findings").text
    assert _ticks(page) == []  # viewers get no boxes
    assert 'id="bulk"' not in page
    editor = users.signed_in("ed")
    ids = _ticks(editor.get("/findings", params={"status": "open"}).text)[:2]
    before = _statuses(own.db, ids)
    form = {"finding": [str(i) for i in ids], "status": "removed", "reason": "gone"}
    assert viewer.post("/findings/status", data=form | {"csrf": csrf_of(viewer)}).status_code == 403
    assert editor.post("/findings/status", data=form).status_code in {400, 403}
    assert editor.post("/findings/status", data=form | {"csrf": "forged"}).status_code == 403
    anonymous = users.anonymous()
    assert anonymous.post("/findings/status", data=form | {"csrf": "x"}).status_code == 303  # to sign in
    assert _statuses(own.db, ids) == before


def test_scan_comparison_names_the_channel_a_firmware_came_from(own: Estate, users: Clients) -> None:
    first, second = own.scans
    store = open_store(own.db)
    with store.session() as session, session.begin():
        sighting = session.scalars(
            select(SightingRow).where(SightingRow.scan_id == second, SightingRow.firmware.is_not(None))
        ).first()
        assert sighting is not None
        old = sighting.firmware
        result = session.scalars(
            select(DeviceResultRow).where(DeviceResultRow.scan_id == first, DeviceResultRow.address == sighting.address)
        ).one()
        channels = [e["channel"] for e in result.attribution["evidence"] if e["extracted"].get("firmware") == old]
        assert channels
        # The device was upgraded between the scans.
        sighting.firmware = "V9.9.9"
    store.engine.dispose()
    page = users.signed_in("vic").get("/scans", params={"a": first, "b": second}).text
    diff = page.split('<section id="diff">', 1)[1].split("</section>", 1)[0]
    label = ", ".join(c.upper() for c in dict.fromkeys(channels))
    assert f'firmware: {old} <span class="small">(from {label})</span> → V9.9.9' in diff


@pytest.mark.browser
def test_select_all_ticks_the_page_and_one_submit_changes_them(own: Estate) -> None:
    from tests.browsing import chromium

    with chromium() as browser:
        page = browser.new_page(base_url=own.base_url)
        page.goto("/findings?status=review")
        page.get_by_label("Name").fill("ed")
        page.get_by_label("Password").fill(PASSWORDS["ed"])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/findings?status=review")
        boxes = page.locator('#findings input[name="finding"]')
        count = boxes.count()
        assert count >= 2
        ids = [int(v) for v in boxes.evaluate_all("(all) => all.map((b) => b.value)")]
        everything = page.get_by_label("Tick every finding on this page")
        everything.check()
        assert all(boxes.nth(i).is_checked() for i in range(count))
        boxes.first.uncheck()
        assert everything.evaluate("(box) => box.indeterminate") is True
        everything.check()
        page.get_by_label("New status").select_option("open")
        page.get_by_label("Reason").fill("reviewed: the evidence holds")
        page.get_by_role("button", name="Change ticked findings").click()
        page.wait_for_url("**/findings?status=review**")
        assert set(_statuses(own.db, ids).values()) == {"open"}


def test_no_5xx_on_the_bulk_form(own: Estate, users: Clients) -> None:
    editor = users.signed_in("ed")
    for data in ({"finding": "x", "status": "open", "reason": "r"}, {"status": "open"}, {"back": "%%%", "status": ""}):
        response = editor.post("/findings/status", data=data | {"csrf": csrf_of(editor)})
        assert response.status_code == 400, response.text
        assert response.headers["x-frame-options"] == "DENY"
