"""Maker names as people and corpora write them: 'AXIS Communications AB', 'Hangzhou Hikvision', 'hik vision'."""

from __future__ import annotations

import re

__all__ = ["normalise_name"]

_SPACE = re.compile(r"[\s_\-.,]+")
_SUFFIXES = (
    " co ltd",
    " co",
    " ltd",
    " inc",
    " ab",
    " gmbh",
    " ag",
    " sa",
    " srl",
    " spa",
    " bv",
    " nv",
    " llc",
    " plc",
    " corporation",
    " corp",
    " technologies",
    " technology",
    " digital technology",
    " communications",
    " security",
    " group",
    " limited",
)


def normalise_name(text: str) -> str:
    """Case-folded name with punctuation runs as single spaces and company-form suffixes removed."""
    name = " " + _SPACE.sub(" ", text.casefold()).strip()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 2:
                name = name[: -len(suffix)]
                changed = True
    return name.strip()
