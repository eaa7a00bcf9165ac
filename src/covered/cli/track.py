"""Tracking devices over time: devices, diff, findings, remediate and audit, read from the store."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from covered.cli.options import DbOpt, JsonOpt, non_empty, split
from covered.cli.output import emit, out
from covered.cli.root import app
from covered.errors import UsageError
from covered.report.wording import plural

AUDIT_ACTIONS = (
    "created",
    "reassessed",
    "finding",
    "remediate",
    "reopen",
    "site",
    "sign-in",
    "sign-in-failed",
    "sign-in-locked",
    "anonymous",
    "token",
    "token-revoked",
    "user",
    "user-disabled",
    "user-role",
    "ingest",
    "review-edit",
    "review-accept",
    "review-reject",
    "review-merge",
)
"""Actions the audit log records ('finding' is one entry per finding kept by older versions of covered)."""

__all__ = ["AUDIT_ACTIONS", "audit", "devices", "diff", "findings", "remediate"]


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
    from covered.report.device_views import restricted_text
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
    table = Table(title=f"{plural(len(records), 'tracked device')}")
    for name in ("id", "key", "address", "vendor", "model", "restricted", "last_seen", "gone_since"):
        table.add_column(name, overflow="fold")
    for r in records:
        cells = {k: "" if r[k] is None else str(r[k]) for k in r}
        # true/false/unknown as every other command prints them, not Python's True/False.
        cells["restricted"] = restricted_text(r["restricted"])
        table.add_row(
            *(
                escape(cells[k])
                for k in ("id", "key", "address", "vendor", "model", "restricted", "last_seen", "gone_since")
            )
        )
    out.print(table)


def _print_leads(records: list[dict[str, object]], as_json: bool) -> None:
    from covered.report.registry_views import json_lines

    if as_json:
        emit(json_lines(records), None)
        return
    table = Table(title=f"{plural(len(records), 'lead')} for review: weak signs only, not attributions")
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

    from covered.report.bundle import asset_record, finding_record
    from covered.report.registry_views import json_lines
    from covered.store import open_store
    from covered.store.schema import DeviceRow, FindingRow

    wanted = set(split(status))
    store = open_store(db)
    with store.session() as session:
        rows = session.execute(
            select(FindingRow, DeviceRow).join(DeviceRow, FindingRow.device_id == DeviceRow.id).order_by(FindingRow.id)
        ).all()
    records = [
        finding_record(f, d.key) | {"address": d.address} | asset_record(d)
        for f, d in rows
        if not wanted or f.status in wanted
    ]
    if as_json:
        emit(json_lines(records), None)
        return
    table = Table(title=plural(len(records), "finding"))
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
    from covered.registry.query import parse_date_bound
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
def audit(
    db: DbOpt = None,
    as_json: JsonOpt = False,
    device: Annotated[
        str | None, typer.Option("--device", help="Only entries about this device (id, key, MAC or address).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only entries by this actor (user name).")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only entries from this date on (YYYY[-MM[-DD]]).")
    ] = None,
    action: Annotated[
        list[str] | None,
        typer.Option("--action", help=f"Only these actions (repeat or comma-separate): {', '.join(AUDIT_ACTIONS)}."),
    ] = None,
) -> None:
    """The audit log: who changed what, when and why."""
    from covered.report.bundle import collect
    from covered.report.registry_views import json_lines
    from covered.store import open_store
    from covered.store.tracking import find_device

    actions = split(action, "--action")
    unknown = sorted(set(actions) - set(AUDIT_ACTIONS))
    if unknown:
        raise UsageError("--action", f"unknown action {unknown[0]!r} (one of {', '.join(AUDIT_ACTIONS)})")
    who = non_empty(actor, "--actor")
    from covered.registry.query import parse_date_bound

    start = parse_date_bound("--since", since, end=False) if since is not None else None
    store = open_store(db)
    data = collect(store)
    records = data.audit
    if device is not None:
        with store.session() as session:
            try:
                key = find_device(session, non_empty(device, "--device") or "").key
            except UsageError as exc:
                raise UsageError("--device", exc.message) from None
        # Entries name a device as 'device KEY', or one of its findings as 'finding ID' (with the key after it).
        targets = {f"device {key}"} | {f"finding {f['id']}" for f in data.findings if f["device"] == key}
        records = [r for r in records if str(r["target"]).split(" (", 1)[0] in targets]
    if who is not None:
        records = [r for r in records if r["actor"] == who]
    if start is not None:
        records = [r for r in records if dt.date.fromisoformat(str(r["at"])[:10]) >= start]
    if actions:
        records = [r for r in records if r["action"] in actions]
    if as_json:
        emit(json_lines(records), None)
        return
    for group in _created_runs(records) if device is None else [[r] for r in records]:
        r = group[0]
        if len(group) > 1:
            # One assessment creates hundreds of findings: one line for them (--json and --device list each).
            first, last = group[0]["target"], group[-1]["target"]
            line = f"{r['at']} {r['actor']} created {plural(len(group), 'finding')} ({first} to {last}) ({r['reason']})"
        else:
            change = f"{r['after']}" if r["before"] is None else f"{r['before']} -> {r['after']}"
            line = f"{r['at']} {r['actor']} {r['action']} {r['target']}: {change} ({r['reason']})"
        out.print(escape(line), soft_wrap=True)


def _created_runs(records: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    """Audit entries in order, consecutive 'created' entries of one assessment (actor, reason) grouped together."""
    runs: list[list[dict[str, object]]] = []
    for r in records:
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and r["action"] == "created"
            and last["action"] == "created"
            and (last["actor"], last["reason"]) == (r["actor"], r["reason"])
        ):
            runs[-1].append(r)
        else:
            runs.append([r])
    return runs
