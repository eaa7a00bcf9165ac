"""The signature data tests itself (Recog style), and the RE2-set matcher agrees with a plain loop."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from covered.identify import signatures_for
from covered.model import Signature, SignatureClaim
from covered.registry import Registry, load_registry

_REGISTRY = load_registry()
SIGNATURES: list[Signature] = sorted(_REGISTRY.signatures.by_id.values(), key=lambda s: s.id)
_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}


def _own_match(signature: Signature, value: str) -> dict[str, str] | None:
    # Independent of covered.identify: plain re / equals, as a reader of the YAML would apply it.
    if signature.equals is not None:
        return {} if value.strip().casefold() == signature.equals.casefold() else None
    flags = 0
    for flag in signature.flags:
        flags |= _FLAGS[flag]
    hit = re.search(str(signature.pattern), value, flags)
    if hit is None:
        return None
    return {k: v for k, v in hit.groupdict().items() if v is not None and k in signature.extract}


@pytest.mark.parametrize("signature", SIGNATURES, ids=[s.id for s in SIGNATURES])
def test_examples_match_with_exact_extractions(signature: Signature) -> None:
    for example in signature.examples:
        assert _own_match(signature, example.value) == example.extract, example.value
    for counter in signature.not_examples:
        assert _own_match(signature, counter) is None, counter


CLAIMING = [s for s in SIGNATURES if s.claim is not SignatureClaim.GENERIC]


@pytest.mark.parametrize("signature", CLAIMING, ids=[s.id for s in CLAIMING])
def test_examples_are_not_claimed_by_another_vendor(registry: Registry, signature: Signature) -> None:
    matcher = signatures_for(registry).matcher(signature.channel.value, signature.field)
    assert matcher is not None
    for example in signature.examples:
        rivals = {
            m.signature.id
            for m in matcher.match(example.value)
            if m.signature.claim is not SignatureClaim.GENERIC and m.signature.vendor not in (None, signature.vendor)
        }
        assert rivals == set(), example.value


def test_regex_set_agrees_with_a_plain_loop(registry: Registry) -> None:
    checked = 0
    for signature in SIGNATURES:
        matcher = signatures_for(registry).matcher(signature.channel.value, signature.field)
        assert matcher is not None
        for value in [e.value for e in signature.examples] + signature.not_examples:
            fast = [(m.signature.id, m.extracted) for m in matcher.match(value)]
            slow = [(m.signature.id, m.extracted) for m in matcher.naive_match(value)]
            assert sorted(fast) == sorted(slow), value
            checked += 1
    assert checked > 300


def test_every_signature_cites_a_source_and_licence() -> None:
    for signature in SIGNATURES:
        assert signature.source.reference.strip()
        assert signature.source.licence.strip()


def test_generic_signatures_never_name_a_restricted_vendor(registry: Registry) -> None:
    for signature in SIGNATURES:
        if signature.claim is SignatureClaim.GENERIC and signature.vendor is not None:
            assert not registry.vendors[signature.vendor].restricted, signature.id


def test_coverage_of_vendors_and_negatives(registry: Registry) -> None:
    vendors = {s.vendor for s in SIGNATURES}
    assert {"hikvision", "dahua", "huawei", "zte"} <= vendors
    assert len(SIGNATURES) >= 150


@pytest.mark.parametrize(
    ("field", "plain"),
    [
        ("subject", "CN=192.168.1.108,OU=DAHUATECH,O=DAHUA,C=CN"),
    ],
)
def test_non_breaking_and_full_width_forms_match_like_plain_text(registry: Registry, field: str, plain: str) -> None:
    matcher = signatures_for(registry).matcher("tls", field)
    assert matcher is not None
    expected = [m.signature.id for m in matcher.match(plain)]
    assert expected, "the plain form must match a curated signature"
    spaced = plain.replace("=DAHUA,", "=\u00a0DAHUA\u00a0,")
    wide = plain.replace("DAHUA", "ＤＡＨＵＡ")
    for variant in (spaced, wide):
        assert [m.signature.id for m in matcher.match(variant)] == expected
        assert [m.signature.id for m in matcher.naive_match(variant)] == expected


def test_signatures_in_corpus_sub_folders_are_loaded(tmp_path: Path) -> None:
    from covered.identify.signatures import load_signatures

    source = load_registry().data_dir / "signatures" / "http_server.yml"
    (tmp_path / "corpus-x").mkdir()
    (tmp_path / "corpus-x" / "http_server.yml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    loaded = load_signatures(tmp_path)
    assert len(loaded) > 10
    assert all(path.parent.name == "corpus-x" for path, _ in loaded.locations.values())


def test_a_restricted_claim_on_a_known_generic_string_is_a_problem(tmp_path: Path) -> None:
    from covered.identify.signatures import load_signatures, signature_problems

    (tmp_path / "http_server.yml").write_text(
        """
- id: generic-webs
  channel: http
  field: server
  description: GoAhead's bare Server header.
  pattern: ^Webs$
  vendor: null
  claim: generic
  confidence: low
  examples: [{value: Webs}]
  source: {reference: rapid7/recog:xml/http_servers.xml, licence: BSD-2-Clause, kind: matcher_literal}
- id: careless-import
  channel: http
  field: server
  description: An imported signature that claims every Webs server.
  pattern: Webs
  vendor: hikvision
  brand: hikvision-brand
  claim: restricted
  confidence: medium
  examples: [{value: Hikvision-Webs}]
  source: {reference: example/corpus:f.txt#L1, licence: MIT, kind: matcher_literal}
""",
        encoding="utf-8",
    )
    problems = [p.message for p in signature_problems(load_signatures(tmp_path), {"hikvision"}, {"hikvision-brand"})]
    assert problems == ["signature generic-webs: generic example 'Webs' is claimed restricted by careless-import"]
