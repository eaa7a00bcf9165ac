"""Propose candidate events and facts from an article's sentences with the cue tables, gazetteers and dates.

Rules (the registry's vocabulary): a call by a politician or NGO is a fact (call_for_ban), not an event; each
actor of a sentence is its own event; reversals, court remands and counter-decisions (keeping the cameras,
taking no action) are their own actions; a sentence that names vendors without a restriction cue yields no event;
an event the registry already holds becomes a corroboration (``duplicate_of``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from covered.ingest.actors import LANGUAGE_COUNTRY, ActorHit, ActorMatcher, local_bodies
from covered.ingest.candidate import Candidate, ProposedActor
from covered.ingest.cues import SentenceCues, is_link_line, mask_urls, sentence_cues
from covered.ingest.dates import DateHit, find_dates, resolve_relative
from covered.ingest.gloss import gloss
from covered.ingest.lexicon import Lexicon, lexicon
from covered.ingest.segments import Span, sentences
from covered.ingest.vendors import VendorHit, VendorMatcher
from covered.model import Action, ActorType, DatePrecision, DateRef, EventStatus, FactKind, Reason
from covered.registry import Registry

__all__ = ["Extractor", "Passage"]

_NOT_ACTORS = {ActorType.MEDIA, ActorType.NGO, ActorType.POLITICIAN, ActorType.POLITICAL_PARTY}
_COMPLETED = {Action.REMOVAL, Action.EXPULSION, Action.DIVESTMENT, Action.PARTNERSHIP_END}
_COUNTER = {Action.REVERSAL, Action.REINSTATEMENT, Action.RETENTION, Action.NO_ACTION}
_CAMERA = re.compile(
    r"(?:telecamer|camera|cámara|caméra|Kamera|câmera|kamera|camera's|kamer|камер|摄像|कैमर|dispositiv|devices|Geräte)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,  ]\d{3})*(?:[.,]\d+)?(?![\w])|\d+(?=\s*(?:%|per cent|percent))")
_STAKE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:%|per ?cent|percento|por ciento|pour cent|Prozent|procent|відсот)", re.IGNORECASE
)
_VOTE = re.compile(r"\b(\d{1,4})\s*(?:a|to|-|–|contro|contra|gegen|mod|mot|tegen|przeciw|проти|比)\s*(\d{1,4})\b")
_VOTE_WORD = re.compile(r"vot|stem|głos|голос|投票|मत", re.IGNORECASE)
_MONEY = re.compile(
    r"(?:[$€£¥]\s?\d[\d.,]*(?:\s?(?:million|milioni|millones|millions|Millionen|milhões|mio|mln|bn|billion|miliardi))?|"
    r"\d[\d.,]*\s?(?:milioni di dollari|million dollars|millones de dólares|millions de dollars|Millionen Euro|"
    r"milioni di euro|millones de euros|USD|EUR|GBP|rubli|rubles|kroner|kronor|złotych|гривень))",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"(?<![\w])(?:[A-Z][\w'’&.-]+(?:\s+(?:[A-Z][\w'’&.-]+|of|de|di|del|der|van|von|and|&)){0,4})")


@dataclass(frozen=True, slots=True)
class Passage:
    """A part of the source to read: a segment (or the whole text) with its id, anchor and language."""

    start: int
    end: int
    segment: str | None
    anchor: DateRef
    language: str
    paragraph_languages: Sequence[tuple[int, int, str]] = ()


class Extractor:
    """Candidate extraction over one registry's gazetteers."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.actors = ActorMatcher(registry)
        self.vendors = VendorMatcher(registry)

    def candidates(self, text: str, source_id: str, passages: Sequence[Passage]) -> list[Candidate]:
        """Every candidate of the passages, in text order."""
        out: list[Candidate] = []
        for passage in passages:
            out.extend(self._passage(text, source_id, passage))
        return out

    def _language_at(self, passage: Passage, offset: int) -> str:
        for a, z, code in passage.paragraph_languages:
            if a <= offset < z:
                return code
        return passage.language

    def _passage(self, text: str, source_id: str, passage: Passage) -> list[Candidate]:
        out: list[Candidate] = []
        previous_date: DateRef | None = None
        previous_vendors: list[str] = []
        passage_vendors: list[str] = []
        for span in sentences(text, passage.start, passage.end):
            sentence = text[span.start : span.end]
            if is_link_line(sentence):
                continue
            lang = self._language_at(passage, span.start)
            lex = lexicon(lang)
            # A short paragraph full of names is often detected as another language ('Nelly's ha abbandonato
            # Hikvision' as English): read it with the passage's tables when only those find a cue.
            if (
                lang != passage.language
                and _action(sentence, lex) is None
                and _action(sentence, lexicon(passage.language)) is not None
            ):
                lang, lex = passage.language, lexicon(passage.language)
            hits = find_dates(sentence, lang)
            dates = []
            for hit in hits:
                ref = resolve_relative(hit, passage.anchor, previous_date)
                dates.append((hit, ref))
                if ref.value is not None:
                    previous_date = ref
            vendor_hits = [
                v
                for v in self.vendors.find(mask_urls(sentence), span.start)
                if v.vendor in self.vendors.restricted_country
            ]
            vendors = _unique(v.vendor for v in vendor_hits)
            carried = False
            if not vendors and previous_vendors and _refers_back(sentence):
                vendors, carried = previous_vendors, True
            elif not vendors and passage_vendors and sentence_cues(lang).chinese_made.search(sentence):
                # 'cameras made in China': the makers this passage has named so far.
                vendors, carried = passage_vendors, True
            if vendors:
                out.extend(
                    self._sentence(text, source_id, passage, span, lang, lex, vendors, vendor_hits, dates, carried)
                )
            if vendor_hits:
                previous_vendors = _unique(v.vendor for v in vendor_hits)
                passage_vendors = _unique([*passage_vendors, *previous_vendors])
        return out

    # --- one sentence ----------------------------------------------------------------------
    def _sentence(
        self,
        text: str,
        source_id: str,
        passage: Passage,
        span: Span,
        lang: str,
        lex: Lexicon,
        vendors: list[str],
        vendor_hits: list[VendorHit],
        dates: list[tuple[DateHit, DateRef]],
        carried: bool,
    ) -> list[Candidate]:
        quote = text[span.start : span.end]
        sentence = mask_urls(quote)  # cues are matched with web addresses blanked; the quote stays verbatim
        sc = sentence_cues(lang)
        call = lex.call.search(sentence)
        if call is not None and sc.orders_own_units(sentence[call.end() :]):
            call = None  # 'asked all its bases to remove': an order inside the actor, so an action of its own
        facts = self._facts(source_id, passage, span, quote, lang, lex, vendors, dates, call)
        named = self.actors.named(sentence, span.start)
        country = None
        countries = self.actors.countries(sentence)
        if countries:
            country = countries[0][1]
        institutional = self.actors.institutional(sentence, span.start)
        events: list[Candidate] = []
        seen: set[tuple[str, str]] = set()
        for clause_start, clause_end in _clauses(sentence, lex):
            clause = sentence[clause_start:clause_end]
            found = _action(clause, lex, sc)
            if found is None:
                continue
            action, cue_at, cue = found
            absolute_cue = span.start + clause_start + cue_at
            before = call is not None and (call.start() < clause_start + cue_at or lang in _VERB_FINAL)
            if before and action not in _COUNTER:
                continue  # a call for a ban: recorded as a fact below
            if lex.negation.search(clause):
                continue
            if sc.is_hypothetical(clause, cue_at, cue_at + len(cue)):
                continue  # 'the ban would hurt...', 'sanctions would prevent...': no action taken
            if self._vendor_speaks(sentence, clause_start + cue_at, vendor_hits, span.start, sc):
                continue  # 'Dahua said it was disappointed by the ban': the vendor's words, not an action
            actors = self._actors_for(named, institutional, span.start + clause_start, span.start + clause_end)
            if not actors:
                actors = self._actors_for(named, institutional, span.start, span.end)
            if not actors:
                actors = [self._proposed(sentence, span.start, clause_start + cue_at, vendor_hits, country, lang)]
            clause_vendors = (
                _unique(v.vendor for v in vendor_hits if span.start + clause_start <= v.start < span.start + clause_end)
                or vendors
            )
            court = lex.court.search(sentence) is not None and action is Action.REVERSAL
            for actor in actors:
                refined = _refine(action, clause, lex, actor)
                if (actor.actor_id, refined.value) in seen:
                    continue
                seen.add((actor.actor_id, refined.value))
                date, date_cue = _pick_date(
                    dates,
                    actor,
                    absolute_cue,
                    span.start + clause_start,
                    span.start + clause_end,
                    span.start,
                    passage.anchor,
                )
                status = _status(refined, clause, lex)
                reason = _reason(sentence, lex)
                cues = [
                    f"action '{cue}' -> {refined.value}",
                    actor.cue,
                    date_cue,
                    f"vendors {', '.join(clause_vendors)}" + (" (from the preceding sentence)" if carried else ""),
                ]
                if court:
                    cues.append("court decision (remand or annulment): its own action")
                confidence = (
                    0.55 + (0.15 if not actor.new else -0.1) + (0.1 if date.value and not date.resolved_from else 0)
                )
                confidence -= 0.2 if carried else 0
                confidence -= 0.1 if len(actors) > 1 else 0
                confidence -= 0.2 if not actor.actor_id else 0
                events.append(
                    self._candidate(
                        "event",
                        source_id,
                        passage,
                        span,
                        quote,
                        lang,
                        actor,
                        clause_vendors,
                        refined,
                        None,
                        None,
                        reason,
                        date,
                        status,
                        confidence,
                        cues,
                    )
                )
        return events + facts

    def _vendor_speaks(
        self, sentence: str, cue_at: int, vendor_hits: list[VendorHit], base: int, sc: SentenceCues
    ) -> bool:
        """A vendor opens the sentence and a speaker's verb follows it before the action word."""
        first = min((v.start - base for v in vendor_hits), default=None)
        if first is None or first > 30 or first > cue_at:
            return False
        speech = sc.speech.search(sentence, first, cue_at)
        if speech is None:
            return False
        actors = [h for h in self.actors.named(sentence[: speech.start()]) if h.actor_type not in _NOT_ACTORS]
        return all(h.actor_id in self.registry.vendors for h in actors)

    def _actors_for(self, named: list[ActorHit], institutional: list[ActorHit], a: int, z: int) -> list[ActorHit]:
        inside = [h for h in named if a <= h.start < z and h.actor_type not in _NOT_ACTORS]
        vendors = {v for v in self.registry.vendors}
        inside = [h for h in inside if h.actor_id not in vendors or h.actor_type not in (ActorType.TECHNOLOGY_VENDOR,)]
        covered = [(h.start, h.end) for h in inside]
        for hit in institutional:
            near = any(s - 40 <= hit.start <= e + 40 for s, e in covered)
            if a <= hit.start < z and not near and all(hit.actor_id != h.actor_id for h in inside):
                inside.append(hit)
        # A parent named beside its child ('the Australian government ... its Defence department') stays only
        # when it acts itself: drop a national government whose own body is named in the same clause.
        ids = {h.actor_id for h in inside}
        kept = []
        for hit in inside:
            children = {c for c in ids if c != hit.actor_id and self._is_ancestor(hit.actor_id, c)}
            if children and hit.cue.startswith("'"):
                continue
            kept.append(hit)
        return sorted(kept, key=lambda h: h.start)

    def _is_ancestor(self, ancestor: str, actor_id: str) -> bool:
        if actor_id not in self.registry.actors:
            return False
        return any(a.id == ancestor for a in self.registry.actor_chain(actor_id)[1:])

    def _proposed(
        self, sentence: str, base: int, cue_at: int, vendor_hits: list[VendorHit], country: str | None, lang: str
    ) -> ActorHit:
        """A new actor: a local body the sentence names, else the last capitalised name before the action, else
        an unknown actor for the reviewer to name (the event is still proposed, never dropped)."""
        bodies = local_bodies(sentence, lang)
        if bodies:
            a, z, name, actor_type = min(bodies, key=lambda b: (b[0] > cue_at, abs(b[0] - cue_at)))
            guessed = country or LANGUAGE_COUNTRY.get(lang)
            note = "" if country else f" (country from the language: {guessed}, check)" if guessed else ""
            return self.actors.proposed(
                name,
                base + a,
                base + z,
                guessed,
                actor_type,
                f"local body '{name}' (no registry actor: proposed){note}",
            )
        vendor_spans = [(v.start - base, v.end - base) for v in vendor_hits]
        best = None
        for m in _CAPITALISED.finditer(sentence[:cue_at]):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in vendor_spans):
                continue
            name = _LEADING.sub("", m.group().strip(" ."))
            if len(name) < 3 or name.casefold() in _STOP_CAPITALS or (lang == "de" and " " not in name):
                continue
            best = (m, name)
        if best is None:
            return _UNKNOWN_ACTOR
        m, name = best
        return self.actors.proposed(name, base + m.start(), base + m.end(), country)

    # --- facts ---------------------------------------------------------------------------
    def _facts(
        self,
        source_id: str,
        passage: Passage,
        span: Span,
        sentence: str,
        lang: str,
        lex: Lexicon,
        vendors: list[str],
        dates: list[tuple[DateHit, DateRef]],
        call: re.Match[str] | None,
    ) -> list[Candidate]:
        found: list[tuple[FactKind, str | None, str]] = []
        asked = (
            sentence[: call.start()]
            if call is not None and lang in _VERB_FINAL
            else sentence[call.end() :]
            if call
            else ""
        )
        if call is not None and _action(asked, lex) is not None:
            where = "after" if lang in _VERB_FINAL else "before"
            found.append((FactKind.CALL_FOR_BAN, None, f"call '{call.group()}' {where} a restriction word"))
        deny = lex.deny.search(sentence)
        if deny is not None:
            found.append((FactKind.DENIAL, None, f"denial '{deny.group()}'"))
        vote = _VOTE.search(sentence)
        if vote is not None and _VOTE_WORD.search(sentence):
            found.append((FactKind.VOTE, f"{vote.group(1)}-{vote.group(2)}", f"vote '{vote.group()}'"))
        stake = _STAKE.search(sentence)
        if stake is not None:
            found.append((FactKind.OWNERSHIP, stake.group(), f"share '{stake.group()}'"))
        money = _MONEY.search(sentence)
        if money is not None:
            found.append((FactKind.CONTRACT_VALUE, money.group(), f"amount '{money.group()}'"))
        if _CAMERA.search(sentence):
            for number in _NUMBER.finditer(sentence):
                value = number.group()
                if re.fullmatch(r"(?:19|20)\d\d", value) or any(h.start <= number.start() < h.end for h, _ in dates):
                    continue
                if not _CAMERA.search(sentence[number.end() : number.end() + 40]):
                    continue
                found.append((FactKind.DEVICE_COUNT, value, f"count '{value}' before a device word"))
                break
        out = []
        named = self.actors.named(sentence, span.start)
        for fact_kind, fact_value, cue in found:
            actor = named[0] if named else None
            date = next((ref for _hit, ref in dates if ref.value), passage.anchor)
            date_cue = "date in the passage" if any(ref.value for _h, ref in dates) else "the segment's anchor"
            out.append(
                self._candidate(
                    "fact",
                    source_id,
                    passage,
                    span,
                    sentence,
                    lang,
                    actor,
                    vendors,
                    None,
                    fact_kind,
                    fact_value,
                    _reason(sentence, lex),
                    date,
                    None,
                    0.5,
                    [cue, date_cue],
                )
            )
        return out

    # --- building ----------------------------------------------------------------------------
    def _candidate(
        self,
        kind: Literal["event", "fact"],
        source_id: str,
        passage: Passage,
        span: Span,
        sentence: str,
        lang: str,
        actor: ActorHit | None,
        vendors: list[str],
        action: Action | None,
        fact_kind: FactKind | None,
        value: str | None,
        reason: Reason,
        date: DateRef,
        status: EventStatus | None,
        confidence: float,
        cues: list[str],
    ) -> Candidate:
        proposed = None
        if actor is not None and actor.actor_id:
            proposed = ProposedActor(
                id=actor.actor_id,
                name=actor.name,
                type=actor.actor_type,
                jurisdiction=actor.jurisdiction,
                parent=actor.parent,
                new=actor.new,
            )
        names = [self.registry.vendors[v].name for v in vendors if v in self.registry.vendors]
        english, method = gloss(sentence, lang, proposed.name if proposed else None, names, action, fact_kind, date)
        return Candidate(
            key=Candidate.make_key(
                source_id,
                kind,
                span.start,
                span.end,
                proposed.id if proposed else None,
                action.value if action else fact_kind.value if fact_kind else None,
            ),
            kind=kind,
            source=source_id,
            segment=passage.segment,
            actor=proposed,
            vendors=vendors,
            action=action,
            fact_kind=fact_kind,
            value=value,
            reason=reason,
            date=date,
            status=status,
            quote=sentence,
            quote_start=span.start,
            quote_end=span.end,
            quote_language=lang,
            quote_en=english,
            quote_en_method=method,
            confidence=round(max(0.05, min(0.95, confidence)), 2),
            cues=[c for c in cues if c],
        )


