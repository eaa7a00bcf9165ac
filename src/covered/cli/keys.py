"""Signing keys for evidence packs: `covered keys init` and `covered keys show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from covered.cli.output import emit, err, out
from covered.cli.root import app
from covered.errors import UsageError

__all__ = ["KeyDirOpt", "init", "show"]

KeyDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-dir",
        help="Folder of the evidence-pack signing key (default: ~/.config/covered/keys, or under $XDG_CONFIG_HOME).",
    ),
]

keys_app = typer.Typer(help="The Ed25519 key pair that signs evidence packs.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command()
def init(
    key_dir: KeyDirOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing key pair (old packs stay verifiable only with the old public key)."
        ),
    ] = False,
) -> None:
    """Create the signing key pair (private key 0600); print the public key and its SHA-256 fingerprint."""
    from covered.report.signing import default_key_dir, init_keys

    pair = init_keys(key_dir or default_key_dir(), force=force)
    err.print(f"private key: {escape(str(pair.private_path))} (mode 0600; keep it secret)", soft_wrap=True)
    err.print(f"public key: {escape(str(pair.public_path))} (give it to whoever verifies your packs)", soft_wrap=True)
    emit(pair.public_pem, None)
    out.print(f"fingerprint (SHA-256): {pair.fingerprint}", soft_wrap=True, highlight=False)


@keys_app.command()
def show(key_dir: KeyDirOpt = None) -> None:
    """Print the public key of the signing key pair and its SHA-256 fingerprint."""
    from covered.report.signing import PUBLIC_NAME, default_key_dir, fingerprint, load_public_key

    folder = key_dir or default_key_dir()
    path = folder / PUBLIC_NAME
    if not path.is_file():
        raise UsageError("--key-dir", f"no public key in {folder} (create one with `covered keys init`)")
    key = load_public_key(path)
    emit(path.read_text(encoding="ascii"), None)
    out.print(f"fingerprint (SHA-256): {fingerprint(key)}", soft_wrap=True, highlight=False)
