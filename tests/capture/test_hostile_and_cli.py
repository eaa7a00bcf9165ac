"""Hostile captures end with a warning and the frames before the damage; the CLI runs end to end."""

from __future__ import annotations

import gzip
import json
import os
import random
import struct
from pathlib import Path

from covered.capture.pipeline import CaptureInputs, run_capture
from covered.capture.reader import ReadLimits, ReadState, read_file
from covered.registry import Registry
from tests.capture import frames
from tests.test_cli import run

_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def _frames(path: Path, limits: ReadLimits | None = None) -> tuple[int, list[str]]:
    state = ReadState(path.name)
    count = sum(len(b.meta) // 16 for b in read_file(path, state, limits))
    return count, state.warnings


def test_truncated_garbage_empty_and_bogus_lengths(tmp_path: Path, announcements: Path) -> None:
    data = announcements.read_bytes()
    (tmp_path / "cut.pcap").write_bytes(data[: len(data) - 40])
    count, warnings = _frames(tmp_path / "cut.pcap")
    assert count == 9  # every frame before the cut one
    assert warnings
    assert "frame 10" in warnings[0]
    (tmp_path / "garbage.pcap").write_bytes(os.urandom(4096))
    assert _frames(tmp_path / "garbage.pcap") == (0, ["not a pcap or pcapng capture (unknown first bytes)"])
    (tmp_path / "empty.pcap").write_bytes(b"")
    assert _frames(tmp_path / "empty.pcap") == (0, ["empty file"])
    huge = _HEADER + struct.pack("<IIII", 0, 0, 0x7FFFFFFF, 0x7FFFFFFF) + b"x" * 64
    (tmp_path / "huge.pcap").write_bytes(huge)
    (tmp_path / "huge.pcap.gz").write_bytes(gzip.compress(huge))
    for name in ("huge.pcap", "huge.pcap.gz"):
        count, warnings = _frames(tmp_path / name)
        assert count == 0
        assert warnings


def test_gzip_bomb_stops_at_the_ratio(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pcap.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as packed:
        packed.write(_HEADER)
        record = struct.pack("<IIII", 0, 0, 60, 60) + bytes(60)
        for _ in range(20):
            packed.write(record * 100_000)  # 152 MB of zeros, a few hundred KB packed
    count, warnings = _frames(bomb, ReadLimits(max_ratio=50))
    assert count < 2_000_000
    assert "decompression bomb" in warnings[-1]


def test_random_frames_are_counted_never_fatal(registry: Registry, tmp_path: Path) -> None:
    from scapy.all import IP, TCP, UDP, Ether, Raw

    rng = random.Random(15)  # noqa: S311 - a reproducible fuzz corpus, not a secret
    ports = [53, 67, 161, 1900, 2152, 3702, 4789, 5060, 5353, 5355, 37020, 37810, 80, 443, 23, 21, 22]
    made = []
    for _ in range(3000):
        payload = Raw(bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300))))
        port = rng.choice(ports)
        layer = UDP(sport=port, dport=port) if rng.random() < 0.6 else TCP(sport=port, dport=40000, flags="PA")
        frame = Ether(src="02:11:22:33:44:55") / IP(src="10.0.0.2", dst="10.0.0.3") / layer / payload
        raw = bytes(frame)
        made.append(Ether(raw[: rng.randint(14, len(raw))]) if rng.random() < 0.3 else frame)
    path = frames.write(tmp_path / "fuzz.pcap", made)
    result = run_capture(registry, CaptureInputs((path,)))
    assert result.frames == 3000
    assert result.decoded.decoded + result.decoded.malformed <= 3000
    assert result.decoded.malformed > 0
    # Random DHCP bytes claim random client MACs; the sender itself is always among the devices.
    assert "02:11:22:33:44:55" in {d.mac for d in result.devices}


def test_cli_capture_then_assess_then_findings(tmp_path: Path, announcements: Path) -> None:
    db = str(tmp_path / "covered.db")
    captured = run("capture", str(announcements), "--save", "--db", db, "--json")
    assert captured.returncode == 1, captured.stderr  # restricted devices found
    rows = [json.loads(line) for line in captured.stdout.splitlines()]
    hik = next(r for r in rows if r["capture"]["mac"] == "58:50:ED:1F:E3:85")
    assert hik["vendor"] == "hikvision"
    assert hik["capture"]["first_frame"] == f"{announcements}#1"
    assert "stored as capture scan 1" in captured.stderr
    assessed = run("assess", "--profile", "us-federal-agency", "--scan-id", "1", "--save", "--db", db, "--json")
    assert assessed.returncode in (0, 1), assessed.stderr
    findings = run("findings", "--db", db, "--json")
    assert findings.returncode == 0, findings.stderr
    kept = [json.loads(line) for line in findings.stdout.splitlines()]
    assert any(f["device"] == "58:50:ED:1F:E3:85" for f in kept)


def test_cli_bad_inputs_are_one_line_exit_2(tmp_path: Path, announcements: Path) -> None:
    cases = [
        (["capture", str(tmp_path / "missing.pcap")], "no such file or directory"),
        (["capture", str(announcements), "--filter", "udp port nonsense"], "--filter"),
        (["capture", "--interface", "lo", "--duration", "ten minutes"], "--duration"),
        (["capture"], "give capture files"),
        (["capture", "--interface", "no-such-if0", "--duration", "1s"], "--interface"),
    ]
    for args, words in cases:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("covered: ")
        assert words in lines[0]


def test_cli_reads_zeek_logs_with_captures(tmp_path: Path, announcements: Path) -> None:
    log = Path(__file__).resolve().parents[1] / "egress" / "data" / "zeek-mac-logging-conn.log"
    result = run("capture", str(announcements), "--zeek", str(log), "--json")
    assert result.returncode == 1, result.stderr
    macs = {json.loads(line)["capture"]["mac"] for line in result.stdout.splitlines()}
    assert {"58:50:ED:1F:E3:85", "00:24:7E:E0:1D:B5"} <= macs  # one from the pcap, one from conn.log's MAC fields
    assert "Zeek: 12 records" in result.stderr
