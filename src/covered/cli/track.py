"""Tracking devices over time: devices, diff, findings, remediate and audit, read from the store."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import DbOpt, JsonOpt, split
from covered.cli.output import emit, out
from covered.cli.root import app
from covered.registry.query import parse_date_bound
from covered.report.wording import plural

__all__ = ["audit", "devices", "diff", "findings", "remediate"]


@app.command()
def devices(
    db: DbOpt = None,
    as_json: JsonOpt = False,
    leads: Annotated[
        bool,
        typer.Option("--leads", help="Only the leads for review: suspected maker, the signs, what would settle it."),
    ] = False,
) -> None:
    """Tracked devices with first seen, last seen and gone-since (merged across scans by MAC, serial, address)."""
    from covered.report.bundle import collect
    from covered.report.registry_views import json_lines
    from covered.store import open_store

    data = collect(open_store(db))
    if leads:
        _print_leads(data.leads, as_json)
        return
    records = data.devices
    if as_json:
        emit(json_lines(records), None)
        return
    table = Table(title=f"{len(records)} tracked devices")
    for name in ("id", "key", "address", "vendor", "model", "restricted", "last_seen", "gone_since"):
        table.add_column(name, overflow="fold")
    for r in records:
        table.add_row(
            *(
                escape(str(r[k]) if r[k] is not None else "")
                for k in ("id", "key", "address", "vendor", "model", "restricted", "last_seen", "gone_since")
            )
        )
    out.print(table)


def _print_leads(records: list[dict[str, object]], as_json: bool) -> None:
    from covered.report.registry_views import json_lines

    if as_json:
        emit(json_lines(records), None)
        return
    table = Table(title=f"{len(records)} leads for review: weak signs only, not attributions")
    columns = ("key", "address", "possibly", "summary", "settle")
    for name in columns:
        table.add_column(name, overflow="fold")
    for r in records:
        table.add_row(*(escape(str(r[k]) if r[k] is not None else "") for k in columns))
    out.print(table)


@app.command()
def diff(
    first: Annotated[int, typer.Argument(metavar="SCAN_A", help="Earlier scan id.")],
    second: Annotated[int, typer.Argument(metavar="SCAN_B", help="Later scan id.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Devices new in SCAN_B, gone since SCAN_A, and changed (address, vendor, model, firmware, verdict)."""
    from covered.report.registry_views import json_lines
    from covered.store import open_store
    from covered.store.tracking import diff_scans

    result = diff_scans(open_store(db), first, second)
    if as_json:
        emit(
            json_lines(
                [
                    {"kind": k, **row}
                    for k, rows in (("new", result.new), ("gone", result.gone), ("changed", result.changed))
                    for row in rows
                ]
            ),
            None,
        )
        return
    out.print(
        f"scan {first} -> {second}: {len(result.new)} new, {len(result.gone)} gone, {len(result.changed)} changed"
    )
    for kind, rows in (("new", result.new), ("gone", result.gone), ("changed", result.changed)):
        for row in rows:
            out.print(f"  {kind:<8} {escape(json.dumps(row, default=str))}", soft_wrap=True)


@app.command()
def findings(
    db: DbOpt = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="open, review, planned, ...")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Kept findings with their remediation status (see `covered assess --save` and `covered remediate`)."""
    from sqlalchemy import select

    from covered.report.bundle import finding_record
    from covered.report.registry_views import json_lines
    from covered.store import open_store
    from covered.store.schema import DeviceRow, FindingRow

    wanted = set(split(status))
    store = open_store(db)
    with store.session() as session:
        rows = session.execute(
            select(FindingRow, DeviceRow).join(DeviceRow, FindingRow.device_id == DeviceRow.id).order_by(FindingRow.id)
        ).all()
    records = [finding_record(f, d.key) | {"address": d.address} for f, d in rows if not wanted or f.status in wanted]
    if as_json:
        emit(json_lines(records), None)
        return
    table = Table(title=f"{len(records)} findings")
    for name in ("id", "device", "subject", "obligation", "status", "due", "reason"):
        table.add_column(name, overflow="fold")
    for r in records:
        table.add_row(
            *(
                escape(str(r[k]) if r[k] is not None else "")
                for k in ("id", "device", "subject", "obligation", "status", "due", "reason")
            )
        )
    out.print(table)


@app.command()
def remediate(
    device: Annotated[str, typer.Argument(metavar="DEVICE", help="Device id, key, MAC or address.")],
    status: Annotated[str, typer.Option("--status", help="open, planned, removed, replaced or exempted.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    rule: Annotated[str | None, typer.Option("--rule", help="Only the finding for this rule or CVE.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Only findings under this profile.")] = None,
    waiver: Annotated[str | None, typer.Option("--waiver", help="Waiver reference (for exempted).")] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="Waiver expiry YYYY-MM-DD (for exempted).")] = None,
    db: DbOpt = None,
) -> None:
    """Record remediation of a device's findings; every change goes to the audit log with who and why."""
    from covered.store import open_store
    from covered.store.tracking import current_actor
    from covered.store.tracking import remediate as apply

    until = parse_date_bound("--expires", expires, end=True) if expires else None
    changed = apply(
        open_store(db),
        device,
        status,
        reason,
        current_actor(),
        subject=rule,
        profile=profile,
        waiver=waiver,
        expires=until,
    )
    out.print(f"{plural(len(changed), 'finding')} now {status}")


@app.command()
def audit(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The audit log: who changed what, when and why."""
    from covered.report.bundle import collect
    from covered.report.registry_views import json_lines
    from covered.store import open_store

    records = collect(open_store(db)).audit
    if as_json:
        emit(json_lines(records), None)
        return
    for r in records:
        out.print(
            escape(
                f"{r['at']} {r['actor']} {r['action']} {r['target']}: {r['before']} -> {r['after']} ({r['reason']})"
            ),
            soft_wrap=True,
        )
