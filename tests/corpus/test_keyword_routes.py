"""Keyword routing shared by the fingers, dismap, TideFinger and fscan converters."""

from __future__ import annotations

import pytest

from covered.corpus import VendorNames
from covered.corpus.converters.keyword_routes import entry_texts, plain_literal, route_keyword, split_alternatives
from covered.corpus.converters.web_keywords import EntryMaker, KeywordRule, entry_maker
from covered.registry import Registry


def _entry(registry: Registry, name: str) -> EntryMaker:
    entry = entry_maker(VendorNames(registry.vendors, registry.brands), entry_texts(name))
    assert entry is not None
    return entry


def _rule(location: str) -> KeywordRule:
    return KeywordRule("k", "f", 1, "entry", location, True)


def test_latin_runs_of_mixed_names_resolve_and_false_friends_do_not(registry: Registry) -> None:
    names = VendorNames(registry.vendors, registry.brands)
    assert entry_texts("hikvision摄像头") == ["hikvision摄像头", "hikvision"]
    assert _entry(registry, "hikvision摄像头").maker.vendor == "hikvision"
    assert entry_maker(names, entry_texts("axis-commerce")) is None
    assert entry_maker(names, entry_texts("huawei official site")) is None


def test_titles_realms_and_header_lines_go_to_their_fields(registry: Registry) -> None:
    entry = _entry(registry, "huawei smartax")
    title, _ = route_keyword(_rule("body"), "<title>Huawei HG630</title>", entry)
    assert title is not None
    assert (title.field, title.pattern) == ("title", "Huawei\\s+HG630")
    realm, _ = route_keyword(_rule("header"), 'realm="Huawei SmartAX', entry)
    assert realm is not None
    assert realm.field == "www-authenticate"
    assert realm.examples[0].value == 'Basic realm="Huawei SmartAX"'
    # Full-width brackets of Chinese UIs are folded as observed values are (NFKC).
    folded, _ = route_keyword(_rule("body"), "本设备支持fat模式（fat模式下可单独工作）", entry)
    assert folded is not None
    assert folded.pattern == "本设备支持fat模式\\(fat模式下可单独工作\\)"


@pytest.mark.parametrize(
    ("keyword", "location", "reason"),
    [
        ("loginbg.bmp", "body", "bare file name without the maker's name"),
        ("/image/banner_top.jpg", "body", "common image name without the maker's name"),
        ("mod_ssl/2.0.63 OpenSSL/0.9.7m mod_jk2/2.0.4", "header", "names generic web server software"),
        ("_goaheadwebSessionId", "header", "names generic web server software"),
        ("access controller", "body", "ordinary words without the maker's name"),
        ("var sslhostip ='170.79.114.90'", "body", "keyword holds one site's address"),
        ('WWw-Authenticate: Basic realm=" ONU"', "body", "realm too short to name a product"),
    ],
)
def test_weak_keywords_are_refused_with_their_reason(
    registry: Registry, keyword: str, location: str, reason: str
) -> None:
    candidate, why = route_keyword(_rule(location), keyword, _entry(registry, "ZTE"))
    assert candidate is None
    assert why == reason


def test_alternatives_and_literals() -> None:
    assert split_alternatives("(a|b\\|c|(d|e))") == ["a", "b\\|c", "(d|e)"]
    assert split_alternatives("(a|b") is None
    assert plain_literal("huawei technologies co.") == "huawei technologies co."
    assert plain_literal("jquery\\.min\\.js") == "jquery.min.js"
    assert plain_literal("/ui.css?version=") is None
    assert plain_literal("\\d+") is None
