"""A restricted maker named in a device's own words. Real strings are Rapid7 Recog examples (BSD-2-Clause) at
rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5, cited by file and line; Chinese names are the registered
names as the vendors' filings write them (their sources are in vendors.yml)."""

from __future__ import annotations

import pytest

from covered.identify import identifier_for
from covered.identify.mentions import MentionFinder
from covered.model import Channel, Confidence, Observation
from covered.registry import Registry

RECOG = "rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5"


@pytest.fixture(scope="module")
def finder(registry: Registry) -> MentionFinder:
    return MentionFinder(registry.vendors.values(), registry.brands.values())


@pytest.mark.parametrize(
    ("channel", "field", "value", "vendor", "confidence", "cited"),
    [
        (
            Channel.SIP,
            "user-agent",
            "HUAWEI-EchoLife HG8121H/V3R018C00S110",
            "huawei",
            "medium",
            "sip_user_agents.xml#L235",
        ),
        (Channel.SIP, "server", "SIP/1.0 (Huawei)", "huawei", "medium", "sip_banners.xml#L359"),
        (Channel.SSH, "banner", "SSH-2.0-HUAWEI-UMG8900", "huawei", "medium", "ssh_banners.xml#L1784"),
        (Channel.HTTP, "server", "ZTE web server 1.0 ZTE corp 2015.", "zte", "medium", "http_servers.xml#L4890"),
        (Channel.RTSP, "server", "Dahua Rtsp Server", "dahua", "medium", "rtsp_servers.xml#L24"),
        (Channel.HTTP, "server", "Hikvision-Webs", "hikvision", "medium", "http_servers.xml#L3069"),
        (
            Channel.TLS,
            "subject",
            "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN",
            "hikvision",
            "medium",
            "x509_subjects.xml#L825",
        ),
        (Channel.HTTP, "www-authenticate", 'Basic realm="HuaweiHomeGateway"', "huawei", "low", "http_wwwauth.xml#L316"),
        # The maker named deep in a sysDescr (a Huawei product on Windows): mentioned, not leading.
        (
            Channel.SNMP,
            "sysdescr",
            "MAS 1.0 (Intel X86) Copyright (c) 1998-2006 Huawei Technologies Co., Ltd on Windows NT 5.0",
            "huawei",
            "low",
            "snmp_sysdescr.xml#L3334",
        ),
    ],
)
def test_a_maker_named_in_a_real_self_description(
    finder: MentionFinder, channel: Channel, field: str, value: str, vendor: str, confidence: str, cited: str
) -> None:
    found = finder.find(channel, field, value)
    assert found, f"{RECOG}:xml/{cited}"
    assert found[0].vendor.id == vendor
    assert found[0].confidence.value == confidence


def test_names_in_chinese_script_as_the_filings_write_them(finder: MentionFinder) -> None:
    title = "杭州海康威视数字技术股份有限公司 视频管理系统"
    (found,) = finder.find(Channel.HTTP, "title", title)
    assert (found.vendor.id, found.confidence) == ("hikvision", Confidence.LOW)  # a title mentions; it never claims
    (zte,) = finder.find(Channel.SIP, "user-agent", "中兴通讯 ZXV10")
    assert (zte.vendor.id, zte.confidence) == ("zte", Confidence.MEDIUM)
    # Full-width letters fold to their plain forms, as a CJK web UI writes them.
    assert finder.find(Channel.HTTP, "server", "ＨＵＡＷＥＩ Web")[0].vendor.id == "huawei"
    # Everyday words that are also short names are not read as the maker.
    assert finder.find(Channel.HTTP, "title", "大华银行 网上银行") == []
    assert finder.find(Channel.HTTP, "title", "中兴路 停车场") == []


@pytest.mark.parametrize(
    ("channel", "field", "value"),
    [
        (Channel.SNMP, "sysdescr", "HUAWEI-3COM WBR-204g"),  # recog snmp_sysdescr.xml#L3355: the H3C joint venture
        (Channel.SNMP, "sysdescr", "Huawei-3Com Versatile Routing Platform"),
        (Channel.HTTP, "server", "AZTEC httpd"),  # 'zte' inside a word
        (Channel.HTTP, "server", "Hikvisionary/2.0"),
        (Channel.HTTP, "server", "ZTEv2"),
        (Channel.HTTP, "body", "Compatible with Hikvision, Dahua and Uniview cameras"),  # bodies are not read
        (Channel.INVENTORY, "location", "Huawei building, floor 3"),  # nor the organisation's own fields
        (Channel.HTTP, "title", "Uniview NVR"),  # Uniview is not a restricted maker
    ],
)
def test_look_alikes_and_fields_that_are_not_self_descriptions_name_no_maker(
    finder: MentionFinder, channel: Channel, field: str, value: str
) -> None:
    assert finder.find(channel, field, value) == []


