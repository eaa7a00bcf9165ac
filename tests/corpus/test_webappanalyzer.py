"""Wappalyzer-format converter: technology files in a tiny repository laid out like enthec/webappanalyzer."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus
from covered.corpus.converters import CONVERTERS, webappanalyzer
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

# "plentyShop LTS" and "UniFi OS" as in enthec/webappanalyzer@1b9eee8154c0f01e7888c5242cf6fbbc4a3fcea6
# (src/technologies/p.json, u.json). That commit has no technology by a tracked camera or telecom maker, so the
# other two entries put strings devices were seen to send into the corpus's format: the Server header
# 'Hikvision-Webs' (rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5:xml/http_servers.xml#L3069) and the
# AirOS session cookie name (urbanadventurer/WhatWeb@660f0f466335a2a290a2425a24322256240eb36f:plugins/airos.rb#L34).
P_JSON = {
    "plentyShop LTS": {
        "cats": [6],
        "headers": {"X-Plenty-Shop": "Ceres"},
        "website": "https://www.plentymarkets.com/product/modules/online-shop/",
    }
}
U_JSON = {
    "UniFi OS": {
        "cats": [28],
        "js": {"unifiConstant.VERSION": "^([\\d+\\.]+)$\\;version:\\1"},
        "website": "https://www.ui.com/",
    }
}
H_JSON = {
    "Hikvision Web Server": {
        "cats": [22],
        "headers": {"Server": "^Hikvision-Webs$\\;confidence:75"},
        "website": "https://www.hikvision.com",
    }
}
A_JSON = {
    "AirOS": {
        "cats": [28],
        "cookies": {"AIROS_SESSIONID": ""},
        "html": "<title>[^<]*airOS",
        "website": "http://www.ubnt.com/airos",
    }
}


def _files() -> dict[str, str]:
    return {
        f"src/technologies/{name}.json": json.dumps(body, indent=2) + "\n"
        for name, body in (("p", P_JSON), ("u", U_JSON), ("h", H_JSON), ("a", A_JSON))
    } | {"src/categories.json": "{}\n"}


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="webappanalyzer-test",
        repository="enthec/webappanalyzer",
        commit=commit,
        licence="GPL-3.0",
        converter="webappanalyzer",
        description="test",
        paths=["src/technologies/"],
    )


def test_takes_makers_by_leading_name_or_website_and_skips_unobserved_matchers(
    registry: Registry, make_repo: MakeRepo
) -> None:
    path, commit = make_repo(_files())
    names = VendorNames(registry.vendors, registry.brands)
    skipped: Counter[str] = Counter()
    candidates = list(webappanalyzer.convert(GitTree(path, commit), _spec(commit), names, skipped))
    assert CONVERTERS["webappanalyzer"] is webappanalyzer.convert
    # plentyShop LTS is a web shop template, not LTS the relabel brand: "LTS" is not its leading word.
    assert {c.path for c in candidates} == {"src/technologies/h.json", "src/technologies/a.json"}
    assert skipped["matcher js (not observed by covered's probes)"] == 1
    assert skipped["regex without a literal example"] == 1

    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert result.rejected == []
    by_field = {(s.channel.value, s.field): s for s in result.signatures}
    server = by_field[("http", "server")]
    assert (server.vendor, server.claim) == ("hikvision", SignatureClaim.RESTRICTED)
    assert server.source.reference.endswith("src/technologies/h.json#L2")
    assert server.flags == ["i"]  # Wappalyzer matches case-insensitively
    cookie = by_field[("http", "cookie")]
    assert (cookie.vendor, cookie.claim) == ("ubiquiti", SignatureClaim.GENERIC)
    matcher = FieldMatcher(result.signatures)
    assert [m.signature.id for m in matcher.match("AIROS_SESSIONID=0123456789abcdef")] == [cookie.id]
    assert [m.signature.id for m in matcher.match("XAIROS_SESSIONID=1")] == []


@pytest.mark.parametrize(
    ("raw", "pattern", "group", "confidence"),
    [
        ("^Hikvision-Webs$", "^Hikvision-Webs$", None, 100),
        ("Foo ([\\d.]+)\\;version:\\1\\;confidence:50", "Foo ([\\d.]+)", 1, 50),
        ("x(a)?\\;version:\\1?\\1:legacy", "x(a)?", 1, 100),
    ],
)
def test_directives_are_split_from_the_pattern(raw: str, pattern: str, group: int | None, confidence: int) -> None:
    parts = webappanalyzer.split_directives(raw)
    assert (parts.pattern, parts.version_group, parts.confidence) == (pattern, group, confidence)
