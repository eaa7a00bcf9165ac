"""What a converted banner/header fingerprint may claim: maker, claim, confidence, and the near misses it must refuse.

Shared by the Recog and nmap converters. The rules follow docs/signatures.md: strings a camera network is full of
(GoAhead ``Webs``, Boa, lighttpd, "IP Camera", "WEB SERVICE", NETSurveillance...) are generic with no vendor; a
literal shorter than five characters, or made only of common words, never makes a restricted claim; ``high``
confidence is kept for patterns that read a model number, ``low`` for component makers (HiSilicon SoCs sit in
many brands' recorders).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from covered.corpus.candidate import Candidate
from covered.corpus.vendors import Maker, VendorNames, normalise_name
from covered.model import Confidence, Relationship, SignatureClaim

__all__ = [
    "WITHHELD",
    "Verdict",
    "add_near_misses",
    "generic_reason",
    "in_surveillance_line",
    "is_relabel",
    "mentioned",
    "own_makers",
    "verdict",
    "withheld",
]

_GENERIC = re.compile(
    r"^(?:goahead(?:-webs)?|webs|boa|lighttpd|mini_httpd|micro_httpd|thttpd|uc-httpd|mongoose|nginx|apache|"
    r"(?:ip|network|web|net|wifi|h\.?264)\s*camera|web\s*service|netsurveillance(?:\s*web)?|dvr|nvr|ipc|"
    r"jquery|login|web\s*client|miniupnpd?|rompager|allegro.*|embedded\s*web\s*server|"
    r"linux.*upnp.*|portable\s*sdk.*|dropbear.*|openssh.*|busybox.*|\(none\)\s*login:?)"
    # a version after the name ("Boa/0.94.14rc21", "lighttpd/1.4.35") keeps it generic
    r"(?:[\s/_-]*v?\d[\w.\-]*)?$",
    re.IGNORECASE,
)
_COMMON = frozenset(
    [
        "http",
        "https",
        "server",
        "web",
        "webs",
        "webserver",
        "httpd",
        "switch",
        "router",
        "login",
        "camera",
        "ip",
        "ipcam",
        "network",
        "device",
        "video",
        "dvr",
        "nvr",
        "admin",
        "index",
        "home",
        "page",
        "welcome",
        "to",
        "the",
        "of",
        "and",
        "system",
        "user",
        "username",
        "name",
        "password",
        "version",
        "software",
        "release",
        "management",
        "default",
        "service",
        "gateway",
        "modem",
        "access",
        "unknown",
        "linux",
        "upnp",
        "portable",
        "sdk",
        "for",
        "devices",
        "embedded",
        "mini",
        "micro",
        "cgi",
        "rtsp",
        "sip",
        "ftp",
        "telnet",
        "ssh",
        "remote",
        "console",
        "cli",
        "ready",
        "please",
        "enter",
        "configuration",
        "config",
        "utility",
        "wireless",
        "lan",
        "wan",
        "adsl",
        "dsl",
        "broadband",
        "security",
        "surveillance",
        "digital",
        "recorder",
        "client",
        "plugin",
        "download",
        "components",
        "a",
        "an",
        "on",
        "in",
        "is",
        "by",
        "at",
        "with",
        "support",
        "supports",
        "only",
        "get",
        "post",
        "bad",
        "request",
        "not",
        "found",
        "ok",
        "unauthorized",
        "realm",
        "basic",
        "digest",
        "null",
        "true",
        "false",
        "moved",
        "temporarily",
        "permanently",
        "found",
        "forbidden",
        "redirect",
        "redirecting",
        "error",
        "internal",
        "unavailable",
        "continue",
        "created",
        "accepted",
        "content",
        "method",
        "allowed",
    ]
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MODEL_TOKEN = re.compile(r"\b(?=[A-Za-z-]*\d)(?=\d*[A-Za-z])[A-Za-z0-9-]{3,}\b")
"""A token mixing letters and digits (MT882, DS-2CD2032, EC506): a model number."""
_SURVEILLANCE = re.compile(
    r"camera|cam\b|webcam|dvr|nvr|recorder|video|cctv|surveillance|dome|ptz|encoder|doorbell|intercom|ipc\b|"
    r"security-misc|media device",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The vendor, brand, claim and confidence a candidate gets, with a note when a rule changed them."""

    vendor: str | None
    brand: str | None
    claim: SignatureClaim
    confidence: Confidence
    note: str | None = None


