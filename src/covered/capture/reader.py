"""Frames from pcap and pcapng files (plain or gzip), directories of them, or a live interface.

libpcap (through pcapy-ng) reads the frames: it was the fastest reader measured (next-anchors.md §2.4), reads
both pcap and pcapng, and its ``next_batch`` crosses into Python once per few thousand frames. A pcapng file
libpcap refuses (interfaces of different link types) is read with dpkt's pcapng reader instead. A gzip file is
decompressed as dpkt's readers read it, so nothing is ever held whole; it stops at the byte limit, at a
decompression ratio no capture reaches (a bomb), or at a record claiming an impossible length. Every reader
yields :class:`Batch` values; a damaged file ends its own reading with a warning in its :class:`ReadState`
(the frames before the damage are kept), never the run.
"""

from __future__ import annotations

import contextlib
import gzip
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pcapy

from covered.errors import UsageError

__all__ = [
    "CAPTURE_SUFFIXES",
    "META",
    "Batch",
    "ReadLimits",
    "ReadState",
    "capture_files",
    "read_file",
    "read_live",
]

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz")
BATCH = 4096
"""Frames fetched per call into libpcap."""
META = struct.Struct("=IIII")
"""One frame in a batch: seconds, microseconds, offset into the batch's bytes, captured length."""
_MAGICS = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x0a\x0d\x0d\x0a")
"""pcap (both byte orders, micro- and nanosecond) and pcapng section header magics."""
_GZIP = b"\x1f\x8b"
MAX_READ = 1 << 20
"""Largest single read from a decompressed stream (a frame record or pcapng block); libpcap's own frame limit is
256 KiB."""
RATIO_AFTER = 64 * 1024 * 1024
"""Bytes decompressed before the ratio is judged (a small file may compress very well)."""


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds on what one run may make covered read."""

    max_bytes: int = 1 << 40
    """Largest amount of capture data read from one input (after decompression)."""
    max_frames: int | None = None
    """Frames read from one input at most (None: all)."""
    max_ratio: int = 200
    """Decompressed/compressed ratio past which a gzip input is taken for a bomb (real captures stay far below)."""


@dataclass(slots=True)
class ReadState:
    """What reading one input found: frames, bytes, and why it stopped early (if it did)."""

    name: str
    frames: int = 0
    bytes: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Batch:
    """Frames read together: ``packets`` concatenated, ``meta`` :data:`META` records, one per frame."""

    linktype: int
    packets: bytes
    meta: bytes
    first: int
    """Frame number (1-based, as Wireshark numbers them) of the first frame in the batch."""


def _magic(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4)


def capture_files(path: Path) -> list[Path]:
    """The capture files under a directory (by name or by their first bytes, sorted), or the file itself."""
    if not path.is_dir():
        return [path]
    found = []
    for child in sorted(path.rglob("*")):
        if not child.is_file():
            continue
        if child.name.lower().endswith(CAPTURE_SUFFIXES):
            found.append(child)
            continue
        with contextlib.suppress(OSError):
            if _magic(child) in _MAGICS:
                found.append(child)
    return found


def _batches(
    reader: Any,
    state: ReadState,
    limits: ReadLimits,
    bpf: Any | None,
    deadline: float | None,
    salvage: Callable[[int, int], Iterator[Batch]] | None = None,
) -> Iterator[Batch]:
    linktype = reader.datalink()
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            return
        wanted = BATCH
        if limits.max_frames is not None:
            wanted = min(wanted, limits.max_frames - state.frames)
            if wanted <= 0:
                state.warnings.append(f"stopped after {limits.max_frames} frames (--max-frames)")
                return
        try:
            packets, meta = reader.next_batch(wanted)
        except pcapy.PcapError as exc:
            if salvage is not None:
                yield from salvage(state.frames, wanted)
            state.warnings.append(f"reading stopped at frame {state.frames + 1}: {exc}")
            return
        if not meta:
            if deadline is None:
                return
            continue  # a live read timed out with nothing: wait on
        first = state.frames + 1
        state.frames += len(meta) // META.size
        state.bytes += len(packets)
        if bpf is not None:
            meta = _apply_filter(bpf, packets, meta)
        yield Batch(linktype, packets, meta, first)
        if state.bytes > limits.max_bytes:
            state.warnings.append(f"stopped after {limits.max_bytes} bytes (the limit)")
            return


def _apply_filter(bpf: Any, packets: bytes | bytearray, meta: bytes | bytearray) -> bytes:
    """Blank the frames a user's BPF filter rejects (caplen 0), so frame numbers stay those of the file."""
    kept = bytearray()
    for sec, usec, offset, caplen in META.iter_unpack(meta):
        if caplen and bpf.filter(packets[offset : offset + caplen]) == 0:
            caplen = 0
        kept += META.pack(sec, usec, offset, caplen)
    return bytes(kept)


