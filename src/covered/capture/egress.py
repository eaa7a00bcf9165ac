"""Egress to vendor clouds and P2P endpoints seen in traffic, stored as exposure findings.

A DNS query, TLS SNI or HTTP Host naming an endpoint of ``cloud_endpoints.yml`` (whole host names; ``*`` as
there), and a connection to an address a DNS answer in the same capture gave for such a name, count toward
that device's contact with the endpoint: first and last seen, frames and bytes, and the first frame. ``save``
writes one egress observation per device, endpoint and kind into the scan (so `covered assess` sees them with
the rest) and keeps one exposure finding per device and vendor under the profile ``capture``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from covered.capture.records import Egress, FrameRef, TrafficRecord
from covered.model import CloudEndpoint, Confidence, Finding, FindingStatus, Obligation
from covered.registry import Registry
from covered.store.db import Store
from covered.store.schema import DeviceRow, ObservationRow, SightingRow

__all__ = ["EXPOSURE_PROFILE", "Contact", "EgressSink"]

EXPOSURE_PROFILE = "capture"
"""Profile under which exposure findings from traffic are kept (they hold whatever rules bind the owner)."""
MAX_ANSWERS = 100_000
"""Addresses remembered from DNS answers naming an endpoint (bounded memory on a huge capture)."""
MAX_PENDING = 200_000
"""Distinct (device, remote address) connections kept until the capture's DNS answers are known."""


@dataclass
class Contact:
    """A device's traffic to one endpoint: how it named or reached it, when, and how much."""

    endpoint: CloudEndpoint
    mac: str | None
    address: str | None
    kinds: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    frames: int = 0
    bytes: int = 0
    first_frame: FrameRef | None = None
    ports: set[int] = field(default_factory=set)
    first_by_kind: dict[str, FrameRef] = field(default_factory=dict)
    """The earliest frame of each kind (DNS, SNI, HTTP Host, connection), for the observation of that kind."""

    def absorb(self, other: Contact) -> None:
        """Fold another contact with the same endpoint (the same device seen without its MAC) into this one."""
        self.kinds |= other.kinds
        for kind, frame in other.first_by_kind.items():
            if kind not in self.first_by_kind or _earlier(frame, self.first_by_kind[kind]):
                self.first_by_kind[kind] = frame
        self.names |= set(sorted(other.names)[: max(0, 20 - len(self.names))])
        self.ports |= set(sorted(other.ports)[: max(0, 20 - len(self.ports))])
        self.frames += other.frames
        self.bytes += other.bytes
        self.address = self.address or other.address
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first, self.first_frame = other.first, other.first_frame
        elif self.first_frame is None:
            self.first_frame = other.first_frame
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last

    def add(self, record: Egress, name: str) -> None:
        """Count one record toward the contact."""
        self.kinds.add(record.kind)
        known = self.first_by_kind.get(record.kind)
        if known is None or _earlier(record.frame, known):
            self.first_by_kind[record.kind] = record.frame
        if len(self.names) < 20:
            self.names.add(name)
        if record.port is not None and record.kind == "conn" and len(self.ports) < 20:
            self.ports.add(record.port)
        self.frames += max(record.frames, 1)
        self.bytes += max(record.size, 0)
        self.mac = self.mac or record.mac
        self.address = self.address or record.address
        when = record.frame.time
        if self.first_frame is None:
            self.first_frame = record.frame
        if when is not None:
            if self.first is None or when < self.first:
                self.first, self.first_frame = when, record.frame
            if self.last is None or when > self.last:
                self.last = when


class _Endpoints:
    """Whole-name lookup of the registry's endpoints: exact names by dictionary, '*' patterns by one regex each."""

    def __init__(self, endpoints: list[CloudEndpoint]) -> None:
        self.exact: dict[str, CloudEndpoint] = {}
        self.patterns: list[tuple[re.Pattern[str], CloudEndpoint]] = []
        for endpoint in endpoints:
            host = endpoint.host.lower().rstrip(".")
            if "*" in host:
                self.patterns.append((re.compile(endpoint.host_pattern(), re.IGNORECASE), endpoint))
            else:
                self.exact.setdefault(host, endpoint)  # one entry per host: its first (the file lists ports apart)

    def match(self, name: str) -> CloudEndpoint | None:
        host = name.lower().rstrip(".")[:255]
        found = self.exact.get(host)
        if found is not None:
            return found
        return next((endpoint for pattern, endpoint in self.patterns if pattern.fullmatch(host)), None)


def _key(mac: str | None, address: str | None) -> str:
    return mac or address or "?"


