"""Signed evidence packs: `covered keys init`, a signature over the manifest, and `verify --key` catching what the
manifest alone cannot (a file edited together with its hash), a wrong key, a stripped or missing signature."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest

from covered.identify import identifier_for
from covered.model import Channel, Observation
from covered.registry import Registry
from covered.report.bundle import check_pack, collect, write_pack
from covered.report.signing import (
    PRIVATE_NAME,
    PUBLIC_NAME,
    fingerprint,
    init_keys,
    load_private_key,
    load_public_key,
)
from covered.store import HostRecord, open_store
from covered.store.tracking import merge_scan
from tests.test_cli import run


@pytest.fixture
def database(registry: Registry, tmp_path: Path) -> Path:
    path = tmp_path / "signed.db"
    store = open_store(path)
    scan = store.create_scan(["10.0.0.1"], ["10.0.0.1"], {})
    items = [
        Observation(device="10.0.0.1", channel=Channel.HTTP, field="server", value="DNVRS-Webs", target="10.0.0.1"),
        Observation(device="10.0.0.1", channel=Channel.MAC, field="address", value="44:19:B6:00:00:01"),
    ]
    store.record_host(scan, HostRecord("10.0.0.1", items, ["tcp/80"], identifier_for(registry).attribute("x", items)))
    merge_scan(store, scan)
    return path


def _rewrite(source: Path, target: Path, edit: dict[str, bytes | None]) -> None:
    """Copy a pack, replacing (or with None dropping) the named entries."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename in edit:
                content = edit[item.filename]
                if content is not None:
                    new.writestr(item.filename, content)
            else:
                new.writestr(item, old.read(item.filename))


def _forge(pack: Path, target: Path) -> None:
    """What the SHA-256 manifest alone cannot catch: a report edited and its manifest hash updated to match."""
    with zipfile.ZipFile(pack) as archive:
        report = archive.read("report.json").replace(b"hikvision", b"axis")
        manifest = json.loads(archive.read("manifest.json"))
    assert b"axis" in report, "the fixture's report must name the vendor the forgery changes"
    manifest["files"]["report.json"] = hashlib.sha256(report).hexdigest()
    _rewrite(pack, target, {"report.json": report, "manifest.json": json.dumps(manifest, indent=2).encode()})


