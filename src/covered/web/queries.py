"""What the dashboard's pages and the JSON API read from the store: filtered, sorted, paged, and counted in SQL.

Each function returns plain dictionaries, so a page and its API twin show the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, defer

from covered.errors import UsageError
from covered.report.bundle import audit_record, device_record, finding_record, lead_record, observation_record
from covered.store import Store
from covered.store.schema import (
    AuditRow,
    DeviceRow,
    FindingRow,
    ObservationRow,
    ScanHostRow,
    ScanRow,
    SightingRow,
)

__all__ = [
    "DEVICE_SORTS",
    "PAGE_SIZE",
    "DeviceFilter",
    "FindingFilter",
    "Page",
    "audit_page",
    "check_scans",
    "data_version",
    "device_detail",
    "device_ids",
    "device_page",
    "finding_page",
    "identified_models",
    "lead_list",
    "overview",
    "scan_list",
    "storable_id",
]

PAGE_SIZE = 50
MAX_ROW_ID = 2**63 - 1
"""Largest id a database row can have (a signed 64-bit integer in SQLite and PostgreSQL)."""
DEVICE_SORTS = {
    "id": DeviceRow.id,
    "address": DeviceRow.address_key,  # numeric order, IPv4 then IPv6 (127.61.0.2 before 127.61.0.10)
    "vendor": DeviceRow.vendor,
    "brand": DeviceRow.brand,
    "model": DeviceRow.model,
    "site": DeviceRow.site,
    "restricted": DeviceRow.restricted,
    "last_seen": DeviceRow.last_seen,
    "first_seen": DeviceRow.first_seen,
}
FINDING_STATUSES = ("open", "review", "planned", "removed", "replaced", "exempted")
UNRESOLVED = ("open", "review", "planned")
"""Statuses of a finding whose obligation still stands."""
DUE_SOON_DAYS = 30
"""A finding is due soon when its due date falls within this many days from today."""


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def storable_id(value: int) -> bool:
    """Whether a row could have this id; larger ids overflow the database driver, so they name nothing."""
    return 1 <= value <= MAX_ROW_ID


def check_scans(store: Store, *scan_ids: int) -> None:
    """LookupError naming the first of these scans that does not exist."""
    with store.session() as session:
        for scan_id in scan_ids:
            if not storable_id(scan_id) or session.get(ScanRow, scan_id) is None:
                raise LookupError(f"no scan {scan_id}")


@dataclass(frozen=True)
class Page:
    """One page of rows with the total that matched and where the page starts."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _page(session: Session, query: Select[Any], page: int, count: Select[Any]) -> tuple[list[Any], int, int, int]:
    total = session.scalar(count) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    if page < 1:
        raise UsageError("page", "pages start at 1")
    page = min(page, pages)  # a page past the end (a stale link, fewer rows since) shows the last one
    rows = list(session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all())
    return rows, int(total), page, pages


@dataclass(frozen=True)
class DeviceFilter:
    """Device list filters as the page's query string gives them; empty strings mean 'any'."""

    q: str = ""
    vendor: str = ""
    site: str = ""
    restricted: str = ""  # "yes", "no", "unknown" or ""
    state: str = ""  # "present", "gone", "new" (first seen by the latest scan or import) or ""
    sort: str = "id"
    order: str = "asc"

    def check(self) -> None:
        """Refuse values the page could not have produced, naming the parameter."""
        if self.sort not in DEVICE_SORTS:
            raise UsageError("sort", f"sort by one of {', '.join(DEVICE_SORTS)} (not {self.sort!r})")
        if self.order not in {"asc", "desc"}:
            raise UsageError("order", "order is asc or desc")
        if self.restricted not in {"", "yes", "no", "unknown"}:
            raise UsageError("restricted", "restricted is yes, no or unknown")
        if self.state not in {"", "present", "gone", "new"}:
            raise UsageError("state", "state is present, gone or new")
        if len(self.q) > 200:
            raise UsageError("q", "search text is at most 200 characters")


