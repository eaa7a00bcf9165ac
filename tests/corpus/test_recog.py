# ruff: noqa: E501 - the fixtures quote corpus lines verbatim
"""The Recog converter on a tiny repository laid out like rapid7/recog, with entries quoted from its xml/ files.

Entries (rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5, BSD-2-Clause): xml/http_servers.xml#L3067
(Hikvision web servers) and #L4184 (Axis libupnp), xml/telnet_banners.xml#L110 (ZTE ZXHN), xml/favicons.xml#L1662
(Hikvision DVR), xml/x509_subjects.xml#L823 (Hikvision DVR certificate), xml/ftp_banners.xml#L669 (Axis FTP).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus
from covered.corpus.converters import CONVERTERS
from covered.corpus.converters.recog import candidates
from covered.identify import signatures_for
from covered.identify.signatures import SignatureSet
from covered.model import Confidence, Signature, SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

HTTP_SERVERS = """<?xml version='1.0' encoding='UTF-8'?>
<fingerprints matches="http_header.server" protocol="http" database_type="service" preference="0.90">
  <!-- <fingerprint pattern="^commented-out$"> must not shift line numbers -->
  <fingerprint pattern="^(?:Hikvision|DNVRS|DVRDVS)-Webs$">
    <description>Web server found on DVR and webcam servers sourced from Hikvision</description>
    <example>Hikvision-Webs</example>
    <example>DVRDVS-Webs</example>
    <example>DNVRS-Webs</example>
    <param pos="0" name="service.vendor" value="Hikvision"/>
    <param pos="0" name="os.vendor" value="Hikvision"/>
    <param pos="0" name="hw.vendor" value="Hikvision"/>
    <param pos="0" name="hw.device" value="DVR"/>
  </fingerprint>

  <fingerprint pattern="^Linux/(\\S+\\-axis[^,]+), UPnP/[\\d\\.]+, Portable SDK for UPnP devices/(\\S+)$">
    <description>Axis Network Camera</description>
    <example os.version="4.9.94-axis5" service.version="1.6.22">Linux/4.9.94-axis5, UPnP/1.0, Portable SDK for UPnP devices/1.6.22</example>
    <param pos="0" name="hw.vendor" value="AXIS"/>
    <param pos="0" name="hw.device" value="IP Camera"/>
    <param pos="1" name="os.version"/>
    <param pos="2" name="service.version"/>
  </fingerprint>

  <fingerprint pattern="^Apache$">
    <description>Apache</description>
    <example>Apache</example>
    <param pos="0" name="service.vendor" value="Apache"/>
  </fingerprint>

  <fingerprint pattern="^Linux/(\\S+\\-axis[^,]+), UPnP/[\\d\\.]+, Portable SDK/(\\S+)$">
    <description>Axis entry whose example expects another version (made up to test the refusal)</description>
    <example os.version="9.9">Linux/4.9.94-axis5, UPnP/1.0, Portable SDK/1.6.22</example>
    <param pos="0" name="hw.vendor" value="AXIS"/>
    <param pos="1" name="os.version"/>
  </fingerprint>
</fingerprints>
"""

TELNET = """<?xml version='1.0' encoding='UTF-8'?>
<fingerprints protocol="telnet" database_type="util.os">
  <fingerprint pattern="^(?:\\r|\\n)?ZXHN (\\w+)(?: V([\\d.]+))?(?:\\r|\\n)*Login:\\s*$">
    <description>ZTE ZXHN router</description>
    <example _encoding="base64" hw.product="H108N">WlhITiBIMTA4Tg0KTG9naW46Cg==</example>
    <example _encoding="base64" hw.product="H298A" hw.version="1.1">WlhITiBIMjk4QSBWMS4xDQpMb2dpbjoK</example>
    <param pos="0" name="hw.vendor" value="ZTE"/>
    <param pos="0" name="hw.device" value="Router"/>
    <param pos="1" name="hw.product"/>
    <param pos="2" name="hw.version"/>
  </fingerprint>
</fingerprints>
"""

FAVICONS = """<?xml version='1.0' encoding='UTF-8'?>
<fingerprints matches="favicon.md5">
  <fingerprint pattern="^(?:89b932fcc47cf4ca3faadb0cfdef89cf|efca7d9aeaad122133c65cdf628ac574)$">
    <description>Hikvision DVR</description>
    <example>89b932fcc47cf4ca3faadb0cfdef89cf</example>
    <example>efca7d9aeaad122133c65cdf628ac574</example>
    <param pos="0" name="service.vendor" value="Hikvision"/>
    <param pos="0" name="hw.vendor" value="Hikvision"/>
  </fingerprint>
</fingerprints>
"""

X509 = """<?xml version='1.0' encoding='UTF-8'?>
<fingerprints matches="x509.subject" protocol="x509">
  <fingerprint pattern="^CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN$">
    <description>HIKVISION DVR</description>
    <example>CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN</example>
    <param pos="0" name="os.vendor" value="Hikvision"/>
    <param pos="0" name="hw.vendor" value="Hikvision"/>
  </fingerprint>
</fingerprints>
"""

FTP = """<?xml version='1.0' encoding='UTF-8'?>
<fingerprints matches="ftp.banner" protocol="ftp">
  <fingerprint pattern="(?i)^AXIS (\\S+) .* Camera(?:\\s+version)?\\s+(\\S+)">
    <description>Axis Network Camera</description>
    <example hw.product="2100" hw.version="2.43">Axis 2100 Network Camera 2.43 Nov 04 2008 ready.</example>
    <param pos="0" name="hw.vendor" value="Axis"/>
    <param pos="1" name="hw.product"/>
    <param pos="2" name="hw.version"/>
  </fingerprint>
