"""`covered export`: lists for the firewall, the NAC, DNS, IDS and VMS of the devices that still need action."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from covered.cli.options import DbOpt, split
from covered.cli.output import emit, err
from covered.cli.root import app, selected_registry
from covered.errors import UsageError
from covered.report.wording import plural

if TYPE_CHECKING:
    from covered.enforce import ExportFormat, ExportSet

__all__ = ["export"]

_FORMAT_HELP = "mac, address, nftables, ipset, iptables, ip6tables, ise, clearpass, rpz, suricata, vms, or all"


@app.command()
def export(
    fmt: Annotated[
        list[str], typer.Option("--format", "-f", metavar="FORMAT", help=f"{_FORMAT_HELP}; repeat or comma-separate.")
    ],
    profile: Annotated[
        str | None, typer.Option("--profile", help="Only findings kept under this profile (default: any profile).")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Finding statuses that still need action (default: open, review, planned)."),
    ] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only findings of these rules.")] = None,
    site: Annotated[list[str] | None, typer.Option("--site", help="Only devices of these sites.")] = None,
    maker: Annotated[
        list[str] | None, typer.Option("--maker", help="Only devices of these vendors or brands (and their endpoints).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (one format only).")] = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help="Folder to write each format to, under its usual file name.")
    ] = None,
    watch: Annotated[
        float | None,
        typer.Option("--watch", metavar="SECONDS", help="Keep running: rewrite the files whenever statuses change."),
    ] = None,
    checks: Annotated[
        int | None, typer.Option("--checks", min=1, help="With --watch, stop after this many checks.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Lists of the devices whose findings still need action, for the tools that enforce: firewall sets, NAC
    endpoint groups, a DNS RPZ zone and Suricata rules for the vendor clouds, a VMS deny list. Each file says
    when it was written, with which filter, from which scan."""
    from covered.enforce import ExportFormat, make_filter, render, select_targets, write_exports
    from covered.enforce.lists import without_mac
    from covered.enforce.writer import watch_exports, write_atomically
    from covered.store import open_store

    formats = _formats(fmt)
    if len(formats) > 1 and output_dir is None:
        raise UsageError("--format", "several formats need --output-dir")
    if output is not None and output_dir is not None:
        raise UsageError("--output", "give --output or --output-dir, not both")
    if watch is not None and output is None and output_dir is None:
        raise UsageError("--watch", "give --output or --output-dir: a watched export rewrites files")
    if watch is not None and watch <= 0:
        raise UsageError("--watch", f"{watch} is not a positive number of seconds")
    if checks is not None and watch is None:
        raise UsageError("--checks", "only with --watch")
    if output_dir is not None and output_dir.exists() and not output_dir.is_dir():
        raise UsageError("--output-dir", f"{output_dir} is not a folder")
    chosen = make_filter(profile, split(status), split(rule), split(site), split(maker))
    endpoints = selected_registry().cloud_endpoints
    mac_only = {ExportFormat.MAC, ExportFormat.ISE, ExportFormat.CLEARPASS}
    store = open_store(db)

    def write(export_set: ExportSet) -> None:
        if output_dir is not None:
            paths = write_exports(export_set, formats, endpoints, output_dir)
            where = ", ".join(str(p) for p in paths)
        elif output is not None:
            write_atomically(output, render(formats[0], export_set, endpoints))
            where = str(output)
        else:
            emit(render(formats[0], export_set, endpoints), None)
            where = "stdout"
        if not export_set.profiles:
            err.print(
                "[yellow]warning:[/] no findings are saved in this store: run `covered assess --save` first",
                soft_wrap=True,
            )
        missing = without_mac(export_set)
        source = export_set.source.describe() if export_set.source else "no scan"
        err.print(
            f"{escape(where)}: {plural(len(export_set.targets), 'device')} needing action, from {escape(source)}",
            soft_wrap=True,
        )
        if missing and any(f in mac_only for f in formats):
            err.print(
                f"note: {plural(missing, 'device')} without a known MAC cannot be in the MAC, ISE or ClearPass lists",
                soft_wrap=True,
            )

    if watch is None:
        write(select_targets(store, chosen))
        return
    try:
        watch_exports(store, chosen, write, watch, checks)
    except KeyboardInterrupt:
        err.print("stopped watching")


def _formats(values: list[str]) -> list[ExportFormat]:
    from covered.enforce import ExportFormat

    names = split(values, "--format")
    if not names:
        raise UsageError("--format", f"name a format ({_FORMAT_HELP})")
    if "all" in names:
        return list(ExportFormat)
    chosen = []
    for name in names:
        try:
            chosen.append(ExportFormat(name.lower()))
        except ValueError:
            raise UsageError("--format", f"unknown format {name!r} (choose from {_FORMAT_HELP})") from None
    return list(dict.fromkeys(chosen))
