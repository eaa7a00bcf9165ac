"""The review queue: ingested sources and their candidates in the database, and every decision in the audit log.

Modelled on OpenSanctions' zavod review (``zavod/stateful/review.py``): the machine's extraction (``proposed``) is
kept as it was, the reviewer's corrections (``edited``) lie over it, and nothing reaches the registry until a
person accepts it. Ingesting the same article again keeps the decisions already made (candidate keys are stable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from covered.errors import UsageError
from covered.ingest.candidate import Candidate, IngestedSource
from covered.store.db import Store
from covered.store.schema import IngestCandidateRow, IngestSourceRow
from covered.store.tracking import audit_entry

__all__ = [
    "STATES",
    "candidate_of",
    "decide",
    "edit",
    "find_candidate",
    "list_candidates",
    "source_row",
    "store_ingest",
]

STATES = ("pending", "accepted", "rejected", "merged")
"""Where a candidate stands: not yet reviewed, accepted as a new record, rejected, or merged into an existing one."""
_AUDIT_ACTIONS = {"accepted": "review-accept", "rejected": "review-reject", "merged": "review-merge"}


def store_ingest(store: Store, ingested: IngestedSource, actor: str, licence: str | None = None) -> tuple[int, int]:
    """Store the source and its candidates; returns (new candidates, candidates already known and kept as they are)."""
    new = kept = 0
    with store.session() as session, session.begin():
        row = session.get(IngestSourceRow, ingested.id)
        if row is None:
            row = IngestSourceRow(id=ingested.id, ingested_by=actor)
            session.add(row)
        # Ingesting again without an option keeps what an earlier ingest was told.
        row.title = ingested.title if ingested.title or not row.title else row.title
        row.publisher = ingested.publisher or row.publisher
        row.url = ingested.url or row.url
        row.date = ingested.date.model_dump(mode="json")
        row.language = list(ingested.language)
        row.media_type = ingested.media_type
        row.sha256 = ingested.sha256
        row.licence = licence or row.licence
        row.segments = [segment.model_dump(mode="json") for segment in ingested.segments]
        row.text = ingested.text
        session.flush()
        for position, candidate in enumerate(ingested.candidates):
            existing = session.get(IngestCandidateRow, candidate.key)
            if existing is not None:
                kept += 1
                if existing.state == "pending":
                    existing.proposed = candidate.model_dump(mode="json")
                    existing.confidence = candidate.confidence
                    existing.position = position
                continue
            new += 1
            session.add(
                IngestCandidateRow(
                    key=candidate.key,
                    source_id=ingested.id,
                    kind=candidate.kind,
                    position=position,
                    confidence=candidate.confidence,
                    proposed=candidate.model_dump(mode="json"),
                    state="pending",
                )
            )
        audit_entry(
            session,
            actor,
            "ingest",
            f"source:{ingested.id}",
            None,
            {"candidates": len(ingested.candidates), "new": new},
            ingested.url,
        )
    return new, kept


def candidate_of(row: IngestCandidateRow) -> Candidate:
    """The candidate as the reviewer sees it: the proposal with the reviewer's edits applied."""
    data: dict[str, Any] = dict(row.proposed)
    if row.edited:
        data.update(row.edited)
    return Candidate.model_validate(data)


def list_candidates(
    store: Store, *, source: str | None = None, states: Sequence[str] = (), kind: str | None = None
) -> list[IngestCandidateRow]:
    """Candidates in source and text order, filtered by source, state and kind."""
    query = select(IngestCandidateRow)
    if source is not None:
        query = query.where(IngestCandidateRow.source_id == source)
    if states:
        query = query.where(IngestCandidateRow.state.in_(list(states)))
    if kind is not None:
        query = query.where(IngestCandidateRow.kind == kind)
    query = query.order_by(IngestCandidateRow.source_id, IngestCandidateRow.position)
    with store.session() as session:
        return list(session.scalars(query))


def find_candidate(store: Store, key: str) -> IngestCandidateRow:
    """The candidate with this key or unique key prefix (at least 4 characters)."""
    key = key.strip().lower()
    if len(key) < 4:
        raise UsageError("KEY", f"{key!r} is too short: give at least 4 characters of a candidate key")
    with store.session() as session:
        rows = list(session.scalars(select(IngestCandidateRow).where(IngestCandidateRow.key.startswith(key)).limit(3)))
    if not rows:
        raise UsageError("KEY", f"no candidate {key!r} (see covered review list)")
    if len(rows) > 1:
        raise UsageError("KEY", f"{key!r} names several candidates ({', '.join(r.key for r in rows)}): give more")
    return rows[0]


def source_row(store: Store, source_id: str) -> IngestSourceRow:
    """The stored ingested source."""
    with store.session() as session:
        row = session.get(IngestSourceRow, source_id)
    if row is None:
        raise UsageError("KEY", f"the candidate's source {source_id!r} is not in the database")
    return row


def edit(store: Store, key: str, changes: dict[str, Any], actor: str, note: str | None = None) -> Candidate:
    """Apply the reviewer's corrections to a pending candidate (validated); audited."""
    with store.session() as session, session.begin():
        row = session.get(IngestCandidateRow, key)
        if row is None:
            raise UsageError("KEY", f"no candidate {key!r}")
        if row.state != "pending":
            raise UsageError("KEY", f"candidate {key} is already {row.state}")
        before = candidate_of(row)
        merged = {**(row.edited or {}), **changes}
        data = {**row.proposed, **merged}
        try:
            after = Candidate.model_validate(data)
        except ValueError as exc:
            first = str(exc).splitlines()
            raise UsageError("--set", " ".join(first[1:3]) if len(first) > 2 else str(exc)) from None
        row.edited = {name: after.model_dump(mode="json")[name] for name in merged}
        audit_entry(session, actor, "review-edit", f"candidate:{key}", before.model_dump(mode="json"), row.edited, note)
    return after


def decide(store: Store, key: str, state: str, actor: str, record_id: str | None, note: str | None) -> None:
    """Record a decision on a pending candidate (accepted, rejected or merged) with who and when; audited."""
    if state not in STATES[1:]:
        raise UsageError("state", f"unknown decision {state!r}")
    with store.session() as session, session.begin():
        row = session.get(IngestCandidateRow, key)
        if row is None:
            raise UsageError("KEY", f"no candidate {key!r}")
        if row.state != "pending":
            raise UsageError(
                "KEY", f"candidate {key} is already {row.state}" + (f" (as {row.record_id})" if row.record_id else "")
            )
        row.state = state
        row.record_id = record_id
        row.decided_by = actor
        row.decided_at = dt.datetime.now(dt.UTC)
        row.note = note
        audit_entry(
            session,
            actor,
            _AUDIT_ACTIONS[state],
            f"candidate:{key}",
            {"state": "pending"},
            {"state": state, "record": record_id},
            note,
        )
