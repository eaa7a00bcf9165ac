"""The organisation's own identities of a device (asset tag, location, owner, cost centre, kept columns), read
from the inventory observations an import made of its row."""

from __future__ import annotations

import json
from collections.abc import Iterable

from covered.model import ASSET_FIELDS, AssetIdentity, Channel, Observation

__all__ = ["asset_identity", "attribute_value", "parse_attribute"]

MAX_ATTRIBUTES = 64
"""Kept columns per device, at most (a hostile sheet may carry thousands)."""


def attribute_value(column: str, value: str) -> str:
    """The observation value of one kept column: a JSON pair, so any header and value survive unchanged."""
    return json.dumps([column, value], ensure_ascii=False)


def parse_attribute(value: str) -> tuple[str, str] | None:
    """(column, value) from an 'attribute' observation, or None when it is not such a pair."""
    try:
        pair = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
        return pair[0], pair[1]
    return None


def asset_identity(observations: Iterable[Observation]) -> AssetIdentity | None:
    """The identities the inventory observations give (the first value of each wins), or None when there are none."""
    found: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for o in observations:
        if o.channel is not Channel.INVENTORY:
            continue
        if o.field in ASSET_FIELDS:
            found.setdefault(o.field, o.value)
        elif o.field == "attribute" and len(attributes) < MAX_ATTRIBUTES:
            pair = parse_attribute(o.value)
            if pair is not None and pair[1]:
                attributes.setdefault(pair[0], pair[1])
    if not found and not attributes:
        return None
    return AssetIdentity(**found, attributes=attributes)
