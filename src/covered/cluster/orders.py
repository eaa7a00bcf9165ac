"""What travels over the broker: a chunk order to a site's workers, and the chunk's result back to the centre.

Both are plain JSON-ready dicts (Celery's JSON serializer), never pickles: a site worker is a less trusted
machine, and the centre parses what it sends as hostile input (bounded, validated by the model's types).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from covered.collect.probes import Limits
from covered.collect.scanner import ScanOptions
from covered.collect.targets import PortSpec
from covered.errors import UsageError
from covered.model import Attribution, Observation
from covered.store import HostRecord

__all__ = [
    "MAX_CHUNK",
    "ChunkFailure",
    "ChunkOrder",
    "ChunkResult",
    "host_from_record",
    "host_to_record",
    "options_from_record",
    "options_to_record",
]

MAX_CHUNK = 256
"""Most addresses in one chunk: a chunk must stay far below the broker's consumer timeout."""
_MAX_OBSERVATIONS = 2_000
"""Most observations the centre takes for one host of a chunk result (a scanner keeps far fewer)."""


@dataclass(frozen=True)
class ChunkOrder:
    """Scan these addresses of a site scan: the unit of work one site worker takes from its queue."""

    scan_id: int
    site: str
    seq: int
    addresses: list[str]
    options: dict[str, Any]
    networks: list[str]
    """The site's networks: the worker probes only addresses inside them and inside its own scope file."""

    def record(self) -> dict[str, Any]:
        """The order as JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> ChunkOrder:
        """The order from its JSON data; UsageError when it is not one."""
        try:
            order = cls(
                scan_id=int(data["scan_id"]),
                site=str(data["site"]),
                seq=int(data["seq"]),
                addresses=[str(a) for a in data["addresses"]],
                options=dict(data["options"]),
                networks=[str(n) for n in data["networks"]],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError("chunk order", f"malformed: {exc}") from None
        if len(order.addresses) > MAX_CHUNK:
            raise UsageError("chunk order", f"{len(order.addresses)} addresses; at most {MAX_CHUNK} per chunk")
        return order


@dataclass(frozen=True)
class ChunkResult:
    """What a site worker found for one chunk: every host of it, probed or refused by its scope."""

    scan_id: int
    site: str
    seq: int
    worker: str
    version: str
    hosts: list[dict[str, Any]]

    def record(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> ChunkResult:
        """The result from its JSON data; UsageError when it is not one."""
        try:
            result = cls(
                scan_id=int(data["scan_id"]),
                site=str(data["site"])[:64],
                seq=int(data["seq"]),
                worker=str(data["worker"])[:255],
                version=str(data["version"])[:64],
                hosts=[dict(h) for h in data["hosts"]],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError("chunk result", f"malformed: {exc}") from None
        if len(result.hosts) > MAX_CHUNK:
            raise UsageError("chunk result", f"{len(result.hosts)} hosts; at most {MAX_CHUNK} per chunk")
        return result


@dataclass(frozen=True)
class ChunkFailure:
    """A chunk a site worker gave up on after its last try, and why: the centre marks it failed."""

    scan_id: int
    site: str
    seq: int
    worker: str
    version: str
    tries: int
    reason: str

    def record(self) -> dict[str, Any]:
        """The failure as JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> ChunkFailure:
        """The failure from its JSON data; UsageError when it is not one."""
        try:
            return cls(
                scan_id=int(data["scan_id"]),
                site=str(data["site"])[:64],
                seq=int(data["seq"]),
                worker=str(data["worker"])[:255],
                version=str(data["version"])[:64],
                tries=int(data["tries"]),
                reason=str(data["reason"])[:500],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError("chunk failure", f"malformed: {exc}") from None


def options_to_record(options: ScanOptions) -> dict[str, Any]:
    """Scan options as JSON data (credentials never travel: site scans are unauthenticated)."""
    record = dataclasses.asdict(options)
    record["credentials"] = None
    record["ports"] = {"tcp": list(options.ports.tcp), "udp": list(options.ports.udp)}
    return record


def options_from_record(data: dict[str, Any]) -> ScanOptions:
    """Scan options from their JSON data."""
    saved = dict(data)
    limits = saved.pop("limits", {}) or {}
    ports = saved.pop("ports", {}) or {}
    saved.pop("credentials", None)
    known = {f.name for f in dataclasses.fields(ScanOptions)}
    return ScanOptions(
        ports=PortSpec(tuple(int(p) for p in ports.get("tcp", ())), tuple(int(p) for p in ports.get("udp", ()))),
        limits=Limits(**limits),
        credentials=None,
        **{k: v for k, v in saved.items() if k in known},
    )


def host_to_record(record: HostRecord) -> dict[str, Any]:
    """One host's record as JSON data."""
    return {
        "address": record.address,
        "observations": [o.model_dump(mode="json") for o in record.observations],
        "services": list(record.services),
        "attribution": record.attribution.model_dump(mode="json") if record.attribution else None,
        "mac": record.mac,
        "error": record.error,
    }


def host_from_record(data: dict[str, Any], addresses: Sequence[str]) -> HostRecord:
    """One host's record from a worker's JSON, validated; the address must be one of the chunk's."""
    address = str(data.get("address"))
    if address not in addresses:
        raise UsageError("chunk result", f"host {address[:64]!r} is not an address of its chunk")
    observations = data.get("observations") or []
    if not isinstance(observations, list) or len(observations) > _MAX_OBSERVATIONS:
        raise UsageError("chunk result", f"host {address}: observations must be a list of at most {_MAX_OBSERVATIONS}")
    attribution = data.get("attribution")
    mac, error = data.get("mac"), data.get("error")
    return HostRecord(
        address=address,
        observations=[Observation.model_validate(o) for o in observations],
        services=[str(s)[:32] for s in (data.get("services") or [])][:256],
        attribution=Attribution.model_validate(attribution) if attribution else None,
        mac=str(mac)[:17] if mac else None,
        error=str(error)[:2000] if error else None,
    )
