"""Tracking over time: devices merged across scans, their history, scan differences, findings and remediation.

Devices merge by MAC first, then serial number, then address (an address alone merges only with a device
that has no MAC or serial either). Every change a person makes goes to the audit log with who, when and why.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from covered.errors import UsageError
from covered.model import ASSET_FIELDS, Finding, FindingStatus
from covered.store.db import Store
from covered.store.schema import AuditRow, DeviceResultRow, DeviceRow, FindingRow, ScanHostRow, SightingRow

__all__ = [
    "DiffResult",
    "assign_sites",
    "audit_entry",
    "current_actor",
    "diff_scans",
    "find_device",
    "merge_scan",
    "remediate",
    "remediate_findings",
    "same_firmware",
    "save_findings",
]

_MANUAL = {
    FindingStatus.PLANNED.value,
    FindingStatus.REMOVED.value,
    FindingStatus.REPLACED.value,
    FindingStatus.EXEMPTED.value,
}
_ALLOWED = {
    "open": {"planned", "removed", "replaced", "exempted", "review"},
    "review": {"open", "planned", "removed", "replaced", "exempted"},
    "planned": {"removed", "replaced", "exempted", "open"},
    "exempted": {"open", "planned", "removed", "replaced"},
    "removed": {"open"},
    "replaced": {"open"},
}
"""Remediation transitions a person may make (a device seen again after removal is reopened by a scan)."""


def current_actor() -> str:
    """The person acting: COVERED_ACTOR, else the login name."""
    import os

    return os.environ.get("COVERED_ACTOR") or getpass.getuser()


def audit_entry(
    session: Session, actor: str, action: str, target: str, before: Any, after: Any, reason: str | None
) -> None:
    """Append one entry to the audit log within the caller's transaction."""
    session.add(
        AuditRow(
            actor=actor,
            action=action,
            target=target,
            before=None if before is None else json.dumps(before, default=str),
            after=None if after is None else json.dumps(after, default=str),
            reason=reason,
        )
    )


@dataclass
class _Known:
    """MACs, serials and addresses some tracked device holds: a value in none of them needs no query.

    Filled for each chunk of results by one IN query per kind, and kept current as the merge assigns values, so
    a fresh import of 300,000 devices skips 900,000 lookups that could only come back empty.
    """

    mac: set[str]
    serial: set[str]
    address: set[str]

    def load(self, session: Session, results: Sequence[DeviceResultRow]) -> None:
        """Add the values of these results that some device in the database already holds."""
        for column, bucket, values in (
            (DeviceRow.mac, self.mac, {r.mac for r in results if r.mac}),
            (DeviceRow.serial, self.serial, {(r.attribution or {}).get("serial") for r in results} - {None, ""}),
            (DeviceRow.address, self.address, {r.address for r in results if r.address}),
        ):
            if values:
                bucket.update(v for v in session.scalars(select(column).where(column.in_(values))) if v is not None)

    def add(self, device: DeviceRow) -> None:
        """Record the values a device holds now."""
        for bucket, value in ((self.mac, device.mac), (self.serial, device.serial), (self.address, device.address)):
            if value:
                bucket.add(value)


def _match(
    session: Session,
    result: DeviceResultRow,
    seen: set[int],
    known: _Known | None = None,
    created: Container[DeviceRow] = (),
) -> DeviceRow | None:
    serial = (result.attribution or {}).get("serial")
    if result.mac and (known is None or result.mac in known.mac):
        found = session.scalars(select(DeviceRow).where(DeviceRow.mac == result.mac)).first()
        if found is not None:
            return found
    if serial and (known is None or serial in known.serial):
        found = session.scalars(select(DeviceRow).where(DeviceRow.serial == serial)).first()
        if found is not None:
            return found
    if result.address and (known is None or result.address in known.address):
        # The same address with no contradicting identity is the same device: a scan that did not reach the port
        # that gave the MAC or serial (fewer ports, no credentials) must not split it in two.
        query = select(DeviceRow).where(DeviceRow.address == result.address)
        if result.mac:
            query = query.where(DeviceRow.mac.is_(None))
        if serial:
            query = query.where(DeviceRow.serial.is_(None))
        # A device this scan already found by its MAC or serial (perhaps at a new address) is not this one. It is
        # skipped here rather than with NOT IN (every id seen so far) in SQL: that list grew with each result and
        # made merging quadratic (20,000 imported rows took 20 minutes).
        candidates = session.scalars(query.order_by(DeviceRow.last_seen.desc(), DeviceRow.id.desc()))
        return next((d for d in candidates if d.id not in seen and d not in created), None)
    return None