_UNKNOWN_ACTOR = ActorHit(
    -10,
    -10,
    "",
    "(no actor found)",
    ActorType.OTHER,
    "unknown",
    None,
    True,
    "no actor found in the sentence: name one in review",
)
_LEADING = re.compile(r"^(?:the|il|lo|la|l'|el|los|las|le|les|der|die|das|de|het|o|a|on|in|last|since)\s+", re.I)

_STOP_CAPITALS = {
    "nel",
    "in",
    "the",
    "il",
    "la",
    "le",
    "lo",
    "el",
    "los",
    "las",
    "les",
    "der",
    "die",
    "das",
    "de",
    "het",
    "den",
    "det",
    "a",
    "an",
    "un",
    "una",
    "uno",
    "inoltre",
    "secondo",
    "sempre",
    "anche",
    "also",
    "however",
    "but",
    "ma",
    "per",
    "por",
    "para",
    "pour",
    "on",
    "at",
    "nei",
    "negli",
    "dal",
    "dalla",
    "since",
    "after",
    "dopo",
    "come",
    "questa",
    "questo",
    "queste",
    "this",
    "these",
    "that",
    "it",
}
_STOP_CAPITALS |= {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "last",
    "next",
    "yesterday",
    "today",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "lunes",
    "martes",
    "lundi",
    "mardi",
    "ieri",
    "oggi",
    "ayer",
    "hoy",
    "hier",
    "heute",
    "gestern",
    "meanwhile",
    "on monday",
    "on tuesday",
    "last week",
}


