"""Multicast discovery on loopback: a responder joined to the group answers by unicast; the scope filters it."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Iterator

import pytest

from covered.collect.multicast import discover
from covered.collect.targets import Scope
from covered.model import Channel

GROUP, PORT = "239.255.255.250", 23702
MATCH = (
    b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:ProbeMatches><d:ProbeMatch>'
    b"<d:Scopes>onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/IPC-HDW1431T1-S4</d:Scopes>"
    b"<d:XAddrs>http://127.34.0.5/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches>"
    b"</s:Body></s:Envelope>"
)


@pytest.fixture
def responder() -> Iterator[list[bytes]]:
    """Joined to the group on lo; answers every probe by unicast from 127.34.0.5 and from 127.35.0.6."""
    seen: list[bytes] = []
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((GROUP, PORT))
    listener.setsockopt(
        socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(GROUP) + socket.inet_aton("127.0.0.1")
    )
    listener.settimeout(0.2)
    senders = []
    for address in ("127.34.0.5", "127.35.0.6"):
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.bind((address, 0))
        senders.append(sender)
    stop = threading.Event()

    def serve() -> None:
        for _ in range(100):  # bounded: at most 20 s
            if stop.is_set():
                return
            try:
                data, peer = listener.recvfrom(65535)
            except TimeoutError:
                continue
            seen.append(data)
            for sender in senders:
                sender.sendto(MATCH, peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join(5)
    listener.close()
    for sender in senders:
        sender.close()


def test_multicast_discovery_collects_answers_in_scope(responder: list[bytes]) -> None:
    scope = Scope(allow=[ipaddress.ip_network("127.34.0.0/24")])
    found = asyncio.run(
        discover("127.0.0.1", scope, listen=1.0, kinds=("ws-discovery",), groups={"ws-discovery": (GROUP, PORT)})
    )
    assert responder
    assert b"discovery/Probe" in responder[0]
    assert list(found.hosts) == ["127.34.0.5"]
    assert found.out_of_scope == {"127.35.0.6": "outside the scope's allow list"}
    values = {(o.channel, o.field): o.value for o in found.hosts["127.34.0.5"]}
    assert values[(Channel.ONVIF, "scopes")].startswith("onvif://www.onvif.org/name/Dahua")
    assert values[(Channel.ONVIF, "xaddrs")] == "http://127.34.0.5/onvif/device_service"