_MERGE_CHUNK = 2_000
"""Results of a scan read, merged and released together (memory stays bounded for large imports)."""


def merge_scan(store: Store, scan_id: int) -> tuple[int, int, int]:
    """Fold a finished scan's results into tracked devices; returns (new, updated, gone).

    Merging is done once per scan: a scan already merged (the scanner merges on completion) changes nothing
    and returns (0, 0, 0).
    """
    now = dt.datetime.now(dt.UTC)
    new = updated = gone = 0
    with store.session() as session, session.begin():
        if session.scalars(select(SightingRow.id).where(SightingRow.scan_id == scan_id).limit(1)).first() is not None:
            return 0, 0, 0
        seen: set[int] = set()
        known = _Known(set(), set(), set())
        # Results that carry a MAC or serial are matched first, so an address-only result cannot take their device.
        # Only the order is computed over every result; the results themselves are read a chunk at a time.
        order = sorted(
            (not (mac or (attribution or {}).get("serial")), result_id)
            for result_id, mac, attribution in session.execute(
                select(DeviceResultRow.id, DeviceResultRow.mac, DeviceResultRow.attribution)
                .where(DeviceResultRow.scan_id == scan_id)
                .execution_options(yield_per=_MERGE_CHUNK)
            )
        )
        for start in range(0, len(order), _MERGE_CHUNK):
            ids = [result_id for _, result_id in order[start : start + _MERGE_CHUNK]]
            chunk = {r.id: r for r in session.scalars(select(DeviceResultRow).where(DeviceResultRow.id.in_(ids)))}
            known.load(session, list(chunk.values()))
            counts = _merge_results(session, scan_id, [chunk[i] for i in ids], seen, now, known)
            new, updated = new + counts[0], updated + counts[1]
            session.flush()
            for result in chunk.values():
                session.expunge(result)
        scanned = set(session.scalars(select(ScanHostRow.address).where(ScanHostRow.scan_id == scan_id)))
        # Only ids and addresses are read to find the devices gone; they are then marked in batched updates.
        gone_ids = [
            device_id
            for device_id, address in session.execute(
                select(DeviceRow.id, DeviceRow.address).where(DeviceRow.gone_since.is_(None))
            )
            if device_id not in seen and address in scanned
        ]
        for start in range(0, len(gone_ids), _MERGE_CHUNK):
            batch = gone_ids[start : start + _MERGE_CHUNK]
            session.execute(
                update(DeviceRow).where(DeviceRow.id.in_(batch)).values(gone_since=now),
                execution_options={"synchronize_session": "fetch"},
            )
        gone = len(gone_ids)
    return new, updated, gone


