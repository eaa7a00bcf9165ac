"""MAC blocks: longest prefix across MA-L, MA-M and MA-S; vendors by exact registrant, never by substring."""

from __future__ import annotations

import pytest

from covered.identify import identifier_for
from covered.identify.oui import OuiDatabase, normalise_mac
from covered.registry import Registry


@pytest.fixture(scope="module")
def oui(registry: Registry) -> OuiDatabase:
    return identifier_for(registry).oui


@pytest.mark.parametrize(
    ("mac", "bits", "registrant", "vendor"),
    [
        ("44:19:B6:11:22:33", 24, "Hangzhou Hikvision Digital Technology Co.,Ltd.", "hikvision"),
        ("08-ED-ED-00-00-01", 24, "Zhejiang Dahua Technology Co., Ltd.", "dahua"),
        ("0015.eb12.3456", 24, "zte corporation", "zte"),
        ("00:18:82:00:00:01", 24, "Huawei Technologies Co.,Ltd", "huawei"),
        ("14:BA:88:00:00:01", 24, "Zhejiang Uniview Technologies Co.,Ltd.", "uniview"),
        # Confusable registrants that must stay unattributed.
        ("00:A3:07:00:00:01", 24, "Honor Device Co., Ltd.", None),
        ("40:2C:76:10:00:01", 28, "Shanghai Dahua Scale Factory", None),
        ("B0:B3:53:60:00:01", 28, "Hangzhou Hikrobot Technology Co., Ltd.", None),
        ("00:D9:8B:00:00:01", 24, "Hangzhou Huacheng Network Technology Co.,Ltd", None),
        ("00:22:A1:00:00:01", 24, "Huawei Symantec Technologies Co.,Ltd.", None),
        ("00:1A:EE:00:00:01", 24, "Shenztech Ltd", None),
        # MA-S: a /36 block inside an IEEE Registration Authority MA-L.
        ("00:1B:C5:06:40:01", 36, "Enkora Oy Ltd", None),
    ],
)
def test_block_and_vendor(oui: OuiDatabase, mac: str, bits: int, registrant: str, vendor: str | None) -> None:
    block = oui.block(mac)
    assert block is not None
    assert (block.bits, block.registrant) == (bits, registrant)
    entry = oui.registrant(block)
    assert (entry.vendor if entry else None) == vendor


def test_ma_m_block_wins_over_its_parent(oui: OuiDatabase) -> None:
    inside = oui.block("40:2C:76:10:00:01")
    outside = oui.block("40:2C:76:20:00:01")
    assert inside is not None
    assert inside.bits == 28
    assert outside is None or outside.registrant != inside.registrant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("44:19:b6:11:22:33", "44:19:B6:11:22:33"),
        ("44-19-B6-11-22-33", "44:19:B6:11:22:33"),
        ("4419.b611.2233", "44:19:B6:11:22:33"),
        ("4419b6112233", "44:19:B6:11:22:33"),
        ("44:19:b6:11:22", None),
        ("zz:19:b6:11:22:33", None),
        ("", None),
    ],
)
def test_normalise_mac(text: str, expected: str | None) -> None:
    assert normalise_mac(text) == expected


def test_locally_administered_addresses_are_not_looked_up(registry: Registry) -> None:
    attribution = identifier_for(registry).attribute("x", [_mac("46:19:B6:11:22:33")])
    assert OuiDatabase.locally_administered("46:19:B6:11:22:33")
    assert attribution.vendor is None


def _mac(value: str):  # type: ignore[no-untyped-def]
    from covered.model import Channel, Observation

    return Observation(device="x", channel=Channel.MAC, field="address", value=value)