def test_keys_init_writes_a_private_key_only_its_owner_reads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    made = run("keys", "init", "--key-dir", str(keys))
    assert made.returncode == 0, made.stderr
    private, public = keys / PRIVATE_NAME, keys / PUBLIC_NAME
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text() in made.stdout
    expected = fingerprint(load_public_key(public))
    assert f"fingerprint (SHA-256): {expected}" in made.stdout
    # The fingerprint is the SHA-256 of the raw key: the last 32 bytes of the DER SubjectPublicKeyInfo.
    from cryptography.hazmat.primitives import serialization

    der = load_public_key(public).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert hashlib.sha256(der[-32:]).hexdigest() == expected
    again = run("keys", "init", "--key-dir", str(keys))
    assert again.returncode == 2
    assert again.stderr.startswith("covered: --force: a key already exists")
    assert fingerprint(load_public_key(public)) == expected
    replaced = run("keys", "init", "--key-dir", str(keys), "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert fingerprint(load_public_key(public)) != expected
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    shown = run("keys", "show", "--key-dir", str(keys))
    assert shown.returncode == 0
    assert fingerprint(load_public_key(public)) in shown.stdout


def test_signed_pack_catches_a_file_edited_with_its_hash(database: Path, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    init_keys(keys)
    pack = tmp_path / "pack.zip"
    made = run("report", "--format", "pack", "-o", str(pack), "--db", str(database), "--key-dir", str(keys))
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(pack) as archive:
        manifest_bytes = archive.read("manifest.json")
        assert "manifest.sig" in archive.namelist()
    assert f"manifest SHA-256: {hashlib.sha256(manifest_bytes).hexdigest()}" in made.stdout
    signer = fingerprint(load_public_key(keys / PUBLIC_NAME))
    assert json.loads(manifest_bytes)["signature"]["key_sha256"] == signer
    public = str(keys / PUBLIC_NAME)

    good = run("verify", str(pack), "--key", public)
    assert good.returncode == 0, good.stderr
    assert f"signature holds: manifest signed with key {signer}" in good.stdout

    forged = tmp_path / "forged.zip"
    _forge(pack, forged)
    unchecked = run("verify", str(forged))
    assert unchecked.returncode == 0  # the hashes agree: only the signature can tell
    assert "signature not checked" in unchecked.stdout
    caught = run("verify", str(forged), "--key", public)
    assert caught.returncode == 1
    assert caught.stderr.strip().splitlines() == [
        f"covered: {forged}: signature: the signature does not match manifest.json "
        "(altered after signing, or another key)"
    ]


def test_wrong_key_fails(database: Path, tmp_path: Path) -> None:
    mine, theirs = init_keys(tmp_path / "mine"), init_keys(tmp_path / "theirs")
    pack = tmp_path / "pack.zip"
    made = run(
        "report", "--format", "pack", "-o", str(pack), "--db", str(database), "--key-dir", str(tmp_path / "mine")
    )
    assert made.returncode == 0, made.stderr
    wrong = run("verify", str(pack), "--key", str(theirs.public_path))
    assert wrong.returncode == 1
    assert f"signed by key {mine.fingerprint}, not by the key given ({theirs.fingerprint})" in wrong.stderr
    # A forger who re-signs with their own key and names it in the manifest still fails against the real key.
    resigned = tmp_path / "resigned.zip"
    key = load_private_key(tmp_path / "theirs")
    assert key is not None
    write_pack(collect(open_store(database), None, with_observations=True), resigned, key=key)
    check = check_pack(resigned, load_public_key(mine.public_path))
    assert check.signature == "invalid"
    assert check.signature_problem == f"signed by key {theirs.fingerprint}, not by the key given ({mine.fingerprint})"


def test_unsigned_pack_is_reported_as_unsigned(database: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-keys"
    pack = tmp_path / "pack.zip"
    made = run("report", "--format", "pack", "-o", str(pack), "--db", str(database), "--key-dir", str(empty))
    assert made.returncode == 0, made.stderr
    assert "the pack is unsigned" in made.stderr
    with zipfile.ZipFile(pack) as archive:
        assert "manifest.sig" not in archive.namelist()
        assert "signature" not in json.loads(archive.read("manifest.json"))
    plain = run("verify", str(pack))
    assert plain.returncode == 0, plain.stderr
    assert "is unsigned" in plain.stderr
    pair = init_keys(tmp_path / "keys")
    keyed = run("verify", str(pack), "--key", str(pair.public_path))
    assert keyed.returncode == 1
    assert keyed.stderr.strip() == f"covered: {pack}: signature: the pack is not signed"


def test_stripped_signature_fails_even_without_a_key(database: Path, tmp_path: Path) -> None:
    pair = init_keys(tmp_path / "keys")
    key = load_private_key(tmp_path / "keys")
    assert key is not None
    pack, stripped = tmp_path / "pack.zip", tmp_path / "stripped.zip"
    write_pack(collect(open_store(database), None, with_observations=True), pack, key=key)
    assert check_pack(pack, load_public_key(pair.public_path)).intact
    _rewrite(pack, stripped, {"manifest.sig": None})
    result = run("verify", str(stripped))
    assert result.returncode == 1
    assert f"manifest names signing key {pair.fingerprint} but manifest.sig is missing" in result.stderr
    garbled = tmp_path / "garbled.zip"
    _rewrite(pack, garbled, {"manifest.sig": b"not base64 at all!\n"})
    check = check_pack(garbled, load_public_key(pair.public_path))
    assert (check.signature, check.intact) == ("invalid", False)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a key", "not a PEM public key"), (None, "not found")],
)
def test_bad_key_files_are_one_line_errors(tmp_path: Path, content: bytes | None, message: str) -> None:
    pack = tmp_path / "pack.zip"
    write_pack(collect(open_store(tmp_path / "empty.db")), pack)
    key = tmp_path / "key.pem"
    if content is not None:
        key.write_bytes(content)
    result = run("verify", str(pack), "--key", str(key))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
