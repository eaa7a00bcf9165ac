"""Database tables (SQLAlchemy 2): scans, their hosts, observations as they arrive, and per-device results.

SQLite by default (one file, WAL journal) and PostgreSQL by URL. Every host is written in one
transaction (its observations, its result and its 'done' mark together), so a scan killed at any
moment keeps exactly the hosts it reported as stored, and ``--resume`` picks up the rest.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates

__all__ = [
    "ApiTokenRow",
    "AuditRow",
    "Base",
    "DeviceResultRow",
    "DeviceRow",
    "FindingRow",
    "IngestCandidateRow",
    "IngestSourceRow",
    "ObservationRow",
    "ScanChunkRow",
    "ScanHostRow",
    "ScanRow",
    "SightingRow",
    "SignInFailureRow",
    "SilenceAttestationRow",
    "SiteRow",
    "SiteScheduleRow",
    "SiteWorkerRow",
    "UserRow",
    "WebSessionRow",
    "address_key",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def address_key(address: str | None) -> str | None:
    """A key that sorts addresses numerically as text in any database and collation: IPv4 ('4' + 8 hex digits),
    then IPv6 ('6' + 32 hex digits), then anything that is not an address ('9' + the text)."""
    if address is None:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "9" + address[:63]
    return f"{parsed.version}{int(parsed):0{parsed.max_prefixlen // 4}x}"


class Base(DeclarativeBase):
    """Declarative base of covered's tables."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class ScanRow(Base):
    """One run of `covered scan` (or one import)."""

    __tablename__ = "scan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="scan")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="running")
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hosts_total: Mapped[int] = mapped_column(Integer, default=0)


class ScanHostRow(Base):
    """A target address of a scan and whether it has been probed."""

    __tablename__ = "scan_host"
    __table_args__ = (UniqueConstraint("scan_id", "address"), Index("ix_scan_host_state", "scan_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ObservationRow(Base):
    """One thing a device said, stored as it arrived."""

    __tablename__ = "observation"
    __table_args__ = (Index("ix_observation_scan_device", "scan_id", "device_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id", ondelete="CASCADE"))
    device_key: Mapped[str] = mapped_column(String(256))
    channel: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(String(255))
    port: Mapped[int | None] = mapped_column(Integer)
    observed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    collector: Mapped[str | None] = mapped_column(String(255))


class DeviceResultRow(Base):
    """The attribution of one device in one scan, with its evidence chain as JSON."""

    __tablename__ = "device_result"
    __table_args__ = (UniqueConstraint("scan_id", "device_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id", ondelete="CASCADE"))
    device_key: Mapped[str] = mapped_column(String(256))
    address: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(17))
    vendor: Mapped[str | None] = mapped_column(String(64))
    brand: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(255))
    firmware: Mapped[str | None] = mapped_column(String(255))
    restricted: Mapped[bool | None] = mapped_column(Boolean)
    confidence: Mapped[str | None] = mapped_column(String(8))
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    attribution: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DeviceRow(Base):
    """A device tracked across scans and imports, merged by MAC, then serial, then address."""

    __tablename__ = "device"
    __table_args__ = (
        Index("ix_device_mac", "mac"),
        Index("ix_device_serial", "serial"),
        Index("ix_device_address", "address"),
        Index("ix_device_vendor_model", "vendor", "model"),
        Index("ix_device_site", "site"),
        Index("ix_device_address_key", "address_key"),
        Index("ix_device_asset_tag", "asset_tag"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(256), unique=True, insert_sentinel=True)
    mac: Mapped[str | None] = mapped_column(String(17))
    serial: Mapped[str | None] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(64))
    site: Mapped[str | None] = mapped_column(String(120))
    vendor: Mapped[str | None] = mapped_column(String(64))
    brand: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(255))
    firmware: Mapped[str | None] = mapped_column(String(255))
    restricted: Mapped[bool | None] = mapped_column(Boolean)
    confidence: Mapped[str | None] = mapped_column(String(8))
    attribution: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    gone_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    address_key: Mapped[str | None] = mapped_column(String(64))
    """Numeric sort key of ``address`` (see address_key), kept in step by the validator below."""
    asset_tag: Mapped[str | None] = mapped_column(String(255))
    """The organisation's own identities of the device (its inventory's asset tag, id, name, location, owner,
    cost centre and kept columns): set by imports, kept when a later scan merges without them."""
    asset_id: Mapped[str | None] = mapped_column(String(255))
    asset_name: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(255))
    owner: Mapped[str | None] = mapped_column(String(255))
    cost_centre: Mapped[str | None] = mapped_column(String(255))
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)

    @validates("address")
    def _keep_address_key(self, _name: str, value: str | None) -> str | None:
        self.address_key = address_key(value)
        return value


