"""nmap's service probes (``nmap-service-probes``) and favicon list (``nselib/data/favicon-db``) -> candidates.

A ``match``/``softmatch`` line is kept when its product, info or CPE names a maker the registry tracks (or, when
they name none, when the matched text itself names one of the registry's vendors). nmap matches a whole reply,
so each line is mapped to the covered field its regex anchors on: the ``Server:``, ``WWW-Authenticate:``,
``Location:`` or ``Set-Cookie:`` value of an HTTP, RTSP or SIP reply (``User-Agent:`` too for SIP), the
``<title>`` of an HTTP body, the whole telnet or SSH greeting read by the NULL probe, or the raw Hikvision SDK
frame (covered records it as lower-case hex in ``hik-sdk/reply``). nmap ships no examples, so a candidate is made
only when a concrete value can be built from the regex alone (literals, fixed repeats, optional parts left out,
the first of alternatives); ``$N`` references in ``p//``, ``i//``, ``o//``, ``v//`` and CPEs say which captured
group is the model (product, ``model:`` info, hardware CPE), the firmware (OS, OS CPE) or the service version.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from covered.corpus.candidate import Candidate, Example
from covered.corpus.converters.fingerprint_policy import (
    WITHHELD,
    add_near_misses,
    in_surveillance_line,
    is_relabel,
    mentioned,
    own_makers,
    verdict,
    withheld,
)
from covered.corpus.converters.regex_rewrite import Unsupported, count_groups, example_of, outside_classes, rewrite
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import Maker, VendorNames
from covered.model import EvidenceKind

__all__ = ["MatchLine", "candidates", "convert", "parse_match"]

PROBES_FILE = "nmap-service-probes"
FAVICON_FILE = "nselib/data/favicon-db"

_HEADERS = {
    "http": {
        "server": "server",
        "www-authenticate": "www-authenticate",
        "location": "location",
        "set-cookie": "cookie",
    },
    "rtsp": {"server": "server", "www-authenticate": "www-authenticate"},
    "sip": {"server": "server", "user-agent": "user-agent"},
}
"""Reply kind -> header name -> covered field of that channel."""
_HIK_SDK_SERVICES = {"ipcam", "hik-connect"}
_NEWLINE = "\\r\\n"


@dataclass(frozen=True, slots=True)
class MatchLine:
    """One ``match``/``softmatch`` line: probe, service, regex, flags and version fields."""

    line: int
    probe: str
    service: str
    regex: str
    flags: str
    soft: bool
    fields: dict[str, str] = field(default_factory=dict)
    cpes: tuple[str, ...] = ()


def _delimited(text: str, i: int) -> tuple[str, int]:
    """The text between the delimiter at ``text[i]`` and its next occurrence; index after the closing one."""
    delim = text[i]
    end = text.find(delim, i + 1)
    if end == -1:
        raise ValueError("unterminated field")
    return text[i + 1 : end], end + 1


def parse_match(text: str, line: int, probe: str) -> MatchLine | None:
    """Parse one ``match``/``softmatch`` line (None when it is not one, or malformed)."""
    head = re.match(r"(soft)?match\s+(\S+)\s+m", text)
    if head is None:
        return None
    try:
        regex, i = _delimited(text, head.end())
        flags_match = re.match(r"[is]*", text[i:])
        flags = flags_match.group(0) if flags_match else ""
        i += len(flags)
        fields: dict[str, str] = {}
        cpes: list[str] = []
        while i < len(text):
            if text[i].isspace():
                i += 1
                continue
            if text.startswith("cpe:", i):
                value, i = _delimited(text, i + 4)
                if i < len(text) and text[i] == "a":
                    i += 1
                cpes.append(value)
                continue
            if text[i] in "pvihod" and i + 1 < len(text):
                letter = text[i]
                value, i = _delimited(text, i + 1)
                fields[letter] = value
                continue
            break
    except ValueError:
        return None
    return MatchLine(line, probe, head.group(2), regex, flags, head.group(1) is not None, fields, tuple(cpes))


def _refs(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\$(\d)", text)}


def _group_names(entry: MatchLine) -> dict[int, str]:
    """Global capture group -> covered name, from where nmap's version fields use ``$N``."""
    names: dict[int, str] = {}
    for cpe in entry.cpes:
        parts = cpe.split(":")
        if len(parts) >= 3 and parts[0] == "h":
            for n in _refs(parts[2]):
                names.setdefault(n, "model")
        if len(parts) >= 4 and parts[0] == "o":
            for n in _refs(parts[3]):
                names.setdefault(n, "firmware")
    # "i/model: $2; protocol $1/": only the reference right after "model:" is the model.
    for n in _refs(" ".join(re.findall(r"model:\s*([^;,]*)", entry.fields.get("i", "")))):
        names.setdefault(n, "model")
    for n in _refs(entry.fields.get("p", "")):
        names.setdefault(n, "model")
    for n in _refs(entry.fields.get("o", "")):
        names.setdefault(n, "firmware")
    for n in _refs(entry.fields.get("v", "")):
        names.setdefault(n, "version")
    return names


