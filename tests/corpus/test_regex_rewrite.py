"""Rewriting Recog (Ruby) and nmap (PCRE) patterns for Python and RE2, and building values from literal-ish ones."""

from __future__ import annotations

import re

import pytest
import re2

from covered.corpus.converters.regex_rewrite import Unsupported, count_groups, example_of, literal_text, rewrite


def _re2_compiles(pattern: str) -> bool:
    options = re2.Options()
    options.log_errors = False
    try:
        re2.compile(pattern, options)
    except re2.error:
        return False
    return True


@pytest.mark.parametrize(
    ("source", "names", "ruby", "expected", "flags"),
    [
        # Capture groups covered extracts get their names; the others stop capturing.
        (
            r"^ZXHN (\w+)(?: V([\d.]+))?",
            {1: "model", 2: "firmware"},
            True,
            r"^ZXHN (?P<model>\w+)(?: V(?P<firmware>[\d.]+))?",
            (),
        ),
        (r"^Linux/(\S+), UPnP/(\S+)$", {2: "version"}, True, r"^Linux/(?:\S+), UPnP/(?P<version>\S+)$", ()),
        # Ruby: \h is a hex digit, \z/\Z end the string, a leading (?m) is Python's (?s), (?i) becomes a flag.
        (r"^(\h{12})\z", {}, True, r"^(?:[0-9a-fA-F]{12})(?-m:$)", ()),
        (r"(?m)^a.b\Z", {}, True, r"^a.b(?-m:\n?$)", ("s",)),
        (r"(?i)^Huawei$", {}, True, r"^Huawei$", ("i",)),
        (r"x(?im:a.b)", {}, True, r"x(?is:a.b)", ()),
        # POSIX classes and a bare '[' inside a class are spelled the way Python accepts without warnings.
        (r"[[:alpha:][]+", {}, True, r"[a-zA-Z\[]+", ()),
        # PCRE: \0 is NUL, atomic groups and possessive quantifiers only tune backtracking.
        (r"^\0\0\x10(?>[\w.]+?V)(\d++)", {1: "firmware"}, False, r"^\x00\x00\x10(?:[\w.]+?V)(?P<firmware>\d+)", ()),
        (r"^Server: ([^\r\n]+)", {}, False, r"^Server: (?:[^\r\n]+)", ()),
    ],
)
def test_rewrites(source: str, names: dict[int, str], ruby: bool, expected: str, flags: tuple[str, ...]) -> None:
    out = rewrite(source, names, ruby=ruby)
    assert out.pattern == expected
    assert out.flags == flags
    re.compile(out.pattern)
    assert _re2_compiles(out.pattern)


@pytest.mark.parametrize("source", [r"(a)\1", r"\Gfoo", r"\p{Han}", r"a(?i)b", r"(?x) a b", r"[[:foo:]]", "(?|a|b)"])
def test_refuses_what_has_no_equivalent(source: str) -> None:
    with pytest.raises(Unsupported):
        rewrite(source, ruby=True)


def test_keep_numbered_keeps_every_group_for_checking_recog_examples() -> None:
    out = rewrite(r"^(a)(?:b)(c)", ruby=True, keep_numbered=True)
    assert out.pattern == "^(a)(?:b)(c)"
    assert out.groups == 2


@pytest.mark.parametrize(
    ("source", "value", "captured"),
    [
        (r"^Hikvision-Webs\r\n", "Hikvision-Webs\r\n", {}),
        (r"^(?:Hikvision|DNVRS)-Webs$", "Hikvision-Webs", {}),
        (r"\*{3}\r\n {2}Welcome to (ZXDSL)", "***\r\n  Welcome to ZXDSL", {1: "ZXDSL"}),
        (r"^\0\0\0\x10", "\x00\x00\x00\x10", {}),
        (r"a(?:b)?c+", "ac", {}),
    ],
)
def test_example_of_literal_ish(source: str, value: str, captured: dict[int, str]) -> None:
    assert example_of(source) == (value, captured)
    assert re.search(rewrite(source, ruby=False).pattern, value) is not None


@pytest.mark.parametrize("source", [r"Mini web server ([\w._-]+) ZTE", r"Date: .*\r\n", r"a\d", r"(?=a)b", "a|"])
def test_example_of_refuses_what_needs_invention(source: str) -> None:
    if source == "a|":
        # An empty alternative is literal-ish: the first branch is the value.
        assert example_of(source) == ("a", {})
        return
    assert example_of(source) is None


def test_group_count_and_literal_text() -> None:
    assert count_groups(r"^(a)(?:b)[(](?P<x>c)\(") == 2
    assert literal_text(r"^Welcome Visiting Huawei\s+Home Gateway\r\n(\w+)") == "Welcome Visiting Huawei Home Gateway"
