"""Bad input as users give it: every case ends in one `covered:` line and exit 2, never a traceback."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from covered.registry.loader import default_data_dir
from tests.test_cli import run

Case = Callable[[Path], list[str]]


def _file(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    return make


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _manifest_of_wrong_shape(folder: Path) -> Path:
    path = folder / "pack.zip"
    with zipfile.ZipFile(path, "w") as pack:
        pack.writestr("manifest.json", json.dumps(["not", "an", "object"]))
    return path


_HELD: list[socket.socket] = []
"""Sockets a case holds open while its command runs (a busy address the simulator must report)."""


def _busy(address: str, port: int) -> str:
    """Take a loopback TCP port so a process started next finds it in use; returns the address."""
    blocker = socket.socket()
    blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    blocker.bind((address, port))
    blocker.listen(1)
    _HELD.append(blocker)
    return address


def _profile(jurisdiction: str = "US", network: str = "10.0.0.0/24") -> str:
    return (
        "- id: my-profile\n  name: Mine\n  description: An organisation.\n  jurisdictions:\n"
        f"  - {jurisdiction}\n  sites:\n  - id: hq\n    name: HQ\n    networks:\n    - {network}\n"
    )


_BUILT: list[Path] = []
"""A database with saved findings, built once and copied for each case that needs one."""

_MAC = "00:11:22:33:44:55"


def _with_findings(folder: Path) -> str:
    """A database holding one imported Hikvision device and its findings under us-federal-contractor."""
    if not _BUILT:
        inventory = _file("assets.csv", f"ip,mac,vendor\n10.0.0.5,{_MAC},Hikvision\n")(folder)
        database = folder / "built.db"
        assert run("import", str(inventory), "--save", "--db", str(database)).returncode == 1
        assess = ["assess", "--scan-id", "1", "--profile", "us-federal-contractor", "--save", "--db", str(database)]
        assert run(*assess).returncode in (0, 1)
        _BUILT.append(database)
    copy = folder / "findings.db"
    copy.write_bytes(_BUILT[0].read_bytes())
    return str(copy)


def _remediate(*options: str) -> Case:
    return lambda d: ["remediate", _MAC, "--reason", "test", *options, "--db", _with_findings(d)]


def _tampered(folder: Path) -> str:
    """A copy of the shipped data folder with one event's quote changed (it no longer says what its source says)."""
    data = folder / "data"
    shutil.copytree(default_data_dir(), data)
    events = data / "events" / "seed-002-b.yml"
    text = events.read_text(encoding="utf-8")
    assert "quote: Wesco non sta più ordinando" in text
    events.write_text(text.replace("quote: Wesco non sta più ordinando", "quote: Wesco sta ancora ordinando"), "utf-8")
    return str(data)


CASES: dict[str, Case] = {
    "output into a missing folder": lambda d: ["bans", "-o", str(d / "missing" / "out.txt")],
    "output onto a folder": lambda d: ["bans", "--csv", "-o", str(d)],
    "database that is not SQLite": lambda d: ["devices", "--db", str(_file("junk.db", b"not a database" * 100)(d))],
    "truncated database": lambda d: [
        "devices",
        "--db",
        str(_file("cut.db", b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * 30)(d)),
    ],
    "observations that are binary": lambda d: [
        "identify",
        "--observations",
        str(_file("obs.jsonl", bytes(range(256)) * 20)(d)),
    ],
    "inventory that is binary": lambda d: ["import", str(_file("assets.csv", b"\x00\xff" * 2000)(d))],
    "targets file that is not UTF-8": lambda d: [
        "scan",
        "--targets-file",
        str(_file("targets.txt", "127.0.0.1\n\xe9t\xe9\n".encode("latin-1"))(d)),
    ],
    "multicast group that is not an address": lambda d: ["scan", "127.0.0.1", "--multicast", "999.1.1.1"],
    "verify a manifest of the wrong shape": lambda d: ["verify", str(_manifest_of_wrong_shape(d))],
    "verify something that is not a zip": lambda d: ["verify", str(_file("pack.zip", b"PK not really")(d))],
    "verify --key that is not a key": lambda d: [
        "verify",
        str(_file("pack.zip", b"PK not really")(d)),
        "--key",
        str(_file("key.pem", "not a key")(d)),
    ],
    "inventory JSON with a 5,000-digit number": lambda d: [
        "import",
        str(_file("assets.json", '[{"mac": ' + "1" * 5000 + "}]")(d)),
    ],
    "inventory JSON nested too deeply": lambda d: ["import", str(_file("assets.json", "[" * 100_000)(d))],
    "address range with no end": lambda d: ["scan", "127.20.0.1-", "--db", str(d / "x.db")],
    "short range past .255": lambda d: ["scan", "127.20.0.1-999", "--db", str(d / "x.db")],
    "open port range": lambda d: ["scan", "127.0.0.1", "--ports", "80-", "--db", str(d / "x.db")],
    "empty scope file": lambda d: ["scan", "127.0.0.1", "--scope", str(_file("scope.yml", "")(d))],
    "scope allow written as a string": lambda d: [
        "scan",
        "127.0.0.1",
        "--scope",
        str(_file("scope.yml", "allow: 127.0.0.0/8\n")(d)),
    ],
    "targets file that is a folder": lambda d: ["scan", "--targets-file", str(d)],
    "empty data folder": lambda d: ["--data", str(_folder(d / "empty")), "registry", "check"],
    "empty --since": lambda d: ["bans", "--since", ""],
    "--vendor naming nothing": lambda d: ["bans", "--vendor", ",,,"],
    "--count with --group-by": lambda d: ["bans", "--count", "--group-by", "country"],
    "--mac that is not a MAC": lambda d: ["identify", "--mac", "zz:zz"],
    "--cert that is not PEM": lambda d: ["identify", "--cert", str(_file("c.pem", "hello")(d))],
    "search with too many words": lambda d: ["search", " ".join(f"w{i}" for i in range(40))],
    "sim --base whose range leaves loopback": lambda d: ["sim", "--base", "127.255.255.250", "--size", "100"],
    "sim --base outside loopback": lambda d: ["sim", "--base", "10.0.0.1"],
    "sim on a busy address": lambda d: [
        "sim",
        "--personas",
        "generic-embedded",
        "--base",
        _busy("127.79.0.1", 80),
        "--duration",
        "1",
    ],
    "--resume-id of no scan": lambda d: ["scan", "--resume-id", "999", "--db", str(d / "x.db")],
    "diff of no scan": lambda d: ["diff", "998", "999", "--db", str(d / "x.db")],
    "profile network /33": lambda d: ["profile", "show", str(_file("p.yml", _profile(network="10.0.0.0/33"))(d))],
    "profile jurisdiction XX": lambda d: ["profile", "show", str(_file("p.yml", _profile(jurisdiction="XX"))(d))],
    "profile init onto an existing file": lambda d: ["profile", "init", "-o", str(_file("p.yml", "keep me")(d))],
    "remediate --rule of no finding": _remediate("--status", "planned", "--rule", "nope"),
    "remediate a waiver that expired": _remediate(
        "--status", "exempted", "--waiver", "W-1", "--expires", "2020-01-01", "--rule", "us-far-52.204-24"
    ),
    "remediate planned with a waiver": _remediate("--status", "planned", "--waiver", "W-1", "--expires", "2099-01-01"),
    "remediate removed with an expiry": _remediate("--status", "removed", "--expires", "2099-01-01"),
    "audit --action of no action": lambda d: ["audit", "--action", "nope", "--db", str(d / "x.db")],
    "audit --device of no device": lambda d: ["audit", "--device", "zz", "--db", str(d / "x.db")],
    "audit --since that is not a date": lambda d: ["audit", "--since", "soon", "--db", str(d / "x.db")],
    "bans from a --data folder with a tampered quote": lambda d: ["--data", _tampered(d), "bans"],
    "search in a --data folder with a tampered quote": lambda d: ["--data", _tampered(d), "search", "wesco"],
}

