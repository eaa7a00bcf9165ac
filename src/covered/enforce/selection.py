"""Which tracked devices still need action: kept findings filtered by profile, status, rule, site and maker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from covered.errors import UsageError
from covered.model import FindingStatus
from covered.store.db import Store
from covered.store.schema import DeviceRow, FindingRow, ScanRow, SightingRow

__all__ = ["ACTION_STATUSES", "ExportFilter", "ExportSet", "SourceScan", "Target", "make_filter", "select_targets"]

ACTION_STATUSES = (FindingStatus.OPEN.value, FindingStatus.REVIEW.value, FindingStatus.PLANNED.value)
"""Finding statuses of a device that still needs action (removed, replaced and exempted ones do not)."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """What to export: a profile's findings (or every profile's), in these statuses, rules, sites and makers."""

    profile: str | None = None
    statuses: tuple[str, ...] = ACTION_STATUSES
    rules: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    makers: tuple[str, ...] = ()

    def describe(self) -> str:
        """The filter in one line, as export headers show it."""
        parts = [f"profile={self.profile or 'any'}", f"status={','.join(self.statuses)}"]
        for name, values in (("rule", self.rules), ("site", self.sites), ("maker", self.makers)):
            if values:
                parts.append(f"{name}={','.join(values)}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Target:
    """One device that still needs action, with what the network team and the VMS need to find it."""

    key: str
    address: str | None
    mac: str | None
    serial: str | None
    site: str | None
    vendor: str | None
    brand: str | None
    model: str | None
    asset_tag: str | None
    asset_name: str | None
    location: str | None
    rules: tuple[str, ...]
    statuses: tuple[str, ...]

    def label(self) -> str:
        """A short description for comments and CSV notes: maker, model, asset tag, rules."""
        # Brand ids of a vendor's own line ('hikvision-brand') add nothing; a relabel ('lorex') does.
        maker = self.brand if self.brand and not self.brand.startswith(self.vendor or "\0") else None
        words = [self.vendor or "unknown maker", f"(sold as {maker})" if maker else "", self.model or ""]
        if self.asset_tag:
            words.append(f"asset {self.asset_tag}")
        words.append(f"rules {','.join(self.rules)}")
        return " ".join(w for w in words if w)


@dataclass(frozen=True, slots=True)
class SourceScan:
    """The newest scan or import that saw any of the exported devices."""

    id: int
    kind: str
    finished_at: dt.datetime | None

    def describe(self) -> str:
        """'scan 3 (finished 2026-12-04T18:00:00+00:00)'."""
        finished = self.finished_at
        if finished is not None and finished.tzinfo is None:
            finished = finished.replace(tzinfo=dt.UTC)  # SQLite hands back the stored UTC time without its zone
        when = finished.isoformat(timespec="seconds") if finished else "not finished"
        return f"{self.kind} {self.id} ({'finished ' if self.finished_at else ''}{when})"


@dataclass(frozen=True, slots=True)
class ExportSet:
    """The devices to act on, the filter that chose them, when, and from which scan."""

    targets: tuple[Target, ...]
    filter: ExportFilter
    generated: dt.datetime
    source: SourceScan | None
    profiles: tuple[str, ...] = field(default=())

    def header_lines(self, title: str) -> list[str]:
        """The lines every export starts with (as comments in its consumer's syntax)."""
        return [
            f"{title}, written by covered export",
            f"generated {self.generated.isoformat(timespec='seconds')}",
            f"filter: {self.filter.describe()}",
            f"source: {self.source.describe() if self.source else 'no scan has seen these devices'}",
            f"devices: {len(self.targets)}",
        ]

    def content_key(self) -> tuple[object, ...]:
        """What the exports are made of, without the generation time: unchanged key, unchanged files."""
        return (self.targets, self.source)


def _values(values: Sequence[str], option: str) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
    if values and not cleaned:
        raise UsageError(option, "names no value")
    return cleaned


def make_filter(
    profile: str | None,
    statuses: Sequence[str] = (),
    rules: Sequence[str] = (),
    sites: Sequence[str] = (),
    makers: Sequence[str] = (),
) -> ExportFilter:
    """A checked filter; an unknown status is a UsageError naming --status."""
    chosen = _values(statuses, "--status") or ACTION_STATUSES
    known = {s.value for s in FindingStatus}
    for status in chosen:
        if status not in known:
            raise UsageError("--status", f"unknown status {status!r} (choose from {', '.join(sorted(known))})")
    if profile is not None and not profile.strip():
        raise UsageError("--profile", "empty value")
    return ExportFilter(
        profile=profile,
        statuses=chosen,
        rules=_values(rules, "--rule"),
        sites=_values(sites, "--site"),
        makers=tuple(m.lower() for m in _values(makers, "--maker")),
    )


def select_targets(store: Store, chosen: ExportFilter, now: dt.datetime | None = None) -> ExportSet:
    """The tracked devices with kept findings that match the filter, in device order."""
    with store.session() as session:
        profiles = tuple(session.scalars(select(FindingRow.profile).distinct().order_by(FindingRow.profile)))
        if chosen.profile is not None and chosen.profile not in profiles:
            listed = ", ".join(profiles) if profiles else "none: run `covered assess --save`"
            raise UsageError(
                "--profile", f"no saved findings under {chosen.profile!r} (profiles with findings: {listed})"
            )
        query = (
            select(FindingRow, DeviceRow)
            .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            .where(FindingRow.status.in_(chosen.statuses))
            .order_by(DeviceRow.id, FindingRow.subject)
        )
        if chosen.profile is not None:
            query = query.where(FindingRow.profile == chosen.profile)
        if chosen.rules:
            query = query.where(FindingRow.subject.in_(chosen.rules))
        if chosen.sites:
            query = query.where(DeviceRow.site.in_(chosen.sites))
        if chosen.makers:
            query = query.where(
                func.lower(DeviceRow.vendor).in_(chosen.makers) | func.lower(DeviceRow.brand).in_(chosen.makers)
            )
        grouped: dict[int, tuple[DeviceRow, list[FindingRow]]] = {}
        for finding, device in session.execute(query).tuples():
            grouped.setdefault(device.id, (device, []))[1].append(finding)
        source = None
        if grouped:
            newest = session.scalar(
                select(func.max(SightingRow.scan_id)).where(SightingRow.device_id.in_(list(grouped)))
            )
            scan = session.get(ScanRow, newest) if newest is not None else None
            if scan is not None:
                source = SourceScan(scan.id, scan.kind, scan.finished_at)
    targets = tuple(
        Target(
            key=device.key,
            address=device.address,
            mac=device.mac,
            serial=device.serial,
            site=device.site,
            vendor=device.vendor,
            brand=device.brand,
            model=device.model,
            asset_tag=device.asset_tag,
            asset_name=device.asset_name,
            location=device.location,
            rules=tuple(dict.fromkeys(f.subject for f in findings)),
            statuses=tuple(dict.fromkeys(f.status for f in findings)),
        )
        for device, findings in grouped.values()
    )
    return ExportSet(targets, chosen, now or dt.datetime.now(dt.UTC), source, profiles)
