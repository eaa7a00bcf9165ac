"""Hostile personas do what they promise: stall, reset, flood, break XML, carry bombs, bad certificates."""

from __future__ import annotations

import socket
import ssl
import time

import pytest
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from covered.sim import Fleet
from tests.sim import clients
from tests.sim.conftest import one


def test_slow_devices_do_not_answer_within_typical_timeouts(fleet: Fleet) -> None:
    devices = (one(fleet, "dahua-camera", "slow"), one(fleet, "generic-embedded", "slow"))
    assert {d.variant for d in devices} == {0, 1}  # one stalls, one trickles a byte every half second
    for device in devices:
        deadline = time.monotonic() + 1.6
        received = b""
        with socket.create_connection((device.address, 80), timeout=1.0) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            while (remaining := deadline - time.monotonic()) > 0:
                sock.settimeout(remaining)
                try:
                    chunk = sock.recv(1024)
                except TimeoutError:
                    break
                assert chunk, "slow device closed early"
                received += chunk
        assert len(received) <= 4  # nothing, or a trickle of the status line
        port = device.udp_ports[0]
        with pytest.raises(TimeoutError):
            clients.udp(device.address, port, clients.PROBES[port], timeout=1.0)


def _first_bytes(address: str, port: int) -> bytes:
    with socket.create_connection((address, port), timeout=2) as sock:
        time.sleep(0.1)  # let the device accept and reset
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        return sock.recv(1024)


def test_reset_devices_reset(fleet: Fleet) -> None:
    device = one(fleet, "generic-embedded", "reset")
    for port in device.tcp_ports:
        with pytest.raises(ConnectionResetError):
            _first_bytes(device.address, port)


def test_oversized_http_body_and_datagrams(fleet: Fleet) -> None:
    device = one(fleet, "generic-embedded", "oversized")
    with socket.create_connection((device.address, 80), timeout=3) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(4096)
        assert f"Content-Length: {fleet.spec.oversize_bytes}".encode() in head
        total = len(head.partition(b"\r\n\r\n")[2])
        while total < fleet.spec.oversize_bytes:
            chunk = sock.recv(1 << 20)
            assert chunk
            total += len(chunk)
        assert total == fleet.spec.oversize_bytes
    answer = clients.udp(device.address, 1900, clients.SSDP_SEARCH)
    assert len(answer) > 50_000


def test_xml_bomb_answers_declare_entities(fleet: Fleet) -> None:
    device = one(fleet, "hikvision-camera", "xml-bomb")
    sadp = clients.udp(device.address, 37020, clients.SADP_PROBE)
    wsd = clients.udp(device.address, 3702, clients.WSD_PROBE)
    isapi = clients.http(device.address, "/ISAPI/System/deviceInfo").body
    for document in (sadp, wsd, isapi):
        assert b"<!DOCTYPE" in document
        assert b'<!ENTITY lol9 "&lol8;&lol8;' in document
        assert b"&lol9;" in document
        with pytest.raises(DefusedXmlException):
            ElementTree.fromstring(document)


def test_malformed_xml_answers_do_not_parse(fleet: Fleet) -> None:
    device = one(fleet, "hikvision-camera", "malformed-xml")
    sadp = clients.udp(device.address, 37020, clients.SADP_PROBE)
    isapi = clients.http(device.address, "/ISAPI/System/deviceInfo").body
    for document in (sadp, isapi):
        with pytest.raises(ElementTree.ParseError):
            ElementTree.fromstring(document, forbid_dtd=True)


def test_bad_certificates(fleet: Fleet) -> None:
    from cryptography import x509

    kinds = {}
    for device in [d for d in fleet.devices if d.hostile == "bad-cert"]:
        kinds[device.variant] = device
    for variant, device in kinds.items():
        if variant == 2:
            with pytest.raises(ssl.SSLError):
                clients.peer_certificate(device.address)
            with socket.create_connection((device.address, 443), timeout=3) as sock:
                hello = ssl.MemoryBIO(), ssl.MemoryBIO()
                tls = ssl.create_default_context().wrap_bio(*hello, server_hostname="x")
                with pytest.raises(ssl.SSLWantReadError):
                    tls.do_handshake()
                sock.sendall(hello[1].read())
                assert b"NOT-DER covered-sim garbage certificate" in sock.recv(8192)
            continue
        cert = x509.load_der_x509_certificate(clients.peer_certificate(device.address))
        if variant == 0:
            assert cert.not_valid_after_utc.year < 2020
        else:
            assert "wrong.host.invalid" in cert.subject.rfc4514_string()
        verifying = ssl.create_default_context()
        with socket.create_connection((device.address, 443), timeout=3) as raw, pytest.raises(ssl.SSLError):
            verifying.wrap_socket(raw, server_hostname=device.address)
    assert set(kinds) == {0, 1, 2}


def test_non_utf8_and_script_banners(fleet: Fleet) -> None:
    raw = one(fleet, "generic-embedded", "non-utf8")
    answer = clients.http(raw.address)
    server = answer.header("Server")
    assert server is not None
    with pytest.raises(UnicodeDecodeError):
        server.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    script = one(fleet, "generic-embedded", "script-banner")
    answer = clients.http(script.address)
    assert b"<script>alert(1)</script>" in (answer.header("Server") or b"")
    assert b"<title>IP Camera<script>alert(1)</script></title>" in answer.body or b"alert(1)" in answer.body
    assert b"<script>alert(1)</script>" in clients.banner(script.address, 23)
