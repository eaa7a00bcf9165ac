"""Every dashboard page checked by axe-core in a real browser against WCAG 2.1 A and AA: labels, names,
contrast, landmarks, headings, table structure. A page with a violation fails with the rule and the nodes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browsing import axe_violations, chromium
from tests.web.conftest import PASSWORDS, Estate

pytestmark = pytest.mark.browser


def _pages(estate: Estate) -> list[str]:
    first, second = estate.scans
    return [
        "/",
        "/devices",
        "/devices?restricted=yes&sort=address",
        "/devices/1",
        "/leads",
        "/findings",
        "/findings?status=review",
        "/audit",
        "/scans",
        f"/scans?a={first}&b={second}",
        "/directory",
        "/directory?q=Edinburgh",
        "/directory?since=20x",
        "/records/hikvision",
        "/records/lorex",
        "/lookup",
        "/lookup?q=Lorex",
        "/lookup?q=Zyxwvut",
        "/exports",
        "/admin/users",
        "/no/such/page",
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def signed_in(browser: Any, estate: Estate) -> Iterator[Any]:
    """A page signed in as the admin, in a context that lets the checker's script past the CSP."""
    context = browser.new_context(base_url=estate.base_url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Name").fill("alice")
    page.get_by_label("Password").fill(PASSWORDS["alice"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    yield page
    context.close()


def _report(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in violations)


def test_every_page_passes_the_accessibility_checker(signed_in: Any, estate: Estate) -> None:
    failures = {}
    for path in _pages(estate):
        signed_in.goto(path)
        found = axe_violations(signed_in)
        if found:
            failures[path] = _report(found)
    assert not failures, "\n".join(f"{path}:\n  {text}" for path, text in failures.items())


def test_the_sign_in_page_passes_the_accessibility_checker(browser: Any, estate: Estate) -> None:
    context = browser.new_context(base_url=estate.base_url, bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    assert axe_violations(page) == [], _report(axe_violations(page))
    context.close()


def test_the_checker_is_live(signed_in: Any) -> None:
    """A control without a label, added to a page, is reported: the check cannot pass by not running."""
    signed_in.goto("/lookup")
    signed_in.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=bare>')")
    assert any(v["id"] == "label" for v in axe_violations(signed_in))
