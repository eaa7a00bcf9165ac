"""Reading a search as a question: which actor it names, whether it asks for a number, a decision or a model.

The search index finds records by their words; this module says what the question asks for and ranks the
candidates accordingly, each with the reasons it ranked (shown with the hit). Everything here is bounded by
the question's words (at most ``search.MAX_TERMS``) and the candidate list (``search.MAX_CANDIDATES``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from covered.registry.registry import Registry

__all__ = ["WORD", "ActorNames", "Question", "actor_names", "rank", "read_question", "record_models", "vendor_words"]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that shape a question but say nothing about its subject (English, with a few Italian ones since
# much of the curated text is Italian). They are dropped from the words matched against the records.
_STOPWORDS = _wordset(
    """
    a an and any are as at be been by can could did do does doing done for from had has have how i if in into is it
    its me my of on or our so than that the their them then there these they this those to us was we were what when
    where which who whom whose why will with would you your about against between during after before also ever
    il lo la i gli le un una di del della dei degli delle da in con su per tra fra che e o ha hanno cosa come quando
    """
)

# Words that ask what an actor decided or did: its events come first.
_DECISION_CUES = _wordset(
    """
    decide decided decides deciding decision decisions decree decreed action actions act acted announce announced
    choose chose
    """
)

# Verbs that, in a question naming an actor, ask what it did ("what did Wesco do").
_DOING = frozenset({"do", "did", "does", "done", "doing"})

# Words that ask for a figure; with a unit or fact kind the figure is of that kind.
_NUMBER_CUES = frozenset({"many", "much", "number", "count", "total", "size", "figure", "figures"})
_NUMBER_KIND_CUES: dict[str, frozenset[str]] = {
    "vote": frozenset({"vote"}),
    "votes": frozenset({"vote"}),
    "voted": frozenset({"vote"}),
    "voting": frozenset({"vote"}),
    "stake": frozenset({"ownership"}),
    "stakes": frozenset({"ownership"}),
    "owns": frozenset({"ownership"}),
    "percent": frozenset({"ownership", "market", "company_figure"}),
    "price": frozenset({"price"}),
    "prices": frozenset({"price"}),
    "cost": frozenset({"price", "contract_value"}),
    "costs": frozenset({"price", "contract_value"}),
    "worth": frozenset({"contract_value", "price"}),
    "revenue": frozenset({"company_figure"}),
    "revenues": frozenset({"company_figure"}),
}


# A model number: letters and digits joined by hyphens (DH-IPC-HF8249F-FD) or one token mixing at least three
# digits with letters (2366G2, 8011R). Years, plain numbers and ordinals ('2nd') are not model numbers.
_MODEL = re.compile(
    r"(?<![\w-])(?:(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+"
    r"|(?=(?:[A-Za-z]*\d){3})(?=\d*[A-Za-z])[A-Za-z0-9]{4,})(?![\w-])"
)
_NOT_MODELS = re.compile(r"^(?:\d+(?:st|nd|rd|th|s|m|bn|k)|covid-?19|fy\d+|5g|4g|3g)$", re.IGNORECASE)

WORD = re.compile(r"\w+", re.UNICODE)
"""A word of a query or a record, in any script."""

# With 'which', these words ask for model numbers ("which Dahua cameras detect race").
_PRODUCTS = frozenset({"camera", "cameras", "nvr", "nvrs", "dvr", "dvrs", "device", "devices", "product", "products"})

# Points a record earns; the reasons are shown with the hit. Matching every content word outweighs any
# single boost, so a record that answers only half the question does not beat one that answers all of it
# unless it is the named actor's own record.
_COVERAGE = 10.0
_BM25 = 2.0
_ACTOR_OWN = 6.0
_ACTOR_PARENT = 3.0
_ACTOR_MENTIONED = 3.0
_DECISION_EVENT = 3.0
_NUMBER_VALUE = 2.0
_NUMBER_MATCH = 8.0
_SUBJECT_NAMED = 2.0
_MODEL_NAMED = 6.0
_MODEL_ASKED = 6.0


ActorNames = dict[tuple[str, ...], tuple[str, bool]]
"""Actor name or alias as casefolded words -> (actor id, match case-sensitively: acronyms such as 'EP')."""


def vendor_words(registry: Registry) -> dict[str, str]:
    """Single-word vendor names and aliases (casefolded) -> vendor id ('hikvision', 'hik', 'dahua')."""
    found: dict[str, str] = {}
    for vendor in registry.vendors.values():
        for name in [vendor.name, *vendor.aliases]:
            words = WORD.findall(name)
            if len(words) == 1:
                found.setdefault(words[0].casefold(), vendor.id)
    return found


def actor_names(registry: Registry) -> ActorNames:
    """Every actor's names and aliases as word sequences; an actor that is also a vendor keeps its entry."""
    names: ActorNames = {}
    for actor in registry.actors.values():
        for name in [actor.name, actor.name_original or "", *actor.aliases]:
            words = tuple(w.casefold() for w in WORD.findall(name))
            if not words or (len(words) == 1 and words[0] in _STOPWORDS):
                continue
            acronym = name.isupper() and len(name) <= 4
            names.setdefault(words, (actor.id, acronym))
    return names


@dataclass(frozen=True, slots=True)
class Question:
    """What a search asks: its content words, the actors it names, and what kind of answer it wants."""

    terms: list[str]
    actors: tuple[str, ...]
    actor_words: frozenset[str]
    wants_decision: bool
    wants_number: bool
    number_kinds: frozenset[str]
    number_words: frozenset[str]
    models: frozenset[str]
    wants_models: bool
    vendors: frozenset[str] = frozenset()


