"""Ruby regular expressions (as written in WhatWeb plugins) rewritten for Python ``re`` and RE2.

Ruby's Onigmo dialect differs from Python's in a few ways that matter for matching device answers:
``^``/``$`` always match at line breaks, ``/m`` means "dot matches newline", ``\\h`` is a hex digit, named groups
are ``(?<name>...)``, and POSIX bracket classes (``[[:alpha:]]``) are allowed. Anything this module does not know
how to translate exactly (atomic groups, possessive quantifiers, back-references, ``\\G``, extended mode...)
raises :class:`Untranslatable`, so the entry is counted as skipped rather than matched differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RubyRegex", "Untranslatable", "name_groups", "translate"]

_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "xdigit": "0-9a-fA-F",
    "space": r"\s",
    "word": r"\w",
    "blank": r" \t",
}
_UNSUPPORTED_ESCAPES = set("GKRXzZpPkg") | set("123456789")
_SPECIAL = set(".^$*+?{}[]|()\\")


class Untranslatable(ValueError):
    """A Ruby regex construct with no exact Python/RE2 equivalent."""


@dataclass(frozen=True, slots=True)
class RubyRegex:
    """A translated regex: Python pattern, covered flags, capturing-group count and literal examples if plain."""

    pattern: str
    flags: tuple[str, ...]
    groups: int
    literals: tuple[tuple[str, str | None], ...] | None
    """When the regex is a plain literal (or one group of literal alternatives): each string it stands for, with
    the text its group matched; else None."""


@dataclass
class _Piece:
    text: str
    capture: int | None = None


@dataclass
class _Literal:
    """Whether the regex seen so far is a plain literal: prefix, at most one group of alternatives, suffix."""

    prefix: str = ""
    alternatives: list[str] | None = None
    suffix: str = ""
    in_group: bool = False
    plain: bool = True

    def add(self, text: str) -> None:
        if self.in_group and self.alternatives is not None:
            self.alternatives[-1] += text
        elif self.alternatives is None:
            self.prefix += text
        else:
            self.suffix += text

    def open_group(self) -> None:
        if self.alternatives is not None or self.in_group:
            self.plain = False
            return
        self.alternatives = [""]
        self.in_group = True

    def branch(self) -> None:
        if self.in_group and self.alternatives is not None:
            self.alternatives.append("")
        else:
            self.plain = False

    def examples(self) -> tuple[tuple[str, str | None], ...] | None:
        """(value, text of the group or None) for each string the literal regex stands for."""
        if not self.plain:
            return None
        values: list[tuple[str, str | None]]
        if self.alternatives is None:
            values = [(self.prefix, None)]
        else:
            values = [(self.prefix + a + self.suffix, a) for a in self.alternatives]
        kept = tuple(dict.fromkeys((v, g) for v, g in values if v.strip()))
        return kept or None


def _class_body(source: str, start: int) -> tuple[str, int]:
    """Translate a bracket class starting after '['; returns (text including brackets, index after ']')."""
    out = ["["]
    i = start
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
            if i + 1 >= len(source):
                raise Untranslatable("trailing backslash")
            nxt = source[i + 1]
            if nxt == "h":
                out.append("0-9a-fA-F")
            elif nxt == "/":
                out.append("/")
            elif nxt in _UNSUPPORTED_ESCAPES or nxt == "H":
                raise Untranslatable(f"\\{nxt} in a class")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if ch == "[":
            posix = re.match(r"\[:(\^?)([a-z]+):\]", source[i:])
            if posix is None:
                raise Untranslatable("nested class")
            if posix.group(1) or posix.group(2) not in _POSIX:
                raise Untranslatable(f"POSIX class {posix.group(0)}")
            out.append(_POSIX[posix.group(2)])
            i += len(posix.group(0))
            continue
        if ch == "&" and source.startswith("&&", i):
            raise Untranslatable("class intersection")
        if ch in "|~&":
            # Python warns about "|| ~~ &&" set operations it may adopt; escaped they are plain characters.
            out.append("\\" + ch)
        elif ch == "-" and out[-1] == "-":
            out.append("\\-")
        else:
            out.append(ch)
        i += 1
    raise Untranslatable("unterminated class")


def _group_open(source: str, i: int) -> tuple[str, bool, int]:
    """Translate the opening of a group at source[i] == '('; returns (text, capturing, index after)."""
    rest = source[i + 1 :]
    if not rest.startswith("?"):
        return "(", True, i + 1
    named = re.match(r"\?<([A-Za-z_]\w*)>", rest)
    if named is not None:
        return f"(?P<{named.group(1)}>", True, i + 1 + len(named.group(0))
    for opener in ("?:", "?=", "?!", "?<=", "?<!"):
        if rest.startswith(opener):
            return "(" + opener, False, i + 1 + len(opener)
    scoped = re.match(r"\?([im]+):", rest)
    if scoped is not None:
        # Ruby's m is Python's s (dot matches newline).
        return f"(?{scoped.group(1).replace('m', 's')}:", False, i + 1 + len(scoped.group(0))
    raise Untranslatable(f"group ({rest[:4]}")


def translate(source: str, ruby_flags: str = "", *, multiline_field: bool = False) -> RubyRegex:
    """Translate a Ruby regex body and its trailing flags; ``multiline_field`` for values with line breaks.

    For multi-line values (page bodies) ``^``/``$`` keep their Ruby meaning through the ``m`` flag.
    """
    if "x" in ruby_flags:
        raise Untranslatable("extended mode")
    leading = re.match(r"\(\?([im]+)\)", source)
    if leading is not None:
        # A leading (?i) or (?m) is the same as the trailing flag.
        ruby_flags += leading.group(1)
        source = source[len(leading.group(0)) :]
    flags: list[str] = []
    if "i" in ruby_flags:
        flags.append("i")
    if "m" in ruby_flags:
        flags.append("s")
    pieces: list[_Piece] = []
    literal = _Literal()
    groups = 0
    anchors = False
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            if i + 1 >= len(source):
                raise Untranslatable("trailing backslash")
            nxt = source[i + 1]
            i += 2
            if nxt in _UNSUPPORTED_ESCAPES or nxt == "H":
                raise Untranslatable(f"\\{nxt}")
            if nxt == "h":
                pieces.append(_Piece("[0-9a-fA-F]"))
                literal.plain = False
            elif nxt == "A":
                pieces.append(_Piece(r"\A"))
            elif nxt == "s":
                if source[i : i + 1] in ("+", "*", "?"):
                    quant = source[i]
                    i += 1
                    pieces.append(_Piece(r"\s" + quant))
                    literal.add("" if quant in "*?" else " ")
                else:
                    pieces.append(_Piece(r"\s"))
                    literal.add(" ")
            elif nxt == "e":
                pieces.append(_Piece(r"\x1b"))
                literal.add("\x1b")
            elif nxt == "u":
                code = re.match(r"[0-9a-fA-F]{4}", source[i:])
                if code is None:
                    raise Untranslatable("\\u escape")
                char = chr(int(code.group(0), 16))
                i += 4
                pieces.append(_Piece(re.escape(char)))
                literal.add(char)
            elif nxt.isalnum():
                # \d \w \b \n \t \x.. and the like mean the same in Python and RE2; not a plain literal.
                pieces.append(_Piece("\\" + nxt))
                literal.plain = False
            else:
                pieces.append(_Piece(re.escape(nxt)))
                literal.add(nxt)
            continue
        if ch == "[":
            text, i = _class_body(source, i + 1)
            if text in (r"[\s]", r"[ ]"):
                if source[i : i + 1] in ("+", "*", "?"):
                    literal.add("" if source[i] in "*?" else " ")
                    text += source[i]
                    i += 1
                else:
                    literal.add(" ")
            else:
                literal.plain = False
            pieces.append(_Piece(text))
            continue
        if ch == "(":
            text, capturing, i = _group_open(source, i)
            if capturing:
                groups += 1
                pieces.append(_Piece(text, capture=groups))
            else:
                pieces.append(_Piece(text))
                if text not in ("(?:", ""):
                    literal.plain = False
            literal.open_group()
            continue
        if ch == ")":
            pieces.append(_Piece(")"))
            literal.in_group = False
            i += 1
            if source[i : i + 1] in ("?", "*", "+", "{"):
                literal.plain = False
            continue
        if ch == "|":
            pieces.append(_Piece("|"))
            literal.branch()
            i += 1
            continue
        if ch == "{":
            counted = re.match(r"\{(\d+)(,\d*)?\}|\{,(\d+)\}", source[i:])
            if counted is None:
                # Not a repetition: a literal brace, as in Ruby.
                pieces.append(_Piece(r"\{"))
                literal.add("{")
                i += 1
                continue
            if source[i + len(counted.group(0)) : i + len(counted.group(0)) + 1] == "+":
                raise Untranslatable("possessive quantifier")
            literal.plain = False
            # Onigmo's {,n} is {0,n}; RE2 would read it as literal text.
            pieces.append(_Piece(counted.group(0) if counted.group(3) is None else f"{{0,{counted.group(3)}}}"))
            i += len(counted.group(0))
            continue
        if ch in "*+?":
            if source[i + 1 : i + 2] == "+":
                raise Untranslatable("possessive quantifier")
            literal.plain = False
            pieces.append(_Piece(ch))
            i += 1
            continue
        if ch in "^$":
            anchors = True
            pieces.append(_Piece(ch))
            i += 1
            continue
        if ch == ".":
            literal.plain = False
            pieces.append(_Piece("."))
            i += 1
            continue
        if ch == " ":
            # Any whitespace where upstream wrote a space: a non-breaking space normalised to a space, or a tab.
            pieces.append(_Piece(r"\s"))
        else:
            pieces.append(_Piece(ch if ch not in _SPECIAL else "\\" + ch))
        literal.add(ch)
        i += 1
    if anchors and multiline_field:
        flags.append("m")
    pattern = "".join(p.text for p in pieces)
    return RubyRegex(pattern, tuple(sorted(flags)), groups, literal.examples())


def name_groups(regex: RubyRegex, names: dict[int, str]) -> str:
    """The pattern with capturing group N renamed to names[N] and every other capturing group made non-capturing."""
    out: list[str] = []
    count = 0
    i = 0
    source = regex.pattern
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            # A ']' right after '[' or '[^' is a literal member of the class.
            j = i + 1
            if source[j : j + 1] == "^":
                out.append("^")
                j += 1
            if source[j : j + 1] == "]":
                out.append("]")
                j += 1
            i = j
            continue
        if ch == "(":
            named = re.match(r"\(\?P<\w+>", source[i:])
            if source.startswith("(?", i) and named is None:
                out.append(ch)
                i += 1
                continue
            count += 1
            end = i + (len(named.group(0)) if named is not None else 1)
            name = names.get(count)
            out.append(f"(?P<{name}>" if name is not None else "(?:")
            i = end
            continue
        out.append(ch)
        i += 1
    return "".join(out)
