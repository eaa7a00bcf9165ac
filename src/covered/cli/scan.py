"""`covered scan`: probe hosts safely, store what they said and attribute each device."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from covered.cli.options import CsvOpt, DbOpt, JsonOpt, OutputOpt, choose_format
from covered.cli.output import emit, err, print_leads, print_table, print_warnings
from covered.cli.root import app, selected_registry
from covered.errors import UsageError
from covered.report.wording import plural

if TYPE_CHECKING:
    from covered.collect.neighbours import NeighbourTable
    from covered.collect.probes import Credentials
    from covered.collect.scan_job import PlannedScan
    from covered.collect.scanner import ScanProgress
    from covered.model import Attribution
    from covered.registry import Registry
    from covered.store import HostRecord, Store

__all__ = ["scan"]


def _credentials(username: str | None) -> Credentials | None:
    from covered.collect.probes import Credentials

    if username is None:
        return None
    password = os.environ.get("COVERED_DEVICE_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            raise UsageError(
                "--username", "set COVERED_DEVICE_PASSWORD (the password is never taken on the command line)"
            )
        import getpass

        password = getpass.getpass(f"password for {username}: ")
    return Credentials(username, password)


def _scan_rows(store: Store, scan_id: int) -> tuple[list[Attribution], list[dict[str, Any]]]:
    from covered.collect.scan_job import device_rows
    from covered.report.device_views import attribution_row

    attributions, rows = [], []
    for attribution, facts in device_rows(store, scan_id):
        attributions.append(attribution)
        rows.append({"scan_id": scan_id, **facts, **attribution_row(attribution)})
    return attributions, rows


@app.command()
def scan(
    targets: Annotated[
        list[str] | None, typer.Argument(help="CIDRs, ranges (10.0.0.1-50), addresses or host names.")
    ] = None,
    targets_file: Annotated[
        Path | None, typer.Option("--targets-file", help="File with one target per line (# comments).")
    ] = None,
    ports: Annotated[
        str | None,
        typer.Option("--ports", help="Ports, e.g. '80,443,161/udp' or 'T:80,554,U:3702' (default: camera set)."),
    ] = None,
    rate: Annotated[
        float | None, typer.Option("--rate", min=1, max=100_000, help="Packets per second, all hosts (default 300).")
    ] = None,
    host_rate: Annotated[
        float | None, typer.Option("--host-rate", min=1, max=10_000, help="Packets per second per host (default 20).")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, max=4096, help="Hosts probed at once (default 64).")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.2, max=60, help="Connect/read timeout, seconds.")] = 2.0,
    community: Annotated[str, typer.Option("--community", help="SNMP v2c community.")] = "public",
    username: Annotated[
        str | None,
        typer.Option(
            "--username",
            help="Device user for ISAPI/magicBox/ONVIF; password from COVERED_DEVICE_PASSWORD or a prompt.",
        ),
    ] = None,
    multicast: Annotated[
        str | None,
        typer.Option(
            "--multicast",
            metavar="INTERFACE_ADDRESS",
            help="Also discover by multicast (WS-Discovery, SSDP, SADP, DHIP; TTL 1) from this interface.",
        ),
    ] = None,
    scope: Annotated[Path | None, typer.Option("--scope", help="YAML with allow/deny CIDR lists.")] = None,
    allow_public: Annotated[bool, typer.Option("--allow-public", help="Allow public address space.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the latest unfinished scan.")] = False,
    resume_id: Annotated[int | None, typer.Option("--resume-id", help="Continue this unfinished scan.")] = None,
    arp_table: Annotated[
        Path | None,
        typer.Option(
            "--arp-table",
            help="Neighbour table from a router or switch (/proc/net/arp, ip neigh, show ip arp, arp -a or CSV): "
            "each listed host gets its MAC, and a host that answers nothing else is still a device.",
        ),
    ] = None,
    kernel_neighbours: Annotated[
        bool,
        typer.Option("--kernel-neighbours/--no-kernel-neighbours", help="Read this host's ARP table after probing."),
    ] = True,
    db: DbOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Probe hosts safely (rate-limited, non-intrusive, in scope) and attribute each device. Exit 1 if restricted."""
    from covered.collect.scan_job import plan_scan, resume_scan
    from covered.collect.scanner import ScanOptions
    from covered.collect.targets import Scope, parse_ports
    from covered.report.device_views import attributions_csv, attributions_table
    from covered.report.registry_views import json_lines
    from covered.store import open_store

    fmt = choose_format(as_json, as_csv)
    registry = selected_registry()
    store = open_store(db)
    credentials = _credentials(username)
    if resume or resume_id is not None:
        if targets or targets_file:
            raise UsageError("--resume", "a resumed scan keeps its own targets; give none")
        if resume_id is not None:
            store.scan(resume_id, "--resume-id")
        planned = resume_scan(store, resume_id, credentials)
        options = planned.options
        options = dataclasses.replace(
            options,
            rate=rate if rate is not None else options.rate,
            per_host_rate=host_rate if host_rate is not None else options.per_host_rate,
            concurrency=concurrency if concurrency is not None else options.concurrency,
        )
        planned = dataclasses.replace(planned, options=options)
    else:
        scope_rules = Scope.load(scope, allow_public)
        targets = list(targets or [])
        if multicast is not None:
            import asyncio

            from covered.collect.multicast import discover

            found = asyncio.run(discover(multicast, scope_rules))
            err.print(
                f"multicast discovery from {escape(multicast)}: {plural(len(found.hosts), 'host')} answered in scope, "
                f"{len(found.out_of_scope)} outside scope (not probed)"
            )
            targets.extend(found.hosts)
        if not targets and targets_file is None:
            raise UsageError("TARGETS", "give targets (CIDR, range, address, host name), --targets-file or --multicast")
        from covered.collect.probes import Limits

        options = ScanOptions(
            ports=parse_ports(ports),
            rate=rate or 300.0,
            per_host_rate=host_rate or 20.0,
            concurrency=concurrency or 64,
            limits=Limits(connect_timeout=timeout, read_timeout=timeout * 1.5, request_deadline=timeout * 4),
            community=community,
            credentials=credentials,
            kernel_neighbours=kernel_neighbours,
        )
        planned = plan_scan(store, targets, targets_file, scope_rules, options)
        for address, reason in planned.skipped[:20]:
            err.print(f"[yellow]skipped:[/] {escape(address)}: {escape(reason)}")
        if len(planned.skipped) > 20:
            err.print(f"[yellow]skipped:[/] {len(planned.skipped) - 20} more addresses outside scope")
    if arp_table is not None:
        planned = dataclasses.replace(planned, neighbours=_neighbour_table(arp_table, planned.pending))
    err.print(
        f"scan {planned.scan_id}: {plural(len(planned.pending), 'host')} to probe, "
        f"{planned.options.rate:.0f} packets/s overall, {planned.options.per_host_rate:.0f}/s per host"
    )
    try:
        status = _run_with_progress(store, registry, planned, quiet)
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM before the probes started (the matcher is still being built): nothing is lost, and
        # the planned scan resumes like any interrupted one.
        store.set_status(planned.scan_id, "interrupted")
        status = "interrupted"
    attributions, rows = _scan_rows(store, planned.scan_id)
    if fmt == "json":
        emit(json_lines(rows), output)
    elif fmt == "csv":
        emit(attributions_csv(attributions), output)
    else:
        print_table(
            attributions_table(attributions, f"scan {planned.scan_id}: {plural(len(attributions), 'device')}"), output
        )
        print_leads(attributions)
    if status == "interrupted":
        err.print(f"covered: interrupted; resume with `covered scan --resume-id {planned.scan_id}`")
        raise typer.Exit(3)
    raise typer.Exit(1 if any(a.restricted for a in attributions) else 0)


