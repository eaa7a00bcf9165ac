"""Sites of the distributed deployment and their scans: enrol, list, remove, and cut a site scan into chunks."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import case, delete, func, select

from covered.cluster.engine import Engine, check_site_name
from covered.cluster.orders import MAX_CHUNK, ChunkOrder, options_to_record
from covered.collect.scanner import ScanOptions
from covered.collect.targets import Scope, expand_targets
from covered.errors import UsageError
from covered.store import Store
from covered.store.schema import ScanChunkRow, ScanHostRow, ScanRow, SiteRow, SiteScheduleRow

__all__ = [
    "QueuedScan",
    "SiteProgress",
    "add_site",
    "get_site",
    "list_sites",
    "queue_site_scan",
    "remove_site",
    "site_progress",
]

DEFAULT_CHUNK = 128


def _networks(items: Sequence[str]) -> list[str]:
    networks = []
    for item in items:
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise UsageError("--network", f"{item!r}: {exc}") from None
    if not networks:
        raise UsageError("--network", "a site needs at least one network (its workers scan only inside them)")
    return networks


def add_site(
    store: Store, name: str, networks: Sequence[str], rate: float, host_rate: float, workers: int, broker_user: str
) -> SiteRow:
    """Record a new site; UsageError when the name is taken or invalid."""
    check_site_name(name)
    with store.session() as session, session.begin():
        if session.scalars(select(SiteRow).where(SiteRow.name == name)).first() is not None:
            raise UsageError("SITE", f"site {name!r} exists already (remove it first)")
        row = SiteRow(
            name=name,
            networks=_networks(networks),
            rate=rate,
            host_rate=host_rate,
            workers=workers,
            broker_user=broker_user,
        )
        session.add(row)
    return row


def get_site(store: Store, name: str) -> SiteRow:
    """The site of that name; UsageError when there is none."""
    with store.session() as session:
        row = session.scalars(select(SiteRow).where(SiteRow.name == name)).first()
    if row is None:
        raise UsageError("SITE", f"no site named {name!r} (see `covered sites list`)")
    return row


def list_sites(store: Store) -> list[SiteRow]:
    """Every site, by name."""
    with store.session() as session:
        return list(session.scalars(select(SiteRow).order_by(SiteRow.name)))


def remove_site(store: Store, name: str) -> None:
    """Forget a site and its schedules (its scans and devices stay)."""
    get_site(store, name)
    with store.session() as session, session.begin():
        session.execute(delete(SiteScheduleRow).where(SiteScheduleRow.site == name))
        session.execute(delete(SiteRow).where(SiteRow.name == name))


@dataclass(frozen=True)
class QueuedScan:
    """A site scan recorded centrally and queued as chunks."""

    scan_id: int
    site: str
    hosts: int
    chunks: int
    skipped: list[tuple[str, str]]


def queue_site_scan(
    store: Store,
    engine: Engine,
    site_name: str,
    targets: Sequence[str],
    options: ScanOptions | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> QueuedScan:
    """Expand targets within the site's networks, record the scan, and queue one order per chunk.

    The site's packets/s budget is shared out among its workers (each chunk order carries rate / workers), so the
    site as a whole stays within it; the per-host cap holds as is, since a host belongs to one chunk only.
    """
    if not 1 <= chunk_size <= MAX_CHUNK:
        raise UsageError("--chunk", f"a chunk holds 1 to {MAX_CHUNK} addresses")
    site = get_site(store, site_name)
    scope = Scope(allow=[ipaddress.ip_network(n) for n in site.networks])
    allowed: list[str] = []
    skipped: list[tuple[str, str]] = []
    for address in expand_targets(targets):
        why = scope.verdict(address)
        if why is None:
            allowed.append(str(address))
        else:
            skipped.append((str(address), why.replace("the scope's allow list", f"the networks of site {site.name}")))
    if not allowed:
        raise UsageError("TARGETS", f"nothing inside the networks of site {site.name}: {', '.join(site.networks)}")
    base = options or ScanOptions()
    per_worker = dataclasses.replace(
        base, rate=max(site.rate / max(site.workers, 1), 1.0), per_host_rate=site.host_rate
    )
    record = options_to_record(per_worker)
    allowed = list(dict.fromkeys(allowed))
    scan_id = store.create_scan(list(targets), allowed, {**record, "site": site.name, "chunk": chunk_size})
    chunks = [allowed[i : i + chunk_size] for i in range(0, len(allowed), chunk_size)]
    with store.session() as session, session.begin():
        session.add_all(
            ScanChunkRow(scan_id=scan_id, site=site.name, seq=seq, addresses=chunk, state="queued", results=0)
            for seq, chunk in enumerate(chunks)
        )
    engine.prepare_site(site.name)
    try:
        for seq, chunk in enumerate(chunks):
            engine.submit(ChunkOrder(scan_id, site.name, seq, chunk, record, list(site.networks)))
    except UsageError:
        store.set_status(scan_id, "failed")
        raise
    return QueuedScan(scan_id, site.name, len(allowed), len(chunks), skipped)


@dataclass(frozen=True)
class SiteProgress:
    """A site scan's progress from its chunks."""

    scan_id: int
    site: str
    status: str
    chunks_done: int
    chunks_total: int
    hosts_total: int
    chunks_failed: int = 0
    failure: str | None = None
    """Why the first failed chunk failed (as its worker reported it), None when none failed."""


def site_progress(store: Store, site: str | None = None, limit: int = 50) -> list[SiteProgress]:
    """The newest site scans (of one site or all) with their chunk counts and why a chunk failed."""
    with store.session() as session:
        query = (
            select(
                ScanChunkRow.scan_id,
                ScanChunkRow.site,
                func.count(),
                func.sum(case((ScanChunkRow.state == "done", 1), else_=0)),
                func.sum(case((ScanChunkRow.state == "failed", 1), else_=0)),
            )
            .group_by(ScanChunkRow.scan_id, ScanChunkRow.site)
            .order_by(ScanChunkRow.scan_id.desc())
            .limit(limit)
        )
        if site is not None:
            query = query.where(ScanChunkRow.site == site)
        rows = list(session.execute(query))
        scans = {s.id: s for s in session.scalars(select(ScanRow).where(ScanRow.id.in_([r[0] for r in rows])))}
        failures: dict[int, str | None] = {}
        for scan_id, *_rest, failed in rows:
            if failed:
                first = session.scalars(
                    select(ScanChunkRow)
                    .where(ScanChunkRow.scan_id == scan_id, ScanChunkRow.state == "failed")
                    .order_by(ScanChunkRow.seq)
                    .limit(1)
                ).one()
                failures[scan_id] = session.scalar(
                    select(ScanHostRow.error).where(
                        ScanHostRow.scan_id == scan_id, ScanHostRow.address == first.addresses[0]
                    )
                )
    return [
        SiteProgress(
            scan_id,
            name,
            scans[scan_id].status,
            int(done or 0),
            int(total),
            scans[scan_id].hosts_total,
            int(failed or 0),
            failures.get(scan_id),
        )
        for scan_id, name, total, done, failed in rows
    ]
