"""The package's public API loads on first use: a light import stays light, `from covered import X` still works."""

from __future__ import annotations

import subprocess
import sys

import pytest

import covered


def _fresh(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()


def test_importing_errors_loads_neither_model_nor_registry() -> None:
    loaded = _fresh("import sys, covered.errors; print(sorted(m for m in sys.modules if m.startswith('covered')))")
    assert loaded == "['covered', 'covered.errors']"


@pytest.mark.parametrize("name", covered.__all__)
def test_every_public_name_imports(name: str) -> None:
    assert _fresh(f"from covered import {name}; print({name}.__name__)") == name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        covered.nope  # noqa: B018 - the attribute access is the test


def test_the_cli_loads_neither_model_nor_registry_data_until_a_command_runs() -> None:
    # `covered --help` builds every command's options; the model and registry are loaded by the commands.
    loaded = _fresh("import sys, covered.cli; print(sorted(m for m in sys.modules if m.startswith('covered.')))")
    assert "covered.model" not in loaded, loaded
    assert "covered.registry.registry" not in loaded, loaded


def test_registry_names_load_on_first_use() -> None:
    code = "from covered.registry import GROUP_FIELDS, Registry; print(Registry.__name__, GROUP_FIELDS[0])"
    assert _fresh(code) == "Registry vendor"
    import covered.registry as registry

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        registry.nope  # noqa: B018 - the attribute access is the test
