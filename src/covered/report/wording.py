"""Words shown to users: counts with the right singular or plural, times without microseconds."""

from __future__ import annotations

import datetime as dt

__all__ = ["plural", "shown_time"]

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
