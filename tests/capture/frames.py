"""Captures the tests write themselves: discovery announcements built with scapy from cited public formats.

- SADP ProbeMatch: the DS-2CD2385G1-I reply quoted in research/device-protocols.md §3.1 (also an example of the
  shipped ``hikvision-sadp-probematch`` signature), sent to 239.255.255.250:37020.
- DHIP ``client.notifyDevInfo``: the IPC-HDW1431T1-S4 reply of device-protocols.md §4.1 behind the 32-byte DHIP
  header described there (rroller/dahua:custom_components/dahua/discovery.py), to 239.255.255.251:37810.
- WS-Discovery Hello: the IPC-HFW2228M-I1-V2 Hello of cogini/onvif:test/discovery_test.exs@45cac620 (quoted in
  device-protocols.md §1.4), to 239.255.255.250:3702.
- DHCP DISCOVER with options 12, 55, 60 and 61 (RFC 2132), ARP, LLDP (IEEE 802.1AB TLVs), an mDNS response and
  an SSDP NOTIFY (UPnP Device Architecture 1.1 §1.1.2), and an HTTP response with a ``Server`` header.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

HIK_MAC = "58:50:ed:1f:e3:85"
HIK_IP = "192.168.124.40"
DAHUA_MAC = "08:ed:ed:87:42:7a"
DAHUA_IP = "192.168.124.17"
ONVIF_MAC = "3c:ef:8c:11:22:33"
ONVIF_IP = "192.168.1.45"
CLIENT_MAC = "02:00:00:00:00:10"
CLIENT_IP = "192.168.124.10"

SADP_REPLY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ProbeMatch>\n\t<Uuid>e8ecfe09-90e4-44c0-842b-703f46b58c81</Uuid>\n'
    "\t<Types>inquiry</Types>\n\t<DeviceType>141945</DeviceType>\n\t<DeviceDescription>DS-2CD2385G1-I</DeviceDescription>\n"
    "\t<DeviceSN>DS-2CD2385G1-I20200414AAWRE33842150</DeviceSN>\n\t<CommandPort>8000</CommandPort>\n"
    "\t<HttpPort>80</HttpPort>\n\t<MAC>58-50-ed-1f-e3-85</MAC>\n\t<IPv4Address>192.168.124.40</IPv4Address>\n"
    "\t<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>\n\t<IPv4Gateway>192.168.124.1</IPv4Gateway>\n"
    "\t<DHCP>true</DHCP>\n\t<SoftwareVersion>V5.6.2build 190701</SoftwareVersion>\n"
    "\t<DSPVersion>V7.3 build 190626</DSPVersion>\n\t<Activated>true</Activated>\n</ProbeMatch>\n"
)
SADP_INQUIRY = (
    '<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>6D1E7C0A-2B9F-4C1E-9A40-1F2E3D4C5B6A</Uuid>'
    "<Types>inquiry</Types></Probe>"
)
DHIP_BODY = (
    '{"mac":"08:ed:ed:87:42:7a","method":"client.notifyDevInfo","params":{"deviceInfo":{"AlarmInputChannels":0,'
    '"DeviceClass":"IPC","DeviceType":"IPC-HDW1431T1-S4","HttpPort":80,"IPv4Address":{"DefaultGateway":'
    '"192.168.124.1","DhcpEnable":true,"IPAddress":"192.168.124.17","SubnetMask":"255.255.255.0"},'
    '"MachineName":"6C01E93PAG69A7D","Manufacturer":"Private","Port":37777,"SerialNo":"6C01E93PAG69A7D",'
    '"Vendor":"Private","Version":"2.800.0000000.13.R","VideoInputChannels":1}}}'
)
WS_HELLO = (
    '<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-'
    'envelope" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"'
    ' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/'
    'addressing"><s:Header><a:MessageID>uuid:7dffd1ac-a95b-4479-ae60-0128450c7104</a:MessageID><a:To>urn:schemas-'
    "xmlsoap-org:ws:2005:04:discovery</a:To><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello"
    "</a:Action></s:Header><s:Body><d:Hello><a:EndpointReference><a:Address>uuid:503b687a-b9d7-474f-a2d0-"
    "a18c8b25a464</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
    "<d:Scopes>onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/"
    "hardware/IPC-HFW2228M-I1-V2 onvif://www.onvif.org/Profile/Streaming onvif://www.onvif.org/type/Network_Video_"
    "Transmitter onvif://www.onvif.org/extension/unique_identifier</d:Scopes><d:XAddrs>http://192.168.1.45/onvif/"
    "device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body></s:Envelope>"
)


def dhip_datagram(body: str) -> bytes:
    """The 32-byte DHIP header (size, 'DHIP', session, id, length twice as LE uint64), then the JSON."""
    data = body.encode()
    return struct.pack("<I4sIIQQ", 32, b"DHIP", 0, 0, len(data), len(data)) + data


def lldp_payload(chassis_mac: bytes, system_name: str, description: str) -> bytes:
    """Chassis ID (MAC subtype), port ID, TTL, system name and description TLVs, then the end TLV."""

    def tlv(kind: int, value: bytes) -> bytes:
        return struct.pack("!H", kind << 9 | len(value)) + value

    return (
        tlv(1, b"\x04" + chassis_mac)
        + tlv(2, b"\x05GigabitEthernet0/0/1")
        + tlv(3, b"\x00\x78")
        + tlv(5, system_name.encode())
        + tlv(6, description.encode())
        + tlv(0, b"")
    )


def announcements() -> list[Any]:
    """Frames a Hikvision camera, a Dahua camera, an ONVIF camera and a switch send on their own (1 s apart)."""
    from scapy.all import ARP, BOOTP, DHCP, DNS, DNSRR, IP, TCP, UDP, Ether, Raw

    hik_bytes = bytes.fromhex(HIK_MAC.replace(":", ""))
    frames = [
        Ether(src=HIK_MAC, dst="ff:ff:ff:ff:ff:ff")
        / IP(src="0.0.0.0", dst="255.255.255.255")  # noqa: S104 - the DHCP client's unset address
        / UDP(sport=68, dport=67)
        / BOOTP(chaddr=hik_bytes + bytes(10), xid=0x1234)
        / DHCP(
            options=[
                ("message-type", "discover"),
                ("hostname", b"HIKVISION-CAM"),
                ("param_req_list", [1, 3, 6, 15, 28, 42]),
                ("vendor_class_id", b"udhcp 1.19.4"),
                ("client_id", b"\x01" + hik_bytes),
                "end",
            ]
        ),
        Ether(src=HIK_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(op=2, hwsrc=HIK_MAC, psrc=HIK_IP, pdst=HIK_IP),
        Ether(src=HIK_MAC, dst="01:00:5e:7f:ff:fa")
        / IP(src=HIK_IP, dst="239.255.255.250", ttl=1)
        / UDP(sport=37020, dport=37020)
        / Raw(SADP_REPLY.encode()),
        Ether(src=CLIENT_MAC, dst="01:00:5e:7f:ff:fa")
        / IP(src=CLIENT_IP, dst="239.255.255.250", ttl=1)
        / UDP(sport=50000, dport=37020)
        / Raw(SADP_INQUIRY.encode()),
        Ether(src=DAHUA_MAC, dst="01:00:5e:7f:ff:fb")
        / IP(src=DAHUA_IP, dst="239.255.255.251", ttl=1)
        / UDP(sport=37810, dport=37810)
        / Raw(dhip_datagram(DHIP_BODY)),
        Ether(src=ONVIF_MAC, dst="01:00:5e:7f:ff:fa")
        / IP(src=ONVIF_IP, dst="239.255.255.250", ttl=1)
        / UDP(sport=3702, dport=3702)
        / Raw(WS_HELLO.encode()),
        Ether(src="00:e0:fc:12:34:56", dst="01:80:c2:00:00:0e", type=0x88CC)
        / Raw(lldp_payload(bytes.fromhex("00e0fc123456"), "core-sw1", "Huawei Versatile Routing Platform Software")),
        Ether(src=ONVIF_MAC, dst="01:00:5e:00:00:fb")
        / IP(src=ONVIF_IP, dst="224.0.0.251", ttl=255)
        / UDP(sport=5353, dport=5353)
        / DNS(qr=1, aa=1, an=DNSRR(rrname="ipc-lobby.local", type="A", rdata=ONVIF_IP, ttl=120)),
        Ether(src=ONVIF_MAC, dst="01:00:5e:7f:ff:fa")
        / IP(src=ONVIF_IP, dst="239.255.255.250", ttl=4)
        / UDP(sport=1900, dport=1900)
        / Raw(
            b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
            b"LOCATION: http://192.168.1.45:49152/upnpdevicedesc.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
            b"SERVER: Linux/2.6 UPnP/1.0 IPC/1.0\r\nUSN: uuid:503b687a::upnp:rootdevice\r\n\r\n"
        ),
        Ether(src=HIK_MAC, dst=CLIENT_MAC)
        / IP(src=HIK_IP, dst=CLIENT_IP)
        / TCP(sport=80, dport=51000, flags="PA", seq=1000, ack=1)
        / Raw(
            b"HTTP/1.1 401 Unauthorized\r\nServer: DNVRS-Webs\r\nContent-Type: text/html\r\n\r\n"
            b"<html><head><title>Document Error: Unauthorized</title></head></html>"
        ),
    ]
    for number, frame in enumerate(frames):
        frame.time = 1_700_000_000 + number
    return frames


def write(path: Path, frames: list[Any]) -> Path:
    """Write frames as a pcap (or, for a .pcapng name, a pcapng file)."""
    from scapy.utils import PcapNgWriter, wrpcap

    if path.suffix == ".pcapng":
        writer = PcapNgWriter(str(path))
        for frame in frames:
            writer.write(frame)
        writer.close()
    else:
        wrpcap(str(path), frames)
    return path
