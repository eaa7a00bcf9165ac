"""Credential checks of the emulated devices: HTTP Basic, HTTP Digest (RFC 7616, MD5) and WS-UsernameToken.

A device accepts exactly one user name and password (the fleet's, see ``FleetSpec``) and nothing else: no
default passwords, no anonymous access to anything that real firmware protects.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import re

__all__ = ["check_authorization", "digest_challenge", "md5_hex", "parse_digest", "wsse_valid"]

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
MAX_HEADER = 4096


def md5_hex(text: str) -> str:
    """Lower-case hex MD5 of UTF-8 text (Digest's H function)."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def parse_digest(value: str) -> dict[str, str]:
    """Parameters of a Digest Authorization header ('Digest username="a", realm=...')."""
    out: dict[str, str] = {}
    for match in _PARAM.finditer(value[len("Digest") :]):
        out[match.group(1).lower()] = match.group(2) if match.group(2) is not None else match.group(3)
    return out


def digest_challenge(realm: str, nonce: str, *, qop: bool = True, opaque: str | None = None) -> str:
    """A WWW-Authenticate Digest challenge value."""
    parts = [f'realm="{realm}"']
    if qop:
        parts.append('qop="auth"')
    parts.append(f'nonce="{nonce}"')
    if opaque is not None:
        parts.append(f'opaque="{opaque}"')
    return "Digest " + ", ".join(parts)


def _digest_ok(params: dict[str, str], method: str, realm: str, username: str, password: str) -> bool:
    if params.get("username") != username or params.get("realm") != realm:
        return False
    if params.get("algorithm", "MD5").upper() != "MD5":
        return False
    nonce, uri, response = params.get("nonce"), params.get("uri"), params.get("response")
    if nonce is None or uri is None or response is None:
        return False
    ha1 = md5_hex(f"{username}:{realm}:{password}")
    ha2 = md5_hex(f"{method}:{uri}")
    qop = params.get("qop")
    if qop is None:
        expected = md5_hex(f"{ha1}:{nonce}:{ha2}")
    elif qop == "auth":
        expected = md5_hex(f"{ha1}:{nonce}:{params.get('nc', '')}:{params.get('cnonce', '')}:{qop}:{ha2}")
    else:
        return False
    return hmac.compare_digest(expected, response.lower())


def check_authorization(
    header: str | None, method: str, realm: str, username: str, password: str, *, basic: bool = True
) -> bool:
    """True only for valid Basic (if allowed) or Digest credentials of the one configured user."""
    if header is None or len(header) > MAX_HEADER:
        return False
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() == "basic" and basic:
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, secret = decoded.partition(":")
        return bool(sep) and hmac.compare_digest(user, username) and hmac.compare_digest(secret, password)
    if scheme.lower() == "digest":
        return _digest_ok(parse_digest(header.strip()), method, realm, username, password)
    return False


def wsse_valid(
    user: str | None,
    password: str | None,
    password_type: str | None,
    nonce: str | None,
    created: str | None,
    username: str,
    secret: str,
) -> bool:
    """True for a WS-Security UsernameToken of the configured user (PasswordDigest or PasswordText).

    PasswordDigest = Base64(SHA-1(nonce + created + password)) (device-protocols.md#2.1). Clients differ on
    whether the nonce bytes are the Base64-decoded <Nonce> or its text (go2rtc uses the raw string), so both
    readings are accepted; either way the password must be the configured one.
    """
    if user is None or password is None or user != username:
        return False
    if password_type is not None and password_type.endswith("#PasswordText"):
        return hmac.compare_digest(password, secret)
    if nonce is None or created is None:
        return False
    candidates = [nonce.encode("utf-8")]
    with contextlib.suppress(binascii.Error):
        candidates.append(base64.b64decode(nonce, validate=True))
    for raw in candidates:
        digest = base64.b64encode(
            hashlib.sha1(raw + created.encode() + secret.encode(), usedforsecurity=False).digest()
        ).decode()
        if hmac.compare_digest(digest, password.strip()):
            return True
    return False
