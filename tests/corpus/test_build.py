"""The corpus pipeline: reading a pinned commit, validation, self-test against known negatives, stable output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from covered.corpus import Candidate, CorpusSpec, Example, GitTree, VendorNames, build_corpus, write_corpus
from covered.errors import DataError
from covered.identify import signatures_for
from covered.model import Confidence, SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

LINES = """\
Hikvision-Webs|hikvision
Webs|generic
DNVRS-Webs|dahua
Axis Camera|axis
"""


def spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="demo", repository="example/demo", commit=commit, licence="MIT", converter="demo", description="test"
    )


def convert(tree: GitTree, names: VendorNames) -> Iterator[Candidate]:
    """A converter of the toy format: one 'value|maker' per line of servers.txt."""
    for number, line in enumerate(tree.text("servers.txt").splitlines(), start=1):
        value, maker_name = line.split("|")
        maker = names.resolve(maker_name)
        yield Candidate(
            key=f"servers.txt:{value}",
            channel="http",
            field="server",
            description=f"Server header {value}",
            vendor=maker.vendor if maker else None,
            brand=maker.brand if maker else None,
            claim=maker.claim if maker else SignatureClaim.GENERIC,
            confidence=Confidence.MEDIUM,
            pattern=f"^{value}$",
            examples=(Example(value),),
            path="servers.txt",
            line=number,
        )


def test_reads_the_pinned_commit_and_refuses_others(make_repo: MakeRepo) -> None:
    path, commit = make_repo({"servers.txt": LINES, "sub/dir/file.txt": "x"})
    tree = GitTree(path, commit)
    assert list(tree.files()) == ["servers.txt", "sub/dir/file.txt"]
    assert tree.text("sub/dir/file.txt") == "x"
    with pytest.raises(DataError, match="not in commit"):
        tree.read("missing.txt")
    with pytest.raises(DataError, match="is not in this repository"):
        GitTree(path, "0" * 40)
    with pytest.raises(DataError, match="not a git repository"):
        GitTree(path / "nope", commit)


def test_builds_cited_signatures_and_rejects_claims_on_known_strings(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo({"servers.txt": LINES})
    tree = GitTree(path, commit)
    names = VendorNames(registry.vendors, registry.brands)
    result = build_corpus(spec(commit), convert(tree, names), signatures_for(registry))
    by_value = {s.examples[0].value: s for s in result.signatures}
    # 'DNVRS-Webs' is a curated Hikvision example: a Dahua claim on it is a conflict, rejected with its reason.
    assert "DNVRS-Webs" not in by_value
    assert any("DNVRS-Webs" in r.reason for r in result.rejected)
    hik = by_value["Hikvision-Webs"]
    assert hik.vendor == "hikvision"
    assert hik.claim is SignatureClaim.RESTRICTED
    assert hik.source.reference == f"example/demo@{commit}:servers.txt#L1"
    assert by_value["Axis Camera"].claim is SignatureClaim.GENERIC
    assert by_value["Axis Camera"].vendor == "axis"
    assert by_value["Webs"].vendor is None


def test_output_is_byte_identical_on_a_second_run(make_repo: MakeRepo, registry: Registry, tmp_path: Path) -> None:
    path, commit = make_repo({"servers.txt": LINES})
    names = VendorNames(registry.vendors, registry.brands)
    folder = tmp_path / "out"
    first = build_corpus(spec(commit), convert(GitTree(path, commit), names), signatures_for(registry))
    review = write_corpus(first, folder)
    written = {p.name: p.read_bytes() for p in folder.glob("*.yml")}
    assert review.new
    assert not review.changed
    assert not review.dropped
    again = write_corpus(
        build_corpus(spec(commit), convert(GitTree(path, commit), names), signatures_for(registry)), folder
    )
    assert {p.name: p.read_bytes() for p in folder.glob("*.yml")} == written
    assert not again.new
    assert not again.changed
    assert again.unchanged == len(first.signatures)
    assert b"example/demo@" in written["http_server.yml"]
    assert "Rejected" in review.markdown(first)


def test_patterns_that_need_backtracking_and_bad_fields_are_rejected(registry: Registry) -> None:
    base = {
        "description": "x",
        "vendor": "hikvision",
        "brand": None,
        "claim": SignatureClaim.RESTRICTED,
        "confidence": Confidence.LOW,
        "path": "f",
        "line": 1,
    }
    candidates = [
        Candidate(key="a", channel="http", field="server", pattern=r"^(ab)\1$", examples=(Example("abab"),), **base),
        Candidate(key="b", channel="http", field="nope", pattern="x", examples=(Example("x"),), **base),
        Candidate(key="c", channel="http", field="server", pattern="zz(", examples=(Example("zz"),), **base),
    ]
    result = build_corpus(spec("a" * 40), candidates, signatures_for(registry))
    assert not result.signatures
    reasons = sorted(r.reason.split(":")[0].split(" (")[0] for r in result.rejected)
    assert reasons == ["invalid", "no observation field http/nope", "pattern needs backtracking"]
