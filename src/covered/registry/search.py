"""Ranked full-text search over events, facts, brands and rules, using SQLite FTS5 with BM25.

English text (summaries, renderings of quotes, claims, names) is indexed beside the original-language
quote, so an English query finds records whose source is Italian or Spanish, and an Italian phrase
still finds its own quote.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from covered.errors import UsageError

if TYPE_CHECKING:
    from covered.registry.registry import Registry

__all__ = ["SEARCH_KINDS", "SearchHit", "SearchIndex"]

SEARCH_KINDS = ("event", "fact", "brand", "rule")
"""Record kinds the search covers."""

_WORD = re.compile(r"\w+", re.UNICODE)

# Column weights for bm25(): a hit in a title counts most, in the original-language quote least.
_WEIGHTS = (6.0, 3.0, 1.0)

# Each kind owns a rowid range, so a kind filter is a range test rather than a column read per match.
_KIND_SPAN = 10_000_000


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked result with the passage that supports it."""

    kind: str
    id: str
    score: float
    title: str
    snippet: str
    quote: str | None
    quote_en: str | None
    source: str | None


MAX_TERMS = 32
"""Most distinct words a search takes (a question, not a document)."""


class SearchIndex:
    """An in-memory FTS5 index of the registry's searchable records."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE doc USING fts5(title, body, original,"
            " tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        self._ids: dict[int, tuple[str, str]] = {}
        counters = dict.fromkeys(SEARCH_KINDS, 0)
        rows = []
        for kind, rid, title, body, original in self._documents():
            rowid = SEARCH_KINDS.index(kind) * _KIND_SPAN + counters[kind]
            counters[kind] += 1
            self._ids[rowid] = (kind, rid)
            rows.append((rowid, title, body, original))
        self._db.executemany("INSERT INTO doc(rowid, title, body, original) VALUES (?, ?, ?, ?)", rows)
        self._db.commit()

    def _documents(self) -> Iterator[tuple[str, str, str, str, str]]:
        registry = self.registry

        def vendor_names(ids: list[str]) -> str:
            return " ".join(
                f"{registry.vendors[v].name} {' '.join(registry.vendors[v].aliases)}"
                for v in ids
                if v in registry.vendors
            )

        for event in registry.events.values():
            chain = " ".join(f"{a.name} {' '.join(a.aliases)}" for a in registry.actor_chain(event.actor))
            body = " ".join(
                [
                    event.scope,
                    event.quote_en,
                    chain,
                    vendor_names(event.vendors),
                    event.action.value.replace("_", " "),
                    event.reason.value.replace("_", " "),
                    event.attributed_to or "",
                    event.notes or "",
                ]
            )
            yield "event", event.id, event.summary, body, event.quote
        for fact in registry.facts.values():
            body = " ".join(
                [
                    fact.quote_en,
                    fact.subject,
                    vendor_names(fact.vendors),
                    fact.attributed_to or "",
                    fact.kind.value.replace("_", " "),
                    fact.value or "",
                    fact.notes or "",
                ]
            )
            yield "fact", fact.id, fact.claim, body, fact.quote
        for brand in registry.brands.values():
            upstream = vendor_names([brand.vendor] if brand.vendor else brand.vendor_candidates)
            title = " ".join([brand.name, *brand.aliases])
            body = " ".join([upstream, brand.relationship.value.replace("_", " "), brand.evidence])
            yield "brand", brand.id, title, body, ""
        for rule in registry.rules.values():
            covered = " ".join(c.name_in_instrument for c in rule.covered)
            body = " ".join([rule.summary, rule.issuer, covered, rule.notes or ""])
            yield "rule", rule.id, rule.name, body, ""

    def search(self, text: str, *, kinds: tuple[str, ...] = SEARCH_KINDS, limit: int = 20) -> list[SearchHit]:
        """Best matches first: every word must match; if nothing does, any word may."""
        # Repeated words add nothing to a query and FTS5's cost grows with their count: keep each word once,
        # and at most MAX_TERMS of them.
        words = list(dict.fromkeys(w.casefold() for w in _WORD.findall(text)))
        if not words:
            raise UsageError("TEXT", "give at least one word to search for")
        if len(words) > MAX_TERMS:
            raise UsageError("TEXT", f"{len(words)} different words; search with at most {MAX_TERMS}")
        unknown = set(kinds) - set(SEARCH_KINDS)
        if unknown:
            raise UsageError("--kind", f"unknown kind {sorted(unknown)[0]!r} (choose from {', '.join(SEARCH_KINDS)})")
        quoted = [f'"{w}"' for w in words]
        hits = self._query(" AND ".join(quoted), kinds, limit)
        if not hits and len(words) > 1:
            hits = self._query(" OR ".join(quoted), kinds, limit)
        return hits

    def _query(self, match: str, kinds: tuple[str, ...], limit: int) -> list[SearchHit]:
        ranges = " OR ".join(
            f"rowid BETWEEN {SEARCH_KINDS.index(k) * _KIND_SPAN} AND {(SEARCH_KINDS.index(k) + 1) * _KIND_SPAN - 1}"
            for k in kinds
        )
        # Rank first, then build snippets for the few rows kept: snippet() per match would dominate the cost.
        ranked = self._db.execute(
            f"SELECT rowid, bm25(doc, {', '.join(map(str, _WEIGHTS))}) AS score FROM doc"  # noqa: S608 - fixed literals
            f" WHERE doc MATCH ? AND ({ranges}) ORDER BY score LIMIT ?",
            (match, limit),
        ).fetchall()
        if not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        snippets = dict(
            self._db.execute(
                f"SELECT rowid, snippet(doc, -1, '[', ']', '…', 12) FROM doc"  # noqa: S608 - fixed literals
                f" WHERE doc MATCH ? AND rowid IN ({marks})",
                (match, *(rowid for rowid, _ in ranked)),
            ).fetchall()
        )
        return [self._hit(*self._ids[rowid], -score, snippets.get(rowid, "")) for rowid, score in ranked]

    def _hit(self, kind: str, rid: str, score: float, snippet: str) -> SearchHit:
        record = self.registry.records[kind][rid]
        if kind == "event":
            return SearchHit(kind, rid, score, record.summary, snippet, record.quote, record.quote_en, record.source)
        if kind == "fact":
            return SearchHit(kind, rid, score, record.claim, snippet, record.quote, record.quote_en, record.source)
        if kind == "brand":
            return SearchHit(kind, rid, score, record.name, snippet, None, record.evidence, record.source)
        return SearchHit(kind, rid, score, record.name, snippet, None, record.summary, record.source)