def _maker(entry: MatchLine, names: VendorNames) -> tuple[Maker | None, str | None]:
    """The maker nmap names (CPE vendor, then product, then info); else one of the vendors the text names."""
    for cpe in entry.cpes:
        parts = cpe.split(":")
        if len(parts) >= 2 and parts[0] in ("h", "o"):
            maker = names.resolve(parts[1].replace("_", " "))
            if maker is not None:
                return maker, None
    for key in ("p", "i"):
        text = re.sub(r"\$\w+(?:\([^)]*\))?", " ", entry.fields.get(key, ""))
        found = mentioned(names, text)
        if len({(m.vendor, m.brand) for m in found}) == 1:
            return found[0], None
        if found:
            return None, None
    return None, None


@dataclass(frozen=True, slots=True)
class _Target:
    channel: str
    field: str
    source: str
    offset: int
    closed: bool
    opened: bool


def _top_level_split(source: str) -> list[tuple[int, str]]:
    """Top-level segments of a reply regex between literal ``\\r\\n`` tokens, with their start offsets."""
    segments: list[tuple[int, str]] = []
    depth = 0
    start = 0
    i = 0
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            if depth == 0 and not in_class and source.startswith(_NEWLINE, i):
                segments.append((start, source[start:i]))
                i += len(_NEWLINE)
                start = i
                continue
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    segments.append((start, source[start:]))
    return segments


def _balanced(fragment: str) -> bool:
    """Whether parentheses balance, no '|' stands at the top level and no class is left open."""
    for _, ch, depth in outside_classes(fragment):
        if (ch == ")" and depth <= 0) or (ch == "|" and depth == 0):
            return False
        if ch == "":
            return depth == 0
    return True


