"""Words shown to users: counts with the right singular or plural, times without microseconds."""

from __future__ import annotations

import datetime as dt

__all__ = ["citation", "plural", "shown_time"]

_IRREGULAR = {"entry": "entries", "policy": "policies", "match": "matches", "address": "addresses"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 device', '2 devices', '0 devices'; `many` for a plural that is not the word plus 's'."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _IRREGULAR.get(word, word + 's')}"


def shown_time(value: dt.datetime | str | None) -> str:
    """A time as users read it: ISO 8601 to the second, in UTC marked 'Z' (naive times are stored as UTC)."""
    if value is None:
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_DATA_PREFIX = "main/src/covered/registry/data/"
_RESEARCH_PREFIX = "shared/research/"


def citation(reference: str | None, matcher: str | None = None) -> str:
    """A record's source as a user can follow it: registry files relative to the data folder, notes by name."""
    if reference is None:
        return "n/a"
    if reference.startswith(_DATA_PREFIX):
        return f"registry data {reference.removeprefix(_DATA_PREFIX)}"
    if reference.startswith(_RESEARCH_PREFIX):
        document, _, section = reference.removeprefix(_RESEARCH_PREFIX).partition("#")
        where = f"covered research notes, {document}" + (f" section {section}" if section else "")
        if matcher is not None and ":" not in matcher:
            # Signature ids have no colon (OUI and inventory matchers do): the signature carries the strings seen.
            return f"{where}; the strings and where they were seen: `covered signatures show {matcher}`"
        return f"{where} (not shipped)"
    return reference