def _merge_results(
    session: Session,
    scan_id: int,
    results: Sequence[DeviceResultRow],
    seen: set[int],
    now: dt.datetime,
    known: _Known,
) -> tuple[int, int]:
    """Fold results (in merge order) into tracked devices within the caller's transaction; returns (new, updated)."""
    new = updated = 0
    # Devices created in this chunk get their ids in one flush at the end (a flush per device was most of a large
    # import's time); a query that needs them meanwhile autoflushes.
    created: dict[DeviceRow, DeviceResultRow] = {}
    sightings: list[dict[str, Any]] = []
    for result in results:
        if result.error and not result.services and not result.vendor and not result.mac:
            continue  # a host that only failed (e.g. timed out on connect) is not a device
        attribution = result.attribution or {}
        device = _match(session, result, seen, known, created)
        existing = device is not None
        # Two results of one scan can reach one device (a MAC answering on two addresses, a serial two rows share):
        # it is updated again but sighted once, as the table allows (a second sighting failed the whole merge).
        again = device is not None and (device in created or device.id in seen)
        if device is None:
            key = result.mac or attribution.get("serial") or result.address or result.device_key
            # Every column is given, so the new rows share one shape and go to the database in batched inserts.
            device = DeviceRow(key=f"{key}", first_seen=now, attributes={}, **dict.fromkeys(ASSET_FIELDS))
            session.add(device)
            new += 1
        else:
            updated += 1
        device.mac = result.mac or device.mac
        device.serial = attribution.get("serial") or device.serial
        device.address = result.address
        _keep_asset(device, attribution.get("asset"))
        # Absence is not evidence: a result that establishes no maker (a service not probed this time, a
        # device that did not answer one protocol) keeps what earlier scans established.
        if result.vendor is not None or device.vendor is None:
            for name in ("vendor", "brand", "model", "firmware", "restricted", "confidence"):
                setattr(device, name, getattr(result, name))
            device.attribution = attribution
        device.last_seen = now
        device.gone_since = None
        known.add(device)
        if again:
            continue
        if not existing:
            created[device] = result
            continue  # a device created just now has no findings to reopen; sighted once it has an id
        seen.add(device.id)
        sightings.append(_sighting(device.id, scan_id, result, now))
        # A device seen again after it was marked removed or replaced is reopened: the fix did not hold.
        for finding in session.scalars(
            select(FindingRow).where(FindingRow.device_id == device.id, FindingRow.status.in_(["removed", "replaced"]))
        ):
            audit_entry(
                session,
                "covered scan",
                "reopen",
                f"finding {finding.id}",
                finding.status,
                "open",
                f"device seen again in scan {scan_id}",
            )
            finding.status = "open"
    session.flush()
    for device, result in created.items():
        seen.add(device.id)
        sightings.append(_sighting(device.id, scan_id, result, now))
    if sightings:  # a bulk insert: sightings are never read back in this transaction
        session.execute(insert(SightingRow).execution_options(render_nulls=True), sightings)
    return new, updated


def _sighting(device_id: int, scan_id: int, result: DeviceResultRow, now: dt.datetime) -> dict[str, Any]:
    """The record that a scan saw a device, with what it saw then (a row for a bulk insert)."""
    return {
        "device_id": device_id,
        "scan_id": scan_id,
        "address": result.address,
        "vendor": result.vendor,
        "model": result.model,
        "firmware": result.firmware,
        "restricted": result.restricted,
        "seen_at": now,
    }


def _keep_asset(device: DeviceRow, asset: Any) -> None:
    """Take the identities an import gives (asset tag, location...); a result without them keeps the device's."""
    if not isinstance(asset, dict):
        return
    for name in ASSET_FIELDS:
        value = asset.get(name)
        if isinstance(value, str) and value:
            setattr(device, name, value[:255])
    attributes = asset.get("attributes")
    if isinstance(attributes, dict) and attributes:
        device.attributes = {**(device.attributes or {}), **attributes}


@dataclass
class DiffResult:
    """Devices new in the second scan, gone from it, and changed between the two."""

    new: list[dict[str, Any]]
    gone: list[dict[str, Any]]
    changed: list[dict[str, Any]]


_BUILD_SUFFIX = re.compile(r"[\s,;_-]*build", re.IGNORECASE)
"""What one source appends to a firmware version another gives bare: SADP's "V5.7.18build 240826" and ONVIF's
"V5.7.18 build 240826" beside ISAPI's "V5.7.18"; Dahua ONVIF's "2.800.0000018.0.R, Build Date 2024-01-01"."""


def same_firmware(first: str | None, second: str | None) -> bool:
    """Whether two firmware strings name one version: equal up to case and spacing, or one is the other with a
    build stamp appended (the longer string's remainder starts with "build")."""
    if first is None or second is None:
        return first == second
    a, b = (" ".join(v.split()).casefold() for v in (first, second))
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return bool(short) and long.startswith(short) and _BUILD_SUFFIX.match(long, len(short)) is not None


_SOURCED = ("model", "firmware")
"""Diff fields whose value one channel of several gave: the diff names the channel."""