def _drop_leading_groups(segment: str) -> str:
    """The segment without the optional header groups nmap puts before the header it anchors on."""
    while segment.startswith("("):
        depth = 0
        i = 0
        while i < len(segment):
            ch = segment[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        quantifier = re.match(r"[?*+]\??", segment[i + 1 :])
        if quantifier is None:
            return segment
        segment = segment[i + 1 + quantifier.end() :]
    return segment


def _header_targets(entry: MatchLine, kind: str) -> Iterator[_Target]:
    channel = "http" if kind == "http" else kind
    for start, whole in _top_level_split(entry.regex):
        segment = _drop_leading_groups(whole)
        start += len(whole) - len(segment)
        header = re.match(r"([A-Za-z-]+):(?: |\\s\*| \*| \?)?", segment)
        if header is None:
            continue
        covered_field = _HEADERS[kind].get(header.group(1).lower())
        if covered_field is None:
            continue
        value = segment[header.end() :]
        offset = start + header.end()
        closed = offset + len(value) < len(entry.regex) or entry.regex.endswith("$")
        if covered_field == "cookie" and ";" in value:
            # covered observes a cookie as name=value, without its attributes.
            value, closed = value.split(";", 1)[0], True
        if value and _balanced(value):
            yield _Target(channel, covered_field, value, offset, closed, True)
    title = re.search(r"<title>(.*?)</title>", entry.regex, re.IGNORECASE)
    if kind == "http" and title is not None and _balanced(title.group(1)):
        # covered's title is the element's text with surrounding whitespace trimmed.
        text = _TITLE_EDGE.sub("", title.group(1))
        text = _TITLE_TAIL.sub("", text)
        if text:
            yield _Target("http", "title", text, title.start(1), True, True)


_TITLE_EDGE = re.compile(r"^(?:\\[rnt]|\\s[*+]?| [*+]?| \{\d+\})+")
_TITLE_TAIL = re.compile(r"(?:\\[rnt]|\\s[*+]?| [*+]?| \{\d+\})+$")
_IAC = re.compile(r"\\xff\\xf[b-e](?:\\x[0-9a-fA-F]{2}|\\.|[^\\])|\\xff\\xf[0-9a]", re.IGNORECASE)
_EDGE_SPACE = re.compile(r"^(?:\\r|\\n| |\\s\*|\\s\+| \+| \*| \{\d+\})+")
_TAIL_SPACE = re.compile(r"(?:\\r|\\n|\\r\?|\\n\?| |\\s\*| \*)+$")


def _banner_target(entry: MatchLine, channel: str) -> Iterator[_Target]:
    """The whole greeting, as covered records it: telnet negotiation removed, surrounding whitespace trimmed."""
    source = entry.regex
    if not source.startswith("^"):
        return
    body = _IAC.sub("", source[1:])
    body = _EDGE_SPACE.sub("", body)
    closed = body.endswith("$")
    body = body.removesuffix("$")
    tail = _TAIL_SPACE.search(body)
    if tail is not None:
        body = body[: tail.start()]
        closed = True
    if not body or not _balanced(body):
        return
    if channel == "ssh":
        # The SSH protocol version nmap captures as "protocol $1" is 2.0 or 1.99 (RFC 4253 §4.2, §5.1).
        body = re.sub(r"^SSH-\(\[\\d\.\]\+\)-", "SSH-2.0-", body)
    yield _Target(channel, "banner", body, len(source) - len(body), closed, True)


def _targets(entry: MatchLine, maker: Maker) -> tuple[list[_Target], str | None]:
    regex = entry.regex
    if re.match(r"\^HTTP/", regex):
        return list(_header_targets(entry, "http")), "no Server, WWW-Authenticate, Location, cookie or title"
    if re.match(r"\^RTSP/", regex):
        return list(_header_targets(entry, "rtsp")), "no RTSP Server or WWW-Authenticate header"
    if re.match(r"\^SIP/", regex):
        return list(_header_targets(entry, "sip")), "no SIP Server or User-Agent header"
    if entry.service in ("telnet", "ssh") and entry.probe == "NULL":
        return list(_banner_target(entry, entry.service)), "greeting is not literal"
    if entry.service in _HIK_SDK_SERVICES and maker.vendor == "hikvision":
        return [
            _Target("hik-sdk", "reply", regex.removeprefix("^").removesuffix("$"), 1, regex.endswith("$"), True)
        ], None
    return [], f"no covered field (service {entry.service}, probe {entry.probe})"


def _description(entry: MatchLine) -> str:
    product = re.sub(r"\$\w+(?:\([^)]*\))?", "…", entry.fields.get("p", entry.service))
    info = re.sub(r"\$\w+(?:\([^)]*\))?", "…", entry.fields.get("i", ""))
    text = f"{product} ({info})" if info else product
    return f"{text} (nmap {entry.service} match)"


def candidates(tree: GitTree, spec: CorpusSpec, names: VendorNames, skipped: Counter[str]) -> Iterator[Candidate]:
    """Every candidate of the corpus; ``skipped`` counts the entries left out, by reason."""
    # The two files are read by path: walking nmap's whole tree is slow and needs every object of the mirror.
    found = list(_probe_candidates(tree.text(PROBES_FILE), names, skipped))
    found.extend(_favicon_candidates(tree.text(FAVICON_FILE), names, skipped))
    yield from add_near_misses(found)


def _probe_candidates(text: str, names: VendorNames, skipped: Counter[str]) -> Iterator[Candidate]:
    probe = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("Probe "):
            parts = raw.split()
            probe = parts[2] if len(parts) > 2 else ""
            continue
        if not raw.startswith(("match ", "softmatch ")):
            continue
        entry = parse_match(raw, number, probe)
        if entry is None:
            skipped["malformed match line"] += 1
            continue
        maker, _ = _maker(entry, names)
        literal_named = False
        if maker is None:
            text_makers = own_makers(names, " ".join(re.findall(r"[A-Za-z][\w.-]+", entry.regex)))
            if len(text_makers) != 1:
                skipped["not a tracked maker"] += 1
                continue
            maker, literal_named = text_makers[0], True
        if is_relabel(maker) and not in_surveillance_line(
            (entry.fields.get("p"), entry.fields.get("i"), entry.fields.get("d"))
        ):
            skipped["relabel brand named outside its surveillance products"] += 1
            continue
        targets, why = _targets(entry, maker)
        if not targets:
            skipped[why or "no covered field"] += 1
            continue
        for target in targets:
            made = _candidate(entry, target, maker, names, literal_named)
            if isinstance(made, str):
                skipped[made] += 1
            else:
                yield made


def _candidate(
    entry: MatchLine, target: _Target, maker: Maker, names: VendorNames, literal_named: bool
) -> Candidate | str:
    built = example_of(target.source)
    if built is None:
        return "no value can be built from the regex"
    value, captured = built
    global_names = _group_names(entry)
    first = count_groups(entry.regex[: target.offset]) + 1
    local = {n - first + 1: name for n, name in global_names.items() if n >= first}
    local = {n: name for n, name in local.items() if n <= count_groups(target.source)}
    try:
        rewritten = rewrite(target.source, local, ruby=False)
    except Unsupported as exc:
        return f"regex construct with no Python/RE2 form ({exc})"
    # nmap's 's' only matters where the fragment has a dot to let across lines.
    flags = sorted(
        {f for f in entry.flags if f == "i" or (f == "s" and "." in rewritten.pattern)} | set(rewritten.flags)
    )
    if target.channel == "hik-sdk":
        value = value.encode("latin-1").hex()
        pattern = "^" + value + ("$" if target.closed else "")
        local, flags = {}, []
    else:
        value = value.strip()
        body = rewritten.pattern
        if target.field == "title":
            pattern = rf"^\s*{body}\s*$"
        else:
            # covered records header values and greetings without surrounding whitespace.
            trimmed = body.rstrip(" ")
            pattern = "^" + trimmed + ("\\s*$" if target.closed or trimmed != body else "")
    if not value:
        return "no value can be built from the regex"
    extract = {name: captured[n] for n, name in local.items() if n in captured}
    literal = value if target.channel != "hik-sdk" else maker.name
    decision = verdict(maker, names, literal, model="model" in extract)
    if withheld(maker, decision):
        return WITHHELD
    note_parts = []
    if literal_named:
        product = entry.fields.get("p", "")
        note_parts.append(f"nmap's product is {product!r}; the matched text names {maker.name}")
    if decision.note:
        note_parts.append(decision.note)
    if entry.soft:
        note_parts.append("an nmap softmatch")
    return Candidate(
        key=f"{PROBES_FILE}\x00{entry.service}\x00{entry.regex}\x00{target.channel}/{target.field}",
        channel=target.channel,
        field=target.field,
        description=_description(entry),
        vendor=decision.vendor,
        brand=decision.brand,
        claim=decision.claim,
        confidence=decision.confidence,
        examples=(Example(value, dict(sorted(extract.items()))),),
        path=PROBES_FILE,
        line=entry.line,
        pattern=pattern,
        flags=tuple(flags),
        extract=tuple(sorted(set(extract))),
        kind=EvidenceKind.MATCHER_LITERAL,
        note="; ".join(note_parts) or None,
    )


def _favicon_candidates(text: str, names: VendorNames, skipped: Counter[str]) -> Iterator[Candidate]:
    for number, raw in enumerate(text.splitlines(), start=1):
        entry = re.match(r"([0-9A-Fa-f]{32}):\s*(.+)$", raw)
        if entry is None:
            continue
        label = entry.group(2).strip()
        found = mentioned(names, label)
        if len({(m.vendor, m.brand) for m in found}) != 1:
            skipped["favicon of an untracked maker"] += 1
            continue
        maker = found[0]
        digest = entry.group(1).lower()
        decision = verdict(maker, names, maker.name, model=False)
        yield Candidate(
            key=f"{FAVICON_FILE}\x00{digest}",
            channel="favicon",
            field="md5",
            description=f"Favicon of {label} (nmap favicon-db)",
            vendor=decision.vendor,
            brand=decision.brand,
            claim=decision.claim,
            confidence=decision.confidence,
            examples=(Example(digest),),
            path=FAVICON_FILE,
            line=number,
            equals=digest,
            kind=EvidenceKind.MATCHER_LITERAL,
            note=decision.note,
        )


def convert(tree: GitTree, spec: CorpusSpec, names: VendorNames) -> Iterator[Candidate]:
    """Candidates for the registry's makers from nmap's probes and favicon list at the pinned commit."""
    yield from candidates(tree, spec, names, Counter())
