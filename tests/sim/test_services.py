"""Every declared service of every normal device answers like its persona; every other port is closed."""

from __future__ import annotations

import re
import ssl

import pytest
from cryptography import x509
from defusedxml import ElementTree

from covered.collect.snmp_ber import decode_oid, decode_v3, encode_v3_discovery
from covered.sim import Device, Fleet
from covered.sim.dhip import DVRIP_REALM_REQUEST
from tests.sim import clients
from tests.sim.conftest import one

ALL_TCP = (22, 23, 80, 443, 554, 8000, 8443, 9010, 9020, 37777)
ALL_UDP = (161, 1900, 3702, 5353, 37020, 37810)
SYS_DESCR, SYS_OBJECT_ID = "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0"


def normal(fleet: Fleet) -> list[Device]:
    return [d for d in fleet.devices if d.hostile is None]


def check_http(device: Device) -> None:
    answer = clients.http(device.address)
    family = device.persona.family
    server = answer.header("Server")
    if family == "hikvision":
        assert server == device.string("server").encode()
        if device.string("server") == "Hikvision-Webs":
            assert answer.status == 302
            answer = clients.http(device.address, "/index.asp")
        assert answer.status == 200
        if device.string("relabel"):
            assert f"<title>{device.persona.label}</title>".encode() in answer.body
            assert b"(new Date()).getTime()" not in answer.body
        else:
            assert b'window.location.href = "/doc/page/login.asp?_" + (new Date()).getTime();' in answer.body
        icon = clients.http(device.address, "/favicon.ico")
        assert icon.status == 200
        assert icon.body[:4] == b"\x00\x00\x01\x00"
    elif family == "dahua":
        assert server is None
        raw_names = [name for name, _ in answer.headers]
        assert "CONTENT-LENGTH" in raw_names
        assert "CONTENT-TYPE" in raw_names
        assert answer.body.startswith(b"\xef\xbb\xbf<!DOCTYPE html>")
        assert b"/RPC2_Login" in answer.body
        assert b'"method":"global.login"' in answer.body
        title = b"WEB SERVICE" if device.persona.brand in ("dahua-brand", "imou") else device.persona.label.encode()
        assert b"<title>" + title + b"</title>" in answer.body
    elif family == "zte":
        assert server == b"Mini web server 1.0 ZTE corp 2005."
    elif family == "generic":
        assert server in (b"GoAhead-Webs", b"Boa/0.94.14rc21", b"lighttpd/1.4.16")
        assert re.search(rb"<title>(IP Camera|WEB SERVICE|NVR301)</title>", answer.body)
    elif family == "axis":
        assert b"<title>AXIS</title>" in answer.body
    elif family == "bosch":
        assert answer.status == 401
        assert answer.header(
            "WWW-Authenticate",
        ).startswith(b"Digest realm=\"Use 'live' as User Name\"")  # type: ignore[union-attr]
    else:
        assert answer.status in (200, 401)


def check_tls(device: Device) -> None:
    cert = x509.load_der_x509_certificate(clients.peer_certificate(device.address))
    subject, issuer = cert.subject.rfc4514_string(), cert.issuer.rfc4514_string()
    family = device.persona.family
    if family == "hikvision":
        # Exactly the hikvision-tls-subject-dvrnvr-default signature example.
        assert subject == issuer == "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"
    elif family == "dahua":
        assert subject == "OU=DAHUATECH,O=DAHUA,L=HANGZHOU,ST=ZHEJIANG,C=CN,CN=192.168.1.108"
        assert issuer == "O=DahuaTech,L=HangZhou,ST=ZheJiang,C=CN,CN=Product Root CA"
    elif family == "axis":
        assert subject == f"CN=axis-{device.mac.replace(':', '').lower()},O=Axis Communications AB"
    elif family == "bosch":
        assert subject.startswith("CN=local.myboschcam.net,O=Bosch Sicherheitssysteme GmbH")
    https = clients.http(device.address, port=443, tls=True)
    assert https.status in (200, 302, 401)


def check_rtsp(device: Device) -> None:
    for method in ("OPTIONS", "DESCRIBE"):
        answer = clients.rtsp(device.address, method)
        assert answer.startswith(b"RTSP/1.0 401 Unauthorized\r\n"), answer
        assert b"CSeq: 2\r\n" in answer
        family = device.persona.family
        if family == "hikvision":
            if device.string("auth") == "ip-camera":
                expected = f'WWW-Authenticate: Digest realm="IP Camera({device.realm_code})", nonce="'
                assert expected.encode() in answer
                assert re.search(rb'nonce="[0-9a-f]{32}", stale="FALSE"', answer)
                assert b"\r\nDate:  " in answer  # two spaces, as captured
            else:
                assert b'WWW-Authenticate: Digest realm="Hikvision"' in answer
                assert b'WWW-Authenticate: Basic realm="/"' in answer
        elif family == "dahua":
            assert b"Server: Dahua Rtsp Server\r\n" in answer
            assert f'Digest realm="Login to {device.serial}"'.encode() in answer
        elif family == "axis":
            assert b'realm="AXIS_' in answer
        elif family == "hanwha":
            assert b'realm="iPOLiS"' in answer
        elif family == "generic":
            assert b'WWW-Authenticate: Basic realm="device"' in answer