def _sources(session: Session, scan_id: int, sighted: dict[int, SightingRow]) -> dict[int, dict[str, list[str]]]:
    """For sighted devices, the channels whose answer in this scan gave the sighting's model and firmware."""
    by_address = {s.address: device_id for device_id, s in sighted.items() if s.address}
    found: dict[int, dict[str, list[str]]] = {}
    addresses = sorted(by_address)
    for start in range(0, len(addresses), 500):
        rows = session.execute(
            select(DeviceResultRow.address, DeviceResultRow.attribution).where(
                DeviceResultRow.scan_id == scan_id, DeviceResultRow.address.in_(addresses[start : start + 500])
            )
        ).all()
        for address, attribution in rows:
            device_id = by_address[address]
            sighting = sighted[device_id]
            for name in _SOURCED:
                value = getattr(sighting, name)
                channels = found.setdefault(device_id, {}).setdefault(name, [])
                for evidence in (attribution or {}).get("evidence", []):
                    extracted = (evidence.get("extracted") or {}).get(name)
                    channel = evidence.get("channel")
                    if value and isinstance(extracted, str) and extracted.strip() == value and channel not in channels:
                        channels.append(str(channel))
    return found


def diff_scans(store: Store, first: int, second: int) -> DiffResult:
    """Compare two merged scans device by device.

    Firmware that one scan read bare and the other with a build stamp (a credentialed rescan reads ISAPI's
    "V5.7.18" where SADP said "V5.7.18build 240826") is the same firmware, not a change. A changed model or
    firmware names the channels each value came from (``sources``: before and after, field to channels).
    """
    with store.session() as session:

        def sightings(scan_id: int, name: str) -> dict[int, SightingRow]:
            store.scan(scan_id, name)
            return {s.device_id: s for s in session.scalars(select(SightingRow).where(SightingRow.scan_id == scan_id))}

        a, b = sightings(first, "SCAN_A"), sightings(second, "SCAN_B")
        devices = {d.id: d for d in session.scalars(select(DeviceRow).where(DeviceRow.id.in_(set(a) | set(b))))}

        def row(device_id: int, sighting: SightingRow) -> dict[str, Any]:
            device = devices[device_id]
            return {
                "device": device.key,
                "address": sighting.address,
                "vendor": sighting.vendor,
                "model": sighting.model,
                "firmware": sighting.firmware,
                "restricted": sighting.restricted,
            }

        def differs(name: str, before: Any, after: Any) -> bool:
            return not same_firmware(before, after) if name == "firmware" else bool(before != after)

        changes: dict[int, list[str]] = {}
        for device_id in sorted(set(a) & set(b)):
            before, after = row(device_id, a[device_id]), row(device_id, b[device_id])
            fields = [
                k for k in ("address", "vendor", "model", "firmware", "restricted") if differs(k, before[k], after[k])
            ]
            if fields:
                changes[device_id] = fields
        sourced = [i for i, fields in changes.items() if set(fields) & set(_SOURCED)]
        sources_a = _sources(session, first, {i: a[i] for i in sourced})
        sources_b = _sources(session, second, {i: b[i] for i in sourced})
        changed = []
        for device_id, fields in changes.items():
            before, after = row(device_id, a[device_id]), row(device_id, b[device_id])
            entry: dict[str, Any] = {
                "device": before["device"],
                "fields": fields,
                "before": {k: before[k] for k in fields},
                "after": {k: after[k] for k in fields},
            }
            named = [k for k in fields if k in _SOURCED]
            if named:
                entry["sources"] = {
                    "before": {k: sources_a.get(device_id, {}).get(k, []) for k in named},
                    "after": {k: sources_b.get(device_id, {}).get(k, []) for k in named},
                }
            changed.append(entry)
        return DiffResult(
            new=[row(i, b[i]) for i in sorted(set(b) - set(a))],
            gone=[row(i, a[i]) for i in sorted(set(a) - set(b))],
            changed=changed,
        )


