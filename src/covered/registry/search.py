"""Ranked search over events, facts, brands and rules that answers questions: SQLite FTS5 with BM25, then
the question's actor, number and model cues (``covered.registry.questions``), each hit with its reasons.

English text (summaries, renderings of quotes, claims, names) is indexed beside the original-language
quote, so an English query finds records whose source is Italian or Spanish, and an Italian phrase
still finds its own quote.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from covered.errors import UsageError
from covered.registry.questions import WORD as _WORD
from covered.registry.questions import actor_names, rank, read_question, record_models, vendor_words
from covered.registry.vocabulary import SEARCH_KINDS

if TYPE_CHECKING:
    from covered.registry.registry import Registry

__all__ = ["SEARCH_KINDS", "SearchHit", "SearchIndex"]


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
    why: tuple[str, ...] = ()
    """Why the hit ranked where it did: words matched, actor named, number or model asked for."""
    models: tuple[str, ...] = ()
    """Model numbers the record carries (empty when none)."""


MAX_TERMS = 32
"""Most distinct words a search takes (a question, not a document)."""

MAX_CANDIDATES = 200
"""Most records ranked per search: the best BM25 matches of any word, plus the named actors' own records."""


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
        self._actor_names = actor_names(registry)
        self._vendor_words = vendor_words(registry)
        self._by_actor: dict[str, list[int]] = {}
        counters = dict.fromkeys(SEARCH_KINDS, 0)
        rows = []
        for kind, rid, title, body, original in self._documents():
            rowid = SEARCH_KINDS.index(kind) * _KIND_SPAN + counters[kind]
            counters[kind] += 1
            self._ids[rowid] = (kind, rid)
            for actor in self._actors_of(kind, rid):
                self._by_actor.setdefault(actor, []).append(rowid)
            rows.append((rowid, title, body, original))
        self._db.executemany("INSERT INTO doc(rowid, title, body, original) VALUES (?, ?, ?, ?)", rows)
        self._db.commit()

    def _actors_of(self, kind: str, rid: str) -> list[str]:
        """The actors whose own record this is: an event's actor, a fact's actors."""
        if kind == "event":
            return [self.registry.events[rid].actor]
        if kind == "fact":
            return list(self.registry.facts[rid].actors)
        return []

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
                    fact.unit or "",
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
        """Answer a question or a list of words, best matches first, each hit saying why it ranked.

        Records matching more of the question's content words rank first (every word matching is best; if
        none matches all, any word may). A question that names an actor ranks that actor's own records above
        records that only mention it, and its events first when it asks what was decided or done; a question
        asking for a number ("how many stores", "vote") ranks the facts holding such a value first; a model
        number in the question finds the records carrying it, and every hit lists the model numbers it carries.
        """
        # Repeated words add nothing to a query and FTS5's cost grows with their count: keep each word once,
        # and at most MAX_TERMS of them.
        raw = _WORD.findall(text)
        words = list(dict.fromkeys(w.casefold() for w in raw))
        if not words:
            raise UsageError("TEXT", "give at least one word to search for")
        if len(words) > MAX_TERMS:
            raise UsageError("TEXT", f"{len(words)} different words; search with at most {MAX_TERMS}")
        unknown = set(kinds) - set(SEARCH_KINDS)
        if unknown:
            raise UsageError("--kind", f"unknown kind {sorted(unknown)[0]!r} (choose from {', '.join(SEARCH_KINDS)})")
        question = read_question(text, raw, words, self._actor_names, self._vendor_words)
        terms = question.terms or words
        candidates = self._candidates(terms, kinds)
        for actor in question.actors:
            for rowid in self._by_actor.get(actor, ()):
                if self._kind_of(rowid) in kinds:
                    candidates.setdefault(rowid, 0.0)
        if not candidates:
            return []
        matched = self._matched_terms(terms, list(candidates))
        best = max((-s for s in candidates.values()), default=0.0) or 1.0
        ranked = []
        for rowid, bm25 in candidates.items():
            kind, rid = self._ids[rowid]
            score, why = rank(question, self.registry, kind, rid, matched.get(rowid, ()), terms, -bm25 / best)
            ranked.append((score, rowid, why))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        kept = ranked[:limit]
        snippets = self._snippets(" OR ".join(f'"{w}"' for w in terms), [rowid for _, rowid, _ in kept])
        return [self._hit(*self._ids[rowid], score, snippets.get(rowid, ""), why) for score, rowid, why in kept]

    def _kind_of(self, rowid: int) -> str:
        return SEARCH_KINDS[rowid // _KIND_SPAN]

    def _ranges(self, kinds: tuple[str, ...]) -> str:
        return " OR ".join(
            f"rowid BETWEEN {SEARCH_KINDS.index(k) * _KIND_SPAN} AND {(SEARCH_KINDS.index(k) + 1) * _KIND_SPAN - 1}"
            for k in kinds
        )

    def _candidates(self, terms: list[str], kinds: tuple[str, ...]) -> dict[int, float]:
        """Rows matching any term, best BM25 first, at most MAX_CANDIDATES (rowid -> bm25, lower is better)."""
        match = " OR ".join(f'"{w}"' for w in terms)
        rows = self._db.execute(
            f"SELECT rowid, bm25(doc, {', '.join(map(str, _WEIGHTS))}) AS score FROM doc"  # noqa: S608 - fixed literals
            f" WHERE doc MATCH ? AND ({self._ranges(kinds)}) ORDER BY score LIMIT ?",
            (match, MAX_CANDIDATES),
        ).fetchall()
        return {rowid: score for rowid, score in rows}

    def _matched_terms(self, terms: list[str], rowids: list[int]) -> dict[int, tuple[str, ...]]:
        """Which of the terms each candidate row matches (one bounded query per term)."""
        marks = ",".join("?" * len(rowids))
        found: dict[int, list[str]] = {}
        for term in terms:
            for (rowid,) in self._db.execute(
                f"SELECT rowid FROM doc WHERE doc MATCH ? AND rowid IN ({marks})",  # noqa: S608 - fixed literals
                (f'"{term}"', *rowids),
            ):
                found.setdefault(rowid, []).append(term)
        return {rowid: tuple(ts) for rowid, ts in found.items()}

    def _snippets(self, match: str, rowids: list[int]) -> dict[int, str]:
        # Snippets only for the few rows kept: snippet() per match would dominate the cost.
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        return dict(
            self._db.execute(
                f"SELECT rowid, snippet(doc, -1, '[', ']', '…', 12) FROM doc"  # noqa: S608 - fixed literals
                f" WHERE doc MATCH ? AND rowid IN ({marks})",
                (match, *rowids),
            ).fetchall()
        )

    def _hit(self, kind: str, rid: str, score: float, snippet: str, why: tuple[str, ...]) -> SearchHit:
        record = self.registry.records[kind][rid]
        models = record_models(kind, record)
        if kind == "event":
            title, quote, quote_en = record.summary, record.quote, record.quote_en
        elif kind == "fact":
            title, quote, quote_en = record.claim, record.quote, record.quote_en
        elif kind == "brand":
            title, quote, quote_en = record.name, None, record.evidence
        else:
            title, quote, quote_en = record.name, None, record.summary
        return SearchHit(kind, rid, score, title, snippet, quote, quote_en, record.source, why, models)