def _device_where(query: Select[Any], f: DeviceFilter) -> Select[Any]:
    if f.q:
        like = f"%{f.q}%"
        matches = [
            DeviceRow.key.ilike(like),
            DeviceRow.address.ilike(like),
            DeviceRow.mac.ilike(like),
            DeviceRow.vendor.ilike(like),
            DeviceRow.brand.ilike(like),
            DeviceRow.model.ilike(like),
            DeviceRow.serial.ilike(like),
            DeviceRow.firmware.ilike(like),
            # The organisation's own identities: an auditor looks a device up by its asset tag or room.
            DeviceRow.asset_tag.ilike(like),
            DeviceRow.asset_id.ilike(like),
            DeviceRow.asset_name.ilike(like),
            DeviceRow.location.ilike(like),
            DeviceRow.owner.ilike(like),
            DeviceRow.cost_centre.ilike(like),
        ]
        digits = re.sub(r"[\s:.-]", "", f.q)
        if len(digits) >= 4 and re.fullmatch(r"[0-9A-Fa-f]+", digits):
            # A MAC written without separators, or with dashes or dots (c056e3..., C0-56-E3-..., c056.e3...).
            bare = func.replace(func.replace(func.replace(DeviceRow.mac, ":", ""), "-", ""), ".", "")
            matches.append(bare.ilike(f"%{digits}%"))
        query = query.where(or_(*matches))
    if f.vendor:
        query = query.where(DeviceRow.vendor.is_(None) if f.vendor == "unknown" else DeviceRow.vendor == f.vendor)
    if f.site:
        query = query.where(DeviceRow.site.is_(None) if f.site == "none" else DeviceRow.site == f.site)
    if f.restricted:
        value = {"yes": True, "no": False}.get(f.restricted)
        query = query.where(DeviceRow.restricted.is_(None) if value is None else DeviceRow.restricted == value)
    if f.state == "present":
        query = query.where(DeviceRow.gone_since.is_(None))
    elif f.state == "gone":
        query = query.where(DeviceRow.gone_since.is_not(None))
    elif f.state == "new":
        query = query.where(DeviceRow.gone_since.is_(None), DeviceRow.first_seen >= _latest_scan_start())
    return query


def _latest_scan_start() -> Any:
    """When the newest scan or import began (a subquery): devices first seen since then are new."""
    return select(func.max(ScanRow.started_at)).scalar_subquery()


def _device_ordering(f: DeviceFilter) -> list[Any]:
    column: Any = DEVICE_SORTS[f.sort]
    return [column.desc() if f.order == "desc" else column.asc(), DeviceRow.id.asc()]


def device_page(store: Store, f: DeviceFilter, page: int = 1, *, evidence: bool = True) -> Page:
    """Devices matching the filter, sorted, one page at a time, each with its count of open findings.

    Without ``evidence`` the attribution column (the largest, JSON) is not read: the list page shows none of it.
    """
    f.check()
    ordering = _device_ordering(f)
    with store.session() as session:
        rows_query = select(DeviceRow) if evidence else select(DeviceRow).options(defer(DeviceRow.attribution))
        query = _device_where(rows_query, f).order_by(*ordering)
        count = _device_where(select(func.count(DeviceRow.id)), f)
        rows, total, page, pages = _page(session, query, page, count)
        records = _with_finding_counts(session, [row[0] for row in rows], evidence)
    return Page(records, total, page, pages)


MAX_EXPORT = 100_000
"""Most rows one download of a list holds (the download says when the view had more)."""


def device_export(store: Store, f: DeviceFilter, limit: int = MAX_EXPORT) -> tuple[list[dict[str, Any]], int]:
    """Every device of the list's current view (its filters and sort, no paging) up to ``limit``, and the total."""
    f.check()
    ordering = _device_ordering(f)
    with store.session() as session:
        query = _device_where(select(DeviceRow).options(defer(DeviceRow.attribution)), f).order_by(*ordering)
        total = int(session.scalar(_device_where(select(func.count(DeviceRow.id)), f)) or 0)
        devices = list(session.scalars(query.limit(limit)))
        return _with_finding_counts(session, devices, evidence=False), total


def _with_finding_counts(session: Session, devices: list[DeviceRow], evidence: bool) -> list[dict[str, Any]]:
    """Device records with their counts of open and of to-review findings."""
    counts: dict[tuple[int, str], int] = {}
    for start in range(0, len(devices), 5000):  # bounded IN lists, for SQLite's and PostgreSQL's parameter caps
        batch = [d.id for d in devices[start : start + 5000]]
        counts |= {
            (device_id, status): n
            for device_id, status, n in session.execute(
                select(FindingRow.device_id, FindingRow.status, func.count(FindingRow.id))
                .where(FindingRow.device_id.in_(batch), FindingRow.status.in_(["open", "review"]))
                .group_by(FindingRow.device_id, FindingRow.status)
            ).all()
        }
    # Open and to-review are told apart: a finding under review is not yet an obligation to act.
    return [
        device_record(d, evidence=evidence)
        | {"open_findings": counts.get((d.id, "open"), 0), "review_findings": counts.get((d.id, "review"), 0)}
        for d in devices
    ]


