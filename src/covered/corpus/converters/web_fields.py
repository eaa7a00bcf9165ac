"""How web fingerprint matches (WhatWeb, Wappalyzer) land on covered's HTTP observation fields.

The HTTP probe records the Server, WWW-Authenticate and Location headers under their own fields, every other
response header as ``http/header`` ("Name: value") and each Set-Cookie as ``http/cookie`` ("name=value"), the
page title (HTML entities decoded, stripped) as ``http/title`` and the raw page as ``http/body``. A corpus
match on a header or cookie is rewritten here for those observation values, with examples shaped like them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from covered.corpus.candidate import literal_pattern
from covered.corpus.vendors import Maker, VendorNames
from covered.model import Confidence, SignatureClaim

__all__ = [
    "GENERIC_MARKERS",
    "HeaderField",
    "Verdict",
    "body_example",
    "header_example",
    "header_field",
    "header_pattern",
    "maker_from",
    "names_maker",
    "near_misses",
    "title_literal",
    "title_pattern",
    "verdict",
]

OWN_HEADERS = {"server": "server", "www-authenticate": "www-authenticate", "location": "location"}
"""Headers the probe records under their own field; every other header is an ``http/header`` observation."""

GENERIC_MARKERS = (
    "goahead",
    "boa/",
    "lighttpd",
    "mini_httpd",
    "thttpd",
    "ip camera",
    "ipcamera",
    "network camera",
    "web service",
    "netsurveillance",
    "jquery",
    "webs",
    "login",
    "dvr",
    "nvr",
    "web client",
    "webcam",
    "camera",
)
"""Strings a camera network is full of: never a vendor claim unless a maker's name comes with them."""

_NEAR_MISSES: dict[str, tuple[str, ...]] = {
    "server": ("Webs", "GoAhead-Webs", "App-webs/", "Boa/0.94.14rc21", "lighttpd/1.4.35", "mini_httpd/1.19 19dec2003"),
    "title": ("Login", "WEB SERVICE", "NETSurveillance WEB", "Network Camera", "index"),
    "www-authenticate": ('Basic realm="index.html"', 'Digest realm="IP Camera"', 'Basic realm="DVR"'),
    "body": ("<html><head><title>Login</title></head><body></body></html>",),
    "header": ("X-Frame-Options: SAMEORIGIN", "Content-Type: text/html"),
    "cookie": ("JSESSIONID=0123456789ABCDEF", "session=1"),
    "location": ("/index.html", "/doc/page/login.asp"),
}
_TITLE = re.compile(r"\s*(?:<head>\s*)?<title>(?P<text>[^<]*?)(?P<close>\s*</title>(?:\s*</head>)?)?\s*", re.I)


@dataclass(frozen=True, slots=True)
class HeaderField:
    """Where a match on one response header lands: the field, and the header name for ``http/header``."""

    field: str
    name: str | None = None


def header_field(name: str) -> HeaderField:
    """The observation field for a response header name."""
    lower = name.strip().lower()
    if lower in OWN_HEADERS:
        return HeaderField(OWN_HEADERS[lower])
    if lower == "set-cookie":
        return HeaderField("cookie")
    return HeaderField("header", _display(lower))


