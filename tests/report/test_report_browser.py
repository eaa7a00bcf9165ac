"""The HTML report in a real browser: nothing makes the page scroll sideways."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from covered.report.bundle import render_html
from tests.report.test_report_layout import _data

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium")
# Offline: no background traffic, updates or sync; the page itself loads nothing (its CSP allows no fetch).
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
@pytest.mark.parametrize("width", [1400, 900])
def test_the_report_fits_the_window(tmp_path: Path, width: int) -> None:
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    report.write_text(render_html(_data(40)), encoding="utf-8")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(report.as_uri())
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
        finally:
            browser.close()
    assert scroll <= client, (scroll, client)
