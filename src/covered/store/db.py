"""The store: open a database by path or URL, and record scans host by host."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

from alembic.util.exc import CommandError
from sqlalchemy import Engine, Table, bindparam, create_engine, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from covered.errors import UsageError
from covered.model import Attribution, Channel, Observation
from covered.store.schema import DeviceResultRow, ObservationRow, ScanHostRow, ScanRow

__all__ = ["HostRecord", "Store", "database_url", "open_store"]

DEFAULT_DB = "covered.db"
"""SQLite file used when neither --db nor COVERED_DB is given (in the current directory)."""


def database_url(value: str | Path | None) -> str:
    """A SQLAlchemy URL from a path ('covered.db') or a URL ('postgresql+psycopg://...')."""
    text = str(value or DEFAULT_DB)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError as exc:
            raise UsageError("--db", f"not a database URL: {exc}") from None
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL keeps readers and the writer apart; a killed process loses nothing committed.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@dataclass(frozen=True, slots=True)
class HostRecord:
    """What one probed host produced: its observations, services, attribution, or an error."""

    address: str
    observations: Sequence[Observation]
    services: Sequence[str]
    attribution: Attribution | None
    mac: str | None = None
    error: str | None = None


class Store:
    """Scans, hosts, observations and results in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new ORM session."""
        return self._sessions()

    # --- scans -------------------------------------------------------------------------------
    def create_scan(
        self, targets: Sequence[str], addresses: Iterable[str], parameters: dict[str, Any], kind: str = "scan"
    ) -> int:
        """Record a new scan (or import) and its pending hosts; returns its id."""
        addresses = list(dict.fromkeys(addresses))
        with self.session() as session, session.begin():
            scan = ScanRow(kind=kind, targets=list(targets), parameters=parameters, hosts_total=len(addresses))
            session.add(scan)
            session.flush()
            session.execute(
                insert(ScanHostRow),
                [{"scan_id": scan.id, "address": a, "state": "pending"} for a in addresses],
            )
            return scan.id

    def scan(self, scan_id: int, option: str = "--scan-id") -> ScanRow:
        """One scan; UsageError naming the option that gave the id when it does not exist."""
        with self.session() as session:
            row = session.get(ScanRow, scan_id)
        if row is None:
            raise UsageError(option, f"no scan with id {scan_id}")
        return row

    def latest_unfinished(self) -> ScanRow | None:
        """The newest scan that did not complete (for `--resume` without an id)."""
        with self.session() as session:
            return session.scalars(
                select(ScanRow).where(ScanRow.status != "complete").order_by(ScanRow.id.desc()).limit(1)
            ).first()

    def pending(self, scan_id: int) -> list[str]:
        """Addresses of the scan not yet probed, in insertion order."""
        with self.session() as session:
            return list(
                session.scalars(
                    select(ScanHostRow.address)
                    .where(ScanHostRow.scan_id == scan_id, ScanHostRow.state == "pending")
                    .order_by(ScanHostRow.id)
                )
            )

    def progress(self, scan_id: int) -> tuple[int, int]:
        """(hosts done, hosts total)."""
        with self.session() as session:
            done = (
                session.scalar(
                    select(func.count())
                    .select_from(ScanHostRow)
                    .where(ScanHostRow.scan_id == scan_id, ScanHostRow.state != "pending")
                )
                or 0
            )
            total = (
                session.scalar(select(func.count()).select_from(ScanHostRow).where(ScanHostRow.scan_id == scan_id)) or 0
            )
        return done, total

    def set_status(self, scan_id: int, status: str) -> None:
        """Mark a scan running, interrupted, complete or failed."""
        finished = dt.datetime.now(dt.UTC) if status in {"complete", "failed", "interrupted"} else None
        with self.session() as session, session.begin():
            session.execute(update(ScanRow).where(ScanRow.id == scan_id).values(status=status, finished_at=finished))

    # --- hosts ---------------------------------------------------------------------------------
    def record_host(self, scan_id: int, record: HostRecord) -> None:
        """Store a host's observations and result and mark it done, all in one transaction."""
        now = dt.datetime.now(dt.UTC)
        with self.session() as session, session.begin():
            if record.observations:
                session.execute(
                    insert(ObservationRow),
                    [
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
                        for o in record.observations
                    ],
                )
            if record.observations or record.error:
                attribution = record.attribution
                session.add(
                    DeviceResultRow(
                        scan_id=scan_id,
                        device_key=record.address,
                        address=record.address,
                        mac=record.mac,
                        vendor=attribution.vendor if attribution else None,
                        brand=attribution.brand if attribution else None,
                        model=attribution.model if attribution else None,
                        firmware=attribution.firmware if attribution else None,
                        restricted=attribution.restricted if attribution else None,
                        confidence=attribution.confidence.value if attribution and attribution.confidence else None,
                        services=list(record.services),
                        error=record.error,
                        attribution=attribution.model_dump(mode="json") if attribution else {},
                    )
                )
            session.execute(
                update(ScanHostRow)
                .where(ScanHostRow.scan_id == scan_id, ScanHostRow.address == record.address)
                .values(
                    state="error" if record.error and not record.observations else "done",
                    error=record.error,
                    finished_at=now,
                )
            )

    def record_hosts(self, scan_id: int, records: Sequence[HostRecord]) -> None:
        """Store many hosts as `record_host` does, in one transaction and a few batched statements.

        For imports: 300,000 rows as one transaction each took minutes of commits; a batch of a few thousand is
        still all or nothing, so a killed import keeps exactly the batches it reported as stored.
        """
        if not records:
            return
        now = dt.datetime.now(dt.UTC)
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
            for record in records
            for o in record.observations
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
        hosts = cast(Table, ScanHostRow.__table__)  # the table, so the update runs per row (executemany)
        marks = [
            {
                "host": record.address,
                "state": "error" if record.error and not record.observations else "done",
                "why": record.error,
            }
            for record in records
        ]
        with self.session() as session, session.begin():
            # NULLs are written as NULLs (not left out), so rows of every shape go in one batched statement.
            if observations:
                session.execute(insert(ObservationRow).execution_options(render_nulls=True), observations)
            if results:
                session.execute(insert(DeviceResultRow).execution_options(render_nulls=True), results)
            session.execute(
                update(hosts)
                .where(hosts.c.scan_id == scan_id, hosts.c.address == bindparam("host"))
                .values(state=bindparam("state"), error=bindparam("why"), finished_at=now),
                marks,
            )

    def results(self, scan_id: int) -> list[DeviceResultRow]:
        """Every device result of a scan, in address order of storage."""
        with self.session() as session:
            return list(
                session.scalars(
                    select(DeviceResultRow).where(DeviceResultRow.scan_id == scan_id).order_by(DeviceResultRow.id)
                )
            )

    def observations_by_device(self, scan_id: int) -> dict[str, list[Observation]]:
        """A scan's stored observations as records, per device."""
        out: dict[str, list[Observation]] = {}
        for row in self.observations(scan_id):
            out.setdefault(row.device_key, []).append(
                Observation.model_construct(
                    device=row.device_key,
                    channel=Channel(row.channel),
                    field=row.field,
                    value=row.value,
                    target=row.target,
                    port=row.port,
                    time=row.observed_at,
                    collector=row.collector,
                )
            )
        return out

    def observations(self, scan_id: int, device_key: str | None = None) -> list[ObservationRow]:
        """Raw observations of a scan (optionally of one device)."""
        query = select(ObservationRow).where(ObservationRow.scan_id == scan_id)
        if device_key is not None:
            query = query.where(ObservationRow.device_key == device_key)
        with self.session() as session:
            return list(session.scalars(query.order_by(ObservationRow.id)))


