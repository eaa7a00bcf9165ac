"""Registry records as rows: JSON objects, CSV rows and Rich tables, with the same snake_case names everywhere."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.markup import escape
from rich.table import Table

from covered.model import Event
from covered.registry import Registry, SearchHit
from covered.registry.jurisdictions import country_of

__all__ = [
    "EVENT_CSV_FIELDS",
    "citation",
    "event_row",
    "event_table",
    "events_csv",
    "events_table",
    "hit_row",
    "hits_table",
    "json_lines",
    "record_view",
]

EVENT_CSV_FIELDS = (
    "id",
    "date",
    "date_precision",
    "actor",
    "actor_name",
    "actor_type",
    "jurisdiction",
    "country",
    "vendors",
    "action",
    "reason",
    "status",
    "scope",
    "summary",
    "rule",
    "source",
    "seed_file",
    "segment",
    "quote",
    "quote_language",
    "quote_en",
    "attributed_to",
    "confirmation",
    "corroborations",
)
"""Columns of `covered bans --csv`, in order."""


def event_row(registry: Registry, event: Event) -> dict[str, Any]:
    """Every field of an event plus the names a reader needs: actor, country, seed file, corroborations."""
    actor = registry.actors[event.actor]
    source = registry.sources[event.source]
    row = event.model_dump(mode="json")
    row.update(
        actor_name=actor.name,
        actor_type=actor.type.value,
        actor_chain=[a.name for a in reversed(registry.actor_chain(event.actor))],
        jurisdiction=actor.jurisdiction,
        country=country_of(actor.jurisdiction),
        seed_file=source.file,
        source_title=source.title,
        source_as_of=source.as_of.isoformat(),
        corroborations=[c.model_dump(mode="json") for c in registry.corroborations_by_record.get(event.id, [])],
    )
    return row


def json_lines(rows: Iterable[dict[str, Any]]) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n" for row in rows)


def events_csv(registry: Registry, events: Sequence[Event]) -> str:
    """The events as CSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EVENT_CSV_FIELDS)
    writer.writerows(["" if v is None else v for v in row] for row in event_table(registry, events))
    return buffer.getvalue()


def events_table(registry: Registry, events: Sequence[Event], title: str) -> Table:
    """A Rich table of events; every value is escaped (records may quote hostile text)."""
    table = Table(title=title, show_lines=False, expand=False)
    for name in ("date", "actor", "action", "vendors", "status", "reason", "id"):
        table.add_column(name, overflow="fold")
    for event in events:
        actor = registry.actors[event.actor]
        table.add_row(
            escape(event.date.display()),
            escape(f"{actor.name} [{actor.jurisdiction}]"),
            escape(event.action.value),
            escape(", ".join(event.vendors)),
            escape(event.status.value),
            escape(event.reason.value),
            escape(event.id),
        )
    return table


def hit_row(registry: Registry, hit: SearchHit) -> dict[str, Any]:
    """A search hit as a JSON object, with its source's title and as-of date."""
    row: dict[str, Any] = {
        "kind": hit.kind,
        "id": hit.id,
        "score": round(hit.score, 4),
        "title": hit.title,
        "snippet": hit.snippet,
        "quote": hit.quote,
        "quote_en": hit.quote_en,
        "source": hit.source,
        "why": list(hit.why),
        "models": list(hit.models),
    }
    if hit.source in registry.sources:
        source = registry.sources[hit.source]
        row.update(source_title=source.title, seed_file=source.file, source_as_of=source.as_of.isoformat())
    return row


def hits_table(registry: Registry, hits: Sequence[SearchHit], title: str) -> Table:
    """Search hits with their quote and source."""
    table = Table(title=title, show_lines=True)
    for name in ("kind", "id", "record", "quote", "source"):
        table.add_column(name, overflow="fold")
    for hit in hits:
        quote = hit.quote or ""
        if hit.quote_en and hit.quote_en != hit.quote:
            quote = f"{quote}\n[en] {hit.quote_en}" if quote else hit.quote_en
        source = registry.sources.get(hit.source or "")
        label = f"{source.title} ({source.date.display()})" if source else (hit.source or "")
        record = escape(hit.title)
        if hit.models:
            record += f"\n[dim]models: {escape(', '.join(hit.models))}[/]"
        if hit.why:
            record += f"\n[dim]why: {escape('; '.join(hit.why))}[/]"
        table.add_row(escape(hit.kind), escape(hit.id), record, escape(quote), escape(label))
    return table