class EgressSink:
    """Collects Egress records that reach a listed endpoint; ``save`` stores them as exposure findings."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._endpoints = _Endpoints(registry.cloud_endpoints)
        self._contacts: dict[tuple[str, str], Contact] = {}
        self._answers: dict[str, tuple[CloudEndpoint, str]] = {}
        self._pending: dict[tuple[str, str], list[Egress]] = {}
        self._seen = 0
        self._dropped = 0

    def add(self, record: TrafficRecord) -> None:
        """Take one record; anything but an Egress is ignored."""
        if not isinstance(record, Egress):
            return
        self._seen += 1
        if record.name is not None:
            endpoint = self._endpoints.match(record.name)
            if endpoint is None:
                return
            self._contact(record, endpoint, record.name)
            for answer in record.answers:
                if len(self._answers) < MAX_ANSWERS:
                    self._answers[answer] = (endpoint, record.name)
            return
        if record.kind == "conn" and record.remote is not None:
            known = self._answers.get(record.remote)
            if known is not None:
                self._contact(record, known[0], known[1])
                return
            # The answer may come later in the capture (files read out of order): keep a bounded sum per pair.
            pair = (_key(record.mac, record.address), record.remote)
            kept = self._pending.get(pair)
            if kept is None:
                if len(self._pending) >= MAX_PENDING:
                    self._dropped += 1
                    return
                self._pending[pair] = [record]
            elif len(kept) < 2:
                kept.append(record)
            else:  # keep the first record and one running sum: memory per pair stays constant
                total = kept[1]
                kept[1] = Egress(
                    "conn",
                    total.mac or record.mac,
                    total.address or record.address,
                    None,
                    total.remote,
                    total.port,
                    total.size + record.size,
                    max(total.frame, record.frame, key=lambda f: (f.time is not None, f.time or dt.datetime.min)),
                    total.frames + record.frames,
                )

    def _contact(self, record: Egress, endpoint: CloudEndpoint, name: str) -> None:
        key = (_key(record.mac, record.address), endpoint.host)
        contact = self._contacts.get(key)
        if contact is None:
            contact = self._contacts[key] = Contact(endpoint, record.mac, record.address)
        contact.add(record, name)

    def contacts(self) -> list[Contact]:
        """Every device-endpoint contact seen, connections resolved through the capture's DNS answers."""
        for (_device, remote), records in list(self._pending.items()):
            known = self._answers.get(remote)
            if known is not None:
                for record in records:
                    self._contact(record, known[0], known[1])
                del self._pending[(_device, remote)]
        self._merge_by_address()
        return sorted(self._contacts.values(), key=lambda c: (_key(c.mac, c.address), c.endpoint.host))

    def _merge_by_address(self) -> None:
        """A contact known only by address joins the contact of the MAC that address had in the capture.

        DNS and SSL logs carry no MAC while conn.log (mac-logging) does: one device, one contact. An address
        seen with two MACs is ambiguous and left apart.
        """
        macs: dict[str, set[str]] = {}
        for contact in self._contacts.values():
            if contact.mac is not None and contact.address is not None:
                macs.setdefault(contact.address, set()).add(contact.mac)
        for key, contact in list(self._contacts.items()):
            if contact.mac is not None or contact.address is None or len(macs.get(contact.address, ())) != 1:
                continue
            mac = next(iter(macs[contact.address]))
            target = self._contacts.get((mac, contact.endpoint.host))
            if target is None:
                target = self._contacts[(mac, contact.endpoint.host)] = Contact(contact.endpoint, mac, contact.address)
            target.absorb(contact)
            del self._contacts[key]

    def save(self, store: Store, scan_id: int) -> None:
        """Write egress observations into scan ``scan_id`` and keep exposure findings for the devices."""
        from covered.store.tracking import save_findings

        contacts = self.contacts()
        if not contacts:
            return
        keys: dict[str, str] = {}
        with store.session() as session, session.begin():
            for contact in contacts:
                device = _tracked(session, contact, scan_id)
                keys[_key(contact.mac, contact.address)] = device.key
                for kind in sorted(contact.kinds):
                    frame = contact.first_by_kind.get(kind, contact.first_frame)
                    session.add(
                        ObservationRow(
                            scan_id=scan_id,
                            device_key=device.key,
                            channel="egress",
                            field=kind,
                            value=sorted(contact.names)[0],
                            target=contact.address,
                            port=min(contact.ports) if kind == "conn" and contact.ports else None,
                            observed_at=frame.time if frame is not None and frame.time else contact.first,
                            collector=f"capture:{frame.file}:{frame.frame}" if frame else "capture",
                        )
                    )
        findings = [(keys[key], finding) for key, finding in self._findings(contacts, keys)]
        save_findings(store, EXPOSURE_PROFILE, findings, "covered capture")

    def _findings(self, contacts: list[Contact], keys: dict[str, str]) -> list[tuple[str, Finding]]:
        today = dt.datetime.now(dt.UTC).date()
        by_vendor: dict[tuple[str, str], list[Contact]] = {}
        for contact in contacts:
            by_vendor.setdefault((_key(contact.mac, contact.address), contact.endpoint.vendor), []).append(contact)
        found = []
        for (key, vendor), group in sorted(by_vendor.items()):
            notes = sorted(
                {
                    f"{c.endpoint.host}: source confidence {c.endpoint.confidence.value}"
                    + (" (unconfirmed: the source is unresolved or doubts it)" if c.endpoint.unconfirmed else "")
                    for c in group
                }
            )
            device = keys[key]
            maker = self._registry.vendors[vendor].name if vendor in self._registry.vendors else vendor
            parts = [describe(c) for c in group]
            # The best-established endpoint reached sets the confidence; one only unconfirmed endpoints can't lift.
            settled = [c.endpoint.confidence for c in group if not c.endpoint.unconfirmed]
            best = max(settled, key=_rank) if settled else Confidence.LOW
            found.append(
                (
                    key,
                    Finding(
                        id=f"{device}|exposure:{vendor}-cloud",
                        device=device,
                        rule=f"exposure:{vendor}-cloud",
                        obligation=Obligation.REVIEW,
                        citation="vendor cloud/P2P endpoints of "
                        + ", ".join(sorted({c.endpoint.source for c in group})),
                        due=today,
                        confidence=Confidence.LOW if best is Confidence.LOW else Confidence.MEDIUM,
                        status=FindingStatus.REVIEW,
                        explanation=f"Seen in traffic: {device} reached {maker} cloud/P2P endpoints; data may leave "
                        f"the network. " + " ".join(parts),
                        caveats=[
                            "seen in traffic the device sent (DNS, TLS SNI, HTTP Host or connections), not in its "
                            "answers; a phone app or NVR on the same address would look the same",
                            *notes,
                        ],
                    ),
                )
            )
        return found

    def summary(self) -> dict[str, int]:
        """Counts for the command's summary line."""
        contacts = self.contacts()
        return {
            "egress records": self._seen,
            "devices reaching vendor clouds": len({_key(c.mac, c.address) for c in contacts}),
            "vendor cloud contacts": len(contacts),
            "connections not resolved (limit)": self._dropped,
        }


