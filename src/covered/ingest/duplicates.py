"""Link candidates to what the registry (or the same article) already records: a duplicate is a corroboration."""

from __future__ import annotations

from covered.ingest.candidate import Candidate
from covered.model import Action, DateRef
from covered.registry import Registry

__all__ = ["mark_duplicates"]

_BAN_FAMILY = {Action.PROCUREMENT_BAN, Action.USE_BAN, Action.FUNDING_BAN, Action.CONTRACTING_BAN}


def _compatible_dates(a: DateRef, b: DateRef) -> bool:
    if a.value is None or b.value is None:
        return True
    ea, la, eb, lb = a.earliest, a.latest, b.earliest, b.latest
    if ea is None or la is None or eb is None or lb is None:
        return True
    return ea <= lb and eb <= la


def _same_action(a: Action, b: Action) -> bool:
    return a is b or (a in _BAN_FAMILY and b in _BAN_FAMILY)


def mark_duplicates(candidates: list[Candidate], registry: Registry) -> list[Candidate]:
    """Set duplicate_of on events the registry holds (same actor, shared vendor, same action, compatible date)
    and on facts whose quote the registry already has; later repeats in the article point to the first."""
    out: list[Candidate] = []
    by_actor: dict[str, list[str]] = {}
    for event in registry.events.values():
        by_actor.setdefault(event.actor, []).append(event.id)
    first: dict[tuple[str, str, frozenset[str]], str] = {}
    for candidate in candidates:
        duplicate = None
        if candidate.kind == "event" and candidate.actor is not None and candidate.action is not None:
            for event_id in by_actor.get(candidate.actor.id, []):
                event = registry.events[event_id]
                if (
                    set(event.vendors) & set(candidate.vendors)
                    and _same_action(event.action, candidate.action)
                    and _compatible_dates(event.date, candidate.date)
                ):
                    duplicate = event_id
                    break
            signature = (candidate.actor.id, candidate.action.value, frozenset(candidate.vendors))
            if duplicate is None and signature in first:
                duplicate = f"candidate:{first[signature]}"
            first.setdefault(signature, candidate.key)
        elif candidate.kind == "fact":
            folded = " ".join(candidate.quote.split())
            for fact in registry.facts.values():
                if " ".join(fact.quote.split()) in folded or folded in " ".join(fact.quote.split()):
                    duplicate = fact.id
                    break
        out.append(candidate.model_copy(update={"duplicate_of": duplicate}) if duplicate else candidate)
    return out
