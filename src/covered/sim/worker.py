"""One worker process: binds its share of the fleet's services on loopback and serves them until told to stop.

The parent sends nothing but 'stop' over a pipe; a closed pipe (the parent died) also stops the worker, so no
worker outlives its fleet. Every connection is bounded: a cap on open connections per worker, an idle
timeout on every read, a request-size cap per protocol and a cap on delayed ('slow') UDP answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import resource
import signal
import socket
import ssl
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import cast

from covered.sim import dhip, dvrip, hik_sdk, mdns, onvif, rtsp, sadp, snmp, ssdp
from covered.sim.banners import BUSYBOX_IAC, ssh_banner, telnet_banner
from covered.sim.context import Context
from covered.sim.hostile import banner_bytes
from covered.sim.httpd import MAX_HEAD, MAX_REQUESTS, Output, read_request, write_response
from covered.sim.plan import Device, FleetSpec, SimError, plan_fleet
from covered.sim.tls import CertPair, context_for, garbage_server_flight, make_certificate
from covered.sim.web import route

__all__ = ["WorkerPayload", "raise_nofile_limit", "worker_main"]

log = logging.getLogger("covered.sim")

MAX_CONNECTIONS = 3000
MAX_DELAYED = 512
OVERSIZE_DATAGRAM = 60_000
_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


@dataclass(frozen=True, slots=True)
class WorkerPayload:
    """What a worker needs: the spec (to recompute the plan), its slice of devices and shared certificates."""

    spec: FleetSpec
    start: int
    end: int
    certs: dict[str, CertPair]


def raise_nofile_limit() -> tuple[int, int]:
    """Raise the soft open-files limit to the hard limit; returns (soft, hard) after the change."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def _assert_loopback(address: str) -> None:
    if ipaddress.IPv4Address(address) not in _LOOPBACK:
        raise SimError(f"refusing to bind {address}: the simulator binds 127.0.0.0/8 only")


class _Udp(asyncio.DatagramProtocol):
    """One UDP service of one device."""

    def __init__(self, runtime: Runtime, device: Device, port: int) -> None:
        self.runtime, self.device, self.port = runtime, device, port
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # CPython's selector datagram transport does not subclass asyncio.DatagramTransport (3.11).
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, int]) -> None:
        host = str(addr[0])
        if ipaddress.IPv4Address(host) not in _LOOPBACK or self.device.hostile == "reset":
            return
        reply = self.runtime.udp_answer(self.device, self.port, data)
        if reply is None or self.transport is None:
            return
        if self.device.hostile == "slow":
            self.runtime.delay_datagram(self.transport, reply, (host, int(addr[1])))
        else:
            self.transport.sendto(reply, (host, int(addr[1])))

    def error_received(self, exc: Exception) -> None:
        log.debug("udp %s:%d: %s", self.device.address, self.port, exc)


