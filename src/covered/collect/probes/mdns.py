"""mDNS by unicast: which DNS-SD services a host announces, their instance names, hosts and TXT records.

The query goes to the host itself on UDP 5353 from an ordinary port, so a responder answers it by unicast to
that port (RFC 6762 section 6.7, legacy unicast responses). The first question is DNS-SD service type
enumeration (RFC 6763 section 9: PTR ``_services._dns-sd._udp.local``); a second message asks for the
instances of a few of the types it names, whose SRV, TXT and address records come back alongside (RFC 6763
section 12). Messages are built and parsed by dnspython; a malformed answer is an anomaly.
"""

from __future__ import annotations

import re
import secrets

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from covered.collect.probes.base import ProbeContext, decode_text
from covered.collect.probes.udp import exchange
from covered.model import Channel

__all__ = ["MAX_TYPES", "SERVICES", "MdnsProbe", "mdns_query", "mdns_records"]

SERVICES = "_services._dns-sd._udp.local."
"""The DNS-SD meta-query name (RFC 6763 section 9)."""
MAX_TYPES = 4
"""Service types whose instances are asked for (one message with this many questions at most)."""
MAX_RECORDS = 64
"""Resource records read from one answer; the rest are ignored."""
MAX_TXT = 32
"""TXT strings recorded per answer."""
_SERVICE_TYPE = re.compile(r"(?:^|\.)_[^.]{1,63}\._(?:tcp|udp)\.local$")


def mdns_query(names: list[str], query_id: int = 0) -> bytes:
    """A DNS query with one PTR question per name (ID 0 as RFC 6762 section 18.1 asks, unless given)."""
    message = dns.message.Message(id=query_id)
    message.flags = dns.flags.Flag(0)
    for name in names:
        message.question.append(dns.rrset.RRset(dns.name.from_text(name), dns.rdataclass.IN, dns.rdatatype.PTR))
    return message.to_wire()


def _text(name: dns.name.Name) -> str:
    """A name as its labels read (instance labels hold spaces and UTF-8: RFC 6763 section 4.3), unescaped."""
    return ".".join(decode_text(label) for label in name.labels if label)[:255]


def mdns_records(data: bytes, query_id: int | None = None) -> list[tuple[str, str]]:
    """(field, value) pairs of an mDNS answer (service, instance, hostname, txt); raises on malformed DNS."""
    message = dns.message.from_wire(data, ignore_trailing=True, one_rr_per_rrset=True)
    if query_id is not None and message.id != query_id:
        raise ValueError(f"answer id {message.id} is not the query's")
    if not message.flags & dns.flags.QR:
        raise ValueError("a query, not a response")
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(field: str, value: str) -> None:
        if value and (field, value) not in seen:
            seen.add((field, value))
            out.append((field, value))

    records = [rrset for rrset in (*message.answer, *message.additional)][:MAX_RECORDS]
    txt = 0
    for rrset in records:
        owner = _text(rrset.name)
        for rdata in list(rrset)[:MAX_RECORDS]:
            # Records with the mDNS cache-flush bit (class 0x8001, RFC 6762 section 10.2) are not class IN to
            # dnspython, which keeps their data unparsed: only owner names and TXT strings are read from those.
            generic = isinstance(rdata, dns.rdata.GenericRdata)
            if rrset.rdtype == dns.rdatatype.PTR and not generic:
                target = _text(rdata.target)
                if rrset.name == dns.name.from_text(SERVICES):
                    add("service", target)
                elif owner.endswith((".in-addr.arpa", ".ip6.arpa")):
                    add("hostname", target)  # a reverse-mapping record names the host (RFC 6762 section 4)
                elif _SERVICE_TYPE.search(owner):
                    add("service", owner)
                    add("instance", target)
            elif rrset.rdtype == dns.rdatatype.SRV:
                add("instance", owner)
                if not generic:
                    add("hostname", _text(rdata.target))
            elif rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                add("hostname", owner)
            elif rrset.rdtype == dns.rdatatype.TXT:
                for string in _txt_strings(rdata.data) if generic else rdata.strings:
                    if txt < MAX_TXT and string:
                        txt += 1
                        add("txt", decode_text(string[:255]))
    return out


def _txt_strings(data: bytes) -> list[bytes]:
    """The length-prefixed character-strings of TXT RDATA (RFC 1035 section 3.3.14); a short last one is cut."""
    out: list[bytes] = []
    position = 0
    while position < len(data) and len(out) < MAX_TXT:
        length = data[position]
        out.append(data[position + 1 : position + 1 + length])
        position += 1 + length
    return out


class MdnsProbe:
    """Unicast DNS-SD service enumeration, then the instances (SRV, TXT, host) of the types it names."""

    name = "mdns"
    channel = Channel.MDNS
    transport = "udp"
    ports = (5353,)
    packets = 2
    needs_credentials = False

    async def probe(self, ctx: ProbeContext, port: int) -> None:
        """Record service types, instance names, host names and TXT strings."""
        seen: set[tuple[str, str]] = set()
        found = await self._ask(ctx, port, [SERVICES], seen)
        if found is None:
            return
        suffixes = ("._tcp.local", "._udp.local")
        types = [value for field, value in found if field == "service" and value.endswith(suffixes)]
        if not types:
            return
        await self._ask(ctx, port, [f"{name}." for name in types[:MAX_TYPES]], seen)

    async def _ask(
        self, ctx: ProbeContext, port: int, names: list[str], seen: set[tuple[str, str]]
    ) -> list[tuple[str, str]] | None:
        query_id = secrets.randbelow(65_535) + 1  # legacy unicast: the answer echoes this id (RFC 6762 6.7)
        data = await exchange(ctx, port, mdns_query(names, query_id))
        if data is None:
            return None
        try:
            records = mdns_records(data, query_id)
        except (dns.exception.DNSException, ValueError, UnicodeError) as exc:
            ctx.anomaly("parse-error", f"malformed mDNS answer: {type(exc).__name__}: {exc}"[:200], port, self.name)
            return None
        for field, value in records:
            if (field, value) not in seen:  # the second answer repeats the service types it answers for
                seen.add((field, value))
                ctx.add(Channel.MDNS, field, value, port, self.name)
        return records
