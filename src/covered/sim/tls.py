"""Certificates of the emulated devices, generated with ``cryptography`` once per persona at start.

Names are built so that ``Name.rfc4514_string()`` reproduces the cited subject and issuer strings exactly
(RFC 4514 lists the attributes in reverse of their DER order). Keys are EC P-256, derived from a name so a
fleet's keys are stable; ECDSA signatures are randomised, so certificate bytes differ between runs.

``garbage_server_flight`` builds a TLS 1.2 server flight whose Certificate message carries bytes that are
not DER, for the 'bad-cert' hostile persona: the ``ssl`` module cannot send such a certificate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import ssl
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["CertPair", "certificate_kinds", "context_for", "garbage_server_flight", "make_certificate"]

_CURVE_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
_VALID_TO = dt.datetime(2040, 1, 1, tzinfo=dt.UTC)

COUNTRY, STATE, CITY, ORG, UNIT, COMMON = (
    NameOID.COUNTRY_NAME,
    NameOID.STATE_OR_PROVINCE_NAME,
    NameOID.LOCALITY_NAME,
    NameOID.ORGANIZATION_NAME,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.COMMON_NAME,
)

# DER order; rfc4514_string() prints them reversed.
_HIKVISION = (
    (COUNTRY, "CN"),
    (STATE, "ZheJiang"),
    (CITY, "HangZhou"),
    (ORG, "HIKVISION"),
    (UNIT, "DVRNVR"),
    (COMMON, "www.hikvision.com"),
)
"""rfc4514: CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN (hikvision-tls-subject-...)."""
_DAHUA_CA = ((COMMON, "Product Root CA"), (COUNTRY, "CN"), (STATE, "ZheJiang"), (CITY, "HangZhou"), (ORG, "DahuaTech"))
"""rfc4514: O=DahuaTech,L=HangZhou,ST=ZheJiang,C=CN,CN=Product Root CA (dahua-tls-issuer-dahuatech-product-root-ca)."""
_DAHUA = (
    (COMMON, "192.168.1.108"),
    (COUNTRY, "CN"),
    (STATE, "ZHEJIANG"),
    (CITY, "HANGZHOU"),
    (ORG, "DAHUA"),
    (UNIT, "DAHUATECH"),
)
"""rfc4514: OU=DAHUATECH,O=DAHUA,L=HANGZHOU,ST=ZHEJIANG,C=CN,CN=192.168.1.108 (dahua-tls-subject-dahuatech)."""
_BOSCH = (
    (COUNTRY, "DE"),
    (STATE, "Bayern"),
    (CITY, "Grasbrunn"),
    (ORG, "Bosch Sicherheitssysteme GmbH"),
    (COMMON, "local.myboschcam.net"),
)
"""rfc4514: CN=local.myboschcam.net,O=Bosch Sicherheitssysteme GmbH,L=Grasbrunn,ST=Bayern,C=DE (rapid7/recog)."""


@dataclass(frozen=True, slots=True)
class CertPair:
    """A PEM certificate chain and its PEM private key."""

    cert_pem: bytes
    key_pem: bytes


def _key(label: str) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(hashlib.sha256(f"covered-sim-key:{label}".encode()).digest(), "big") % (_CURVE_ORDER - 1)
    return ec.derive_private_key(scalar + 1, ec.SECP256R1())


def _name(attributes: tuple[tuple[x509.ObjectIdentifier, str], ...]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])


def _build(
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    signer: ec.EllipticCurvePrivateKey,
    label: str,
    *,
    valid: tuple[dt.datetime, dt.datetime] = (_VALID_FROM, _VALID_TO),
    san: str | None = None,
    ca: bool = False,
) -> x509.Certificate:
    serial = int.from_bytes(hashlib.sha256(f"covered-sim-serial:{label}".encode()).digest()[:16], "big") >> 1
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    if san is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _pem(certs: list[x509.Certificate], key: ec.EllipticCurvePrivateKey) -> CertPair:
    chain = b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return CertPair(chain, key_pem)


def make_certificate(kind: str, detail: str = "") -> CertPair:
    """A certificate by kind: 'hikvision', 'dahua', 'bosch', 'ezviz', 'axis' (detail: MAC), 'expired', 'wrong-host'."""
    key = _key(kind)
    if kind == "hikvision":
        name = _name(_HIKVISION)
        return _pem([_build(name, name, key, key, kind)], key)
    if kind == "dahua":
        ca_key = _key("dahua-ca")
        ca_name = _name(_DAHUA_CA)
        ca = _build(ca_name, ca_name, ca_key, ca_key, "dahua-ca", ca=True)
        leaf = _build(_name(_DAHUA), ca_name, key, ca_key, kind)
        return _pem([leaf, ca], key)
    if kind == "bosch":
        name = _name(_BOSCH)
        return _pem([_build(name, name, key, key, kind)], key)
    if kind == "axis":
        # rfc4514: CN=axis-accc8ea31abf,O=Axis Communications AB (rapid7/recog:xml/x509_subjects.xml)
        name = _name(((ORG, "Axis Communications AB"), (COMMON, f"axis-{detail.replace(':', '').lower()}")))
        return _pem([_build(name, name, key, key, f"axis-{detail}")], key)
    if kind == "ezviz":
        # RenierM26/pyEzvizApi#274: the 8443 certificate's "subject/issuer identifies EZVIZ Device/CAServer"; the
        # exact distinguished names were not published, so these two names are a reconstruction of that sentence.
        ca_key = _key("ezviz-ca")
        ca_name = _name(((COMMON, "CAServer"),))
        leaf = _build(_name(((ORG, "EZVIZ"), (COMMON, "EZVIZ Device"))), ca_name, key, ca_key, kind)
        return _pem([leaf], key)
    if kind == "expired":
        name = _name(_HIKVISION)
        old = (dt.datetime(2014, 1, 1, tzinfo=dt.UTC), dt.datetime(2016, 1, 1, tzinfo=dt.UTC))
        return _pem([_build(name, name, key, key, kind, valid=old)], key)
    if kind == "wrong-host":
        name = _name(((COUNTRY, "CN"), (COMMON, "wrong.host.invalid")))
        return _pem([_build(name, name, key, key, kind, san="wrong.host.invalid")], key)
    raise ValueError(f"unknown certificate kind {kind!r}")


def certificate_kinds() -> tuple[str, ...]:
    """Kinds shared by many devices, generated once by the parent process."""
    return ("hikvision", "dahua", "bosch", "expired", "wrong-host")


def context_for(pair: CertPair) -> ssl.SSLContext:
    """A server SSLContext holding the pair (written to a private temporary file only while loading)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    handle, name = tempfile.mkstemp(prefix="covered-sim-", suffix=".pem")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(pair.cert_pem + pair.key_pem)
        context.load_cert_chain(name)
    finally:
        Path(name).unlink(missing_ok=True)
    return context


