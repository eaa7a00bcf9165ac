"""A signature proposed by a corpus converter, before validation, self-test and id assignment."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from covered.model import Confidence, EvidenceKind, SignatureClaim

__all__ = ["Candidate", "Example", "literal_pattern", "slug"]


@dataclass(frozen=True, slots=True)
class Example:
    """A value the candidate must match, with the exact named-group extractions."""

    value: str
    extract: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed signature: what it reads, what it claims, the examples that test it, and where it came from.

    ``key`` is the corpus's own natural key for the entry (e.g. the Recog file and fingerprint pattern); the
    signature id is derived from it, so ids stay stable while the upstream entry is unchanged.
    """

    key: str
    channel: str
    field: str
    description: str
    vendor: str | None
    brand: str | None
    claim: SignatureClaim
    confidence: Confidence
    examples: tuple[Example, ...]
    path: str
    line: int | None
    pattern: str | None = None
    equals: str | None = None
    flags: tuple[str, ...] = ()
    extract: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()
    kind: EvidenceKind = EvidenceKind.MATCHER_LITERAL
    note: str | None = None

    def digest(self) -> str:
        """Eight hex digits identifying the candidate's natural key (stable across runs)."""
        return hashlib.sha256(self.key.encode("utf-8")).hexdigest()[:8]


_NON_WORD = re.compile(r"[^a-z0-9]+")


def slug(text: str, words: int = 5) -> str:
    """A short kebab-case rendering of a description for signature ids."""
    parts = [p for p in _NON_WORD.split(text.casefold()) if p][:words]
    return "-".join(parts) or "x"


def literal_pattern(text: str, *, whole: bool = False) -> str:
    """A regex matching the literal text (with any run of whitespace matching any whitespace)."""
    pieces = [re.escape(part) for part in text.split()]
    body = r"\s+".join(pieces) if pieces else re.escape(text)
    return f"^\\s*{body}\\s*$" if whole else body
