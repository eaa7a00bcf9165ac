"""Rewrite a corpus's regular expression (Ruby for Recog, PCRE for nmap) into covered's Python/RE2 dialect.

The rewrite walks the pattern once: numbered capture groups become the named groups covered extracts
(``model``, ``firmware``...) or non-capturing groups; Ruby's ``\\h``, ``\\z``, ``\\Z`` and inline ``(?m)``
(Ruby's dot-matches-newline) get their Python spellings; possessive quantifiers and atomic groups, which
only tune backtracking, become plain ones so RE2 can run the pattern; anything with no equivalent
(back-references, ``\\G``, ``\\p{..}``, branch reset) raises :class:`Unsupported`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = ["Rewritten", "Unsupported", "count_groups", "example_of", "literal_text", "outside_classes", "rewrite"]

_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r"\s",
    "xdigit": "0-9a-fA-F",
    "punct": r"!-/:-@\[-`{-~",
    "word": r"\w",
}
_KEPT_ESCAPES = set("dDwWsSbBtrnfvaA") | set(".^$|?*+()[]{}\\/-\"'#<>=:!,;&~%@_` ")
_FLAG_LETTERS = {"i": "i", "m": "s", "x": "x", "s": "s"}


class Unsupported(ValueError):
    """The pattern uses a construct covered's dialect cannot express."""


@dataclass(frozen=True, slots=True)
class Rewritten:
    """A rewritten pattern, the flags lifted from its leading inline group, and its capture-group count."""

    pattern: str
    flags: tuple[str, ...]
    groups: int


def _class(source: str, i: int) -> tuple[str, int]:
    """Copy the character class starting at ``source[i] == '['``; returns (text, index after it)."""
    out = ["["]
    i += 1
    if i < len(source) and source[i] == "^":
        out.append("^")
        i += 1
    first = True
    while i < len(source):
        ch = source[i]
        if ch == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        first = False
        if ch == "\\":
            nxt = source[i + 1 : i + 2]
            if nxt == "h":
                out.append("0-9a-fA-F")
            elif nxt == "0":
                out.append(r"\x00")
            elif nxt in ("e",):
                out.append(r"\x1b")
            elif nxt in ("p", "P", "X", "R"):
                raise Unsupported(f"\\{nxt} in a character class")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if source.startswith("[:", i):
            end = source.find(":]", i + 2)
            name = source[i + 2 : end] if end != -1 else ""
            if name not in _POSIX:
                raise Unsupported(f"POSIX class [:{name}:]")
            out.append(_POSIX[name])
            i = end + 2
            continue
        if ch == "[":
            # Python warns on a bare '[' inside a class (possible nested set).
            out.append(r"\[")
        elif ch in "&~|-" and source[i + 1 : i + 2] == ch:
            # Doubled '&&', '~~', '||', '--' read as set operations in future Pythons: escape the second one.
            out.append(ch + "\\" + ch)
            i += 2
            continue
        else:
            out.append(ch)
        i += 1
    raise Unsupported("unterminated character class")


def _inline_flags(spec: str) -> str:
    """Ruby/PCRE inline flag letters as Python's (Ruby's 'm' is Python's 's')."""
    out = []
    for letter in spec:
        if letter == "-":
            out.append("-")
            continue
        mapped = _FLAG_LETTERS.get(letter)
        if mapped is None:
            raise Unsupported(f"inline flag {letter!r}")
        out.append(mapped)
    text = "".join(out)
    if "x" in text:
        raise Unsupported("extended (x) mode")
    return text