class Runtime:
    """The servers, datagram endpoints and connection tasks of one worker."""

    def __init__(self, ctx: Context, certs: dict[str, CertPair]) -> None:
        self.ctx = ctx
        self.certs = certs
        self.servers: list[asyncio.Server] = []
        self.endpoints: list[asyncio.DatagramTransport] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.timers: set[asyncio.TimerHandle] = set()
        self.active = 0
        self._ssl: dict[str, ssl.SSLContext] = {}

    # --- binding -------------------------------------------------------------------------------
    def _context(self, kind: str, detail: str = "") -> ssl.SSLContext:
        key = f"{kind}:{detail}"
        if key not in self._ssl:
            pair = self.certs.get(kind) if not detail else None
            self._ssl[key] = context_for(pair if pair is not None else make_certificate(kind, detail))
        return self._ssl[key]

    def _tls_for(self, device: Device) -> ssl.SSLContext | None:
        if device.hostile == "reset":
            return None
        if device.hostile == "bad-cert":
            return (self._context("expired"), self._context("wrong-host"), None)[device.variant]
        family = device.persona.family
        if family == "axis":
            return self._context("axis", device.mac)
        if family in ("hikvision", "dahua", "bosch"):
            return self._context(family)
        return self._context("wrong-host")

    async def bind(self, device: Device) -> int:
        """Bind every service of the device; returns the number of sockets."""
        _assert_loopback(device.address)
        loop = asyncio.get_running_loop()
        count = 0
        for port in device.tcp_ports:
            sock = _socket(device.address, port, socket.SOCK_STREAM)
            tls = self._tls_for(device) if port == 443 else None
            if port == 8443 and device.string("tls_8443"):
                tls = self._context(device.string("tls_8443"))  # SDK over TLS (EZVIZ, Hikvision)
            handler = self._tcp_handler(device, port)
            try:
                server = await asyncio.start_server(
                    handler, sock=sock, ssl=tls, limit=MAX_HEAD, ssl_handshake_timeout=10 if tls else None
                )
            except BaseException:
                sock.close()
                raise
            self.servers.append(server)
            count += 1
        for port in device.udp_ports:
            sock = _socket(device.address, port, socket.SOCK_DGRAM)
            try:
                transport, _ = await loop.create_datagram_endpoint(
                    lambda device=device, port=port: _Udp(self, device, port),  # type: ignore[misc]
                    sock=sock,
                )
            except BaseException:
                sock.close()
                raise
            self.endpoints.append(transport)
            count += 1
        return count

    # --- TCP -----------------------------------------------------------------------------------
    def _tcp_handler(
        self, device: Device, port: int
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await self._connection(device, port, reader, writer)

        return handle

    async def _connection(
        self, device: Device, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
        self.active += 1
        try:
            if self.active > MAX_CONNECTIONS or device.hostile == "reset":
                _reset(writer)
                return
            trickle = 0.0
            if device.hostile == "slow":
                if device.variant == 1:
                    trickle = self.ctx.slow_seconds
                else:
                    await asyncio.sleep(self.ctx.slow_seconds)
            out = Output(writer, trickle=trickle)
            await self._serve(device, port, reader, out)
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError):
            pass
        except asyncio.CancelledError:
            # Shutdown cancels open connections; finishing normally keeps asyncio's stream callback quiet
            # (3.11 calls task.exception() on the handler task, which raises for a cancelled task).
            pass
        except Exception:
            log.exception("device %s tcp/%d: responder error", device.address, port)
        finally:
            self.active -= 1
            if task is not None:
                self.tasks.discard(task)
            if not writer.is_closing():
                writer.close()

    async def _serve(self, device: Device, port: int, reader: asyncio.StreamReader, out: Output) -> None:
        timeout = self.ctx.idle_timeout
        if str(port) in device.string("silent").split():
            # Accepts and says nothing, whatever it is sent, until the client or the idle timeout ends it.
            async with asyncio.timeout(timeout):
                while await reader.read(4096):
                    pass
            return
        if port in (80, 443):
            if port == 443 and device.hostile == "bad-cert" and device.variant == 2:
                async with asyncio.timeout(timeout):
                    hello = await reader.read(MAX_HEAD)
                if hello[:1] == b"\x16":
                    await out.send(garbage_server_flight(hello, device.secret.encode()))
                    async with asyncio.timeout(timeout):
                        await reader.read(1024)
                return
            await self._http(device, reader, out)
        elif port == 554:
            await self._rtsp(device, reader, out)
        elif port == 23:
            await self._telnet(device, reader, out)
        elif port == 22:
            await out.send(ssh_banner(device))
            async with asyncio.timeout(timeout):
                await reader.readline()
                await reader.read(4096)
        elif port in (8000, 8443):
            async with asyncio.timeout(timeout):
                data = await reader.read(1024)
            answer = hik_sdk.sdk_answer(device, data)
            if answer is not None:
                await out.send(answer)
        elif hik_sdk.silent_port(port):
            async with asyncio.timeout(timeout):
                while await reader.read(1024):  # read and say nothing until the client leaves or idles out
                    pass
        elif port == 37777:
            async with asyncio.timeout(timeout):
                request = await reader.read(1024) if device.string("dvrip_port") else await reader.readexactly(32)
            answer = dvrip.realm_answer(device, request)
            if answer is not None:
                await out.send(answer)

    async def _http(self, device: Device, reader: asyncio.StreamReader, out: Output) -> None:
        for _ in range(MAX_REQUESTS):
            request = await read_request(reader, self.ctx.idle_timeout)
            if request is None:
                return
            response = route(device, request, self.ctx)
            keep = request.version == "HTTP/1.1" and (request.header("connection") or "").lower() != "close"
            keep = keep and not response.stream and not response.upper
            if request.method == "HEAD":
                response.body, response.stream = b"", 0
            await write_response(out, response, request.version, keep)
            if not keep:
                return

    async def _rtsp(self, device: Device, reader: asyncio.StreamReader, out: Output) -> None:
        for _ in range(MAX_REQUESTS):
            async with asyncio.timeout(self.ctx.idle_timeout):
                head = await reader.readuntil(b"\r\n\r\n")
            answer = rtsp.respond(device, head, self.ctx.username, self.ctx.password)
            if answer is None:
                return
            await out.send(answer)
            if answer.startswith(b"RTSP/1.0 405"):
                return

    async def _telnet(self, device: Device, reader: asyncio.StreamReader, out: Output) -> None:
        banner = telnet_banner(device)
        await out.send(banner)
        for _ in range(3):
            async with asyncio.timeout(self.ctx.idle_timeout):
                await reader.readuntil(b"\n")
            await out.send(b"Password: ")
            async with asyncio.timeout(self.ctx.idle_timeout):
                await reader.readuntil(b"\n")
            await out.send(b"\r\nLogin incorrect\r\n" + banner.removeprefix(BUSYBOX_IAC))

    # --- UDP -----------------------------------------------------------------------------------
    def udp_answer(self, device: Device, port: int, data: bytes) -> bytes | None:
        """The datagram a device sends back, or None for no answer."""
        oversize = OVERSIZE_DATAGRAM if device.hostile == "oversized" else 0
        if port == 3702:
            probe = onvif.parse_probe(data)
            return None if probe is None else onvif.probe_matches(device, probe[0], probe[1], oversize=oversize)
        if port == 37020:
            inquiry = sadp.parse_inquiry(data)
            return None if inquiry is None else sadp.probe_match(device, *inquiry)
        if port == 37810:
            body = dhip.parse_dhip(data)
            if body is None or body.get("method") != "DHDiscover.search":
                return None
            return dhip.notify_dev_info(device)
        if port == 161:
            return snmp.respond(device, data, self._sys_descr(device))
        if port == 1900:
            return ssdp.msearch_reply(device, data, oversize=oversize)
        if port == 5353:
            return mdns.answer(device, data)
        return None

    @staticmethod
    def _sys_descr(device: Device) -> bytes | None:
        if device.hostile in ("non-utf8", "script-banner"):
            return banner_bytes(device, device.model.name)
        return None

    def delay_datagram(self, transport: asyncio.DatagramTransport, data: bytes, addr: tuple[str, int]) -> None:
        """Send a datagram after the 'slow' delay (bounded number pending)."""
        if len(self.timers) >= MAX_DELAYED:
            return
        loop = asyncio.get_running_loop()

        def send() -> None:
            self.timers.discard(handle)
            if not transport.is_closing():
                transport.sendto(data, addr)

        handle = loop.call_later(self.ctx.slow_seconds, send)
        self.timers.add(handle)

    # --- shutdown ------------------------------------------------------------------------------
    async def close(self) -> None:
        """Close every listener and endpoint, cancel open connections and pending datagrams."""
        for server in self.servers:
            server.close()
        for transport in self.endpoints:
            transport.close()
        for handle in list(self.timers):
            handle.cancel()
        self.timers.clear()
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        for server in self.servers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), timeout=2)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with an RST: SO_LINGER on with a zero timeout, then abort."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _socket(address: str, port: int, kind: int) -> socket.socket:
    """A bound (and, for TCP, listening) non-blocking socket; a clear SimError if the port is taken."""
    sock = socket.socket(socket.AF_INET, kind)
    try:
        if kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        if kind == socket.SOCK_STREAM:
            sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        proto = "tcp" if kind == socket.SOCK_STREAM else "udp"
        if exc.errno == errno.EADDRINUSE:
            raise SimError(f"{address} {proto}/{port} is already in use") from exc
        if exc.errno == errno.EMFILE:
            raise SimError(f"out of file descriptors binding {address} {proto}/{port}") from exc
        raise SimError(f"cannot bind {address} {proto}/{port}: {exc.strerror}") from exc
    return sock


async def _run(conn: Connection, payload: WorkerPayload) -> None:
    spec = payload.spec
    ctx = Context(spec.username, spec.password, spec.slow_seconds, spec.oversize_bytes, spec.idle_timeout)
    runtime = Runtime(ctx, payload.certs)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_reader(conn.fileno(), stop.set)  # 'stop' message or EOF when the parent goes away
    began = time.perf_counter()
    sockets = 0
    try:
        for device in plan_fleet(spec)[payload.start : payload.end]:
            sockets += await runtime.bind(device)
    except (SimError, OSError) as exc:
        conn.send(("error", str(exc)))
        await runtime.close()
        return
    conn.send(("ready", {"sockets": sockets, "seconds": time.perf_counter() - began}))
    await stop.wait()
    loop.remove_reader(conn.fileno())
    await runtime.close()


def worker_main(conn: Connection, payload: WorkerPayload) -> None:
    """Entry point of a worker process (multiprocessing target)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and tells workers to stop
    logging.basicConfig(level=logging.WARNING, format="covered-sim worker: %(message)s")
    raise_nofile_limit()
    try:
        asyncio.run(_run(conn, payload))
    except Exception as exc:  # report, then exit non-zero: the parent turns it into a SimError
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from exc
    finally:
        conn.close()
