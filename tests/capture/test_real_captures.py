"""The real third-party captures (read in place): the makers and MACs they really contain are found.

What each file holds is described in ../shared/captures/index.jsonl (repository, path, commit, licence).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.capture.pipeline import CaptureInputs, CaptureResult, run_capture
from covered.model import Attribution, Channel
from covered.registry import Registry

EXPECTED_MAKERS = [
    # (file, MAC, vendor): the L2 senders index.jsonl describes, identified by their OUI.
    ("cap01.pcap", "30:FD:65:A8:06:20", "huawei"),  # 802.11 beacon of a Huawei-OUI BSSID (radiotap)
    ("cap01.pcap", "30:CC:21:20:D1:D0", "zte"),  # and a ZTE-OUI one
    ("cap04.pcap", "34:B3:54:07:CA:56", "huawei"),  # GTP-U over QinQ, Huawei router port
    ("cap05.pcap", "3C:CD:5D:A2:A9:D7", "huawei"),  # IGMP join from a Huawei-OUI host
    ("cap11.pcap", "00:25:9E:81:B3:54", "huawei"),  # ERSPAN mirror sent by a Huawei-OUI router
    ("cap16.pcapng", "A4:C6:4F:3B:B3:AB", "huawei"),  # CAPWAP over QinQ, Huawei router
    ("cap18.pcap", "24:D3:F2:9C:EB:59", "zte"),  # ZTE home gateway
    ("cap19.pcap", "98:9C:57:4F:96:B9", "huawei"),  # campus LAN Huawei-OUI host
    ("cap20.pcap", "CC:1A:FA:EC:95:00", "zte"),  # ZTE CPE over VLAN 200
]


def _run(registry: Registry, path: Path) -> CaptureResult:
    return run_capture(registry, CaptureInputs((path,)))


def _device(result: CaptureResult, mac: str) -> Attribution:
    found = [a for d, a in zip(result.devices, result.attributions, strict=True) if d.mac == mac]
    assert found, f"{mac} not among {[d.key for d in result.devices]}"
    return found[0]


@pytest.mark.parametrize(("name", "mac", "vendor"), EXPECTED_MAKERS)
def test_vendor_macs_in_real_captures(registry: Registry, captures: Path, name: str, mac: str, vendor: str) -> None:
    attribution = _device(_run(registry, captures / name), mac)
    assert attribution.vendor == vendor
    assert any(e.channel is Channel.MAC for e in attribution.evidence)


def test_huawei_softswitch_named_by_its_sip_server_header(registry: Registry, captures: Path) -> None:
    attribution = _device(_run(registry, captures / "cap02.pcapng"), "00:02:00:B1:9A:8C")
    assert attribution.vendor == "huawei"
    assert attribution.model == "SoftX3000"
    assert any(e.channel is Channel.SIP for e in attribution.evidence)


def test_huawei_certificate_read_from_a_tls_handshake_after_ftp_auth_tls(registry: Registry, captures: Path) -> None:
    result = _run(registry, captures / "cap21.pcap")
    (device,) = [d for d in result.devices if d.mac == "DC:D2:FC:FB:03:A1"]
    assert any(o.channel is Channel.FTP and o.value.startswith("220 ") for o in device.observations)
    attribution = _device(result, "DC:D2:FC:FB:03:A1")
    assert any(e.channel is Channel.TLS and e.vendor == "huawei" for e in attribution.evidence)


def test_dlink_camera_says_its_model_in_dhcp_mdns_and_ssdp(registry: Registry, captures: Path) -> None:
    result = _run(registry, captures / "cap07.pcap")
    (camera,) = [d for d in result.devices if d.mac == "B0:C5:54:25:5B:0E"]
    said = {(o.channel, o.field, o.value) for o in camera.observations}
    assert (Channel.DHCP, "hostname", "DCS-935L") in said
    assert (Channel.DHCP, "vendor-class", "udhcp 1.22.1") in said
    assert (Channel.MDNS, "txt", "model_number=DCS-935L") in said
    assert (Channel.HTTP, "server", "Linux,    UPnP/1.0 DCS-935L/1.0") in said
    assert camera.address == "10.10.10.37"
    assert not _device(result, "B0:C5:54:25:5B:0E").restricted


def test_cisco_access_point_announces_itself_by_cdp(registry: Registry, captures: Path) -> None:
    result = _run(registry, captures / "cap09.pcap")
    (ap,) = [d for d in result.devices if d.mac == "B8:38:61:F3:05:AC"]
    lldp = {o.field: o.value for o in ap.observations if o.channel is Channel.LLDP}
    assert lldp["platform"] == "cisco AIR-CAP2602I-Q-K9"
    assert lldp["device-id"] == "APb838.61f3.05ac"


def test_user_agent_inside_gtp_tunnel_is_read(registry: Registry, captures: Path) -> None:
    result = _run(registry, captures / "cap22.pcap")
    (phone,) = [d for d in result.devices if d.key == "10.140.206.74"]
    agents = [o.value for o in phone.observations if o.channel is Channel.HTTP and o.field == "user-agent"]
    assert agents
    assert "JKM-LX1 Build/HUAWEIJKM-LX1" in agents[0]


def test_camera_cloud_servers_are_not_devices_unless_asked(registry: Registry, captures: Path) -> None:
    plain = _run(registry, captures / "cap07.pcap")
    assert plain.remote_hosts >= 3  # the mydlink servers whose certificates were seen
    assert all(d.mac is not None or not d.key.startswith(("52.", "54.")) for d in plain.devices)
    wide = run_capture(registry, CaptureInputs((captures / "cap07.pcap",), remote=True))
    assert {"52.8.178.58", "54.229.64.81"} <= {d.key for d in wide.devices}


def test_whole_folder_reads_without_a_malformed_frame_lost_silently(registry: Registry, captures: Path) -> None:
    result = _run(registry, captures)
    assert len(result.reads) == 22
    assert all(not r.warnings for r in result.reads), [r.warnings for r in result.reads if r.warnings]
    assert result.frames == 28_915
    restricted = {d.mac for d, a in zip(result.devices, result.attributions, strict=True) if a.restricted}
    assert {m for _, m, _ in EXPECTED_MAKERS} | {"00:02:00:B1:9A:8C", "DC:D2:FC:FB:03:A1"} <= restricted
    # Nothing in these captures is Hikvision or Dahua (README.md there): no such claim may appear.
    assert not {a.vendor for a in result.attributions} & {"hikvision", "dahua"}
