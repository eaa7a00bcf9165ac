"""WhatWeb converter: real match entries in a tiny repository laid out like urbanadventurer/WhatWeb."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from dulwich.objects import Commit, ObjectID, Tree
from dulwich.refs import Ref
from dulwich.repo import Repo

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, whatweb
from covered.corpus.converters.ruby_regex import Untranslatable, name_groups, translate
from covered.corpus.converters.web_fields import verdict
from covered.corpus.converters.whatweb_plugin import RubyRegexLiteral, read_plugin
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import Confidence, EvidenceKind, SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import _tree

# The match entries below are those of urbanadventurer/WhatWeb@660f0f466335a2a290a2425a24322256240eb36f
# (plugins/hikvision.rb#L25, zte-iad.rb#L34 and #L37, vivotek-network-camera.rb#L31 and #L38,
# sony-video-network-station.rb#L24, huawei-quidway-switch.rb#L27, axis-commerce.rb#L28); the surrounding
# plugin text is reduced to the fields the converter reads.
HIKVISION = """\
Plugin.define do
name "HikVision"
website "http://www.hikvisionusa.com/"
# 58,133 for Hikvision-Webs
matches [
# HTTP Server Header
{ :search=>"headers[server]", :regexp=>/^Hikvision-Webs$/ },
]
end
"""
ZTE = """\
Plugin.define do
name "ZTE-IAD"
website "http://wwwen.zte.com.cn/en/solutions/wireless/"
matches [
{ :certainty=>75, :search=>"headers[server]", :version=>/^Mini web server ([^\\s]+) ZTE corp 20[\\d]{2}\\.$/ },
{ :model=>"I532", :url=>"/image/banner_I532.jpg", :md5=>"b7b298d358d9c0ae59224a1c3d3c5585" },
]
end
"""
VIVOTEK = """\
Plugin.define do
name "Vivotek-Network-Camera"
website "http://www.vivotek.com/"
matches [
{ :certainty=>25, :search=>"headers[server]", \
:regexp=>/^(Network Camera|Network Dome Camera|Network Camera with Pan\\/Tilt|Wireless Network Camera)$/ },
{ :url=>"/cgi-bin/admin/getparamjs.cgi", :account=>/security_user(pass|name)\\.[\\d]{1,2}="([^"]+)"/, :offset=>1 },
]
end
"""
SONY = """\
Plugin.define do
name "Sony-Video-Network-Station"
website "http://www.sony.com/"
=begin
{ :text=>'<TITLE>commented out</TITLE>' },
=end
matches [
{ :text=>'<TITLE>SONY Video Network Station</TITLE>' }
]
end
"""
QUIDWAY = """\
Plugin.define do
name "Huawei-Quidway-Switch"
website "http://www.huawei.com/products/datacomm/catalog.do?id=16"
passive do
\tm=[]
\tif @headers["server"] =~ /^Lanswitch - V([\\d]{3})R([\\d]{3}) HttpServer [\\d\\.]+$/
\t\tm << { :version=>"#{$1}r#{$2}" }
\tend
\tm
end
end
"""
AXIS_COMMERCE = """\
Plugin.define do
name "Axis-Commerce"
website "http://axiscommerce.com/"
matches [
{ :text=>'<title>Login to Axis administrator panel</title>' },
]
end
"""
FILES = {
    "plugins/hikvision.rb": HIKVISION,
    "plugins/zte-iad.rb": ZTE,
    "plugins/vivotek-network-camera.rb": VIVOTEK,
    "plugins/sony-video-network-station.rb": SONY,
    "plugins/huawei-quidway-switch.rb": QUIDWAY,
    "plugins/axis-commerce.rb": AXIS_COMMERCE,
    "lib/plugins.rb": "# not a plugin\n",
}


def _repository(tmp_path: Path) -> tuple[Path, str]:
    """The corpus as a bare repository whose large data file is listed but absent, as in stored snapshots."""
    path = tmp_path / "whatweb.git"
    repo = Repo.init_bare(str(path), mkdir=True)
    root = repo[_tree(repo, {k: v.encode() for k, v in FILES.items()})]
    assert isinstance(root, Tree)
    plugins_id = root[b"plugins"][1]
    plugins = repo[plugins_id]
    assert isinstance(plugins, Tree)
    plugins.add(b"IpToCountry.csv", 0o100644, ObjectID(b"1" * 40))  # a blob the object store does not hold
    repo.object_store.add_object(plugins)
    root.add(b"plugins", 0o040000, plugins.id)
    repo.object_store.add_object(root)
    commit = Commit()
    commit.tree = root.id
    commit.author = commit.committer = b"Test <test@example.org>"
    commit.author_time = commit.commit_time = 1_700_000_000
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"corpus"
    repo.object_store.add_object(commit)
    repo.refs[Ref(b"refs/heads/master")] = commit.id
    return path, commit.id.decode()


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="whatweb-test",
        repository="urbanadventurer/WhatWeb",
        commit=commit,
        licence="GPL-2.0",
        converter="whatweb",
        description="test",
        paths=["plugins/", "my-plugins/"],
    )


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_converts_tracked_makers_and_look_alikes_and_skips_the_rest(registry: Registry, tmp_path: Path) -> None:
    path, commit = _repository(tmp_path)
    names = VendorNames(registry.vendors, registry.brands)
    skipped: Counter[str] = Counter()
    candidates = list(whatweb.convert(GitTree(path, commit), _spec(commit), names, skipped))
    assert CONVERTERS["whatweb"] is whatweb.convert
    assert {c.path for c in candidates} == {
        "plugins/hikvision.rb",
        "plugins/zte-iad.rb",
        "plugins/vivotek-network-camera.rb",
        "plugins/sony-video-network-station.rb",
    }
    # Axis Commerce is not Axis Communications; credentials, other files' hashes and a regex without any
    # known value are counted, not converted.
    assert skipped["credentials extractor (:account)"] == 1
    assert skipped["md5 of another file than /favicon.ico"] == 1
    assert skipped["regex without a literal example"] == 1

    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert result.rejected == []
    by_field = {(s.channel.value, s.field, s.vendor): s for s in result.signatures}

    hik = by_field[("http", "server", "hikvision")]
    assert (hik.claim, hik.confidence, hik.brand) == (SignatureClaim.RESTRICTED, Confidence.MEDIUM, "hikvision-brand")
    assert hik.source.reference == f"urbanadventurer/WhatWeb@{commit}:plugins/hikvision.rb#L{_line(HIKVISION, 'Webs$')}"
    assert hik.id.startswith("whatweb-test-hikvision-http-server-")

    # The ZTE regex has no literal value; Recog publishes one, and the version group is extracted from it.
    zte = by_field[("http", "server", "zte")]
    assert zte.claim is SignatureClaim.RESTRICTED
    assert zte.confidence is Confidence.MEDIUM  # WhatWeb's certainty 75
    assert zte.source.kind is EvidenceKind.PUBLISHED_EXAMPLE
    assert [(e.value, e.extract) for e in zte.examples] == [("Mini web server 1.0 ZTE corp 2005.", {"version": "1.0"})]

    # "Network Camera" and its variants are what a camera network is full of: generic, no vendor.
    vivotek = by_field[("http", "server", None)]
    assert vivotek.claim is SignatureClaim.GENERIC
    assert len(vivotek.examples) == 4

    sony = by_field[("http", "title", "sony")]
    assert sony.claim is SignatureClaim.GENERIC  # Sony is tracked as a look-alike, not restricted
    matcher = FieldMatcher(result.signatures)
    # A non-breaking space normalised or not, the title still matches; a near miss does not.
    assert [m.signature.id for m in matcher.match("SONY\u00a0Video Network Station")] == [sony.id]
    assert [m.signature.id for m in matcher.match("SONY Video Network Station 2")] == []
    assert not any(m.signature.vendor == "hikvision" for m in matcher.match("GoAhead-Webs"))


def test_output_is_deterministic(registry: Registry, tmp_path: Path) -> None:
    path, commit = _repository(tmp_path)
    names = VendorNames(registry.vendors, registry.brands)
    existing = signatures_for(registry)
    folders = []
    for run in ("a", "b"):
        result = build_corpus(_spec(commit), whatweb.convert(GitTree(path, commit), _spec(commit), names), existing)
        folder = tmp_path / run
        write_corpus(result, folder)
        folders.append({p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))})
    assert folders[0] == folders[1]
    assert set(folders[0]) == {"http_server.yml", "http_title.yml"}


def test_reader_keeps_line_numbers_and_leaves_nested_passive_tests_out() -> None:
    plugin = read_plugin(SONY)
    assert [e.line for e in plugin.entries] == [_line(SONY, "Video Network Station")]
    nested = """\
