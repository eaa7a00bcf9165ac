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

from covered.cluster.orders import ChunkResult, host_from_record
from covered.errors import UsageError
from covered.store import HostRecord, Store
from covered.store.schema import (
    DeviceResultRow,
    ObservationRow,
    ScanChunkRow,
    ScanHostRow,
    ScanRow,
    SiteWorkerRow,
)

__all__ = ["MergeOutcome", "merge_chunk"]


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


def _note_worker(session: Any, result: ChunkResult, now: dt.datetime) -> None:
    row = session.scalars(
        select(SiteWorkerRow).where(SiteWorkerRow.site == result.site, SiteWorkerRow.name == result.worker)
    ).first()
    if row is None:
        worker = SiteWorkerRow(site=result.site, name=result.worker, version=result.version, last_seen=now, chunks=1)
        session.add(worker)
    else:
        row.version, row.last_seen, row.chunks = result.version, now, row.chunks + 1


def merge_chunk(store: Store, result: ChunkResult, sender: str | None = None) -> MergeOutcome:
    """Merge one chunk result (idempotent on scan and chunk); completes the scan when it was its last chunk.

    ``sender`` is the broker user that published the result (validated by the broker): when given, it must be
    the chunk's site's own user, so one site cannot write results into another site's scan.
    """
    from covered.store.schema import SiteRow

    now = dt.datetime.now(dt.UTC)
    with store.session() as session, session.begin():
        chunk = session.scalars(
            select(ScanChunkRow)
            .where(ScanChunkRow.scan_id == result.scan_id, ScanChunkRow.seq == result.seq)
            .with_for_update()
        ).first()
        if chunk is None:
            raise UsageError("chunk result", f"scan {result.scan_id} has no chunk {result.seq}")
        if chunk.site != result.site:
            raise UsageError("chunk result", f"chunk {result.seq} of scan {result.scan_id} belongs to another site")
        if sender is not None:
            owner = session.scalars(select(SiteRow.broker_user).where(SiteRow.name == chunk.site)).first()
            if owner is not None and sender != owner:
                raise UsageError("chunk result", f"sent by broker user {sender!r}, not by site {chunk.site}'s")
        chunk.results += 1
        _note_worker(session, result, now)
        if chunk.state == "done":
            return MergeOutcome(merged=False, scan_complete=False)
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
        left = session.scalar(
            select(func.count())
            .select_from(ScanChunkRow)
            .where(ScanChunkRow.scan_id == result.scan_id, ScanChunkRow.state != "done")
        )
        last = left == 0
        if last:
            # Claimed in the same transaction, so only one merger ever completes a scan.
            claimed = session.execute(
                update(ScanRow)
                .where(ScanRow.id == result.scan_id, ScanRow.status != "merging")
                .values(status="merging")
            )
            last = bool(getattr(claimed, "rowcount", 0))
    if last:
        from covered.store.tracking import merge_scan

        merge_scan(store, result.scan_id)
        store.set_status(result.scan_id, "complete")
    return MergeOutcome(merged=True, scan_complete=last)
