"""The centre's side of a chunk: merge its result into the store once, however often it was delivered.

One transaction per chunk result: the chunk row is locked (``SELECT … FOR UPDATE`` on PostgreSQL), and a chunk
already done only counts the extra delivery. So a worker killed after scanning but before its broker
acknowledgement, whose chunk another worker then scanned again, never doubles a device or an observation.
When the last chunk of a scan lands, the scan's devices are merged into tracking exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update

from covered.cluster.orders import ChunkFailure, ChunkResult, host_from_record
from covered.errors import UsageError
from covered.report.wording import plural
from covered.store import HostRecord, Store
from covered.store.schema import (
    DeviceResultRow,
    ObservationRow,
    ScanChunkRow,
    ScanHostRow,
    ScanRow,
    SiteWorkerRow,
)

__all__ = ["MergeOutcome", "fail_chunk", "merge_chunk"]


@dataclass(frozen=True)
class MergeOutcome:
    """What merging one chunk result did."""

    merged: bool
    """False when the chunk was already merged (a repeated delivery): nothing was written but the count."""
    scan_complete: bool


def _rows(scan_id: int, records: Sequence[HostRecord], now: dt.datetime) -> tuple[list[dict[str, Any]], ...]:
    observations = [
        {
            "scan_id": scan_id,
            "device_key": o.device,
            "channel": o.channel.value,
            "field": o.field,
            "value": o.value,
            "target": o.target,
            "port": o.port,
            "observed_at": o.time,
            "collector": o.collector,
        }
        for record in sorted(records, key=lambda r: r.address)
        for o in sorted(record.observations, key=lambda o: (o.time is None, o.time or now))
    ]
    results = [
        {
            "scan_id": scan_id,
            "device_key": record.address,
            "address": record.address,
            "mac": record.mac,
            "vendor": a.vendor if a else None,
            "brand": a.brand if a else None,
            "model": a.model if a else None,
            "firmware": a.firmware if a else None,
            "restricted": a.restricted if a else None,
            "confidence": a.confidence.value if a and a.confidence else None,
            "services": list(record.services),
            "error": record.error,
            "attribution": a.model_dump(mode="json") if a else {},
            "recorded_at": now,
        }
        for record in records
        if record.observations or record.error
        for a in (record.attribution,)
    ]
    marks = [
        {"host": r.address, "state": "error" if r.error and not r.observations else "done", "why": r.error}
        for r in records
    ]
    return observations, results, marks


def _note_worker(session: Any, name: str, site: str, version: str, now: dt.datetime) -> None:
    row = session.scalars(select(SiteWorkerRow).where(SiteWorkerRow.site == site, SiteWorkerRow.name == name)).first()
    if row is None:
        session.add(SiteWorkerRow(site=site, name=name, version=version, last_seen=now, chunks=1))
    else:
        row.version, row.last_seen, row.chunks = version, now, row.chunks + 1


def _settle(session: Any, scan_id: int, now: dt.datetime) -> bool:
    """After a chunk settled: fail the scan when every chunk is settled and one failed; True when the caller
    must complete it (every chunk done, claimed in this transaction so only one merger ever completes a scan).

    A failed scan is not merged into tracking: its failed chunk's hosts were not probed, and tracking would
    take their silence for devices gone.
    """
    states = dict(
        session.execute(
            select(ScanChunkRow.state, func.count()).where(ScanChunkRow.scan_id == scan_id).group_by(ScanChunkRow.state)
        ).all()
    )
    if any(state not in {"done", "failed"} for state in states):
        return False
    if states.get("failed"):
        session.execute(update(ScanRow).where(ScanRow.id == scan_id).values(status="failed", finished_at=now))
        return False
    claimed = session.execute(
        update(ScanRow).where(ScanRow.id == scan_id, ScanRow.status != "merging").values(status="merging")
    )
    return bool(getattr(claimed, "rowcount", 0))


def _locked_chunk(session: Any, scan_id: int, seq: int, site: str, sender: str | None) -> ScanChunkRow:
    """The chunk row, locked; UsageError when it does not exist or the sender is not its site's broker user."""
    from covered.store.schema import SiteRow

    chunk = session.scalars(
        select(ScanChunkRow).where(ScanChunkRow.scan_id == scan_id, ScanChunkRow.seq == seq).with_for_update()
    ).first()
    if chunk is None:
        raise UsageError("chunk result", f"scan {scan_id} has no chunk {seq}")
    if chunk.site != site:
        raise UsageError("chunk result", f"chunk {seq} of scan {scan_id} belongs to another site")
    if sender is not None:
        owner = session.scalars(select(SiteRow.broker_user).where(SiteRow.name == chunk.site)).first()
        if owner is not None and sender != owner:
            raise UsageError("chunk result", f"sent by broker user {sender!r}, not by site {chunk.site}'s")
    return cast(ScanChunkRow, chunk)


