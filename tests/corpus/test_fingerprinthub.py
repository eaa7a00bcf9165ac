"""FingerprintHub converter: real entries in a tiny repository laid out like 0x727/FingerprintHub."""

from __future__ import annotations

from pathlib import Path

from dulwich.objects import Commit, Tree
from dulwich.repo import Repo

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus, write_corpus
from covered.corpus.converters import CONVERTERS, fingerprinthub
from covered.identify import signatures_for
from covered.identify.signatures import FieldMatcher
from covered.model import Confidence, SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import _tree

# Entries as in 0x727/FingerprintHub@62d01b0c732d7b958d9b6c177a78bb7c05e0b0dc (MIT), same paths.
HIKVISION_FAVICON = """\
id: hikvision
info:
  name: hikvision
  author: cn-kali-team
  tags: detect,tech,hikvision
  severity: info
  metadata:
    product: hikvision
    vendor: hikvision
    verified: true
http:
- method: GET
  path:
  - '{{BaseURL}}/'
  matchers:
  - type: favicon
    hash:
    - '-808437027'
"""
IVMS_8700 = """\
id: hikvision-ivms-8700
info:
  name: hikvision-ivms-8700
  author: cn-kali-team
  tags: detect,tech,hikvision-ivms-8700
  severity: info
  metadata:
    product: hikvision-ivms-8700
    vendor: 00_unknown
    verified: false
http:
- method: GET
  path:
  - '{{BaseURL}}/'
  matchers:
  - type: word
    words:
    - src="/portal/common/js/commonvar.js
    case-insensitive: true
"""
STREAMING_SERVER = """\
id: hai-kang-wei-shi-liu-mei-ti-guan-li-fu-wu-qi
info:
  name: 海康威视流媒体管理服务器
  author: cn-kali-team
  tags: detect,tech,海康威视流媒体管理服务器
  severity: info
  metadata:
    product: 海康威视流媒体管理服务器
    vendor: 00_unknown
    verified: false
http:
- method: GET
  path:
  - '{{BaseURL}}/'
  matchers:
  - type: word
    words:
    - mshtml
    - login
    - 流媒体管理服务器
    condition: and
    case-insensitive: true
"""
MOBOTIX = """\
id: s14
info:
  name: s14
  author: cn-kali-team
  tags: detect,tech,s14
  severity: info
  metadata:
    product: s14
    shodan-query:
    - title:"mobotix"
    vendor: mobotix
    verified: true
http:
- method: GET
  path:
  - '{{BaseURL}}/'
  matchers:
  - type: regex
    regex:
    - (?mi)<title[^>]*>mobotix.*?</title>
"""
APACHE_AXIS = """\
id: apache-axis
info:
  name: apache-axis
  author: cn-kali-team
  tags: detect,tech,apache-axis
  severity: info
  metadata:
    product: apache-axis
    vendor: 00_unknown
    verified: false
http:
- method: GET
  path:
  - '{{BaseURL}}/'
  matchers:
  - type: word
    words:
    - http://ws.apache.org/axis2
    case-insensitive: true
"""
UNIVIEW_LOCATION = """\
id: yu-shi-vs-isc5000-e
info:
  name: 宇视vs-isc5000-e
  metadata:
    product: 宇视vs-isc5000-e
    vendor: 00_unknown
http:
- method: GET
  path:
  - '{{BaseURL}}/'
  matchers:
  - type: word
    part: header
    words:
    - 'location: page/login/'
    case-insensitive: true
"""
FILES = {
    "web-fingerprint/hikvision/hikvision.yaml": HIKVISION_FAVICON,
    "web-fingerprint/00_unknown/hikvision-ivms-8700.yaml": IVMS_8700,
    "web-fingerprint/00_unknown/海康威视流媒体管理服务器.yaml": STREAMING_SERVER,
    "web-fingerprint/mobotix/s14.yaml": MOBOTIX,
    "web-fingerprint/00_unknown/apache-axis.yaml": APACHE_AXIS,
    "web-fingerprint/00_unknown/宇视vs-isc5000-e.yaml": UNIVIEW_LOCATION,
    # Vulnerability checks are never read, even when they name a tracked maker.
    "plugins/hikvision/hikvision/hikvision-js-files-upload.yaml": HIKVISION_FAVICON,
}