def rewrite(
    source: str,
    names: Mapping[int, str] | None = None,
    *,
    ruby: bool,
    keep_numbered: bool = False,
) -> Rewritten:
    """Rewrite ``source``; capture group N becomes ``(?P<names[N]>`` (else ``(?:``, or kept with keep_numbered)."""
    names = names or {}
    out: list[str] = []
    flags: list[str] = []
    group = 0
    i = 0
    # A leading inline flag group ("(?i)", "(?im)") applies to the whole pattern: lift it into the flags.
    lead = re.match(r"\(\?([a-z]+)\)", source)
    if lead is not None:
        for letter in _inline_flags(lead.group(1)) if ruby else lead.group(1):
            if letter not in "ism":
                raise Unsupported(f"inline flag {letter!r}")
            if letter not in flags:
                flags.append(letter)
        i = lead.end()
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            nxt = source[i + 1 : i + 2]
            if nxt == "":
                raise Unsupported("trailing backslash")
            if nxt == "h":
                out.append("[0-9a-fA-F]")
            elif nxt == "H":
                out.append("[^0-9a-fA-F]")
            elif nxt == "z":
                out.append("(?-m:$)")
            elif nxt == "Z":
                out.append(r"(?-m:\n?$)")
            elif nxt == "0":
                out.append(r"\x00")
            elif nxt == "e":
                out.append(r"\x1b")
            elif nxt == "x":
                hexa = re.match(r"[0-9a-fA-F]{2}", source[i + 2 : i + 4])
                if hexa is None:
                    raise Unsupported("\\x without two hex digits")
                out.append(f"\\x{hexa.group(0).lower()}")
                i += 4
                continue
            elif nxt.isdigit() or nxt in "GKRXpPkgQEcuUlLN":
                raise Unsupported(f"\\{nxt}")
            elif nxt in _KEPT_ESCAPES:
                out.append("/" if nxt == "/" else source[i : i + 2])
            else:
                raise Unsupported(f"\\{nxt}")
            i += 2
            continue
        if ch == "[":
            text, i = _class(source, i)
            out.append(text)
            continue
        if ch == "(":
            if source.startswith("(?", i):
                rest = source[i + 2 :]
                if rest.startswith((":", "=", "!", "<=", "<!")):
                    out.append("(?")
                    i += 2
                    continue
                if rest.startswith(">"):
                    # Atomic groups only limit backtracking; RE2 never backtracks.
                    out.append("(?:")
                    i += 3
                    continue
                if rest.startswith("#"):
                    end = source.find(")", i)
                    if end == -1:
                        raise Unsupported("unterminated comment group")
                    i = end + 1
                    continue
                named = re.match(r"(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')", rest)
                if named is not None:
                    group += 1
                    out.append(_open_group(group, names, keep_numbered))
                    i += 2 + named.end()
                    continue
                scoped = re.match(r"([a-z-]*)(:|\))", rest)
                if scoped is not None and scoped.group(1):
                    letters = _inline_flags(scoped.group(1)) if ruby else scoped.group(1)
                    if scoped.group(2) == ")":
                        raise Unsupported("inline flags in the middle of the pattern")
                    out.append(f"(?{letters}:")
                    i += 2 + scoped.end()
                    continue
                raise Unsupported(f"group syntax (?{rest[:2]}")
            group += 1
            out.append(_open_group(group, names, keep_numbered))
            i += 1
            continue
        if ch in "*+?}" and source[i + 1 : i + 2] == "+":
            # Possessive quantifier: the plain one matches the same strings RE2 can run.
            out.append(ch)
            i += 2
            continue
        out.append(ch)
        i += 1
    return Rewritten("".join(out), tuple(flags), group)


def _open_group(index: int, names: Mapping[int, str], keep_numbered: bool) -> str:
    name = names.get(index)
    if name is not None:
        return f"(?P<{name}>"
    return "(" if keep_numbered else "(?:"


_META = set(".^$|?*+()[]{}")


def literal_text(source: str) -> str:
    """The literal characters of a regex joined by spaces where syntax interrupts them (for name tests)."""
    out: list[str] = []
    i = 0
    depth_class = False
    while i < len(source):
        ch = source[i]
        if depth_class:
            if ch == "\\":
                i += 2
                continue
            if ch == "]":
                depth_class = False
            i += 1
            continue
        if ch == "\\":
            nxt = source[i + 1 : i + 2]
            if nxt and not nxt.isalnum():
                out.append(nxt)
            elif nxt in ("s",):
                out.append(" ")
            else:
                out.append(" ")
            i += 2
            if nxt == "x":
                i += 2
            continue
        if ch == "[":
            depth_class = True
            out.append(" ")
            i += 1
            continue
        if ch == "(" and source.startswith("(?", i):
            end = re.match(r"\(\?(?:P?<\w+>|[a-z-]*:|[=!>]|<[=!])", source[i:])
            i += end.end() if end is not None else 2
            out.append(" ")
            continue
        if ch in _META:
            out.append(" ")
        else:
            out.append(ch)
        i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


