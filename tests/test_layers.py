"""Each layer of covered imports only the layers below it: no import circles between the parts of the package.

The order, lowest first (a module may import its own part and any part to its left):

    errors < model < registry < covered (the package's public API) < identify < corpus < store < collect < capture
    < ingest < sim < assess < procurement < report < enforce < demo < cluster < web < cli < __main__

- ``registry`` holds the curated records as loaded, validated data; ``identify`` compiles signatures and builds
  the attribution engine from them (``covered.identify.identifier_for``), so the registry never imports it.
- ``corpus`` turns pinned third-party corpora into signature files, tested with identify's matcher.
- ``store`` sits below ``collect``: the scanner writes each host to the store as it finishes, so a killed scan
  keeps what it found; the store itself only reads MAC helpers from identify.
- ``sim`` emulates devices with the collector's own wire codecs (SNMP BER).
- ``capture`` reads traffic (pcap, pcapng, Zeek logs, a live interface) into the same observations as a scan.
- ``ingest`` turns a saved article into candidate records for review; ``procurement`` checks line items of a
  quote; ``enforce`` writes firewall, NAC, DNS, IDS and VMS lists; ``cluster`` runs scans on site workers.
- ``demo`` runs the whole chain (sim, scan, assess, report); ``web`` and ``cli`` are the front ends.

Every import statement counts: at module level, inside functions, and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).parents[1] / "src"
PACKAGE = SOURCE / "covered"

LAYERS: tuple[str, ...] = (
    "errors",
    "model",
    "registry",
    "covered",
    "identify",
    "corpus",
    "store",
    "collect",
    "capture",
    "ingest",
    "sim",
    "assess",
    "procurement",
    "report",
    "enforce",
    "demo",
    "cluster",
    "web",
    "cli",
    "__main__",
)
RANK = {part: rank for rank, part in enumerate(LAYERS)}


@dataclass(frozen=True)
class Violation:
    """A module importing a part of the package above its own."""

    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported} ({_part(self.module)} < {_part(self.imported)})"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _part(module: str) -> str:
    """The layer a dotted module name belongs to: the part after ``covered.``, or the package API itself."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "covered"


def _is_submodule(dotted: str) -> bool:
    path = SOURCE.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every covered module an AST imports, anywhere in it, with the line of the import."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from covered import cli` imports the sub-module, not the package's public API.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.append((node.lineno, candidate if _is_submodule(candidate) else target))
    return [(line, name) for line, name in found if name == "covered" or name.startswith("covered.")]


def violations(source: str, module: str, is_package: bool = False) -> list[Violation]:
    """The imports in one module's source that reach a layer above the module's own."""
    own = RANK[_part(module)]
    tree = ast.parse(source)
    return [
        Violation(module, line, name)
        for line, name in imported_modules(tree, module, is_package)
        if RANK.get(_part(name), len(LAYERS)) > own
    ]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {_part(_module_name(path)) for path in MODULES}
    assert parts - set(RANK) == set(), "add the new part to LAYERS (and the docstring) where it belongs"
    assert {"registry", "identify", "cli"} <= parts


@pytest.mark.parametrize("path", MODULES, ids=[_module_name(p) for p in MODULES])
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    found = violations(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
    assert [str(v) for v in found] == []


@pytest.mark.parametrize(
    ("source", "module", "upward"),
    [
        ("from covered.identify.signatures import SignatureSet\n", "covered.registry.registry", True),
        ("def f():\n    from covered.identify import identifier_for\n", "covered.registry.registry", True),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import covered.web.app\n",
            "covered.store.db",
            True,
        ),
        ("from covered import cli\n", "covered.web.app", True),
        ("from covered import DataError\n", "covered.registry.check", True),
        ("from ..identify import oui\n", "covered.registry.registry", True),
        ("from covered.registry import Registry\n", "covered.identify.engine", False),
        ("from covered import DataError\n", "covered.identify.engine", False),
        ("from . import loader\n", "covered.registry.registry", False),
        ("import json\n", "covered.model", False),
    ],
)
def test_the_check_catches_upward_imports(source: str, module: str, upward: bool) -> None:
    assert bool(violations(source, module)) is upward
