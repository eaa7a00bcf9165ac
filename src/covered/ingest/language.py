"""Offline language detection per paragraph (lingua: its models ship inside the wheel; nothing is downloaded).

Detection is restricted to the supported languages and run on whole paragraphs, since short strings full of
brand names mislead it ('telecamere Hikvision' reads as English).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["SUPPORTED", "detect", "detect_paragraphs"]

SUPPORTED: dict[str, str] = {
    "en": "ENGLISH",
    "it": "ITALIAN",
    "es": "SPANISH",
    "fr": "FRENCH",
    "de": "GERMAN",
    "pt": "PORTUGUESE",
    "da": "DANISH",
    "sv": "SWEDISH",
    "nb": "BOKMAL",
    "nn": "NYNORSK",
    "fi": "FINNISH",
    "is": "ICELANDIC",
    "nl": "DUTCH",
    "pl": "POLISH",
    "uk": "UKRAINIAN",
    "zh": "CHINESE",
    "hi": "HINDI",
}
"""ISO 639-1 code -> lingua language name, for every language ingest supports."""

_CODES = {name: code for code, name in SUPPORTED.items()}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_MIN_LETTERS = 12


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in SUPPORTED.values()]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.05).build()


def detect(text: str) -> str | None:
    """ISO code of the language of a paragraph; None when too short or undecided."""
    letters = sum(ch.isalpha() for ch in text)
    if _HAN.search(text) and len(_HAN.findall(text)) * 3 > letters:
        return "zh"
    if _DEVANAGARI.search(text) and len(_DEVANAGARI.findall(text)) * 3 > letters:
        return "hi"
    if letters < _MIN_LETTERS:
        return None
    found = _detector().detect_language_of(text[:4000])
    if found is None:
        return None
    code = _CODES.get(found.name)
    return "nb" if code == "nn" else code


def detect_paragraphs(
    text: str, start: int = 0, end: int | None = None
) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Languages of a text span, main one first (by characters), and each paragraph's span and language."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int, str]] = []
    weight: Counter[str] = Counter()
    for match in re.finditer(r"[^\n]+", text[start:end]):
        code = detect(match.group())
        if code is None:
            continue
        a, b = start + match.start(), start + match.end()
        spans.append((a, b, code))
        weight[code] += b - a
    total = sum(weight.values()) or 1
    # A language must hold a visible share of the text to be listed (a stray English quote is not 'en').
    languages = [code for code, size in weight.most_common() if size / total >= 0.02]
    return languages, spans
