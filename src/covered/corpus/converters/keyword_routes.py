"""Route one literal keyword of a body/header/title web fingerprint to the observation field it is about.

Shared by the fingers, dismap and TideFinger converters, whose entries are keyword lists matched against the raw
body or the raw header block: a body keyword that is a ``<title>`` element is an ``http/title`` value, a header
keyword that is a ``realm="..."`` challenge is ``http/www-authenticate``, ``Server: X`` is ``http/server``
(:func:`~covered.corpus.converters.web_keywords.header_target`); everything else keeps its place. Entry names mixing
Chinese and Latin text ('hikvision摄像头') are also tried by their Latin runs, since whole-word maker lookups do not
split a Latin name from the Chinese word glued to it. Keywords are NFKC-folded, as observed values are.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from covered.corpus.candidate import Candidate, Example
from covered.corpus.converters.web_fields import title_literal
from covered.corpus.converters.web_keywords import EntryMaker, KeywordRule, keyword_candidate, names_maker

__all__ = ["entry_texts", "keep", "plain_literal", "route_keyword", "split_alternatives"]

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_REALM = re.compile(r"^(?:(?:basic|digest)\s+)?realm=", re.IGNORECASE)
_WWW_AUTH = re.compile(r"^www-authenticate:\s*", re.IGNORECASE)


# Entry names that contain a tracked maker's name but mean another product: Axis Commerce is a web shop platform.
# A maker's own web site ('Huawei Official Site') is no device.
_FALSE_FRIENDS = re.compile(r"axis[\s_-]*commerce|official[\s_-]*site", re.IGNORECASE)


def entry_texts(name: str) -> list[str]:
    """The entry name and each Latin run of it between Chinese characters (none for a known false friend)."""
    if _FALSE_FRIENDS.search(name):
        return []
    runs = [run.strip(" -_()") for run in _CJK.split(name)]
    return [name, *(run for run in runs if run and run != name)]


def route_keyword(rule: KeywordRule, keyword: str, entry: EntryMaker) -> tuple[Candidate | None, str]:
    """The candidate for one literal keyword, placed in the field a device sends it in."""
    # Values are matched after NFKC (covered.identify.signatures): full-width colons and brackets of Chinese UIs
    # fold to ASCII there, so the keyword is folded the same way.
    keyword = unicodedata.normalize("NFKC", keyword)
    weak = _weak(keyword, entry)
    if weak:
        return None, weak
    if rule.location == "body":
        title = title_literal(keyword)
        if title is not None:
            return keyword_candidate(replace(rule, location="title"), title[0], entry)
        if _HEADER_LINE.match(keyword):
            rule = replace(rule, location="header")  # a header line written as a body keyword
    if rule.location == "header":
        bare = _WWW_AUTH.sub("", keyword.strip())
        if _REALM.match(bare):
            realm = bare.split("=", 1)[1].strip(' "')
            if len(realm) < _MIN_REALM and not names_maker(realm, entry):
                return None, "realm too short to name a product"
            candidate, reason = keyword_candidate(rule, f"WWW-Authenticate: {bare}", entry)
            return (_challenge_example(candidate) if candidate else None), reason
    return keyword_candidate(rule, keyword, entry)


_FILE_NAME = re.compile(r"^[\w.-]+\.(?:bmp|gif|jpe?g|png|ico|css|js|html?)$", re.IGNORECASE)
_IMAGE = re.compile(r"(?:^|/)(?P<stem>[\w-]+)\.(?:bmp|gif|jpe?g|png|ico)$", re.IGNORECASE)
# Words of image names any vendor's login page has ('/image/banner_top.jpg', 'loginbg.bmp').
_IMAGE_WORD_LIST = (
    "back background banner bg bottom btn button footer header icon img image left logo login loginbg pic"
)
_IMAGE_WORDS = frozenset(f"{_IMAGE_WORD_LIST} reset right top".split())
# Generic web server software: a keyword naming only it ('mod_ssl/2.0.63 OpenSSL/0.9.7m') says nothing of a maker.
_SOFTWARE = re.compile(
    r"mod_\w+|openssl|apache|nginx|goahead|\bboa\b|lighttpd|jetty|tomcat|\bphp\b|microsoft-iis", re.IGNORECASE
)
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:\s")
_MIN_REALM = 5
_WORD = re.compile(r"[a-z]+")
# Ordinary English words of device pages: a keyword made only of them ('access controller', 'system log in')
# names no product.
_ORDINARY_WORDS = """
    a access admin and appliance center client cloud console control controller device devices download firewall
    for gateway home http https in interface log login logon management manager network of page platform point
    portal remote router security server service storage switch system the to user video web welcome wireless
"""
_ORDINARY = frozenset(_ORDINARY_WORDS.split())
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")


def _weak(keyword: str, entry: EntryMaker) -> str | None:
    """Why a keyword the corpus lists says too little to stand for a product (None when it is fine).

    A bare image or script name ('reset.bmp', 'loginbg.bmp'), a common image name ('/image/banner_top.jpg'), generic
    server software ('mod_ssl/2.0.63', '_goaheadwebSessionId'), ordinary English words ('access controller') and
    one site's own address are found on many makers' pages; naming the maker keeps a keyword.
    """
    if names_maker(keyword, entry):
        return None
    if _FILE_NAME.match(keyword.strip()):
        return "bare file name without the maker's name"
    image = _IMAGE.search(keyword.strip())
    if image is not None and all(w in _IMAGE_WORDS for w in re.split(r"[_-]+", image.group("stem").casefold()) if w):
        return "common image name without the maker's name"
    if _SOFTWARE.search(keyword):
        return "names generic web server software"
    words = _WORD.findall(keyword.casefold())
    if words and not re.sub(r"[a-z\s]+", "", keyword.casefold()) and all(w in _ORDINARY for w in words):
        return "ordinary words without the maker's name"
    if _IPV4.search(keyword):
        return "keyword holds one site's address"
    return None


def _challenge_example(candidate: Candidate) -> Candidate:
    """The candidate with its example written as a whole challenge ('Basic realm="X"'), as devices send it."""
    value = candidate.examples[0].value
    if not value.casefold().startswith("realm="):
        return candidate
    closed = value if value.count('"') % 2 == 0 else f'{value}"'
    return replace(candidate, examples=(Example(f"Basic {closed}"),))


def keep(candidate: Candidate | None, reason: str, skipped: Counter[str]) -> Iterator[Candidate]:
    """Yield the candidate, or count the reason it was not made."""
    if candidate is None:
        skipped[reason] += 1
    else:
        yield candidate


def split_alternatives(regex: str) -> list[str] | None:
    """The top-level alternatives of ``(a|b|c)`` or ``a|b``; None when the groups are unbalanced."""
    text = regex
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if depth != 0:
        return None
    parts.append("".join(current))
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth < 0:
            return False
        i += 1
    return depth == 0


# Characters that make a regex more than its literal text. A dot is left out: it matches itself too, so a keyword
# written with bare dots ('huawei technologies co.') still matches the literal it names.
_META = set("^$|?*+()[]{}")


def plain_literal(regex: str) -> str | None:
    """The literal a regex alternative matches when it is one (escapes resolved), else None."""
    out: list[str] = []
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            if i + 1 >= len(regex) or regex[i + 1].isalnum():
                return None  # \d, \s, \w... are classes, not characters
            out.append(regex[i + 1])
            i += 2
            continue
        if ch in _META:
            return None
        out.append(ch)
        i += 1
    literal = "".join(out)
    return literal if literal.strip() else None
