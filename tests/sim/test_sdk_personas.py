"""The personas that answer only on SDK ports, DVRIP or ONVIF: what they bind, what they say, what they cite."""

from __future__ import annotations

from cryptography import x509

from covered.identify.signatures import load_signatures
from covered.registry import default_data_dir
from covered.sim import Fleet, persona_by_id
from tests.sim import clients
from tests.sim.conftest import one

NEW = ("ezviz-cloud-camera", "hikvision-sdk-only", "huawei-ipc", "dahua-dvrip-only", "sdk-port-lookalike")
SIGNATURES = load_signatures(default_data_dir() / "signatures")

GET_INFO = (
    b'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body><tds:GetDeviceInformation/></s:Body></s:Envelope>'
)


def test_each_new_persona_binds_only_its_ports_and_cites_its_strings() -> None:
    expected = {
        "ezviz-cloud-camera": {"tcp/8000", "tcp/8443", "tcp/9010", "tcp/9020"},
        "hikvision-sdk-only": {"tcp/8000"},
        "huawei-ipc": {"tcp/80", "tcp/554"},
        "dahua-dvrip-only": {"tcp/37777"},
        "sdk-port-lookalike": {"tcp/80", "tcp/8000", "tcp/37777"},
    }
    for persona_id in NEW:
        persona = persona_by_id(persona_id)
        assert set(persona.services) == expected[persona_id], persona_id
        assert persona.sources, persona_id
        assert persona.restricted is (persona_id != "sdk-port-lookalike"), persona_id


def test_ezviz_certificate_on_8443_is_claimed_by_the_ezviz_signature(fleet: Fleet) -> None:
    device = one(fleet, "ezviz-cloud-camera")
    subject = x509.load_der_x509_certificate(clients.peer_certificate(device.address, 8443)).subject.rfc4514_string()
    matcher = SIGNATURES.matcher("tls", "subject")
    assert matcher is not None
    assert [m.signature.id for m in matcher.match(subject)] == ["ezviz-tls-subject-ezviz"]


def test_huawei_camera_answers_device_information_without_credentials(fleet: Fleet) -> None:
    device = one(fleet, "huawei-ipc")
    answer = clients.http(
        device.address,
        "/onvif/device_service",
        method="POST",
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        body=GET_INFO,
    )
    assert answer.status == 200
    assert b"<tds:Manufacturer>HUAWEI</tds:Manufacturer>" in answer.body
    assert f"<tds:Model>{device.model.name}</tds:Model>".encode() in answer.body


def test_hikvision_camera_still_refuses_device_information_without_credentials(fleet: Fleet) -> None:
    device = one(fleet, "hikvision-camera")
    answer = clients.http(
        device.address,
        "/onvif/device_service",
        method="POST",
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        body=GET_INFO,
    )
    assert answer.status == 401
    assert b"ter:NotAuthorized" in answer.body
