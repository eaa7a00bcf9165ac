"""Vendor mentions in any script: registry vendors' names, legal names and aliases, brands (mapped to their
vendor), and the vendors' own names in Chinese, Cyrillic and Devanagari script."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from covered.registry import Registry

__all__ = ["SCRIPT_NAMES", "VendorHit", "VendorMatcher"]

_CJK = re.compile(r"[\u4e00-\u9fff]")

SCRIPT_NAMES: dict[str, list[str]] = {
    "hikvision": ["海康威视", "海康", "Хіквіжн", "Хиквижн", "Хиквижен", "हिकविज़न", "हिकविजन"],
    "dahua": ["大华", "大華", "Дахуа", "Дахуа Текнолоджі", "दहुआ"],
    "huawei": ["华为", "華為", "Хуавей", "Хуавэй", "हुआवेई", "ख्वावे"],
    "zte": ["中兴", "中興", "ЗТЕ"],
    "hytera": ["海能达", "Хайтера"],
    "uniview": ["宇视"],
    "kedacom": ["科达"],
    "tiandy": ["天地伟业"],
    "sensetime": ["商汤"],
    "megvii": ["旷视"],
}
"""Native-script and transliterated names of vendors (the companies' own Chinese names; common Cyrillic and
Devanagari transliterations in the press)."""


@dataclass(frozen=True, slots=True)
class VendorHit:
    """A vendor named in text."""

    start: int
    end: int
    vendor: str
    written: str


class VendorMatcher:
    """Finds vendors named in text; restricted-country vendors (China) are the ones events are about."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    @cached_property
    def _pattern(self) -> tuple[re.Pattern[str], dict[str, str]]:
        names: dict[str, str] = {}
        for vendor in self.registry.vendors.values():
            for name in (vendor.name, *vendor.legal_names, *vendor.aliases, *SCRIPT_NAMES.get(vendor.id, [])):
                if len(name) >= 2:
                    names.setdefault(name.casefold(), vendor.id)
        for brand in self.registry.brands.values():
            if brand.vendor is not None:
                for name in (brand.name, *brand.aliases):
                    if len(name) >= 4:
                        names.setdefault(name.casefold(), brand.vendor)
        ordered = sorted(names, key=len, reverse=True)
        words = "|".join(re.escape(n) for n in ordered if not _CJK.search(n))
        cjk = "|".join(re.escape(n) for n in ordered if _CJK.search(n))
        # Chinese has no spaces between words: its names match anywhere; others at word edges.
        return re.compile(rf"(?<![\w-])(?:{words})(?!\w)|{cjk}", re.IGNORECASE), names

    @cached_property
    def restricted_country(self) -> set[str]:
        """Vendor ids headquartered in China (the vendors restriction events are about)."""
        return {v.id for v in self.registry.vendors.values() if v.country == "CN"}

    def find(self, text: str, offset: int = 0) -> list[VendorHit]:
        """Every vendor mention, in text order."""
        pattern, names = self._pattern
        out = []
        for m in pattern.finditer(text):
            vendor = names.get(m.group().casefold())
            if vendor is None:
                continue
            # 'Hik' and short all-capital aliases only as written (avoid 'hik' inside words, 'ZTE' vs 'zte').
            if len(m.group()) <= 3 and m.group() != m.group().upper() and m.group()[0].islower():
                continue
            out.append(VendorHit(offset + m.start(), offset + m.end(), vendor, m.group()))
        return out
