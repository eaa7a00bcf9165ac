"""A scan as a job: plan it (targets, scope, store), run or resume it, and read back its devices."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from covered.collect.neighbours import KernelNeighbours, NeighbourSource, NeighbourTable, StaticNeighbours
from covered.collect.probes import Credentials
from covered.collect.scanner import Scanner, ScanOptions, ScanProgress
from covered.collect.targets import PortSpec, Scope, expand_targets
from covered.errors import UsageError
from covered.identify.attribute import Identifier
from covered.model import Attribution
from covered.store import HostRecord, Store

__all__ = ["PlannedScan", "device_rows", "plan_scan", "resume_scan", "run_planned"]


@dataclass(frozen=True)
class PlannedScan:
    """A scan recorded in the store and the addresses it still has to probe."""

    scan_id: int
    pending: list[str]
    skipped: list[tuple[str, str]]
    options: ScanOptions
    neighbours: NeighbourTable | None = None
    """Neighbour table read from a file (``--arp-table``), kept to the pending addresses; absent when none."""


def _options_record(options: ScanOptions) -> dict[str, Any]:
    record = dataclasses.asdict(options)
    record["credentials"] = {"username": options.credentials.username} if options.credentials else None
    return record


def plan_scan(
    store: Store, targets: Sequence[str], targets_file: Path | None, scope: Scope, options: ScanOptions
) -> PlannedScan:
    """Expand targets, drop what the scope forbids (reported), and record the scan with its pending hosts."""
    addresses = expand_targets(targets, targets_file)
    allowed: list[str] = []
    skipped: list[tuple[str, str]] = []
    for address in addresses:
        reason = scope.verdict(address)
        if reason is None:
            allowed.append(str(address))
        else:
            skipped.append((str(address), reason))
    if not allowed:
        first = skipped[0] if skipped else ("", "")
        raise UsageError("TARGETS", f"nothing left to scan: {first[0]} is {first[1]}")
    label = list(targets) + ([f"@{targets_file}"] if targets_file else [])
    scan_id = store.create_scan(label, allowed, _options_record(options))
    return PlannedScan(scan_id, allowed, skipped, options)


def resume_scan(store: Store, scan_id: int | None, credentials: Credentials | None) -> PlannedScan:
    """Continue an unfinished scan with the options it was started with (credentials are asked again)."""
    row = store.scan(scan_id) if scan_id is not None else store.latest_unfinished()
    if row is None:
        raise UsageError("--resume", "no unfinished scan in this database")
    if row.status == "complete":
        raise UsageError("--resume", f"scan {row.id} is already complete")
    saved = dict(row.parameters)
    limits = saved.pop("limits", {})
    ports = saved.pop("ports", {})
    saved.pop("credentials", None)
    from covered.collect.probes import Limits

    options = ScanOptions(
        ports=PortSpec(tuple(ports.get("tcp", ())), tuple(ports.get("udp", ()))),
        limits=Limits(**limits),
        credentials=credentials,
        **saved,
    )
    return PlannedScan(row.id, store.pending(row.id), [], options)


def run_planned(
    store: Store,
    identifier: Identifier,
    planned: PlannedScan,
    on_progress: Callable[[ScanProgress, HostRecord], None] | None = None,
    neighbours: NeighbourTable | None = None,
) -> str:
    """Run the pending hosts; returns the final status (complete, or interrupted on Ctrl-C).

    ``neighbours`` is a neighbour table read from a file (``--arp-table``); the kernel's own table is read
    too unless the options turn it off.
    """
    store.set_status(planned.scan_id, "running")
    neighbours = neighbours if neighbours is not None else planned.neighbours
    sources: list[NeighbourSource] = [StaticNeighbours(neighbours)] if neighbours is not None else []
    kernel = KernelNeighbours()
    if planned.options.kernel_neighbours and kernel.available():
        sources.append(kernel)
    scanner = Scanner(identifier, planned.options, sources)
    try:
        asyncio.run(scanner.run(store, planned.scan_id, planned.pending, on_progress))
    except KeyboardInterrupt:
        store.set_status(planned.scan_id, "interrupted")
        return "interrupted"
    done, total = store.progress(planned.scan_id)
    status = "complete" if done == total else "interrupted"
    if status == "complete":
        from covered.store.tracking import merge_scan

        merge_scan(store, planned.scan_id)
    store.set_status(planned.scan_id, status)
    return status


def device_rows(store: Store, scan_id: int) -> list[tuple[Attribution, dict[str, Any]]]:
    """Every device the scan found: its attribution and the scan facts (address, MAC, services, error)."""
    rows = []
    for result in store.results(scan_id):
        if result.attribution:
            attribution = Attribution.model_validate(result.attribution)
        else:
            attribution = Attribution(device=result.device_key, explanation="no answer to attribute")
        rows.append(
            (
                attribution,
                {"address": result.address, "mac": result.mac, "services": result.services, "error": result.error},
            )
        )
    return rows
