"""Silence since removal, on a real store: removed devices attested silent by a later capture, reopened when their
MAC is heard after the removal, flagged when only their address is; the attestation reaches the evidence pack."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

from sqlalchemy import select

from covered.capture.records import FrameRef, Presence
from covered.capture.silence import SilenceSink
from covered.capture.zeek import read_zeek
from covered.model import Confidence, Finding, FindingStatus, Obligation
from covered.report.bundle import collect, write_pack
from covered.store import Store
from covered.store.schema import AuditRow, DeviceRow, FindingRow, SilenceAttestationRow
from covered.store.tracking import remediate, save_findings
from tests.egress import zeeklogs

CAMERA = "58:50:ED:1F:E3:85"
NVR = "00:11:22:AA:BB:CC"


def _device(store: Store, key: str, mac: str | None, address: str | None) -> None:
    with store.session() as session, session.begin():
        session.add(DeviceRow(key=key, mac=mac, address=address, vendor="hikvision", restricted=True))
    finding = Finding(
        id=f"{key}|ndaa-889",
        device=key,
        rule="ndaa-889",
        obligation=Obligation.REMOVE,
        citation="test citation",
        confidence=Confidence.HIGH,
        status=FindingStatus.OPEN,
        explanation="a restricted camera",
    )
    save_findings(store, "us-federal", [(key, finding)], "tester")


def _removed(store: Store) -> dt.datetime:
    """Three devices removed now: a camera and an NVR known by MAC and address, an encoder known by address."""
    _device(store, CAMERA, CAMERA, "10.20.0.5")
    _device(store, NVR, NVR, "10.20.0.6")
    _device(store, "10.20.0.7", None, "10.20.0.7")
    for key in (CAMERA, NVR, "10.20.0.7"):
        remediate(store, key, "removed", "taken off the wall", "tester")
    with store.session() as session:
        removed = max(session.scalars(select(AuditRow.at).where(AuditRow.action == "remediate")))
    return removed if removed.tzinfo else removed.replace(tzinfo=dt.UTC)


def _statuses(store: Store) -> dict[str, str]:
    with store.session() as session:
        rows = session.execute(select(DeviceRow.key, FindingRow.status).join(FindingRow)).all()
    return dict(rows)


def test_silent_heard_and_flagged_after_removal(store: Store, tmp_path: Path) -> None:
    removed = _removed(store)
    after = removed + dt.timedelta(hours=1)
    before = removed - dt.timedelta(hours=1)
    folder = tmp_path / "zeek"
    folder.mkdir()

    def conn(when: dt.datetime, orig: str, mac: str | None, packets: int) -> dict[str, object]:
        return {
            "ts": zeeklogs.epoch(when),
            "id.orig_h": orig,
            "id.orig_p": 4000,
            "id.resp_h": "10.20.0.1",
            "id.resp_p": 80,
            "proto": "tcp",
            "orig_pkts": packets,
            "resp_pkts": 1,
            "orig_l2_addr": mac,
            "resp_l2_addr": "00:00:5E:00:01:01",
        }

    zeeklogs.write_tsv(
        folder / "conn.log",
        "conn",
        [
            conn(before, "10.20.0.5", CAMERA, 50),  # the camera before its removal: does not count
            conn(before, "10.20.0.6", NVR, 7),
            conn(after, "10.20.0.6", NVR, 3),  # the NVR still talks after its removal
            conn(after, "10.20.0.5", "AA:BB:CC:00:00:01", 4),  # another device took the camera's address
            conn(after + dt.timedelta(minutes=30), "10.20.0.9", "AA:BB:CC:00:00:09", 10),
        ],
    )
    zeeklogs.write_tsv(
        folder / "dns.log",
        "dns",
        [  # the encoder's address asks DNS: no MAC in dns.log
            {"ts": zeeklogs.epoch(after), "id.orig_h": "10.20.0.7", "query": "example.org"},
        ],
    )
    sink = SilenceSink(store)
    assert {w.key for w in sink.watched} == {CAMERA, NVR, "10.20.0.7"}
    for record in read_zeek(folder, name="site-a"):
        sink.add(record)
    scan_id = store.create_scan(["site-a"], ["10.20.0.5"], {}, kind="capture")
    sink.save(store, scan_id)

    assert _statuses(store) == {CAMERA: "removed", NVR: "open", "10.20.0.7": "removed"}
    with store.session() as session:
        rows = {r.mac or r.address: r for r in session.scalars(select(SilenceAttestationRow))}
        history = session.scalars(select(AuditRow).where(AuditRow.actor == "covered capture")).all()
    camera = rows[CAMERA]
    assert camera.verdict == "silent"
    assert camera.device_frames == 0
    # Frames examined: every device's frames later than the removal, as the reader's presence records count them
    assert camera.frames_examined == sum(
        r.frames
        for r in read_zeek(folder, name="x")
        if isinstance(r, Presence) and r.frame.time and r.frame.time > removed
    )
    window_end = after + dt.timedelta(minutes=30)
    assert camera.statement == (
        f"no traffic from {CAMERA} (10.20.0.5) between {removed:%Y-%m-%d %H:%M:%S}Z and "
        f"{window_end:%Y-%m-%d %H:%M:%S}Z in capture site-a (it was removed at {removed:%Y-%m-%d %H:%M:%S}Z), "
        f"{camera.frames_examined} frames examined; its address carried other MACs (AA:BB:CC:00:00:01)"
    )
    nvr = rows[NVR]
    assert (nvr.verdict, nvr.device_frames) == ("heard", 3)
    assert nvr.first_heard == f"site-a/conn.log #11 at {after:%Y-%m-%d %H:%M:%S}Z"
    encoder = rows["10.20.0.7"]
    assert (encoder.verdict, encoder.device_frames) == ("heard-address", 1)
    assert "flagged, not reopened" in encoder.statement
    actions = sorted((h.action, h.before, h.after) for h in history)
    assert actions == [
        ("attest-silence", "removed", "removed"),
        ("heard-after-removal", "removed", "removed"),
        ("reopen", "removed", "open"),
    ]

    # The evidence pack carries the attestations, and the HTML report shows them.
    data = collect(store)
    pack = tmp_path / "pack.zip"
    summary = write_pack(data, pack)
    assert "attestations.jsonl" in summary.files
    with zipfile.ZipFile(pack) as archive:
        lines = [json.loads(line) for line in archive.read("attestations.jsonl").decode().splitlines()]
        report = json.loads(archive.read("report.json"))
        html = archive.read("report.html").decode()
    assert {(a["device"], a["verdict"]) for a in lines} == {
        (CAMERA, "silent"),
        (NVR, "heard"),
        ("10.20.0.7", "heard-address"),
    }
    assert report["attestations"] == lines
    assert "Silence since removal" in html
    assert f"no traffic from {CAMERA} (10.20.0.5) between" in html


def test_a_capture_ending_before_the_removal_attests_nothing(store: Store) -> None:
    removed = _removed(store)
    sink = SilenceSink(store)
    sink.add(Presence(None, "10.20.0.9", FrameRef("cap.pcap", 1, removed - dt.timedelta(days=1)), frames=100))
    sink.save(store, store.create_scan(["cap.pcap"], ["10.20.0.9"], {}, kind="capture"))
    with store.session() as session:
        assert session.scalars(select(SilenceAttestationRow)).all() == []
    assert set(_statuses(store).values()) == {"removed"}


def test_a_folded_presence_spanning_the_removal_counts_its_later_frames(store: Store) -> None:
    removed = _removed(store)
    sink = SilenceSink(store)
    first = FrameRef("cap.pcap", 10, removed - dt.timedelta(seconds=30))
    last = FrameRef("cap.pcap", 90, removed + dt.timedelta(seconds=30))
    sink.add(Presence(CAMERA, "10.20.0.5", first, frames=80, last=last))  # one minute of a packet reader's fold
    sink.save(store, store.create_scan(["cap.pcap"], ["10.20.0.5"], {}, kind="capture"))
    assert _statuses(store)[CAMERA] == "open"
    with store.session() as session:
        row = session.scalars(select(SilenceAttestationRow).where(SilenceAttestationRow.mac == CAMERA)).one()
    assert row.first_heard is not None
    assert row.first_heard.startswith("cap.pcap #90")
    assert sink.summary()["removed devices heard"] == 1


def test_without_removed_devices_nothing_is_watched_or_saved(store: Store) -> None:
    sink = SilenceSink(store)
    sink.add(Presence(CAMERA, "10.20.0.5", FrameRef("cap.pcap", 1, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))))
    sink.save(store, store.create_scan(["cap.pcap"], ["10.20.0.5"], {}, kind="capture"))
    assert sink.summary() == {"frames examined": 1, "removed devices watched": 0, "removed devices heard": 0}
    with store.session() as session:
        assert session.scalars(select(SilenceAttestationRow)).all() == []