def _dpkt_batches(
    handle: IO[bytes] | _Bounded, state: ReadState, limits: ReadLimits, bpf_filter: str | None
) -> Iterator[Batch]:
    """Frames read by dpkt's pcap or pcapng reader from a stream (a gzip file, a pcapng file libpcap refused)."""
    import dpkt

    errors = (dpkt.NeedData, dpkt.UnpackError, ValueError, struct.error, OSError, EOFError, zlib.error)
    try:
        head = handle.read(4)
        kind = dpkt.pcapng.Reader if head == _MAGICS[-1] else dpkt.pcap.Reader
        if head not in _MAGICS:
            state.warnings.append("not a pcap or pcapng capture (unknown first bytes)")
            return
        reader = kind(_Prefixed(head, handle))
        linktype = int(reader.datalink())
    except errors as exc:
        state.warnings.append(f"not a readable capture: {exc}")
        return
    bpf = _compile(linktype, bpf_filter) if bpf_filter else None
    packets, meta = bytearray(), bytearray()
    first = state.frames + 1
    iterator = iter(reader)
    while True:
        if limits.max_frames is not None and state.frames >= limits.max_frames:
            state.warnings.append(f"stopped after {limits.max_frames} frames (--max-frames)")
            break
        try:
            timestamp, data = next(iterator)
        except StopIteration:
            break
        except errors as exc:
            state.warnings.append(f"reading stopped at frame {state.frames + 1}: {exc}")
            break
        state.frames += 1
        state.bytes += len(data)
        seconds = int(timestamp)
        meta += META.pack(seconds & 0xFFFFFFFF, int((timestamp - seconds) * 1_000_000), len(packets), len(data))
        packets += data
        if len(meta) >= BATCH * META.size:
            yield Batch(linktype, bytes(packets), _apply_filter(bpf, packets, meta) if bpf else bytes(meta), first)
            packets, meta, first = bytearray(), bytearray(), state.frames + 1
        if state.bytes > limits.max_bytes:
            state.warnings.append(f"stopped after {limits.max_bytes} bytes (the limit)")
            break
    if meta:
        yield Batch(linktype, bytes(packets), _apply_filter(bpf, packets, meta) if bpf else bytes(meta), first)


def read_file(
    path: Path, state: ReadState, limits: ReadLimits | None = None, bpf_filter: str | None = None
) -> Iterator[Batch]:
    """Frames of one capture file (pcap or pcapng, gzip-compressed or not).

    UsageError when the file cannot be opened at all; a file that is not a capture, or is damaged part way,
    ends with a warning in ``state``.
    """
    limits = limits or ReadLimits()
    if not path.is_file():
        raise UsageError(str(path), "no such capture file")
    try:
        magic = _magic(path)
    except OSError as exc:
        raise UsageError(str(path), f"cannot read: {exc.strerror}") from None
    if not magic:
        state.warnings.append("empty file")
        return
    compressed = magic[:2] == _GZIP
    if not compressed and magic not in _MAGICS:
        state.warnings.append("not a pcap or pcapng capture (unknown first bytes)")
        return
    if compressed:
        yield from _read_gzip(path, state, limits, bpf_filter)
        return
    try:
        reader = pcapy.open_offline(str(path))
    except pcapy.PcapError as exc:
        if magic == _MAGICS[-1]:
            with path.open("rb") as handle:
                yield from _dpkt_batches(handle, state, limits, bpf_filter)
        else:
            state.warnings.append(f"not a readable capture: {exc}")
        return
    bpf = None

    def salvage(done: int, most: int) -> Iterator[Batch]:
        """The good frames of a batch libpcap gave up on (a truncated or damaged frame ends the batch)."""
        again = pcapy.open_offline(str(path))
        try:
            skipped = 0
            while skipped < done:
                _, meta = again.next_batch(min(BATCH, done - skipped))
                if not meta:
                    return
                skipped += len(meta) // META.size
            packets, meta = bytearray(), bytearray()
            first = state.frames + 1
            for _ in range(most):
                try:
                    header, data = again.next()
                except pcapy.PcapError:
                    break
                if header is None:
                    break
                sec, usec = header.getts()
                meta += META.pack(sec & 0xFFFFFFFF, usec & 0xFFFFFFFF, len(packets), len(data))
                packets += data
                state.frames += 1
                state.bytes += len(data)
            if meta:
                yield Batch(
                    again.datalink(), bytes(packets), _apply_filter(bpf, packets, meta) if bpf else bytes(meta), first
                )
        finally:
            again.close()

    try:
        bpf = _compile(reader.datalink(), bpf_filter) if bpf_filter else None
        yield from _batches(reader, state, limits, bpf, None, salvage)
    finally:
        reader.close()