def citation(registry: Registry, kind: str, record: Any, link: str) -> str:
    """A record as one citation a reader can paste: what it says, who and when, the verbatim quote, the
    source with its date and address, and where covered shows it (``link``)."""
    parts: list[str] = []
    if kind == "event":
        actor = registry.actors[record.actor]
        parts.append(f"{actor.name} ({actor.jurisdiction}), {record.date.display()}: {record.summary.rstrip('.')}.")
    else:
        said = getattr(record, "claim", None) or getattr(record, "summary", None) or getattr(record, "name", None)
        parts.append(f"{str(said or record.id).rstrip('.')}.")
    quote = getattr(record, "quote", None)
    if quote:
        parts.append(f"“{quote}”")
        quote_en = getattr(record, "quote_en", None)
        if quote_en and quote_en != quote:
            parts.append(f"(English: “{quote_en}”)")
    source_id = getattr(record, "source", None)
    if isinstance(source_id, str) and source_id in registry.sources:
        source = registry.sources[source_id]
        where = f", {source.url}" if source.url else ""
        segment = next((g for g in source.segments if g.id == getattr(record, "segment", None)), None)
        if segment is not None:
            by = f"{segment.publisher}, " if segment.publisher else ""
            parts.append(f"Source: {by}“{segment.title}”, {segment.anchor.display()}, in “{source.title}”{where}.")
        else:
            by = f"{source.publisher}, " if source.publisher else ""
            parts.append(f"Source: {by}“{source.title}”, {source.date.display()}{where}.")
    elif isinstance(source_id, str) and source_id:
        parts.append(f"Source: {source_id}.")
    confirmation = getattr(record, "confirmation", None)
    if confirmation is not None and str(getattr(confirmation, "value", confirmation)) != "confirmed":
        parts.append(f"Marked {getattr(confirmation, 'value', confirmation)} in the covered registry.")
    parts.append(f"covered record {record.id}: {link}")
    return " ".join(parts)


def event_table(registry: Registry, events: Sequence[Event]) -> list[list[Any]]:
    """The events as rows under EVENT_CSV_FIELDS (vendors joined with ';', corroborations counted)."""
    rows = []
    for event in events:
        row = event_row(registry, event)
        row["date_precision"] = event.date.precision.value
        row["date"] = event.date.value or ""
        row["vendors"] = ";".join(event.vendors)
        row["corroborations"] = len(row["corroborations"])
        rows.append([row.get(field) for field in EVENT_CSV_FIELDS])
    return rows


def record_view(registry: Registry, kind: str, record: Any) -> dict[str, Any]:
    """A record with its provenance resolved: location, source, actor chain, corroborations, links."""
    view: dict[str, Any] = {
        "kind": kind,
        **record.model_dump(mode="json"),
        "defined_at": registry.where(kind, record.id),
    }
    source_id = getattr(record, "source", None)
    if isinstance(source_id, str) and source_id in registry.sources:
        source = registry.sources[source_id]
        view["source_record"] = {
            "id": source.id,
            "title": source.title,
            "publisher": source.publisher,
            "date": source.date.display(),
            "seed_file": source.file,
            "as_of": source.as_of.isoformat(),
            "last_checked": source.last_checked.isoformat(),
        }
        segment_id = getattr(record, "segment", None)
        segment = next((s for s in source.segments if s.id == segment_id), None)
        if segment is not None:
            view["segment_record"] = {
                "id": segment.id,
                "title": segment.title,
                "publisher": segment.publisher,
                "anchor": segment.anchor.display(),
                "anchor_basis": segment.anchor_basis,
                "offsets": [segment.start, segment.end],
            }
    if kind == "event":
        view["actor_chain"] = [a.name for a in reversed(registry.actor_chain(record.actor))]
        if record.rule and record.rule in registry.rules:
            rule = registry.rules[record.rule]
            view["rule_record"] = {"id": rule.id, "name": rule.name, "confirmation": rule.confirmation.value}
    if kind in {"event", "fact"}:
        view["corroborations"] = [
            c.model_dump(mode="json") for c in registry.corroborations_by_record.get(record.id, [])
        ]
    if kind == "vendor":
        view["ownership"] = [
            f"{registry.facts[f].claim} [{registry.facts[f].source}: {registry.facts[f].quote}]"
            for f in record.ownership_facts
        ]
        view["brands"] = sorted(b.id for b in registry.brands.values() if b.vendor == record.id)
        view["events"] = len(registry.event_index.select(_vendor_query(record.id)))
    if kind == "rule":
        view["events"] = sorted(e.id for e in registry.events.values() if e.rule == record.id)
    return view


def _vendor_query(vendor_id: str) -> Any:
    from covered.registry import EventQuery

    return EventQuery(vendors=frozenset({vendor_id}))
