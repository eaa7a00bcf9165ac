"""The HTML report in a real browser: nothing makes the page scroll sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.report.bundle import render_html
from tests.browsing import chromium
from tests.report.test_report_layout import _data

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1400, 900])
def test_the_report_fits_the_window(tmp_path: Path, width: int) -> None:
    report = tmp_path / "report.html"
    report.write_text(render_html(_data(40)), encoding="utf-8")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(report.as_uri())
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, (scroll, client)
