"""fscan converter: real RuleDatas lines in a tiny repository laid out like shadow1ng/fscan."""

from __future__ import annotations

from pathlib import Path

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, fscan
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

# Rule lines as in shadow1ng/fscan@d7dbccab76e587f50dbcd45cb845b28048de9054:webscan/fingerprint/rules.go (MIT;
# lines 45, 49, 107, 159 and 160 there), in the file's own Go layout.
RULES_GO = (
    "package fingerprint\n"
    "\n"
    "var RuleDatas = []RuleData{\n"
    '\t{Name: "绿盟防火墙", Type: "code", Rule: "(NSFOCUS NF)"},\n'
    '\t{Name: "Topsec-Waf", Type: "index", Rule: `(<META NAME="Copyright" CONTENT="Topsec Network Security '
    'Technology Co.,Ltd"/>","<META NAME="DESCRIPTION" CONTENT="Topsec web UI"/>)`},\n'
    '\t{Name: "H3C ICG 1000", Type: "code", Rule: "(ICG 1000系统管理)"},\n'
    '\t{Name: "华为（HUAWEI）安全设备", Type: "code", Rule: "(sweb-lib/resource/)"},\n'
    '\t{Name: "华为（HUAWEI）USG", Type: "code", Rule: "(UI_component/commonDefine/UI_regex_define.js)"},\n'
    "}\n"
)


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="fscan-test",
        repository="shadow1ng/fscan",
        commit=commit,
        licence="MIT",
        converter="fscan",
        description="test",
        paths=[fscan.FILE],
    )


def test_parses_interpreted_and_raw_go_strings() -> None:
    rules = {line: (name, kind, rule) for line, name, kind, rule in fscan.parse_rules(RULES_GO)}
    assert sorted(rules) == [4, 5, 6, 7, 8]
    assert rules[5][1] == "index"
    assert rules[5][2].startswith('(<META NAME="Copyright"')


def test_converts_rules_with_fields_claims_and_lines(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo({fscan.FILE: RULES_GO, "README.md": "fscan"})
    names = VendorNames(registry.vendors, registry.brands)
    assert CONVERTERS["fscan"] is fscan.convert
    candidates = list(fscan.convert(GitTree(path, commit), _spec(commit), names))
    assert fscan.SKIPPED["not about a tracked maker"] == 2  # NSFOCUS and Topsec firewalls
    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert not result.rejected
    by_line = {s.source.reference.rsplit("#L", 1)[1]: s for s in result.signatures}
    assert set(by_line) == {"6", "7", "8"}

    h3c = by_line["6"]
    assert (h3c.vendor, h3c.claim, h3c.field) == ("h3c", SignatureClaim.GENERIC, "body")
    assert FieldMatcher([h3c]).match("<title>ICG 1000系统管理</title>")

    usg = by_line["8"]
    assert (usg.vendor, usg.claim, usg.flags) == ("huawei", SignatureClaim.RESTRICTED, [])
    assert FieldMatcher([usg]).match('<script src="/UI_component/commonDefine/UI_regex_define.js"></script>')
    assert not FieldMatcher([usg]).match("ui_component/commondefine/ui_regex_define.js")  # fscan is case-sensitive


def test_output_is_byte_identical_on_a_second_run(make_repo: MakeRepo, registry: Registry, tmp_path: Path) -> None:
    path, commit = make_repo({fscan.FILE: RULES_GO})
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"

    def run() -> dict[str, bytes]:
        candidates = fscan.convert(GitTree(path, commit), _spec(commit), names)
        write_corpus(build_corpus(_spec(commit), candidates, signatures_for(registry)), folder)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}

    first = run()
    assert set(first) == {"http_body.yml"}
    assert run() == first