def _unique(items: object) -> list[str]:
    out: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item not in out:
            out.append(item)
    return out


_BACK = re.compile(
    r"\b(?:these|those|its|their|the company|the cameras|queste|questi|tali|sue|suoi|loro|estas|estos|sus|ces|"
    r"leurs|diese|deren|ihre|estas|essas|disse|deres|dessa|deze|hun|te|ich|ці|їх|该|这些|इन|the companies|"
    r"the firms|both companies|le aziende|le due aziende|entrambe|las empresas|ambas empresas|les entreprises|"
    r"les deux entreprises|die Unternehmen|beide Unternehmen|die Firmen|as empresas|virksomhederne|företagen|"
    r"selskapene|de bedrijven|firmy|obie firmy|компанії|обидві компанії|两家公司|दोनों कंपनियों)\b",
    re.IGNORECASE,
)


def _refers_back(sentence: str) -> bool:
    return _BACK.search(sentence) is not None


_VERB_FINAL = {"hi"}
"""Languages whose verb ends the sentence ('... पर प्रतिबंध लगाने की मांग की'): a call there follows what it asks for."""


def _clauses(sentence: str, lex: Lexicon) -> list[tuple[int, int]]:
    cuts = [0]
    for m in lex.clause_split.finditer(sentence):
        if m.start() > 0:
            cuts.append(m.start())
    cuts.append(len(sentence))
    return [(a, z) for a, z in pairwise(cuts) if z > a]


