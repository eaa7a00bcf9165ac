"""The user registry folder: loaded on top of the shipped data, never able to shadow a shipped record."""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.errors import DataError
from covered.registry import load_registry
from covered.registry.loader import OVERLAY_MARKER, default_data_dir


def _overlay(tmp_path: Path, actors: str) -> Path:
    folder = tmp_path / "mine"
    (folder / "actors").mkdir(parents=True)
    (folder / OVERLAY_MARKER).write_text("overlay: true\n", encoding="utf-8")
    (folder / "actors" / "user.yml").write_text(actors, encoding="utf-8")
    return folder


def test_an_overlay_adds_to_the_shipped_registry(tmp_path: Path) -> None:
    folder = _overlay(
        tmp_path, "- {id: it-bologna, name: Comune di Bologna, type: local_government, jurisdiction: IT}\n"
    )
    shipped = load_registry()
    combined = load_registry(folder)
    assert combined.data_dir == default_data_dir()
    assert combined.overlay == folder
    assert set(combined.actors) == set(shipped.actors) | {"it-bologna"}
    assert combined.where("actor", "it-bologna").endswith("user.yml:1")


def test_an_overlay_may_not_reuse_a_shipped_id(tmp_path: Path) -> None:
    folder = _overlay(tmp_path, "- {id: tesco, name: Tesco, type: retailer, jurisdiction: GB}\n")
    with pytest.raises(DataError, match="duplicate actor id 'tesco'"):
        load_registry(folder)


def test_a_folder_without_the_marker_is_still_a_whole_registry(tmp_path: Path) -> None:
    folder = _overlay(
        tmp_path, "- {id: it-bologna, name: Comune di Bologna, type: local_government, jurisdiction: IT}\n"
    )
    (folder / OVERLAY_MARKER).unlink()
    with pytest.raises(DataError, match="no vendor records"):
        load_registry(folder)
