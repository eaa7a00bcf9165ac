"""A real store on both backends (SQLite file, PostgreSQL from scripts/postgres.sh) for the egress tests."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from covered.store import Store, open_store

PG_URL = os.environ.get("COVERED_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store, migrated to the newest schema."""
    if request.param == "sqlite":
        opened = open_store(tmp_path / "covered.db")
        yield opened
        opened.engine.dispose()
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
