"""Capture reading speed: frames/s and MB/s through covered vs. plain libpcap and a plain dpkt loop, same file.

One command: ``python benchmarks/capture.py [--frames N]``. It writes a pcap of at least N frames (default
1,000,000) into a temporary folder: the real Blink-camera capture (../shared/captures/cap03.pcap, when present)
and the crafted announcements of tests/capture/frames.py, repeated. It then reads it with

- pcapy-ng ``next_batch`` only (the floor: no decoding),
- dpkt: ``pcap.Reader`` + ``Ethernet`` decode of every frame (the peer parser),
- covered's reader + decoder (records only), and the whole ``run_capture`` (devices, identification),

on one core, and prints a table with the ratio of each to the dpkt loop, peak memory and devices found versus
the crafted ground truth (the five announcing senders, the SADP client and the cap03 senders).
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _build(path: Path, frames: int) -> int:
    import dpkt
    from tests.capture import frames as crafted

    made = [bytes(f) for f in crafted.announcements()]
    real = ROOT.parent / "shared" / "captures" / "cap03.pcap"
    if real.is_file():
        with real.open("rb") as handle:
            made += [bytes(buf) for _, buf in dpkt.pcap.Reader(handle)]
    written = 0
    with path.open("wb") as out:
        writer = dpkt.pcap.Writer(out)
        while written < frames:
            for data in made:
                writer.writepkt(data, ts=1_700_000_000 + written / 1000)
                written += 1
    return written


def _time(function: object) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()  # type: ignore[operator]
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    args = parser.parse_args()
    import dpkt
    import pcapy

    from covered.capture.decode import Decoder
    from covered.capture.pipeline import CaptureInputs, run_capture
    from covered.capture.reader import ReadState, read_file
    from covered.registry import load_registry

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.pcap"
        total = _build(path, args.frames)
        size = path.stat().st_size

        def pcapy_only() -> int:
            reader, count = pcapy.open_offline(str(path)), 0
            while True:
                _, meta = reader.next_batch(4096)
                if not meta:
                    return count
                count += len(meta) // 16

        def dpkt_loop() -> int:
            count = 0
            with path.open("rb") as handle:
                for _, buf in dpkt.pcap.Reader(handle):
                    with contextlib.suppress(dpkt.NeedData, dpkt.UnpackError):
                        dpkt.ethernet.Ethernet(buf)
                    count += 1
            return count

        def covered_records() -> int:
            decoder, count = Decoder(path.name), 0
            for batch in read_file(path, ReadState(path.name)):
                count += sum(1 for _ in decoder.batch(batch))
            return count + sum(1 for _ in decoder.finish())

        registry = load_registry()
        rows = []
        for name, function in (
            ("pcapy-ng next_batch (read only)", pcapy_only),
            ("dpkt pcap.Reader + Ethernet", dpkt_loop),
            ("covered reader + decoder", covered_records),
            ("covered run_capture (devices, identification)", lambda: run_capture(registry, CaptureInputs((path,)))),
        ):
            seconds, value = _time(function)
            rows.append((name, seconds, value))
        peer = rows[1][1]
        print(f"{total:,} frames, {size / 1e6:.1f} MB (loaded 2-core machine; one run each)")
        print(f"| {'reader':<46} | {'seconds':>8} | {'frames/s':>11} | {'MB/s':>7} | {'vs dpkt':>7} |")
        print(f"|{'-' * 48}|{'-' * 10}|{'-' * 13}|{'-' * 9}|{'-' * 9}|")
        for name, seconds, _value in rows:
            print(
                f"| {name:<46} | {seconds:8.2f} | {total / seconds:11,.0f} | {size / 1e6 / seconds:7.1f} "
                f"| {peer / seconds:6.2f}x |"
            )
        result = rows[3][2]
        macs = {d.mac for d in result.devices if d.mac}  # type: ignore[attr-defined]
        truth = {
            "58:50:ED:1F:E3:85",
            "08:ED:ED:87:42:7A",
            "3C:EF:8C:11:22:33",
            "00:E0:FC:12:34:56",
            "02:00:00:00:00:10",
        }
        print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"devices found: {len(result.devices)}; crafted senders found {len(truth & macs)} of {len(truth)}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
