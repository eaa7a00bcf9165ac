"""`covered capture` end to end: inputs -> traffic records -> devices -> identification -> a stored scan.

Packet captures (files, directories, a live interface) and Zeek logs feed the same record stream. Every record
goes to the device table, the egress sink (vendor-cloud contacts) and, when the run is saved, the silence
sink (removed devices heard again, or not). Devices are identified by the scan's own engine and stored as a
scan of kind ``capture``, merged with earlier scans and imports by MAC, then serial, then address.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from covered.capture.decode import Decoder, DecodeStats
from covered.capture.devices import CapturedDevice, DeviceTable
from covered.capture.egress import EgressSink
from covered.capture.reader import ReadLimits, ReadState, capture_files, read_file, read_live
from covered.capture.records import TrafficRecord
from covered.capture.zeek import ZeekStats, read_zeek

if TYPE_CHECKING:
    from covered.model import Attribution
    from covered.registry import Registry
    from covered.store.db import Store

__all__ = ["CaptureInputs", "CaptureResult", "Progress", "run_capture"]

Progress = Callable[[int, int, int, float], None]
"""Called now and then with (frames read, bytes read, devices so far, seconds elapsed)."""
_STORE_BATCH = 2_000


@dataclass(frozen=True)
class CaptureInputs:
    """What to read: capture files or directories, Zeek logs, or a live interface for a duration."""

    paths: tuple[Path, ...] = ()
    zeek: tuple[Path, ...] = ()
    interface: str | None = None
    duration: float = 0.0
    bpf_filter: str | None = None
    limits: ReadLimits = field(default_factory=ReadLimits)
    remote: bool = False
    """Keep internet hosts seen across a router as devices."""

    def names(self) -> list[str]:
        """The inputs as the user named them (the scan's targets)."""
        names = [str(p) for p in self.paths] + [f"zeek:{p}" for p in self.zeek]
        return names + ([f"interface:{self.interface}"] if self.interface else [])


@dataclass
class CaptureResult:
    """Devices found and identified, with what each input gave."""

    devices: list[CapturedDevice]
    attributions: list[Attribution]
    reads: list[ReadState]
    decoded: DecodeStats
    zeek: ZeekStats
    egress: dict[str, int]
    silence: dict[str, int]
    dropped_devices: int
    seconds: float
    remote_hosts: int = 0
    scan_id: int | None = None
    merged: tuple[int, int, int] | None = None

    @property
    def frames(self) -> int:
        """Frames read from every packet input."""
        return sum(r.frames for r in self.reads)

    @property
    def bytes(self) -> int:
        """Bytes of frames read."""
        return sum(r.bytes for r in self.reads)


def _shown(path: Path, root: Path) -> str:
    """A file's name in frame references: as given, or relative to the directory given."""
    return str(path) if path == root else f"{root}/{path.relative_to(root).as_posix()}"


def _file_opener(path: Path, inputs: CaptureInputs) -> Callable[[ReadState], Iterable[Any]]:
    def opener(state: ReadState) -> Iterable[Any]:
        return read_file(path, state, inputs.limits, inputs.bpf_filter)

    return opener


def _packet_records(
    inputs: CaptureInputs, reads: list[ReadState], stats: DecodeStats, tick: Callable[[], None]
) -> Iterator[TrafficRecord]:
    sources: list[tuple[str, Callable[[ReadState], Iterable[Any]]]] = []
    for root in inputs.paths:
        for path in capture_files(root):
            sources.append((_shown(path, root), _file_opener(path, inputs)))
    if inputs.interface is not None:
        interface = inputs.interface

        def live(state: ReadState) -> Iterable[Any]:
            return read_live(interface, inputs.duration, state, inputs.limits, inputs.bpf_filter)

        sources.append((f"interface:{interface}", live))
    for name, opener in sources:
        state = ReadState(name)
        reads.append(state)
        decoder = Decoder(name, stats)
        for batch in opener(state):
            yield from decoder.batch(batch)
            tick()
        yield from decoder.finish()


def records(
    inputs: CaptureInputs, reads: list[ReadState], stats: DecodeStats, zeek: ZeekStats, tick: Callable[[], None]
) -> Iterator[TrafficRecord]:
    """Every traffic record of the inputs: packet captures first, then Zeek logs."""
    yield from _packet_records(inputs, reads, stats, tick)
    for path in inputs.zeek:
        for count, record in enumerate(read_zeek(path, name=str(path), stats=zeek)):
            if count % 50_000 == 0:
                tick()
            yield record


def run_capture(
    registry: Registry,
    inputs: CaptureInputs,
    store: Store | None = None,
    progress: Progress | None = None,
) -> CaptureResult:
    """Read every input, identify the devices, and (with a store) keep them as a capture scan."""
    from covered.identify import identifier_for

    started = time.monotonic()
    reads: list[ReadState] = []
    stats = DecodeStats()
    zeek = ZeekStats()
    table = DeviceTable(inputs.remote)
    egress = EgressSink(registry)
    silence = None
    if store is not None:
        from covered.capture.silence import SilenceSink

        silence = SilenceSink(store)

    def tick() -> None:
        if progress is not None:
            progress(
                sum(r.frames for r in reads),
                sum(r.bytes for r in reads),
                table.count,
                time.monotonic() - started,
            )

    for record in records(inputs, reads, stats, zeek, tick):
        table.add(record)
        egress.add(record)
        if silence is not None:
            silence.add(record)
    tick()
    devices = table.devices()
    result_remote = table.remote_hosts
    identifier = identifier_for(registry)
    attributions = [identifier.attribute(device.key, device.observations) for device in devices]
    result = CaptureResult(
        devices,
        attributions,
        reads,
        stats,
        zeek,
        {},
        {},
        table.dropped,
        0.0,
        result_remote,
    )
    if store is not None:
        result.scan_id, result.merged = _save(store, inputs, result)
        egress.save(store, result.scan_id)
        if silence is not None:
            silence.save(store, result.scan_id)
    result.egress = egress.summary()
    result.silence = silence.summary() if silence is not None else {}
    result.seconds = time.monotonic() - started
    return result


def _save(store: Store, inputs: CaptureInputs, result: CaptureResult) -> tuple[int, tuple[int, int, int]]:
    """Store the devices as a capture scan, merge it into tracked devices; returns (scan id, (new, updated, gone))."""
    from sqlalchemy import update

    from covered.store import HostRecord
    from covered.store.schema import DeviceResultRow
    from covered.store.tracking import merge_scan

    addresses = [d.address for d in result.devices if d.address]
    unique = _unique(addresses)
    keys = [d.address if d.address in unique else d.key for d in result.devices]
    parameters = {
        "collector": "capture",
        "frames": result.frames,
        "bytes": result.bytes,
        "decoded": result.decoded.decoded,
        "malformed": result.decoded.malformed,
        "warnings": {r.name: r.warnings[:5] for r in result.reads if r.warnings},
        "filter": inputs.bpf_filter,
    }
    scan_id = store.create_scan(inputs.names(), keys, parameters, kind="capture")
    without_address = []
    for start in range(0, len(result.devices), _STORE_BATCH):
        batch = []
        for device, attribution, key in zip(
            result.devices[start : start + _STORE_BATCH],
            result.attributions[start : start + _STORE_BATCH],
            keys[start : start + _STORE_BATCH],
            strict=True,
        ):
            observations = [o.model_copy(update={"device": key}) for o in device.observations]
            batch.append(
                HostRecord(
                    address=key,
                    observations=observations,
                    services=[],
                    attribution=attribution.model_copy(update={"device": key}),
                    mac=device.mac,
                )
            )
            if device.address is None:
                without_address.append(key)
        store.record_hosts(scan_id, batch)
    if without_address:
        # A device known only by its MAC has no address: the result's address column holds none.
        with store.session() as session, session.begin():
            for start in range(0, len(without_address), _STORE_BATCH):
                session.execute(
                    update(DeviceResultRow)
                    .where(
                        DeviceResultRow.scan_id == scan_id,
                        DeviceResultRow.device_key.in_(without_address[start : start + _STORE_BATCH]),
                    )
                    .values(address=None)
                )
    merged = merge_scan(store, scan_id)
    store.set_status(scan_id, "complete")
    return scan_id, merged


def _unique(addresses: list[str]) -> set[str]:
    from collections import Counter

    return {a for a, n in Counter(addresses).items() if n == 1}
