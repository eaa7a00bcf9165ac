"""Device identification from what devices said: identify (single values or observations) and import (asset lists)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.markup import escape

from covered.cli.inputs import read_observation_file
from covered.cli.options import CsvOpt, DbOpt, JsonOpt, OutputOpt, choose_format
from covered.cli.output import emit, err, out, print_leads, print_table, print_warnings
from covered.cli.root import app, selected_registry
from covered.errors import UsageError
from covered.report.wording import plural

if TYPE_CHECKING:
    from rich.console import RenderableType

    from covered.model import Attribution

__all__ = ["identify", "import_"]


def _report_attributions(
    attributions: list[Attribution], fmt: str, output: Path | None, show_evidence: bool, title: str
) -> int:
    from covered.report.device_views import attribution_row, attributions_csv, attributions_table, evidence_tree
    from covered.report.registry_views import json_lines

    if fmt == "json":
        emit(json_lines(attribution_row(a) for a in attributions), output)
    elif fmt == "csv":
        emit(attributions_csv(attributions), output)
    else:
        print_table(attributions_table(attributions, title), output)
        print_leads(attributions)
        if show_evidence and output is None:
            for attribution in attributions:
                out.print(evidence_tree(attribution))
    return 1 if any(a.restricted for a in attributions) else 0


@app.command()
def identify(
    observations: Annotated[
        str | None, typer.Option("--observations", help="JSON Lines observations file, or - for stdin.")
    ] = None,
    mac: Annotated[str | None, typer.Option("--mac", help="MAC address.")] = None,
    http_server: Annotated[str | None, typer.Option("--http-server", help="HTTP Server header.")] = None,
    realm: Annotated[str | None, typer.Option("--realm", help="WWW-Authenticate header (realm).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="HTML title of the web page.")] = None,
    favicon: Annotated[Path | None, typer.Option("--favicon", help="Favicon file (hashed as MD5 and mmh3).")] = None,
    favicon_hash: Annotated[str | None, typer.Option("--favicon-hash", help="Favicon MD5 or mmh3 hash.")] = None,
    cert: Annotated[Path | None, typer.Option("--cert", help="TLS certificate file (PEM).")] = None,
    onvif_scopes: Annotated[str | None, typer.Option("--onvif-scopes", help="ONVIF scopes, space-separated.")] = None,
    snmp_sysobjectid: Annotated[str | None, typer.Option("--snmp-sysobjectid", help="SNMP sysObjectID.")] = None,
    banner: Annotated[str | None, typer.Option("--banner", help="Telnet or SSH banner.")] = None,
    evidence: Annotated[bool, typer.Option("--evidence/--no-evidence", help="Print each evidence chain.")] = False,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Attribute devices to vendor, brand and OEM from what they said, with the evidence chain. Exit 1 if restricted."""
    from covered.identify import identifier_for, observations_from_flags

    fmt = choose_format(as_json, as_csv)
    registry = selected_registry()
    for option, path in (("--favicon", favicon), ("--cert", cert)):
        if path is not None and not path.is_file():
            raise UsageError(option, f"{path} not found")
    single = observations_from_flags(
        mac=mac,
        http_server=http_server,
        realm=realm,
        title=title,
        favicon=favicon,
        favicon_hash=favicon_hash,
        cert=cert,
        onvif_scopes=onvif_scopes,
        snmp_sysobjectid=snmp_sysobjectid,
        banner=banner,
    )
    if observations is not None and single:
        raise UsageError("--observations", "give either --observations or single values, not both")
    if observations is None and not single:
        raise UsageError("--observations", "give --observations FILE (or -) or at least one value such as --mac")
    if observations is not None:
        devices = read_observation_file(observations)
    else:
        devices = {"cli": single}
        evidence = evidence or fmt == "table"
    identifier = identifier_for(registry)
    attributions = [identifier.attribute(key, items) for key, items in devices.items()]
    code = _report_attributions(attributions, fmt, output, evidence, plural(len(attributions), "device"))
    raise typer.Exit(code)