def _action(clause: str, lex: Lexicon, sc: SentenceCues | None = None) -> tuple[Action, int, str] | None:
    """The first action word of the clause (by table order) that states an action: with cues, not one that
    names a cause ('because of the sanctions') or points back to an action already told ('this ban')."""
    for pattern, action in lex.actions:
        for m in pattern.finditer(clause):
            before = clause[: m.start()]
            if sc is not None and (sc.is_cause(before) or sc.is_back_reference(before)):
                continue
            return action, m.start(), m.group()
    return None


def _refine(action: Action, clause: str, lex: Lexicon, actor: ActorHit) -> Action:
    if action in (Action.USE_BAN, Action.PROCUREMENT_BAN):
        for key, refined in (
            ("fund", Action.FUNDING_BAN),
            ("contract", Action.CONTRACTING_BAN),
            ("procure", Action.PROCUREMENT_BAN),
        ):
            pattern = lex.objects.get(key)
            if pattern is not None and pattern.search(clause):
                return refined
    if action is Action.PROCUREMENT_BAN and actor.actor_type in (ActorType.DISTRIBUTOR,):
        return Action.SUPPLY_STOP
    return action


def _status(action: Action, clause: str, lex: Lexicon) -> EventStatus:
    if action is Action.CONSIDERATION:
        return EventStatus.UNDER_CONSIDERATION
    if action in _COUNTER:
        return EventStatus.IN_FORCE
    if lex.progressive.search(clause):
        return EventStatus.IN_PROGRESS
    if lex.future.search(clause):
        return EventStatus.ANNOUNCED
    return EventStatus.COMPLETED if action in _COMPLETED else EventStatus.IN_FORCE


