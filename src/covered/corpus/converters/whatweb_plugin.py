"""Read a WhatWeb plugin (Ruby source) as text: its name, website and the literal entries of ``matches [...]``.

No Ruby is run. The reader understands the literal subset plugins use for matches: hashes of symbol keys
(``:text=>``, ``search:``), strings, regex literals (``/.../i``, ``%r{...}``), integers and arrays. Simple
conditions of ``passive do`` blocks (``@headers["server"] =~ /.../`` or ``@body =~ /.../``) are read as matches
too. Anything else in an entry (method calls, interpolation) leaves that value as :class:`Opaque`, so the
converter can skip the entry and say why.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Opaque", "Plugin", "PluginEntry", "RubyRegexLiteral", "read_plugin"]


@dataclass(frozen=True, slots=True)
class RubyRegexLiteral:
    """A regex literal as written: body (between the delimiters) and trailing flags."""

    source: str
    flags: str


@dataclass(frozen=True, slots=True)
class Opaque:
    """A value the reader cannot evaluate without running Ruby (a call, an interpolated string...)."""

    text: str


Value = str | int | RubyRegexLiteral | Opaque | list["Value"]


@dataclass(frozen=True, slots=True)
class PluginEntry:
    """One match entry: its keys and values, and the line it starts on (1-based)."""

    line: int
    values: dict[str, Value]
    passive: bool = False


@dataclass
class Plugin:
    """A WhatWeb plugin's metadata and literal match entries."""

    name: str | None = None
    description: str | None = None
    website: str | None = None
    entries: list[PluginEntry] = field(default_factory=list)
    unreadable: int = 0
    """Entries (or passive conditions) the reader could not parse."""


class _Unreadable(ValueError):
    pass


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "e": "\x1b", "s": " ", "a": "\a", "b": "\b"}
_PAIRS = {"{": "}", "(": ")", "[": "]", "<": ">"}
_BEGIN_END = re.compile(r"^=begin\b.*?^=end\b[^\n]*", re.MULTILINE | re.DOTALL)
_META = re.compile(r"^[ \t]*(name|description|website)[ \t]+(?=[\"'])", re.MULTILINE)
_MATCHES = re.compile(r"^[ \t]*matches[ \t]*\[", re.MULTILINE)
_PASSIVE = re.compile(r"^[ \t]*passive[ \t]+do\b", re.MULTILINE)
_KEY = re.compile(r""":([A-Za-z_]\w*)\s*=>|([A-Za-z_]\w*):(?!:)|(["'])([A-Za-z_]\w*)\3\s*=>""")
_CONDITION = re.compile(r"""@(?:headers\[\s*(["'])([A-Za-z0-9_-]+)\1\s*\]|(body))\s*=~\s*(?=/|%r)""")


