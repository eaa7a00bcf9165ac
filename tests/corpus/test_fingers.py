"""fingers converter: real fingers_http entries, gzipped, in a tiny repository laid out like chainreactors/fingers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from dulwich.objects import Commit
from dulwich.repo import Repo

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, fingers
from covered.errors import DataError
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import _tree

# Entries as in chainreactors/fingers@7848ea1fac2014253013e16e281db4949115720d:resources/fingers_http.json.gz
# (gunzipped lines 75, 7795 and the 'huawei smartax', 'axis-network-camera' and 'axis-commerce' entries), laid out
# with the file's own two-space indent.
ENTRIES = [
    {"name": "七牛cdn", "rule": [{"regexps": {"header": ["cdn.staticfile.org", "X-Qiniu-Zone"]}}]},
    {
        "focus": True,
        "name": "hikvision摄像头",
        "rule": [
            {
                "favicon": {"md5": ["89b932fcc47cf4ca3faadb0cfdef89cf"], "mmh3": ["999357577"]},
                "regexps": {"body": ["doc/page/login.asp"], "header": ["DVRDVS-Webs"]},
            }
        ],
    },
    {"name": "huawei smartax", "rule": [{"regexps": {"header": ['Basic realm="Huawei SmartAX"']}}]},
    {"name": "axis-network-camera", "rule": [{"regexps": {"body": ["AXIS Video Server", "/incl/trash.shtml"]}}]},
    {"name": "axis-commerce", "rule": [{"regexps": {"body": ["Powered by Axis"]}}]},
    {"name": "huawei", "rule": [{"regexps": {"vuln": ["x"]}, "send_data": "/info"}]},
]


def _repo(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, str]:
    path = tmp_path / "fingers.git"
    repo = Repo.init_bare(str(path), mkdir=True)
    commit = Commit()
    commit.tree = _tree(repo, files)
    commit.author = commit.committer = b"Test <test@example.org>"
    commit.author_time = commit.commit_time = 1_700_000_000
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"corpus"
    repo.object_store.add_object(commit)
    repo.refs[b"refs/heads/main"] = commit.id
    return path, commit.id.decode()


def _corpus(tmp_path: Path) -> tuple[Path, str]:
    text = json.dumps(ENTRIES, ensure_ascii=False, indent=2)
    return _repo(tmp_path, {fingers.FILE: gzip.compress(text.encode(), mtime=0), "README.md": b"fingers"})


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="fingers-test",
        repository="chainreactors/fingers",
        commit=commit,
        licence="none",
        converter="fingers",
        description="test",
    )


def test_converts_own_entries_with_fields_claims_and_lines(tmp_path: Path, registry: Registry) -> None:
    path, commit = _corpus(tmp_path)
    names = VendorNames(registry.vendors, registry.brands)
    assert CONVERTERS["fingers"] is fingers.convert
    candidates = list(fingers.convert(GitTree(path, commit), _spec(commit), names))
    assert fingers.SKIPPED["not about a tracked maker"] == 2  # the CDN and Axis Commerce, a web shop platform
    assert fingers.SKIPPED["rule requests its own path first"] == 1
    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert not result.rejected
    by_value = {(s.channel.value, s.field, s.equals or s.pattern): s for s in result.signatures}
    hik_md5 = by_value[("favicon", "md5", "89b932fcc47cf4ca3faadb0cfdef89cf")]
    assert (hik_md5.vendor, hik_md5.claim) == ("hikvision", SignatureClaim.RESTRICTED)
    # The name's Latin run 'hikvision' is read apart from the Chinese word glued to it (摄像头, camera).
    assert ("favicon", "mmh3", "999357577") in by_value
    # 'doc/page/login.asp' is made of common path words only: not a fingerprint on its own.
    assert fingers.SKIPPED["keyword is not specific to a maker"] == 1
    header = by_value[("http", "header", "DVRDVS\\-Webs")]
    assert (header.vendor, header.flags) == ("hikvision", ["i"])  # the engine folds case
    assert FieldMatcher([header]).match("Server: dvrdvs-webs")
    realm = next(s for s in result.signatures if s.field == "www-authenticate")
    assert realm.vendor == "huawei"
    assert FieldMatcher([realm]).match('Basic realm="Huawei SmartAX"')
    axis = [s for s in result.signatures if s.vendor == "axis"]
    assert axis
    assert {s.claim for s in axis} == {SignatureClaim.GENERIC}
    md5_line = text_lines().index('            "89b932fcc47cf4ca3faadb0cfdef89cf"') + 1
    assert hik_md5.source.reference.endswith(f"#L{md5_line}")


def text_lines() -> list[str]:
    """The gunzipped JSON's lines, as the converter numbers them."""
    return json.dumps(ENTRIES, ensure_ascii=False, indent=2).split("\n")


def test_output_is_byte_identical_on_a_second_run(tmp_path: Path, registry: Registry) -> None:
    path, commit = _corpus(tmp_path)
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"

    def run() -> dict[str, bytes]:
        candidates = fingers.convert(GitTree(path, commit), _spec(commit), names)
        write_corpus(build_corpus(_spec(commit), candidates, signatures_for(registry)), folder)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}

    first = run()
    assert {"favicon_md5.yml", "favicon_mmh3.yml", "http_body.yml", "http_www_authenticate.yml"} <= set(first)
    assert run() == first


def test_a_file_that_is_not_gzip_is_a_data_error(tmp_path: Path, registry: Registry) -> None:
    path, commit = _repo(tmp_path, {fingers.FILE: b"[]"})
    names = VendorNames(registry.vendors, registry.brands)
    with pytest.raises(DataError, match="not gzip"):
        list(fingers.convert(GitTree(path, commit), _spec(commit), names))
