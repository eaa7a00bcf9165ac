"""The Zeek log reader on logs in Zeek's own layouts (TSV and JSON, plain and gzip) and on hostile logs.

Field names and types are Zeek's: base/protocols/{conn,dns,dhcp,http,ssl}/main.zeek, base/files/x509/main.zeek,
base/frameworks/software/main.zeek, policy/protocols/conn/known-{hosts,services}.zeek, mac-logging.zeek and
policy/protocols/dhcp/software.zeek (zeek/zeek). One fixture is an excerpt of Zeek's own test baseline.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tracemalloc
from pathlib import Path

import pytest

from covered.capture.records import Egress, Presence, Sighting, TrafficRecord
from covered.capture.zeek import MAX_LINE, MAX_VALUE, ZeekStats, is_zeek_log, read_zeek
from covered.errors import DataError
from covered.model import Channel
from tests.egress import zeeklogs

DATA = Path(__file__).parent / "data"
T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
CAMERA_MAC = "58:50:ed:1f:e3:85"


def _read(path: Path, name: str = "logs") -> tuple[list[TrafficRecord], ZeekStats]:
    stats = ZeekStats()
    return list(read_zeek(path, name=name, stats=stats)), stats


def _of(records: list[TrafficRecord], kind: type) -> list:  # type: ignore[type-arg]
    return [r for r in records if isinstance(r, kind)]


def _conn_row(**extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "ts": zeeklogs.epoch(T0),
        "uid": "CxK3a81",
        "id.orig_h": "10.20.0.5",
        "id.orig_p": 50412,
        "id.resp_h": "47.91.1.2",
        "id.resp_p": 8800,
        "proto": "udp",
        "duration": 12.5,
        "orig_bytes": 700,
        "resp_bytes": 500,
        "conn_state": "SF",
        "orig_pkts": 10,
        "orig_ip_bytes": 1000,
        "resp_pkts": 8,
        "resp_ip_bytes": 900,
        "tunnel_parents": [],
        "orig_l2_addr": CAMERA_MAC,
        "resp_l2_addr": "00:11:22:33:44:55",
    }
    row.update(extra)
    return row


@pytest.mark.parametrize("form", ["tsv", "tsv.gz", "json", "json.gz", "json-iso"])
def test_conn_with_mac_logging_gives_presence_of_both_ends_and_a_connection(tmp_path: Path, form: str) -> None:
    rows = [_conn_row(), _conn_row(**{"id.orig_h": "10.20.0.9", "orig_l2_addr": None, "resp_pkts": 0})]
    if form.startswith("tsv"):
        path = zeeklogs.write_tsv(
            tmp_path / f"conn.{'log.gz' if form.endswith('gz') else 'log'}", "conn", rows, compress=form.endswith("gz")
        )
    else:
        path = zeeklogs.write_json(
            tmp_path / f"conn.{'json.gz' if form.endswith('gz') else 'json'}",
            "conn",
            rows,
            compress=form.endswith("gz"),
            iso=form == "json-iso",
        )
    assert is_zeek_log(path)
    records, stats = _read(path, "site-a/conn")
    presences, egress = _of(records, Presence), _of(records, Egress)
    assert [(p.mac, p.address, p.frames) for p in presences] == [
        ("58:50:ED:1F:E3:85", "10.20.0.5", 10),
        ("00:11:22:33:44:55", "47.91.1.2", 8),
        (None, "10.20.0.9", 10),  # the responder sent nothing: no presence for it
    ]
    first = egress[0]
    assert (first.kind, first.mac, first.address, first.remote, first.port) == (
        "conn",
        "58:50:ED:1F:E3:85",
        "10.20.0.5",
        "47.91.1.2",
        8800,
    )
    assert (first.size, first.frames) == (1900, 18)  # IP bytes and packets of both directions
    assert first.frame.file == "site-a/conn"
    assert first.frame.time == T0
    # A TSV line number counts the 8 header lines; a JSON log's first record is line 1.
    assert first.frame.frame == (9 if form.startswith("tsv") else 1)
    assert stats.records == len(records)
    assert stats.bad_lines == 0


def test_zeeks_own_mac_logging_baseline_is_read_with_its_line_numbers() -> None:
    assert is_zeek_log(DATA / "zeek-mac-logging-conn.log")  # by its #path line: the name says no kind
    records, stats = _read(DATA / "zeek-mac-logging-conn.log", "conn1.log")
    presences = _of(records, Presence)
    assert stats.bad_lines == 0
    assert stats.overlong_lines == 0
    first = presences[0]
    assert (first.mac, first.address, first.frame.frame) == ("00:13:7F:BE:8C:FF", "173.192.163.128", 9)
    assert first.frame.time == dt.datetime.fromtimestamp(1300475169.780331, dt.UTC)
    # The IPv6 link-local mDNS sender and its MAC, and no presence for a multicast group that sent nothing.
    assert ("00:17:F2:D7:CF:65", "fe80::217:f2ff:fed7:cf65") in {(p.mac, p.address) for p in presences}
    assert "224.0.0.251" not in {p.address for p in presences}
    dns = [e for e in _of(records, Egress) if e.port == 53]
    assert [(e.address, e.remote, e.size, e.frames) for e in dns] == [("141.142.220.118", "141.142.2.2", 183, 2)]


def test_dns_query_and_answers_become_egress(tmp_path: Path) -> None:
    row = {
        "ts": zeeklogs.epoch(T0),
        "uid": "Cdns1",
        "id.orig_h": "10.20.0.5",
        "id.orig_p": 40001,
        "id.resp_h": "10.20.0.1",
        "id.resp_p": 53,
        "proto": "udp",
        "trans_id": 4711,
        "query": "www.easy4ipcloud.com.",
        "qtype_name": "A",
        "rcode_name": "NOERROR",
        "answers": ["p2p.easy4ipcloud.com", "47.91.1.2", "2001:db8::7"],
        "TTLs": [60.0, 60.0, 60.0],
    }
    unanswered = dict(row, query="(empty)", answers=None, TTLs=None)
    records, _ = _read(zeeklogs.write_tsv(tmp_path / "dns.log", "dns", [row, unanswered]))
    egress = _of(records, Egress)
    assert [(e.kind, e.name, e.remote, e.port, e.answers) for e in egress] == [
        ("dns", "www.easy4ipcloud.com", "10.20.0.1", 53, ("47.91.1.2", "2001:db8::7")),  # the CNAME is no address
        ("dns", "(empty)", "10.20.0.1", 53, ()),  # a literal '(empty)' query is escaped by the writer, kept as text
    ]


def test_dhcp_host_name_and_vendor_class_of_the_mac(tmp_path: Path) -> None:
    row = {
        "ts": zeeklogs.epoch(T0),
        "uids": ["C1", "C2"],
        "client_addr": "0.0.0.0",  # noqa: S104 - a client without an address yet
        "server_addr": "10.20.0.1",
        "mac": CAMERA_MAC,
        "host_name": "DS-2CD2143G2-I",
        "domain": "cctv.example",
        "requested_addr": "10.20.0.5",
        "assigned_addr": "10.20.0.5",
        "lease_time": 86400.0,
        "msg_types": ["DISCOVER", "OFFER", "REQUEST", "ACK"],
        "client_software": "udhcp 1.19.4",
    }
    for path in (
        zeeklogs.write_tsv(tmp_path / "dhcp.log", "dhcp", [row]),
        zeeklogs.write_json(tmp_path / "dhcp.json", "dhcp", [row]),
    ):
        records, _ = _read(path)
        presence = _of(records, Presence)[0]
        assert (presence.mac, presence.address) == ("58:50:ED:1F:E3:85", "10.20.0.5")
        seen = {(s.observation.channel, s.observation.field, s.observation.value) for s in _of(records, Sighting)}
        assert seen == {(Channel.DHCP, "hostname", "DS-2CD2143G2-I"), (Channel.DHCP, "vendor-class", "udhcp 1.19.4")}
        assert all(s.observation.device == "58:50:ED:1F:E3:85" for s in _of(records, Sighting))


def test_http_host_and_user_agent(tmp_path: Path) -> None:
    row = {
        "ts": zeeklogs.epoch(T0),
        "uid": "Chttp",
        "id.orig_h": "10.20.0.5",
        "id.orig_p": 40100,
        "id.resp_h": "52.1.1.1",
        "id.resp_p": 80,
        "method": "POST",
        "host": "dev.hik-connect.com:8080",
        "uri": "/register",
        "user_agent": "Hik\tConnect, agent\u00e9",  # separator, set separator and a non-ASCII byte: escaped in TSV
        "request_body_len": 120,
        "response_body_len": 30,
        "status_code": 200,
    }
    records, _ = _read(zeeklogs.write_tsv(tmp_path / "http.log", "http", [row]))
    egress = _of(records, Egress)[0]
    assert (egress.kind, egress.name, egress.port, egress.size) == ("http-host", "dev.hik-connect.com", 80, 150)
    agent = _of(records, Sighting)[0].observation
    assert (agent.channel, agent.field, agent.value) == (Channel.HTTP, "user-agent", "Hik\tConnect, agent\u00e9")
    assert agent.collector == "zeek:logs:9"


def test_ssl_sni_and_certificate_joined_from_x509_in_a_directory(tmp_path: Path) -> None:
    # ssl.log sorts before x509.log by name; the reader still reads x509 first so the join holds.
    ssl = {
        "ts": zeeklogs.epoch(T0),
        "uid": "Cssl",
        "id.orig_h": "10.20.0.9",
        "id.orig_p": 40200,
        "id.resp_h": "10.20.0.5",
        "id.resp_p": 443,
        "version": "TLSv12",
        "server_name": "camera.local",
        "established": True,
        "cert_chain_fps": ["f1a2", "ca99"],
    }
    x509 = [
        {
            "ts": zeeklogs.epoch(T0),
            "fingerprint": "f1a2",
            "certificate.version": 3,
            "certificate.subject": "CN=www.hikvision.com,O=HIKVISION,C=CN",
            "certificate.issuer": "CN=www.hikvision.com,O=HIKVISION,C=CN",
            "host_cert": True,
        },
        {
            "ts": zeeklogs.epoch(T0),
            "fingerprint": "ca99",
            "certificate.version": 3,
            "certificate.subject": "CN=Some CA",
            "certificate.issuer": "CN=Some CA",
            "host_cert": False,
        },
    ]
    zeeklogs.write_tsv(tmp_path / "ssl.log", "ssl", [ssl])
    zeeklogs.write_json(tmp_path / "x509.json", "x509", x509)
    (tmp_path / "weird.log").write_text("#separator \\x09\n")
    records, stats = _read(tmp_path, "zeek")
    egress = _of(records, Egress)[0]
    assert (egress.kind, egress.name, egress.address, egress.frame.file) == (
        "sni",
        "camera.local",
        "10.20.0.9",
        "zeek/ssl.log",
    )
    certificate = {
        (s.observation.field, s.observation.value, s.observation.device, s.observation.port)
        for s in _of(records, Sighting)
    }
    assert certificate == {
        ("subject", "CN=www.hikvision.com,O=HIKVISION,C=CN", "10.20.0.5", 443),
        ("issuer", "CN=www.hikvision.com,O=HIKVISION,C=CN", "10.20.0.5", 443),
    }
    assert stats.skipped_logs == ["weird.log"]


def test_software_known_hosts_and_known_services(tmp_path: Path) -> None:
    software = [
        {
            "ts": zeeklogs.epoch(T0),
            "host": "10.20.0.5",
            "host_p": 80,
            "software_type": "HTTP::SERVER",
            "name": "App-webs",
            "unparsed_version": "App-webs/",
        },
        {
            "ts": zeeklogs.epoch(T0),
            "host": "10.20.0.6",
            "host_p": 22,
            "software_type": "SSH::SERVER",
            "name": "OpenSSH",
            "version.major": 7,
            "unparsed_version": "SSH-2.0-OpenSSH_7.4",
        },
        {
            "ts": zeeklogs.epoch(T0),
            "host": "10.20.0.7",
            "host_p": None,
            "software_type": "HTTP::APPSERVER",
            "name": "PHP",
            "unparsed_version": "PHP/5.4",
        },
        {"ts": zeeklogs.epoch(T0), "host": "10.20.0.8", "software_type": "MYSQL::SERVER", "name": "MySQL"},
    ]
    zeeklogs.write_tsv(tmp_path / "software.log", "software", software)
    zeeklogs.write_tsv(tmp_path / "known_hosts.log", "known_hosts", [{"ts": zeeklogs.epoch(T0), "host": "10.20.0.11"}])
    zeeklogs.write_json(
        tmp_path / "known_services.json",
        "known_services",
        [
            {"ts": zeeklogs.epoch(T0), "host": "10.20.0.5", "port_num": 554, "port_proto": "tcp", "service": ["RTSP"]},
            {"ts": zeeklogs.epoch(T0), "host": "10.20.0.5", "port_num": 99999, "port_proto": "tcp", "service": []},
        ],
    )
    records, _ = _read(tmp_path)
    seen = {
        (s.observation.device, s.observation.channel, s.observation.field, s.observation.value, s.observation.port)
        for s in _of(records, Sighting)
    }
    assert seen == {
        ("10.20.0.5", Channel.HTTP, "server", "App-webs/", 80),
        ("10.20.0.6", Channel.SSH, "banner", "SSH-2.0-OpenSSH_7.4", 22),
        ("10.20.0.7", Channel.HTTP, "header", "X-Powered-By: PHP/5.4", None),
        ("10.20.0.5", Channel.PORT, "tcp", "554", 554),  # the out-of-range port is not a service
    }
    assert {p.address for p in _of(records, Presence)} == {"10.20.0.5", "10.20.0.6", "10.20.0.7", "10.20.0.11"}


def test_rotated_and_compressed_log_names_are_recognised(tmp_path: Path) -> None:
    nested = tmp_path / "2026-11-02"
    nested.mkdir()
    zeeklogs.write_tsv(nested / "conn.10:00:00-11:00:00.log.gz", "conn", [_conn_row()], compress=True)
    zeeklogs.write_json(
        nested / "dns.10:00:00-11:00:00.json.gz",
        "dns",
        [{"ts": zeeklogs.epoch(T0), "id.orig_h": "10.20.0.5", "query": "litedev.ezvizlife.com"}],
        compress=True,
    )
    assert is_zeek_log(tmp_path) is False
    assert is_zeek_log(nested)
    records, _ = _read(tmp_path, "logs")
    files = [r.frame.file for r in _of(records, Egress)]
    # dns is read before conn, so a connection follows the name that resolved to its address
    assert files == ["logs/2026-11-02/dns.10:00:00-11:00:00.json.gz", "logs/2026-11-02/conn.10:00:00-11:00:00.log.gz"]


def test_json_nested_ids_and_iso_times(tmp_path: Path) -> None:
    path = tmp_path / "conn.json"
    path.write_text(
        json.dumps(
            {
                "ts": "2026-11-02T10:00:00.250000Z",
                "id": {"orig_h": "10.20.0.5", "orig_p": 1, "resp_h": "47.91.1.2", "resp_p": 8800},
                "orig_pkts": 2,
                "resp_pkts": 0,
                "orig_ip_bytes": 80,
            }
        )
        + "\n"
    )
    records, _ = _read(path)
    egress = _of(records, Egress)[0]
    assert (egress.address, egress.remote, egress.port, egress.size, egress.frames) == (
        "10.20.0.5",
        "47.91.1.2",
        8800,
        80,
        2,
    )
    assert egress.frame.time == T0 + dt.timedelta(milliseconds=250)


# --- hostile logs ---------------------------------------------------------------------------------------------


def test_a_file_without_a_header_is_one_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "conn.log"
    path.write_text("1300475169.780331\tC3eiCBGOLw3VtHfOj\t173.192.163.128\n")
    with pytest.raises(DataError) as caught:
        list(read_zeek(path, name="conn.log"))
    assert caught.value.one_line() == "conn.log: no #fields header found; not a Zeek TSV log"


def test_fields_and_types_of_different_length_are_one_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "dns.log"
    path.write_text("#separator \\x09\n#fields\tts\tquery\n#types\ttime\n1.0\tx\n")
    with pytest.raises(DataError) as caught:
        list(read_zeek(path, name="dns.log"))
    assert caught.value.one_line() == "dns.log: #fields and #types disagree in length"


def test_a_file_of_no_kind_read_here_and_a_gzip_that_is_not_are_clean_errors(tmp_path: Path) -> None:
    weird = tmp_path / "weird.log"
    weird.write_text("#separator \\x09\n")
    with pytest.raises(DataError, match=r"^weird.log: not a Zeek log read here"):
        list(read_zeek(weird, name="weird.log"))
    fake = tmp_path / "conn.log.gz"
    fake.write_bytes(b"#separator \\x09\n not gzip at all")
    with pytest.raises(DataError, match=r"^conn.log.gz: not a readable gzip file"):
        list(read_zeek(fake, name="conn.log.gz"))
    assert not is_zeek_log(fake)


def test_in_a_directory_a_broken_log_is_a_problem_and_the_others_are_read(tmp_path: Path) -> None:
    (tmp_path / "dns.log").write_text("garbage without header\n")
    zeeklogs.write_tsv(tmp_path / "conn.log", "conn", [_conn_row()])
    records, stats = _read(tmp_path, "zeek")
    assert len(_of(records, Egress)) == 1
    assert stats.problems == ["zeek/dns.log: no #fields header found; not a Zeek TSV log"]


def test_wrong_types_and_short_lines_are_counted_and_skipped(tmp_path: Path) -> None:
    path = zeeklogs.write_tsv(tmp_path / "conn.log", "conn", [_conn_row(), _conn_row(), _conn_row()])
    lines = path.read_text().splitlines(keepends=True)
    lines[8] = lines[8].replace("\t10\t", "\tten\t", 1)  # orig_pkts is a count
    lines[9] = "\t".join(lines[9].split("\t")[:5]) + "\n"  # a truncated line
    path.write_text("".join(lines))
    records, stats = _read(path)
    assert stats.bad_lines == 2
    assert [e.frame.frame for e in _of(records, Egress)] == [11]


def test_hostile_json_values_are_refused_or_bounded(tmp_path: Path) -> None:
    path = tmp_path / "http.json"
    lines = [
        "{not json",
        json.dumps(["not", "an", "object"]),
        json.dumps({"ts": True, "id.orig_h": "<script>", "host": "x.example"}),  # not an address: no device
        json.dumps(
            {
                "ts": 1e300,
                "id.orig_h": "10.20.0.5",
                "host": "h" * (3 * MAX_VALUE),
                "request_body_len": -5,
                "response_body_len": "many",
                "user_agent": {"nested": 1},
                "id.resp_p": 70000,
            }
        ),
    ]
    path.write_text("\n".join(lines) + "\n")
    records, stats = _read(path)
    assert stats.bad_lines == 2
    egress = _of(records, Egress)
    assert len(egress) == 1
    only = egress[0]
    assert only.frame.frame == 4
    assert only.frame.time is None
    assert (only.address, only.port, only.size) == ("10.20.0.5", None, 0)
    assert only.name is not None
    assert len(only.name) == MAX_VALUE
    assert _of(records, Sighting) == []


def test_overlong_lines_are_skipped_in_bounded_memory(tmp_path: Path) -> None:
    path = zeeklogs.write_tsv(tmp_path / "conn.log", "conn", [_conn_row(), _conn_row()])
    lines = path.read_text().splitlines(keepends=True)
    huge = "A" * (20 * MAX_LINE) + "\n"  # 1.3 MB in one line
    path.write_text("".join(lines[:9]) + huge + "".join(lines[9:]) + "B" * (5 * MAX_LINE))  # and no final newline
    tracemalloc.start()
    records, stats = _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert stats.overlong_lines == 2
    assert stats.bad_lines == 2
    assert [e.frame.frame for e in _of(records, Egress)] == [9, 11]
    assert peak < 8 * MAX_LINE * 4  # a few line buffers, never the 1.3 MB line


def test_truncated_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    rows = [_conn_row(**{"uid": f"C{i}", "id.orig_p": 1000 + i}) for i in range(2000)]
    whole = zeeklogs.write_tsv(tmp_path / "full.log", "conn", rows).read_bytes()
    path = tmp_path / "conn.log.gz"
    packed = gzip.compress(whole)
    path.write_bytes(packed[: len(packed) // 2])
    records, stats = _read(path)
    read = len(_of(records, Egress))
    assert 0 < read < 2000
    assert stats.bad_lines >= 1  # the damaged end is counted, not raised


def test_decompression_bomb_is_read_as_bounded_overlong_lines(tmp_path: Path) -> None:
    header = zeeklogs.write_tsv(tmp_path / "h.log", "dns", []).read_bytes().rsplit(b"#close", 1)[0]
    path = tmp_path / "dns.log.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(header)
        for _ in range(64):
            handle.write(b"\0" * (1 << 20))  # 64 MiB of zeros without a newline, ~64 KiB packed
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    records, stats = _read(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert records == []
    assert stats.overlong_lines == 1
    assert peak < 8 * MAX_LINE * 4
