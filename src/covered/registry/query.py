"""Filter, count and order restriction events: the ban directory's queries.

Each filter resolves to a set of event positions through an index built once per registry, so a
query over 100,000 events is a few set intersections rather than a scan of every record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from covered.errors import UsageError
from covered.model import Action, ActorType, DatePrecision, Event, EventStatus, Reason
from covered.registry.jurisdictions import country_of, resolve_country
from covered.registry.vocabulary import GROUP_FIELDS

if TYPE_CHECKING:
    from covered.registry.registry import Registry

__all__ = ["GROUP_FIELDS", "EventIndex", "EventQuery", "parse_date_bound"]

_E = TypeVar("_E", Action, ActorType, Reason, EventStatus)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date_bound(option: str, value: str, *, end: bool) -> dt.date:
    """Read YYYY, YYYY-MM or YYYY-MM-DD as the first (or, with ``end``, the last) day it denotes."""
    match = _DATE.match(value.strip())
    if match is None:
        raise UsageError(option, f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # noqa: S101 - the pattern guarantees the year
    try:
        if day is not None:
            return dt.date(year, month or 1, day)
        if month is not None:
            first = dt.date(year, month, 1)
            if not end:
                return first
            return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError as exc:
        raise UsageError(option, f"{value!r} is not a valid date ({exc})") from None


def _enum_values(option: str, kind: type[_E], values: Iterable[str]) -> set[_E]:
    out: set[_E] = set()
    for value in values:
        try:
            out.add(kind(value.strip().lower().replace("-", "_")))
        except ValueError:
            choices = ", ".join(m.value for m in kind)
            raise UsageError(option, f"unknown value {value!r} (choose from {choices})") from None
    return out


@dataclass(frozen=True)
class EventQuery:
    """Filters over events; empty fields match everything. Build from user strings with :meth:`parse`."""

    vendors: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    actor_types: frozenset[ActorType] = frozenset()
    actions: frozenset[Action] = frozenset()
    reasons: frozenset[Reason] = frozenset()
    statuses: frozenset[EventStatus] = frozenset()
    sources: frozenset[str] = frozenset()
    since: dt.date | None = None
    until: dt.date | None = None

    @classmethod
    def parse(
        cls,
        registry: Registry,
        *,
        vendor: Sequence[str] = (),
        country: Sequence[str] = (),
        actor: Sequence[str] = (),
        actor_type: Sequence[str] = (),
        action: Sequence[str] = (),
        reason: Sequence[str] = (),
        status: Sequence[str] = (),
        source: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
    ) -> EventQuery:
        """Validate user strings against the registry's vocabularies; raise UsageError naming the option."""
        vendors = set()
        for name in vendor:
            vendor_id = registry.vendor_id(name)
            if vendor_id is None:
                raise UsageError(
                    "--vendor", f"unknown vendor {name!r} (choose from {', '.join(sorted(registry.vendors))})"
                )
            vendors.add(vendor_id)
        actors = set()
        for name in actor:
            if name not in registry.actors:
                raise UsageError("--actor", f"unknown actor id {name!r} (see `covered actors`)")
            actors.add(name)
        sources = set()
        by_file = {s.file: s.id for s in registry.sources.values() if s.file}
        for name in source:
            source_id = name if name in registry.sources else by_file.get(name)
            if source_id is None:
                raise UsageError("--source", f"unknown source {name!r} (give a source id or seed file name)")
            sources.add(source_id)
        start = parse_date_bound("--since", since, end=False) if since else None
        stop = parse_date_bound("--until", until, end=True) if until else None
        if start and stop and start > stop:
            raise UsageError("--since", f"{since} is after --until {until}")
        return cls(
            vendors=frozenset(vendors),
            countries=frozenset(resolve_country(c) for c in country),
            actors=frozenset(actors),
            actor_types=frozenset(_enum_values("--actor-type", ActorType, actor_type)),
            actions=frozenset(_enum_values("--action", Action, action)),
            reasons=frozenset(_enum_values("--reason", Reason, reason)),
            statuses=frozenset(_enum_values("--status", EventStatus, status)),
            sources=frozenset(sources),
            since=start,
            until=stop,
        )


