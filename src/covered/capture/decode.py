"""Frames to traffic records: who sent each frame, and what the few frames that say something said.

Most frames say nothing about a device but that it is there, so the fast path reads only the fixed offsets of
Ethernet + IPv4/IPv6 + TCP/UDP headers from the batch's bytes, counts the frame toward its sender's
:class:`Presence` (folded per sender and minute) and, for UDP to a public address, toward a folded connection.
A frame on a discovery, management or name port, a TCP segment starting an application message, a TLS
handshake, anything not plain Ethernet and IP, and anything tunnelled goes to the slow path: dpkt decodes it
and :mod:`covered.capture.protocols` reads its payload. A frame dpkt cannot decode is counted and skipped.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import dpkt

from covered.capture import protocols as p
from covered.capture.reader import META, Batch
from covered.capture.records import Egress, FrameRef, Presence, Sighting, TrafficRecord
from covered.model import Channel, Observation

__all__ = ["DecodeStats", "Decoder"]

UDP_PORTS = frozenset({53, 67, 68, 161, 1900, 2152, 3702, 4789, 5060, 5353, 5355, 37020, 37810})
"""UDP ports whose payload is read (names, DHCP, SNMP, SSDP, GTP-U, WS-Discovery, VXLAN, SIP, mDNS, LLMNR,
SADP, DHIP)."""
_TCP_STARTS = (b"HTTP/1.", b"RTSP/1.", b"SSH-", b"SIP/2.0", b"220")
_TCP_FIRST = frozenset(
    {0x16, ord("H"), ord("R"), ord("S"), ord("2"), ord("G"), ord("P"), ord("O"), ord("D"), ord("I"), ord("N")}
)
"""First payload bytes of messages worth a look (TLS handshake, HTTP/RTSP/SIP lines, SSH and FTP banners)."""
_METHODS = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"OPTIONS ", b"DESCRIBE ", b"INVITE ", b"REGISTER ", b"NOTIFY ")
MAX_TLS_FLOWS = 4_096
"""TLS handshakes followed at once while their certificate arrives (oldest dropped first)."""
MAX_TLS_BYTES = 32_768
"""Bytes of one handshake direction buffered for its certificate chain."""
MAX_FOLDS = 65_536
"""Senders (or UDP flows) folded at once; the fold is written out when it is full."""
MAX_BANNERS = 65_536
MAX_DEPTH = 3
"""Tunnels opened inside one frame (GRE/ERSPAN, GTP-U, VXLAN, VLAN stacks are dpkt's)."""
_ETHERNET, _LINUX_SLL, _LINUX_SLL2, _NULL, _LOOP, _RAW = 1, 113, 276, 0, 108, 101
_RAW_TYPES = frozenset({12, 14, 101, 228, 229})
_RADIOTAP, _IEEE80211 = 127, 105
_BAD_MACS = frozenset({b"\x00" * 6, b"\xff" * 6})


def _mac(raw: bytes) -> str | None:
    """A sender's MAC (upper case, colons); None for zero, broadcast and group addresses (never a sender)."""
    if len(raw) != 6 or raw in _BAD_MACS or raw[0] & 1:
        return None
    return raw.hex(":").upper()


def _address(raw: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, raw)


@dataclass
class DecodeStats:
    """Counts of what was decoded: frames seen, decoded in full, malformed (skipped), link types not read."""

    frames: int = 0
    decoded: int = 0
    malformed: int = 0
    unsupported: int = 0
    records: int = 0
    linktypes: set[int] = field(default_factory=set)


@dataclass(slots=True)
class _Fold:
    first: int
    first_sec: int
    first_usec: int
    last: int
    last_sec: int
    last_usec: int
    frames: int
    size: int


@dataclass(slots=True)
class _Tls:
    data: bytearray
    next_seq: int


class Decoder:
    """Turns the batches of one input into traffic records; ``finish`` writes out what is still folded."""

    def __init__(self, name: str, stats: DecodeStats | None = None) -> None:
        self.name = name
        self.stats = stats if stats is not None else DecodeStats()
        self._presence: dict[tuple[bytes, bytes], _Fold] = {}
        self._udp_folds: dict[tuple[bytes, bytes, bytes, int], _Fold] = {}
        self._public: dict[bytes, bool] = {}
        self._tls: dict[tuple[bytes, bytes, int, int], _Tls] = {}
        self._banners: set[tuple[str, int, str]] = set()
        self._minute = -1
        self._current = (0, 0, 0)

    # --- helpers ---------------------------------------------------------------------------------
    def _ref(self, number: int, sec: int, usec: int) -> FrameRef:
        return FrameRef(self.name, number, dt.datetime.fromtimestamp(sec + usec / 1e6, dt.UTC))

    def is_public(self, raw: bytes) -> bool:
        """Whether an address is a global one (cached: the same few addresses recur)."""
        known = self._public.get(raw)
        if known is None:
            if len(self._public) >= MAX_FOLDS:
                self._public.clear()
            address = ipaddress.ip_address(raw)
            known = self._public[raw] = address.is_global and not address.is_multicast
        return known

    def _sighting(
        self, mac: str | None, address: str | None, fact: p.Fact, port: int | None, ref: FrameRef
    ) -> Sighting | None:
        channel, field_name, value = fact
        if not value or (mac is None and address is None):
            return None
        observation = Observation.model_construct(
            device=mac or address or "",
            channel=channel,
            field=field_name,
            value=value,
            target=address,
            port=port,
            time=ref.time,
            collector=f"capture:{ref.file}:{ref.frame}",
        )
        return Sighting(observation=observation, mac=mac, address=address, frame=ref)

    def _flush(self) -> Iterator[TrafficRecord]:
        for (mac, address), fold in self._presence.items():
            yield Presence(
                _mac(mac),
                _address(address) if address else None,
                self._ref(fold.first, fold.first_sec, fold.first_usec),
                fold.frames,
                self._ref(fold.last, fold.last_sec, fold.last_usec),
                fold.size,
            )
        for (mac, source, remote, port), fold in self._udp_folds.items():
            yield Egress(
                "conn",
                _mac(mac),
                _address(source),
                None,
                _address(remote),
                port,
                fold.size,
                self._ref(fold.first, fold.first_sec, fold.first_usec),
                fold.frames,
            )
        self._presence.clear()
        self._udp_folds.clear()

    def finish(self) -> Iterator[TrafficRecord]:
        """Records still folded at the end of the input."""
        yield from self._flush()

    # --- the fast path -------------------------------------------------------------------------
    def batch(self, batch: Batch) -> Iterator[TrafficRecord]:
        """Every record the batch's frames give."""
        packets = batch.packets
        number = batch.first - 1
        stats = self.stats
        ethernet = batch.linktype == _ETHERNET
        if not ethernet:
            stats.linktypes.add(batch.linktype)
        presence = self._presence
        udp_fold = self._udp_folds
        tls = self._tls
        udp_ports = UDP_PORTS
        tcp_first = _TCP_FIRST
        for sec, usec, offset, caplen in META.iter_unpack(batch.meta):
            number += 1
            if not caplen:
                continue  # rejected by the user's filter
            stats.frames += 1
            minute = sec // 60
            if minute != self._minute:
                if self._minute >= 0:
                    yield from self._flush()
                self._minute = minute
            if len(presence) >= MAX_FOLDS or len(udp_fold) >= MAX_FOLDS:
                yield from self._flush()
            if not ethernet or caplen < 34:
                yield from self._slow(batch.linktype, packets[offset : offset + caplen], number, sec, usec)
                continue
            kind = packets[offset + 12] << 8 | packets[offset + 13]
            if kind == 0x0800 and packets[offset + 14] >> 4 == 4:
                ip = offset + 14
                l4 = ip + (packets[ip] & 15) * 4
                proto = packets[ip + 9]
                source = packets[ip + 12 : ip + 16]
                remote = packets[ip + 16 : ip + 20]
            elif kind == 0x86DD and caplen >= 54:
                ip = offset + 14
                l4 = ip + 40
                proto = packets[ip + 6]
                source = packets[ip + 8 : ip + 24]
                remote = packets[ip + 24 : ip + 40]
            else:
                yield from self._slow(batch.linktype, packets[offset : offset + caplen], number, sec, usec)
                continue
            mac = packets[offset + 6 : offset + 12]
            key = (mac, source)
            fold = presence.get(key)
            if fold is None:
                presence[key] = _Fold(number, sec, usec, number, sec, usec, 1, caplen)
            else:
                fold.last, fold.last_sec, fold.last_usec = number, sec, usec
                fold.frames += 1
                fold.size += caplen
            end = offset + caplen
            if proto == 17 and l4 + 8 <= end:
                sport = packets[l4] << 8 | packets[l4 + 1]
                dport = packets[l4 + 2] << 8 | packets[l4 + 3]
                if sport in udp_ports or dport in udp_ports:
                    yield from self._slow(batch.linktype, packets[offset:end], number, sec, usec, counted=True)
                elif remote[0] < 224 and self.is_public(remote):
                    flow = (mac, source, remote, dport)
                    fold = udp_fold.get(flow)
                    if fold is None:
                        udp_fold[flow] = _Fold(number, sec, usec, number, sec, usec, 1, caplen)
                    else:
                        fold.frames += 1
                        fold.size += caplen
            elif proto == 6 and l4 + 20 <= end:
                flags = packets[l4 + 13]
                start = l4 + (packets[l4 + 12] >> 4) * 4
                if flags & 0x12 == 0x02 or (
                    start < end
                    and (
                        packets[start] in tcp_first
                        or (
                            tls
                            and (
                                source,
                                remote,
                                packets[l4] << 8 | packets[l4 + 1],
                                packets[l4 + 2] << 8 | packets[l4 + 3],
                            )
                            in tls
                        )
                        or (packets[l4] << 8 | packets[l4 + 1]) == 23
                    )
                ):
                    yield from self._slow(batch.linktype, packets[offset:end], number, sec, usec, counted=True)
            elif proto not in (6, 17):
                yield from self._slow(batch.linktype, packets[offset:end], number, sec, usec, counted=True)

    # --- the slow path ---------------------------------------------------------------------------
    def _slow(
        self, linktype: int, frame: bytes, number: int, sec: int, usec: int, counted: bool = False
    ) -> Iterator[TrafficRecord]:
        ref = self._ref(number, sec, usec)
        self._current = (number, sec, usec)
        try:
            records = list(self._frame(linktype, frame, ref, counted, len(frame)))
        except p.PARSE_ERRORS:
            self.stats.malformed += 1
            return
        except (RecursionError, OverflowError, OSError):
            self.stats.malformed += 1
            return
        self.stats.decoded += 1
        self.stats.records += len(records)
        yield from records

    def _fold(self, mac: str | None, source: bytes, size: int) -> None:
        """Count the current slow-path frame toward its sender's presence."""
        if mac is None and not source:
            return
        number, sec, usec = self._current
        key = (bytes.fromhex(mac.replace(":", "")) if mac else b"", source)
        fold = self._presence.get(key)
        if fold is None:
            self._presence[key] = _Fold(number, sec, usec, number, sec, usec, 1, size)
        else:
            fold.last, fold.last_sec, fold.last_usec = number, sec, usec
            fold.frames += 1
            fold.size += size

    def _frame(self, linktype: int, frame: bytes, ref: FrameRef, counted: bool, size: int) -> Iterator[TrafficRecord]:
        if linktype == _ETHERNET:
            yield from self._ethernet(dpkt.ethernet.Ethernet(frame), ref, counted, size, 0)
        elif linktype in (_LINUX_SLL, _LINUX_SLL2):
            layer = dpkt.sll.SLL(frame) if linktype == _LINUX_SLL else dpkt.sll2.SLL2(frame)
            raw = getattr(layer, "hdr", getattr(layer, "hdr_addr", b""))[:6]
            yield from self._network(layer.data, _mac(raw), ref, counted, size, 0)
        elif linktype in (_NULL, _LOOP):
            yield from self._network(dpkt.loopback.Loopback(frame).data, None, ref, counted, size, 0)
        elif linktype in _RAW_TYPES:
            yield from self._network(_ip(frame), None, ref, counted, size, 0)
        elif linktype in (_RADIOTAP, _IEEE80211):
            yield from self._wireless(frame, linktype, ref, size)
        else:
            self.stats.unsupported += 1

    def _wireless(self, frame: bytes, linktype: int, ref: FrameRef, size: int) -> Iterator[TrafficRecord]:
        layer = dpkt.radiotap.Radiotap(frame).data if linktype == _RADIOTAP else dpkt.ieee80211.IEEE80211(frame)
        for part in ("mgmt", "data_frame", "rts", "ack"):
            inner = getattr(layer, part, None)
            mac = _mac(getattr(inner, "src", b"")) if inner is not None else None
            if mac is not None:
                self._fold(mac, b"", size)
                return
        return
        yield

    def _ethernet(
        self, layer: dpkt.ethernet.Ethernet, ref: FrameRef, counted: bool, size: int, depth: int
    ) -> Iterator[TrafficRecord]:
        mac = _mac(layer.src)
        payload = layer.data
        if isinstance(payload, (dpkt.ip.IP, dpkt.ip6.IP6)):
            yield from self._network(payload, mac, ref, counted, size, depth)
            return
        if not counted:
            self._fold(mac, b"", size)
        if isinstance(payload, dpkt.arp.ARP):
            sender = _mac(payload.sha)
            if sender is not None and payload.pro == 0x0800 and len(payload.spa) == 4 and payload.spa != b"\0" * 4:
                sighting = self._sighting(sender, _address(payload.spa), (Channel.MAC, "address", sender), None, ref)
                if sighting is not None:
                    yield sighting
        elif layer.type == 0x88CC and mac is not None:
            for fact in p.lldp_facts(bytes(layer.data)):
                sighting = self._sighting(mac, None, fact, None, ref)
                if sighting is not None:
                    yield sighting
        elif isinstance(payload, dpkt.cdp.CDP) or (layer.dst == b"\x01\x00\x0c\xcc\xcc\xcc" and mac is not None):
            data = bytes(payload) if isinstance(payload, dpkt.cdp.CDP) else bytes(layer.data)[8:]
            if isinstance(payload, dpkt.llc.LLC):
                data = bytes(payload.data)
            for fact in p.cdp_facts(data):
                sighting = self._sighting(mac, None, fact, None, ref)
                if sighting is not None:
                    yield sighting

    def _network(
        self, layer: Any, mac: str | None, ref: FrameRef, counted: bool, size: int, depth: int
    ) -> Iterator[TrafficRecord]:
        if not isinstance(layer, (dpkt.ip.IP, dpkt.ip6.IP6)):
            if not counted:
                self._fold(mac, b"", size)
            return
        source, remote = _address(layer.src), _address(layer.dst)
        if not counted:
            self._fold(mac, layer.src, size)
        # A public sender's frames reach us through a router: the MAC is the router's, not the sender's.
        # Multicast and broadcast are not routed off the link, so their sender's MAC is its own.
        on_link = layer.dst[0] >= 224 if len(layer.dst) == 4 else layer.dst[0] == 0xFF
        own = mac if mac is not None and (on_link or not self.is_public(layer.src)) else None
        transport = layer.data
        if isinstance(transport, dpkt.gre.GRE) and depth < MAX_DEPTH:
            yield from self._gre(transport, ref, size, depth + 1)
        elif isinstance(transport, dpkt.udp.UDP):
            yield from self._udp(transport, layer, own, source, remote, ref, size, depth)
        elif isinstance(transport, dpkt.tcp.TCP):
            yield from self._tcp(transport, layer, own, source, remote, ref, size)

    def _gre(self, gre: dpkt.gre.GRE, ref: FrameRef, size: int, depth: int) -> Iterator[TrafficRecord]:
        data = gre.data if isinstance(gre.data, bytes) else bytes(gre.data)
        if gre.p == 0x88BE and len(data) > 8:  # ERSPAN type II: an 8-byte header, then the mirrored frame
            yield from self._ethernet(dpkt.ethernet.Ethernet(data[8:]), ref, False, size, depth)
        elif gre.p == 0x6558:  # transparent Ethernet bridging
            yield from self._ethernet(dpkt.ethernet.Ethernet(data), ref, False, size, depth)
        elif isinstance(gre.data, (dpkt.ip.IP, dpkt.ip6.IP6)):
            yield from self._network(gre.data, None, ref, False, size, depth)

    def _udp(
        self,
        udp: dpkt.udp.UDP,
        layer: dpkt.ip.IP | dpkt.ip6.IP6,
        mac: str | None,
        source: str,
        remote: str,
        ref: FrameRef,
        size: int,
        depth: int,
    ) -> Iterator[TrafficRecord]:
        payload = bytes(udp.data)
        sport, dport = udp.sport, udp.dport
        facts: list[p.Fact] = []
        if dport == 2152 and depth < MAX_DEPTH:
            inner = _gtp(payload)
            if inner is not None:
                yield from self._network(inner, None, ref, False, size, depth + 1)
            return
        if dport == 4789 and depth < MAX_DEPTH and len(payload) > 8:
            yield from self._ethernet(dpkt.ethernet.Ethernet(payload[8:]), ref, False, size, depth + 1)
            return
        if 53 in (sport, dport):
            names = p.dns_names(payload)
            if names is not None:
                response, name, answers = names
                if response:
                    yield Egress("dns", None, remote, name, source, sport, size, ref, 1, answers)
                else:
                    yield Egress("dns", mac, source, name, remote, dport, size, ref)
            return
        if dport in (67, 68) or sport in (67, 68):
            op, client, address, facts = p.dhcp_facts(payload)
            client_mac = client if _mac(bytes.fromhex(client.replace(":", ""))) else None
            if client_mac is None:
                return
            if op == 1:
                facts.insert(0, (Channel.MAC, "address", client_mac))
            elif address is not None:
                # The server's reply binds the client's MAC to its address: a fact about the client.
                facts = [(Channel.MAC, "address", client_mac)]
            for fact in facts:
                sighting = self._sighting(client_mac, address, fact, None, ref)
                if sighting is not None:
                    yield sighting
            return
        if sport == 5353 or dport == 5353:
            facts = p.mdns_facts(payload)
        elif sport == 5355:
            facts = p.llmnr_names(payload)
        elif sport == 1900 or dport == 1900:
            facts = p.ssdp_facts(payload)
        elif sport == 3702 or dport == 3702:
            facts = p.ws_discovery_facts(payload)
        elif sport == 37020 or dport == 37020:
            facts = p.sadp_facts(payload)
        elif sport == 37810 or dport == 37810:
            facts = p.dhip_facts(payload)
        elif sport == 161:
            facts = p.snmp_facts(payload)
        elif sport == 5060 or dport == 5060:
            facts = p.sip_facts(payload)
        for fact in facts:
            sighting = self._sighting(mac, source, fact, sport, ref)
            if sighting is not None:
                yield sighting

    def _tcp(
        self,
        tcp: dpkt.tcp.TCP,
        layer: dpkt.ip.IP | dpkt.ip6.IP6,
        mac: str | None,
        source: str,
        remote: str,
        ref: FrameRef,
        size: int,
    ) -> Iterator[TrafficRecord]:
        sport, dport = tcp.sport, tcp.dport
        if tcp.flags & (dpkt.tcp.TH_SYN | dpkt.tcp.TH_ACK) == dpkt.tcp.TH_SYN:
            if self.is_public(layer.dst):
                yield Egress("conn", mac, source, None, remote, dport, size, ref)
            return
        payload = bytes(tcp.data)
        if not payload:
            return
        flow = (layer.src, layer.dst, sport, dport)
        pending = self._tls.get(flow)
        if pending is not None or payload[0] == 0x16:
            yield from self._tls_segment(flow, pending, tcp, payload, mac, source, remote, ref, size)
            return
        facts: list[p.Fact] = []
        if payload.startswith((b"HTTP/1.", b"RTSP/1.")) or payload.startswith(_METHODS):
            if sport == 5060 or dport == 5060 or b"SIP/2.0" in payload[:256]:
                facts = p.sip_facts(payload)
            else:
                rtsp = payload.startswith(b"RTSP/1.") or b" RTSP/1." in payload[:512]
                parsed = p.http_facts(payload, rtsp)
                if parsed is not None:
                    kind, facts, headers = parsed
                    if kind == "request" and headers.get("host") and not rtsp:
                        host = headers["host"].rsplit(":", 1)[0] if "]" not in headers["host"] else headers["host"]
                        yield Egress("http-host", mac, source, host[:255], remote, dport, size, ref)
        elif payload.startswith(b"SIP/2.0"):
            facts = p.sip_facts(payload)
        elif payload.startswith(b"SSH-") and sport < dport:
            facts = [(Channel.SSH, "banner", p.line_text(payload, 255))]
        elif payload.startswith(b"220") and sport == 21:
            facts = [(Channel.FTP, "banner", p.line_text(payload))]
        elif sport == 23:
            text = p.telnet_text(payload)
            if text:
                facts = [(Channel.TELNET, "banner", text)]
        for fact in facts:
            if fact[0] in (Channel.SSH, Channel.FTP, Channel.TELNET):
                seen = (source, sport, fact[0].value)
                if seen in self._banners:
                    continue
                if len(self._banners) < MAX_BANNERS:
                    self._banners.add(seen)
            sighting = self._sighting(mac, source, fact, sport, ref)
            if sighting is not None:
                yield sighting

    def _tls_segment(
        self,
        flow: tuple[bytes, bytes, int, int],
        pending: _Tls | None,
        tcp: dpkt.tcp.TCP,
        payload: bytes,
        mac: str | None,
        source: str,
        remote: str,
        ref: FrameRef,
        size: int,
    ) -> Iterator[TrafficRecord]:
        if pending is None:
            pending = _Tls(bytearray(), tcp.seq)
            if len(self._tls) >= MAX_TLS_FLOWS:
                del self._tls[next(iter(self._tls))]
            self._tls[flow] = pending
        elif tcp.seq != pending.next_seq:
            return  # a retransmission or a segment out of order: the next in-order one continues
        pending.data += payload[: MAX_TLS_BYTES - len(pending.data)]
        pending.next_seq = (tcp.seq + len(payload)) & 0xFFFFFFFF
        try:
            certificates, sni, _done = p.tls_messages(bytes(pending.data))
        except dpkt.NeedData:
            if len(pending.data) >= MAX_TLS_BYTES:
                del self._tls[flow]
            return
        except p.PARSE_ERRORS:
            del self._tls[flow]
            raise
        del self._tls[flow]
        if sni is not None:
            yield Egress("sni", mac, source, sni, remote, tcp.dport, size, ref)
        if certificates:
            import base64

            # The leaf certificate names the device; derive() reads its subject and issuer as a scan's would.
            fact = (Channel.TLS, "pem", base64.b64encode(certificates[0]).decode("ascii"))
            sighting = self._sighting(mac, source, fact, tcp.sport, ref)
            if sighting is not None:
                yield sighting


def _ip(data: bytes) -> dpkt.ip.IP | dpkt.ip6.IP6 | None:
    if not data:
        return None
    version = data[0] >> 4
    if version == 4:
        return dpkt.ip.IP(data)
    if version == 6:
        return dpkt.ip6.IP6(data)
    return None


def _gtp(payload: bytes) -> dpkt.ip.IP | dpkt.ip6.IP6 | None:
    """The inner IP packet of a GTP-U G-PDU (3GPP TS 29.281 section 5: 8 bytes, 4 more with E/S/PN flags)."""
    if len(payload) < 8 or payload[0] >> 5 != 1 or payload[1] != 0xFF:
        return None
    offset = 8
    if payload[0] & 0x07:
        offset = 12
        kind = payload[11]
        while kind and offset < len(payload):  # extension headers: length in 4-byte units, next type last
            length = payload[offset] * 4
            if not length:
                return None
            kind = payload[offset + length - 1]
            offset += length
    return _ip(payload[offset:])
