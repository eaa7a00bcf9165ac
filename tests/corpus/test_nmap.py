# ruff: noqa: E501 - the fixtures quote corpus lines verbatim
"""The nmap converter on a tiny repository laid out like nmap/nmap, with lines quoted from its data files.

Lines (nmap/nmap@db4aefddfa348ec815ffa83a109c97e05db88766, observed strings cited as facts): nmap-service-probes
#L1821 (Hikvision SDK port), #L4793 (Huawei home gateway telnet), #L9906 (Hikvision-Webs), #L10286 (Server: Webs),
#L11572 (Dahua RTSP), #L7882 (Axis video server title); nselib/data/favicon-db#L115 (Hikvision DVR).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from covered.corpus import CorpusSpec, GitTree, VendorNames, build_corpus
from covered.corpus.converters import CONVERTERS
from covered.corpus.converters.fingerprint_policy import WITHHELD
from covered.corpus.converters.nmap import candidates, parse_match
from covered.identify import signatures_for
from covered.identify.signatures import SignatureSet
from covered.model import Signature, SignatureClaim
from covered.registry import Registry
from tests.corpus.conftest import MakeRepo

PROBES = r"""# nmap service probes (excerpt)
Probe TCP NULL q||
totalwaitms 6000
match ipcam m|^\0\0\0\x10\0\0\0\x1e\0\0\0\x1e\0\0\0\0| p/Hikvision IPCam control port/
match telnet m|^\xff\xfb\x01\xff\xfb\x03\xff\xfb\x18\r\nWelcome Visiting Huawei Home Gateway\r\nCopyright by Huawei Technologies Co\., Ltd\.\r\n\r\nLogin:| p/Huawei Home Gateway telnetd/ d/broadband router/
match ssh m|^SSH-([\d.]+)-OpenSSH_([\w._-]+)\r?\n| p/OpenSSH/ v/$2/ i/protocol $1/ cpe:/a:openbsd:openssh:$2/

Probe TCP GetRequest q|GET / HTTP/1.0\r\n\r\n|
match http m|^HTTP/1\.0 302 Redirect\r\nServer: Hikvision-Webs\r\nDate: .*\r\nPragma: no-cache\r\nCache-Control: no-cache\r\nContent-Type: text/html\r\nLocation: http://([\w.-]+):\d+/index\.[asphtm]+\r\n\r\n| p/Hikvision DVR httpd/ d/media device/ h/$1/
match http m|^HTTP/1\.0 302 Redirect\r\nServer: Webs\r\nDate: [\w\d: ]{24}\r\nPragma: no-cache\r\nCache-Control: no-cache\r\nContent-Type: text/html\r\nLocation: http://[^/]*/index\.asp\r\n\r\n| p/Hikvision DVR web UI/ d/media device/
match http m|^HTTP/1\.0 \d\d\d .*<TITLE>AXIS 2400 Video Server</TITLE>|s p/AXIS 2400 video server httpd/ d/webcam/ cpe:/h:axis:2400/

Probe TCP RTSPRequest q|OPTIONS / RTSP/1.0\r\n\r\n|
match rtsp m|^RTSP/1\.0 405 Method Not Allowed\r\nServer: Dahua Rtsp Server\r\nContent-Length: 0\r\nCSeq: 0\r\n\r\n| p/Dahua IP camera rtspd/ d/webcam/
"""

FAVICONS = """# favicon-db (excerpt)
89B932FCC47CF4CA3FAADB0CFDEF89CF: Hikvision DVR
63B982EDDD64D44233BAA25066DB6BC1: Joomla! CMS
"""


def others(registry: Registry) -> SignatureSet:
    """Every shipped signature except this corpus's own generated ones (what the importer tests against)."""
    signatures = signatures_for(registry)
    keep = {sid: loc for sid, loc in signatures.locations.items() if loc[0].parent.name != "nmap"}
    return SignatureSet(by_id={sid: signatures.by_id[sid] for sid in keep}, locations=keep, fields={})


def spec(commit: str) -> CorpusSpec:
    return CorpusSpec(
        id="nmap",
        repository="nmap/nmap",
        commit=commit,
        licence="NPSL",
        converter="nmap",
        description="test",
        paths=["nmap-service-probes", "nselib/data/favicon-db"],
    )


