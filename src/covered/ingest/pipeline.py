"""One article in, one source with segments and candidates out (nothing is written: see queue and userdata)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from covered.errors import UsageError
from covered.ingest.candidate import IngestedSource
from covered.ingest.document import Document, read_document
from covered.ingest.duplicates import mark_duplicates
from covered.ingest.extract import Extractor, Passage
from covered.ingest.language import SUPPORTED, detect_paragraphs
from covered.ingest.segments import Span, anchor_of, split_articles
from covered.model import DatePrecision, DateRef, Segment
from covered.registry import Registry

__all__ = ["ingest_document", "ingest_file", "parse_published"]

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_published(value: str | None) -> DateRef | None:
    """--published YYYY[-MM[-DD]] as a DateRef; a usage error otherwise."""
    if value is None:
        return None
    match = _PARTIAL.match(value.strip())
    if match is None:
        raise UsageError("--published", f"{value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    precision = DatePrecision.DAY if match.group(3) else DatePrecision.MONTH if match.group(2) else DatePrecision.YEAR
    try:
        return DateRef(value=value.strip(), precision=precision, as_written=value.strip())
    except ValueError as exc:
        raise UsageError("--published", str(exc).splitlines()[-1]) from None


def _source_id(doc: Document, published: DateRef | None) -> str:
    year = published.value[:4] if published and published.value else "undated"
    return f"ingest-{year}-{doc.sha256[:12]}"


def ingest_document(
    doc: Document,
    registry: Registry,
    *,
    url: str | None = None,
    publisher: str | None = None,
    published: DateRef | None = None,
    title: str | None = None,
    segments: Sequence[tuple[int, int]] | None = None,
    source_id: str | None = None,
    extractor: Extractor | None = None,
    language: str | None = None,
) -> IngestedSource:
    """Languages, segments with anchors, and candidates (duplicates of registry records marked)."""
    text = doc.text
    languages, paragraphs = detect_paragraphs(text)
    if language is not None:
        # The user says which language the article is in: every paragraph is read with that language's tables.
        if language not in SUPPORTED:
            raise UsageError("--lang", f"{language!r} is not supported (one of {', '.join(sorted(SUPPORTED))})")
        languages = [language]
        paragraphs = [(a, z, language) for a, z, _code in paragraphs]
    main = languages[0] if languages else "en"
    sid = source_id or _source_id(doc, published)
    spans = [Span(a, z) for a, z in segments] if segments else split_articles(text)
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise UsageError("--segments", f"segment {span.start}-{span.end} is outside the text (0-{len(text)})")
    records: list[Segment] = []
    passages: list[Passage] = []
    compilation = len(spans) > 1
    for index, span in enumerate(spans, 1):
        seg_langs = [code for a, z, code in paragraphs if span.start <= a < span.end]
        seg_main = max(set(seg_langs), key=seg_langs.count) if seg_langs else main
        anchor, basis = anchor_of(text, span, seg_main, published)
        seg_id = f"{sid}-s{index:02d}" if compilation else None
        if seg_id is not None:
            first_line = text[span.start : span.end].strip().split("\n", 1)[0]
            records.append(
                Segment(
                    id=seg_id,
                    start=span.start,
                    end=span.end,
                    title=first_line[:120] or f"Segment {index}",
                    subject=first_line[:300] or "(empty)",
                    language=sorted(set(seg_langs)) or [main],
                    anchor=anchor,
                    anchor_basis=basis,
                )
            )
        passages.append(
            Passage(
                span.start, span.end, seg_id, anchor if compilation else (published or anchor), seg_main, paragraphs
            )
        )
    extractor = extractor or Extractor(registry)
    candidates = mark_duplicates(extractor.candidates(text, sid, passages), registry)
    date = published or (
        max((p.anchor for p in passages if p.anchor.value), key=lambda d: d.sort_key, default=None)
        or DateRef(precision=DatePrecision.UNKNOWN)
    )
    return IngestedSource(
        id=sid,
        title=title or doc.title or text.strip().split("\n", 1)[0][:160],
        publisher=publisher,
        url=url,
        date=date,
        language=languages or [main],
        media_type=doc.media_type,
        sha256=doc.sha256,
        file=f"{sid}.txt",
        segments=records,
        text=text,
        candidates=candidates,
    )


def ingest_file(path: Path, registry: Registry, **options: object) -> IngestedSource:
    """Read an article file and ingest it (see :func:`ingest_document`)."""
    return ingest_document(read_document(path), registry, **options)  # type: ignore[arg-type]
