"""Asset lists and nmap XML: columns auto-detected or mapped, bad rows reported by line, the rest imported."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from covered.collect import import_file, parse_mapping
from covered.errors import DataError, UsageError
from covered.identify import identifier_for
from covered.registry import Registry

CSV = """Asset Tag;MAC Address;IP;Make;Model Number;S/N;Location
A1;44:19:B6:11:22:33;10.0.0.5;;DS-2CD2142FWD-I;;HQ
A2;not-a-mac;10.0.0.6;Lorex;;SN123;Depot
;;;;;;
A4;00-0F-7C-00-00-01;bad-ip;Axis;P3245-V;;HQ
"""


def test_csv_columns_detected_and_bad_rows_reported(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(CSV, encoding="utf-8")
    result = import_file(path)
    assert result.columns == {
        "MAC Address": "mac",
        "IP": "ip",
        "Make": "brand",
        "Model Number": "model",
        "S/N": "serial",
        "Location": "location",
        "Asset Tag": "asset_tag",
    }
    assert result.unmapped == []
    warnings = {w.line: w.message for w in result.warnings}
    assert warnings[3] == "'not-a-mac' is not a MAC address: ignored"
    assert warnings[4] == "empty row: skipped"
    assert warnings[5] == "'bad-ip' is not an IP address: kept as hostname"
    assert result.rows == 3
    assert list(result.devices) == ["44:19:B6:11:22:33", "SN123", "00:0F:7C:00:00:01"]
    first = identifier_for(registry).attribute("a", result.devices["44:19:B6:11:22:33"])
    assert (first.vendor, first.restricted) == ("hikvision", True)
    assert first.model == "DS-2CD2142FWD-I"


def test_mapping_option(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text("Ref,Hardware\nX1,44:19:B6:00:00:01\n", encoding="utf-8")
    with pytest.raises(DataError, match="no header row names an inventory column"):
        import_file(path)
    result = import_file(path, parse_mapping(["Hardware=mac", "Ref=serial"]))
    assert list(result.devices) == ["44:19:B6:00:00:01"]
    with pytest.raises(UsageError, match="unknown field 'colour'"):
        parse_mapping(["Ref=colour"])
    with pytest.raises(UsageError, match="no column named 'nope'"):
        import_file(path, parse_mapping(["nope=mac"]))


def test_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([])
    sheet.append(["Manufacturer", "Model", "Serial Number"])
    sheet.append(["Hikvision", "DS-7608NI-K2", "S1"])
    sheet.append([None, None, None])
    path = tmp_path / "assets.xlsx"
    book.save(path)
    result = import_file(path)
    assert result.columns == {"Manufacturer": "manufacturer", "Model": "model", "Serial Number": "serial"}
    assert list(result.devices) == ["S1"]
    assert {w.line for w in result.warnings} == {4}


def test_json_list_and_json_lines(tmp_path: Path) -> None:
    listed = tmp_path / "a.json"
    listed.write_text(json.dumps({"devices": [{"mac": "08:ED:ED:00:00:01", "brand": "Dahua"}, 5]}))
    result = import_file(listed)
    assert list(result.devices) == ["08:ED:ED:00:00:01"]
    assert [w.line for w in result.warnings] == [2]
    lines = tmp_path / "a.jsonl"
    lines.write_text('{"mac": "08:ED:ED:00:00:02"}\n{bad\n{"hostname": "cam-3"}\n')
    result = import_file(lines)
    assert list(result.devices) == ["08:ED:ED:00:00:02", "cam-3"]
    assert [w.line for w in result.warnings] == [2]


NMAP = """<?xml version="1.0" encoding="UTF-8"?>
<nmaprun scanner="nmap" args="nmap -sV -oX - 192.0.2.0/29" version="7.94">
<host><status state="up"/>
<address addr="192.0.2.5" addrtype="ipv4"/><address addr="44:19:B6:AA:BB:CC" addrtype="mac" vendor="Hikvision"/>
<hostnames><hostname name="cam5.example" type="PTR"/></hostnames>
<ports>
<port protocol="tcp" portid="80"><state state="open"/><service name="http"/>
<script id="http-server-header" output="DNVRS-Webs"/><script id="http-title" output="Welcome"/></port>
<port protocol="tcp" portid="443"><state state="open"/><service name="https"/>
<script id="ssl-cert" output="Subject: commonName=x">
<table key="subject"><elem key="commonName">www.hikvision.com</elem>
<elem key="organizationName">HIKVISION</elem></table>
<table key="issuer"><elem key="commonName">ca</elem></table></script></port>
<port protocol="tcp" portid="23"><state state="closed"/><script id="banner" output="ignored"/></port>
</ports></host>
<host><status state="up"/><address addr="192.0.2.6" addrtype="ipv4"/></host>
</nmaprun>
"""


def test_nmap_xml(tmp_path: Path) -> None:
    path = tmp_path / "scan.xml"
    path.write_text(NMAP, encoding="utf-8")
    result = import_file(path)
    assert result.format == "nmap-xml"
    cam = result.devices["44:19:B6:AA:BB:CC"]
    fields = {(o.channel.value, o.field): o.value for o in cam}
    assert fields[("http", "server")] == "DNVRS-Webs"
    assert fields[("tls", "subject")] == "CN=www.hikvision.com,O=HIKVISION"
    assert fields[("inventory", "hostname")] == "cam5.example"
    assert ("telnet", "banner") not in fields  # closed port ignored
    assert "192.0.2.6" in result.devices


def test_nmap_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><nmaprun>&b;</nmaprun>')
    with pytest.raises(DataError, match="unsafe or malformed XML"):
        import_file(path)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        import_file(tmp_path / "absent.csv")
    odd = tmp_path / "a.pdf"
    odd.write_bytes(b"%PDF")
    with pytest.raises(UsageError, match="unsupported file type"):
        import_file(odd)
