"""A proposed record (event or fact) with the evidence and cues that produced it, and the ingested source."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from covered.model import Action, ActorType, DateRef, EventStatus, FactKind, Reason, Segment

__all__ = ["Candidate", "IngestedSource", "ProposedActor"]


class ProposedActor(BaseModel):
    """Who acts: a registry actor (new=False) or a proposal with parent and jurisdiction (new=True)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    type: ActorType
    jurisdiction: str
    parent: str | None = None
    new: bool = False


class Candidate(BaseModel):
    """One proposed event or fact from an article, never published until a person accepts it."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="Stable id: hash of source, kind, quote span, actor and action.")
    kind: Literal["event", "fact"]
    source: str = Field(description="Source id of the ingested article.")
    segment: str | None = None
    actor: ProposedActor | None = None
    vendors: list[str] = Field(default_factory=list)
    action: Action | None = None
    fact_kind: FactKind | None = None
    value: str | None = None
    reason: Reason = Reason.UNSTATED
    date: DateRef
    status: EventStatus | None = None
    quote: str
    quote_start: int
    quote_end: int
    quote_language: str
    quote_en: str
    quote_en_method: Literal["original", "gloss"] = Field(
        description="'original' when the quote is English; 'gloss': an English summary built from the slots "
        "and the cue tables, not a translation."
    )
    confidence: float = Field(ge=0, le=1)
    cues: list[str] = Field(default_factory=list)
    duplicate_of: str | None = Field(
        default=None, description="Registry event or fact id this reports again (becomes a corroboration)."
    )

    def line(self) -> dict[str, Any]:
        """The JSON Lines object `covered ingest --json` prints."""
        data = self.model_dump(mode="json")
        data["actor_type"] = self.actor.type.value if self.actor else None
        data["country"] = self.actor.jurisdiction if self.actor else None
        data["actor"] = self.actor.model_dump(mode="json") if self.actor else None
        data["date"] = {
            "value": self.date.value,
            "precision": self.date.precision.value,
            "as_written": self.date.as_written,
            "resolved_from": self.date.resolved_from,
        }
        return data

    @staticmethod
    def make_key(source: str, kind: str, start: int, end: int, actor: str | None, action: str | None) -> str:
        """Stable key: the same article ingested again proposes the same keys (so decisions are kept)."""
        raw = f"{source}|{kind}|{start}|{end}|{actor}|{action}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


class IngestedSource(BaseModel):
    """The source record an ingest creates, with the text it rests on and its candidates."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    publisher: str | None
    url: str | None
    date: DateRef
    language: list[str]
    media_type: str
    sha256: str
    file: str
    segments: list[Segment] = Field(default_factory=list)
    text: str = Field(repr=False)
    candidates: list[Candidate] = Field(default_factory=list)
