"""EHole ``finger.json`` fingerprints converted into http and favicon signatures.

Each entry is ``{"cms", "method", "location", "keyword"}``: ``method`` is ``keyword`` (substring, case-sensitive),
``faviconhash`` (Shodan-style mmh3 of the favicon as a decimal string) or ``regular`` (a Go regular expression);
``location`` is ``body``, ``title`` or ``header`` (EHole searches the response headers as one JSON text); every
keyword of an entry must match (AND), per EHole's ``iskeyword``/``isregular`` in module/finger/matchfinger.go.
``cms`` names the product, in English or Chinese.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from covered.corpus.candidate import Candidate
from covered.corpus.converters.web_keywords import (
    KeywordRule,
    choose_keywords,
    entry_maker,
    favicon_candidate,
    keyword_candidate,
)
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames
from covered.errors import DataError

__all__ = ["SKIPPED", "convert"]

FILE = "finger.json"
_LOCATIONS = {"body", "title", "header"}

SKIPPED: Counter[str] = Counter()
"""Why entries or keywords of the last run were not proposed (reason -> count), for the report."""


def _entry_lines(text: str, entries: list[dict[str, Any]]) -> list[int | None]:
    """The line of each entry's ``keyword`` list, found in file order after the entry's ``cms`` line."""
    lines = text.split("\n")  # line numbers as git counts them (splitlines also breaks at U+2028, U+0085...)
    out: list[int | None] = []
    position = 0
    for entry in entries:
        cms = json.dumps(entry.get("cms"), ensure_ascii=False)
        found: int | None = None
        for index in range(position, len(lines)):
            if f'"cms": {cms}' in lines[index] or f'"cms":{cms}' in lines[index]:
                found = index
                break
        if found is None:
            out.append(None)
            continue
        keyword_line = next(
            (i for i in range(found, min(found + 6, len(lines))) if '"keyword":' in lines[i].replace('" :', '":')),
            found,
        )
        out.append(keyword_line + 1)
        position = found + 1
    return out


def _candidates(entry: dict[str, Any], line: int | None, names: VendorNames) -> Iterator[Candidate]:
    cms = entry.get("cms")
    method = entry.get("method")
    location = entry.get("location")
    keywords = entry.get("keyword")
    if not isinstance(cms, str) or not isinstance(keywords, list) or location not in _LOCATIONS:
        SKIPPED["malformed entry"] += 1
        return
    maker = entry_maker(names, [cms])
    if maker is None:
        SKIPPED["not about a tracked maker"] += 1
        return
    words = [str(k) for k in keywords]
    key = f"{FILE}:{cms}:{method}:{location}:{'|'.join(words)}"
    if method == "faviconhash":
        for value in words:
            rule = KeywordRule(key, FILE, line, cms, "body", False)
            candidate, reason = favicon_candidate(rule, value, maker)
            yield from _keep(candidate, reason)
        return
    if method != "keyword":
        # Go regular expressions are not rewritten: none of this corpus's are about a tracked maker.
        SKIPPED[f"method {method}"] += 1
        return
    chosen, note = choose_keywords(words, maker)
    if not chosen:
        SKIPPED["no specific keyword"] += 1
    for word in chosen:
        rule = KeywordRule(key, FILE, line, cms, str(location), False, note)
        candidate, reason = keyword_candidate(rule, word, maker)
        yield from _keep(candidate, reason)


def _keep(candidate: Candidate | None, reason: str) -> Iterator[Candidate]:
    if candidate is None:
        SKIPPED[reason] += 1
    else:
        yield candidate


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates from every finger.json entry about a tracked maker or a look-alike maker."""
    SKIPPED.clear()
    text = tree.text(FILE)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(tree.repository, exc.lineno, f"{FILE} is not JSON: {exc.msg}") from None
    entries = data.get("fingerprint") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise DataError(tree.repository, None, f"{FILE} has no 'fingerprint' list")
    valid = [e for e in entries if isinstance(e, dict)]
    for entry, line in zip(valid, _entry_lines(text, valid), strict=True):
        yield from _candidates(entry, line, names)