_NOT_A_NAME = frozenset({"inc", "ltd", "lt", "co", "corp", "llc", "ag", "gmbh", "sa", "bv"})
"""Company-suffix fragments that a registry name list may hold on its own (a YAML flow list split at a comma)."""


def mentioned(names: VendorNames, text: str) -> list[Maker]:
    """Makers named as whole words in text, by a name of theirs that is more than a company suffix."""
    # Punctuation joins words in banners and certificate names ("O=Cisco", "HUAWEI:android"): split on it.
    text = re.sub(r"[^\w]+", " ", text)
    folded = f" {normalise_name(text)} "
    out = []
    for maker in names.mentioned(text):
        record_names: list[str] = []
        brand = names.brands.get(maker.brand) if maker.brand is not None else None
        if brand is not None and maker.brand != f"{maker.vendor}-brand":
            record_names += [brand.name, *brand.aliases]
        else:
            vendor = names.vendors.get(maker.vendor) if maker.vendor is not None else None
            if vendor is not None:
                record_names += [vendor.name, *vendor.legal_names, *vendor.aliases]
            if brand is not None:
                record_names += [brand.name, *brand.aliases]
        usable = {normalise_name(n) for n in record_names} - _NOT_A_NAME
        if any(len(n) >= 3 and f" {n} " in folded for n in usable):
            out.append(maker)
    return out


def own_makers(names: VendorNames, text: str) -> list[Maker]:
    """Vendors (or their own brands) named as whole words in text; relabel brands are ignored here.

    Free text names many companies that happen to share a relabel brand's name (Honeywell printers, ADT,
    'LTS' releases); only a vendor's own names are trusted when the corpus gives no vendor field.
    """
    return [m for m in mentioned(names, text) if m.brand is None or m.brand == f"{m.vendor}-brand"]


def generic_reason(literal: str, names: VendorNames) -> str | None:
    """Why a matched literal cannot support a maker on its own, or None when it can."""
    # An SSH identification line's protocol prefix says nothing about the software.
    text = re.sub(r"^SSH-\d+\.\d+-", "", " ".join(literal.split()))
    if own_makers(names, text):
        return None
    if _GENERIC.match(text.strip(" /:")):
        return f"generic string {text[:40]!r}"
    words = [w.casefold() for w in _WORD.findall(text) if not w.isdigit()]
    longest = max((len(w) for w in _WORD.findall(text)), default=0)
    if len(text.replace(" ", "")) < 5 or longest < 3:
        return f"literal {text[:40]!r} is too short to name a maker"
    if all(w in _COMMON or len(w) == 1 for w in words):
        return f"literal {text[:40]!r} is made of common words"
    if re.fullmatch(r"[A-Za-z]+", text.strip()):
        return f"literal {text[:40]!r} is a single word"
    return None


def in_surveillance_line(texts: Iterable[str | None]) -> bool:
    """Whether the corpus entry describes surveillance equipment (camera, recorder, video...)."""
    return any(t is not None and _SURVEILLANCE.search(t) is not None for t in texts)


def verdict(
    maker: Maker,
    names: VendorNames,
    literal: str,
    *,
    model: bool,
) -> Verdict:
    """The claim a candidate from ``maker`` makes when the string it matches is ``literal``."""
    reason = generic_reason(literal, names)
    if reason is not None:
        return Verdict(None, None, SignatureClaim.GENERIC, Confidence.LOW, f"{reason}: kept generic")
    brand = names.brands.get(maker.brand) if maker.brand is not None else None
    if brand is not None and brand.relationship is Relationship.SUBSIDIARY_COMPONENT_SUPPLIER:
        return Verdict(maker.vendor, maker.brand, maker.claim, Confidence.LOW, "component maker: an indirect hint")
    if model:
        return Verdict(maker.vendor, maker.brand, maker.claim, Confidence.HIGH)
    if not _names_maker(maker, names, literal) and _MODEL_TOKEN.search(literal) is None:
        # The string names neither the maker nor a model: the corpus knew the maker from the whole reply.
        return Verdict(maker.vendor, maker.brand, maker.claim, Confidence.LOW, "names neither maker nor model")
    return Verdict(maker.vendor, maker.brand, maker.claim, Confidence.MEDIUM)