NAMED: dict[str, str] = {
    "bans from a --data folder with a tampered quote": "seed-002-b.yml:2: quote not found verbatim",
    "search in a --data folder with a tampered quote": "seed-002-b.yml:2: quote not found verbatim",
    "audit --action of no action": "--action: unknown action 'nope'",
    "audit --device of no device": "--device: no tracked device 'zz'",
    "remediate --rule of no finding": f"--rule: device {_MAC} has no finding for 'nope' (it has: ",
    "remediate a waiver that expired": "--expires: 2020-01-01 is not in the future",
    "remediate planned with a waiver": "--waiver: only an exempted finding takes a waiver and expiry (not planned)",
    "remediate removed with an expiry": "--expires: only an exempted finding takes a waiver and expiry (not removed)",
    "profile network /33": "p.yml:10: site hq: '10.0.0.0/33' does not appear to be",
    "profile jurisdiction XX": "p.yml:5: jurisdiction 'XX' is not an ISO 3166 code",
    "profile init onto an existing file": "--output:",
    "sim --base whose range leaves loopback": "--base: 100 addresses from 127.255.255.250 do not fit",
    "sim on a busy address": "--base: 127.79.0.1 tcp/80 is already in use",
    "--resume-id of no scan": "--resume-id: no scan with id 999",
    "diff of no scan": "SCAN_A: no scan with id 998",
}
"""What the one line must say for cases whose wording was wrong (the option it names, the cause)."""


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_clean_line(name: str, tmp_path: Path) -> None:
    try:
        result = run(*CASES[name](tmp_path))
    finally:
        while _HELD:
            _HELD.pop().close()
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.startswith("covered:")]
    assert len(lines) == 1, result.stderr
    assert "unexpected error" not in lines[0], lines[0]
    assert NAMED.get(name, "") in lines[0], lines[0]


def _wait_for(stream: IO[str], text: str, seconds: float) -> list[str]:
    """Lines read from a process until one contains the text (bounded in time and lines)."""
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in stream:
            lines.append(line)
            if text in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(seconds), lines
    return lines


def test_sigterm_stops_a_scan_like_ctrl_c(tmp_path: Path) -> None:
    database = tmp_path / "term.db"
    sim = subprocess.Popen(
        [sys.executable, "-m", "covered", "sim", "--size", "60", "--base", "127.41.0.1", "--duration", "120"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stderr is not None
        _wait_for(sim.stderr, " up in ", 120)
        scan = subprocess.Popen(
            [sys.executable, "-m", "covered", "scan", "127.41.0.1-60", "--db", str(database), "--rate", "30"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert scan.stderr is not None
        _wait_for(scan.stderr, "hosts to probe", 90)
        time.sleep(1.5)
        scan.send_signal(signal.SIGTERM)
        rest = scan.stderr.read()
        scan.wait(timeout=60)
        scan.stderr.close()
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=30)
        if sim.stderr is not None:
            sim.stderr.close()
    assert scan.returncode == 3, rest
    assert "covered scan --resume-id" in rest
    assert "Traceback" not in rest
    resumed = run("scan", "--resume", "--db", str(database))
    assert "no unfinished scan" not in resumed.stderr