def _repository(tmp_path: Path) -> tuple[Path, str]:
    """The corpus as a bare repository whose largest file is listed but absent, as in the stored snapshots."""
    path = tmp_path / "fingerprinthub.git"
    repo = Repo.init_bare(str(path), mkdir=True)
    root = repo[_tree(repo, {k: v.encode() for k, v in FILES.items()})]
    assert isinstance(root, Tree)
    root.add(b"web_fingerprint_v4.json", 0o100644, b"1" * 40)  # a blob the object store does not hold
    repo.object_store.add_object(root)
    commit = Commit()
    commit.tree = root.id
    commit.author = commit.committer = b"Test <test@example.org>"
    commit.author_time = commit.commit_time = 1_700_000_000
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = b"corpus"
    repo.object_store.add_object(commit)
    repo.refs[b"refs/heads/main"] = commit.id
    return path, commit.id.decode()


def _spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="fingerprinthub-test",
        repository="0x727/FingerprintHub",
        commit=commit,
        licence="MIT",
        converter="fingerprinthub",
        description="test",
    )


def test_converts_tracked_makers_and_look_alikes_and_skips_the_rest(registry: Registry, tmp_path: Path) -> None:
    path, commit = _repository(tmp_path)
    names = VendorNames(registry.vendors, registry.brands)
    candidates = list(fingerprinthub.convert(GitTree(path, commit), _spec(commit), names))
    assert CONVERTERS["fingerprinthub"] is fingerprinthub.convert
    assert {c.path for c in candidates} == {
        "web-fingerprint/hikvision/hikvision.yaml",
        "web-fingerprint/00_unknown/hikvision-ivms-8700.yaml",
        "web-fingerprint/00_unknown/海康威视流媒体管理服务器.yaml",
        "web-fingerprint/mobotix/s14.yaml",
    }
    # Apache Axis is not Axis Communications; 'location: page/login/' says nothing about Uniview.
    assert fingerprinthub.SKIPPED["not about a tracked maker"] == 1
    assert fingerprinthub.SKIPPED["no specific keyword"] == 1

    result = build_corpus(_spec(commit), candidates, signatures_for(registry))
    assert not result.rejected
    by_field = {f"{s.channel.value}/{s.field}:{s.examples[0].value}": s for s in result.signatures}
    favicon = by_field["favicon/mmh3:-808437027"]
    assert favicon.equals == "-808437027"
    assert (favicon.vendor, favicon.claim, favicon.confidence) == (
        "hikvision",
        SignatureClaim.RESTRICTED,
        Confidence.MEDIUM,
    )
    assert favicon.source.reference == f"0x727/FingerprintHub@{commit}:web-fingerprint/hikvision/hikvision.yaml#L18"

    body = next(s for s in result.signatures if s.field == "body" and "commonvar" in (s.pattern or ""))
    assert body.flags == ["i"]
    assert body.confidence is Confidence.LOW  # a script path is a hint, not the maker's name
    matcher = FieldMatcher([body])
    assert matcher.match('<script SRC="/portal/common/js/commonVar.js"></script>')
    assert not matcher.match('<script src="/portal/common/js/common.js"></script>')

    # An AND of 'mshtml', 'login' and the product name: only the product name is specific, the rest is noted.
    streaming = next(s for s in result.signatures if "流媒体" in (s.pattern or ""))
    assert streaming.vendor == "hikvision"
    assert streaming.source.note is not None
    assert "'mshtml'" in streaming.source.note
    assert streaming.source.reference.endswith("#L20")

    title = next(s for s in result.signatures if s.field == "title")
    assert (title.vendor, title.claim) == ("mobotix", SignatureClaim.GENERIC)
    title_matcher = FieldMatcher([title])
    assert title_matcher.match("MOBOTIX M16 Camera")
    assert not title_matcher.match("Live view of a MOBOTIX camera")  # the corpus matches the title's start


def test_ids_and_files_are_stable_across_runs(registry: Registry, tmp_path: Path) -> None:
    path, commit = _repository(tmp_path)
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"

    def run() -> dict[str, bytes]:
        candidates = fingerprinthub.convert(GitTree(path, commit), _spec(commit), names)
        write_corpus(build_corpus(_spec(commit), candidates, signatures_for(registry)), folder)
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yml"))}

    first = run()
    assert set(first) == {"favicon_mmh3.yml", "http_body.yml", "http_title.yml"}
    assert run() == first
    assert b"fingerprinthub-test-hikvision-favicon-mmh3-" in first["favicon_mmh3.yml"]