def check_udp(device: Device, port: int) -> None:
    if port == 3702:
        answer = clients.udp(device.address, port, clients.WSD_PROBE)
        root = ElementTree.fromstring(answer, forbid_dtd=True)
        ns = "{http://schemas.xmlsoap.org/ws/2005/04/discovery}"
        scopes = root.find(f".//{ns}Scopes")
        relates = root.find(".//{http://schemas.xmlsoap.org/ws/2004/08/addressing}RelatesTo")
        assert relates is not None
        assert relates.text == "uuid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
        assert scopes is not None
        assert scopes.text is not None
        xaddrs = root.find(f".//{ns}XAddrs")
        assert xaddrs is not None
        assert xaddrs.text == f"http://{device.address}/onvif/device_service"
        if device.persona.id == "hikvision-camera":
            assert f"onvif://www.onvif.org/name/HIKVISION%20{device.model.name}" in scopes.text.replace("%2F", "/")
            assert "onvif://www.onvif.org/location/city/hangzhou" in scopes.text
        if device.persona.family == "dahua":
            assert "onvif://www.onvif.org/extension/unique_identifier" in scopes.text
            assert f"onvif://www.onvif.org/hardware/{device.model.name}" in scopes.text
    elif port == 37020:
        answer = clients.udp(device.address, port, clients.SADP_PROBE)
        fields = {e.tag: e.text for e in ElementTree.fromstring(answer, forbid_dtd=True)}
        assert fields["Uuid"] == "6D1E7C0A-2B9F-4C1E-9A40-1F2E3D4C5B6A"
        assert fields["Types"] == "inquiry"
        assert fields["DeviceDescription"] == device.model.name
        assert fields["DeviceSN"] == device.serial
        assert fields["MAC"] == device.mac.lower().replace(":", "-")
        assert fields["SoftwareVersion"] == f"{device.firmware}build {device.build}"
        assert fields["HCPlatformEnable"] == "flase"
        assert fields["CommandPort"] == "8000"
    elif port == 37810:
        with pytest.raises(TimeoutError):  # bare JSON gets no answer (rroller/dahua)
            clients.udp(device.address, port, clients.DHIP_PROBE[32:], timeout=0.5)
        answer = clients.udp(device.address, port, clients.DHIP_PROBE)
        assert answer[4:8] == b"DHIP"
        import json

        document = json.loads(answer[32:])
        info = document["params"]["deviceInfo"]
        assert document["method"] == "client.notifyDevInfo"
        assert document["mac"] == device.mac.lower()
        assert (info["SerialNo"], info["DeviceType"], info["Version"]) == (
            device.serial,
            device.model.name,
            device.firmware,
        )
        assert device.persona.label not in answer[32:].decode()  # the relabel's brand is not in the DHIP reply
    elif port == 161 and device.string("snmp") == "v3":
        with pytest.raises(TimeoutError):  # no community configured: v1/v2c gets no answer
            clients.udp(device.address, port, clients.snmp_get([SYS_DESCR, SYS_OBJECT_ID]), timeout=0.5)
        report = decode_v3(clients.udp(device.address, port, encode_v3_discovery(77, 78)))
        assert (report.msg_id, report.request_id, report.pdu_type) == (77, 78, 0xA8)
        assert report.oids == ["1.3.6.1.6.3.15.1.1.4.0"]
        assert int.from_bytes(report.engine_id[:4], "big") == 0x80000000 | int(device.string("enterprise"))
    elif port == 161:
        answer = clients.udp(device.address, port, clients.snmp_get([SYS_DESCR, SYS_OBJECT_ID]))
        values = clients.snmp_values(answer)
        if device.persona.family == "snmp-only":
            assert values[SYS_DESCR][0] == 0x80  # noSuchObject: only sysObjectID and sysName are answered
        else:
            assert values[SYS_DESCR][0] == 0x04
        assert values[SYS_OBJECT_ID][0] == 0x06
        object_id = decode_oid(values[SYS_OBJECT_ID][1])
        enterprises = {"hikvision": "39165", "dahua": "1004849", "huawei": "2011", "uniview": "39747"}
        enterprise = enterprises.get(device.persona.family) or device.string("sysobjectid").split(".")[6]
        assert object_id.startswith(f"1.3.6.1.4.1.{enterprise}")
        with pytest.raises(TimeoutError):  # a v2c-only agent ignores the v3 discovery
            clients.udp(device.address, port, encode_v3_discovery(1, 2), timeout=0.5)
        if device.persona.family == "huawei" and device.string("vrp"):
            assert values[SYS_DESCR][1].startswith(b"Huawei Versatile Routing Platform Software\r\nVRP (R) software")
        with pytest.raises(TimeoutError):  # wrong community: no answer at all
            clients.udp(device.address, port, clients.snmp_get([SYS_DESCR], b"private"), timeout=0.5)
    elif port == 5353:
        answer = clients.udp(device.address, port, clients.MDNS_SERVICES)
        assert answer[:2] == b"\x12\x34"  # legacy unicast: the query id comes back (RFC 6762 section 6.7)
        assert b"\x0b_axis-video\x04_tcp" in answer  # (the rest of the name is compressed)
    elif port == 1900:
        answer = clients.udp(device.address, port, clients.SSDP_SEARCH)
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
        assert f"LOCATION: http://{device.address}:80/rootDesc.xml".encode() in answer
        assert re.search(rb"SERVER: (Linux/2.4.21 UPnP/1.0 miniupnpd/1.0|Linux UPnP/1.0 Huawei-ATP-IGD)\r\n", answer)
    else:
        pytest.fail(f"unexpected udp/{port}")


