"""Sentences with offsets, the articles of a compilation, and each article's date anchor."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import pairwise

from covered.ingest.dates import find_dates
from covered.model import DatePrecision, DateRef

__all__ = ["Span", "anchor_of", "sentences", "split_articles"]

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Co|Inc|Ltd|Corp|Sen|Gen|Gov|Rep|Jr|Sr|No|vs|etc|ca|Sig|Dott|Prof|ecc|art|Nr|Abs|z\.B|"
    r"u\.a|bzw|ca|p\.ex|Sra|Sr|Dña)|\b[A-Z]|\d)\.$"
)
_END = re.compile(r"[.!?。！？।]+[”»\"')\]]*\s+|\n+")

# Closing lines of an article in a compilation (a new article starts on the next line).
_CLOSINGS = re.compile(
    r"(?:vi aggiorneremo|ha(?:nno)? risposto alla nostra richiesta di commenti|non ha risposto a questa domanda|"
    r"we will update|did not respond to (?:our |a )?request for comment|did not respond to this question|"
    r"actualizaremos|no respondió a nuestra solicitud|nous mettrons à jour|wir werden .* aktualisieren|"
    r"published courtesy of|^https?://\S+$)[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATOR = re.compile(r"^(?:\s*(?:-{3,}|\*{3,}|={3,}|_{3,}|(?:\* ){2,}\*|\f)\s*)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the source text."""

    start: int
    end: int


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentences of a text span, as offsets into the whole text (bounded: a 'sentence' is at most 2,000 chars)."""
    end = len(text) if end is None else end
    out: list[Span] = []
    cursor = start
    for m in _END.finditer(text, start, end):
        if (
            m.group().strip()
            and "\n" not in m.group()
            and _ABBREVIATIONS.search(text[max(cursor, m.start() - 12) : m.start() + 1])
        ):
            continue
        piece_end = m.start() + len(m.group().rstrip())
        _add(text, out, cursor, piece_end)
        cursor = m.end()
    _add(text, out, cursor, end)
    return out


def _add(text: str, out: list[Span], a: int, z: int) -> None:
    while a < z and text[a].isspace():
        a += 1
    while z > a and text[z - 1].isspace():
        z -= 1
    while z - a > 2000:
        out.append(Span(a, a + 2000))
        a += 2000
    if z - a >= 2:
        out.append(Span(a, z))


def split_articles(text: str) -> list[Span]:
    """Articles of a compilation: at separator lines, and after an article's closing line; one span if none."""
    cuts = {0, len(text)}
    for m in _SEPARATOR.finditer(text):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in _CLOSINGS.finditer(text):
        nl = text.find("\n", m.end() - 1 if m.end() else 0)
        if nl != -1 and nl + 1 < len(text) - 200:
            cuts.add(nl + 1)
    points = sorted(cuts)
    spans = [
        Span(a, z) for a, z in pairwise(points) if text[a:z].strip() and not _SEPARATOR.fullmatch(text[a:z].strip())
    ]
    # An 'article' of under 400 characters is a caption or footer: join it to the one before.
    merged: list[Span] = []
    for span in spans:
        if merged and span.end - span.start < 400:
            merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    if len(merged) > 1 and merged[0].end - merged[0].start < 400:
        merged[1] = Span(merged[0].start, merged[1].end)
        merged.pop(0)
    return merged or [Span(0, len(text))]


def anchor_of(text: str, span: Span, lang: str, published: DateRef | None) -> tuple[DateRef, str]:
    """A segment's date anchor: the newest explicit date it gives, not after the publication date."""
    latest: tuple[tuple[int, int, int], DateRef] | None = None
    # A segment is not written after it is published, nor after today (a '2070' in a model number is no date).
    today = dt.date.today()
    limit = published.sort_key if published is not None and published.value else (today.year, today.month, 99)
    for hit in find_dates(text[span.start : span.end], lang):
        if hit.kind != "explicit" or hit.value is None:
            continue
        ref = DateRef(value=hit.value, precision=hit.precision)
        key = ref.sort_key
        if key[0] > limit[0] or (key[0] == limit[0] and limit[1] and key[1] > limit[1]):
            continue
        if latest is None or key > latest[0]:
            latest = (key, ref)
    if latest is None:
        if published is not None and published.value:
            return published, "no date in the segment: the publication date"
        return DateRef(precision=DatePrecision.UNKNOWN), "no date in the segment and no publication date"
    ref = latest[1]
    if ref.precision is DatePrecision.DAY and ref.value:
        ref = DateRef(value=ref.value[:7], precision=DatePrecision.MONTH)
    written = ref.value
    return DateRef(
        value=ref.value, precision=ref.precision, resolved_from=f"newest date the segment gives ({written})"
    ), (f"the newest date the segment gives is {written}; written then or soon after")
