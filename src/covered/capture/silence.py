"""Silence since removal: a capture that shows no frame from a removed device attests it; one that does reopens it.

The sink watches the devices whose findings were marked removed or replaced (`covered remediate`); the removal
time is that of the last such remediation in the audit log. Only frames later than the removal count:

- a frame from the device's MAC reopens its findings (the fix did not hold), as a later scan seeing it would;
- a frame from its address without any MAC (a Zeek log without mac-logging) flags the findings for review in
  their history without reopening them (the address may have been handed to another device);
- a frame from its address with another MAC is another device on a reused address: noted, not counted;
- no frame from it over a window after the removal attests silence: "no traffic from MAC between D1 and D2 in
  capture X, N frames examined".

Each outcome is kept as a :class:`~covered.store.schema.SilenceAttestationRow` (for the evidence pack) and an
audit entry on every finding concerned (its history). Memory is bounded by the watched devices, not the capture.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from covered.capture.records import FrameRef, Presence, TrafficRecord
from covered.errors import CoveredError
from covered.store.db import Store
from covered.store.schema import AuditRow, DeviceRow, FindingRow, SilenceAttestationRow

__all__ = ["ACTOR", "SilenceSink", "Watched"]

ACTOR = "covered capture"
MAX_WATCHED = 100_000
"""Removed or replaced devices watched in one capture (their counters are all the sink keeps)."""
MAX_FILES = 50
"""Capture file names kept to name the capture in an attestation."""
_REMOVED = ("removed", "replaced")


@dataclass
class Watched:
    """A removed or replaced device and what the capture showed of it after its removal."""

    device_id: int
    key: str
    mac: str | None
    address: str | None
    status: str
    removed_at: dt.datetime
    findings: list[int]
    frames: int = 0
    """Frames from its MAC after the removal."""
    address_frames: int = 0
    """Frames from its address after the removal that do not show its MAC: carrying none, or (its MAC unknown)
    any MAC."""
    first_heard: FrameRef | None = None
    last_heard: dt.datetime | None = None
    other_macs: set[str] = field(default_factory=set)
    """Other MACs seen on its address after the removal (up to five): another device on a reused address, or
    the device itself when its MAC was never known."""
    examined: int = 0
    """Frames of the capture later than the removal (from any device)."""


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _shown(when: dt.datetime) -> str:
    return _utc(when).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _ref(frame: FrameRef) -> str:
    when = f" at {_shown(frame.time)}" if frame.time is not None else ""
    return f"{frame.file} #{frame.frame}{when}"


class SilenceSink:
    """Counts frames per watched MAC and address over the capture's period; ``save`` attests or reopens."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._frames = 0
        self._untimed = 0
        self._start: dt.datetime | None = None
        self._end: dt.datetime | None = None
        self._files: list[str] = []
        self._watched = _load_watched(store)
        self._by_mac = {w.mac: w for w in self._watched if w.mac is not None}
        self._by_address: dict[str, list[Watched]] = {}
        for watched in self._watched:
            if watched.address is not None:
                self._by_address.setdefault(watched.address, []).append(watched)
        # Frames later than each removal are counted per distinct removal time, not per device.
        self._removals = sorted({w.removed_at for w in self._watched})
        self._examined_after = [0] * len(self._removals)

    @property
    def watched(self) -> list[Watched]:
        """The removed and replaced devices this capture is checked against."""
        return list(self._watched)

    def add(self, record: TrafficRecord) -> None:
        """Take one record; a Presence counts its frames toward the period and toward a watched device."""
        if not isinstance(record, Presence):
            return
        frames = max(record.frames, 1)
        self._frames += frames
        first = record.frame.time
        last = record.last.time if record.last is not None and record.last.time is not None else first
        if len(self._files) < MAX_FILES and record.frame.file not in self._files:
            self._files.append(record.frame.file)
        if first is None or last is None:
            self._untimed += frames
            return
        first, last = _utc(first), _utc(last)
        self._start = first if self._start is None or first < self._start else self._start
        self._end = last if self._end is None or last > self._end else self._end
        if not self._watched:
            return
        for index, removed in enumerate(self._removals):
            if last <= removed:
                break
            self._examined_after[index] += frames
        self._hear(record, first, last, frames)

    def _hear(self, record: Presence, first: dt.datetime, last: dt.datetime, frames: int) -> None:
        mac, address = record.mac, record.address
        if mac is not None and (watched := self._by_mac.get(mac)) is not None and last > watched.removed_at:
            self._heard(watched, record.frame if first > watched.removed_at else record.last or record.frame, last)
            watched.frames += frames
        for watched in self._by_address.get(address or "", ()):
            if last <= watched.removed_at or (mac is not None and mac == watched.mac):
                continue
            if mac is not None and len(watched.other_macs) < 5:
                watched.other_macs.add(mac)
            if mac is not None and watched.mac is not None:
                continue  # another device on a reused address
            # Its address without a MAC, or any frame on it when its MAC is unknown: flagged, never reopened.
            watched.address_frames += frames
            self._heard(watched, record.frame if first > watched.removed_at else record.last or record.frame, last)

    @staticmethod
    def _heard(watched: Watched, frame: FrameRef, last: dt.datetime) -> None:
        if watched.first_heard is None or (
            frame.time is not None
            and (watched.first_heard.time is None or _utc(frame.time) < _utc(watched.first_heard.time))
        ):
            watched.first_heard = frame
        if watched.last_heard is None or last > watched.last_heard:
            watched.last_heard = last

    def _capture_name(self, store: Store, scan_id: int) -> str:
        try:
            targets = [str(t) for t in store.scan(scan_id).targets or []]
        except CoveredError:  # a scan id the store does not know: name the files instead
            targets = []
        names = targets or self._files
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        return shown or f"scan {scan_id}"

    def save(self, store: Store, scan_id: int) -> None:
        """Attest silence or reopen findings for removed and replaced devices the capture's period covers."""
        if self._start is None or self._end is None or not self._watched:
            return
        capture = self._capture_name(store, scan_id)
        examined = dict(zip(self._removals, self._examined_after, strict=True))
        now = dt.datetime.now(dt.UTC)
        with store.session() as session, session.begin():
            for watched in self._watched:
                if self._end <= watched.removed_at:
                    continue  # the capture ends before the removal: it says nothing about after
                start = max(self._start, watched.removed_at)
                watched.examined = examined[watched.removed_at]
                verdict, statement = self._statement(watched, start, self._end, capture)
                session.add(
                    SilenceAttestationRow(
                        device_id=watched.device_id,
                        scan_id=scan_id,
                        capture=capture,
                        mac=watched.mac,
                        address=watched.address,
                        status=watched.status,
                        removed_at=watched.removed_at,
                        window_start=start,
                        window_end=self._end,
                        frames_examined=watched.examined,
                        device_frames=watched.frames if verdict != "heard-address" else watched.address_frames,
                        verdict=verdict,
                        first_heard=_ref(watched.first_heard) if watched.first_heard is not None else None,
                        statement=statement,
                        findings=list(watched.findings),
                        at=now,
                    )
                )
                for finding in session.scalars(select(FindingRow).where(FindingRow.id.in_(watched.findings))):
                    if finding.status not in _REMOVED:
                        continue
                    if verdict == "heard":
                        session.add(
                            AuditRow(
                                at=now,
                                actor=ACTOR,
                                action="reopen",
                                target=f"finding {finding.id}",
                                before=finding.status,
                                after="open",
                                reason=statement,
                            )
                        )
                        finding.status = "open"
                        finding.updated_at = now
                    else:
                        session.add(
                            AuditRow(
                                at=now,
                                actor=ACTOR,
                                action="attest-silence" if verdict == "silent" else "heard-after-removal",
                                target=f"finding {finding.id}",
                                before=finding.status,
                                after=finding.status,
                                reason=statement,
                            )
                        )

    def _statement(self, watched: Watched, start: dt.datetime, end: dt.datetime, capture: str) -> tuple[str, str]:
        who = watched.mac or watched.address or watched.key
        if watched.mac is not None and watched.address is not None:
            who = f"{watched.mac} ({watched.address})"
        window = f"between {_shown(start)} and {_shown(end)} in capture {capture}"
        removed = f"{watched.status} at {_shown(watched.removed_at)}"
        others = (
            f"; its address carried other MACs ({', '.join(sorted(watched.other_macs))})" if watched.other_macs else ""
        )
        untimed = f"; {self._untimed} frames without a time were not placed" if self._untimed else ""
        if watched.frames:
            first = _ref(watched.first_heard) if watched.first_heard is not None else "unknown frame"
            return (
                "heard",
                f"{watched.frames} frames from {who} {window} after it was {removed}; first at {first}; "
                f"{watched.examined} frames examined{others}",
            )
        if watched.address_frames:
            first = _ref(watched.first_heard) if watched.first_heard is not None else "unknown frame"
            shown = f"no frame from {watched.mac} but " if watched.mac else "its MAC unknown, "
            return (
                "heard-address",
                f"{shown}{watched.address_frames} frames from its address {watched.address} {window} after it was "
                f"{removed}; first at {first}; the address may have been reassigned, so the findings are flagged, "
                f"not reopened; {watched.examined} frames examined{others}{untimed}",
            )
        return (
            "silent",
            f"no traffic from {who} {window} (it was {removed}), {watched.examined} frames examined{others}{untimed}",
        )

    def summary(self) -> dict[str, int]:
        """Counts for the command's summary line."""
        return {
            "frames examined": self._frames,
            "removed devices watched": len(self._watched),
            "removed devices heard": sum(1 for w in self._watched if w.frames),
        }