class _Scanner:
    """A cursor over the plugin text with Ruby literal readers."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def skip_space(self) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t\r\n":
                self.pos += 1
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(out)
            if ch == "\\" and self.pos + 1 < len(self.text):
                nxt = self.text[self.pos + 1]
                self.pos += 2
                if quote == "'":
                    out.append(nxt if nxt in "\\'" else "\\" + nxt)
                elif nxt in _SIMPLE_ESCAPES:
                    out.append(_SIMPLE_ESCAPES[nxt])
                elif nxt == "x":
                    digits = re.match(r"[0-9a-fA-F]{1,2}", self.text[self.pos :])
                    if digits is None:
                        raise _Unreadable("bad \\x escape")
                    out.append(chr(int(digits.group(0), 16)))
                    self.pos += len(digits.group(0))
                elif nxt == "u":
                    digits = re.match(r"[0-9a-fA-F]{4}", self.text[self.pos :])
                    if digits is None:
                        raise _Unreadable("bad \\u escape")
                    out.append(chr(int(digits.group(0), 16)))
                    self.pos += 4
                elif nxt.isdigit():
                    raise _Unreadable("octal escape")
                else:
                    out.append(nxt)
                continue
            if quote == '"' and ch == "#" and self.peek(2) == "#{":
                raise _Unreadable("interpolated string")
            out.append(ch)
            self.pos += 1
        raise _Unreadable("unterminated string")

    def regex(self) -> RubyRegexLiteral:
        if self.peek(2) == "%r":
            opener = self.text[self.pos + 2]
            closer = _PAIRS.get(opener, opener)
            self.pos += 3
        else:
            opener = closer = "/"
            self.pos += 1
        depth = 0
        start = self.pos
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\":
                self.pos += 2
                continue
            if ch == "#" and self.peek(2) == "#{":
                raise _Unreadable("interpolated regex")
            if ch == closer and depth == 0:
                body = self.text[start : self.pos]
                self.pos += 1
                flags = re.match(r"[imxounse]*", self.text[self.pos :])
                letters = flags.group(0) if flags is not None else ""
                self.pos += len(letters)
                if opener != "/":
                    # Inside %r{...} a slash needs no escape; the translator reads "\/" and "/" alike.
                    body = body.replace("\\" + closer, closer).replace("\\" + opener, opener)
                return RubyRegexLiteral(body, letters)
            if opener != closer and ch == opener:
                depth += 1
            elif opener != closer and ch == closer:
                depth -= 1
            self.pos += 1
        raise _Unreadable("unterminated regex")

    def value(self) -> Value:
        self.skip_space()
        ch = self.peek()
        if ch in "\"'":
            return self.string()
        if ch == "/" or self.peek(2) == "%r":
            return self.regex()
        if ch == "[":
            self.pos += 1
            items: list[Value] = []
            while True:
                self.skip_space()
                if self.peek() == "]":
                    self.pos += 1
                    return items
                items.append(self.value())
                self.skip_space()
                if self.peek() == ",":
                    self.pos += 1
        number = re.match(r"-?\d+(?![\w.])", self.text[self.pos :])
        if number is not None:
            self.pos += len(number.group(0))
            return int(number.group(0))
        symbol = re.match(r":([A-Za-z_]\w*)", self.text[self.pos :])
        if symbol is not None:
            self.pos += len(symbol.group(0))
            return symbol.group(1)
        return Opaque(self.opaque())

    def opaque(self) -> str:
        """Skip an expression up to the next top-level ',' or closing bracket."""
        start = self.pos
        depth = 0
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in "\"'":
                self.string()
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif ch in ",\n" and depth == 0:
                break
            self.pos += 1
        return self.text[start : self.pos].strip()

    def key(self) -> str:
        self.skip_space()
        rocket = _KEY.match(self.text, self.pos)
        if rocket is None:
            raise _Unreadable(f"hash key at {self.text[self.pos : self.pos + 20]!r}")
        self.pos += len(rocket.group(0))
        return rocket.group(1) or rocket.group(2) or rocket.group(4)

    def hash(self) -> dict[str, Value]:
        """A hash literal starting at '{'."""
        self.pos += 1
        out: dict[str, Value] = {}
        while True:
            self.skip_space()
            if self.peek() == "}":
                self.pos += 1
                return out
            if self.pos >= len(self.text):
                raise _Unreadable("unterminated hash")
            name = self.key()
            out[name] = self.value()
            self.skip_space()
            if self.peek() == ",":
                self.pos += 1

    def skip_balanced(self) -> None:
        """Move past the bracketed expression starting here (after a parse failure)."""
        depth = 0
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in "\"'":
                try:
                    self.string()
                except _Unreadable:
                    self.pos += 1
                continue
            if ch == "#":
                self.skip_space()
                continue
            self.pos += 1
            if ch in "{[(":
                depth += 1
            elif ch in "}])":
                depth -= 1
                if depth <= 0:
                    return


def _blank_block_comments(text: str) -> str:
    """=begin/=end blocks replaced by blank lines, so offsets and line numbers stay those of the file."""
    return _BEGIN_END.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def read_plugin(text: str) -> Plugin:
    """The plugin's metadata and literal match entries, with their line numbers."""
    text = _blank_block_comments(text)
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    plugin = Plugin()
    for meta in _META.finditer(text):
        scanner = _Scanner(text, meta.end())
        try:
            value = scanner.string()
        except _Unreadable:
            continue
        if getattr(plugin, meta.group(1)) is None:
            setattr(plugin, meta.group(1), value)
    for block in _MATCHES.finditer(text):
        scanner = _Scanner(text, block.end())
        while True:
            scanner.skip_space()
            ch = scanner.peek()
            if ch in ("]", ""):
                break
            if ch == ",":
                scanner.pos += 1
                continue
            start = scanner.pos
            if ch != "{":
                plugin.unreadable += 1
                scanner.opaque()
                if scanner.pos == start:
                    scanner.pos += 1
                continue
            try:
                plugin.entries.append(PluginEntry(line_of(start), scanner.hash()))
            except _Unreadable:
                plugin.unreadable += 1
                scanner.pos = start
                scanner.skip_balanced()
    for block in _PASSIVE.finditer(text):
        _read_passive(text, block.end(), line_of, plugin)
    return plugin


