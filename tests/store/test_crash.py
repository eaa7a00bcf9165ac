"""A stored import killed with SIGKILL keeps every device it committed and leaves a consistent database."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def test_killed_import_keeps_committed_devices(tmp_path: Path) -> None:
    assets = tmp_path / "assets.csv"
    rows = ["mac,brand,model"] + [
        f"44:19:B6:{n >> 16 & 255:02X}:{n >> 8 & 255:02X}:{n & 255:02X},HiLook,IPC-B140H" for n in range(20_000)
    ]
    assets.write_text("\n".join(rows) + "\n")
    database = tmp_path / "crash.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "covered", "import", str(assets), "--save", "--db", str(database), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stored = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and stored < 200:
            time.sleep(0.2)
            if database.exists():
                try:
                    with sqlite3.connect(database) as connection:
                        stored = connection.execute("SELECT count(*) FROM device_result").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0
        assert stored >= 200, "the import did not start storing in time"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        results = connection.execute("SELECT count(*) FROM device_result").fetchone()[0]
        done = connection.execute("SELECT count(*) FROM scan_host WHERE state = 'done'").fetchone()[0]
        observations = connection.execute("SELECT count(DISTINCT device_key) FROM observation").fetchone()[0]
    assert results >= stored  # nothing reported as stored was lost
    assert results == done == observations  # each device's rows were committed together
    assert results < 20_000  # it really was interrupted