def _handshake(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def _offered_suite(client_hello: bytes) -> int:
    """An ECDHE-ECDSA/RSA AES-GCM suite the client offered (0xC02F if it cannot be read)."""
    try:
        # record header 5, handshake header 4, version 2, random 32
        pos = 5 + 4 + 2 + 32
        pos += 1 + client_hello[pos]
        (length,) = struct.unpack(">H", client_hello[pos : pos + 2])
        suites = {struct.unpack(">H", client_hello[pos + 2 + i : pos + 4 + i])[0] for i in range(0, length, 2)}
    except (IndexError, struct.error):
        return 0xC02F
    for suite in (0xC02F, 0xC02B, 0xC030, 0xC02C, 0x009C):
        if suite in suites:
            return suite
    return 0xC02F


def garbage_server_flight(client_hello: bytes, seed: bytes) -> bytes:
    """ServerHello + a Certificate message whose only certificate is not DER + ServerHelloDone (TLS 1.2)."""
    random_bytes = hashlib.sha256(b"server-random:" + seed).digest()
    # renegotiation_info (RFC 5746): OpenSSL 3 clients refuse servers without it before reading certificates.
    extensions = b"\xff\x01\x00\x01\x00"
    hello = (
        b"\x03\x03"
        + random_bytes
        + b"\x00"
        + _offered_suite(client_hello).to_bytes(2, "big")
        + b"\x00"
        + len(extensions).to_bytes(2, "big")
        + extensions
    )
    garbage = b"\x30\x82\xff\xffNOT-DER covered-sim garbage certificate \x00\xff\xfe" + hashlib.sha256(seed).digest()
    certificate = len(garbage).to_bytes(3, "big") + garbage
    cert_list = len(certificate).to_bytes(3, "big") + certificate
    messages = _handshake(2, hello) + _handshake(11, cert_list) + _handshake(14, b"")
    return b"\x16\x03\x03" + len(messages).to_bytes(2, "big") + messages
