"""Egress to vendor clouds from Zeek logs, through the sink, into a real store as observations and exposure findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from covered.capture import egress as egress_module
from covered.capture.egress import EXPOSURE_PROFILE, EgressSink
from covered.capture.records import Egress, FrameRef
from covered.capture.zeek import read_zeek
from covered.registry import Registry
from covered.store import Store
from covered.store.schema import AuditRow, DeviceRow, FindingRow, ObservationRow
from covered.store.tracking import remediate
from tests.egress import zeeklogs

T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
CAMERA = "58:50:ed:1f:e3:85"
NVR = "00:11:22:aa:bb:cc"


def _at(minutes: float) -> float:
    return zeeklogs.epoch(T0 + dt.timedelta(minutes=minutes))


def _logs(folder: Path) -> Path:
    """A site's Zeek logs: a Dahua camera resolving and reaching its P2P server, an NVR naming Hik-Connect by SNI,
    a phone asking for an Imou API by HTTP Host, and unrelated traffic."""
    folder.mkdir()
    dns = [
        {
            "ts": _at(0),
            "id.orig_h": "10.20.0.5",
            "id.resp_h": "10.20.0.1",
            "id.resp_p": 53,
            "query": "www.easy4ipcloud.com",
            "answers": ["47.91.1.2"],
        },
        {
            "ts": _at(1),
            "id.orig_h": "10.20.0.5",
            "id.resp_h": "10.20.0.1",
            "id.resp_p": 53,
            "query": "example.org",
            "answers": ["93.184.216.34"],
        },
    ]
    conn = [
        {
            "ts": _at(0.1),
            "id.orig_h": "10.20.0.5",
            "id.orig_p": 40000,
            "id.resp_h": "47.91.1.2",
            "id.resp_p": 8800,
            "proto": "udp",
            "orig_pkts": 10,
            "resp_pkts": 8,
            "orig_ip_bytes": 1000,
            "resp_ip_bytes": 900,
            "orig_l2_addr": CAMERA,
            "resp_l2_addr": "00:00:5e:00:01:01",
        },
        {
            "ts": _at(30),
            "id.orig_h": "10.20.0.5",
            "id.orig_p": 40001,
            "id.resp_h": "47.91.1.2",
            "id.resp_p": 8900,
            "proto": "udp",
            "orig_pkts": 5,
            "resp_pkts": 5,
            "orig_ip_bytes": 400,
            "resp_ip_bytes": 600,
            "orig_l2_addr": CAMERA,
            "resp_l2_addr": "00:00:5e:00:01:01",
        },
        {
            "ts": _at(31),
            "id.orig_h": "10.20.0.5",
            "id.orig_p": 40002,
            "id.resp_h": "93.184.216.34",
            "id.resp_p": 443,
            "proto": "tcp",
            "orig_pkts": 3,
            "resp_pkts": 3,
            "orig_l2_addr": CAMERA,
        },
    ]
    ssl = [
        {
            "ts": _at(5),
            "id.orig_h": "10.20.0.9",
            "id.orig_p": 50000,
            "id.resp_h": "52.1.1.1",
            "id.resp_p": 443,
            "server_name": "litedev.hik-connect.com",
            "established": True,
        },
    ]
    http = [
        {
            "ts": _at(7),
            "id.orig_h": "10.20.0.30",
            "id.orig_p": 50001,
            "id.resp_h": "52.2.2.2",
            "id.resp_p": 80,
            "method": "POST",
            "host": "openapi.lechange.cn",
            "request_body_len": 300,
            "response_body_len": 700,
        },
        {
            "ts": _at(8),
            "id.orig_h": "10.20.0.30",
            "id.orig_p": 50002,
            "id.resp_h": "52.2.2.3",
            "id.resp_p": 80,
            "method": "GET",
            "host": "ezvizlife.com.attacker.example",
        },
    ]
    zeeklogs.write_tsv(folder / "dns.log", "dns", dns)
    zeeklogs.write_tsv(folder / "conn.log.gz", "conn", conn, compress=True)
    zeeklogs.write_json(folder / "ssl.json", "ssl", ssl)
    zeeklogs.write_tsv(folder / "http.log", "http", http)
    return folder


def _sink(registry: Registry, path: Path) -> EgressSink:
    sink = EgressSink(registry)
    for record in read_zeek(path, name="site-a"):
        sink.add(record)
    return sink


def test_contacts_name_device_endpoint_first_and_last_seen_and_volume(registry: Registry, tmp_path: Path) -> None:
    sink = _sink(registry, _logs(tmp_path / "zeek"))
    contacts = {(c.mac or c.address, c.endpoint.host): c for c in sink.contacts()}
    assert set(contacts) == {
        # dns.log has no MAC; its query joins the conn.log contact of the MAC that address had: one device
        ("58:50:ED:1F:E3:85", "www.easy4ipcloud.com"),
        ("10.20.0.9", "litedev.hik-connect.com"),
        ("10.20.0.30", "openapi.lechange.cn"),
    }
    p2p = contacts[("58:50:ED:1F:E3:85", "www.easy4ipcloud.com")]
    assert p2p.kinds == {"conn", "dns"}
    assert (p2p.first, p2p.last) == (T0, T0 + dt.timedelta(minutes=30))
    assert (p2p.frames, p2p.bytes, p2p.ports) == (29, 2900, {8800, 8900})
    assert p2p.first_frame == FrameRef("site-a/dns.log", 9, T0)
    assert p2p.first_by_kind["conn"] == FrameRef("site-a/conn.log.gz", 9, T0 + dt.timedelta(minutes=0.1))
    lechange = contacts[("10.20.0.30", "openapi.lechange.cn")]
    assert (lechange.kinds, lechange.bytes, lechange.endpoint.licence) == ({"http-host"}, 1000, "Apache-2.0")
    summary = sink.summary()
    assert summary["devices reaching vendor clouds"] == 3
    assert summary["vendor cloud contacts"] == 3


def test_a_connection_before_its_dns_answer_still_counts(registry: Registry) -> None:
    frame = FrameRef("cap", 1, T0)
    sink = EgressSink(registry)
    sink.add(Egress("conn", CAMERA.upper(), "10.20.0.5", None, "47.91.1.2", 8800, 500, frame, 4))
    sink.add(
        Egress(
            "dns",
            None,
            "10.20.0.5",
            "www.easy4ipcloud.com",
            "10.20.0.1",
            53,
            80,
            FrameRef("cap", 2, T0),
            1,
            ("47.91.1.2",),
        )
    )
    hosts = {(c.mac or c.address, c.endpoint.host, c.frames) for c in sink.contacts()}
    assert hosts == {("58:50:ED:1F:E3:85", "www.easy4ipcloud.com", 5)}  # the connection and the query


def test_wildcard_endpoints_match_whole_names_only(registry: Registry) -> None:
    sink = EgressSink(registry)
    for index, name in enumerate(["vtmeu.ezvizlife.com", "ezvizlife.com.attacker.example", "xezvizlife.com"]):
        sink.add(Egress("dns", None, f"10.20.0.{index + 1}", name, None, 53, 0, FrameRef("cap", index + 1, T0)))
    assert [(c.address, c.endpoint.host) for c in sink.contacts()] == [("10.20.0.1", "*.ezvizlife.com")]


def test_pending_connections_are_bounded(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(egress_module, "MAX_PENDING", 10)
    sink = EgressSink(registry)
    for index in range(25):
        sink.add(Egress("conn", None, "10.20.0.5", None, f"198.51.100.{index}", 443, 1, FrameRef("cap", index, T0)))
    for _ in range(1000):  # one pair's repeats keep a constant size
        sink.add(Egress("conn", None, "10.20.0.5", None, "198.51.100.0", 443, 1, FrameRef("cap", 99, T0)))
    assert sink.summary()["connections not resolved (limit)"] == 15
    assert len(sink._pending) == 10
    assert max(len(kept) for kept in sink._pending.values()) == 2


def test_saved_as_observations_and_exposure_findings_with_history(
    registry: Registry, store: Store, tmp_path: Path
) -> None:
    sink = _sink(registry, _logs(tmp_path / "zeek"))
    scan_id = store.create_scan(["site-a"], ["10.20.0.5"], {"input": "site-a"}, kind="capture")
    sink.save(store, scan_id)
    with store.session() as session:
        observations = session.scalars(select(ObservationRow).where(ObservationRow.scan_id == scan_id)).all()
        findings = {
            (session.get(DeviceRow, f.device_id).key, f.subject): f  # type: ignore[union-attr]
            for f in session.scalars(select(FindingRow).where(FindingRow.profile == EXPOSURE_PROFILE))
        }
        created = session.scalars(select(AuditRow).where(AuditRow.action == "created")).all()
    by_device = {(o.device_key, o.field): o for o in observations}
    assert by_device[("58:50:ED:1F:E3:85", "conn")].value == "www.easy4ipcloud.com"
    assert by_device[("58:50:ED:1F:E3:85", "conn")].port == 8800
    assert by_device[("58:50:ED:1F:E3:85", "conn")].collector == "capture:site-a/conn.log.gz:9"
    assert by_device[("10.20.0.9", "sni")].value == "litedev.hik-connect.com"
    assert all(o.channel == "egress" for o in observations)
    assert by_device[("58:50:ED:1F:E3:85", "dns")].collector == "capture:site-a/dns.log:9"
    assert set(findings) == {
        ("58:50:ED:1F:E3:85", "exposure:dahua-cloud"),
        ("10.20.0.9", "exposure:hikvision-cloud"),
        ("10.20.0.30", "exposure:dahua-cloud"),
    }
    camera = findings[("58:50:ED:1F:E3:85", "exposure:dahua-cloud")]
    assert camera.status == "review"
    assert camera.confidence == "medium"
    assert "www.easy4ipcloud.com" in camera.explanation
    assert (
        "first seen 2026-11-02 10:00:00Z, last seen 2026-11-02 10:30:00Z, 29 frames, 2900 bytes" in camera.explanation
    )
    assert "(first at site-a/dns.log #9)" in camera.explanation
    assert "by conn, dns naming www.easy4ipcloud.com" in camera.explanation
    hik = findings[("10.20.0.9", "exposure:hikvision-cloud")]
    assert hik.confidence == "low"  # litedev.hik-connect.com's source is unresolved
    assert any("unconfirmed" in caveat for caveat in hik.caveats)
    assert len(created) == 3
    with store.session() as session:
        device = session.scalars(select(DeviceRow).where(DeviceRow.key == "58:50:ED:1F:E3:85")).one()
        assert (device.mac, device.address) == ("58:50:ED:1F:E3:85", "10.20.0.5")

    # A person's decision survives the next capture; the finding is not duplicated.
    remediate(store, "58:50:ED:1F:E3:85", "planned", "block P2P at the firewall", "tester")
    again = store.create_scan(["site-a"], ["10.20.0.5"], {"input": "site-a"}, kind="capture")
    _sink(registry, _logs(tmp_path / "zeek2")).save(store, again)
    with store.session() as session:
        rows = session.scalars(select(FindingRow).where(FindingRow.profile == EXPOSURE_PROFILE)).all()
        statuses = {f.subject + "@" + str(f.device_id): f.status for f in rows}
    assert len(rows) == 3
    assert sorted(statuses.values()) == ["planned", "review", "review"]


def test_nothing_listed_saves_nothing(registry: Registry, store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "zeek"
    folder.mkdir()
    zeeklogs.write_tsv(folder / "dns.log", "dns", [{"ts": _at(0), "id.orig_h": "10.20.0.5", "query": "example.org"}])
    sink = _sink(registry, folder)
    scan_id = store.create_scan(["x"], ["10.20.0.5"], {}, kind="capture")
    sink.save(store, scan_id)
    with store.session() as session:
        assert session.scalars(select(FindingRow)).all() == []
        assert session.scalars(select(ObservationRow)).all() == []
    assert sink.summary()["egress records"] == 1
