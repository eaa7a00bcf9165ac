"""A site worker's side of a chunk: check it against the site's scope, run the asyncio scanner, report every host."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence

from covered import __version__
from covered.cluster.orders import ChunkOrder, ChunkResult, host_to_record, options_from_record
from covered.collect.neighbours import KernelNeighbours, NeighbourSource
from covered.collect.scanner import Scanner
from covered.collect.targets import Scope
from covered.errors import UsageError
from covered.identify.attribute import Identifier
from covered.store import HostRecord, Store

__all__ = ["SiteWorkerIdentity", "run_chunk"]


class _Collected(Store):
    """A stand-in store that keeps each host's record in memory: the worker holds no database of its own."""

    def __init__(self) -> None:  # no engine: nothing is written on the site's machine
        self.records: list[HostRecord] = []

    def record_host(self, scan_id: int, record: HostRecord) -> None:
        """Keep the host's record for the chunk's result."""
        self.records.append(record)


class SiteWorkerIdentity:
    """Which site a worker serves, its name and scope file: it refuses orders of other sites."""

    def __init__(self, site: str, scope: Scope, name: str | None = None) -> None:
        self.site = site
        self.scope = scope
        self.name = name or f"{site}@{socket.gethostname()}"


def _refusals(order: ChunkOrder, scope: Scope) -> dict[str, str]:
    """Addresses of the order the worker will not probe, with why (site networks first, then its scope file)."""
    networks = [ipaddress.ip_network(n, strict=False) for n in order.networks]
    refused: dict[str, str] = {}
    for text in order.addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            refused[text] = "not an IP address"
            continue
        if not any(address in network for network in networks):
            refused[text] = f"outside the networks of site {order.site}"
            continue
        verdict = scope.verdict(address)
        if verdict is not None:
            refused[text] = f"refused by the worker's scope: {verdict}"
    return refused


def run_chunk(order: ChunkOrder, identity: SiteWorkerIdentity, identifier: Identifier) -> ChunkResult:
    """Probe the chunk's addresses the site allows; every address comes back, probed or with why it was not."""
    if order.site != identity.site:
        raise UsageError("chunk order", f"for site {order.site!r}; this worker serves {identity.site!r}")
    options = options_from_record(order.options)
    refused = _refusals(order, identity.scope)
    allowed = [a for a in order.addresses if a not in refused]
    collected = _Collected()
    if allowed:
        sources: Sequence[NeighbourSource] = ()
        kernel = KernelNeighbours()
        if options.kernel_neighbours and kernel.available():
            sources = (kernel,)
        scanner = Scanner(identifier, options, sources)
        asyncio.run(scanner.run(collected, order.scan_id, allowed))
    records = collected.records + [HostRecord(a, [], [], None, error=why) for a, why in refused.items()]
    return ChunkResult(
        scan_id=order.scan_id,
        site=order.site,
        seq=order.seq,
        worker=identity.name,
        version=__version__,
        hosts=[host_to_record(r) for r in records],
    )