class SightingRow(Base):
    """A device seen in one scan or import, at an address."""

    __tablename__ = "sighting"
    __table_args__ = (UniqueConstraint("device_id", "scan_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id", ondelete="CASCADE"))
    address: Mapped[str | None] = mapped_column(String(64))
    vendor: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(255))
    firmware: Mapped[str | None] = mapped_column(String(255))
    restricted: Mapped[bool | None] = mapped_column(Boolean)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class FindingRow(Base):
    """A finding kept over time, with its remediation status."""

    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("device_id", "profile", "subject"),
        Index("ix_finding_due", "due", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"))
    profile: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(255))
    obligation: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    assessed_status: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[str] = mapped_column(String(8))
    due: Mapped[dt.date | None] = mapped_column(Date)
    citation: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    caveats: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    waiver: Mapped[str | None] = mapped_column(String(255))
    expires: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditRow(Base):
    """Who changed what, when and why (append-only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(255))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)


class UserRow(Base):
    """A person who may use the web dashboard, with a role (viewer, editor, admin) and an argon2 hash."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WebSessionRow(Base):
    """A signed-in browser: the SHA-256 of its cookie (never the cookie), its CSRF token and its expiry."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A bearer token for the JSON API: the SHA-256 of the token, its owner and a label."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SignInFailureRow(Base):
    """Failed web sign-ins for one account name from one source address, shared by every server worker:
    the count drives an exponential back-off that locks only that name from that address."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (UniqueConstraint("name", "source", name="uq_sign_in_failure_name_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SiteRow(Base):
    """A site of the distributed deployment: its networks (the scope its workers enforce) and its shared rates."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    networks: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate: Mapped[float] = mapped_column(Float, default=300.0)
    """Packets per second for the whole site, all its workers together."""
    host_rate: Mapped[float] = mapped_column(Float, default=20.0)
    workers: Mapped[int] = mapped_column(Integer, default=1)
    """Workers the site runs at once: the site's rates are shared out among them."""
    broker_user: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SiteWorkerRow(Base):
    """A site worker as the centre last heard of it (from the chunk results it sent)."""

    __tablename__ = "site_worker"
    __table_args__ = (UniqueConstraint("site", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(64))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    chunks: Mapped[int] = mapped_column(Integer, default=0)


class ScanChunkRow(Base):
    """A slice of a site scan's addresses, queued for the site's workers; merged once, however often it ran."""

    __tablename__ = "scan_chunk"
    __table_args__ = (UniqueConstraint("scan_id", "seq"), Index("ix_scan_chunk_site_state", "site", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scan.id", ondelete="CASCADE"))
    site: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    worker: Mapped[str | None] = mapped_column(String(255))
    results: Mapped[int] = mapped_column(Integer, default=0)
    """How many results of this chunk arrived (more than one when a worker died after scanning it)."""
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SiteScheduleRow(Base):
    """A recurring scan of a site (cron expression, UTC); a missed run happens once when the scheduler returns."""

    __tablename__ = "site_schedule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    cron: Mapped[str] = mapped_column(String(120))
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_run: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_scan_id: Mapped[int | None] = mapped_column(Integer)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class IngestSourceRow(Base):
    """An article ingested for review: its text (the quotes' ground truth), how it was read, and its segments."""

    __tablename__ = "ingest_source"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    language: Mapped[list[str]] = mapped_column(JSON, default=list)
    media_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    licence: Mapped[str | None] = mapped_column(String(255))
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    ingested_by: Mapped[str] = mapped_column(String(120))
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class IngestCandidateRow(Base):
    """A proposed event or fact: the machine's extraction, the reviewer's edits and the decision (zavod-style)."""

    __tablename__ = "ingest_candidate"
    __table_args__ = (Index("ix_ingest_candidate_source_state", "source_id", "state"),)

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("ingest_source.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The candidate as the machine extracted it (never changed by review)."""
    edited: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The reviewer's corrected fields, applied over ``proposed``; absent when unedited."""
    state: Mapped[str] = mapped_column(String(16), default="pending")
    """pending, accepted, rejected or merged (accepted as a corroboration of an existing record)."""
    record_id: Mapped[str | None] = mapped_column(String(120))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SilenceAttestationRow(Base):
    """What one capture showed of a removed or replaced device after its removal: silence over a window, or its
    frames (the findings are reopened or flagged). Kept for the evidence pack; the findings' history cites it."""

    __tablename__ = "silence_attestation"
    __table_args__ = (Index("ix_silence_attestation_device", "device_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id", ondelete="SET NULL"))
    capture: Mapped[str] = mapped_column(Text)
    """The capture files or logs examined, as the user named them."""
    mac: Mapped[str | None] = mapped_column(String(17))
    address: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    """removed or replaced: the findings' status the removal time comes from."""
    removed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    window_start: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    frames_examined: Mapped[int] = mapped_column(BigInteger)
    """Frames of the capture inside the window (from every device)."""
    device_frames: Mapped[int] = mapped_column(BigInteger)
    """Frames inside the window from the device's MAC (or, when it has none known, its address)."""
    verdict: Mapped[str] = mapped_column(String(16))
    """silent, heard (by its MAC: findings reopened) or heard-address (its address only: flagged for review)."""
    first_heard: Mapped[str | None] = mapped_column(Text)
    """The first frame heard after removal (file #frame at time), for an auditor to open."""
    statement: Mapped[str] = mapped_column(Text)
    findings: Mapped[list[int]] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
