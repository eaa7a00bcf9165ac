"""Shared fixtures: the shipped registry, and writable copies of its data for malformed-input tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from covered.registry import Registry, default_data_dir, load_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The registry shipped with the package."""
    return load_registry()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target
