"""IANA enterprise numbers: sysObjectID and SNMPv3 engine IDs name their maker; look-alike arcs name nobody."""

from __future__ import annotations

import pytest

from covered.identify import identifier_for
from covered.identify.derive import derive
from covered.identify.enterprises import EnterpriseDatabase, enterprise_of_oid, parse_engine_id
from covered.model import Channel, Observation, SignatureClaim
from covered.registry import Registry


@pytest.mark.parametrize(
    ("oid", "number"),
    [
        ("1.3.6.1.4.1.39165.1.1", 39165),
        (".1.3.6.1.4.1.40297", 40297),
        ("SNMPv2-SMI::enterprises.3902.1082", 3902),
        ("enterprises.2011.2.23", 2011),
        ("1.3.6.1.4.1.391650.1", 391650),
        ("1.3.6.1.2.1.1.2.0", None),
        ("1.3.6.1.4.1.", None),
        ("1.3.6.1.4.1.99999999999.1", None),
        ("", None),
        ("garbage", None),
    ],
)
def test_enterprise_of_oid(oid: str, number: int | None) -> None:
    assert enterprise_of_oid(oid) == number


@pytest.mark.parametrize(
    ("hex_id", "enterprise", "kind", "detail"),
    [
        ("800007db0300259e010203", 2011, "mac", "00:25:9e:01:02:03"),  # RFC 3411 format 3 (MAC)
        ("8000009d017f000001", 157, "ipv4", "127.0.0.1"),
        ("80001f8880a1b2c3d4e5f60708", 8072, "enterprise-specific", "a1b2c3d4e5f60708"),  # net-snmp's random form
        ("800098fd04636f76657265642d73696d", 39165, "text", "covered-sim"),
        ("000000090000000000000001", 9, "rfc2571", "0000000000000001"),  # pre-RFC 3411, 12 octets
        ("0102030405", None, "unknown", "0102030405"),
    ],
)
def test_parse_engine_id(hex_id: str, enterprise: int | None, kind: str, detail: str) -> None:
    engine = parse_engine_id(hex_id)
    assert (engine.enterprise, engine.format, engine.detail) == (enterprise, kind, detail)


@pytest.mark.parametrize("bad", ["80", "zz00112233", "80" * 33, ""])
def test_parse_engine_id_refuses_malformed(bad: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_engine_id(bad)


def test_shipped_registrations_are_unique_and_cited(registry: Registry) -> None:
    numbers = [located.record.number for located in registry.enterprises]
    assert len(numbers) == len(set(numbers)) >= 20
    for located in registry.enterprises:
        entry = located.record
        assert entry.reference.startswith("nmap/nmap@")
        assert "#L" in entry.reference
        if entry.vendor is not None:
            assert entry.vendor in registry.vendors
    database = EnterpriseDatabase([located.record for located in registry.enterprises])
    assert database.get(39165) is not None
    assert database.get(39166) is None


def _snmp(field: str, value: str) -> Observation:
    return Observation(device="d", channel=Channel.SNMP, field=field, value=value)


@pytest.mark.parametrize(
    ("field", "value", "vendor", "restricted"),
    [
        ("sysobjectid", "1.3.6.1.4.1.40297.1.2.3", "hytera", True),
        ("sysobjectid", "1.3.6.1.4.1.37496.1", "dahua", True),
        ("sysobjectid", "1.3.6.1.4.1.39747.2.1", "uniview", False),
        ("sysobjectid", "1.3.6.1.4.1.24389.1", "kedacom", None),  # low confidence: the Keda link is unconfirmed
        ("sysobjectid", "1.3.6.1.4.1.46055.1", "hytera", None),  # a subsidiary: brand-only, never restricted
        ("sysobjectid", "1.3.6.1.4.1.34774.1", None, None),  # Huawei Symantec is not Huawei
        ("sysobjectid", "1.3.6.1.4.1.8072.3.2.10", None, None),  # net-snmp names no maker
        ("sysobjectid", "1.3.6.1.4.1.391650.1", None, None),  # look-alike of 39165
        ("engine-id", "800007db0300259e010203", "huawei", True),
        ("engine-id", "80009b4303a1b2c3d4e5f6", "uniview", False),
        ("engine-id", "80001f8880a1b2c3d4e5f60708", None, None),
        ("engine-id", "not-hex", None, None),
    ],
)
def test_attribution_from_enterprise(
    registry: Registry, field: str, value: str, vendor: str | None, restricted: bool | None
) -> None:
    attribution = identifier_for(registry).attribute("d", [_snmp(field, value)])
    assert attribution.vendor == vendor
    assert attribution.restricted is restricted


def test_subsidiary_is_brand_only_and_own_registration_is_protocol_evidence(registry: Registry) -> None:
    subsidiary = identifier_for(registry).evidence(0, _snmp("sysobjectid", "1.3.6.1.4.1.58597.7"))
    assert [(e.matcher, e.claim, e.protocol) for e in subsidiary] == [
        ("iana-pen:58597", SignatureClaim.BRAND_ONLY, False)
    ]
    own = identifier_for(registry).evidence(0, _snmp("engine-id", "80009d6903000102030405"))
    assert [(e.matcher, e.vendor, e.claim, e.protocol) for e in own] == [
        ("iana-pen:40297", "hytera", SignatureClaim.RESTRICTED, True)
    ]


def test_a_curated_signature_speaks_first(registry: Registry) -> None:
    evidence = identifier_for(registry).evidence(0, _snmp("sysobjectid", "1.3.6.1.4.1.39165.1.1"))
    assert evidence
    assert all(not e.matcher.startswith("iana-pen:") for e in evidence)


def test_engine_id_of_the_mac_form_implies_the_mac() -> None:
    derived = list(derive(_snmp("engine-id", "800007db0300259e010203")))
    assert [(o.channel, o.field, o.value) for o in derived] == [(Channel.MAC, "address", "00:25:9e:01:02:03")]
    assert list(derive(_snmp("engine-id", "80001f8880a1b2c3d4e5f60708"))) == []
    assert [o.channel for o in derive(_snmp("engine-id", "not hex"))] == [Channel.ANOMALY]
