"""Leads: weak signs (a vendor's port, one generic string) are listed for review, never claimed, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from covered.identify import identifier_for
from covered.model import Attribution, Channel, Observation, Signature, SignatureClaim
from covered.registry import Registry


def obs(channel: str, field: str, value: str) -> Observation:
    return Observation(device="d1", channel=Channel(channel), field=field, value=value)


def attribute(registry: Registry, *observations: Observation) -> Attribution:
    return identifier_for(registry).attribute("d1", list(observations))


def test_an_open_37777_alone_is_a_dahua_lead_not_a_claim(registry: Registry) -> None:
    result = attribute(registry, obs("port", "tcp", "37777"))
    assert result.vendor is None
    assert result.restricted is None
    assert result.confidence is None
    assert result.lead is not None
    assert result.lead.vendors == ["dahua"]
    assert result.lead.summary == "possibly Dahua (TCP 37777 open, nothing else answered)"
    assert result.explanation == "maker not determined; possibly Dahua (TCP 37777 open, nothing else answered)"
    assert result.lead.confidence.value == "low"
    # The reason cites the port hint's source; the evidence index points at the port's evidence.
    item = result.evidence[result.lead.evidence[0]]
    assert item.matcher == "port-hint:tcp/37777"
    assert item.suggests == "dahua"
    assert item.vendor is None
    assert item.reference
    assert "device-protocols.md#4.5" in item.reference
    assert any("Dahua CGI API" in step for step in result.lead.settle)
    assert any("--arp-table" in step for step in result.lead.settle)  # no MAC known yet


@pytest.mark.parametrize(
    ("port", "vendor"), [("8000", "hikvision"), ("9010", "hikvision"), ("9020", "hikvision"), ("34567", "xiongmai")]
)
def test_each_vendor_port_suggests_its_vendor(registry: Registry, port: str, vendor: str) -> None:
    result = attribute(registry, obs("port", "tcp", port))
    assert result.lead is not None
    assert result.lead.vendors == [vendor]
    assert result.vendor is None
    assert result.restricted is None


def test_unhinted_ports_make_no_lead(registry: Registry) -> None:
    result = attribute(registry, obs("port", "tcp", "80"), obs("port", "tcp", "554"), obs("port", "udp", "37777"))
    assert result.lead is None
    assert result.explanation == "maker not determined"


def test_a_weak_string_that_hints_at_a_maker_is_a_lead(registry: Registry) -> None:
    result = attribute(registry, obs("http", "title", "WEB SERVICE"))
    assert result.vendor is None
    assert result.restricted is None
    assert result.lead is not None
    assert result.lead.vendors == ["dahua"]
    # A device that answered HTTP is not "silent".
    assert result.lead.summary == "possibly Dahua (HTTP title 'WEB SERVICE')"


def test_port_and_string_together_rank_the_better_supported_maker_first(registry: Registry) -> None:
    result = attribute(
        registry, obs("port", "tcp", "8000"), obs("port", "tcp", "37777"), obs("http", "title", "WEB SERVICE")
    )
    assert result.lead is not None
    assert result.lead.vendors == ["dahua", "hikvision"]
    assert result.lead.summary.startswith("possibly Dahua or Hikvision (")
    assert len(result.lead.reasons) == 3
    assert len(result.lead.evidence) == 3
    assert result.restricted is None
    assert result.vendor is None


def test_an_established_vendor_leaves_no_lead(registry: Registry) -> None:
    # An Axis title names a non-restricted maker; an open 37777 beside it is not a Dahua lead.
    result = attribute(registry, obs("http", "title", "AXIS"), obs("port", "tcp", "37777"))
    assert result.vendor == "axis"
    assert result.lead is None
    assert all(e.vendor != "dahua" for e in result.evidence)


def test_a_known_mac_drops_the_neighbour_table_hint(registry: Registry) -> None:
    # A locally administered MAC says nothing about the maker, but the neighbour table was already read.
    result = attribute(registry, obs("port", "tcp", "37777"), obs("mac", "address", "02:11:22:33:44:55"))
    assert result.lead is not None
    assert not any("--arp-table" in step for step in result.lead.settle)
    assert result.lead.summary == "possibly Dahua (TCP 37777 open, nothing else answered)"


def test_a_vendor_mac_settles_it_instead_of_a_lead(registry: Registry) -> None:
    mac = "98:F9:CC:12:34:56"  # a Dahua block (dhip_reply.yml example)
    result = attribute(registry, obs("port", "tcp", "37777"), obs("mac", "address", mac))
    assert result.vendor == "dahua"
    assert result.lead is None


def test_suggests_is_only_allowed_on_generic_signatures(registry: Registry) -> None:
    base = registry.signatures.by_id["generic-http-title-web-service"].model_dump()
    assert base["suggests"] == "dahua"
    restricted = {**base, "claim": SignatureClaim.RESTRICTED, "vendor": "dahua"}
    with pytest.raises(ValueError, match="suggests is only for generic"):
        Signature.model_validate(restricted)


def test_lead_round_trips_through_json(registry: Registry) -> None:
    result = attribute(registry, obs("port", "tcp", "37777"))
    again = Attribution.model_validate_json(result.model_dump_json())
    assert again.lead == result.lead


def test_csv_and_table_views_show_the_lead(registry: Registry) -> None:
    import csv
    import io

    from rich.console import Console

    from covered.report.device_views import attributions_csv, leads_table

    lead = attribute(registry, obs("port", "tcp", "37777"))
    plain = attribute(registry, obs("http", "title", "AXIS"))
    rows = list(csv.DictReader(io.StringIO(attributions_csv([lead, plain]))))
    assert [r["lead"] for r in rows] == ["possibly Dahua (TCP 37777 open, nothing else answered)", ""]
    table = leads_table([lead, plain], "leads")
    assert table.row_count == 1  # only the device with a lead
    console = Console(record=True, width=200)
    console.print(table)
    text = console.export_text()
    assert "Dahua" in text
    assert "TCP 37777 open: Dahua DVRIP" in text


def test_registry_check_reports_bad_port_hints_and_suggestions(data_copy: Path) -> None:
    from covered.identify import check_data
    from covered.registry import load_registry

    hints = data_copy / "port_hints.yml"
    hints.write_text(
        hints.read_text(encoding="utf-8")
        + "- port: 37777\n  transport: tcp\n  vendor: dahua\n  service: again\n  reference: x\n  licence: facts\n"
        + "- port: 1234\n  transport: tcp\n  vendor: no-such-maker\n  service: x\n  reference: x\n  licence: facts\n",
        encoding="utf-8",
    )
    titles = data_copy / "signatures" / "http_title.yml"
    text = titles.read_text(encoding="utf-8")
    titles.write_text(text.replace("  suggests: dahua\n", "  suggests: nobody\n", 1), encoding="utf-8")
    problems = [str(p) for p in check_data(load_registry(data_copy, check_references=False))]
    assert any("port_hints.yml" in p and "port hint tcp/37777 listed twice" in p for p in problems)
    assert any("port_hints.yml" in p and "unknown vendor id 'no-such-maker'" in p for p in problems)
    assert any("generic-http-title-web-service: suggests an unknown vendor id 'nobody'" in p for p in problems)
