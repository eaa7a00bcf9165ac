"""Debian's Chromium driven by Playwright for the browser tests, and axe-core run inside its pages."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Offline machines: no background traffic, no component updates, no sync (see the machine notes).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parents[1] / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core as scripts/test.sh installs it from the npm registry (pinned there)."""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""The rules axe runs: WCAG 2.1 levels A and AA."""


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium, closed on exit; the test fails (not skips) when the browser is missing."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (scripts/test.sh installs it)")
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as loaded: rule id, impact, help and the offending nodes.
    The page's context must bypass its CSP (``bypass_csp=True``): the checker is injected as a script."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE.relative_to(AXE.parents[4])} (scripts/test.sh installs it)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))",
        AXE_TAGS,
    )
    return json.loads(json.dumps(found))