def _passive_end(text: str, start: int) -> int:
    """Where a passive block ends: the next line that is 'end' at column 0 (plugins indent the block's body)."""
    found = re.search(r"^end\b", text[start:], re.MULTILINE)
    return len(text) if found is None else start + found.start()


_OPENS = re.compile(r"^\s*(?:if|unless|case|while|until|begin|def)\b|\bdo\b(?:\s*\|[^|]*\|)?\s*$")
_CLOSES = re.compile(r"^\s*end\b")


def _read_passive(text: str, start: int, line_of: Callable[[int], int], plugin: Plugin) -> None:
    """Top-level tests of one header or of the body in a passive block become entries.

    Only a test at the block's top level that reports a match on its own stands alone: a nested test runs after
    its parent matched, a combined test needs its other half, and an ``if`` whose body only reports after a
    further test is no match by itself; those are counted as unreadable rather than matched more loosely.
    """
    end = _passive_end(text, start)
    lines: list[tuple[int, str, int]] = []
    depth = 0
    pos = start
    for line_text in text[start:end].split("\n"):
        code = line_text if _has_regex_hash(line_text) else line_text.split("#", 1)[0]
        lines.append((pos, code, depth))
        pos += len(line_text) + 1
        depth += int(_OPENS.search(code) is not None) - int(_CLOSES.search(code) is not None)
    for index, (line_start, code, level) in enumerate(lines):
        condition = _CONDITION.search(code)
        if condition is None:
            continue
        statement = code.strip()
        modifier = re.match(r"m\s*<<.*\bif\s+@", statement) is not None
        leading_if = re.match(r"if\s+@", statement) is not None and _reports_directly(lines, index)
        if level != 0 or not (modifier or leading_if) or re.search(r"\b(and|or|not)\b|&&|\|\||!~", statement):
            plugin.unreadable += 1
            continue
        scanner = _Scanner(code, condition.end())
        try:
            regex = scanner.regex()
        except _Unreadable:
            plugin.unreadable += 1
            continue
        search = "body" if condition.group(3) else f"headers[{condition.group(2).lower()}]"
        values: dict[str, Value] = {"search": search, "regexp": regex}
        plugin.entries.append(PluginEntry(line_of(line_start), values, passive=True))


def _reports_directly(lines: list[tuple[int, str, int]], index: int) -> bool:
    """Whether the ``if`` at lines[index] pushes a match unconditionally in its own body."""
    level = lines[index][2]
    for _pos, code, depth in lines[index + 1 :]:
        if depth <= level:
            return False
        statement = code.strip()
        pushes = re.match(r"m\s*(?:<<|\.push)", statement) is not None
        if depth == level + 1 and pushes and re.search(r"\b(if|unless)\b", statement) is None:
            return True
    return False


def _has_regex_hash(line: str) -> bool:
    """Whether a '#' on the line may sit inside a regex (then the whole line is kept)."""
    return "=~" in line and "#" in line.split("=~", 1)[1]