WITHHELD = "generic string of a restricted maker's product: left to the curated signatures"
"""Skip reason for a string a restricted maker's device sends that names nothing on its own.

As a vendor-less generic signature it would contradict a curated signature that knows the string in context
(Hikvision's '192.0.0.64 login:'), and it adds no maker; look-alikes' generic strings are kept as negatives.
"""


def withheld(maker: Maker, decision: Verdict) -> bool:
    """Whether a policy-downgraded candidate from a restricted (or relabel) maker should not be emitted."""
    return decision.vendor is None and maker.claim is not SignatureClaim.GENERIC


def _names_maker(maker: Maker, names: VendorNames, literal: str) -> bool:
    """Whether the literal names the maker, also inside a run-together word ('HuaweiHomeGateway')."""
    if mentioned(names, literal):
        return True
    vendor = names.vendors.get(maker.vendor) if maker.vendor is not None else None
    brand = names.brands.get(maker.brand) if maker.brand is not None else None
    own = [*(vendor.aliases if vendor else []), vendor.name if vendor else "", brand.name if brand else ""]
    folded = literal.casefold()
    return any(len(n) >= 5 and normalise_name(n).replace(" ", "") in folded for n in own if n)


def is_relabel(maker: Maker) -> bool:
    """Whether the maker was found through a relabel brand rather than the vendor's own names."""
    return maker.brand is not None and maker.brand != f"{maker.vendor}-brand"


_HONEYPOT = {
    ("http", "server"): ("GoAhead-Webs", "Boa/0.94.14rc21", "lighttpd/1.4.35", "Webs"),
    ("http", "title"): ("IP Camera", "WEB SERVICE", "NETSurveillance WEB", "Login"),
    ("http", "www-authenticate"): ('Basic realm="IP Camera"', 'Digest realm="Login"'),
    ("rtsp", "server"): ("Rtsp Server", "GStreamer RTSP server", "LIVE555 Streaming Media v2013.02.11"),
    ("telnet", "banner"): ("(none) login:", "BusyBox v1.19.4 built-in shell (ash)"),
    ("ssh", "banner"): ("SSH-2.0-dropbear_2019.78", "SSH-2.0-OpenSSH_7.4"),
    ("sip", "user-agent"): ("Asterisk PBX 16.2.1", "Linphone/3.6.1 (eXosip2/3.6.0)"),
    ("sip", "server"): ("Asterisk PBX 16.2.1", "FreeSWITCH-mod_sofia/1.10.7"),
}
"""Generic values of each field (the weak-matcher honeypot's strings) that a maker's signature must not match."""


def add_near_misses(candidates: Sequence[Candidate], limit: int = 3) -> list[Candidate]:
    """Give each candidate not_examples: other makers' examples of the same field it must not match, nearest first."""
    by_field: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_field[(candidate.channel, candidate.field)].append(candidate)
    out: list[Candidate] = []
    for candidate in candidates:
        if candidate.pattern is None:
            out.append(candidate)
            continue
        flags = 0
        for flag in candidate.flags:
            flags |= {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}[flag]
        compiled = re.compile(candidate.pattern, flags)
        pool: list[str] = []
        if candidate.claim is not SignatureClaim.GENERIC:
            pool.extend(_HONEYPOT.get((candidate.channel, candidate.field), ()))
        first = candidate.examples[0].value.casefold()
        others = sorted(
            {
                e.value
                for other in by_field[(candidate.channel, candidate.field)]
                if other.vendor != candidate.vendor
                for e in other.examples
            },
            key=lambda v: (-_common_prefix(first, v.casefold()), v),
        )
        pool.extend(others)
        chosen: list[str] = list(candidate.not_examples)
        for value in pool:
            if len(chosen) >= limit:
                break
            if value not in chosen and compiled.search(value) is None:
                chosen.append(value)
        out.append(replace(candidate, not_examples=tuple(chosen)))
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