_SINGLE_ESCAPES = {"r": "\r", "n": "\n", "t": "\t", "f": "\f", "v": "\v", "0": "\0", "e": "\x1b", "a": "\a"}


class _Builder:
    """Builds the shortest value a literal-ish regex matches: literals, fixed repeats, optional parts, first branch."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.group = 0
        self.captured: dict[int, str] = {}

    def fail(self) -> None:
        raise Unsupported("not literal-ish")

    def sequence(self, stop: str) -> str:
        out: list[str] = []
        while self.i < len(self.s) and self.s[self.i] not in stop:
            atom = self.atom()
            out.append(self.quantify(atom))
        return "".join(out)

    def alternation(self) -> str:
        first = self.sequence("|)")
        while self.i < len(self.s) and self.s[self.i] == "|":
            self.i += 1
            self.sequence("|)")
        return first

    def atom(self) -> str:
        ch = self.s[self.i]
        if ch == "\\":
            nxt = self.s[self.i + 1 : self.i + 2]
            if nxt in _SINGLE_ESCAPES:
                self.i += 2
                return _SINGLE_ESCAPES[nxt]
            if nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", self.s[self.i + 2 : self.i + 4]):
                self.i += 4
                return chr(int(self.s[self.i - 2 : self.i], 16))
            if nxt and not nxt.isalnum():
                self.i += 2
                return nxt
            self.fail()
        if ch == "(":
            capture = True
            if self.s.startswith("(?:", self.i):
                capture = False
                self.i += 3
            elif self.s.startswith("(?", self.i):
                self.fail()
            else:
                self.i += 1
            index = 0
            if capture:
                self.group += 1
                index = self.group
            text = self.alternation()
            if self.i >= len(self.s) or self.s[self.i] != ")":
                self.fail()
            self.i += 1
            if capture:
                self.captured[index] = text
            return text
        if ch in ".[])|*+?{^$":
            self.fail()
        self.i += 1
        return ch

    def quantify(self, atom: str) -> str:
        if self.i >= len(self.s):
            return atom
        ch = self.s[self.i]
        if ch in "?*":
            self.i += 1
            self._lazy()
            return ""
        if ch == "+":
            self.i += 1
            self._lazy()
            return atom
        if ch == "{":
            rep = re.match(r"\{(\d+)(?:,(\d*))?\}", self.s[self.i :])
            if rep is None:
                self.fail()
                return atom
            self.i += rep.end()
            self._lazy()
            return atom * int(rep.group(1))
        return atom

    def _lazy(self) -> None:
        if self.i < len(self.s) and self.s[self.i] in "?+":
            self.i += 1


def example_of(source: str) -> tuple[str, dict[int, str]] | None:
    """A value a literal-ish regex matches (shortest choices) and what each capture group holds, else None.

    Literal-ish: literal characters and escapes, fixed or minimal repeats of them, optional parts (left out)
    and alternations (first branch). Character classes, dots and anchors inside the body are not: no value
    could be built from them without inventing it. A leading ``^`` and trailing ``$`` are allowed.
    """
    body = source[1:] if source.startswith("^") else source
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    builder = _Builder(body)
    try:
        text = builder.alternation()
        if builder.i != len(body):
            return None
    except (Unsupported, IndexError):
        return None
    return text, builder.captured


def outside_classes(source: str) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth before it) for each character outside escapes and character classes.

    A ']' right after '[' (or '[^') is a literal inside the class. A final item (len(source), '', depth) tells the
    caller the depth at the end; it is -1 when the source ends inside a class.
    """
    depth = 0
    i = 0
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source.startswith("^", i + 1):
                i += 1
            if source.startswith("]", i + 1):
                i += 1
        else:
            yield i, ch, depth
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
        i += 1
    yield len(source), "", -1 if in_class else depth


def count_groups(source: str) -> int:
    """Number of capturing groups opened in a regex fragment (escapes and classes skipped)."""
    return sum(
        1
        for i, ch, _ in outside_classes(source)
        if ch == "(" and (not source.startswith("(?", i) or re.match(r"\(\?P?<\w+>", source[i:]))
    )
