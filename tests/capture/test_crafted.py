"""Crafted announcements (cited formats) go through the whole pipeline to the scan's identification."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from covered.capture.pipeline import CaptureInputs, run_capture
from covered.model import Channel
from covered.registry import Registry
from covered.store import open_store
from tests.capture import frames


def test_hikvision_dahua_and_onvif_announcements_are_identified(registry: Registry, announcements: Path) -> None:
    result = run_capture(registry, CaptureInputs((announcements,)))
    devices = {d.mac: (d, a) for d, a in zip(result.devices, result.attributions, strict=True) if d.mac}
    hik, hik_attr = devices["58:50:ED:1F:E3:85"]
    assert hik_attr.vendor == "hikvision"
    assert hik_attr.restricted is True
    assert hik_attr.model == "DS-2CD2385G1-I"
    assert hik_attr.firmware == "V5.6.2build 190701"
    assert hik.address == "192.168.124.40"  # from its ARP and SADP frames
    sadp = next(o for o in hik.observations if o.channel is Channel.SADP)
    # The frame reference survives into the observation an auditor reads: file and frame number 3.
    assert sadp.collector == f"capture:{announcements}:3"
    assert sadp.time is not None
    assert sadp.time.timestamp() == 1_700_000_002
    dhcp = {o.field: o.value for o in hik.observations if o.channel is Channel.DHCP}
    assert dhcp == {
        "hostname": "HIKVISION-CAM",
        "parameter-list": "1,3,6,15,28,42",
        "vendor-class": "udhcp 1.19.4",
        "client-id": "015850ed1fe385",
    }
    _, dahua = devices["08:ED:ED:87:42:7A"]
    assert dahua.vendor == "dahua"
    assert dahua.restricted is True
    assert dahua.model == "IPC-HDW1431T1-S4"
    onvif, onvif_attr = devices["3C:EF:8C:11:22:33"]
    assert onvif_attr.vendor == "dahua"
    fields = {(o.channel, o.field) for o in onvif.observations}
    assert {(Channel.ONVIF, "scopes"), (Channel.MDNS, "hostname"), (Channel.UPNP, "location")} <= fields
    switch, _ = devices["00:E0:FC:12:34:56"]
    lldp = {o.field: o.value for o in switch.observations if o.channel is Channel.LLDP}
    assert lldp["system-description"] == "Huawei Versatile Routing Platform Software"
    # The SADP tool that only asked (an inquiry) is not taken for a Hikvision device.
    _, client = devices["02:00:00:00:00:10"]
    assert client.vendor != "hikvision"
    assert not client.restricted
    assert result.frames == 10
    assert result.decoded.malformed == 0


def test_gzip_pcapng_and_directory_read_the_same(registry: Registry, announcements: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    (folder / "deeper").mkdir(parents=True)
    frames.write(folder / "a.pcapng", frames.announcements())
    with announcements.open("rb") as raw, gzip.open(folder / "deeper" / "b.pcap.gz", "wb") as packed:
        shutil.copyfileobj(raw, packed)
    (folder / "notes.txt").write_text("not a capture")
    result = run_capture(registry, CaptureInputs((folder,)))
    assert [r.name for r in result.reads] == [f"{folder}/a.pcapng", f"{folder}/deeper/b.pcap.gz"]
    assert result.frames == 20
    plain = run_capture(registry, CaptureInputs((announcements,)))
    assert [(d.key, a.vendor, a.model) for d, a in zip(result.devices, result.attributions, strict=True)] == [
        (d.key, a.vendor, a.model) for d, a in zip(plain.devices, plain.attributions, strict=True)
    ]


def test_a_filter_keeps_frame_numbers(registry: Registry, announcements: Path) -> None:
    result = run_capture(registry, CaptureInputs((announcements,), bpf_filter="udp port 37810"))
    assert result.frames == 10  # read, but only the DHIP frame decoded
    (device,) = [d for d in result.devices if d.mac == "08:ED:ED:87:42:7A"]
    assert next(o for o in device.observations if o.channel is Channel.DHIP).collector.endswith(":5")
    assert {d.mac for d in result.devices} == {"08:ED:ED:87:42:7A"}


def test_saved_capture_is_a_scan_merged_by_mac(registry: Registry, announcements: Path, tmp_path: Path) -> None:
    store = open_store(tmp_path / "covered.db")
    first = run_capture(registry, CaptureInputs((announcements,)), store)
    assert first.scan_id is not None
    assert first.merged is not None
    assert first.merged[0] == len(first.devices)
    scan = store.scan(first.scan_id)
    assert scan.kind == "capture"
    assert scan.status == "complete"
    assert scan.parameters["frames"] == 10
    results = {r.mac: r for r in store.results(first.scan_id)}
    assert results["58:50:ED:1F:E3:85"].address == "192.168.124.40"
    assert results["58:50:ED:1F:E3:85"].restricted is True
    assert results["00:E0:FC:12:34:56"].address is None  # known by its MAC alone
    said = store.observations_by_device(first.scan_id)
    assert any(o.channel is Channel.SADP for o in said["192.168.124.40"])
    second = run_capture(registry, CaptureInputs((announcements,)), store)
    assert second.merged is not None
    assert second.merged[:2] == (0, len(first.devices))
