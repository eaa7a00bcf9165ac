"""Names the CLI shows in its help before any registry data is loaded (this module imports nothing)."""

from __future__ import annotations

__all__ = ["GROUP_FIELDS", "SEARCH_KINDS"]

GROUP_FIELDS: tuple[str, ...] = (
    "vendor",
    "country",
    "jurisdiction",
    "actor",
    "actor_type",
    "action",
    "reason",
    "status",
    "year",
    "source",
    "rule",
)
"""Fields `covered bans --group-by` accepts."""

SEARCH_KINDS: tuple[str, ...] = ("event", "fact", "brand", "rule")
"""Record kinds the search covers."""
