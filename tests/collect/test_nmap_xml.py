"""nmap -sV -oX as nmap writes it: service matches, CPEs, NSE scripts and MAC vendors become evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.collect import import_file
from covered.collect.nmap_xml import x509_from_nmap
from covered.identify import identifier_for
from covered.registry import Registry

# Laid out as nmap 7.9x writes -oX (element order and attributes from nmap's output.cc / docs/nmap.dtd); the
# ssl-cert tables list name fields alphabetically by long name, as nmap's ssl-cert.nse does.
SCAN = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<nmaprun scanner="nmap" args="nmap -sV -oX scan.xml 192.0.2.0/28" start="1700000000" version="7.94"
 xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="1000" services="1-1000"/>
<host starttime="1700000001" endtime="1700000050"><status state="up" reason="arp-response" reason_ttl="0"/>
<address addr="192.0.2.2" addrtype="ipv4"/>
<address addr="C0:56:E3:11:22:33" addrtype="mac" vendor="Hangzhou Hikvision Digital Technology"/>
<hostnames></hostnames>
<ports><port protocol="tcp" portid="443"><state state="open" reason="syn-ack" reason_ttl="64"/>
<service name="http" product="Hikvision IP camera httpd" tunnel="ssl" devicetype="webcam" method="probed" conf="10"/>
<script id="ssl-cert" output="Subject: commonName=192.168.1.64/countryName=CN&#xa;Issuer: commonName=192.168.1.64">
<table key="subject">
<elem key="commonName">www.hikvision.com</elem>
<elem key="countryName">CN</elem>
<elem key="localityName">HangZhou</elem>
<elem key="organizationName">HIKVISION</elem>
<elem key="organizationalUnitName">DVRNVR</elem>
<elem key="stateOrProvinceName">ZheJiang</elem>
</table>
<table key="issuer"><elem key="commonName">www.hikvision.com</elem></table>
<elem key="sig_algo">sha256WithRSAEncryption</elem>
</script></port>
<port protocol="tcp" portid="8000"><state state="open" reason="syn-ack" reason_ttl="64"/>
<service name="ipcam" product="Hikvision IPCam control port" method="probed" conf="10"/></port>
</ports></host>
<host starttime="1700000001" endtime="1700000050"><status state="up" reason="arp-response" reason_ttl="0"/>
<address addr="192.0.2.3" addrtype="ipv4"/>
<hostnames><hostname name="ont.example" type="PTR"/></hostnames>
<ports><port protocol="tcp" portid="23"><state state="open" reason="syn-ack" reason_ttl="64"/>
<service name="telnet" product="ZTE F660 router telnetd" devicetype="router" method="probed" conf="10">
<cpe>cpe:/h:zte:f660</cpe></service></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/>
<service name="ssh" product="Huawei VRP sshd" extrainfo="protocol 2.0" devicetype="router" method="probed" conf="10">
<cpe>cpe:/o:huawei:vrp</cpe></service>
<script id="banner" output="SSH-2.0-HUAWEI-1.5"/></port>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="64"/>
<service name="http" method="table" conf="3"/>
<script id="http-title" output="Site doesn&apos;t have a title (text/html)."/></port>
</ports></host>
<host><status state="down" reason="no-response" reason_ttl="0"/><address addr="192.0.2.9" addrtype="ipv4"/></host>
<runstats><finished time="1700000060" elapsed="60"/><hosts up="2" down="1" total="3"/></runstats>
</nmaprun>
"""


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "scan.xml"
    path.write_text(SCAN, encoding="utf-8")
    return path


def test_every_field_nmap_gives_is_kept(scan: Path) -> None:
    result = import_file(scan)
    assert result.rows == 2  # the host that is down is not a device
    cam = {(o.channel.value, o.field, o.port): o.value for o in result.devices["C0:56:E3:11:22:33"]}
    assert cam[("nmap", "product", 443)] == "Hikvision IP camera httpd"
    assert cam[("nmap", "devicetype", 443)] == "webcam"
    assert cam[("nmap", "mac-vendor", None)] == "Hangzhou Hikvision Digital Technology"
    assert cam[("port", "tcp", 8000)] == "8000"
    # nmap lists the subject alphabetically; the RFC 4514 form is rebuilt in certificate order.
    assert cam[("tls", "subject", 443)] == "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"
    ont = {(o.channel.value, o.field, o.port): o.value for o in result.devices["192.0.2.3"]}
    assert ont[("nmap", "cpe", 23)] == "cpe:/h:zte:f660"
    assert ont[("ssh", "banner", 22)] == "SSH-2.0-HUAWEI-1.5"
    assert ("http", "title", 80) not in ont  # nmap's "no title" sentence is not a title


def test_nmap_xml_names_the_makers_nmap_names(scan: Path, registry: Registry) -> None:
    result = import_file(scan)
    cam = identifier_for(registry).attribute("cam", result.devices["C0:56:E3:11:22:33"])
    assert cam.vendor == "hikvision"
    assert cam.restricted is True
    matchers = {e.matcher for e in cam.evidence}
    assert "nmap-product-hikvision" in matchers
    assert any(m and m.startswith("hikvision-tls-subject") for m in matchers), matchers
    ont = identifier_for(registry).attribute("ont", result.devices["192.0.2.3"])
    assert ont.vendor in {"zte", "huawei"}
    assert ont.conflicts  # a ZTE telnet and a Huawei SSH on one address: shown, not hidden


def test_rdn_escaping_and_unknown_keys() -> None:
    from defusedxml import ElementTree

    table = ElementTree.fromstring(
        '<table key="subject"><elem key="organizationName">Acme, Inc.</elem>'
        '<elem key="serialNumber">42</elem><elem key="commonName"># cam</elem></table>'
    )
    assert x509_from_nmap(table) == "CN=\\# cam,O=Acme\\, Inc.,serialNumber=42"
    assert x509_from_nmap(None) is None


def test_bad_port_ids_are_warnings_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(
        '<nmaprun><host><address addr="192.0.2.4" addrtype="ipv4"/><ports>'
        '<port protocol="tcp" portid="eighty"><state state="open"/></port></ports></host></nmaprun>',
        encoding="utf-8",
    )
    result = import_file(path)
    assert [w.message for w in result.warnings] == ["port id 'eighty' is not a number: port skipped"]