def _neighbour_table(path: Path, pending: list[str]) -> NeighbourTable:
    """Read --arp-table, report what it holds, and keep the entries of the hosts this scan probes."""
    from covered.collect.neighbours import read_neighbour_file

    table = read_neighbour_file(path)
    print_warnings(path.name, table.warnings)
    kept, outside = table.within(pending)
    err.print(
        f"neighbour table {escape(path.name)} ({table.format}): {plural(len(table.entries), 'entry')}, "
        f"{len(kept.entries)} for hosts of this scan, {outside} outside its targets (ignored), "
        f"{table.incomplete} incomplete (ignored)",
        soft_wrap=True,
    )
    return kept


def _run_with_progress(store: Store, registry: Registry, planned: PlannedScan, quiet: bool) -> str:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from covered.collect.scan_job import run_planned
    from covered.identify import identifier_for

    if quiet or not err.is_terminal:
        return run_planned(store, identifier_for(registry), planned)
    columns = (
        TextColumn("scan"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("hosts"),
        TextColumn(
            "{task.fields[devices]} devices, [red]{task.fields[restricted]} restricted[/], "
            "{task.fields[rate]:.1f} hosts/s"
        ),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("scan", total=len(planned.pending), devices=0, restricted=0, rate=0.0)
        import time

        started = time.monotonic()

        def update(progress: ScanProgress, _record: HostRecord) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            bar.update(
                task,
                completed=progress.done,
                devices=progress.devices,
                restricted=progress.restricted,
                rate=progress.done / elapsed,
            )

        return run_planned(store, identifier_for(registry), planned, update)