def read_question(
    text: str, raw: list[str], words: list[str], names: ActorNames, vendor_names: dict[str, str]
) -> Question:
    """Read the words of a search (already bounded in count) as a question; vendor_names: word -> vendor id."""
    folded = [w.casefold() for w in raw]
    actors: list[str] = []
    actor_words: set[str] = set()
    longest = max((len(k) for k in names), default=0)
    i = 0
    while i < len(folded):
        for size in range(min(longest, len(folded) - i), 0, -1):
            key = tuple(folded[i : i + size])
            entry = names.get(key)
            if entry is None or (entry[1] and raw[i] != raw[i].upper()):
                continue
            if entry[0] not in actors:
                actors.append(entry[0])
            actor_words.update(key)
            i += size
            break
        else:
            i += 1
    word_set = set(words)
    number_kinds = frozenset(k for w in word_set for k in _NUMBER_KIND_CUES.get(w, ()))
    wants_number = bool(word_set & _NUMBER_CUES) or bool(number_kinds)
    cues = _DECISION_CUES | (_NUMBER_CUES if wants_number else frozenset())
    # Single letters ('s' of "CETC's") carry nothing; single digits may.
    terms = [w for w in words if w not in _STOPWORDS and w not in cues and (len(w) > 1 or w.isdigit())]
    models = frozenset(m.casefold() for m in models_in(text))
    return Question(
        terms=terms,
        actors=tuple(actors),
        actor_words=frozenset(actor_words),
        wants_decision=bool(word_set & (_DECISION_CUES | _DOING)),
        wants_number=wants_number,
        number_kinds=number_kinds,
        number_words=frozenset(terms) - frozenset(actor_words),
        models=models,
        vendors=frozenset(vendor_names[w] for w in word_set if w in vendor_names),
        wants_models=bool(word_set & {"model", "models"}) or ("which" in word_set and bool(word_set & _PRODUCTS)),
    )


def models_in(text: str) -> list[str]:
    """Model numbers in a text, in order, each once."""
    found = (m.group(0) for m in _MODEL.finditer(text))
    return list(dict.fromkeys(m for m in found if not _NOT_MODELS.match(m)))


def record_models(kind: str, record: Any) -> tuple[str, ...]:
    """Model numbers a record carries in its value, claim, summary or quotes."""
    if kind not in ("event", "fact"):
        return ()
    parts = [getattr(record, name, None) or "" for name in ("value", "claim", "summary", "quote", "quote_en")]
    return tuple(models_in(" ".join(parts)))


def _stem(word: str) -> str:
    """A crude plural fold for matching a question's word against a unit ('stores' ~ 'store')."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def rank(
    question: Question,
    registry: Registry,
    kind: str,
    rid: str,
    matched: tuple[str, ...],
    terms: list[str],
    relevance: float,
) -> tuple[float, tuple[str, ...]]:
    """A candidate's score and the reasons for it (relevance: its BM25 score relative to the best, 0..1)."""
    record = registry.records[kind][rid]
    why: list[str] = []
    if kind == "fact":
        extra = [w for w in terms if w not in matched and record.kind.value in _NUMBER_KIND_CUES.get(w, ())]
        matched = (*matched, *extra)
    score = _COVERAGE * len(matched) / max(len(terms), 1) + _BM25 * relevance
    if matched:
        why.append(f"matches {len(matched)} of {len(terms)} words: {', '.join(matched)}")
    if question.actors:
        score += _actor_points(question, registry, kind, record, why)
    if question.wants_number and kind == "fact" and record.value:
        score += _NUMBER_VALUE
        unit_words = {_stem(w.casefold()) for w in WORD.findall(record.unit or "")}
        asked = {_stem(w) for w in question.number_words}
        if record.kind.value in question.number_kinds or unit_words & asked:
            score += _NUMBER_MATCH
            why.append(f"holds the number asked for: {record.value} {record.unit or ''}".rstrip())
        else:
            why.append(f"holds a number: {record.value} {record.unit or ''}".rstrip())
    if kind == "fact" and record.subject in question.vendors:
        score += _SUBJECT_NAMED
        why.append(f"about {registry.vendors[record.subject].name}, named in the question")
    models = record_models(kind, record)
    named = [m for m in models if m.casefold() in question.models]
    if named:
        score += _MODEL_NAMED
        why.append(f"carries the model named: {', '.join(named)}")
    elif models and question.wants_models:
        score += _MODEL_ASKED
        why.append(f"names model numbers: {', '.join(models)}")
    return score, tuple(why)


def _actor_points(question: Question, registry: Registry, kind: str, record: Any, why: list[str]) -> float:
    named = set(question.actors)
    if kind == "event":
        chain = [a.id for a in registry.actor_chain(record.actor)]
        if record.actor in named:
            points = _ACTOR_OWN + (_DECISION_EVENT if question.wants_decision else 0.0)
            why.append(f"an action by {registry.actors[record.actor].name}, named in the question")
            return points
        parents = [a for a in chain[1:] if a in named]
        if parents:
            why.append(f"an action by {registry.actors[record.actor].name}, part of {registry.actors[parents[0]].name}")
            return _ACTOR_PARENT
        return 0.0
    if kind == "fact":
        concerned = set(record.actors) | ({record.subject} if record.subject in registry.actors else set())
        hit = sorted(concerned & named)
        if hit:
            why.append(f"about {registry.actors[hit[0]].name}, named in the question")
            return _ACTOR_MENTIONED
    return 0.0