@app.command("netbox")
def netbox(
    url: Annotated[str, typer.Argument(metavar="URL", help="NetBox address, e.g. https://netbox.example.org.")],
    token: Annotated[str, typer.Option("--token", envvar="COVERED_NETBOX_TOKEN", help="NetBox API token (read).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write (NetBox device list layout).")],
) -> None:
    """Read NetBox's devices through its REST API (GET only: nothing is written back) into a CSV in NetBox's own
    device-list layout, for `covered import FILE` (recognised as the netbox-devices preset)."""
    from covered.collect.netbox import netbox_devices_csv, read_netbox_devices

    rows = read_netbox_devices(url, token)
    output.write_text(netbox_devices_csv(rows), encoding="utf-8")
    err.print(f"wrote {escape(str(output))}: {plural(len(rows), 'NetBox device')}", soft_wrap=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, XLSX, JSON or JSON Lines asset list, or nmap XML (-oX).")],
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="COLUMN=FIELD for a header not recognised; FIELD may be ignore.")
    ] = None,
    observations_out: Annotated[
        Path | None, typer.Option("--observations-out", help="Also write the observations as JSON Lines.")
    ] = None,
    evidence: Annotated[bool, typer.Option("--evidence/--no-evidence", help="Print each evidence chain.")] = False,
    save: Annotated[bool, typer.Option("--save", help="Store the devices (as an import) for tracking.")] = False,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="Export layout: netbox-devices, netbox-interfaces, snipe-it, lansweeper, servicenow-cmdb, runzero, "
            "milestone-xprotect, genetec-security-center (default: recognised from the headers).",
        ),
    ] = None,
    keep: Annotated[
        list[str] | None,
        typer.Option("--keep", metavar="COLUMN", help="Keep this column as a custom attribute ('*': every other)."),
    ] = None,
    arp_table: Annotated[
        Path | None,
        typer.Option(
            "--arp-table",
            help="Neighbour table (/proc/net/arp, ip neigh, show ip arp, arp -a or CSV): rows without a MAC get "
            "the MAC listed for their IP address.",
        ),
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Import an asset list or nmap XML; every row becomes a device with its attribution. Exit 1 if restricted."""
    from covered.collect import import_file, parse_mapping
    from covered.identify import identifier_for

    fmt = choose_format(as_json, as_csv)
    registry = selected_registry()
    result = import_file(file, parse_mapping(mapping or []), preset=preset, keep=keep or [])
    print_warnings(file.name, result.warnings)
    if result.preset is not None:
        how = "as asked (--preset)" if preset else "recognised from the headers"
        err.print(f"preset: {escape(result.preset.name)} ({result.preset.id}, {how})", soft_wrap=True)
    elif result.format != "nmap-xml":
        err.print("preset: none recognised (columns read by their usual names)", soft_wrap=True)
    if result.unmapped:
        err.print(
            f"note: columns not imported: {escape(', '.join(result.unmapped))} (use --map COLUMN=FIELD, or "
            "--keep COLUMN to keep one as a custom attribute)",
            soft_wrap=True,
        )
    if result.columns:
        err.print(f"columns: {escape(', '.join(f'{k} -> {v}' for k, v in result.columns.items()))}", soft_wrap=True)
    if result.kept:
        err.print(f"kept as attributes: {escape(', '.join(result.kept))}", soft_wrap=True)
    if arp_table is not None:
        from covered.collect.neighbours import add_neighbour_macs, read_neighbour_file

        table = read_neighbour_file(arp_table)
        print_warnings(arp_table.name, table.warnings)
        matched, unmatched = add_neighbour_macs(result.devices, table, f"neighbour:{arp_table.name}")
        err.print(
            f"neighbour table {escape(arp_table.name)} ({table.format}): "
            f"{plural(matched, 'row')} without a MAC got one, "
            f"{plural(unmatched, 'entry')} matching no row (ignored), {table.incomplete} incomplete (ignored)",
            soft_wrap=True,
        )
    identifier = identifier_for(registry)
    store = None
    import_id = 0
    if save:
        from covered.store import open_store

        store = open_store(db)
        import_id = store.create_scan(
            [str(file)],
            result.keys(),
            {"format": result.format, "preset": result.preset.id if result.preset else None},
            kind="import",
        )
    # Devices go through identification, storage and output a batch at a time, so memory stays bounded whatever
    # the size of the list; only the terminal table (which shows every device at once) keeps them all.
    report = _Stream(output if fmt != "table" else None)
    observations_file = _Stream(observations_out) if observations_out is not None else None
    kept: list[Attribution] = []  # the first TABLE_LIMIT + 1 devices, for a table of them all when that is all
    attention: list[Attribution] = []  # the first TABLE_LIMIT restricted or unsettled ones, for a long list
    makers: Counter[tuple[str, str]] = Counter()
    devices = 0
    restricted = False
    try:
        for batch in result.batches(_BATCH):
            attributions = [identifier.attribute(key, items) for key, items in batch]
            if store is not None:
                from covered.collect.scanner import mac_of
                from covered.store import HostRecord

                # One transaction per batch: a killed import keeps every batch it stored, whole.
                store.record_hosts(
                    import_id,
                    [
                        HostRecord(address=key, observations=items, services=[], attribution=a, mac=mac_of(items))
                        for a, (key, items) in zip(attributions, batch, strict=True)
                    ],
                )
            if observations_file is not None:
                observations_file.write(
                    "".join(o.model_dump_json(exclude_none=True) + "\n" for _, items in batch for o in items)
                )
            restricted = restricted or any(a.restricted for a in attributions)
            _write_rows(report, fmt, attributions, first=devices == 0)
            if fmt == "table":
                # A long list is summed up, not printed whole: only the devices needing attention are kept.
                kept.extend(attributions[: max(0, TABLE_LIMIT + 1 - len(kept))])
                needing = [a for a in attributions if a.restricted is not False and (a.vendor or a.lead)]
                attention.extend(needing[: max(0, TABLE_LIMIT - len(attention))])
                makers.update((a.vendor_name or "maker not determined", _verdict(a)) for a in attributions)
            devices += len(attributions)
        if devices == 0:
            _write_rows(report, fmt, [], first=True)
        if store is not None:
            from covered.store.tracking import merge_scan

            new, updated, _ = merge_scan(store, import_id)
            store.set_status(import_id, "complete")
            err.print(f"stored as import {import_id}: {plural(new, 'new device')}, {updated} updated")
    except BaseException:
        report.abandon()
        if observations_file is not None:
            observations_file.abandon()
        raise
    report.finish()
    if observations_file is not None:
        observations_file.finish()
    err.print(
        f"{plural(result.rows, 'row')} imported from {escape(file.name)} ({result.format}), "
        f"{plural(devices, 'device')}, "
        f"{plural(len(result.warnings), 'warning')}"
    )
    if fmt == "table" and devices <= TABLE_LIMIT:
        _report_attributions(kept, fmt, output, evidence, f"{plural(devices, 'device')} from {file.name}")
    elif fmt == "table":
        _summarise(makers, attention, devices, file.name, output)
    raise typer.Exit(1 if restricted else 0)


TABLE_LIMIT = 500
"""Devices a terminal table shows one per row; a longer list gets a summary and the devices needing attention."""


def _verdict(attribution: Attribution) -> str:
    if attribution.restricted:
        return "restricted"
    if attribution.restricted is False:
        return "not restricted"
    return "unsettled" if attribution.vendor or attribution.lead else "unknown"


def _summarise(
    makers: Counter[tuple[str, str]], attention: list[Attribution], devices: int, name: str, output: Path | None
) -> None:
    """A long import on the terminal: devices per maker and verdict, then the ones needing attention."""
    from rich.console import Group
    from rich.table import Table

    from covered.report.device_views import attributions_table

    table = Table(title=f"{plural(devices, 'device')} from {name}, by maker")
    for column in ("maker", "verdict", "devices"):
        table.add_column(column, justify="right" if column == "devices" else "left")
    order = {"restricted": 0, "unsettled": 1, "not restricted": 2, "unknown": 3}
    for (maker, verdict), count in sorted(makers.items(), key=lambda item: (order[item[0][1]], -item[1], item[0][0])):
        table.add_row(escape(maker), verdict, f"{count:,}")
    parts: list[RenderableType] = [table]
    if attention:
        title = f"the first {plural(len(attention), 'device')} needing attention (restricted, or a maker not settled)"
        parts.append(attributions_table(attention, title))
    print_table(Group(*parts), output)
    print_leads(attention)
    err.print(
        f"{devices:,} devices are more than a terminal table shows ({TABLE_LIMIT}); every device with its evidence: "
        "--json or --csv, with -o FILE",
        soft_wrap=True,
    )


_BATCH = 2_000
"""Devices identified, stored and written together by `covered import`."""


def _write_rows(report: _Stream, fmt: str, attributions: list[Attribution], *, first: bool) -> None:
    """One batch of JSON Lines or CSV rows (the CSV header with the first batch only)."""
    from covered.report.device_views import attribution_row, attributions_csv
    from covered.report.registry_views import json_lines

    if fmt == "json":
        report.write(json_lines(attribution_row(a) for a in attributions))
    elif fmt == "csv":
        text = attributions_csv(attributions)
        report.write(text if first else text.split("\n", 1)[1])


class _Stream:
    """Text written in pieces to stdout, or to a file that appears under its name only once it is complete."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._handle: TextIO | None = None
        self._part = path.with_name(path.name + ".part") if path is not None else None

    def write(self, text: str) -> None:
        """Append text (the file is opened at the first write, so a run that fails early leaves none)."""
        if self._part is None:
            sys.stdout.write(text)
            return
        if self._handle is None:
            self._handle = self._part.open("w", encoding="utf-8")
        self._handle.write(text)

    def finish(self) -> None:
        """Close the file and give it its name (an empty file when nothing was written, as before)."""
        if self._part is None or self.path is None:
            sys.stdout.flush()
            return
        if self._handle is None:
            self._handle = self._part.open("w", encoding="utf-8")
        self._handle.close()
        os.replace(self._part, self.path)

    def abandon(self) -> None:
        """Drop a file left half-written by a failed run."""
        if self._handle is not None:
            self._handle.close()
        if self._part is not None:
            self._part.unlink(missing_ok=True)
