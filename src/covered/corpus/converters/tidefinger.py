"""TideFinger's fingerprint database (``python2/cms_finger.db``, SQLite) converted into http and favicon signatures.

Two tables are read (``python2/TideFinger.py`` queries both). ``fofa(id, name, keys)`` holds FOFA-style queries:
``header="X" || body="Y" || (title="Z" && body="W")``, each term a case-insensitive substring of the header block,
the body or the title. ``cms(finger_id, cms_name, path, match_pattern, options)`` holds a keyword of the page at
``path`` (``options`` = ``keyword``) or the MD5 of the file at ``path`` (``md5``). covered records the front page
and ``/favicon.ico``, so only keywords of the front page (path empty or ``/``) and MD5s of ``/favicon.ico`` are
used. The database has no lines: a signature cites the table and row id in its key and note.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from covered.corpus.candidate import Candidate
from covered.corpus.converters.keyword_routes import entry_texts, keep, route_keyword
from covered.corpus.converters.web_keywords import (
    EntryMaker,
    KeywordRule,
    choose_keywords,
    entry_maker,
    favicon_candidate,
)
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames
from covered.errors import DataError

__all__ = ["FILE", "SKIPPED", "convert", "query_terms"]

FILE = "python2/cms_finger.db"
# A query term ends at a quote followed by an operator, a closing parenthesis or the end: values hold bare quotes
# ('body="class="xheditor"'); a few are unquoted ('protocol=ftp').
_TERM = re.compile(r'(?P<key>[a-z_]+)\s*=\s*(?:"(?P<value>.*?)"(?=\s*(?:\|\||&&|\)|$))|(?P<bare>[\w.-]+))')
_LOCATIONS = {"body": "body", "header": "header", "title": "title", "server": "header"}

SKIPPED: Counter[str] = Counter()
"""Why rows or terms of the last run were not proposed (reason -> count), for the report."""


def query_terms(query: str) -> list[list[tuple[str, str]]] | None:
    """The query as alternatives, each a list of (key, value) terms that must all hold; None when unreadable."""
    terms: list[tuple[str, str]] = []
    skeleton: list[str] = []
    position = 0
    for found in _TERM.finditer(query):
        skeleton.append(query[position : found.start()])
        skeleton.append(f" T{len(terms)} ")
        value = found.group("value")
        terms.append((found.group("key"), found.group("bare") if value is None else value))
        position = found.end()
    skeleton.append(query[position:])
    tokens = re.findall(r"\|\||&&|\(|\)|T\d+|\S", "".join(skeleton))
    if not terms or any(t not in {"||", "&&", "(", ")"} and not t.startswith("T") for t in tokens):
        return None
    parser = _Parser(tokens)
    try:
        result = parser.alternatives()
    except ValueError:
        return None
    if parser.index != len(tokens):
        return None
    return [[terms[i] for i in conjunct] for conjunct in result]


class _Parser:
    """Disjunctive normal form of a query skeleton (``T0 || (T1 && T2)``), by recursive descent."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def alternatives(self) -> list[list[int]]:
        out = self.conjunction()
        while self.peek() == "||":
            self.index += 1
            out = out + self.conjunction()
        return out

    def conjunction(self) -> list[list[int]]:
        out = self.atom()
        while self.peek() == "&&":
            self.index += 1
            right = self.atom()
            out = [a + b for a in out for b in right]
        return out

    def atom(self) -> list[list[int]]:
        symbol = self.peek()
        if symbol == "(":
            self.index += 1
            inner = self.alternatives()
            if self.peek() != ")":
                raise ValueError("unclosed parenthesis")
            self.index += 1
            return inner
        if symbol is not None and symbol.startswith("T"):
            self.index += 1
            return [[int(symbol[1:])]]
        raise ValueError(f"unexpected {symbol!r}")


def _fofa_candidates(row: int, name: str, query: str, entry: EntryMaker) -> Iterator[Candidate]:
    alternatives = query_terms(query)
    if alternatives is None:
        SKIPPED["unreadable query"] += 1
        return
    for conjunct in alternatives:
        usable = [(key, value) for key, value in conjunct if key in _LOCATIONS]
        if len(usable) != len(conjunct):
            SKIPPED["query term on a field covered does not record"] += 1
            continue
        chosen, note = choose_keywords([value for _key, value in usable], entry)
        if not chosen:
            SKIPPED["no specific keyword"] += 1
            continue
        key_of = dict((value, key) for key, value in reversed(usable))
        value = chosen[0]
        location = _LOCATIONS[key_of[value]]
        text = f"Server: {value}" if key_of[value] == "server" else value
        where = f"Table fofa, row id {row}."
        rule = KeywordRule(
            f"{FILE}:fofa:{row}:{query}", FILE, None, name, location, True, f"{where} {note}" if note else where
        )
        candidate, reason = route_keyword(rule, text, entry)
        yield from keep(candidate, reason, SKIPPED)


def _cms_candidate(row: int, name: str, path: str, pattern: str, option: str, entry: EntryMaker) -> Iterator[Candidate]:
    where = f"Table cms, row id {row}, path {path or '/'}."
    rule = KeywordRule(f"{FILE}:cms:{row}:{path}:{pattern}", FILE, None, name, "body", False, where)
    if option == "md5":
        if path != "/favicon.ico":
            SKIPPED["md5 of a file other than /favicon.ico"] += 1
            return
        candidate, reason = favicon_candidate(rule, pattern, entry)
    elif option == "keyword":
        if path not in ("", "/"):
            SKIPPED["keyword of a page other than the front page"] += 1
            return
        candidate, reason = route_keyword(rule, pattern, entry)
    else:
        SKIPPED[f"option {option}"] += 1
        return
    yield from keep(candidate, reason, SKIPPED)


def _rows(data: bytes, repository: Path) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str, str, str]]]:
    """The fofa and cms rows of the database, read from a private temporary copy (sqlite3 needs a file)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cms_finger.db"
        path.write_bytes(data)
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                fofa = connection.execute("SELECT id, name, keys FROM fofa ORDER BY id").fetchall()
                cms = connection.execute(
                    "SELECT finger_id, cms_name, path, match_pattern, options FROM cms ORDER BY finger_id"
                ).fetchall()
            finally:
                connection.close()
        except sqlite3.DatabaseError as exc:
            raise DataError(repository, None, f"{FILE} is not a readable database: {exc}") from None
    return (
        [(int(r[0]), str(r[1] or ""), str(r[2] or "")) for r in fofa],
        [(int(r[0]), str(r[1] or ""), str(r[2] or ""), str(r[3] or ""), str(r[4] or "")) for r in cms],
    )


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates from every fofa and cms row about a tracked maker or a look-alike maker."""
    SKIPPED.clear()
    fofa, cms = _rows(tree.read(FILE), tree.repository)
    for row, name, query in fofa:
        entry = entry_maker(names, entry_texts(name))
        if entry is None:
            SKIPPED["not about a tracked maker"] += 1
            continue
        yield from _fofa_candidates(row, name, query, entry)
    for row, name, path, pattern, option in cms:
        entry = entry_maker(names, entry_texts(name))
        if entry is None:
            SKIPPED["not about a tracked maker"] += 1
            continue
        yield from _cms_candidate(row, name, path.strip(), pattern, option, entry)
