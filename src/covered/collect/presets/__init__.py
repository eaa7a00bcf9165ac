"""Column presets for the inventories people already keep (NetBox, Snipe-IT, Lansweeper, ServiceNow, runZero,
Milestone XProtect, Genetec Security Center): which header means which field, where the names come from.

Each preset is a YAML file here citing the documentation its column names were read from. A file's headers are
compared with every preset's signature headers; the preset naming most of them (at least its ``min_match``) is
used, and ``--preset NAME`` forces one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from covered.collect.text_files import fold_header
from covered.errors import UsageError

__all__ = ["Preset", "detect_preset", "get_preset", "presets"]

_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Preset:
    """One tool's export: folded header -> inventory field, columns kept as attributes, and its source."""

    id: str
    name: str
    source: str
    licence: str
    confirmation: str
    note: str
    signature: frozenset[str]
    min_match: int
    columns: dict[str, str]
    keep: tuple[str, ...]

    def score(self, folded_headers: Iterable[str]) -> int:
        """How many of the preset's signature headers the file has."""
        return len(self.signature & set(folded_headers))


_fold = fold_header


@cache
def presets() -> dict[str, Preset]:
    """Every preset by id, read once from the YAML files beside this module."""
    out: dict[str, Preset] = {}
    for path in sorted(_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["id"]] = Preset(
            id=data["id"],
            name=data["name"],
            source=data["source"],
            licence=data["licence"],
            confirmation=data["confirmation"],
            note=" ".join(str(data.get("note", "")).split()),
            signature=frozenset(_fold(h) for h in data["signature"]),
            min_match=int(data["min_match"]),
            columns={_fold(k): v for k, v in (data.get("columns") or {}).items()},
            keep=tuple(data.get("keep") or ()),
        )
    return out


def get_preset(name: str) -> Preset:
    """A preset by id; UsageError naming --preset and the choices when there is none."""
    found = presets().get(name.strip().lower())
    if found is None:
        raise UsageError("--preset", f"unknown preset {name!r} (choose from {', '.join(presets())})")
    return found


def detect_preset(headers: Iterable[str]) -> Preset | None:
    """The preset whose signature the headers match best, when it matches at least its min_match headers."""
    folded = {_fold(h) for h in headers}
    best: Preset | None = None
    best_score = 0
    for preset in presets().values():
        score = preset.score(folded)
        if score >= preset.min_match and score > best_score:
            best, best_score = preset, score
    return best
