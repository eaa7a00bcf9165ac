"""mDNS answers of real cameras (public captures, read in place): every one parses, and their names and TXT keys
come out as observations. Multicast answers set the cache-flush bit (RFC 6762 section 10.2), which the
unicast responder in the simulator does not; these captures test that path."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import dns.flags
import dns.message
import pytest

from covered.collect.probes.mdns import mdns_records

CAPTURES = Path(__file__).parents[2] / ".." / "shared" / "captures"


def mdns_answers(path: Path) -> Iterator[bytes]:
    """UDP payloads from source port 5353 in a classic pcap of Ethernet frames carrying IPv4."""
    data = path.read_bytes()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    assert struct.unpack(endian + "I", data[20:24])[0] == 1  # LINKTYPE_ETHERNET
    position = 24
    while position + 16 <= len(data):
        length = struct.unpack(endian + "I", data[position + 8 : position + 12])[0]
        frame = data[position + 16 : position + 16 + length]
        position += 16 + length
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        udp = frame[14 + (frame[14] & 0x0F) * 4 :]
        if struct.unpack(">H", udp[:2])[0] == 5353:
            yield udp[8:]


def responses(name: str) -> list[list[tuple[str, str]]]:
    path = CAPTURES / name
    if not path.is_file():
        pytest.skip(f"shared capture {name} not present")
    out = []
    for payload in mdns_answers(path):
        if dns.message.from_wire(payload, ignore_trailing=True).flags & dns.flags.QR:
            out.append(mdns_records(payload))
    assert out
    return out


@pytest.mark.parametrize(
    ("capture", "expected"),
    [
        # IoT Sentinel D-Link DCS-935L setup (andypitcher/IoT_Sentinel, MIT): HNAP service with model TXT keys.
        ("cap07.pcap", {("txt", "model_number=DCS-935L"), ("hostname", "DCS-935L-B0C554255B0E.local")}),
        # D-Link DCS-930LB: an _http._tcp instance named after the model and MAC suffix.
        ("cap10.pcap", {("instance", "DCS-930LB_1C7185._http._tcp.local"), ("service", "_http._tcp.local")}),
        # Edimax IC-3115W: the model in a bare TXT string, host 'localcam'.
        ("cap13.pcap", {("txt", "IC-3115W Network Camera"), ("hostname", "localcam.local")}),
    ],
)
def test_real_camera_answers(capture: str, expected: set[tuple[str, str]]) -> None:
    found = {pair for records in responses(capture) for pair in records}
    assert expected <= found
    assert not any(field == "service" and value.endswith(".arpa") for field, value in found)
