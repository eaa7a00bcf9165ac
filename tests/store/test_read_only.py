"""A database file the user may read but not write: reading commands work, writing ones and old schemas say why."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from covered.store import open_store
from covered.store.db import MIGRATIONS


def _namespace_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = ["unshare", "-m", "true"]
    return subprocess.run(probe, capture_output=True, check=False, timeout=10).returncode == 0


pytestmark = pytest.mark.skipif(not _namespace_works(), reason="needs a private mount namespace (unshare -m)")


def _run_on_read_only(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run covered with the database file bind-mounted read-only (refused even to root); its folder stays writable."""
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(database), sys.executable, "-m", "covered", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _rollback_journal(database: Path) -> None:
    # A copied or vacuumed database is often in rollback-journal mode: turning on WAL would write its header.
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")


def test_reading_commands_read_a_read_only_database(tmp_path: Path) -> None:
    database = tmp_path / "covered.db"
    store = open_store(database)
    scan_id = store.create_scan(["127.0.0.1"], ["127.0.0.1"], {})
    store.set_status(scan_id, "complete")
    store.engine.dispose()
    _rollback_journal(database)
    for args in (["devices"], ["findings"], ["audit"], ["diff", str(scan_id), str(scan_id)]):
        result = _run_on_read_only(database, *args, "--db", str(database))
        assert result.returncode == 0, (args, result.stderr)
    report = tmp_path / "report.html"
    result = _run_on_read_only(database, "report", "--db", str(database), "-o", str(report))
    assert result.returncode == 0, result.stderr
    assert report.stat().st_size > 0
    inventory = tmp_path / "assets.csv"
    inventory.write_text("ip,mac,vendor\n10.0.0.5,00:11:22:33:44:55,Hikvision\n", encoding="utf-8")
    result = _run_on_read_only(database, "import", str(inventory), "--save", "--db", str(database))
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[-1] == "covered: --db: the database is read-only and this command writes to it"


def test_a_read_only_database_of_an_older_schema_says_so(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{database}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    _rollback_journal(database)
    result = _run_on_read_only(database, "devices", "--db", str(database))
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("covered:")]
    assert len(lines) == 1, result.stderr
    assert "is read-only and its schema (0001) is older than" in lines[0]