</fingerprints>
"""

FILES = {
    "xml/http_servers.xml": HTTP_SERVERS,
    "xml/telnet_banners.xml": TELNET,
    "xml/favicons.xml": FAVICONS,
    "xml/x509_subjects.xml": X509,
    "xml/ftp_banners.xml": FTP,
    "README.md": "not a fingerprint file",
}


def others(registry: Registry) -> SignatureSet:
    """Every shipped signature except this corpus's own generated ones (what the importer tests against)."""
    signatures = signatures_for(registry)
    keep = {sid: loc for sid, loc in signatures.locations.items() if loc[0].parent.name != "recog"}
    return SignatureSet(by_id={sid: signatures.by_id[sid] for sid in keep}, locations=keep, fields={})


def spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="recog",
        repository="rapid7/recog",
        commit=commit,
        licence="BSD-2-Clause",
        converter="recog",
        description="test",
        paths=["xml/"],
    )


def _matches(signature: Signature, value: str) -> re.Match[str] | None:
    assert signature.pattern is not None
    flags = 0
    for flag in signature.flags:
        flags |= {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}[flag]
    return re.search(signature.pattern, value, flags)


@pytest.fixture
def built(make_repo: MakeRepo, registry: Registry) -> tuple[str, list[Signature], Counter[str], list[str]]:
    path, commit = make_repo(FILES)
    tree = GitTree(path, commit)
    names = VendorNames(registry.vendors, registry.brands)
    skipped: Counter[str] = Counter()
    proposed = list(candidates(tree, spec(commit), names, skipped))
    result = build_corpus(spec(commit), proposed, others(registry))
    return commit, result.signatures, skipped, [r.reason for r in result.rejected]


def test_registered() -> None:
    assert "recog" in CONVERTERS


def test_restricted_entry_cites_its_line_and_extracts_model_and_firmware(
    built: tuple[str, list[Signature], Counter[str], list[str]],
) -> None:
    commit, signatures, _, _ = built
    zxhn = next(s for s in signatures if s.channel.value == "telnet")
    assert zxhn.vendor == "zte"
    assert zxhn.claim is SignatureClaim.RESTRICTED
    assert zxhn.confidence is Confidence.HIGH
    assert zxhn.extract == ["firmware", "model"]
    assert zxhn.source.reference == f"rapid7/recog@{commit}:xml/telnet_banners.xml#L3"
    # Recog's base64 examples are decoded; hw.version is covered's firmware.
    assert [(e.value, e.extract) for e in zxhn.examples] == [
        ("ZXHN H108N\r\nLogin:\n", {"model": "H108N"}),
        ("ZXHN H298A V1.1\r\nLogin:\n", {"firmware": "1.1", "model": "H298A"}),
    ]
    # covered strips a greeting before matching it, and Ruby's ^/$ are line anchors ('m').
    hit = _matches(zxhn, "ZXHN F660 V2.0\r\nLogin:")
    assert hit is not None
    assert hit.group("model") == "F660"
    assert "m" in zxhn.flags


def test_hikvision_servers_favicons_and_certificate(
    built: tuple[str, list[Signature], Counter[str], list[str]],
) -> None:
    commit, signatures, _, _ = built
    server = next(s for s in signatures if s.channel.value == "http" and s.vendor == "hikvision")
    assert server.source.reference == f"rapid7/recog@{commit}:xml/http_servers.xml#L4"
    assert [e.value for e in server.examples] == ["Hikvision-Webs", "DVRDVS-Webs", "DNVRS-Webs"]
    assert "GoAhead-Webs" in server.not_examples
    favicons = sorted(s.equals or "" for s in signatures if s.channel.value == "favicon")
    assert favicons == ["89b932fcc47cf4ca3faadb0cfdef89cf", "efca7d9aeaad122133c65cdf628ac574"]
    subject = next(s for s in signatures if s.channel.value == "tls")
    assert subject.claim is SignatureClaim.RESTRICTED
    # Field values, not attribute order: the same certificate printed in the other order still matches.
    assert _matches(subject, "C=CN,ST=ZheJiang,L=HangZhou,O=HIKVISION,OU=DVRNVR,CN=www.hikvision.com")
    assert not _matches(subject, "CN=www.hikvision.com.evil,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN")


def test_look_alike_is_generic_and_skips_are_counted(
    built: tuple[str, list[Signature], Counter[str], list[str]],
) -> None:
    _, signatures, skipped, rejected = built
    axis = [s for s in signatures if s.vendor == "axis"]
    assert len(axis) == 1
    assert axis[0].claim is SignatureClaim.GENERIC
    assert axis[0].examples[0].extract == {"firmware": "4.9.94-axis5", "version": "1.6.22"}
    assert not any(s.examples[0].value == "Apache" for s in signatures)
    assert skipped["not a tracked maker"] == 1
    assert skipped["no covered field (ftp_banners.xml)"] == 1
    assert skipped["example attributes disagree with the extraction"] == 1
    assert rejected == []


def test_ids_and_output_are_stable(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo(FILES)
    tree = GitTree(path, commit)
    names = VendorNames(registry.vendors, registry.brands)
    first = build_corpus(spec(commit), candidates(tree, spec(commit), names, Counter()), others(registry))
    again = build_corpus(spec(commit), candidates(tree, spec(commit), names, Counter()), others(registry))
    assert [s.model_dump() for s in first.signatures] == [s.model_dump() for s in again.signatures]
    assert all(s.id.startswith("recog-") for s in first.signatures)