def check_tcp(device: Device, port: int) -> None:
    if port == 80:
        check_http(device)
    elif port == 443:
        check_tls(device)
    elif port == 554:
        check_rtsp(device)
    elif port == 23:
        text = clients.banner(device.address, 23)
        family = device.persona.family
        expected = {
            "hikvision": b"192.0.0.64 login: ",
            "generic": b"(none) login: ",
        }.get(family)
        if expected is not None:
            assert text.endswith(expected)
        elif family == "zte":
            assert re.fullmatch(rb"(ZXHN H1\d\dN\r\n|F6\d\d\r\n\r)Login: ", text), text
        elif family == "huawei":
            assert b"Huawei" in text or b"Stelnet" in text
    elif port == 22:
        assert clients.banner(device.address, 22) == b"SSH-2.0-HUAWEI-1.5\r\n"
    elif port in (8000, 8443):
        import socket

        with socket.create_connection((device.address, port), timeout=3) as raw:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            with context.wrap_socket(raw) if port == 8443 else raw as sock:
                sock.sendall(b"\x00" * 32)
                answer = sock.recv(64)
        if device.string("sdk_port") == "http":
            assert answer.startswith(b"HTTP/1.1 400 ")
        else:
            assert answer == b"\x00\x00\x00\x10\x00\x00\x00\x1e\x00\x00\x00\x1e\x00\x00\x00\x00"
    elif port in (9010, 9020):
        import socket

        with socket.create_connection((device.address, port), timeout=1) as sock:
            sock.sendall(b"\r\n\r\n")
            with pytest.raises(TimeoutError):
                sock.recv(64)  # the EZVIZ local ports stay silent to a foreign request
    elif port == 37777:
        import socket

        with socket.create_connection((device.address, 37777), timeout=3) as sock:
            sock.sendall(DVRIP_REALM_REQUEST)
            answer = sock.recv(4096)
        if device.string("dvrip_port") == "other":
            assert not answer.startswith(b"\xb0")
        else:
            assert f"Login to {device.serial}".encode() in answer
    else:
        pytest.fail(f"unexpected tcp/{port}")


def test_every_declared_service_answers_like_its_persona(fleet: Fleet) -> None:
    seen = set()
    for device in normal(fleet):
        for port in device.tcp_ports:
            check_tcp(device, port)
            seen.add(f"tcp/{port}")
        for port in device.udp_ports:
            check_udp(device, port)
            seen.add(f"udp/{port}")
    assert seen == {f"tcp/{p}" for p in ALL_TCP} | {f"udp/{p}" for p in ALL_UDP}


def test_undeclared_ports_are_closed(fleet: Fleet) -> None:
    for device in normal(fleet):
        for port in ALL_TCP:
            if f"tcp/{port}" not in device.services:
                assert clients.tcp_closed(device.address, port), (device.address, port)
        for port in ALL_UDP:
            if f"udp/{port}" not in device.services:
                assert clients.udp_closed(device.address, port), (device.address, port)


def test_truth_lists_exactly_the_bound_services(fleet: Fleet) -> None:
    for device, truth in zip(fleet.devices, fleet.truth, strict=True):
        assert truth.services == sorted(device.services, key=lambda s: (s.split("/")[0], int(s.split("/")[1])))
        assert truth.address == device.address


def test_telnet_is_on_the_older_hikvision_line_only(fleet: Fleet) -> None:
    for device in normal(fleet):
        if device.persona.id == "hikvision-camera":
            assert ("tcp/23" in device.services) == (device.string("server") == "Hikvision-Webs")


def test_unauthenticated_onvif_date_works_and_identity_needs_credentials(fleet: Fleet) -> None:
    device = one(fleet, "hikvision-camera")
    date = (
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body><tds:GetSystemDateAndTime/></s:Body></s:Envelope>'
    )
    answer = clients.http(device.address, "/onvif/device_service", method="POST", body=date)
    assert answer.status == 200
    assert b"<tt:UTCDateTime>" in answer.body
    for operation in (b"GetDeviceInformation", b"GetScopes"):
        body = date.replace(b"GetSystemDateAndTime", operation)
        answer = clients.http(device.address, "/onvif/device_service", method="POST", body=body)
        assert answer.status == 401
        assert b"ter:NotAuthorized" in answer.body
