"""A restricted maker, or a brand it owns, named inside what a device says of itself: 'Huawei Auth-Http
Server 1.0', a SIP user agent 'ZTE-F670L', 'O=Zhejiang Dahua Technology Co., Ltd.' in a certificate, '海康威视'
in a page title.

Where the name stands decides its weight. At the start of a self-description (a server header, user agent,
banner, sysDescr, a UPnP or LLDP description) or as a certificate's organisation, the device names its maker:
medium confidence. Anywhere else in those fields, and in titles and names people set, it is only mentioned:
low confidence, which names a maker for review but never makes a restricted claim. Page bodies are not read
(they mention makers for many reasons: compatibility lists, manuals, news).

Latin names match as whole words ('ZTE' in 'ZTE-F670L', not in 'AZTEC'); names in Chinese script match as
written, and only the distinctive forms a maker's own filings use ('海康威视', '中兴通讯', not '大华' alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from covered.identify.signatures import normalise
from covered.model import Brand, Channel, Confidence, ProductLine, Relationship, Vendor

__all__ = ["Mention", "MentionFinder"]

# Fields where a device describes its own software or hardware: a name at their start is its own claim.
_SELF_DESCRIPTIONS = {
    (Channel.HTTP, "server"),
    (Channel.RTSP, "server"),
    (Channel.SIP, "user-agent"),
    (Channel.SIP, "server"),
    (Channel.SSH, "banner"),
    (Channel.TELNET, "banner"),
    (Channel.FTP, "banner"),
    (Channel.SNMP, "sysdescr"),
    (Channel.UPNP, "model"),
    (Channel.UPNP, "description"),
    (Channel.LLDP, "system-description"),
    (Channel.LLDP, "platform"),
}
# Fields that may name a maker in passing (a title, a name someone set): a mention there is low confidence.
_PASSING = {
    (Channel.HTTP, "title"),
    (Channel.HTTP, "www-authenticate"),
    (Channel.RTSP, "www-authenticate"),
    (Channel.SNMP, "sysname"),
    (Channel.MDNS, "instance"),
    (Channel.LLDP, "system-name"),
}
_CERTIFICATE = {(Channel.TLS, "subject"), (Channel.TLS, "issuer")}
# Passing fields a device's firmware writes (not a person): a product line leading them is the device's model.
_FIRMWARE_WRITTEN = {(Channel.HTTP, "title"), (Channel.HTTP, "www-authenticate"), (Channel.RTSP, "www-authenticate")}
_READ = _SELF_DESCRIPTIONS | _PASSING | _CERTIFICATE
_MEMO_SIZE = 65_536
"""Values remembered per finder; the memo starts afresh when full."""
_LEADING = 24
"""A name starting within this many characters of a self-description (or of one of its lines) leads it."""
_SSH_PREFIX = re.compile(r"^SSH-[\d.]+-", re.IGNORECASE)
_DN_PART = re.compile(r"(?:^|[,/+])\s*([A-Za-z]+)\s*=\s*((?:\\.|[^,/+])*)")
_WORD = re.compile(r"[a-z]+")
# Words after which a name is another firm's ('for Hikvision cameras', 'compatible with Dahua'); 'welcome to',
# 'powered by' and 'copyright ... by' introduce the device's own maker, so 'to' and 'by' are not among them.
_ASIDE = {"for", "with", "compatible", "supports", "support", "via", "like", "and", "vs", "not"}
# Names inside another firm's name: Huawei-3Com was the joint venture that became H3C, not Huawei.
_COMPOUNDS = re.compile(r"huawei[\s_-]*3com")
_FIRM_BRANDS = {Relationship.OWN_BRAND, Relationship.SUBSIDIARY_BRAND, Relationship.SUBSIDIARY}
_MIN_LATIN = 3


@dataclass(frozen=True)
class Mention:
    """A tracked name found in a value: whose it is, as written, and how much it weighs."""

    vendor: Vendor
    brand: Brand | None
    name: str
    confidence: Confidence
    leading: bool
    product_line: ProductLine | None = None


def _fold(text: str) -> str:
    return normalise(text).casefold()


def _is_latin(name: str) -> bool:
    return all(ord(c) < 0x2E80 for c in name)


class MentionFinder:
    """Finds the restricted makers' names (and their firm brands' names) in device self-descriptions."""

    def __init__(self, vendors: Iterable[Vendor], brands: Iterable[Brand]) -> None:
        restricted = {v.id: v for v in vendors if v.restricted}
        owners: dict[str, tuple[Vendor, Brand | None, Confidence]] = {}
        for vendor in restricted.values():
            for name in (vendor.name, *vendor.legal_names):
                owners.setdefault(_fold(name), (vendor, None, Confidence.HIGH))
            for name in vendor.aliases:
                if len(name) > _MIN_LATIN:  # 'Hik' alone is too short to mean the maker
                    owners.setdefault(_fold(name), (vendor, None, Confidence.HIGH))
            for name in vendor.native_names:
                owners.setdefault(_fold(name), (vendor, None, Confidence.HIGH))
        for brand in brands:
            maker = restricted.get(brand.vendor or "")
            if maker is None or brand.relationship not in _FIRM_BRANDS or brand.model_line_dependent:
                continue
            for name in (brand.name, *brand.aliases):
                if len(name) > _MIN_LATIN and _fold(name) not in owners:
                    owners[_fold(name)] = (
                        maker,
                        brand if brand.relationship is not Relationship.OWN_BRAND else None,
                        brand.confidence,
                    )
        self._owners = {k: v for k, v in owners.items() if len(k) >= _MIN_LATIN or not _is_latin(k)}
        latin = sorted((k for k in self._owners if _is_latin(k)), key=len, reverse=True)
        native = sorted((k for k in self._owners if not _is_latin(k)), key=len, reverse=True)
        parts = [rf"(?<![0-9a-z]){re.escape(k)}" for k in latin] + [re.escape(k) for k in native]
        self._pattern = re.compile("|".join(parts)) if parts else None
        self._memo: dict[tuple[Channel, str, str], list[Mention]] = {}
        self._lines = [
            (re.compile(rf"(?<![0-9a-z])(?:{_line_pattern(line)})(?![a-z])", re.IGNORECASE), v, line)
            for v in restricted.values()
            for line in v.product_lines
        ]

    def find(self, channel: Channel, field: str, value: str) -> list[Mention]:
        """The names found in the value, strongest first; none for fields that do not describe the device.
        Answers are memoised per value, as the signature matcher's are: a network repeats the same banners."""
        key = (channel, field)
        if self._pattern is None or not value or key not in _READ:
            return []
        memo = (channel, field, value)
        found = self._memo.get(memo)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[memo] = self._find(key, channel, value)
        return found

    def _find(self, key: tuple[Channel, str], channel: Channel, value: str) -> list[Mention]:
        if key in _CERTIFICATE:
            return self._in_certificate(value)
        if key in _SELF_DESCRIPTIONS:
            text = _SSH_PREFIX.sub("", value) if channel is Channel.SSH else value
            return self._in_text(text, lead_weighs=True) or self._lines_in(text, lead_weighs=True)
        if key in _PASSING:
            found = self._in_text(value, lead_weighs=False)
            return found or self._lines_in(value, lead_weighs=key in _FIRMWARE_WRITTEN)
        return []

    def _lines_in(self, text: str, *, lead_weighs: bool) -> list[Mention]:
        """Product lines only one restricted maker uses ('ZXHN F670L', 'EchoLife HG8245H')."""
        folded = _fold(text[:4096])
        found: dict[str, Mention] = {}
        for pattern, vendor, line in self._lines:
            match = pattern.search(folded)
            if match is None:
                continue
            line_start = folded.rfind("\n", 0, match.start()) + 1
            leading = lead_weighs and match.start() - line_start < _LEADING
            confidence = Confidence.MEDIUM if leading else Confidence.LOW
            self._keep(found, Mention(vendor, None, match.group(0), confidence, leading, line))
        return sorted(found.values(), key=lambda m: (not m.leading, m.vendor.id))

    def _in_text(self, text: str, *, lead_weighs: bool) -> list[Mention]:
        head = text[:4096]
        folded = _fold(head)
        found: dict[str, Mention] = {}
        compounds = [m.span() for m in _COMPOUNDS.finditer(folded)]
        for match in self._pattern.finditer(folded) if self._pattern else ():
            if not _ends_a_word(head, folded, match) or any(a <= match.start() < b for a, b in compounds):
                continue
            vendor, brand, ceiling = self._owners[match.group(0)]
            line_start = folded.rfind("\n", 0, match.start()) + 1
            before = _WORD.findall(folded[line_start : match.start()])
            # 'for Hikvision', 'compatible with Dahua': a name after such a word is someone else's, not the device's.
            leading = lead_weighs and match.start() - line_start < _LEADING and not (before and before[-1] in _ASIDE)
            confidence = _lower(Confidence.MEDIUM if leading else Confidence.LOW, ceiling)
            self._keep(found, Mention(vendor, brand, _as_written(head, folded, match), confidence, leading))
        return sorted(found.values(), key=lambda m: (not m.leading, m.vendor.id))

    def _in_certificate(self, value: str) -> list[Mention]:
        found: dict[str, Mention] = {}
        for attribute, part in _DN_PART.findall(value[:4096]):
            organisation = attribute.upper() == "O"
            for mention in self._in_text(part, lead_weighs=organisation):
                self._keep(found, mention)
        return sorted(found.values(), key=lambda m: (not m.leading, m.vendor.id))

    @staticmethod
    def _keep(found: dict[str, Mention], mention: Mention) -> None:
        current = found.get(mention.vendor.id)
        if current is None or (mention.leading and not current.leading):
            found[mention.vendor.id] = mention


def _line_pattern(line: ProductLine) -> str:
    """A product line's words: its pattern, or its name, which may end in a model letter ('MA5600' in 'MA5600T')."""
    if line.pattern:
        return line.pattern
    return re.escape(line.name) + ("[a-z]?" if line.name[-1].isdigit() else "")


def _ends_a_word(text: str, folded: str, match: re.Match[str]) -> bool:
    """Whether a Latin name ends where a word does: no letter follows ('ZTE-F670L', 'HUAWEI 1.5'), or a
    capital starts the next word in camel case ('HuaweiHomeGateway'). Names in Chinese script always do."""
    end = match.end()
    if not match.group(0).isascii() or end >= len(folded) or not folded[end].isalpha():
        return True
    if len(text) != len(folded):
        return False
    return text[end - 1].islower() and text[end].isupper()


def _lower(a: Confidence, b: Confidence) -> Confidence:
    order = [Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH]
    return order[min(order.index(a), order.index(b))]


def _as_written(text: str, folded: str, match: re.Match[str]) -> str:
    """The name as the device wrote it, where folding kept the length; else as folded."""
    return text[match.start() : match.end()] if len(text) == len(folded) else match.group(0)
