"""Fixtures: the crafted announcement capture, and the real captures read in place (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.capture import frames

CAPTURES = Path(__file__).resolve().parents[2].parent / "shared" / "captures"


@pytest.fixture(scope="session")
def announcements(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pcap of the crafted announcements (see frames.py for their sources)."""
    return frames.write(tmp_path_factory.mktemp("crafted") / "announcements.pcap", frames.announcements())


@pytest.fixture(scope="session")
def captures() -> Path:
    """The folder of real third-party captures beside the checkout."""
    if not (CAPTURES / "index.jsonl").is_file():
        pytest.skip("the real captures (../shared/captures) are not beside this checkout")
    return CAPTURES