def find_device(session: Session, reference: str) -> DeviceRow:
    """A tracked device by id, key, MAC or current address; UsageError when none or several match."""
    from covered.identify.oui import normalise_mac

    if reference.isdigit():
        device = session.get(DeviceRow, int(reference))
        if device is not None:
            return device
    mac = normalise_mac(reference)
    query = select(DeviceRow).where(
        (DeviceRow.key == reference) | (DeviceRow.address == reference) | (DeviceRow.mac == (mac or reference))
    )
    matches = session.scalars(query).all()
    if not matches:
        raise UsageError("DEVICE", f"no tracked device {reference!r} (see `covered devices`)")
    if len(matches) > 1:
        raise UsageError("DEVICE", f"{reference!r} matches {len(matches)} devices; give the device id")
    return matches[0]


def assign_sites(store: Store, sites: Sequence[tuple[str, Sequence[str]]], actor: str) -> int:
    """Put tracked devices into sites by address (site id, CIDRs); changes are audited. Returns devices moved."""
    import ipaddress

    networks = [(site, ipaddress.ip_network(cidr, strict=False)) for site, cidrs in sites for cidr in cidrs]
    moved = 0
    with store.session() as session, session.begin():
        for device in session.scalars(select(DeviceRow).where(DeviceRow.address.is_not(None))):
            try:
                address = ipaddress.ip_address(device.address or "")
            except ValueError:
                continue
            site = next((s for s, network in networks if address in network), None)
            if site is not None and site != device.site:
                audit_entry(
                    session, actor, "site", f"device {device.key}", device.site, site, "address in site networks"
                )
                device.site = site
                moved += 1
    return moved


_BATCH = 10_000


def save_findings(store: Store, profile: str, findings: Sequence[tuple[str, Finding]], actor: str) -> int:
    """Keep findings of (device key, finding) pairs; a person's remediation status is never overwritten.

    Devices are resolved by key in one query (other references one by one, as `find_device` does) and the
    profile's existing findings are read once, so saving grows linearly with the number of findings.
    """
    now = dt.datetime.now(dt.UTC)
    with store.session() as session, session.begin():
        references = sorted({reference for reference, _ in findings})
        devices: dict[str, DeviceRow] = {}
        for start in range(0, len(references), _BATCH):  # SQLite allows 32,766 parameters per statement
            batch = references[start : start + _BATCH]
            devices.update((d.key, d) for d in session.scalars(select(DeviceRow).where(DeviceRow.key.in_(batch))))
        for reference in set(references) - devices.keys():
            devices[reference] = find_device(session, reference)
        existing = {
            (row.device_id, row.subject): row
            for row in session.scalars(select(FindingRow).where(FindingRow.profile == profile))
        }
        created: list[tuple[FindingRow, str]] = []
        reassessed: list[tuple[FindingRow, str]] = []
        for reference, finding in findings:
            device = devices[reference]
            subject = finding.rule or finding.vulnerability or "?"
            values = {
                "obligation": finding.obligation.value,
                "assessed_status": finding.status.value,
                "confidence": finding.confidence.value,
                "due": finding.due,
                "citation": finding.citation,
                "explanation": finding.explanation,
                "caveats": list(finding.caveats),
                "updated_at": now,
            }
            row = existing.get((device.id, subject))
            if row is None:
                row = FindingRow(
                    device_id=device.id, profile=profile, subject=subject, status=finding.status.value, **values
                )
                session.add(row)
                existing[(device.id, subject)] = row
                created.append((row, finding.status.value))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                if row.status not in _MANUAL and row.status != finding.status.value:
                    reassessed.append((row, row.status))
                    row.status = finding.status.value
        session.flush()  # one batched insert gives the new findings their ids for the audit log
        # A new finding is 'created' (it had no status before, so it is not a change from None); a finding the
        # assessment moves to another status is 'reassessed'. Each finding's history starts with its own entry.
        for row, status in created:
            audit_entry(session, actor, "created", f"finding {row.id}", None, status, f"assessed under {profile}")
        for row, before in reassessed:
            audit_entry(
                session, actor, "reassessed", f"finding {row.id}", before, row.status, f"assessed under {profile}"
            )
    return len(findings)


