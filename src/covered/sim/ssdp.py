"""SSDP responder (UDP 1900, unicast M-SEARCH) and the UPnP device description it points to.

SERVER strings are rapid7/recog http_servers.xml examples: 'Linux/2.4.21 UPnP/1.0 miniupnpd/1.0' (the
generic honeypot) and 'Linux UPnP/1.0 Huawei-ATP-IGD' (Huawei home gateways). The 'oversized' persona pads
its answer to near the largest UDP datagram.
"""

from __future__ import annotations

import html

from covered.sim.hostile import banner_bytes, xml_answer
from covered.sim.plan import Device

__all__ = ["description", "msearch_reply"]

MAX_REQUEST = 2048


def _server(device: Device) -> str:
    return device.string("upnp_server", "Linux/2.4.21 UPnP/1.0 miniupnpd/1.0")


def msearch_reply(device: Device, data: bytes, *, oversize: int = 0) -> bytes | None:
    """The unicast answer to an M-SEARCH, or None for anything else."""
    if len(data) > MAX_REQUEST or not data.startswith(b"M-SEARCH * HTTP/1.1\r\n") or b"ssdp:discover" not in data:
        return None
    st = "upnp:rootdevice"
    for line in data.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"st" and value.strip():
            st = value.strip()[:100].decode("ascii", "replace")
    lines = [
        b"HTTP/1.1 200 OK",
        b"CACHE-CONTROL: max-age=120",
        b"ST: " + st.encode(),
        f"USN: uuid:{device.uuid}::{st}".encode(),
        b"EXT:",
        b"SERVER: " + banner_bytes(device, _server(device)),
        f"LOCATION: http://{device.address}:80/rootDesc.xml".encode(),
    ]
    if oversize:
        lines += [f"X-PADDING-{n}: ".encode() + b"x" * 990 for n in range(oversize // 1000)]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def description(device: Device) -> str:
    """The UPnP device description XML (rootDesc.xml)."""
    manufacturer = "HUAWEI" if device.persona.family == "huawei" else "IP Camera"
    return xml_answer(
        device,
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major>'
        "<minor>0</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1"
        f"</deviceType><friendlyName>{html.escape(device.model.name)}</friendlyName>"
        f"<manufacturer>{manufacturer}</manufacturer><modelName>{html.escape(device.model.name)}</modelName>"
        f"<serialNumber>{html.escape(device.serial)}</serialNumber><UDN>uuid:{device.uuid}</UDN></device></root>\n",
    )