def test_a_name_after_for_or_with_is_someone_elses(finder: MentionFinder) -> None:
    (found,) = finder.find(Channel.HTTP, "server", "Gateway for Hikvision cameras")
    assert found.confidence is Confidence.LOW
    assert not found.leading


def test_a_firm_brand_names_its_maker_and_itself(finder: MentionFinder) -> None:
    (found,) = finder.find(Channel.HTTP, "server", "EZVIZ-Webs")
    assert found.vendor.id == "hikvision"
    assert found.brand is not None
    assert found.brand.id == "ezviz"


def test_a_mention_only_speaks_where_no_signature_did(registry: Registry) -> None:
    identify = identifier_for(registry)
    signed = identify.attribute(
        "a", [Observation(device="a", channel=Channel.HTTP, field="server", value="Hikvision-Webs")]
    )
    assert not any(e.matcher.startswith("name-mention:") for e in signed.evidence)
    said = identify.attribute(
        "b", [Observation(device="b", channel=Channel.HTTP, field="server", value="Huawei Auth-Http Server 1.0")]
    )
    assert said.vendor == "huawei"
    assert said.restricted is True
    (evidence,) = [e for e in said.evidence if e.matcher == "name-mention:huawei"]
    assert evidence.reference
    assert "leads its own description" in evidence.conclusion
    mentioned = identify.attribute(
        "c", [Observation(device="c", channel=Channel.HTTP, field="title", value="Hikvision camera viewer")]
    )
    assert mentioned.vendor == "hikvision"
    assert mentioned.restricted is None  # named for review, never a restricted claim on a mention alone
    assert mentioned.confidence is Confidence.LOW


@pytest.mark.parametrize(
    ("channel", "field", "value", "vendor", "line"),
    [
        # nmap-service-probes (nmap/nmap@db4aefddfa348ec815ffa83a109c97e05db88766) L4878 and L4722, trimmed to the line.
        (Channel.TELNET, "banner", "Welcome to ZXAN product C320", "zte", "ZXAN"),
        (Channel.TELNET, "banner", "MA5600T Multi-service Access Module.", "huawei", "MA5600"),
        # Recog sip_user_agents.xml#L235 without its maker prefix, as ONTs of other firmware send it.
        (Channel.SIP, "user-agent", "EchoLife HG8121H/V3R018C00S110", "huawei", "EchoLife"),
        (Channel.SIP, "user-agent", "HG8245H/V3R017C10S100", "huawei", "HG8/EG8 ONT models"),
        # The ZTE families of the registry's product lines, as a login page's title gives the model.
        (Channel.HTTP, "title", "ZXHN F670L", "zte", "ZXHN"),
        (Channel.HTTP, "www-authenticate", 'Basic realm="ZXV10 W300"', "zte", "ZXV10"),
        (Channel.HTTP, "title", "iVMS-4200", "hikvision", "iVMS"),
    ],
)
def test_a_product_line_only_one_maker_uses_names_it(
    finder: MentionFinder, channel: Channel, field: str, value: str, vendor: str, line: str
) -> None:
    (found,) = finder.find(channel, field, value)
    assert found.vendor.id == vendor
    assert found.product_line is not None
    assert found.product_line.name == line
    assert found.product_line.source
    assert found.confidence is Confidence.MEDIUM


def test_a_product_line_in_a_name_someone_set_is_only_mentioned(finder: MentionFinder) -> None:
    (found,) = finder.find(Channel.SNMP, "sysname", "ZXHN-lobby")
    assert found.confidence is Confidence.LOW
    assert finder.find(Channel.SIP, "user-agent", "HG630") == []  # not the HG8 family
    assert finder.find(Channel.HTTP, "title", "ZXHNX portal") == []


def test_welcome_to_and_powered_by_introduce_the_devices_own_maker(finder: MentionFinder) -> None:
    (welcome,) = finder.find(Channel.TELNET, "banner", "Welcome to Huawei Technologies")
    assert welcome.confidence is Confidence.MEDIUM
    (powered,) = finder.find(Channel.HTTP, "server", "Powered by ZTE")
    assert powered.confidence is Confidence.MEDIUM
