"""EHole converter: real finger.json entries in a tiny repository laid out like EdgeSecurityTeam/EHole."""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, ehole
from covered.errors import DataError
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import Confidence, SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

# Entries as in EdgeSecurityTeam/EHole@9a91e0b3372537681d1b88a31cfab3d00620c1e5:finger.json (Apache-2.0), in the
# file's own layout (tabs, CRLF). The first keyword holds a U+2028, which str.splitlines() would count as a line.
FINGER = (
    "{\r\n"
    '\t"fingerprint": [{\r\n'
    '\t\t"cms": "致远OA",\r\n'
    '\t\t"method": "keyword",\r\n'
    '\t\t"location": "body",\r\n'
    '\t\t"keyword": ["/seeyon/common/\u2028"]\r\n'
    "\t}, {\r\n"
    '\t\t"cms": "Hikvision IP Camera",\r\n'
    '\t\t"method": "faviconhash",\r\n'
    '\t\t"location": "body",\r\n'
    '\t\t"keyword": ["999357577"]\r\n'
    "\t}, {\r\n"
    '\t\t"cms": "AXIS (network cameras)",\r\n'
    '\t\t"method": "faviconhash",\r\n'
    '\t\t"location": "body",\r\n'
    '\t\t"keyword": ["-1616143106"]\r\n'
    "\t}, {\r\n"
    '\t    "cms": "Huawei user-login",\r\n'
    '\t    "method": "keyword",\r\n'
    '\t    "location": "header",\r\n'
    '\t    "keyword": ["Huawei Auth-Http"]\r\n'
    "\t}, {\r\n"
    '\t\t"cms": "海康威视 流媒体管理服务器",\r\n'
    '\t\t"method": "keyword",\r\n'
    '\t\t"location": "body",\r\n'
    '\t\t"keyword": ["流媒体管理服务器", "MSHTML", "login"]\r\n'
    "\t}, {\r\n"
    '\t\t"cms": "大华安防 DSS",\r\n'
    '\t\t"method": "keyword",\r\n'
    '\t\t"location": "body",\r\n'
    '\t\t"keyword": ["User", "<meta http-equiv=\\"refresh\\" content=\\"1;URL=\'/admin\'\\"/>"]\r\n'
    "\t}, {\r\n"
    '\t\t"cms": "海康综合安防管理平台",\r\n'
    '\t\t"method": "keyword",\r\n'
    '\t\t"location": "title",\r\n'
    '\t\t"keyword": ["综合安防管理平台"]\r\n'
    "\t}]\r\n"
    "}\r\n"
)


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="ehole-test",
        repository="EdgeSecurityTeam/EHole",
        commit=commit,
        licence="Apache-2.0",
        converter="ehole",
        description="test",
        paths=["finger.json"],
    )


def test_converts_entries_with_their_lines_claims_and_fields(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo({"finger.json": FINGER, "README.md": "EHole"})
    names = VendorNames(registry.vendors, registry.brands)
    assert CONVERTERS["ehole"] is ehole.convert
    candidates = list(ehole.convert(GitTree(path, commit), _spec(commit), names))
    assert ehole.SKIPPED["not about a tracked maker"] == 1  # 致远OA (Seeyon OA) is no tracked maker
    assert ehole.SKIPPED["no specific keyword"] == 1  # 'User' and a refresh to /admin say nothing of Dahua
    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert not result.rejected
    by_line = {s.source.reference.rsplit("#L", 1)[1]: s for s in result.signatures}
    assert set(by_line) == {"11", "16", "21", "26", "36"}

    hik = by_line["11"]
    assert (hik.channel.value, hik.field, hik.equals) == ("favicon", "mmh3", "999357577")
    assert (hik.vendor, hik.claim) == ("hikvision", SignatureClaim.RESTRICTED)
    axis = by_line["16"]
    assert (axis.vendor, axis.claim) == ("axis", SignatureClaim.GENERIC)

    header = by_line["21"]
    assert (header.field, header.flags, header.confidence) == ("header", [], Confidence.MEDIUM)
    assert FieldMatcher([header]).match("Server: Huawei Auth-Http Server 1.0")
    assert not FieldMatcher([header]).match("Server: huawei auth-http")  # EHole's strings.Contains is exact

    streaming = by_line["26"]
    assert streaming.vendor == "hikvision"
    assert streaming.confidence is Confidence.LOW
    assert streaming.source.note is not None
    assert "'MSHTML'" in streaming.source.note

    title = by_line["36"]
    assert (title.field, title.vendor, title.confidence) == ("title", "hikvision", Confidence.MEDIUM)
    assert FieldMatcher([title]).match("综合安防管理平台")
    assert not FieldMatcher([title]).match("综合管理平台")


def test_output_is_byte_identical_on_a_second_run(make_repo: MakeRepo, registry: Registry, tmp_path: Path) -> None:
    path, commit = make_repo({"finger.json": FINGER})
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"

    def run() -> dict[str, bytes]:
        candidates = ehole.convert(GitTree(path, commit), _spec(commit), names)
        write_corpus(build_corpus(_spec(commit), candidates, signatures_for(registry)), folder)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}

    first = run()
    assert set(first) == {"favicon_mmh3.yml", "http_body.yml", "http_header.yml", "http_title.yml"}
    assert run() == first


def test_a_broken_finger_json_is_a_data_error(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo({"finger.json": '{"fingerprint": [}'})
    names = VendorNames(registry.vendors, registry.brands)
    with pytest.raises(DataError, match="not JSON"):
        list(ehole.convert(GitTree(path, commit), _spec(commit), names))
