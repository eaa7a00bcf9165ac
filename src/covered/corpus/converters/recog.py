"""Rapid7 Recog fingerprint XML -> candidate signatures for the makers covered tracks and their look-alikes.

Each ``<fingerprint pattern=... flags=...>`` names its maker in ``param`` elements (``hw.vendor``, then
``os.vendor``, then ``service.vendor``: the device's maker decides) and carries ``<example>`` values with the
extractions Recog's own self-test expects (rapid7/recog spec/lib/fingerprint_self_test_spec.rb). The pattern is
rewritten for Python/RE2 with the captures covered uses renamed (``hw.product``/``hw.model``/``os.product`` ->
``model``, ``os.version``/``hw.version`` -> ``firmware``, ``service.version`` -> ``version``, ``hw.serial_number``
-> ``serial``) and every other capture made non-capturing. Each example is run through the rewritten pattern
with all its groups first: when Recog's expected values disagree with what the rewrite extracts, the entry is
refused. Files whose protocol covered does not observe (FTP, SMTP, NTP, mDNS, H.323...) are counted and skipped.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree

from covered.corpus.candidate import Candidate, Example
from covered.corpus.converters.fingerprint_policy import (
    WITHHELD,
    add_near_misses,
    in_surveillance_line,
    is_relabel,
    own_makers,
    verdict,
    withheld,
)
from covered.corpus.converters.regex_rewrite import Unsupported, literal_text, outside_classes, rewrite
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import Maker, VendorNames
from covered.model import EvidenceKind, SignatureClaim

__all__ = ["FIELD_OF_FILE", "candidates", "convert"]

FIELD_OF_FILE: dict[str, tuple[str, str]] = {
    "http_servers.xml": ("http", "server"),
    "html_title.xml": ("http", "title"),
    "http_wwwauth.xml": ("http", "www-authenticate"),
    "http_cookies.xml": ("http", "cookie"),
    "favicons.xml": ("favicon", "md5"),
    "snmp_sysdescr.xml": ("snmp", "sysdescr"),
    "snmp_sysobjid.xml": ("snmp", "sysobjectid"),
    "telnet_banners.xml": ("telnet", "banner"),
    "ssh_banners.xml": ("ssh", "banner"),
    "sip_user_agents.xml": ("sip", "user-agent"),
    "sip_banners.xml": ("sip", "server"),
    "rtsp_servers.xml": ("rtsp", "server"),
    "x509_subjects.xml": ("tls", "subject"),
    "x509_issuers.xml": ("tls", "issuer"),
    "dhcp_vendor_class.xml": ("dhcp", "vendor-class"),
}
"""Recog file -> covered observation field (Recog's ``matches`` attribute is missing from some files)."""

_MULTILINE_FIELDS = {("telnet", "banner"), ("snmp", "sysdescr")}
"""Fields whose values span lines: Ruby's ^ and $ match at every line break there, so the rewrite adds 'm'."""

_GROUP_OF_PARAM = (
    ("model", ("hw.product", "hw.model", "os.product")),
    ("firmware", ("os.version", "hw.version")),
    ("version", ("service.version",)),
    ("serial", ("hw.serial_number",)),
)
_RECOG_FLAGS = {"REG_ICASE": "i", "REG_DOT_NEWLINE": "s", "REG_MULTILINE": "s"}
"""Recog's FLAG_MAP: REG_MULTILINE and REG_DOT_NEWLINE are both Ruby's MULTILINE, i.e. dot matches newline."""
_HASH = re.compile(r"^[0-9a-f]{32}$")
_INTERPOLATE = re.compile(r"\{([\w.]+)\}")


@dataclass(frozen=True, slots=True)
class _Param:
    pos: int
    name: str
    value: str | None


def _lines_of_fingerprints(text: str) -> list[int]:
    """Line of each ``<fingerprint`` start tag in document order (comments masked, line count kept)."""
    masked = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.DOTALL)
    return [masked.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<fingerprint[\s>/]", masked)]


def _device_maker(params: list[_Param], names: VendorNames, pattern: str) -> tuple[Maker | None, str]:
    """The maker of the device the fingerprint describes, and how it was found (or why not)."""
    fixed = {p.name: p.value for p in params if p.pos == 0 and p.value}
    for key in ("hw.vendor", "os.vendor", "service.vendor"):
        if key in fixed:
            maker = names.resolve(fixed[key])
            return (maker, key) if maker is not None else (None, f"{key} {fixed[key]!r} is not tracked")
    makers = own_makers(names, literal_text(pattern))
    if len(makers) == 1:
        return makers[0], "named in the pattern"
    return None, "no vendor named"


def _example_value(node: Any, tree: GitTree, path: str) -> str | None:
    if node.get("_filename"):
        folder = path.removesuffix(".xml")
        data = tree.read(f"{folder}/{node.get('_filename')}")
    elif node.get("_encoding") == "base64":
        try:
            data = base64.b64decode("".join((node.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    else:
        return node.text or ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _recog_values(params: list[_Param], match: re.Match[str]) -> dict[str, str]:
    """The values Recog reports for a match: captured positions, then fixed values with {name} interpolated."""
    values: dict[str, str] = {}
    for p in params:
        if 0 < p.pos <= (match.re.groups or 0) and match.group(p.pos) is not None:
            values[p.name] = match.group(p.pos)
    for p in params:
        if p.pos == 0 and p.value is not None:
            values[p.name] = _INTERPOLATE.sub(lambda m: values.get(m.group(1), ""), p.value)
    return values


def _py_flags(flags: tuple[str, ...]) -> int:
    out = 0
    for flag in flags:
        out |= {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE}[flag]
    return out


def _ssh(pattern: str) -> str:
    """Recog reads the text after 'SSH-2.0-'; covered's ssh/banner keeps the whole identification line."""
    for anchor in ("^", r"\A"):
        if pattern.startswith(anchor):
            return r"^(?:SSH-\d+\.\d+-)?" + pattern[len(anchor) :]
    return pattern


def _split_top(pattern: str) -> list[str] | None:
    """Split an RFC 4514 pattern at top-level commas that start an attribute; None if it has top-level '|'."""
    parts: list[str] = []
    start = 0
    for i, ch, depth in outside_classes(pattern):
        if ch == "|" and depth == 0:
            return None
        if ch == "," and depth == 0 and re.match(r",[A-Za-z]+=", pattern[i:]):
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _any_order(pattern: str) -> str:
    """An anchored ``^A=x,B=y$`` certificate-name pattern as look-aheads, so attribute order does not matter."""
    if not pattern.startswith("^"):
        return pattern
    body = pattern[1:]
    closed = body.endswith("$") and not body.endswith("\\$")
    if closed:
        body = body[:-1]
    trailing_comma = body.endswith(",") and not body.endswith("\\,")
    if trailing_comma:
        body = body[:-1]
    parts = _split_top(body)
    if parts is None or len(parts) < 2 or not all(re.match(r"[A-Za-z]+=", p) for p in parts):
        return pattern
    looks = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        end = "(?:,|$)" if not last or closed or trailing_comma else ""
        looks.append(f"(?=(?:.*,)?{part}{end})")
    return "^" + "".join(looks)


def candidates(tree: GitTree, spec: CorpusSpec, names: VendorNames, skipped: Counter[str]) -> Iterator[Candidate]:
    """Every candidate of the corpus; ``skipped`` counts the entries left out, by reason."""
    found: list[Candidate] = []
    for path in tree.files("xml/"):
        if not path.endswith(".xml") or path.count("/") != 1:
            continue
        text = tree.text(path)
        root = ElementTree.fromstring(tree.read(path))
        nodes = list(root.iter("fingerprint"))
        lines = _lines_of_fingerprints(text)
        if len(lines) != len(nodes):
            lines = [0] * len(nodes)
        target = FIELD_OF_FILE.get(path.rsplit("/", 1)[-1])
        for node, line in zip(nodes, lines, strict=True):
            params = [_Param(int(p.get("pos", "0")), p.get("name", ""), p.get("value")) for p in node.iter("param")]
            pattern = node.get("pattern", "")
            maker, how = _device_maker(params, names, pattern)
            if maker is None:
                skipped["not a tracked maker"] += 1
                continue
            if target is None:
                skipped[f"no covered field ({path.rsplit('/', 1)[-1]})"] += 1
                continue
            description = " ".join((node.findtext("description") or "").split()) or pattern
            fixed = {p.name: p.value for p in params if p.pos == 0 and p.value}
            if (maker.claim is SignatureClaim.BRAND_ONLY or is_relabel(maker)) and not in_surveillance_line(
                (description, fixed.get("hw.device"), fixed.get("os.device"), fixed.get("hw.product"))
            ):
                skipped["relabel brand named outside its surveillance products"] += 1
                continue
            try:
                made = list(
                    _entry(tree, path, line or None, node, params, pattern, description, maker, how, target, names)
                )
            except _Refused as exc:
                skipped[exc.reason] += 1
                continue
            found.extend(made)
    yield from add_near_misses(found)


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _group_names(params: list[_Param]) -> dict[int, str]:
    positions: dict[int, str] = {}
    taken: set[str] = set()
    for group, keys in _GROUP_OF_PARAM:
        for key in keys:
            pos = next((p.pos for p in params if p.name == key and p.pos > 0), None)
            if pos is not None and pos not in positions and group not in taken:
                positions[pos] = group
                taken.add(group)
    return positions


def _entry(
    tree: GitTree,
    path: str,
    line: int | None,
    node: Any,
    params: list[_Param],
    pattern: str,
    description: str,
    maker: Maker,
    how: str,
    target: tuple[str, str],
    names: VendorNames,
) -> Iterator[Candidate]:
    channel, field = target
    flags: list[str] = []
    for name in (node.get("flags") or "").split(","):
        name = name.strip()
        if name and name not in _RECOG_FLAGS:
            raise _Refused(f"unknown Recog flag {name}")
        if name and _RECOG_FLAGS[name] not in flags:
            flags.append(_RECOG_FLAGS[name])
    examples = [(_example_value(e, tree, path), dict(e.attrib)) for e in node.iter("example")]
    if any(value is None for value, _ in examples):
        raise _Refused("example is not UTF-8 text")
    if not examples:
        raise _Refused("no example")
    note = f"Recog's maker: {how}" if how.startswith("named") else None
    if target == ("favicon", "md5"):
        yield from _favicons(path, line, pattern, description, maker, names, examples)
        return
    groups = _group_names(params)
    try:
        shadow = rewrite(pattern, ruby=True, keep_numbered=True)
        named = rewrite(pattern, groups, ruby=True)
    except Unsupported as exc:
        raise _Refused(f"regex construct with no Python/RE2 form ({exc})") from None
    flags.extend(f for f in shadow.flags if f not in flags)
    body = named.pattern
    shadow_body = shadow.pattern
    if target in _MULTILINE_FIELDS and re.search(r"(?<!\\)[\^$]", body) and "m" not in flags:
        flags.append("m")
    if channel == "ssh":
        body, shadow_body = _ssh(body), _ssh(shadow_body)
    if channel == "tls" and not groups:
        body = _any_order(body)
    try:
        compiled_shadow = re.compile(shadow_body, _py_flags(tuple(flags)))
    except re.error as exc:
        raise _Refused(f"rewritten pattern does not compile ({exc})") from None
    made: list[Example] = []
    for value, attributes in examples:
        assert value is not None  # noqa: S101 - checked above
        if channel == "http" and field == "cookie":
            # covered observes each Set-Cookie as name=value, without its attributes.
            value = value.split(";", 1)[0].strip()
        hit = compiled_shadow.search(value)
        if hit is None:
            raise _Refused("a Recog example does not match the rewritten pattern")
        reported = _recog_values(params, hit)
        for key, expected in attributes.items():
            if key.startswith("_"):
                continue
            if reported.get(key) != expected:
                raise _Refused("example attributes disagree with the extraction")
        extract = {
            name: reported[p.name]
            for pos, name in sorted(groups.items())
            for p in params
            if p.pos == pos and p.name in reported
        }
        made.append(Example(value, dict(sorted(extract.items()))))
    if not made:
        raise _Refused("no example")
    decision = verdict(maker, names, literal_text(pattern), model="model" in groups.values())
    if withheld(maker, decision):
        raise _Refused(WITHHELD)
    if decision.note is not None:
        note = f"{note}; {decision.note}" if note else decision.note
    yield Candidate(
        key=f"{path}\x00{pattern}",
        channel=channel,
        field=field,
        description=f"{description} (Recog)",
        vendor=decision.vendor,
        brand=decision.brand,
        claim=decision.claim,
        confidence=decision.confidence,
        examples=tuple(_unique(made)),
        path=path,
        line=line,
        pattern=body,
        flags=tuple(sorted(flags)),
        extract=tuple(sorted(set(groups.values()))),
        kind=EvidenceKind.PUBLISHED_EXAMPLE,
        note=note,
    )


def _unique(examples: list[Example]) -> list[Example]:
    seen: set[str] = set()
    out = []
    for example in examples:
        if example.value not in seen:
            seen.add(example.value)
            out.append(example)
    return out


def _favicons(
    path: str,
    line: int | None,
    pattern: str,
    description: str,
    maker: Maker,
    names: VendorNames,
    examples: list[tuple[str | None, dict[str, str]]],
) -> Iterator[Candidate]:
    """Recog's favicon patterns are alternations of MD5 hashes: one exact-value signature per hash."""
    body = pattern.removeprefix("^").removesuffix("$")
    if body.startswith("(?:") and body.endswith(")"):
        body = body[3:-1]
    hashes = body.split("|")
    if not all(_HASH.match(h) for h in hashes):
        raise _Refused("favicon pattern is not a list of MD5 hashes")
    published = {v for v, _ in examples if v is not None}
    # A hash names a file the maker ships, not a phrase: the maker's own name decides the claim.
    decision = verdict(maker, names, maker.name, model=False)
    for digest in hashes:
        yield Candidate(
            key=f"{path}\x00{digest}",
            channel="favicon",
            field="md5",
            description=f"Favicon of {description} (Recog)",
            vendor=decision.vendor,
            brand=decision.brand,
            claim=decision.claim,
            confidence=decision.confidence,
            examples=(Example(digest),),
            path=path,
            line=line,
            equals=digest,
            kind=EvidenceKind.PUBLISHED_EXAMPLE if digest in published else EvidenceKind.MATCHER_LITERAL,
            note=decision.note,
        )


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates for the registry's makers from Recog's XML at the pinned commit."""
    yield from candidates(tree, spec, names, Counter())
