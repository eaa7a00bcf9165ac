"""Accepted candidates written as YAML records into the user's registry overlay folder.

The folder holds ``overlay.yml`` (so the loader puts it on top of the shipped data), and the same layout as the
shipped data: ``actors/``, ``sources/``, ``events/``, ``facts/``, ``corroborations/`` (one ``user.yml`` each)
and ``texts/`` (the ingested article texts the quotes are checked against). Every record is validated with the
shipped schema before it is written, and the whole folder is loaded again (references and verbatim quotes
checked) before the write is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from covered.errors import CoveredError, UsageError
from covered.ingest.candidate import Candidate
from covered.model import (
    Actor,
    Corroboration,
    DateRef,
    Event,
    EventStatus,
    Fact,
    FactKind,
    Segment,
    Source,
    SourceKind,
)
from covered.registry import Registry, load_registry
from covered.registry.check import check_registry
from covered.registry.loader import OVERLAY_MARKER
from covered.store.schema import IngestSourceRow

__all__ = ["ensure_overlay", "record_id_for", "write_accepted"]

_USER_FILE = "user.yml"
_MARKER_TEXT = (
    "# This folder holds your own registry records (from `covered review accept`). covered loads them on top of\n"
    "# the data it ships with: pass the folder with --data or COVERED_DATA. Upgrades never write here.\n"
    "overlay: true\n"
)


def ensure_overlay(folder: Path) -> None:
    """Create the overlay folder and its marker if absent; refuse a folder that is a whole registry."""
    if (folder / "vendors.yml").exists():
        raise UsageError("--data", f"{folder} is a whole registry data folder, not an overlay of your own records")
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / OVERLAY_MARKER
    if not marker.exists():
        marker.write_text(_MARKER_TEXT, encoding="utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60].strip("-") or "record"


def record_id_for(candidate: Candidate, registry: Registry) -> str:
    """A fresh id for the record: actor, year and action (or fact kind), numbered if taken."""
    year = candidate.date.value[:4] if candidate.date.value else "undated"
    what = candidate.action.value if candidate.action else candidate.fact_kind.value if candidate.fact_kind else "x"
    who = candidate.actor.id if candidate.actor else "-".join(candidate.vendors) or "unknown"
    base = _slug(f"{who}-{year}-{what}".replace("_", "-"))
    taken = {record_id for records in registry.records.values() for record_id in records}
    candidate_id, n = base, 2
    while candidate_id in taken:
        candidate_id, n = f"{base}-{n}", n + 1
    return candidate_id


def _append(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    existing: list[Any] = []
    if path.exists():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        existing = loaded if isinstance(loaded, list) else []
    existing.append(record)
    path.write_text(yaml.safe_dump(existing, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")


def _dump(record: Any) -> dict[str, Any]:
    data: dict[str, Any] = record.model_dump(mode="json", exclude_none=True)
    return {key: value for key, value in data.items() if value != [] or key in ("vendors",)}


def _source_record(row: IngestSourceRow, today: dt.date) -> Source:
    date = DateRef.model_validate(row.date)
    as_of = date.latest or today
    segments = [Segment.model_validate(segment) for segment in row.segments]
    return Source(
        id=row.id,
        title=row.title,
        kind=SourceKind.COMPILATION if segments else SourceKind.ARTICLE,
        publisher=row.publisher,
        date=date,
        language=row.language or ["en"],
        file=f"{row.id}.txt",
        url=row.url,
        segments=segments,
        as_of=min(as_of, today),
        last_checked=today,
        notes=f"Ingested with covered ingest (sha256 {row.sha256}, {row.media_type}) by {row.ingested_by}.",
        licence=row.licence,
    )


def _records(
    candidate: Candidate,
    registry: Registry,
    record_id: str | None,
    merge_into: str | None,
    reviewer: str,
    at: dt.datetime,
    scope: str | None,
    summary: str | None,
) -> tuple[str, str, Any, Actor | None]:
    """(kind, id, record, new actor or None) for an accepted candidate."""
    review = {"reviewed_by": reviewer, "reviewed_at": at}
    cues = "; ".join(candidate.cues)
    provenance = f"Proposed by covered ingest (confidence {candidate.confidence:.2f}: {cues})."
    if candidate.quote_en_method == "gloss":
        provenance += " quote_en is a gloss made from the record's fields, not a translation."
    if merge_into is not None:
        if merge_into not in registry.events and merge_into not in registry.facts:
            raise UsageError("RECORD", f"no event or fact {merge_into!r} in the registry")
        corr = Corroboration(
            record=merge_into,
            source=candidate.source,
            segment=candidate.segment,
            quote=candidate.quote,
            quote_language=candidate.quote_language,
            quote_en=candidate.quote_en,
            notes=provenance,
            **review,
        )
        return "corroboration", merge_into, corr, None
    actor: Actor | None = None
    if candidate.actor is not None and candidate.actor.id not in registry.actors:
        parent = candidate.actor.parent if candidate.actor.parent in registry.actors else None
        actor = Actor(
            id=_slug(candidate.actor.id),
            name=candidate.actor.name,
            type=candidate.actor.type,
            jurisdiction=candidate.actor.jurisdiction,
            parent=parent,
        )
    actor_id = actor.id if actor is not None else candidate.actor.id if candidate.actor is not None else None
    new_id = record_id or record_id_for(candidate, registry)
    if new_id in registry.events or new_id in registry.facts:
        raise UsageError("--id", f"{new_id!r} is already a record id")
    english = candidate.quote_en
    if candidate.kind == "event":
        if actor_id is None:
            raise UsageError("KEY", "the candidate has no actor: set one with covered review edit --set actor=...")
        if candidate.action is None or not candidate.vendors:
            raise UsageError("KEY", "an event needs an action and at least one vendor (covered review edit)")
        event = Event(
            id=new_id,
            actor=actor_id,
            vendors=candidate.vendors,
            action=candidate.action,
            scope=scope or "As the quote states; scope not yet written by the reviewer.",
            reason=candidate.reason,
            date=candidate.date,
            status=candidate.status or EventStatus.IN_FORCE,
            summary=summary or english,
            source=candidate.source,
            segment=candidate.segment,
            quote=candidate.quote,
            quote_language=candidate.quote_language,
            quote_en=english,
            notes=provenance,
            **review,
        )
        return "event", new_id, event, actor
    fact = Fact(
        id=new_id,
        kind=candidate.fact_kind or FactKind.OTHER,
        subject=actor_id or (candidate.vendors[0] if candidate.vendors else "unknown"),
        claim=summary or english,
        value=candidate.value,
        vendors=candidate.vendors,
        actors=[actor_id] if actor_id else [],
        date=candidate.date,
        source=candidate.source,
        segment=candidate.segment,
        quote=candidate.quote,
        quote_language=candidate.quote_language,
        quote_en=english,
        notes=provenance,
        **review,
    )
    return "fact", new_id, fact, actor


_FOLDERS = {"event": "events", "fact": "facts", "corroboration": "corroborations"}


def write_accepted(
    folder: Path,
    registry: Registry,
    candidate: Candidate,
    source_row: IngestSourceRow,
    *,
    reviewer: str,
    record_id: str | None = None,
    merge_into: str | None = None,
    scope: str | None = None,
    summary: str | None = None,
    today: dt.date | None = None,
) -> tuple[str, str]:
    """Write the accepted candidate (and its source, text and new actor when needed); returns (kind, record id).

    The folder is loaded and checked after writing; if that fails, every file is put back as it was.
    """
    ensure_overlay(folder)
    at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    kind, new_id, record, actor = _records(candidate, registry, record_id, merge_into, reviewer, at, scope, summary)
    touched: dict[Path, str | None] = {}

    def remember(path: Path) -> None:
        if path not in touched:
            touched[path] = path.read_text(encoding="utf-8") if path.exists() else None

    if candidate.source not in registry.sources:
        text_path = folder / "texts" / f"{source_row.id}.txt"
        remember(text_path)
        text_path.parent.mkdir(parents=True, exist_ok=True)
        text_path.write_text(source_row.text, encoding="utf-8")
        source_path = folder / "sources" / _USER_FILE
        remember(source_path)
        _append(source_path, _dump(_source_record(source_row, today or dt.date.today())))
    if actor is not None:
        actor_path = folder / "actors" / _USER_FILE
        remember(actor_path)
        _append(actor_path, _dump(actor))
    record_path = folder / _FOLDERS[kind] / _USER_FILE
    remember(record_path)
    _append(record_path, _dump(record))
    try:
        problems = check_registry(load_registry(folder, check_references=False))
        if problems:
            raise problems[0].as_error()
    except CoveredError:
        for path, before in touched.items():
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(before, encoding="utf-8")
        raise
    return kind, new_id
