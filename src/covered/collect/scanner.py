"""The active scanner: bounded, rate-limited probes of every in-scope host, stored host by host as they finish.

Non-intrusive by construction: TCP connects, one unauthenticated request per service, discovery datagrams
answered by unicast; credentials only when the user gives them, only by challenge-response, only to devices
of the matching family. A hostile or broken device costs at most its per-host deadline and is recorded as
anomalies; it never stops the scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from covered.collect.neighbours import NeighbourSource, neighbour_observation
from covered.collect.probes import CREDENTIALED_PROBES, PROBES, Credentials, Limits, ProbeContext
from covered.collect.probes.tls import unverified_context
from covered.collect.ratelimit import RateLimiter
from covered.collect.targets import PortSpec
from covered.identify.attribute import Identifier
from covered.identify.derive import derive
from covered.identify.oui import normalise_mac
from covered.model import Attribution, Channel, Observation
from covered.store import HostRecord, Store

__all__ = ["ScanOptions", "ScanProgress", "Scanner", "mac_of"]

_HTTP_PORTS = (80, 8080, 443, 8443)
_DEADLINE_CAP = 10.0
"""A host's deadline stretches by its wait for the shared budget, up to this many deadlines in all."""


@dataclass(frozen=True)
class ScanOptions:
    """How fast, how wide and with what the scanner probes."""

    ports: PortSpec = field(default_factory=PortSpec)
    rate: float = 300.0
    per_host_rate: float = 20.0
    concurrency: int = 64
    host_deadline: float = 60.0
    limits: Limits = field(default_factory=Limits)
    community: str = "public"
    credentials: Credentials | None = None
    kernel_neighbours: bool = True
    """Read this host's kernel neighbour table (/proc/net/arp) after probing, for MACs of on-link hosts."""

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.per_host_rate <= 0:
            raise ValueError("rates must be positive")
        if not 1 <= self.concurrency <= 4096:
            raise ValueError("concurrency must be between 1 and 4096")


@dataclass
class ScanProgress:
    """Counters for the progress bar."""

    total: int
    done: int = 0
    devices: int = 0
    restricted: int = 0
    errors: int = 0