def fail_chunk(store: Store, failure: ChunkFailure, sender: str | None = None) -> bool:
    """Mark a chunk failed with the worker's reason on each of its hosts; True when it was not settled before.

    A chunk already done stays done (another delivery finished it). When it was the scan's last unsettled
    chunk, the scan is failed, so nothing waits for it.
    """
    now = dt.datetime.now(dt.UTC)
    with store.session() as session, session.begin():
        chunk = _locked_chunk(session, failure.scan_id, failure.seq, failure.site, sender)
        _note_worker(session, failure.worker, failure.site, failure.version, now)
        if chunk.state in {"done", "failed"}:
            return False
        why = f"chunk {failure.seq} failed after {plural(failure.tries, 'try', 'tries')} on {failure.worker}: "
        hosts = cast(Table, ScanHostRow.__table__)
        session.execute(
            update(hosts)
            .where(hosts.c.scan_id == failure.scan_id, hosts.c.address.in_(chunk.addresses))
            .values(state="error", error=(why + failure.reason)[:2000], finished_at=now)
        )
        chunk.state, chunk.worker, chunk.finished_at = "failed", failure.worker, now
        session.flush()
        _settle(session, failure.scan_id, now)
    return True


def merge_chunk(store: Store, result: ChunkResult, sender: str | None = None) -> MergeOutcome:
    """Merge one chunk result (idempotent on scan and chunk); completes the scan when it was its last chunk.

    ``sender`` is the broker user that published the result (validated by the broker): when given, it must be
    the chunk's site's own user, so one site cannot write results into another site's scan.
    """
    now = dt.datetime.now(dt.UTC)
    with store.session() as session, session.begin():
        chunk = _locked_chunk(session, result.scan_id, result.seq, result.site, sender)
        chunk.results += 1
        _note_worker(session, result.worker, result.site, result.version, now)
        if chunk.state == "done":
            return MergeOutcome(merged=False, scan_complete=False)
        # A chunk reported failed whose result arrives after all (a retry that did finish) is merged: what it
        # found is real, and a scan failed for that chunk alone then completes.
        records = [host_from_record(h, chunk.addresses) for h in result.hosts]
        seen = {r.address for r in records}
        missing = [a for a in chunk.addresses if a not in seen]
        if missing or len(seen) != len(records):
            raise UsageError("chunk result", f"chunk {result.seq} must report each of its addresses once")
        observations, results, marks = _rows(result.scan_id, records, now)
        if observations:
            session.execute(insert(ObservationRow), observations)
        if results:
            session.execute(insert(DeviceResultRow), results)
        hosts = cast(Table, ScanHostRow.__table__)
        session.execute(
            update(hosts)
            .where(hosts.c.scan_id == result.scan_id, hosts.c.address == bindparam("host"))
            .values(state=bindparam("state"), error=bindparam("why"), finished_at=now),
            marks,
        )
        chunk.state, chunk.worker, chunk.finished_at = "done", result.worker, now
        session.flush()
        last = _settle(session, result.scan_id, now)
    if last:
        from covered.store.tracking import merge_scan

        merge_scan(store, result.scan_id)
        store.set_status(result.scan_id, "complete")
    return MergeOutcome(merged=True, scan_complete=last)