MAX_LEADS = 1000
"""Most leads one page or API answer lists (the oldest devices first)."""


def lead_list(store: Store, limit: int = MAX_LEADS) -> dict[str, Any]:
    """Devices whose maker is only suspected (a lead for review), with the signs and what would settle it.

    Leads exist only where no vendor is established, so only those devices' attributions are read.
    """
    leads: list[dict[str, Any]] = []
    truncated = False
    with store.session() as session:
        query = select(DeviceRow).where(DeviceRow.vendor.is_(None)).order_by(DeviceRow.id)
        for device in session.scalars(query.execution_options(yield_per=500)):
            if not (device.attribution or {}).get("lead"):
                continue
            if len(leads) == limit:
                truncated = True
                break
            leads.append(lead_record(device_record(device)) | {"id": device.id})
    return {"leads": leads, "truncated": truncated}


def device_ids(store: Store, keys: list[str]) -> dict[str, int]:
    """Tracked device ids by device key."""
    if not keys:
        return {}
    with store.session() as session:
        return dict(session.execute(select(DeviceRow.key, DeviceRow.id).where(DeviceRow.key.in_(set(keys)))).all())


def identified_models(store: Store, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Models the scanner identified on this network whose name contains the text, with their maker and how
    many devices carry them (the registry's lookup knows only the names its sources list)."""
    text = text.strip()
    if len(text) < 3:
        return []
    with store.session() as session:
        rows = session.execute(
            select(DeviceRow.vendor, DeviceRow.model, func.count(DeviceRow.id))
            .where(DeviceRow.vendor.is_not(None), DeviceRow.model.ilike(f"%{text}%"))
            .group_by(DeviceRow.vendor, DeviceRow.model)
            .order_by(func.count(DeviceRow.id).desc(), DeviceRow.model)
            .limit(limit)
        ).all()
    return [{"vendor": vendor, "model": model, "devices": n} for vendor, model, n in rows]


def device_choices(store: Store) -> dict[str, list[str]]:
    """Values the device filters offer: vendors and sites present in the store."""
    with store.session() as session:
        vendors = sorted(v for v in session.scalars(select(DeviceRow.vendor).distinct()) if v)
        sites = sorted(s for s in session.scalars(select(DeviceRow.site).distinct()) if s)
    return {"vendors": vendors, "sites": sites}


def device_detail(store: Store, device_id: int) -> dict[str, Any]:
    """One device: its record, evidence chain, findings, sightings (history), raw observations and audit entries."""
    with store.session() as session:
        device = session.get(DeviceRow, device_id) if storable_id(device_id) else None
        if device is None:
            raise LookupError(f"no device {device_id}")
        findings = session.scalars(
            select(FindingRow).where(FindingRow.device_id == device_id).order_by(FindingRow.id)
        ).all()
        sightings = session.execute(
            select(SightingRow, ScanRow)
            .join(ScanRow, ScanRow.id == SightingRow.scan_id)
            .where(SightingRow.device_id == device_id)
            .order_by(SightingRow.seen_at.desc(), SightingRow.id.desc())
        ).all()
        mentions = [AuditRow.target == f"device {device.key}"]
        for f in findings:
            mentions += [AuditRow.target == f"finding {f.id}", AuditRow.target.like(f"finding {f.id} (%")]
        audit = session.scalars(select(AuditRow).where(or_(*mentions)).order_by(AuditRow.id)).all()
        observations: list[ObservationRow] = []
        if sightings:
            latest = sightings[0][0]
            keys = {k for k in ((device.attribution or {}).get("device"), latest.address) if k}
            observations = list(
                session.scalars(
                    select(ObservationRow)
                    .where(ObservationRow.scan_id == latest.scan_id, ObservationRow.device_key.in_(keys))
                    .order_by(ObservationRow.id)
                    .limit(500)
                )
            )
        return {
            "device": device_record(device),
            "attribution": device.attribution or {},
            "findings": [finding_record(f, device.key) for f in findings],
            "history": [
                {
                    "scan": scan.id,
                    "kind": scan.kind,
                    "seen_at": sighting.seen_at.isoformat(),
                    "address": sighting.address,
                    "vendor": sighting.vendor,
                    "model": sighting.model,
                    "firmware": sighting.firmware,
                    "restricted": sighting.restricted,
                }
                for sighting, scan in sightings
            ],
            "observations": [observation_record(o) for o in observations],
            "audit": [audit_record(a) for a in audit],
            "timeline": _timeline(audit, sightings),
        }


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _timeline(audit: Any, sightings: Any) -> list[dict[str, Any]]:
    """Status changes and sightings of one device in one list, newest first."""
    entries = [
        {
            "at": _aware(a.at).isoformat(),
            "what": f"{a.action}: {a.target}",
            "who": a.actor,
            "kind": "change",
            "before": a.before,
            "after": a.after,
            "reason": a.reason,
            "_sort": (_aware(a.at), 1, a.id),
        }
        for a in audit
    ] + [
        {
            "at": _aware(sighting.seen_at).isoformat(),
            "what": f"seen in {scan.kind} {scan.id}",
            "who": "",
            "kind": "sighting",
            "address": sighting.address,
            "vendor": sighting.vendor,
            "model": sighting.model,
            "firmware": sighting.firmware,
            "_sort": (_aware(sighting.seen_at), 0, sighting.id),
        }
        for sighting, scan in sightings
    ]
    entries.sort(key=lambda e: e["_sort"], reverse=True)
    for entry in entries:
        del entry["_sort"]
    return entries


@dataclass(frozen=True)
class FindingFilter:
    """Finding list filters; empty strings mean 'any'."""

    status: str = ""  # one status, or several separated by commas ("open,review")
    profile: str = ""
    subject: str = ""
    obligation: str = ""
    state: str = ""  # of the device: "present", "gone" or ""
    due: str = ""  # "overdue" (unresolved, due before today), "soon" (unresolved, due within DUE_SOON_DAYS) or ""
    site: str = ""  # of the device; "none" for devices without a site
    since: str = ""  # YYYY-MM-DD: findings whose status last changed on or after that day

    @property
    def statuses(self) -> list[str]:
        """The statuses asked for (none: any)."""
        return [part.strip() for part in self.status.split(",") if part.strip()]

    def check(self) -> None:
        """Refuse a status or device state that does not exist."""
        for status in self.statuses:
            if status not in FINDING_STATUSES:
                raise UsageError("status", f"status is one of {', '.join(FINDING_STATUSES)} (not {status!r})")
        if self.state not in {"", "present", "gone"}:
            raise UsageError("state", "state is present or gone")
        if self.due not in {"", "overdue", "soon"}:
            raise UsageError("due", "due is overdue or soon")
        if self.since:
            self.since_day()

    def since_day(self) -> dt.date | None:
        """The ``since`` day, or None; a value that is no date raises UsageError."""
        if not self.since:
            return None
        try:
            return dt.date.fromisoformat(self.since)
        except ValueError:
            raise UsageError("since", f"since is a date YYYY-MM-DD (not {self.since!r})") from None


def _finding_where(query: Any, f: FindingFilter) -> Any:
    if f.statuses:
        query = query.where(FindingRow.status.in_(f.statuses))
    for column, value in (
        (FindingRow.profile, f.profile),
        (FindingRow.subject, f.subject),
        (FindingRow.obligation, f.obligation),
    ):
        if value:
            query = query.where(column == value)
    if f.state == "present":
        query = query.where(DeviceRow.gone_since.is_(None))
    elif f.state == "gone":
        query = query.where(DeviceRow.gone_since.is_not(None))
    if f.site:
        query = query.where(DeviceRow.site.is_(None) if f.site == "none" else DeviceRow.site == f.site)
    since = f.since_day()
    if since is not None:
        start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        query = query.where(FindingRow.updated_at >= start)
    today = _today()
    if f.due == "overdue":
        query = query.where(FindingRow.status.in_(UNRESOLVED), FindingRow.due < today)
    elif f.due == "soon":
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        query = query.where(FindingRow.status.in_(UNRESOLVED), FindingRow.due >= today, FindingRow.due <= soon)
    return query


def finding_page(store: Store, f: FindingFilter, page: int = 1) -> Page:
    """Kept findings matching the filter, newest device first, with the device's id and address."""
    f.check()
    with store.session() as session:
        query = _finding_where(
            select(FindingRow, DeviceRow).join(DeviceRow, DeviceRow.id == FindingRow.device_id), f
        ).order_by(FindingRow.due.asc(), FindingRow.id.asc())
        count = _finding_where(
            select(func.count(FindingRow.id)).join(DeviceRow, DeviceRow.id == FindingRow.device_id), f
        )
        rows, total, page, pages = _page(session, query, page, count)
        out = [
            finding_record(finding, device.key) | {"device_id": device.id, "address": device.address}
            for finding, device in rows
        ]
    return Page(out, total, page, pages)


def finding_export(store: Store, f: FindingFilter, limit: int = MAX_EXPORT) -> tuple[list[dict[str, Any]], int]:
    """Every finding of the list's current view (no paging) up to ``limit``, each with its device, and the total."""
    f.check()
    with store.session() as session:
        query = _finding_where(
            select(FindingRow, DeviceRow)
            .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            .options(defer(DeviceRow.attribution)),
            f,
        ).order_by(FindingRow.due.asc(), FindingRow.id.asc())
        count = _finding_where(
            select(func.count(FindingRow.id)).join(DeviceRow, DeviceRow.id == FindingRow.device_id), f
        )
        total = int(session.scalar(count) or 0)
        out = [
            finding_record(finding, device.key) | {"device": device_record(device, evidence=False)}
            for finding, device in session.execute(query.limit(limit)).all()
        ]
    return out, total


def finding_choices(store: Store) -> dict[str, list[str]]:
    """Values the finding filters offer."""
    with store.session() as session:
        profiles = sorted(session.scalars(select(FindingRow.profile).distinct()))
        subjects = sorted(session.scalars(select(FindingRow.subject).distinct()))
        obligations = sorted(session.scalars(select(FindingRow.obligation).distinct()))
        sites = sorted(s or "none" for s in session.scalars(select(DeviceRow.site).distinct()))
    return {
        "sites": sites,
        "statuses": [*FINDING_STATUSES, "open,review"],
        "profiles": profiles,
        "subjects": subjects,
        "obligations": obligations,
    }


def audit_page(store: Store, page: int = 1) -> Page:
    """The audit log, newest first."""
    with store.session() as session:
        rows, total, page, pages = _page(
            session, select(AuditRow).order_by(AuditRow.id.desc()), page, select(func.count(AuditRow.id))
        )
    return Page([audit_record(row[0]) for row in rows], total, page, pages)


def scan_list(store: Store) -> list[dict[str, Any]]:
    """Scans and imports, newest first, with how many hosts are done and how many devices were sighted."""
    with store.session() as session:
        done = dict(
            session.execute(
                select(ScanHostRow.scan_id, func.count(ScanHostRow.id))
                .where(ScanHostRow.state != "pending")
                .group_by(ScanHostRow.scan_id)
            ).all()
        )
        sighted = dict(
            session.execute(select(SightingRow.scan_id, func.count(SightingRow.id)).group_by(SightingRow.scan_id)).all()
        )
        return [
            {
                "id": s.id,
                "kind": s.kind,
                "status": s.status,
                "started_at": s.started_at.isoformat(),
                "finished_at": s.finished_at.isoformat() if s.finished_at else None,
                "targets": s.targets,
                "hosts_total": s.hosts_total,
                "hosts_done": done.get(s.id, 0),
                "devices": sighted.get(s.id, 0),
            }
            for s in session.scalars(select(ScanRow).order_by(ScanRow.id.desc()))
        ]


def data_version(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of what the overview and the filter menus are computed from: every path that changes
    them adds a scan, a sighting, a device, a finding or an audit entry, or finishes a scan, and the day turns
    due dates overdue; so equal fingerprints mean a cached answer still holds. Primary-key maxima only: about
    0.1 ms whatever the size. A change made to the database outside covered shows after the next such write."""
    with store.session() as session:
        maxima = session.execute(
            select(
                select(func.max(ScanRow.id)).scalar_subquery(),
                select(func.max(SightingRow.id)).scalar_subquery(),
                select(func.max(AuditRow.id)).scalar_subquery(),
                select(func.max(DeviceRow.id)).scalar_subquery(),
                select(func.max(FindingRow.id)).scalar_subquery(),
            )
        ).one()
        latest = session.execute(select(ScanRow.status, ScanRow.finished_at).order_by(ScanRow.id.desc()).limit(1))
        scan = latest.first()
    return (*maxima, *(scan or ()), _today())


def overview(store: Store) -> dict[str, Any]:
    """Counts for the overview page, each matching the list its tile links to: devices still present (by
    vendor and site), gone devices, findings of present devices (by rule and status), findings still open on
    gone devices (removals to confirm), and remediation over time (changes to removed or replaced per week,
    from the audit log)."""
    present = DeviceRow.gone_since.is_(None)
    with store.session() as session:
        total = session.scalar(select(func.count(DeviceRow.id)).where(present)) or 0
        restricted = (
            session.scalar(select(func.count(DeviceRow.id)).where(present, DeviceRow.restricted.is_(True))) or 0
        )
        gone = session.scalar(select(func.count(DeviceRow.id)).where(DeviceRow.gone_since.is_not(None))) or 0

        def grouped(column: Any, *where: Any) -> dict[str, int]:
            query = select(column, func.count()).group_by(column)
            if column.class_ is FindingRow:
                query = query.join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            for clause in where:
                query = query.where(clause)
            return {str(k) if k is not None else "unknown": n for k, n in session.execute(query).all()}

        by_vendor = grouped(DeviceRow.vendor, present)
        by_site = grouped(DeviceRow.site, present)
        by_rule = grouped(FindingRow.subject, present)
        by_status = grouped(FindingRow.status, present)
        gone_unresolved = (
            session.scalar(
                select(func.count(FindingRow.id))
                .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
                .where(DeviceRow.gone_since.is_not(None), FindingRow.status.in_(["open", "review"]))
            )
            or 0
        )
        changes = session.execute(
            select(AuditRow.at, AuditRow.after).where(
                AuditRow.action == "remediate", AuditRow.after.in_(['"removed"', '"replaced"'])
            )
        ).all()
        today = _today()
        unresolved = (FindingRow.status.in_(UNRESOLVED), present)
        findings = select(func.count(FindingRow.id)).join(DeviceRow, DeviceRow.id == FindingRow.device_id)
        overdue = session.scalar(findings.where(*unresolved, FindingRow.due < today)) or 0
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        due_soon = session.scalar(findings.where(*unresolved, FindingRow.due >= today, FindingRow.due <= soon)) or 0
        next_due = session.scalar(
            select(func.min(FindingRow.due))
            .select_from(FindingRow)
            .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            .where(*unresolved, FindingRow.due >= today)
        )
        latest = session.execute(select(ScanRow).order_by(ScanRow.started_at.desc(), ScanRow.id.desc()).limit(1))
        last_scan = latest.scalars().first()
        new = (
            session.scalar(
                select(func.count(DeviceRow.id)).where(present, DeviceRow.first_seen >= _latest_scan_start())
            )
            or 0
        )
        month_start = today.replace(day=1)
        since = dt.datetime.combine(month_start, dt.time(), tzinfo=dt.UTC)
        resolved = FindingRow.status.in_(["removed", "replaced"])
        removed_this_month = session.scalar(findings.where(resolved, FindingRow.updated_at >= since)) or 0
        sites = [
            {"site": site or "none", "devices": n, "restricted": int(bad or 0), "last_seen": seen.isoformat()}
            for site, n, bad, seen in session.execute(
                select(
                    DeviceRow.site,
                    func.count(DeviceRow.id),
                    func.sum(case((DeviceRow.restricted.is_(True), 1), else_=0)),
                    func.max(DeviceRow.last_seen),
                )
                .where(present)
                .group_by(DeviceRow.site)
                .order_by(func.max(DeviceRow.last_seen).asc())
            ).all()
        ]
    weeks: dict[str, int] = {}
    for at, _ in changes:
        monday = (at.date() - dt.timedelta(days=at.weekday())).isoformat()
        weeks[monday] = weeks.get(monday, 0) + 1
    return {
        "today": today.isoformat(),
        "overdue": overdue,
        "due_soon": due_soon,
        "due_soon_days": DUE_SOON_DAYS,
        "next_due": next_due.isoformat() if next_due else None,
        "removed_this_month": removed_this_month,
        "month_start": month_start.isoformat(),
        "new_since_last_scan": new,
        "last_scan": (
            {
                "id": last_scan.id,
                "kind": last_scan.kind,
                "started_at": last_scan.started_at.isoformat(timespec="minutes"),
            }
            if last_scan
            else None
        ),
        "sites": sites,
        "devices": total,
        "restricted": restricted,
        "gone": gone,
        "findings": sum(by_status.values()),
        "open_findings": by_status.get("open", 0) + by_status.get("review", 0),
        "open_findings_gone": gone_unresolved,
        "devices_by_vendor": by_vendor,
        "devices_by_site": by_site,
        "findings_by_rule": by_rule,
        "findings_by_status": by_status,
        "removed_by_week": dict(sorted(weeks.items())),
    }
