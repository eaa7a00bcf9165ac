"""Identity behind credentials: only the fleet's user and password open ISAPI, magicBox, ONVIF and RTSP."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from defusedxml import ElementTree

from covered.sim import Fleet
from tests.sim import clients
from tests.sim.conftest import by_persona, one

ISAPI = "/ISAPI/System/deviceInfo"


def test_isapi_needs_the_right_digest_or_basic_credentials(fleet: Fleet) -> None:
    spec = fleet.spec
    for device in (
        by_persona(fleet, "hikvision-camera") + by_persona(fleet, "annke-nvr") + by_persona(fleet, "lts-camera")
    ):
        challenge = clients.http(device.address, ISAPI)
        assert challenge.status == 401
        header = challenge.header("WWW-Authenticate")
        assert header is not None
        assert header.startswith(b"Digest ")
        if device.string("auth") == "ip-camera":
            assert f'realm="IP Camera({device.realm_code})"'.encode() in header
        else:
            assert header.startswith(b'Digest realm="hikvision"')
        good = clients.digest_header(challenge, "GET", ISAPI, spec.username, spec.password)
        answer = clients.http(device.address, ISAPI, headers={"Authorization": good})
        assert answer.status == 200
        root = ElementTree.fromstring(answer.body, forbid_dtd=True)
        namespace = (
            "http://www.isapi.org/ver20/XMLSchema"
            if device.string("namespace") == "isapi"
            else ("http://www.hikvision.com/ver20/XMLSchema")
        )
        assert root.tag == f"{{{namespace}}}DeviceInfo"
        values = {child.tag.split("}")[1]: child.text for child in root}
        assert values["model"] == device.model.name
        assert values["serialNumber"] == device.serial
        assert values["firmwareVersion"] == device.firmware
        assert values["macAddress"] == device.mac.lower()
        basic = clients.http(
            device.address, ISAPI, headers={"Authorization": clients.basic_header(spec.username, spec.password)}
        )
        assert basic.status == 200
        for user, password in ((spec.username, "12345"), ("admin", ""), ("root", spec.password)):
            bad = clients.digest_header(challenge, "GET", ISAPI, user, password)
            assert clients.http(device.address, ISAPI, headers={"Authorization": bad}).status == 401
            wrong_basic = {"Authorization": clients.basic_header(user, password)}
            assert clients.http(device.address, ISAPI, headers=wrong_basic).status == 401
        tampered = good.replace(f'uri="{ISAPI}"', 'uri="/ISAPI/Security/users"')
        assert clients.http(device.address, ISAPI, headers={"Authorization": tampered}).status == 401


@pytest.mark.parametrize(
    ("persona", "vendor"),
    [("dahua-camera", "vendor=Dahua"), ("lorex-camera", "vendor=LOREX"), ("amcrest-camera", "vendor=Amcrest")],
)
def test_magicbox_vendor_only_with_credentials(fleet: Fleet, persona: str, vendor: str) -> None:
    device = one(fleet, persona)
    path = "/cgi-bin/magicBox.cgi?action=getVendor"
    challenge = clients.http(device.address, path)
    assert challenge.status == 401
    assert challenge.header(
        "WWW-Authenticate",
    ).startswith(f'Digest realm="Login to {device.serial}"'.encode())  # type: ignore[union-attr]
    assert vendor.encode() not in challenge.body
    good = clients.digest_header(challenge, "GET", path, fleet.spec.username, fleet.spec.password)
    answer = clients.http(device.address, path, headers={"Authorization": good})
    assert answer.status == 200
    assert answer.body == f"{vendor}\r\n".encode()
    info = "/cgi-bin/magicBox.cgi?action=getSystemInfo"
    auth = clients.digest_header(
        clients.http(device.address, info), "GET", info, fleet.spec.username, fleet.spec.password
    )
    system = clients.http(device.address, info, headers={"Authorization": auth}).body.decode()
    assert f"serialNumber={device.serial}" in system
    assert "updateSerial=" in system
    bad = clients.digest_header(challenge, "GET", path, fleet.spec.username, "admin")
    assert clients.http(device.address, path, headers={"Authorization": bad}).status == 401


def test_rpc2_login_challenge_reveals_realm_without_credentials(fleet: Fleet) -> None:
    device = one(fleet, "lorex-camera")
    body = (
        b'{"method": "global.login", "id": 1, "params": {"userName": "admin", "password": "", "clientType": "Web3.0"}}'
    )
    answer = clients.http(device.address, "/RPC2_Login", method="POST", body=body)
    assert b'"code":268632079' in answer.body
    assert f'"realm":"Login to {device.serial}"'.encode() in answer.body


def _wsse(user: str, password: str) -> bytes:
    nonce = b"0123456789abcdef"
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(
        hashlib.sha1(nonce + created.encode() + password.encode(), usedforsecurity=False).digest()
    ).decode()
    return (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Header>'
        '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
        f"<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>"
        '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0'
        f'#PasswordDigest">{digest}</wsse:Password>'
        f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
        '<wsu:Created xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
        f"{created}</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>"
        "<s:Body><tds:GetDeviceInformation/></s:Body></s:Envelope>"
    ).encode()


@pytest.mark.parametrize(("persona", "manufacturer"), [("hikvision-camera", b"HIKVISION"), ("lorex-camera", b"LOREX")])
def test_onvif_device_information_with_username_token(fleet: Fleet, persona: str, manufacturer: bytes) -> None:
    device = one(fleet, persona)
    good = clients.http(
        device.address, "/onvif/device_service", method="POST", body=_wsse(fleet.spec.username, fleet.spec.password)
    )
    assert good.status == 200
    assert b"<tds:Manufacturer>" + manufacturer + b"</tds:Manufacturer>" in good.body
    assert f"<tds:SerialNumber>{device.serial}</tds:SerialNumber>".encode() in good.body
    bad = clients.http(device.address, "/onvif/device_service", method="POST", body=_wsse("admin", "admin"))
    assert bad.status == 401


def test_rtsp_describe_with_credentials(fleet: Fleet) -> None:
    device = one(fleet, "dahua-camera")
    challenge = clients.rtsp(device.address, "DESCRIBE")
    answer = clients.parse_http(challenge.replace(b"RTSP/1.0", b"HTTP/1.1", 1))
    uri = f"rtsp://{device.address}:554/Streaming/Channels/101"
    auth = clients.digest_header(answer, "DESCRIBE", uri, fleet.spec.username, fleet.spec.password)
    described = clients.rtsp(device.address, "DESCRIBE", extra=f"Authorization: {auth}\r\n")
    assert described.startswith(b"RTSP/1.0 200 OK")