def _display(name: str) -> str:
    """Conventional capitalisation of a header name (X-Powered-By), for examples."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def header_pattern(name: str, value_pattern: str) -> str | None:
    """An ``http/header`` pattern: the name (any case), a colon, and the value pattern as upstream applied it.

    Returns None when the value pattern uses anchors in a way that cannot be moved behind the name.
    """
    value = value_pattern
    anchored = value.startswith("^")
    if anchored:
        value = value[1:]
    if "^" in value.replace("\\^", "").replace("[^", ""):
        return None
    head = f"^(?i:{re.escape(name)}):\\s*"
    if not value:
        return head
    return f"{head}(?:{value})" if anchored else f"{head}.*?(?:{value})"


def header_example(name: str, value: str) -> str:
    """An ``http/header`` observation value."""
    return f"{name}: {value}".rstrip()


def title_literal(text: str) -> tuple[str, bool] | None:
    """The title text a body literal is about, and whether the literal closes the title; None when not a title."""
    match = _TITLE.fullmatch(text)
    if match is None or not match.group("text").strip():
        return None
    return html.unescape(match.group("text")).strip(), match.group("close") is not None


def title_pattern(text: str, closed: bool) -> str:
    """A title pattern for the literal title text (whole title when the literal closed it, else its start)."""
    body = literal_pattern(text)
    return f"^\\s*{body}\\s*$" if closed else f"^\\s*{body}"


def body_example(literal: str) -> str:
    """A page body carrying the literal, as the probe records it."""
    return f"<html>\n{literal}\n</html>"


def near_misses(field: str, pattern: str | None, flags: tuple[str, ...]) -> tuple[str, ...]:
    """Other makers' and generic values of the field that the pattern must not match."""
    if pattern is None:
        return ()
    compiled = re.compile(f"(?{''.join(flags)}){pattern}" if flags else pattern)
    return tuple(v for v in _NEAR_MISSES.get(field, ()) if compiled.search(v) is None)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Who a matched string points to, the claim it may make, and how strongly."""

    vendor: str | None
    brand: str | None
    claim: SignatureClaim
    confidence: Confidence


_GENERIC = Verdict(None, None, SignatureClaim.GENERIC, Confidence.LOW)


def names_maker(literal: str, maker: Maker, names: VendorNames) -> bool:
    """Whether the literal itself names the maker (or its brand)."""
    return any(m.vendor == maker.vendor or (m.brand and m.brand == maker.brand) for m in names.mentioned(literal))


_COMMON_WORDS = frozenset(
    " ".join(
        (
            "a about access action admin align all alt an and application at b back background basic bgcolor",
            "blank body border br browser button by camera cameras center cgi charset class client color colspan",
            "console content control copyright css default device digest digital disk div do document download",
            "dvr en enter face false file font for form frame frameset from gif get h1 h2 h3 head height hidden",
            "home href htm html http https id if image images img in index input ip ipcam is javascript jpg js",
            "lang language left link live login logo main management marginheight marginwidth meta method name",
            "network not nvr of on page password please png post push realm recorder rel right rights script",
            "scrolling server service size span src station style stylesheet system table td text the title to",
            "top tr true type ui url user username value video view viewer web webcam webs welcome width window",
            "with www you your loading switch router gateway modem firewall projector printer print phone",
            "dome ptz bullet box fisheye thermal wireless wifi pan tilt zoom speed hd",
        )
    ).split()
)
"""Words that say nothing about a maker: markup, web plumbing and the generic words of device pages."""
_TOKEN = re.compile(r"[^\W_]+")
_NUMERIC = re.compile(r"\d+(?:px|pt|em|x\d+)?")


def _distinctive(text: str) -> bool:
    """Whether the text has a word beyond markup, common UI words and generic camera-network strings."""
    folded = text.casefold()
    for marker in GENERIC_MARKERS:
        folded = folded.replace(marker, " ")
    return any(len(t) >= 3 and _NUMERIC.fullmatch(t) is None and t not in _COMMON_WORDS for t in _TOKEN.findall(folded))


def verdict(
    literal: str,
    maker: Maker,
    names: VendorNames,
    *,
    field: str,
    certainty: int = 100,
    model: bool = False,
) -> Verdict:
    """Claim and confidence of a string the corpus attributes to ``maker``.

    Short strings, single common words and the generic strings of camera networks say nothing about a maker
    unless they carry its name or a distinctive word; a string naming the maker is medium (high with a model
    pattern); other distinctive markup is an indirect hint (low). A corpus's own low certainty caps the
    confidence. ``field`` is the observation field (hashes are distinctive by themselves).
    """
    core = literal.strip()
    named = names_maker(core, maker, names)
    single_word = re.fullmatch(r"[A-Za-z]+", core) is not None
    if field != "md5" and not named and (len(core) < 5 or single_word or not _distinctive(core)):
        return _GENERIC
    confidence = Confidence.HIGH if named and model else Confidence.MEDIUM if named else Confidence.LOW
    if certainty <= 25:
        confidence = Confidence.LOW
    elif certainty < 100 and confidence is Confidence.HIGH:
        confidence = Confidence.MEDIUM
    return Verdict(maker.vendor, maker.brand, maker.claim, confidence)


# Website labels that are a maker's own domain but not one of its registry names.
_DOMAIN_NAMES = {
    "hikvisionusa": "Hikvision",
    "dahuasecurity": "Dahua",
    "dahuatech": "Dahua",
    "boschsecurity": "Bosch",
    "ubnt": "Ubiquiti",
    "dlink": "D-Link",
    "unv": "Uniview",
}
# Registry names too weak to select an entry by: "Cisco Systems, Inc." written as a YAML flow list in
# vendors.yml loads as two names, "Cisco Systems" and "Inc.".
_WEAK_NAMES = {"inc", "co", "ltd", "corp", "group", "systems"}


def _resolve(names: VendorNames, text: str) -> Maker | None:
    if text.casefold().strip(" .") in _WEAK_NAMES:
        return None
    return names.resolve(text)


def maker_from(name: str, website: str | None, names: VendorNames) -> Maker | None:
    """The maker a fingerprint is about: the longest leading part of its name that resolves, else its website.

    Only leading words count: "Sony-Network-Camera" is Sony's, "plentyShop LTS" is not LTS's.
    """
    tokens = [t for t in re.split(r"[-_\s]+", name) if t]
    for size in range(len(tokens), 0, -1):
        maker = _resolve(names, " ".join(tokens[:size]))
        if maker is not None:
            return maker
    host = re.sub(r"^[a-z]+://", "", (website or "").strip().casefold()).split("/", 1)[0].split(":", 1)[0]
    labels = [label for label in host.split(".") if label not in ("www", "wwwen", "en")]
    # The registered name is a label left of the public suffix (hikvision.com, zte.com.cn).
    for label in labels[:-1]:
        maker = _resolve(names, _DOMAIN_NAMES.get(label, label))
        if maker is not None:
            return maker
    return None
