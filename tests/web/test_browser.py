"""The dashboard in a real browser: Playwright driving Debian's Chromium against `covered serve`.

Each main page's screenshot is saved under test-output/screenshots/ for review.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browsing import chromium
from tests.web.conftest import PASSWORDS, Estate

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: object, estate: Estate) -> Iterator[object]:
    context = browser.new_context(base_url=estate.base_url, viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    try:
        yield opened
    finally:
        context.close()


def sign_in(page: object, name: str) -> None:
    page.goto("/devices")  # type: ignore[attr-defined]
    assert "/login" in page.url  # type: ignore[attr-defined]
    page.get_by_label("Name").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORDS[name])  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/devices")  # type: ignore[attr-defined]


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_sign_in_browse_filter_and_open_a_device(page: object, estate: Estate) -> None:
    page.goto("/")
    shot(page, "login")
    sign_in(page, "vic")
    page.goto("/")
    assert page.locator(".stats:not(.questions)").inner_text().count("devices present") == 1
    today = page.locator("#today").inner_text()
    for question in ("restricted devices present", "obligations overdue", "new since the last scan"):
        assert question in today
    assert page.locator("figure svg").count() >= 4
    shot(page, "overview")
    page.goto("/devices")
    rows = page.locator("#devices tbody tr")
    total = rows.count()
    assert total >= 10
    shot(page, "devices")
    page.get_by_label("Vendor").select_option("dahua")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**vendor=dahua**")
    makers = page.locator("#devices tbody tr td:nth-child(3)").all_inner_texts()
    assert makers
    assert set(makers) == {"dahua"}
    assert len(makers) < total
    # Sort by model, descending, keeping the filter.
    page.get_by_role("link", name="Model").click()
    page.get_by_role("link", name="Model ▲").click()
    page.wait_for_url("**order=desc**")
    models = page.locator("#devices tbody tr td:nth-child(5)").all_inner_texts()
    assert models == sorted(models, reverse=True)
    assert "vendor=dahua" in page.url
    page.locator("#devices tbody tr td:nth-child(2) a").first.click()
    page.wait_for_url("**/devices/*")
    assert page.locator("#evidence-table tbody tr").count() >= 1
    card = page.locator("#summary").inner_text()
    assert "Dahua" in card
    assert "What to do next" in card
    shot(page, "device")


def test_change_a_remediation_status_and_see_it_in_the_history(page: object) -> None:
    sign_in(page, "ed")
    page.goto("/findings?status=open")
    shot(page, "findings")
    page.locator("#findings tbody tr td.device a").first.click()
    page.wait_for_url("**/devices/*")
    finding = page.locator("article.finding").first
    finding.get_by_label("New status").select_option("replaced")
    finding.get_by_label("Reason").fill("swapped for an Axis P3265 on 2026-11-20")
    finding.get_by_role("button", name="Change status").click()
    page.wait_for_url("**#history")
    history = page.locator("#history-table").inner_text()
    assert "swapped for an Axis P3265 on 2026-11-20" in history
    assert "ed" in history
    assert page.locator("article.finding .status-replaced").count() >= 1
    page.goto("/audit")
    assert "swapped for an Axis P3265" in page.locator("#audit").inner_text()
    shot(page, "audit")


def test_directory_search_filter_map_and_record(page: object) -> None:
    sign_in(page, "vic")
    page.goto("/directory")
    everything = page.locator("#events tbody tr").count()
    assert everything >= 50
    assert page.locator("figure.map path[data-country='US']").count() == 1
    shot(page, "directory")
    page.get_by_role("combobox", name="Country").select_option(label="United Kingdom")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**country=GB**")
    countries = set(page.locator("#events tbody tr td:nth-child(3)").all_inner_texts())
    assert countries == {"GB"}
    page.get_by_label("Search the directory").fill("Edinburgh")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=Edinburgh**")
    hits = page.locator("#search-results ol.hits li")
    assert hits.count() >= 1
    assert "Edinburgh" in page.locator("#search-results").inner_text()
    assert page.locator("#search-results ul.exact a").first.inner_text() == "City of Edinburgh Council"
    page.locator("#search-results ol.hits li a").first.click()
    page.wait_for_url("**/records/*")
    assert page.locator("figure.quote blockquote").count() >= 1
    page.get_by_role("button", name="Copy citation").click()
    done = page.locator("#copy-done")
    done.wait_for()
    page.wait_for_function("document.getElementById('copy-done').textContent.length > 0")
    assert done.inner_text() in {"Copied.", "Selected: press Ctrl+C to copy."}
    shot(page, "record")


def test_lookup_for_procurement(page: object) -> None:
    sign_in(page, "vic")
    page.goto("/lookup")
    page.get_by_label("Brand or model").fill("Lorex")
    page.get_by_role("button", name="Look up").click()
    page.wait_for_url("**q=Lorex**")
    text = page.locator("main").inner_text()
    assert "Made by Dahua" in text
    assert "restricted maker" in text
    # The answer comes first, in one line, above the detail.
    assert page.get_by_role("status").first.inner_text().startswith("Lorex: some model lines were made by Dahua")
    shot(page, "lookup")
    page.goto("/scans")
    shot(page, "scans")
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".swagger-ui .btn.authorize").count() == 1  # the document declares how to sign in
    shot(page, "api-docs")


def test_a_script_in_a_device_banner_is_shown_as_text_and_never_runs(page: object, estate: Estate) -> None:
    sign_in(page, "vic")
    page.goto(f"/devices?q={estate.script_device}")
    page.locator("#devices tbody tr td:nth-child(2) a").first.click()
    page.wait_for_url("**/devices/*")
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
    assert page.locator("main script").count() == 0
    shot(page, "hostile-device")


def _longest_answer_device(estate: Estate) -> int:
    headers = {"Authorization": f"Bearer {estate.tokens['vic']}"}
    with httpx.Client(base_url=estate.base_url, headers=headers, timeout=10) as api:
        sizes = []
        for row in api.get("/api/devices").json()["rows"]:
            values = [o["value"] for o in api.get(f"/api/devices/{row['id']}").json()["observations"]]
            sizes.append((sum(map(len, values)), row["id"]))
    return max(sizes)[1]


def test_a_device_with_long_answers_fits_the_window(page: object, estate: Estate) -> None:
    device = _longest_answer_device(estate)
    sign_in(page, "vic")
    page.goto(f"/devices/{device}")  # type: ignore[attr-defined]
    sizes = page.evaluate(  # type: ignore[attr-defined]
        """() => {
            const table = document.querySelector('#evidence-table');
            return {
                page: document.scrollingElement.scrollWidth,
                height: document.scrollingElement.scrollHeight,
                table: table.scrollWidth,
                box: table.parentElement.clientWidth,
                value: table.querySelector('thead th:nth-child(2)').getBoundingClientRect().width,
                folded: document.querySelectorAll('details.fold').length,
            };
        }"""
    )
    shot(page, "device-long-answers")
    assert sizes["page"] <= 1400, sizes
    assert sizes["table"] <= sizes["box"], sizes
    assert sizes["value"] >= 300, sizes
    assert sizes["folded"] >= 1, sizes
    assert sizes["height"] < 7000, sizes  # unfolded, with the value column squeezed: over 9,400 px
    # A folded value opens in place, whole.
    fold = page.locator("details.fold").first  # type: ignore[attr-defined]
    fold.locator("summary").click()
    whole = fold.locator(":scope > code")
    assert whole.is_visible()
    assert len(whole.inner_text()) > len(fold.locator("summary code").inner_text())


def test_no_page_scrolls_sideways_on_a_phone(browser: object, estate: Estate) -> None:
    device = _longest_answer_device(estate)
    context = browser.new_context(base_url=estate.base_url, viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    try:
        phone = context.new_page()
        sign_in(phone, "alice")
        widths = {}
        for path in [
            "/",
            "/devices",
            f"/devices/{device}",
            "/leads",
            "/findings",
            "/scans",
            "/audit",
            "/directory",
            "/records/hikvision",
            "/lookup?q=Lorex",
            "/admin/users",
            "/exports",
            "/no/such/page",
        ]:
            phone.goto(path)
            widths[path] = phone.evaluate(
                """() => {
                    const width = document.scrollingElement.scrollWidth;
                    if (width <= 390) return width;
                    function* ancestors(e) { for (let a = e.parentElement; a; a = a.parentElement) yield a; }
                    // Name what sticks out, for the failure message.
                    const scrolls = e => getComputedStyle(e).overflowX !== 'visible';
                    const out = [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 391
                            && e.parentElement.getBoundingClientRect().right <= 391
                            && !(e.parentElement.closest('*') && [...ancestors(e)].some(scrolls)))
                        .slice(-3).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40));
                    return [width, out];
                }"""
            )
        shot(phone, "phone-404")
        phone.goto(f"/devices/{device}")
        shot(phone, "phone-device")
        wide = {path: w for path, w in widths.items() if not isinstance(w, int)}
        assert not wide, str(wide)
    finally:
        context.close()
