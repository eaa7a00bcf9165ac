"""What a converted fingerprint may claim: generic strings, short literals, confidence, relabel brands, near misses."""

from __future__ import annotations

import pytest

from covered.corpus import Candidate, Example, VendorNames
from covered.corpus.converters.fingerprint_policy import (
    add_near_misses,
    generic_reason,
    in_surveillance_line,
    is_relabel,
    mentioned,
    verdict,
    withheld,
)
from covered.model import Confidence, SignatureClaim
from covered.registry import Registry


@pytest.fixture
def names(registry: Registry) -> VendorNames:
    return VendorNames(registry.vendors, registry.brands)


@pytest.mark.parametrize(
    "literal",
    ["GoAhead-Webs", "Webs", "Boa/0.94.14rc21", "IP Camera", "WEB SERVICE", "NETSurveillance WEB", "Login", "switch",
     "HTTP Server 1.0", "401 Unauthorized", "replace", "CE_E", "SSH-2.0-OpenSSH_3.6p1", "Moved Temporarily"],
)  # fmt: skip
def test_generic_strings(names: VendorNames, literal: str) -> None:
    assert generic_reason(literal, names) is not None


@pytest.mark.parametrize(
    "literal", ["Hikvision-Webs", "DNVRS-Webs", "App-webs/", "Dahua Rtsp Server", "Huawei", "MT882 ADSL Router"]
)
def test_specific_strings(names: VendorNames, literal: str) -> None:
    assert generic_reason(literal, names) is None


def test_company_suffix_fragments_name_no_maker(names: VendorNames) -> None:
    # vendors.yml lists "Cisco Systems, Inc." in a YAML flow list, which splits it into "Cisco Systems" and "Inc.".
    assert mentioned(names, "SKYRIX Software AG/Inverse inc.") == []
    assert [m.vendor for m in mentioned(names, "O=Cisco Systems Inc.")] == ["cisco"]


def test_verdicts(names: VendorNames) -> None:
    hikvision = names.resolve("Hikvision")
    assert hikvision is not None
    assert verdict(hikvision, names, "DS-2CD2032-I", model=True).confidence is Confidence.HIGH
    assert verdict(hikvision, names, "Hikvision-Webs", model=False).confidence is Confidence.MEDIUM
    assert verdict(hikvision, names, "DNVRS-Webs", model=False).confidence is Confidence.LOW
    generic = verdict(hikvision, names, "Webs", model=False)
    assert (generic.vendor, generic.claim) == (None, SignatureClaim.GENERIC)
    assert withheld(hikvision, generic)
    huawei = names.resolve("Huawei")
    assert huawei is not None
    assert verdict(huawei, names, 'Basic realm="HuaweiHomeGateway"', model=False).confidence is Confidence.MEDIUM
    axis = names.resolve("AXIS")
    assert axis is not None
    assert not withheld(axis, verdict(axis, names, "Web Server", model=False))
    hisilicon = names.resolve("HiSilicon")
    assert hisilicon is not None
    assert verdict(hisilicon, names, "Cross Web Server", model=False).confidence is Confidence.LOW


def test_relabel_brands_need_surveillance_products(names: VendorNames) -> None:
    lorex = names.resolve("Lorex")
    hikvision = names.resolve("Hikvision")
    assert lorex is not None
    assert hikvision is not None
    assert is_relabel(lorex)
    assert not is_relabel(hikvision)
    assert in_surveillance_line(["Lorex NR900 Series DVR"])
    assert not in_surveillance_line(["Honeywell Thermal Label Printer", None])


def test_near_misses_are_other_makers_examples_the_pattern_refuses() -> None:
    def candidate(vendor: str, pattern: str, value: str) -> Candidate:
        return Candidate(
            key=value,
            channel="http",
            field="server",
            description=value,
            vendor=vendor,
            brand=None,
            claim=SignatureClaim.RESTRICTED,
            confidence=Confidence.MEDIUM,
            examples=(Example(value),),
            path="x",
            line=1,
            pattern=pattern,
        )

    hik = candidate("hikvision", "^DNVRS-Webs", "DNVRS-Webs")
    dahua = candidate("dahua", "^DNVRS-Webserver$", "DNVRS-Webserver")
    axis = candidate("axis", "^AXIS$", "AXIS")
    out = add_near_misses([hik, dahua, axis], limit=6)
    # The honeypot's generic servers first, then other makers' examples nearest first; never one it matches.
    assert out[0].not_examples == ("GoAhead-Webs", "Boa/0.94.14rc21", "lighttpd/1.4.35", "Webs", "AXIS")
    assert out[1].not_examples[4:] == ("DNVRS-Webs", "AXIS")