def _earlier(frame: FrameRef, than: FrameRef) -> bool:
    """True when ``frame`` has a time before ``than``'s (a timed frame beats an untimed one)."""
    if frame.time is None:
        return False
    return than.time is None or frame.time < than.time


def _rank(confidence: Confidence) -> int:
    return {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}.get(confidence, 0)


def _shown(when: dt.datetime | None) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ") if when is not None else "unknown time"


def describe(contact: Contact) -> str:
    """One sentence: endpoint, how it was reached, first and last seen, volume and the first frame."""
    frame = contact.first_frame
    where = f" (first at {frame.file} #{frame.frame})" if frame is not None else ""
    names = ", ".join(sorted(contact.names))
    return (
        f"{contact.endpoint.host} [{contact.endpoint.purpose}] by {', '.join(sorted(contact.kinds))} "
        f"naming {names}: first seen {_shown(contact.first)}, last seen {_shown(contact.last)}, "
        f"{contact.frames} frames, {contact.bytes} bytes{where}."
    )


def _tracked(session: Session, contact: Contact, scan_id: int) -> DeviceRow:
    """The tracked device of a contact (by MAC, then address); one is made, sighted in the scan, if none is."""
    device = None
    if contact.mac is not None:
        device = session.scalars(select(DeviceRow).where(DeviceRow.mac == contact.mac)).first()
    if device is None and contact.address is not None:
        device = session.scalars(
            select(DeviceRow).where(DeviceRow.address == contact.address).order_by(DeviceRow.last_seen.desc())
        ).first()
    if device is None:
        # Silent otherwise, the device is still a device: kept, so its exposure has somewhere to live.
        now = dt.datetime.now(dt.UTC)
        device = DeviceRow(
            key=_key(contact.mac, contact.address), mac=contact.mac, address=contact.address, first_seen=now
        )
        device.last_seen = now
        session.add(device)
        session.flush()
    merged = session.scalars(select(SightingRow.id).where(SightingRow.scan_id == scan_id).limit(1)).first()
    sighted = session.scalars(
        select(SightingRow.id).where(SightingRow.device_id == device.id, SightingRow.scan_id == scan_id)
    ).first()
    # Only a scan already merged gets the sighting here: a sighting in an unmerged scan would stop its merge.
    if merged is not None and sighted is None:
        session.add(SightingRow(device_id=device.id, scan_id=scan_id, address=contact.address))
        session.flush()
    return device