class Scanner:
    """Probes hosts and stores each one's observations and attribution as soon as it is finished."""

    def __init__(
        self, identifier: Identifier, options: ScanOptions, neighbours: Sequence[NeighbourSource] = ()
    ) -> None:
        self.identifier = identifier
        self.options = options
        self.neighbours = neighbours
        self.limiter = RateLimiter(options.rate, options.per_host_rate)

    # --- one host ------------------------------------------------------------------------------
    async def _connect(self, ctx: ProbeContext, port: int) -> bool:
        await ctx.packet()
        writer = None
        try:
            _, writer = await asyncio.wait_for(
                asyncio.open_connection(ctx.address, port), self.options.limits.connect_timeout
            )
            return True
        except (OSError, TimeoutError):
            return False
        finally:
            if writer is not None:
                writer.close()

    async def _run_probes(self, ctx: ProbeContext, open_tcp: Sequence[int]) -> None:
        jobs = []
        for port in open_tcp:
            for probe in PROBES:
                if probe.transport == "tcp" and port in probe.ports:
                    jobs.append(probe.probe(ctx, port))
            if not any(port in p.ports for p in PROBES if p.transport == "tcp") and port not in (8000, 37777):
                jobs.append(PROBES[0].probe(ctx, port))  # an unfamiliar open port is tried as HTTP
        for port in self.options.ports.udp:
            for probe in PROBES:
                if probe.transport == "udp" and port in probe.ports:
                    jobs.append(probe.probe(ctx, port))
        await asyncio.gather(*jobs)

    async def _run_credentialed(self, ctx: ProbeContext, open_tcp: Sequence[int]) -> None:
        web = [p for p in _HTTP_PORTS if p in open_tcp]
        if ctx.credentials is None or not web:
            return
        interim = self.identifier.attribute(ctx.address, ctx.observations)
        has_onvif = any(o.channel is Channel.ONVIF for o in ctx.observations)
        for probe in CREDENTIALED_PROBES:
            if probe.family == interim.vendor or (probe.family == "onvif" and has_onvif):
                await probe.probe(ctx, web[0])

    async def _keep_deadline(self, budget: asyncio.Timeout, address: str) -> None:
        """Push the host's deadline out by the time it waited only for the budget all hosts share.

        With many hosts in flight at a low overall rate, each host's packets queue behind the others'; that
        wait is the scan's pace, not the host's slowness, so it does not count against the host (up to
        ten deadlines in all, so a host can never hold a scan for ever).
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = self.options.host_deadline
        while not budget.expired():
            await asyncio.sleep(min(deadline / 4, 0.5))
            if not budget.expired():
                budget.reschedule(started + min(deadline + self.limiter.held(address), deadline * _DEADLINE_CAP))

    async def scan_host(self, address: str, http: httpx.AsyncClient) -> HostRecord:
        """Probe one host within its deadline; partial answers are kept when the deadline cuts it short."""
        ctx = ProbeContext(
            address=address,
            limiter=self.limiter,
            limits=self.options.limits,
            http=http,
            community=self.options.community,
            credentials=self.options.credentials,
        )
        open_tcp: list[int] = []
        error = None
        probed = time.monotonic()
        try:
            async with asyncio.timeout(self.options.host_deadline) as budget:
                keeper = asyncio.create_task(self._keep_deadline(budget, address))
                try:
                    states = await asyncio.gather(*(self._connect(ctx, p) for p in self.options.ports.tcp))
                    probed = time.monotonic()  # ARP resolved (or failed) before the connects returned
                    open_tcp = [p for p, is_open in zip(self.options.ports.tcp, states, strict=True) if is_open]
                    for port in open_tcp:
                        # An open port is itself a sign: a vendor's port with nothing else answering is a lead.
                        ctx.add(Channel.PORT, "tcp", str(port), port, "tcp-connect")
                    await self._run_probes(ctx, open_tcp)
                    await self._run_credentialed(ctx, open_tcp)
                finally:
                    keeper.cancel()
        except TimeoutError:
            held = self.limiter.held(address)
            waited = f", beside {held:.0f} s waiting for the scan's overall rate" if held >= 1 else ""
            error = f"host deadline of {self.options.host_deadline:.0f} s reached{waited}; partial results kept"
            ctx.anomaly("timeout", error, None, "scanner")
        finally:
            self.limiter.forget(address)
        answered = {o.port for o in ctx.observations if o.channel is not Channel.ANOMALY and o.port is not None}
        services = [f"tcp/{p}" for p in open_tcp] + [f"udp/{p}" for p in self.options.ports.udp if p in answered]
        for port in (p for p in self.options.ports.udp if p in answered):
            ctx.add(Channel.PORT, "udp", str(port), port, "udp")
        macs: set[str] = set()
        for source in self.neighbours:
            # After probing, so the kernel has resolved the host; a host that answered nothing else but
            # ARP still becomes a device through its MAC.
            entry = await source.lookup(address, probed)
            if entry is not None and entry.mac not in macs:
                macs.add(entry.mac)
                ctx.observations.append(neighbour_observation(entry, source.collector))
        useful = [o for o in ctx.observations if o.channel is not Channel.ANOMALY]
        if error is None and not useful and not open_tcp:
            # A host the kernel would not send to (no route, refused) is an error of that host, kept in the scan
            # instead of vanishing like a silent one.
            refused = [o.value for o in ctx.observations if o.channel is Channel.ANOMALY and o.field == "connection"]
            error = refused[0] if refused else None
        attribution: Attribution | None = None
        if useful or open_tcp:
            attribution = self.identifier.attribute(address, ctx.observations)
        return HostRecord(
            address=address,
            observations=ctx.observations if (useful or open_tcp) else [],
            services=services,
            attribution=attribution,
            mac=mac_of(ctx.observations),
            error=error,
        )

    # --- a whole scan ----------------------------------------------------------------------------
    async def run(
        self,
        store: Store,
        scan_id: int,
        addresses: Sequence[str],
        on_progress: Callable[[ScanProgress, HostRecord], None] | None = None,
    ) -> ScanProgress:
        """Scan the addresses with a bounded worker pool; each host is stored in its own transaction."""
        progress = ScanProgress(total=len(addresses))
        queue: asyncio.Queue[str] = asyncio.Queue()
        for address in addresses:
            queue.put_nowait(address)
        results: asyncio.Queue[HostRecord | None] = asyncio.Queue(maxsize=self.options.concurrency * 2)
        limits = self.options.limits
        timeout = httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.request_deadline,
        )
        async with httpx.AsyncClient(
            verify=unverified_context(),
            timeout=timeout,
            trust_env=False,
            limits=httpx.Limits(max_connections=self.options.concurrency * 4, max_keepalive_connections=0),
            headers={"User-Agent": "covered (inventory scan)"},
        ) as http:

            async def worker() -> None:
                while True:
                    try:
                        address = queue.get_nowait()
                    except asyncio.QueueEmpty:
                        return
                    await results.put(await self.scan_host(address, http))

            async def writer() -> None:
                # One writer, one transaction per host: what is reported as stored is durable.
                while (record := await results.get()) is not None:
                    await asyncio.to_thread(store.record_host, scan_id, record)
                    progress.done += 1
                    if record.observations:
                        progress.devices += 1
                    if record.attribution is not None and record.attribution.restricted:
                        progress.restricted += 1
                    if record.error:
                        progress.errors += 1
                    if on_progress is not None:
                        on_progress(progress, record)

            writing = asyncio.create_task(writer())
            workers = [asyncio.create_task(worker()) for _ in range(min(self.options.concurrency, len(addresses)))]
            try:
                await asyncio.gather(*workers)
            finally:
                for task in workers:
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.gather(*workers, return_exceptions=True)
                await results.put(None)
                await writing
        return progress


def mac_of(observations: Sequence[Observation]) -> str | None:
    """The first MAC address among the observations and what they imply (SADP, DHIP, ISAPI replies)."""
    for observation in observations:
        for derived in (observation, *derive(observation)):
            if derived.channel is Channel.MAC:
                mac = normalise_mac(derived.value)
                if mac is not None:
                    return mac
    return None
