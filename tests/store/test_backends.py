"""The store on both backends: SQLite (a file) and a real PostgreSQL server (started by scripts/postgres.sh)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from covered.model import Attribution, Channel, Confidence, Observation
from covered.store import HostRecord, Store, open_store
from covered.store.tracking import diff_scans, merge_scan

PG_URL = os.environ.get("COVERED_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        yield open_store(tmp_path / "covered.db")
        return
    if PG_URL is None:
        if os.environ.get("CI"):
            pytest.fail("COVERED_TEST_PG_URL is not set: scripts/test.sh starts PostgreSQL for CI")
        pytest.skip("no PostgreSQL (run scripts/postgres.sh and set COVERED_TEST_PG_URL)")
    name = f"covered_test_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    opened = open_store(PG_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield opened
    finally:
        opened.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _record(address: str, vendor: str | None, model: str, mac: str | None) -> HostRecord:
    attribution = Attribution(
        device=address,
        vendor=vendor,
        model=model,
        restricted=vendor == "hikvision",
        confidence=Confidence.HIGH if vendor else None,
        explanation="test",
    )
    observation = Observation(device=address, channel=Channel.HTTP, field="server", value="x <script>", target=address)
    return HostRecord(
        address=address, observations=[observation], services=["tcp/80"], attribution=attribution, mac=mac
    )


def test_scan_lifecycle_merge_and_diff(store: Store) -> None:
    first = store.create_scan(["10.0.0.0/30"], ["10.0.0.1", "10.0.0.2"], {"rate": 300})
    assert store.pending(first) == ["10.0.0.1", "10.0.0.2"]
    store.record_host(first, _record("10.0.0.1", "hikvision", "DS-2CD2142FWD-I", "44:19:B6:00:00:01"))
    store.record_host(first, _record("10.0.0.2", "axis", "P3245", None))
    assert store.pending(first) == []
    assert merge_scan(store, first) == (2, 0, 0)
    second = store.create_scan(["10.0.0.0/30"], ["10.0.0.1", "10.0.0.2"], {"rate": 300})
    # The camera moved address and got new firmware; the Axis unit is gone.
    store.record_host(second, _record("10.0.0.1", None, "", None))
    moved = _record("10.0.0.9", "hikvision", "DS-2CD2142FWD-I", "44:19:B6:00:00:01")
    store.record_host(
        second, HostRecord(moved.address, moved.observations, moved.services, moved.attribution, moved.mac)
    )
    new, updated, gone = merge_scan(store, second)
    assert (new, updated, gone) == (1, 1, 1)  # the answerless host at 10.0.0.1 is a new, unattributed device
    result = diff_scans(store, first, second)
    assert [r["model"] for r in result.gone] == ["P3245"]
    assert result.changed[0]["fields"] == ["address"]
    rows = store.observations(first, "10.0.0.1")
    assert rows[0].value == "x <script>"  # stored verbatim; escaping happens at display


def test_migrations_build_exactly_the_models_schema(store: Store) -> None:
    """Alembic's autogenerate finds nothing to add or drop: the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from covered.store.schema import Base

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
