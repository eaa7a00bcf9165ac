"""Measure ingest against the curated registry: re-ingest a shipped source with the registry's own records of it
removed, and compare the candidates with the curated events and facts.

A candidate *matches* a curated record when its quote overlaps (by offsets in the source text) the record's
quote or one of the record's corroborating passages from the same source. Reported per source and in total:
recall of events (curated events with at least one overlapping event candidate), precision of event candidates
(event candidates overlapping a curated event), precision of all candidates (overlapping any curated event or
fact), and, over the matched events, agreement on vendors (same set), action, date (same value) and status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from covered.ingest.candidate import Candidate
from covered.ingest.document import read_document, text_of_bytes
from covered.ingest.pipeline import ingest_document
from covered.model import Event
from covered.registry import Registry
from covered.registry.check import normalise_quote_text

__all__ = ["Score", "SourceScore", "evaluate_source", "slot_errors", "without_records"]


def without_records(registry: Registry, *, core_actors_only: bool = False) -> Registry:
    """A copy of the registry with no events, facts or corroborations (and, if asked, only the core actors)."""
    stripped = Registry(data_dir=registry.data_dir)
    stripped.records = {kind: dict(records) for kind, records in registry.records.items()}
    stripped.records["event"] = {}
    stripped.records["fact"] = {}
    stripped.locations = dict(registry.locations)
    if core_actors_only:
        stripped.records["actor"] = {
            actor_id: actor
            for actor_id, actor in registry.actors.items()
            if registry.locations[("actor", actor_id)][0].name == "core.yml"
        }
    return stripped


@dataclass
class SourceScore:
    """Counts for one source (sum them for a total)."""

    source: str
    events: int = 0
    events_found: int = 0
    event_candidates: int = 0
    event_candidates_matching: int = 0
    candidates: int = 0
    candidates_matching: int = 0
    vendors_right: int = 0
    action_right: int = 0
    date_right: int = 0
    status_right: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def add(self, other: SourceScore) -> None:
        """Add another source's counts to these."""
        for name in (
            "events",
            "events_found",
            "event_candidates",
            "event_candidates_matching",
            "candidates",
            "candidates_matching",
            "vendors_right",
            "action_right",
            "date_right",
            "status_right",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missed.extend(other.missed)
        self.wrong.extend(other.wrong)
        self.unmatched.extend(other.unmatched)


Score = SourceScore


def slot_errors(score: SourceScore) -> list[str]:
    """One line per matched event whose best candidate disagrees on a slot, then per unmatched event candidate."""
    return [f"wrong {line}" for line in score.wrong] + [f"unmatched {line}" for line in score.unmatched]


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    folded = normalise_quote_text(text)
    needle = normalise_quote_text(quote)
    out: list[tuple[int, int]] = []
    at = folded.find(needle)
    while at != -1 and len(out) < 8:
        out.append((at, at + len(needle)))
        at = folded.find(needle, at + 1)
    return out


def _overlaps(candidate: Candidate, spans: list[tuple[int, int]]) -> bool:
    return any(candidate.quote_start < z and a < candidate.quote_end for a, z in spans)


def _agreement(event: Event, candidate: Candidate) -> tuple[bool, bool, bool, bool]:
    return (
        set(candidate.vendors) == set(event.vendors),
        candidate.action is event.action,
        candidate.date.value == event.date.value,
        candidate.status is event.status,
    )


def evaluate_source(
    curated: Registry, source_id: str, *, path: Path | None = None, core_actors_only: bool = False
) -> SourceScore:
    """Re-ingest one shipped source (or its original file at ``path``) into the registry stripped of its records,
    and score the candidates against the curated records."""
    source = curated.sources[source_id]
    doc = read_document(path) if path is not None else None
    if doc is None:
        shipped = curated.text(source_id)
        if shipped is None:
            raise ValueError(f"source {source_id!r} has no shipped text")
        doc = text_of_bytes(shipped.encode("utf-8"), where=source_id, name=source.file or "")
    # Quotes are located in the text as read (the reader normalises line ends and trailing blanks).
    text = doc.text
    stripped = without_records(curated, core_actors_only=core_actors_only)
    ingested = ingest_document(
        doc,
        stripped,
        published=source.date if source.date.value else None,
        title=source.title,
        source_id=f"eval-{source_id}",
    )
    event_spans: dict[str, list[tuple[int, int]]] = {}
    for event in curated.events.values():
        if event.source == source_id:
            event_spans[event.id] = _spans(text, event.quote)
    for corr in curated.corroborations_by_record.items():
        record_id, passages = corr
        if record_id in event_spans:
            for passage in passages:
                if passage.source == source_id:
                    event_spans[record_id].extend(_spans(text, passage.quote))
    fact_spans = [
        span for fact in curated.facts.values() if fact.source == source_id for span in _spans(text, fact.quote)
    ]
    all_event_spans = [span for spans in event_spans.values() for span in spans]
    score = SourceScore(source_id)
    events = [c for c in ingested.candidates if c.kind == "event"]
    score.candidates = len(ingested.candidates)
    score.candidates_matching = sum(_overlaps(c, all_event_spans + fact_spans) for c in ingested.candidates)
    score.event_candidates = len(events)
    score.event_candidates_matching = sum(_overlaps(c, all_event_spans) for c in events)
    for c in events:
        if not _overlaps(c, all_event_spans):
            actor = c.actor.id if c.actor else None
            score.unmatched.append(f"{actor} {c.action} {c.vendors} {c.date.value}: {c.quote[:100]!r}")
    for event_id, spans in event_spans.items():
        score.events += 1
        overlapping = [c for c in events if _overlaps(c, spans)]
        if not overlapping:
            score.missed.append(event_id)
            continue
        score.events_found += 1
        event = curated.events[event_id]
        best = max(overlapping, key=lambda c: (sum(_agreement(event, c)), c.confidence))
        vendors, action, date, status = _agreement(event, best)
        score.vendors_right += vendors
        score.action_right += action
        score.date_right += date
        score.status_right += status
        if not (vendors and action and date and status):
            score.wrong.append(
                f"{event_id}: vendors {sorted(best.vendors)} / {sorted(event.vendors)}, action {best.action} / "
                f"{event.action}, date {best.date.value} / {event.date.value}, status {best.status} / {event.status}"
            )
    return score