Plugin.define do
name "X"
passive do
\tm=[]
\tif @body =~ /outer marker/
\t\tif @body =~ /inner ([0-9]+)/
\t\t\tm << { :version=>$1 }
\t\tend
\tend
\tm << { :name=>"cookie" } if @headers["set-cookie"] =~ /sid=/ and @headers["server"] =~ /x/
\tm << { :name=>"server" } if @headers["Server"] =~ %r{^Box/1\\.0}i
end
end
"""
    read = read_plugin(nested)
    assert [(e.line, e.values) for e in read.entries] == [
        (11, {"search": "headers[server]", "regexp": RubyRegexLiteral("^Box/1\\.0", "i")})
    ]
    # The outer test reports nothing by itself; the inner one and the combined one need their other half.
    assert read.unreadable == 3


@pytest.mark.parametrize(
    ("source", "flags", "body", "pattern", "out_flags", "literals"),
    [
        ("^Hikvision-Webs$", "", False, "^Hikvision-Webs$", (), (("Hikvision-Webs", None),)),
        ("<title>DiBos - Login<\\/title>", "i", False, "<title>DiBos\\s-\\sLogin</title>", ("i",), None),
        ("^x(?<v>\\h+)$", "", True, "^x(?P<v>[0-9a-fA-F]+)$", ("m",), None),
        ("a[[:digit:]]{,3}b", "m", False, "a[0-9]{0,3}b", ("s",), None),
        ("(?i)web (a|b)", "", False, "web\\s(a|b)", ("i",), (("web a", "a"), ("web b", "b"))),
    ],
)
def test_ruby_regexes_become_python_and_re2_patterns(
    source: str,
    flags: str,
    body: bool,
    pattern: str,
    out_flags: tuple[str, ...],
    literals: tuple[tuple[str, str | None], ...] | None,
) -> None:
    translated = translate(source, flags, multiline_field=body)
    assert translated.pattern == pattern
    assert translated.flags == out_flags
    if literals is not None:
        assert translated.literals == literals
    re.compile(translated.pattern)


@pytest.mark.parametrize("source", ["a(?>b)", "a++", "\\Gx", "(a)\\1", "[a&&b]", "\\p{Alpha}"])
def test_constructs_without_an_exact_equivalent_are_refused(source: str) -> None:
    with pytest.raises(Untranslatable):
        translate(source)


def test_only_the_extracted_group_stays_capturing() -> None:
    translated = translate("^Lanswitch - V([\\d]{3})R([\\d]{3}) HttpServer [\\d\\.]+$")
    named = name_groups(translated, {2: "firmware"})
    assert named == "^Lanswitch\\s-\\sV(?:[\\d]{3})R(?P<firmware>[\\d]{3})\\sHttpServer\\s[\\d\\.]+$"
    found = re.search(named, "Lanswitch - V100R003 HttpServer 1.1")
    assert found is not None
    assert found.groupdict() == {"firmware": "003"}


@pytest.mark.parametrize(
    ("literal", "maker", "field", "vendor", "confidence"),
    [
        # Strings of WhatWeb's kedacom-truesens, h3c-secblade-firewall, vivotek-network-camera, huawei-firewall.
        ("KEDACOM-Webs", "Kedacom", "server", "kedacom", Confidence.MEDIUM),
        ("Switch", "H3C", "server", None, Confidence.LOW),
        ("Network Dome Camera", "Vivotek", "server", None, Confidence.LOW),
        ("<!--Modify by wangxiangguang 2006-9-29 for BYDD15857 Begin -->", "Huawei", "body", "huawei", Confidence.LOW),
        ("<title>Login</title>", "Huawei", "body", None, Confidence.LOW),
    ],
)
def test_generic_strings_name_no_maker_and_named_ones_are_medium(
    registry: Registry, literal: str, maker: str, field: str, vendor: str | None, confidence: Confidence
) -> None:
    names = VendorNames(registry.vendors, registry.brands)
    resolved = names.resolve(maker)
    assert resolved is not None
    judged = verdict(literal, resolved, names, field=field)
    assert (judged.vendor, judged.confidence) == (vendor, confidence)
    assert (judged.claim is SignatureClaim.GENERIC) == (vendor is None or not registry.vendors[vendor].restricted)
