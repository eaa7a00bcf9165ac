"""dismap converter: real rule.go lines in a tiny repository laid out like zhzyker/dismap."""

from __future__ import annotations

from pathlib import Path

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, dismap
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

# Rule lines as in zhzyker/dismap@bb670d2b0b26ca9f52cb25a6a5757e776d43ab5e:configs/rule.go (GPL-3.0; lines 26,
# 237, 421, 942, 1806 and 1812 there), in the file's own Go layout.
RULE_GO = (
    "package configs\n"
    "\n"
    "var RuleData = []RuleLab{\n"
    '\t{1, "EnterCRM", "body", "", InStr{"(Ent.base.js)", "", ""}, ReqHttp{"", "", nil, ""}},\n'
    '\t{3, "Apache-OFBiz", "body|header", "", InStr{"(Apache OFBiz|apache.ofbiz)", "(Set-Cookie: OFBiz.Visitor=)", '
    '""}, ReqHttp{"GET", "/myportal/control/main", nil, ""}},\n'
    '\t{1, "Axis-Cameras-and-Surveillance", "body", "", InStr{"(<meta http-equiv=\\"refresh\\" content=\\"0; '
    'url=/view/viewer_index.shtml?id=0\\" />|content=\\"axis communications ab)", "", ""}, '
    'ReqHttp{"", "", nil, ""}},\n'
    '\t{1, "Dahua-Cameras-and-Surveillance", "header", "", InStr{"", "(server: dahua drs)", ""}, '
    'ReqHttp{"", "", nil, ""}},\n'
    '\t{1, "Hikvision-Cameras-and-Surveillance", "header", "", InStr{"", "(realm=\\"hikvision)", ""}, '
    'ReqHttp{"", "", nil, ""}},\n'
    '\t{1, "Hikvision-iVMS", "body", "", InStr{"(g_szcachetime|tab-border code-iivms\\">|class=\\"enname\\">'
    'ivms-4200|//caoshiyan modify 2015-06-30 中转页面|/home/locationindex.action?time=|<div class=\\"enname\\">'
    'ivms-4200)", "", ""}, ReqHttp{"", "", nil, ""}},\n'
    "}\n"
)


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="dismap-test",
        repository="zhzyker/dismap",
        commit=commit,
        licence="GPL-3.0",
        converter="dismap",
        description="test",
        paths=["configs/rule.go"],
    )


def test_parses_go_rule_lines_with_escapes() -> None:
    rules = dict(dismap.parse_rules(RULE_GO))
    assert sorted(rules) == [4, 5, 6, 7, 8, 9]
    assert rules[5]["path"] == "/myportal/control/main"
    assert rules[8]["header"] == '(realm="hikvision)'
    assert rules[6]["body"].endswith('|content="axis communications ab)')


def test_converts_rules_with_fields_claims_and_lines(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo({dismap.FILE: RULE_GO, "readme.md": "dismap"})
    names = VendorNames(registry.vendors, registry.brands)
    assert CONVERTERS["dismap"] is dismap.convert
    candidates = list(dismap.convert(GitTree(path, commit), _spec(commit), names))
    assert dismap.SKIPPED["not about a tracked maker"] == 2  # EnterCRM and Apache OFBiz
    # '?' makes the letter before it optional in Go's regexp: '...viewer_index.shtml?id=0' and
    # '/home/locationindex.action?time=' are not the literals they look like.
    assert dismap.SKIPPED["alternative is more than a literal"] == 2
    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert not result.rejected
    by_pattern = {s.pattern: s for s in result.signatures}

    server = next(s for s in result.signatures if s.field == "server")
    assert (server.vendor, server.claim) == ("dahua", SignatureClaim.RESTRICTED)
    assert server.source.reference.endswith("configs/rule.go#L7")
    assert FieldMatcher([server]).match("Dahua DRS")

    realm = next(s for s in result.signatures if s.field == "www-authenticate")
    assert realm.vendor == "hikvision"
    assert FieldMatcher([realm]).match('Digest realm="Hikvision", nonce="x"')

    ivms = by_pattern['class="enname">ivms\\-4200']
    assert (ivms.vendor, ivms.flags) == ("hikvision", ["i"])
    assert ivms.source.reference.endswith("#L9")
    assert FieldMatcher([ivms]).match('<div class="enName">iVMS-4200</div>')
    assert "g_szcachetime" in by_pattern

    axis = by_pattern['content="axis\\s+communications\\s+ab']
    assert (axis.vendor, axis.claim) == ("axis", SignatureClaim.GENERIC)


def test_output_is_byte_identical_on_a_second_run(make_repo: MakeRepo, registry: Registry, tmp_path: Path) -> None:
    path, commit = make_repo({dismap.FILE: RULE_GO})
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"

    def run() -> dict[str, bytes]:
        candidates = dismap.convert(GitTree(path, commit), _spec(commit), names)
        write_corpus(build_corpus(_spec(commit), candidates, signatures_for(registry)), folder)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}

    first = run()
    assert {"http_body.yml", "http_server.yml", "http_www_authenticate.yml"} <= set(first)
    assert run() == first
