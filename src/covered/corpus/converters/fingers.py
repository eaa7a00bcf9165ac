"""chainreactors/fingers' own web fingerprint library converted into http and favicon signatures.

The library ships its fingerprints gzipped under ``resources/``: ``fingers_http.json.gz`` is its own ("fingers
原生指纹库", README), the others re-ship Goby, FingerprintHub, EHole and Wappalyzer (converted from their own
repositories, or not reused) and are not read. An entry is ``{"name", "rule": [...]}``; a rule holds
``regexps.body`` and ``regexps.header`` (substrings of the body or of the raw header block, case-folded unless the
engine is told otherwise, per ``fingers/rules.go`` ``Regexps.Compile`` and ``Rule.Match``), ``regexps.regexp``
(regular expressions), ``favicon.md5`` / ``favicon.mmh3`` and ``send_data`` (a path the rule requests first). Every
string of a rule is an alternative. Line numbers are those of the gunzipped JSON text.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from covered.corpus.candidate import Candidate
from covered.corpus.converters.keyword_routes import entry_texts, keep, plain_literal, route_keyword
from covered.corpus.converters.web_keywords import (
    EntryMaker,
    KeywordRule,
    entry_maker,
    favicon_candidate,
)
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames
from covered.errors import DataError

__all__ = ["FILE", "SKIPPED", "convert"]

FILE = "resources/fingers_http.json.gz"
_NAME_LINE = '    "name": '  # an entry's own name, four spaces in: nested keys sit deeper
_MAX_GUNZIPPED = 64 * 1024 * 1024

SKIPPED: Counter[str] = Counter()
"""Why entries or keywords of the last run were not proposed (reason -> count), for the report."""


def _entry_lines(lines: list[str]) -> list[int]:
    """The 0-based line of each entry's ``name`` key, in file order."""
    return [i for i, line in enumerate(lines) if line.startswith(_NAME_LINE)]


def _line_of(lines: list[str], start: int, value: str) -> int:
    """The 1-based line where the JSON string value appears at or after the entry's line."""
    quoted = json.dumps(value, ensure_ascii=False)
    for index in range(start, min(start + 200, len(lines))):
        if quoted in lines[index]:
            return index + 1
    return start + 1


def _rule_candidates(
    name: str, r_index: int, rule: dict[str, Any], entry: EntryMaker, lines: list[str], start: int
) -> Iterator[Candidate]:
    key = f"{FILE}:{name}:{r_index}"
    if rule.get("send_data"):
        SKIPPED["rule requests its own path first"] += 1
        return
    favicon = rule.get("favicon") or {}
    for kind in ("md5", "mmh3"):
        for value in favicon.get(kind) or []:
            text = str(value)
            rule_ref = KeywordRule(key, FILE, _line_of(lines, start, text), name, "body", False)
            candidate, reason = favicon_candidate(rule_ref, text, entry)
            yield from keep(candidate, reason, SKIPPED)
    regexps = rule.get("regexps") or {}
    for location in ("body", "header"):
        for value in regexps.get(location) or []:
            text = str(value)
            rule_ref = KeywordRule(key, FILE, _line_of(lines, start, text), name, location, True)
            candidate, reason = route_keyword(rule_ref, text, entry)
            yield from keep(candidate, reason, SKIPPED)
    for value in regexps.get("regexp") or []:
        literal = plain_literal(str(value))
        if literal is None:
            SKIPPED["regexp is more than a literal"] += 1
            continue
        rule_ref = KeywordRule(key, FILE, _line_of(lines, start, str(value)), name, "body", True)
        candidate, reason = route_keyword(rule_ref, literal, entry)
        yield from keep(candidate, reason, SKIPPED)
    for other in ("cert", "md5", "vuln", "version"):
        if regexps.get(other):
            SKIPPED[f"regexps.{other} not converted"] += len(regexps[other])


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates from every fingers_http entry about a tracked maker or a look-alike maker."""
    SKIPPED.clear()
    try:
        text = gzip.decompress(tree.read(FILE)).decode("utf-8", "backslashreplace")
    except (OSError, EOFError) as exc:
        raise DataError(tree.repository, None, f"{FILE} is not gzip: {exc}") from None
    if len(text) > _MAX_GUNZIPPED:
        raise DataError(tree.repository, None, f"{FILE} unpacks to more than {_MAX_GUNZIPPED} bytes")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(tree.repository, exc.lineno, f"{FILE} is not JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise DataError(tree.repository, None, f"{FILE} is not a list of fingerprints")
    lines = text.split("\n")
    starts = _entry_lines(lines)
    entries = [e for e in data if isinstance(e, dict)]
    if len(starts) != len(entries):
        starts = [0] * len(entries)  # not laid out as expected: cite the file without a trustworthy line
    for entry_data, start in zip(entries, starts, strict=True):
        name = entry_data.get("name")
        rules = entry_data.get("rule")
        if not isinstance(name, str) or not isinstance(rules, list):
            SKIPPED["malformed entry"] += 1
            continue
        entry = entry_maker(names, entry_texts(name))
        if entry is None:
            SKIPPED["not about a tracked maker"] += 1
            continue
        for r_index, rule in enumerate(rules):
            if isinstance(rule, dict):
                yield from _rule_candidates(name, r_index, rule, entry, lines, start)
