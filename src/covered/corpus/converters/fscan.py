"""fscan's own web rules (``webscan/fingerprint/rules.go``) read as data into http signatures.

``RuleDatas`` are Go struct literals, one a line: ``{Name: "...", Type: "code"|"headers"|"header"|"cookie"|"index",
Rule: "(a|b)"}``. ``code`` rules are Go regular expressions tried on the front page's body, every other type on the
response header block, case-sensitively (``webscan/fingerprint_scanner.go``, ``matchByRegex``). The expressions are
alternations of literal strings; each alternative that is a plain literal is kept. ``Md5Datas`` are MD5s of a whole
page body, which covered does not record, and ``web_fingerprint_v4.json`` re-ships FingerprintHub (converted from
its own repository): neither is read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from covered.corpus.candidate import Candidate
from covered.corpus.converters.dismap import go_string
from covered.corpus.converters.keyword_routes import (
    entry_texts,
    keep,
    plain_literal,
    route_keyword,
    split_alternatives,
)
from covered.corpus.converters.web_keywords import KeywordRule, entry_maker
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames

__all__ = ["FILE", "SKIPPED", "convert", "parse_rules"]

FILE = "webscan/fingerprint/rules.go"
# A Go string: interpreted ("...", escapes) or raw (`...`).
_STR = r'(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)'
_RULE = re.compile(rf"^\s*\{{Name:\s*{_STR},\s*Type:\s*{_STR},\s*Rule:\s*{_STR}\}},?\s*$")

SKIPPED: Counter[str] = Counter()
"""Why rules or alternatives of the last run were not proposed (reason -> count), for the report."""


def parse_rules(text: str) -> Iterator[tuple[int, str, str, str]]:
    """Each rule line's 1-based number, name, type and rule text."""
    for number, line in enumerate(text.split("\n"), start=1):
        found = _RULE.match(line)
        if found is None:
            continue
        groups = found.groups()
        values = [go_string(groups[i]) if groups[i] is not None else groups[i + 1] for i in (0, 2, 4)]
        yield number, values[0], values[1], values[2]


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates from every RuleDatas rule about a tracked maker or a look-alike maker."""
    SKIPPED.clear()
    for line, name, kind, rule in parse_rules(tree.text(FILE)):
        entry = entry_maker(names, entry_texts(name))
        if entry is None:
            SKIPPED["not about a tracked maker"] += 1
            continue
        alternatives = split_alternatives(rule)
        if alternatives is None:
            SKIPPED["unbalanced regular expression"] += 1
            continue
        location = "body" if kind == "code" else "header"
        for alternative in alternatives:
            literal = plain_literal(alternative)
            if literal is None:
                SKIPPED["alternative is more than a literal"] += 1
                continue
            rule_ref = KeywordRule(f"{FILE}:{name}:{kind}:{rule}", FILE, line, name, location, False)
            candidate, reason = route_keyword(rule_ref, literal, entry)
            yield from keep(candidate, reason, SKIPPED)