def _reason(sentence: str, lex: Lexicon) -> Reason:
    security = lex.security.search(sentence) is not None
    rights = lex.human_rights.search(sentence) is not None
    if security and rights:
        return Reason.BOTH
    return Reason.SECURITY if security else Reason.HUMAN_RIGHTS if rights else Reason.UNSTATED


def _pick_date(
    dates: list[tuple[DateHit, DateRef]], actor: ActorHit, cue: int, a: int, z: int, base: int, anchor: DateRef
) -> tuple[DateRef, str]:
    usable = [(h, r) for h, r in dates if r.value is not None]
    # A date right beside the actor ('Bosch (2020)') is that actor's.
    for hit, ref in usable:
        if 0 <= base + hit.start - actor.end <= 3:
            return ref, f"date '{hit.as_written}' beside the actor"
    inside = [(h, r) for h, r in usable if a <= base + h.start < z]
    pool = inside or usable
    if pool:
        hit, ref = min(pool, key=lambda hr: abs(base + hr[0].start - cue))
        return ref, f"date '{hit.as_written}'" + ("" if inside else " (elsewhere in the sentence)")
    if anchor.value is None:
        return DateRef(precision=DatePrecision.UNKNOWN), "no date in the passage or anchor"
    return DateRef(
        value=anchor.value, precision=anchor.precision, resolved_from="No date in the passage; the segment's anchor"
    ), "no date in the passage: the anchor"
