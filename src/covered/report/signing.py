"""Ed25519 keys that sign evidence-pack manifests, and the checks of those signatures.

A SHA-256 manifest alone proves nothing against someone who edits a file and its line in the manifest together;
a signature over the manifest's exact bytes does, for whoever trusts the public key. Keys are Ed25519 (RFC 8032)
through the ``cryptography`` package: small, deterministic signatures and no parameters to choose wrongly.

The key pair lives in one folder (default ``$XDG_CONFIG_HOME/covered/keys``, i.e. ``~/.config/covered/keys``):
the key belongs to the person or role who signs, not to a database that may be copied or shared with the packs.
The private key is unencrypted PKCS#8 PEM with mode 0600 in a 0700 folder; the public key is SubjectPublicKeyInfo
PEM. A key's fingerprint is the SHA-256 of its 32 raw public-key bytes, in hex, so anyone can recompute it with
``openssl pkey -pubin -in evidence-pack.pub -outform DER | tail -c 32 | sha256sum``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from covered.errors import DataError, UsageError

__all__ = [
    "PRIVATE_NAME",
    "PUBLIC_NAME",
    "SIGNATURE_ALGORITHM",
    "KeyPair",
    "default_key_dir",
    "fingerprint",
    "init_keys",
    "load_private_key",
    "load_public_key",
    "sign",
    "signature_holds",
]

PRIVATE_NAME = "evidence-pack.key"
"""File name of the private key in the key folder."""
PUBLIC_NAME = "evidence-pack.pub"
"""File name of the public key in the key folder."""
SIGNATURE_ALGORITHM = "ed25519"
"""The algorithm named in a signed manifest."""
_MAX_KEY_FILE = 64 * 1024


@dataclass(frozen=True, slots=True)
class KeyPair:
    """Where a key pair is stored, its public key in PEM and its fingerprint."""

    private_path: Path
    public_path: Path
    public_pem: str
    fingerprint: str


def default_key_dir() -> Path:
    """The folder keys live in when --key-dir is not given: $XDG_CONFIG_HOME/covered/keys or ~/.config/..."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "covered" / "keys"


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, in hex."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def init_keys(key_dir: Path, *, force: bool = False) -> KeyPair:
    """Create a new key pair in ``key_dir``; an existing one is kept unless ``force`` (UsageError naming --force)."""
    private_path, public_path = key_dir / PRIVATE_NAME, key_dir / PUBLIC_NAME
    if not force and (private_path.exists() or public_path.exists()):
        raise UsageError("--force", f"a key already exists in {key_dir}; give --force to replace it")
    if key_dir.exists() and not key_dir.is_dir():
        raise UsageError("--key-dir", f"{key_dir} is not a folder")
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Written under a temporary name created with 0600 from the start (no moment where others may read it),
    # then renamed over any old key, so a crash leaves either the old key or the new one.
    temporary = private_path.with_name(private_path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    os.replace(temporary, private_path)
    public_pem = _public_pem(key.public_key())
    public_path.write_text(public_pem, encoding="ascii")
    return KeyPair(private_path, public_path, public_pem, fingerprint(key.public_key()))


def _read_key_file(path: Path, option: str) -> bytes:
    if not path.is_file():
        raise UsageError(option, f"{path} not found")
    if path.stat().st_size > _MAX_KEY_FILE:
        raise DataError(path, None, "too large to be a key file")
    return path.read_bytes()


def load_private_key(key_dir: Path) -> Ed25519PrivateKey | None:
    """The signing key in ``key_dir``, None when there is none; DataError when the file is not an Ed25519 key."""
    path = key_dir / PRIVATE_NAME
    if not path.is_file():
        return None
    data = _read_key_file(path, "--key-dir")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise DataError(path, None, "not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise DataError(path, None, f"an {type(key).__name__.removeprefix('_')} key, not Ed25519")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file (UsageError naming --key when missing, DataError when not a key)."""
    data = _read_key_file(path, "--key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise DataError(path, None, "not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise DataError(path, None, "not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    """The signature file's content for ``message``: the base64 of the 64-byte Ed25519 signature and a newline."""
    return base64.b64encode(key.sign(message)) + b"\n"


def signature_holds(public_key: Ed25519PublicKey, message: bytes, signature_file: bytes) -> bool:
    """Whether a signature file (as `sign` writes it) is a valid signature of ``message`` by ``public_key``."""
    try:
        signature = base64.b64decode(signature_file.strip(), validate=True)
        public_key.verify(signature, message)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True
