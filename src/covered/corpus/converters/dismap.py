"""dismap's web rules (``configs/rule.go``) read as data into http and favicon signatures.

The rules are Go struct literals, one a line: ``{rank, "name", "type", "mode", InStr{body, header, icoMd5},
ReqHttp{method, path, headers, body}}``. ``type`` names the parts tested (``body``, ``header``, ``ico``, joined by
``|``) and ``mode`` how they combine (empty or ``or``: any part; ``and``: all). Each part is a Go regular expression
tried case-insensitively on the front page's body, its header block or the MD5 of ``/favicon.ico``
(``internal/protocol/judge/tcp_http.go`` ``checkBody``/``checkHeader``/``checkFavicon``, ``getFaviconMd5``); the
expressions are alternations of literal strings, lower-cased. This converter reads the strings with its own parser
(no Go code is used) and keeps each alternative that is a plain literal. Rules that send their own request
(``ReqHttp`` with a path) test a page covered does not record and are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from covered.corpus.candidate import Candidate
from covered.corpus.converters.keyword_routes import (
    entry_texts,
    keep,
    plain_literal,
    route_keyword,
    split_alternatives,
)
from covered.corpus.converters.web_keywords import EntryMaker, KeywordRule, entry_maker, favicon_candidate
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames

__all__ = ["FILE", "SKIPPED", "convert", "go_string", "parse_rules"]

FILE = "configs/rule.go"
_STR = r'"((?:[^"\\]|\\.)*)"'
_RULE = re.compile(
    rf"^\s*\{{(\d+),\s*{_STR},\s*{_STR},\s*{_STR},\s*InStr\{{{_STR},\s*{_STR},\s*{_STR}\}},"
    rf"\s*ReqHttp\{{{_STR},\s*{_STR},"
)
_GO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}

SKIPPED: Counter[str] = Counter()
"""Why rules or strings of the last run were not proposed (reason -> count), for the report."""


def go_string(text: str) -> str:
    """A Go interpreted string literal's value (the escapes rule.go uses)."""
    return re.sub(r"\\(.)", lambda m: _GO_ESCAPES.get(m.group(1), m.group(0)), text)


def parse_rules(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each rule line's 1-based number and fields (name, type, mode, body, header, ico, method, path)."""
    keys = ("rank", "name", "type", "mode", "body", "header", "ico", "method", "path")
    for number, line in enumerate(text.split("\n"), start=1):
        found = _RULE.match(line)
        if found is not None:
            yield number, {k: go_string(v) for k, v in zip(keys, found.groups(), strict=True)}


def _rule_candidates(line: int, rule: dict[str, str], entry: EntryMaker) -> Iterator[Candidate]:
    name = rule["name"]
    parts = set(rule["type"].split("|"))
    for part in ("body", "header", "ico"):
        regex = rule[part]
        if part not in parts or not regex:
            continue
        key = f"{FILE}:{name}:{part}:{regex}"
        alternatives = split_alternatives(regex)
        if alternatives is None:
            SKIPPED["unbalanced regular expression"] += 1
            continue
        for alternative in alternatives:
            literal = plain_literal(alternative)
            if literal is None:
                SKIPPED["alternative is more than a literal"] += 1
                continue
            location = "body" if part == "ico" else part
            rule_ref = KeywordRule(key, FILE, line, name, location, True)
            if part == "ico":
                candidate, reason = favicon_candidate(rule_ref, literal, entry)
            else:
                candidate, reason = route_keyword(rule_ref, literal, entry)
            yield from keep(candidate, reason, SKIPPED)


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates from every rule.go rule about a tracked maker or a look-alike maker."""
    SKIPPED.clear()
    for line, rule in parse_rules(tree.text(FILE)):
        entry = entry_maker(names, entry_texts(rule["name"]))
        if entry is None:
            SKIPPED["not about a tracked maker"] += 1
            continue
        if rule["path"] or rule["method"]:
            SKIPPED["rule sends its own request"] += 1
            continue
        if rule["mode"] not in ("", "or", "or|or"):
            # An AND of parts cannot be one field's pattern; each part alone says less than the rule.
            SKIPPED[f"mode {rule['mode']}"] += 1
            continue
        yield from _rule_candidates(line, rule, entry)
