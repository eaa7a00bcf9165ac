"""Signatures: load them, compile each observation field's patterns into one RE2 set, and test them on their examples.

A value is first run through the field's RE2 set, which reports every pattern that matches in one pass
(linear time, no backtracking on hostile input); only those patterns then run in Python's ``re`` to
extract named groups. Exact-value signatures (hashes, prefixes) are a dictionary lookup. Results are
memoised per value, since a network repeats the same banners thousands of times.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import re2

from covered.errors import Problem
from covered.model import Signature, SignatureClaim
from covered.registry.signatures import SignatureRecords, load_signature_records

__all__ = ["FieldMatcher", "Match", "SignatureSet", "compile_signatures", "load_signatures", "signature_problems"]

_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}
_CACHE_LIMIT = 200_000
_MEMORY_PER_PATTERN = 256 << 10
"""RE2 memory budget per pattern of a field's set (bytes), between 8 MiB and 128 MiB per field."""
MAX_VALUE = 65_536
"""Bytes of a value the matcher reads; longer device output is cut (and flagged by the collector)."""


def normalise(text: str) -> str:
    """The value as signatures read it: Unicode NFKC, so non-breaking and full-width spaces and letters match.

    Device strings carry U+00A0 in certificate names and full-width forms in CJK web UIs; NFKC folds them to
    their plain forms. ASCII text is returned as is, at no cost.
    """
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def relax(pattern: str) -> str:
    """The pattern without look-around groups: it matches a superset, so RE2 can pre-filter it.

    RE2 has no look-arounds; dropping a look-ahead or look-behind only removes a condition, so a value
    the relaxed pattern rejects is rejected by the original too.
    """
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            depth, j = 0, i
            while j < len(pattern):
                if pattern[j] == "\\":
                    j += 2
                    continue
                if pattern[j] == "(":
                    depth += 1
                elif pattern[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            i = j + 1
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _extracted(hit: re.Match[str], names: frozenset[str]) -> dict[str, str]:
    """The named groups a signature extracts, those that took part in the match."""
    return {k: v for k, v in hit.groupdict().items() if v is not None and k in names}


@dataclass(frozen=True, slots=True)
class Match:
    """A signature that matched a value, with what it extracted."""

    signature: Signature
    extracted: dict[str, str]


@dataclass
class FieldMatcher:
    """All signatures of one channel/field, compiled."""

    signatures: list[Signature]
    _patterns: list[tuple[Signature, re.Pattern[str]]] = field(default_factory=list)
    _equals: dict[str, list[Signature]] = field(default_factory=dict)
    _set: Any = None
    _fallback: list[int] = field(default_factory=list)
    _set_positions: list[int] = field(default_factory=list)
    _set_match: Any = None
    _relaxed: set[int] = field(default_factory=set)
    _extract: list[frozenset[str]] = field(default_factory=list)
    _cache: dict[str, tuple[Match, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        equals: dict[str, list[Signature]] = defaultdict(list)
        options = re2.Options()
        options.log_errors = False
        options.never_capture = True
        # RE2 falls back from its DFA to the much slower NFA when the DFA's state cache outgrows max_mem: a field
        # with hundreds of case-insensitive patterns (web page bodies) needs more than the 8 MiB default (measured:
        # 18 us per value at 8 MiB, 1 us at 128 MiB for 600 body patterns). The cache grows only as it is used.
        options.max_mem = min(max(len(self.signatures) * _MEMORY_PER_PATTERN, 8 << 20), 128 << 20)
        regex_set = re2.Set.SearchSet(options)
        added = 0
        for signature in self.signatures:
            if signature.equals is not None:
                equals[signature.equals.casefold()].append(signature)
                continue
            assert signature.pattern is not None  # noqa: S101 - the model guarantees one of the two
            flags = 0
            for flag in signature.flags:
                flags |= _FLAGS[flag]
            compiled = re.compile(signature.pattern, flags)
            position = len(self._patterns)
            self._patterns.append((signature, compiled))
            self._extract.append(frozenset(signature.extract))
            inline = "".join(signature.flags)
            prefilter = relax(signature.pattern)
            try:
                index = regex_set.Add(f"(?{inline}){prefilter}" if inline else prefilter)
            except re2.error:
                # Patterns RE2 cannot express (look-arounds) are always tried in Python.
                self._fallback.append(position)
                continue
            if index != len(self._set_positions):
                raise AssertionError("RE2 set index out of step")  # pragma: no cover - defensive
            self._set_positions.append(position)
            if prefilter != signature.pattern:
                self._relaxed.add(position)
            added += 1
        self._equals = dict(equals)
        if added:
            regex_set.Compile()
            self._set = regex_set
            # The binding's own Match (the wrapper re-encodes and converts an empty list to None per call).
            self._set_match = regex_set._set.Match

    def match(self, value: str) -> tuple[Match, ...]:
        """Every signature matching the value, in file order."""
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        text = normalise(value if len(value) <= MAX_VALUE else value[:MAX_VALUE])
        found: list[Match] = []
        if self._equals:
            found.extend(Match(s, {}) for s in self._equals.get(text.strip().casefold(), ()))
        hits = self._set_match(text.encode("utf-8", "surrogatepass")) if self._set is not None else None
        if hits or self._fallback:
            proven = {self._set_positions[i] for i in hits} if hits else set()
            for position in sorted(proven.union(self._fallback)):
                signature, compiled = self._patterns[position]
                if position in proven and not signature.extract and position not in self._relaxed:
                    # RE2 already proved the match and there is nothing to extract: skip a second regex run.
                    found.append(Match(signature, {}))
                    continue
                hit = compiled.search(text)
                if hit is not None:
                    extracted = _extracted(hit, self._extract[position]) if compiled.groupindex else {}
                    found.append(Match(signature, extracted))
        result = tuple(found)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[value] = result
        return result

    def naive_patterns(self) -> list[re.Pattern[str]]:
        """The field's compiled patterns in file order (for the benchmark's first-match peer)."""
        return [compiled for _, compiled in self._patterns]

    def naive_match(self, value: str) -> tuple[Match, ...]:
        """The same result by trying every pattern in turn (the benchmark's peer)."""
        text = normalise(value[:MAX_VALUE])
        found = [Match(s, {}) for s in self._equals.get(text.strip().casefold(), ())]
        for signature, compiled in self._patterns:
            hit = compiled.search(text)
            if hit is not None:
                found.append(
                    Match(
                        signature,
                        {k: v for k, v in hit.groupdict().items() if v is not None and k in signature.extract},
                    )
                )
        return tuple(found)


@dataclass
class SignatureSet:
    """Every signature, by id and by channel/field, with the file and line each came from."""

    by_id: dict[str, Signature]
    locations: dict[str, tuple[Path, int]]
    fields: dict[tuple[str, str], FieldMatcher]

    def matcher(self, channel: str, field_name: str) -> FieldMatcher | None:
        """The compiled matcher of one channel/field, or None when no signature reads it."""
        return self.fields.get((channel, field_name))

    def __len__(self) -> int:
        return len(self.by_id)


def compile_signatures(records: SignatureRecords) -> SignatureSet:
    """One compiled matcher per channel/field over loaded signature records."""
    fields = {key: FieldMatcher(signatures) for key, signatures in records.by_field.items()}
    return SignatureSet(by_id=records.by_id, locations=records.locations, fields=fields)


def load_signatures(folder: Path) -> SignatureSet:
    """Load (and check) every ``<channel>_<field>.yml`` under the folder and its sub-folders, then compile them."""
    return compile_signatures(load_signature_records(folder))


def matches_whole(signature: Signature, value: str) -> bool:
    """Whether the signature's match spans the whole (stripped) value."""
    text = normalise(value).strip()
    if signature.equals is not None:
        return True
    flags = 0
    for flag in signature.flags:
        flags |= _FLAGS[flag]
    hit = re.compile(signature.pattern or "", flags).search(text)
    return hit is not None and hit.group(0).strip() == text


def signature_problems(signatures: SignatureSet, known_vendors: set[str], known_brands: set[str]) -> Iterator[Problem]:
    """The data tests itself: examples match with exact extractions, not_examples do not, no cross-vendor claims."""
    for signature_id, signature in signatures.by_id.items():
        path, line = signatures.locations[signature_id]

        def problem(message: str, path: Path = path, line: int = line, sid: str = signature_id) -> Problem:
            return Problem(path, line, f"signature {sid}: {message}")

        if signature.vendor is not None and signature.vendor not in known_vendors:
            yield problem(f"unknown vendor id {signature.vendor!r}")
        if signature.brand is not None and signature.brand not in known_brands:
            yield problem(f"unknown brand id {signature.brand!r}")
        if signature.suggests is not None and signature.suggests not in known_vendors:
            yield problem(f"suggests an unknown vendor id {signature.suggests!r}")
        matcher = signatures.fields[(signature.channel.value, signature.field)]
        for example in signature.examples:
            matches = matcher.match(example.value)
            own = next((m for m in matches if m.signature.id == signature_id), None)
            if own is None:
                yield problem(f"example does not match: {example.value[:80]!r}")
                continue
            if own.extracted != example.extract:
                yield problem(f"example {example.value[:50]!r} extracts {own.extracted}, expected {example.extract}")
            if signature.claim is SignatureClaim.GENERIC:
                # A string known to say nothing restricted must not be claimed restricted by any signature
                # (the weak-matcher discipline, held across every curated and imported file). Only examples that
                # are the generic string and nothing more count: a scopes list that also names Dahua may be
                # claimed for its name.
                if not matches_whole(signature, example.value):
                    continue
                for other in matches:
                    theirs = other.signature
                    if theirs.claim is SignatureClaim.RESTRICTED and theirs.vendor != signature.vendor:
                        yield problem(f"generic example {example.value[:50]!r} is claimed restricted by {theirs.id}")
                continue
            for other in matches:
                theirs = other.signature
                if theirs.claim is not SignatureClaim.GENERIC and theirs.vendor not in (None, signature.vendor):
                    yield problem(f"example {example.value[:50]!r} is also claimed by {theirs.id} ({theirs.vendor})")
        for counter in signature.not_examples:
            if any(m.signature.id == signature_id for m in matcher.match(counter)):
                yield problem(f"not_example matches: {counter[:80]!r}")