def _read_gzip(path: Path, state: ReadState, limits: ReadLimits, bpf_filter: str | None) -> Iterator[Batch]:
    """A gzip-compressed capture, decompressed as it is read (dpkt's readers: libpcap cannot read a stream
    without holding Python's lock, so a decompressing thread could never feed it)."""
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as inflated:
        yield from _dpkt_batches(_Bounded(inflated, raw, limits, state), state, limits, bpf_filter)


class _Prefixed:
    """A stream whose first bytes were already read (to tell pcap from pcapng) and are given back first."""

    def __init__(self, head: bytes, rest: IO[bytes] | _Bounded) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if not self.head:
            return self.rest.read(size)
        if size < 0:
            data, self.head = self.head + self.rest.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        return data + (self.rest.read(size - len(data)) if size > len(data) else b"")


class _Bounded:
    """Decompressed data that ends at the byte limit or a bomb's ratio, and refuses a single huge read."""

    def __init__(self, inflated: gzip.GzipFile, raw: IO[bytes], limits: ReadLimits, state: ReadState) -> None:
        self.inflated, self.raw, self.limits, self.state = inflated, raw, limits, state
        self.out = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > MAX_READ:
            # A frame claiming more than any link carries (a bogus length): reading on would only decompress junk.
            raise ValueError(f"a record claims {size} bytes, more than {MAX_READ}")
        data = self.inflated.read(size)
        self.out += len(data)
        if self.out > self.limits.max_bytes:
            raise ValueError(f"over {self.limits.max_bytes} bytes decompressed (the limit)")
        if self.out > RATIO_AFTER and self.out > self.limits.max_ratio * max(self.raw.tell(), 1):
            raise ValueError(
                f"decompresses to more than {self.limits.max_ratio} times its size (a decompression bomb?)"
            )
        return data


def _compile(linktype: int, expression: str) -> Any:
    try:
        return pcapy.compile(linktype, 65535, expression, 1, 0)
    except pcapy.PcapError as exc:
        raise UsageError("--filter", f"not a BPF filter: {exc}") from None


def check_filter(expression: str) -> None:
    """UsageError for a BPF expression libpcap cannot compile (checked before any file is read)."""
    _compile(1, expression)


def read_live(
    interface: str,
    duration: float,
    state: ReadState,
    limits: ReadLimits | None = None,
    bpf_filter: str | None = None,
    snaplen: int = 65535,
) -> Iterator[Batch]:
    """Frames seen on an interface for ``duration`` seconds (needs root or CAP_NET_RAW)."""
    limits = limits or ReadLimits()
    try:
        reader = pcapy.open_live(interface, snaplen, True, 100)
    except pcapy.PcapError as exc:
        text = str(exc)
        if "ermission" in text or "not permitted" in text:
            raise UsageError(
                "--interface", f"cannot capture on {interface}: needs root or CAP_NET_RAW ({text})"
            ) from None
        raise UsageError("--interface", f"cannot capture on {interface}: {text}") from None
    try:
        if bpf_filter:
            try:
                reader.setfilter(bpf_filter)
            except pcapy.PcapError as exc:
                raise UsageError("--filter", f"not a BPF filter: {exc}") from None
        yield from _batches(reader, state, limits, None, time.monotonic() + duration)
    finally:
        reader.close()
