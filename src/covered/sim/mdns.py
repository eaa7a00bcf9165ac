"""mDNS responder (UDP 5353, legacy unicast): DNS-SD service enumeration and the instances of each type.

Answers a query from an ordinary port by unicast with the query's id (RFC 6762 section 6.7), the PTR list of
service types for ``_services._dns-sd._udp.local`` (RFC 6763 section 9), and for a service type the instance
PTR with SRV, TXT and A records alongside (RFC 6763 section 12). Service types, instance names and TXT keys
come from the persona's ``mdns_*`` strings, cited there. Anything that is not a small, well-formed query gets
no answer, like a real responder.
"""

from __future__ import annotations

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from covered.sim.plan import Device

__all__ = ["answer", "services_of"]

MAX_QUERY = 1500
MAX_QUESTIONS = 8
_SERVICES = dns.name.from_text("_services._dns-sd._udp.local.")


def services_of(device: Device) -> list[tuple[str, str, list[str], int]]:
    """(service type, instance label, TXT strings, port) the device announces, from its persona strings."""
    kinds = [kind for kind in device.string("mdns_services").split(",") if kind]
    mac = device.mac.replace(":", "")
    label = device.string("mdns_instance", device.model.name)
    label = label.replace("{mac}", mac).replace("{model}", device.model.name)
    txt = [item.replace("{mac}", mac) for item in device.string("mdns_txt").split(";") if item]
    return [(kind, label, txt, 80) for kind in kinds]


def _host(device: Device) -> dns.name.Name:
    return dns.name.from_text(f"{device.string('mdns_host', 'device')}-{device.mac.replace(':', '')[-6:]}.local.")


def _rdata(kind: dns.rdatatype.RdataType, text: str) -> dns.rdata.Rdata:
    return dns.rdata.from_text(dns.rdataclass.IN, kind, text)


def answer(device: Device, data: bytes) -> bytes | None:
    """The unicast answer to a query, or None (malformed, not a query, nothing asked that the device has)."""
    if len(data) > MAX_QUERY:
        return None
    try:
        query = dns.message.from_wire(data)
    except (dns.exception.DNSException, ValueError):
        return None
    if query.flags & dns.flags.QR or not query.question or len(query.question) > MAX_QUESTIONS:
        return None
    services = services_of(device)
    response = dns.message.Message(id=query.id)
    response.flags = dns.flags.Flag(dns.flags.QR | dns.flags.AA)
    host = _host(device)
    for question in query.question:
        response.question.append(dns.rrset.RRset(question.name, dns.rdataclass.IN, question.rdtype))
        if question.rdtype != dns.rdatatype.PTR:
            continue
        if question.name == _SERVICES:
            for kind, _, _, _ in services:
                rrset = dns.rrset.from_text(_SERVICES, 4500, "IN", "PTR", f"{kind}.local.")
                response.answer.append(rrset)
            continue
        for kind, label, txt, port in services:
            type_name = dns.name.from_text(f"{kind}.local.")
            if question.name != type_name:
                continue
            instance = dns.name.Name((label.encode("utf-8")[:63], *type_name.labels))
            response.answer.append(dns.rrset.from_rdata(type_name, 4500, _rdata(dns.rdatatype.PTR, instance.to_text())))
            response.additional.append(
                dns.rrset.from_rdata(instance, 120, _rdata(dns.rdatatype.SRV, f"0 0 {port} {host.to_text()}"))
            )
            if txt:
                strings = " ".join('"' + item.replace('"', "") + '"' for item in txt)
                response.additional.append(dns.rrset.from_rdata(instance, 4500, _rdata(dns.rdatatype.TXT, strings)))
            response.additional.append(dns.rrset.from_rdata(host, 120, _rdata(dns.rdatatype.A, device.address)))
    if not response.answer:
        return None
    return response.to_wire()
