"""`covered capture`: devices found and identified from packet captures, Zeek logs or a live interface."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from covered.cli.options import CsvOpt, DbOpt, JsonOpt, OutputOpt, choose_format
from covered.cli.output import emit, err, print_leads, print_table
from covered.cli.root import app, selected_registry
from covered.errors import UsageError
from covered.report.wording import plural

if TYPE_CHECKING:
    from covered.capture.pipeline import CaptureInputs, CaptureResult
    from covered.registry import Registry
    from covered.store.db import Store

__all__ = ["capture", "parse_duration"]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smh]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}
MAX_DURATION = 7 * 24 * 3600.0


def parse_duration(value: str) -> float:
    """'90', '90s', '10m' or '2h' as seconds; UsageError otherwise."""
    match = _DURATION.fullmatch(value.strip().lower())
    seconds = float(match.group(1)) * _UNITS[match.group(2)] if match else 0.0
    if not match or not 0 < seconds <= MAX_DURATION:
        raise UsageError("--duration", f"{value!r} is not a duration such as 30s, 10m or 2h (at most 7 days)")
    return seconds


@app.command()
def capture(
    inputs: Annotated[
        list[Path] | None, typer.Argument(help="pcap/pcapng files (also .gz) or directories of them.")
    ] = None,
    zeek: Annotated[
        list[Path] | None, typer.Option("--zeek", help="Zeek log file or directory (TSV or JSON, plain or gzip).")
    ] = None,
    interface: Annotated[
        str | None, typer.Option("--interface", help="Capture live on this interface (root or CAP_NET_RAW).")
    ] = None,
    duration: Annotated[str, typer.Option("--duration", help="How long to capture live: 30s, 10m, 2h.")] = "60s",
    bpf: Annotated[str | None, typer.Option("--filter", help="BPF filter: only matching frames are read.")] = None,
    max_frames: Annotated[
        int | None, typer.Option("--max-frames", min=1, help="Read at most this many frames of each input.")
    ] = None,
    remote: Annotated[
        bool, typer.Option("--remote", help="Also keep internet hosts seen across a router (servers) as devices.")
    ] = False,
    save: Annotated[bool, typer.Option("--save", help="Store the devices as a capture scan for tracking.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress line.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    output: OutputOpt = None,
) -> None:
    """Find and identify devices in traffic, sending nothing. Exit 1 if a restricted device is found."""
    from covered.capture.pipeline import CaptureInputs
    from covered.capture.reader import ReadLimits, check_filter

    fmt = choose_format(as_json, as_csv)
    paths = tuple(inputs or ())
    logs = tuple(zeek or ())
    if not paths and not logs and interface is None:
        raise UsageError("INPUTS", "give capture files or directories, --zeek LOGS or --interface IF")
    for path in paths:
        if not path.exists():
            raise UsageError(str(path), "no such file or directory")
        if path.is_file():
            try:
                path.open("rb").close()
            except OSError as exc:
                raise UsageError(str(path), f"cannot read: {exc.strerror}") from None
    for path in logs:
        if not path.exists():
            raise UsageError("--zeek", f"{path}: no such file or directory")
    seconds = parse_duration(duration) if interface is not None else 0.0
    if bpf is not None:
        check_filter(bpf)
    registry = selected_registry()
    store = None
    if save:
        from covered.store import open_store

        store = open_store(db)
    request = CaptureInputs(paths, logs, interface, seconds, bpf, ReadLimits(max_frames=max_frames), remote)
    result = _run(registry, request, store, quiet)
    _report(result, fmt, output)
    raise typer.Exit(1 if any(a.restricted for a in result.attributions) else 0)


def _run(registry: Registry, request: CaptureInputs, store: Store | None, quiet: bool) -> CaptureResult:
    from covered.capture.pipeline import run_capture

    if quiet or not err.is_terminal:
        return run_capture(registry, request, store)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("capture"),
        TextColumn(
            "{task.fields[frames]} frames, {task.fields[mb]:.1f} MB, {task.fields[rate]:,.0f} frames/s, "
            "{task.fields[devices]} devices"
        ),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("capture", total=None, frames=0, mb=0.0, rate=0.0, devices=0)

        def update(frames: int, size: int, devices: int, elapsed: float) -> None:
            bar.update(task, frames=frames, mb=size / 1e6, rate=frames / max(elapsed, 1e-6), devices=devices)

        return run_capture(registry, request, store, update)


def _report(result: CaptureResult, fmt: str, output: Path | None) -> None:
    from covered.report.device_views import attribution_row, attributions_csv, attributions_table
    from covered.report.registry_views import json_lines

    for read in result.reads:
        for warning in read.warnings[:20]:
            err.print(f"[yellow]warning:[/] {escape(read.name)}: {escape(warning)}", soft_wrap=True)
    rows = []
    for device, attribution in zip(result.devices, result.attributions, strict=True):
        row = attribution_row(attribution)
        row["capture"] = {
            "mac": device.mac,
            "address": device.address,
            "frames": device.frames,
            "bytes": device.bytes,
            "first_seen": device.first_seen.isoformat() if device.first_seen else None,
            "last_seen": device.last_seen.isoformat() if device.last_seen else None,
            "first_frame": f"{device.first.file}#{device.first.frame}" if device.first else None,
        }
        rows.append(row)
    if fmt == "json":
        emit(json_lines(rows), output)
    elif fmt == "csv":
        emit(attributions_csv(result.attributions), output)
    else:
        title = f"capture: {plural(len(result.devices), 'device')} in {plural(result.frames, 'frame')}"
        print_table(attributions_table(result.attributions, title), output)
        print_leads(result.attributions)
    rate = result.frames / max(result.seconds, 1e-6)
    parts = [
        f"{plural(result.frames, 'frame')} ({result.bytes / 1e6:.1f} MB) in {result.seconds:.1f} s ({rate:,.0f}/s)",
        f"{result.decoded.decoded} decoded, {result.decoded.malformed} malformed (skipped)",
        plural(len(result.devices), "device"),
        f"{sum(1 for a in result.attributions if a.restricted)} restricted",
    ]
    if result.zeek.records or result.zeek.bad_lines:
        parts.append(f"Zeek: {result.zeek.records} records, {result.zeek.bad_lines} bad lines skipped")
    if result.remote_hosts:
        parts.append(f"{plural(result.remote_hosts, 'internet host')} across a router not kept (--remote keeps them)")
    if result.dropped_devices:
        parts.append(f"{result.dropped_devices} senders over the device limit (not kept)")
    if result.decoded.unsupported:
        parts.append(f"{result.decoded.unsupported} frames of link types not read")
    egress = result.egress.get("devices reaching vendor clouds", 0)
    if egress:
        parts.append(f"{plural(egress, 'device')} reaching vendor clouds")
    err.print("; ".join(parts), soft_wrap=True)
    if result.scan_id is not None and result.merged is not None:
        new, updated, _gone = result.merged
        err.print(f"stored as capture scan {result.scan_id}: {plural(new, 'new device')}, {updated} updated")
    for name, value in result.silence.items():
        if value:
            err.print(f"{escape(name)}: {value}")
