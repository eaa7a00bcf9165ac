"""Reports for auditors: `covered report` (html, pdf, csv, json, CycloneDX, evidence pack) and `covered verify`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from covered.cli.keys import KeyDirOpt
from covered.cli.options import DbOpt
from covered.cli.output import emit, err, out
from covered.cli.root import app
from covered.errors import UsageError

__all__ = ["ReportFormat", "report", "verify"]


class ReportFormat(StrEnum):
    """Report formats."""

    HTML = "html"
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"
    CYCLONEDX = "cyclonedx"
    PACK = "pack"


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", help="html, pdf, csv, json, cyclonedx or pack.")] = (
        ReportFormat.HTML
    ),
    scan_id: Annotated[int | None, typer.Option("--scan-id", help="Only devices seen in this scan.")] = None,
    key_dir: KeyDirOpt = None,
    db: DbOpt = None,
) -> None:
    """Reports for auditors; `--format pack` writes the evidence pack (report, observations, SHA-256 manifest),
    signed with the key of `covered keys init` when there is one."""
    from covered.report.bundle import (
        collect,
        render_csv,
        render_cyclonedx,
        render_html,
        render_json,
        render_pdf,
        write_pack,
    )
    from covered.store import open_store

    data = collect(open_store(db), scan_id, with_observations=fmt is ReportFormat.PACK)
    if fmt is ReportFormat.PDF:
        render_pdf(data, output)
    elif fmt is ReportFormat.PACK:
        from covered.report.signing import PUBLIC_NAME, default_key_dir, load_private_key

        folder = key_dir or default_key_dir()
        key = load_private_key(folder)
        summary = write_pack(data, output, key=key)
        err.print(f"evidence pack with {len(summary.files)} files and a SHA-256 manifest", soft_wrap=True)
        # Printed to stdout so it can be recorded elsewhere (a ticket, a log): it pins this exact manifest.
        out.print(f"manifest SHA-256: {summary.manifest_sha256}", soft_wrap=True)
        if summary.signer is not None:
            out.print(f"signed with key {summary.signer}", soft_wrap=True)
            err.print(
                f"check it with `covered verify {escape(str(output))} --key {escape(str(folder / PUBLIC_NAME))}`",
                soft_wrap=True,
            )
        else:
            err.print(
                f"warning: no signing key in {escape(str(folder))} (create one with `covered keys init`): the pack "
                "is unsigned, so its manifest does not show a file and its hash were not edited together",
                soft_wrap=True,
            )
    else:
        renderers = {
            ReportFormat.HTML: render_html,
            ReportFormat.CSV: render_csv,
            ReportFormat.JSON: render_json,
            ReportFormat.CYCLONEDX: render_cyclonedx,
        }
        emit(renderers[fmt](data), output)
    err.print(f"wrote {output} ({len(data.devices)} devices, {len(data.findings)} findings)")


@app.command()
def verify(
    pack: Annotated[Path, typer.Argument(metavar="PACK", help="Evidence pack written by `covered report`.")],
    key: Annotated[
        Path | None,
        typer.Option("--key", metavar="PUBLIC.pem", help="Public key the pack must be signed with (checks it)."),
    ] = None,
) -> None:
    """Check an evidence pack against its SHA-256 manifest and, with --key, its signature. Exit 1 when anything
    was altered or is missing, or the signature does not hold."""
    from covered.report.bundle import check_pack
    from covered.report.signing import load_public_key

    if not pack.is_file():
        raise UsageError("PACK", f"{pack} not found")
    public_key = load_public_key(key) if key is not None else None
    check = check_pack(pack, public_key)
    where = escape(str(pack))
    for problem in check.problems:
        err.print(f"covered: {where}: {escape(problem)}", soft_wrap=True)
    if check.signature_problem is not None:
        err.print(f"covered: {where}: signature: {escape(check.signature_problem)}", soft_wrap=True)
    if not check.intact:
        raise typer.Exit(1)
    out.print(f"{where}: every file matches its SHA-256 in the manifest", soft_wrap=True)
    if check.signature == "valid":
        out.print(f"{where}: signature holds: manifest signed with key {check.signer}", soft_wrap=True)
    elif check.signature == "unchecked":
        signer = f"key {check.signer}" if check.signer else "a key the manifest does not name"
        out.print(f"{where}: signed with {signer}; signature not checked (give --key PUBLIC.pem)", soft_wrap=True)
    else:
        err.print(
            f"warning: {where} is unsigned: the manifest alone does not show a file and its hash were not edited "
            "together",
            soft_wrap=True,
        )