def open_store(value: str | Path | None = None) -> Store:
    """Open (creating if needed) the database at a path or URL."""
    url = database_url(value)
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as exc:
        raise UsageError("--db", f"cannot open {url}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    where = engine.url.database if engine.dialect.name == "sqlite" and engine.url.database else url
    try:
        migrate(engine)
    except OperationalError as exc:
        if engine.dialect.name == "sqlite" and engine.url.database and "readonly" in str(exc.orig):
            # A file the user may read but not write: reading commands still work on it.
            engine.dispose()
            return Store(_read_only_engine(Path(engine.url.database)))
        raise UsageError("--db", f"cannot open {where}: {exc.orig}") from None
    except DatabaseError as exc:
        # sqlite3 says "file is not a database" or "database disk image is malformed": not covered's, or damaged.
        raise UsageError("--db", f"{where} is not a readable covered database ({exc.orig})") from None
    except CommandError as exc:
        raise UsageError(
            "--db", f"{where} has a schema this version of covered does not know ({exc}); upgrade covered"
        ) from None
    return Store(engine)


MIGRATIONS = Path(__file__).parent / "migrations"


def _read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # No journal_mode here: changing it writes the file header, which a read-only file refuses.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _read_only_engine(path: Path) -> Engine:
    """An engine reading a SQLite file the user cannot write (mode=ro URI); refuses one that needs migrating."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    # https://www.sqlite.org/uri.html: 'mode=ro' opens the file read-only; the path is percent-encoded.
    engine = create_engine(f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true")
    event.listen(engine, "connect", _read_only_pragmas)
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except DatabaseError as exc:
        raise UsageError("--db", f"{path} is read-only and cannot be read ({exc.orig})") from None
    if current != head:
        engine.dispose()
        raise UsageError(
            "--db",
            f"{path} is read-only and its schema ({current or 'none'}) is older than this covered's ({head}): "
            "open it once with write access to upgrade it",
        )
    return engine


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema with Alembic (creating it when empty)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
