"""Attribution on real, cited strings: OEM relabels, brand-only labels, generic strings, conflicts, hostile input."""

from __future__ import annotations

from itertools import combinations

import pytest

from covered.identify import identifier_for
from covered.model import Attribution, Channel, Observation
from covered.registry import Registry


def example(registry: Registry, signature_id: str, index: int = 0) -> str:
    """A real value from a signature's cited examples."""
    return registry.signatures.by_id[signature_id].examples[index].value


def obs(channel: str, field: str, value: str, device: str = "d1") -> Observation:
    return Observation(device=device, channel=Channel(channel), field=field, value=value)


def attribute(registry: Registry, *observations: Observation) -> Attribution:
    return identifier_for(registry).attribute("d1", list(observations))


def test_protocol_evidence_names_the_maker_behind_a_relabel(registry: Registry) -> None:
    result = attribute(
        registry,
        obs("inventory", "brand", "Lorex"),
        obs("dhip", "reply", example(registry, "dahua-dhip-reply-client-notifydevinfo")),
    )
    assert (result.vendor, result.brand, result.restricted) == ("dahua", "lorex", True)
    assert result.explanation.startswith("Sold as Lorex, built by Dahua (protocol evidence: DHIP reply")
    assert result.model  # extracted from the DHIP reply
    assert any(e.matcher == "dahua-dhip-reply-client-notifydevinfo" and e.reference for e in result.evidence)


def test_model_line_dependent_brand_alone_is_not_a_restricted_claim(registry: Registry) -> None:
    result = attribute(registry, obs("inventory", "brand", "Lorex"))
    assert result.vendor == "dahua"
    assert result.restricted is None
    assert any("model lines" in note for note in result.notes)


def test_subsidiary_brand_alone_is_restricted(registry: Registry) -> None:
    result = attribute(registry, obs("inventory", "brand", "EZVIZ"))
    assert (result.vendor, result.brand, result.restricted) == ("hikvision", "ezviz", True)


def test_sadp_reply_gives_model_and_firmware(registry: Registry) -> None:
    signature = registry.signatures.by_id["hikvision-sadp-probematch"]
    result = attribute(registry, obs("sadp", "reply", signature.examples[0].value))
    assert result.vendor == "hikvision"
    assert result.restricted is True
    assert result.model == signature.examples[0].extract.get("model")
    assert result.firmware == signature.examples[0].extract.get("firmware")


def test_oui_alone_is_protocol_evidence(registry: Registry) -> None:
    result = attribute(registry, obs("mac", "address", "44:19:B6:11:22:33"))
    assert (result.vendor, result.restricted) == ("hikvision", True)
    assert result.evidence[0].protocol


def test_conflicting_evidence_is_shown_and_lowers_confidence(registry: Registry) -> None:
    alone = attribute(registry, obs("http", "server", "DNVRS-Webs"))
    both = attribute(
        registry,
        obs("http", "server", "DNVRS-Webs"),
        obs("http", "www-authenticate", example(registry, "dahua-http-wwwauth-login-to-serial")),
    )
    assert both.conflicts
    assert both.confidence is not None
    assert alone.confidence is not None
    assert ["low", "medium", "high"].index(both.confidence.value) < ["low", "medium", "high"].index(
        alone.confidence.value
    )


GENERIC = [
    ("http", "server", "App-webs/"),
    ("http", "title", "WEB SERVICE"),
    ("rtsp", "www-authenticate", 'Basic realm="device"'),
    ("http", "server", "GoAhead-Webs"),
    ("http", "server", "Webs"),
    ("http", "server", "Boa/0.94.14rc21"),
    ("http", "server", "lighttpd/1.4.35"),
    ("http", "server", "thttpd/2.25b 29dec2003"),
    ("http", "server", "mini_httpd/1.19 19dec2003"),
    ("http", "server", "RomPager/4.07 UPnP/1.0"),
    ("http", "title", "IP Camera"),
    ("upnp", "manufacturer", "MiniUPnP"),
]


@pytest.mark.parametrize("pair", list(combinations(GENERIC, 2)), ids=lambda p: f"{p[0][2]}+{p[1][2]}")
def test_weak_matcher_honeypot_never_yields_a_restricted_claim(registry: Registry, pair: tuple) -> None:
    result = attribute(registry, *(obs(*item) for item in pair))
    assert result.restricted is not True
    assert result.vendor is None


def test_hostile_xml_becomes_an_anomaly(registry: Registry) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<DeviceInfo><model>&lol2;</model></DeviceInfo>"
    )
    expanded = identifier_for(registry).attribute("d1", [obs("isapi", "deviceinfo", bomb)])
    assert expanded.restricted is not True
    from covered.identify.derive import derive

    anomalies = list(derive(obs("isapi", "deviceinfo", bomb)))
    assert [a.channel.value for a in anomalies] == ["anomaly"]
    assert "unsafe or malformed XML" in anomalies[0].value


def test_oversize_structured_value_is_flagged(registry: Registry) -> None:
    from covered.identify.derive import MAX_STRUCTURED, derive

    huge = "<DeviceInfo>" + "A" * MAX_STRUCTURED + "</DeviceInfo>"
    assert [(a.channel.value, a.field) for a in derive(obs("isapi", "deviceinfo", huge))] == [("anomaly", "oversize")]


def test_generated_certificate_feeds_tls_signatures(registry: Registry) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from covered.identify.derive import derive

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
            x509.NameAttribute(NameOID.COMMON_NAME, "device"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    derived = {(d.channel.value, d.field): d.value for d in derive(obs("tls", "pem", pem))}
    assert derived[("tls", "subject")] == "CN=device,O=Example,C=CN"
    assert derived[("tls", "issuer")] == "CN=device,O=Example,C=CN"


def test_favicon_bytes_are_hashed_shodan_style() -> None:
    from covered.identify.derive import favicon_hashes

    # Reference values computed independently: md5 of b"hello", and mmh3 of its MIME base64 "aGVsbG8=\n".
    md5, murmur = favicon_hashes(b"hello")
    assert md5 == "5d41402abc4b2a76b9719d911017c592"
    import mmh3

    assert murmur == str(mmh3.hash(b"aGVsbG8=\n"))


@pytest.mark.parametrize(
    "signature_id",
    [
        "axis-http-title-axis",
        "hanwha-http-title-hanwha-techwin",
        "axis-snmp-sysobjectid-368",
        "ubiquiti-http-title-unifi",
    ],
)
def test_non_restricted_makers_are_recognised_as_such(registry: Registry, signature_id: str) -> None:
    signature = registry.signatures.by_id[signature_id]
    result = attribute(registry, obs(signature.channel.value, signature.field, signature.examples[0].value))
    assert result.vendor == signature.vendor
    assert result.restricted is (False if result.confidence is not None and result.confidence.value != "low" else None)
    assert result.restricted is not True


def test_huawei_router_banner_extracts_version(registry: Registry) -> None:
    signature = registry.signatures.by_id["huawei-snmp-sysdescr-vrp"]
    result = attribute(registry, obs("snmp", "sysdescr", signature.examples[0].value))
    assert (result.vendor, result.restricted) == ("huawei", True)
