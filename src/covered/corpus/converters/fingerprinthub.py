"""FingerprintHub web fingerprints (nuclei-style YAML) converted into http and favicon signatures.

Each file under ``web-fingerprint/<vendor>/`` holds one fingerprint: ``info.name``, ``info.metadata.vendor`` and
``product`` name the product (``00_unknown`` when the vendor is not known, then the product id carries it, often in
Chinese); ``http[].matchers`` are ``word`` lists (body or header, ``condition: and`` or the default or),
``favicon`` hash lists (Shodan mmh3 as decimal, or md5 hex) and ``regex`` title matches written as
``(?mi)<title[^>]*>X.*?</title>`` (the title starts with X). Matchers of one request are alternatives.
``service-fingerprint/`` holds nmap's service probes re-encoded (converted from nmap itself, not here), and
``plugins/`` holds vulnerability checks, which covered never reads.
"""

from __future__ import annotations

import re
import stat
from collections import Counter
from collections.abc import Iterator
from typing import Any

import yaml
from dulwich.objects import Commit, Tree
from dulwich.repo import Repo

from covered.corpus.candidate import Candidate
from covered.corpus.converters.web_keywords import (
    EntryMaker,
    KeywordRule,
    choose_keywords,
    entry_maker,
    favicon_candidate,
    keyword_candidate,
)
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import VendorNames

__all__ = ["SKIPPED", "convert"]

PREFIX = "web-fingerprint/"
# The corpus's own vendor slugs (NVD CPE vendor names) that are not registry names.
VENDOR_SLUGS = {"dahuasecurity": "Dahua"}
# A title regex this converter can read: the title starts with a plain literal (regex escapes allowed).
_TITLE = re.compile(r"^\(\?mi\)<title\[\^>\]\*>(?P<text>.*?)\.\*\?</title>$")
_ESCAPED = re.compile(r"\\(.)")
_META = set(".^$*+?{}[]|()")

SKIPPED: Counter[str] = Counter()
"""Why entries or keywords of the last run were not proposed (reason -> count), for the report."""


def _title_literal(regex: str) -> str | None:
    """The literal title prefix of a ``<title>`` regex, or None when it is more than a literal."""
    found = _TITLE.match(regex)
    if found is None:
        return None
    text = found.group("text")
    plain = _ESCAPED.sub("", text)
    if any(ch in _META for ch in plain) or '"' in text:
        return None
    return _ESCAPED.sub(r"\1", text)


def _item_lines(text: str) -> dict[str, int]:
    """Line number of each list item's value (first occurrence), read the way YAML reads it."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped.startswith("- "):
            continue
        try:
            value = yaml.safe_load(stripped[2:])
        except yaml.YAMLError:
            continue
        if isinstance(value, (str, int)):
            lines.setdefault(str(value), number)
    return lines


def _entry(path: str, data: Any, names: VendorNames) -> EntryMaker | None:
    info = data.get("info") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return None
    metadata = info.get("metadata") or {}
    vendor = metadata.get("vendor")
    texts = [
        None if vendor in (None, "00_unknown") else str(vendor),
        str(metadata.get("product") or ""),
        str(info.get("name") or ""),
        path.rsplit("/", 1)[-1].removesuffix(".yaml"),
    ]
    return entry_maker(names, texts, VENDOR_SLUGS)


def _matcher_candidates(
    path: str, data: dict[str, Any], entry: EntryMaker, lines: dict[str, int]
) -> Iterator[Candidate]:
    name = str(data.get("info", {}).get("name") or data.get("id"))
    for r_index, request in enumerate(data.get("http") or []):
        for m_index, matcher in enumerate(request.get("matchers") or []):
            kind = matcher.get("type")
            key = f"{path}:{r_index}:{m_index}"
            if kind == "favicon":
                for value in matcher.get("hash") or []:
                    rule = KeywordRule(key, path, lines.get(str(value)), name, "body", False)
                    candidate, reason = favicon_candidate(rule, str(value), entry)
                    yield from _keep(candidate, reason)
            elif kind == "word":
                part = matcher.get("part", "body")
                location = "header" if part == "header" else "body"
                words = [str(w) for w in matcher.get("words") or []]
                groups = [words] if matcher.get("condition") == "and" else [[w] for w in words]
                for group in groups:
                    chosen, note = choose_keywords(group, entry)
                    if not chosen:
                        SKIPPED["no specific keyword"] += 1
                    for word in chosen:
                        rule = KeywordRule(
                            key,
                            path,
                            lines.get(word),
                            name,
                            location,
                            bool(matcher.get("case-insensitive")),
                            note,
                        )
                        candidate, reason = keyword_candidate(rule, word, entry)
                        yield from _keep(candidate, reason)
            elif kind == "regex":
                for regex in matcher.get("regex") or []:
                    title = _title_literal(str(regex))
                    if title is None:
                        SKIPPED["regex is not a literal title prefix"] += 1
                        continue
                    rule = KeywordRule(key, path, lines.get(str(regex)), name, "title-prefix", True)
                    candidate, reason = keyword_candidate(rule, title, entry)
                    yield from _keep(candidate, reason)
            else:
                SKIPPED[f"matcher type {kind}"] += 1


def _keep(candidate: Candidate | None, reason: str) -> Iterator[Candidate]:
    if candidate is None:
        SKIPPED[reason] += 1
    else:
        yield candidate


def _web_files(tree: GitTree) -> list[str]:
    """Paths under ``web-fingerprint/``, told apart by tree-entry mode.

    The corpus's snapshots may lack its largest generated files (the combined v3/v4 JSON); walking by mode never
    loads a blob, so a missing one outside this folder does not matter.
    """
    repo = Repo(str(tree.repository))
    try:
        commit = repo[tree.commit.encode("ascii")]
        if not isinstance(commit, Commit):
            return []
        root = repo[commit.tree]
        if not isinstance(root, Tree):
            return []
        out: list[str] = []
        stack: list[tuple[Tree, str]] = [(root, "")]
        while stack:
            node, base = stack.pop()
            for item in node.iteritems():
                name = f"{base}{item.path.decode('utf-8', 'surrogateescape')}"
                if stat.S_ISDIR(item.mode) and (PREFIX.startswith(f"{name}/") or name.startswith(PREFIX)):
                    child = repo[item.sha]
                    if isinstance(child, Tree):
                        stack.append((child, f"{name}/"))
                elif stat.S_ISREG(item.mode) and name.startswith(PREFIX) and name.endswith(".yaml"):
                    out.append(name)
        return sorted(out)
    finally:
        repo.close()


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates from every web fingerprint about a tracked maker or a look-alike maker."""
    SKIPPED.clear()
    prefixes = spec.paths or [PREFIX]
    for path in _web_files(tree):
        if not any(path.startswith(p) for p in prefixes):
            continue
        text = tree.text(path)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            SKIPPED["unreadable YAML"] += 1
            continue
        if not isinstance(data, dict):
            SKIPPED["unreadable YAML"] += 1
            continue
        entry = _entry(path, data, names)
        if entry is None:
            SKIPPED["not about a tracked maker"] += 1
            continue
        yield from _matcher_candidates(path, data, entry, _item_lines(text))