@pytest.fixture
def built(make_repo: MakeRepo, registry: Registry) -> tuple[str, dict[str, Signature], Counter[str]]:
    path, commit = make_repo({"nmap-service-probes": PROBES, "nselib/data/favicon-db": FAVICONS})
    tree = GitTree(path, commit)
    names = VendorNames(registry.vendors, registry.brands)
    skipped: Counter[str] = Counter()
    result = build_corpus(spec(commit), candidates(tree, spec(commit), names, skipped), others(registry))
    assert result.rejected == []
    by_value = {s.examples[0].value: s for s in result.signatures}
    return commit, by_value, skipped


def test_registered_and_parses_version_fields() -> None:
    assert "nmap" in CONVERTERS
    entry = parse_match(
        r"match ssh m|^SSH-([\d.]+)-HUAWEI-VRP([\d.]+)\r?\n| p/Huawei VRP sshd/ o/VRP $2/ cpe:/o:huawei:vrp:$2/",
        7,
        "NULL",
    )
    assert entry is not None
    assert entry.service == "ssh"
    assert entry.fields == {"p": "Huawei VRP sshd", "o": "VRP $2"}
    assert entry.cpes == ("o:huawei:vrp:$2",)


def test_header_values_become_server_signatures(built: tuple[str, dict[str, Signature], Counter[str]]) -> None:
    commit, by_value, skipped = built
    hik = by_value["Hikvision-Webs"]
    assert (hik.channel.value, hik.field) == ("http", "server")
    assert hik.vendor == "hikvision"
    assert hik.claim is SignatureClaim.RESTRICTED
    assert hik.source.reference == f"nmap/nmap@{commit}:nmap-service-probes#L9"
    assert re.search(hik.pattern or "", "Hikvision-Webs")
    assert not re.search(hik.pattern or "", "Hikvision-Webs2")
    # The GoAhead 'Webs' a Hikvision DVR sends names nothing on its own: no signature from it.
    assert "Webs" not in by_value
    assert skipped[WITHHELD] == 1
    rtsp = by_value["Dahua Rtsp Server"]
    assert (rtsp.channel.value, rtsp.field, rtsp.vendor) == ("rtsp", "server", "dahua")
    axis = by_value["AXIS 2400 Video Server"]
    assert (axis.field, axis.vendor, axis.claim) == ("title", "axis", SignatureClaim.GENERIC)


def test_greetings_and_raw_frames(built: tuple[str, dict[str, Signature], Counter[str]]) -> None:
    _, by_value, skipped = built
    telnet = by_value[
        "Welcome Visiting Huawei Home Gateway\r\nCopyright by Huawei Technologies Co., Ltd.\r\n\r\nLogin:"
    ]
    assert telnet.vendor == "huawei"
    # Telnet negotiation bytes are not banner text: covered strips them, so the pattern must not need them.
    assert "xff" not in (telnet.pattern or "")
    sdk = by_value["000000100000001e0000001e00000000"]
    assert (sdk.channel.value, sdk.field, sdk.vendor) == ("hik-sdk", "reply", "hikvision")
    favicon = by_value["89b932fcc47cf4ca3faadb0cfdef89cf"]
    assert favicon.equals == "89b932fcc47cf4ca3faadb0cfdef89cf"
    assert favicon.source.reference.endswith("nselib/data/favicon-db#L2")
    assert skipped["favicon of an untracked maker"] == 1
    assert skipped["not a tracked maker"] == 1


def test_output_is_stable(make_repo: MakeRepo, registry: Registry) -> None:
    path, commit = make_repo({"nmap-service-probes": PROBES, "nselib/data/favicon-db": FAVICONS})
    tree = GitTree(path, commit)
    names = VendorNames(registry.vendors, registry.brands)
    runs = [
        build_corpus(spec(commit), candidates(tree, spec(commit), names, Counter()), others(registry)) for _ in range(2)
    ]
    assert [s.model_dump() for s in runs[0].signatures] == [s.model_dump() for s in runs[1].signatures]