def _load_watched(store: Store) -> list[Watched]:
    """Devices with findings marked removed or replaced, each with the time of its last such remediation."""
    with store.session() as session:
        rows = session.execute(
            select(
                FindingRow.id,
                FindingRow.status,
                FindingRow.updated_at,
                DeviceRow.id,
                DeviceRow.key,
                DeviceRow.mac,
                DeviceRow.address,
            )
            .join(DeviceRow, DeviceRow.id == FindingRow.device_id)
            .where(FindingRow.status.in_(_REMOVED))
            .order_by(DeviceRow.id, FindingRow.id)
            .limit(MAX_WATCHED * 4)
        ).all()
        devices: dict[int, Watched] = {}
        for finding_id, status, updated, device_id, key, mac, address in rows:
            removed = _removal_time(session, finding_id, status) or _utc(updated)
            known = devices.get(device_id)
            if known is None:
                if len(devices) >= MAX_WATCHED:
                    continue
                devices[device_id] = Watched(device_id, key, mac, address, status, removed, [finding_id])
            else:
                known.findings.append(finding_id)
                if removed > known.removed_at:  # the latest removal of its findings: traffic after it all counts
                    known.removed_at, known.status = removed, status
        return list(devices.values())


def _removal_time(session: Session, finding_id: int, status: str) -> dt.datetime | None:
    at = session.scalars(
        select(AuditRow.at)
        .where(
            AuditRow.action == "remediate",
            AuditRow.after == status,
            AuditRow.target.like(f"finding {finding_id} (%"),
        )
        .order_by(AuditRow.id.desc())
        .limit(1)
    ).first()
    return _utc(at) if at is not None else None