@dataclass
class EventIndex:
    """Events in chronological order with posting sets per filterable value."""

    registry: Registry
    events: list[Event] = field(init=False)
    postings: dict[str, dict[str, set[int]]] = field(init=False)

    def __post_init__(self) -> None:
        registry = self.registry
        self.events = sorted(registry.events.values(), key=lambda e: (e.date.sort_key, e.id))
        self.postings = {
            name: defaultdict(set)
            for name in ("vendor", "actor", "actor_type", "action", "reason", "status", "source", "jurisdiction")
        }
        self._earliest: list[dt.date | None] = []
        self._latest: list[dt.date | None] = []
        for position, event in enumerate(self.events):
            actor = registry.actors[event.actor]
            for vendor in event.vendors:
                self.postings["vendor"][vendor].add(position)
            self.postings["actor"][event.actor].add(position)
            self.postings["actor_type"][actor.type.value].add(position)
            self.postings["action"][event.action.value].add(position)
            self.postings["reason"][event.reason.value].add(position)
            self.postings["status"][event.status.value].add(position)
            self.postings["source"][event.source].add(position)
            self.postings["jurisdiction"][actor.jurisdiction].add(position)
            self._earliest.append(event.date.earliest)
            self._latest.append(event.date.latest)

    def _union(self, name: str, keys: Iterable[str]) -> set[int]:
        postings = self.postings[name]
        out: set[int] = set()
        for key in keys:
            out |= postings.get(key, set())
        return out

    def _country_positions(self, codes: Iterable[str]) -> set[int]:
        # 'GB' matches GB and every GB-xxx subdivision; 'GB-SCT' matches only Scotland.
        wanted = set(codes)
        keys = [j for j in self.postings["jurisdiction"] if j in wanted or country_of(j) in wanted]
        return self._union("jurisdiction", keys)

    def select(self, query: EventQuery) -> list[Event]:
        """Events matching every filter of the query, oldest first (unknown dates last)."""
        candidates: set[int] | None = None

        def narrow(positions: set[int]) -> None:
            nonlocal candidates
            candidates = positions if candidates is None else candidates & positions

        if query.vendors:
            narrow(self._union("vendor", query.vendors))
        if query.countries:
            narrow(self._country_positions(query.countries))
        if query.actors:
            narrow(self._union("actor", {d for a in query.actors for d in self.registry.descendants(a)}))
        for name, values in (
            ("actor_type", query.actor_types),
            ("action", query.actions),
            ("reason", query.reasons),
            ("status", query.statuses),
            ("source", query.sources),
        ):
            if values:
                narrow(self._union(name, (str(v) for v in values)))
        positions = range(len(self.events)) if candidates is None else sorted(candidates)
        if query.since is not None or query.until is not None:
            positions = [p for p in positions if self._in_window(p, query.since, query.until)]
        return [self.events[p] for p in positions]

    def _in_window(self, position: int, since: dt.date | None, until: dt.date | None) -> bool:
        # An event dated only to a year or month matches when its period overlaps the window.
        earliest, latest = self._earliest[position], self._latest[position]
        if earliest is None or latest is None:
            return False
        return (since is None or latest >= since) and (until is None or earliest <= until)

    def group_keys(self, group_by: str) -> Callable[[Event], list[str]]:
        """A function giving the groups one event belongs to (an event with two vendors is in both)."""
        registry = self.registry
        if group_by not in GROUP_FIELDS:
            raise UsageError("--group-by", f"unknown field {group_by!r} (choose from {', '.join(GROUP_FIELDS)})")
        keyers: dict[str, Callable[[Event], list[str]]] = {
            "vendor": lambda e: list(e.vendors),
            "country": lambda e: [country_of(registry.actors[e.actor].jurisdiction)],
            "jurisdiction": lambda e: [registry.actors[e.actor].jurisdiction],
            "actor": lambda e: [e.actor],
            "actor_type": lambda e: [registry.actors[e.actor].type.value],
            "action": lambda e: [e.action.value],
            "reason": lambda e: [e.reason.value],
            "status": lambda e: [e.status.value],
            "year": lambda e: [e.date.value[:4] if e.date.value else "unknown"],
            "source": lambda e: [e.source],
            "rule": lambda e: [e.rule or "none"],
        }
        return keyers[group_by]

    def count_by(self, events: Sequence[Event], group_by: str) -> list[tuple[str, int]]:
        """Distinct events per group, largest first; each event counts once per group it belongs to."""
        keyer = self.group_keys(group_by)
        groups: dict[str, set[str]] = defaultdict(set)
        for event in events:
            for key in set(keyer(event)):
                groups[key].add(event.id)
        return sorted(((k, len(v)) for k, v in groups.items()), key=lambda kv: (-kv[1], kv[0]))


def precision_label(precision: DatePrecision) -> str:
    """Short label for a date precision in tables."""
    return {"day": "", "month": "~month", "year": "~year", "unknown": "?"}[precision.value]