def remediate(
    store: Store,
    reference: str,
    status: str,
    reason: str,
    actor: str,
    *,
    subject: str | None = None,
    profile: str | None = None,
    waiver: str | None = None,
    expires: dt.date | None = None,
) -> list[int]:
    """Move a device's findings (or one of them) to a remediation status; every change is audited."""
    _check_change(status, reason, waiver, expires)
    changed = []
    with store.session() as session, session.begin():
        device = find_device(session, reference)
        query = select(FindingRow).where(FindingRow.device_id == device.id)
        if subject is not None:
            query = query.where(FindingRow.subject == subject)
        if profile is not None:
            query = query.where(FindingRow.profile == profile)
        rows = session.scalars(query).all()
        if not rows:
            subjects = sorted(set(session.scalars(select(FindingRow.subject).where(FindingRow.device_id == device.id))))
            if not subjects:
                raise UsageError("DEVICE", f"device {device.key} has no saved findings (run `covered assess --save`)")
            if subject is not None and subject not in subjects:
                listed = ", ".join(subjects[:10]) + (", ..." if len(subjects) > 10 else "")
                raise UsageError("--rule", f"device {device.key} has no finding for {subject!r} (it has: {listed})")
            raise UsageError("--profile", f"device {device.key} has no finding under profile {profile!r}")
        for row in rows:
            if _apply_change(session, row, device.key, status, reason, actor, waiver, expires):
                changed.append(row.id)
    return changed


def remediate_findings(
    store: Store,
    finding_ids: Sequence[int],
    status: str,
    reason: str,
    actor: str,
    *,
    waiver: str | None = None,
    expires: dt.date | None = None,
) -> list[int]:
    """Move several findings, by id, to one status with one reason, in one transaction: all or none change
    (a finding missing or unable to take the status refuses the lot). One audit entry per finding changed."""
    _check_change(status, reason, waiver, expires)
    wanted = sorted(set(finding_ids))
    if not wanted:
        raise UsageError("--finding", "choose at least one finding")
    changed = []
    with store.session() as session, session.begin():
        rows = {
            row.id: (row, key)
            for row, key in session.execute(
                select(FindingRow, DeviceRow.key)
                .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
                .where(FindingRow.id.in_(wanted))
            ).all()
        }
        missing = [i for i in wanted if i not in rows]
        if missing:
            raise UsageError("--finding", f"no finding {', '.join(map(str, missing[:10]))}")
        for finding_id in wanted:
            row, key = rows[finding_id]
            if _apply_change(session, row, key, status, reason, actor, waiver, expires):
                changed.append(row.id)
    return changed


def _check_change(status: str, reason: str, waiver: str | None, expires: dt.date | None) -> None:
    """Refuse a status change the rules do not allow, whichever findings it is for."""
    if status not in {s.value for s in FindingStatus} - {"review"}:
        raise UsageError("--status", f"choose from open, planned, removed, replaced, exempted (not {status!r})")
    if not reason.strip():
        raise UsageError("--reason", "say why (it goes to the audit log)")
    if status == "exempted" and (not waiver or expires is None):
        raise UsageError("--waiver", "an exemption needs --waiver REFERENCE and --expires YYYY-MM-DD")
    if status != "exempted" and (waiver is not None or expires is not None):
        # A waiver kept on a planned or removed finding would claim an exemption nobody granted.
        option = "--waiver" if waiver is not None else "--expires"
        raise UsageError(option, f"only an exempted finding takes a waiver and expiry (not {status})")
    if expires is not None and expires <= dt.datetime.now(dt.UTC).date():
        raise UsageError("--expires", f"{expires} is not in the future; a waiver must expire after today")


def _apply_change(
    session: Session,
    row: FindingRow,
    device_key: str,
    status: str,
    reason: str,
    actor: str,
    waiver: str | None,
    expires: dt.date | None,
) -> bool:
    """Give one finding the status, with its audit entry; False when it already has it."""
    if status == row.status:
        return False
    if status not in _ALLOWED.get(row.status, set()):
        raise UsageError("--status", f"finding {row.id} is {row.status}; it cannot become {status}")
    audit_entry(
        session,
        actor,
        "remediate",
        f"finding {row.id} ({device_key}, {row.subject})",
        row.status,
        status,
        reason + (f" [waiver {waiver} until {expires}]" if waiver else ""),
    )
    row.status, row.reason, row.waiver, row.expires = status, reason, waiver, expires
    row.updated_at = dt.datetime.now(dt.UTC)
    return True
