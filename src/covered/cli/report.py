"""Reports for auditors: `covered report` (html, pdf, csv, json, CycloneDX, evidence pack) and `covered verify`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from covered.cli.options import DbOpt
from covered.cli.output import emit, err, out
from covered.cli.root import app
from covered.errors import DataError, UsageError

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
    db: DbOpt = None,
) -> None:
    """Reports for auditors; `--format pack` writes the evidence pack (report, observations, SHA-256 manifest)."""
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
        digests = write_pack(data, output)
        err.print(
            f"evidence pack with {len(digests)} files and a SHA-256 manifest; check it with `covered verify {output}`"
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
) -> None:
    """Check an evidence pack against its SHA-256 manifest. Exit 1 when anything was altered or is missing."""
    import zipfile

    from covered.report.bundle import verify_pack

    if not pack.is_file():
        raise UsageError("PACK", f"{pack} not found")
    try:
        problems = verify_pack(pack)
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DataError(pack, None, f"not an evidence pack: {exc}") from None
    for problem in problems:
        err.print(f"covered: {escape(str(pack))}: {escape(problem)}")
    if problems:
        raise typer.Exit(1)
    out.print(f"{pack}: every file matches its SHA-256 in the manifest")
