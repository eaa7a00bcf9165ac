"""Wappalyzer-format technology files (enthec/webappanalyzer) -> candidate signatures for tracked makers.

A technology is taken when its name starts with a maker the registry knows or its website is the maker's
domain (see web_fields.maker_from). Its HTTP-observable matchers become candidates: ``headers`` (Server,
WWW-Authenticate and Location on their own fields, others as ``http/header``), ``cookies`` (``http/cookie``),
``html``, ``text``, ``scriptSrc`` and ``meta`` (the page body) and ``certIssuer`` (``tls/issuer``). Browser-side
matchers (``js``, ``dom``, ``css``, ``xhr``), DNS records, ``robots``, ``url`` and ``icon`` (an image file name in
the corpus, not a hash of a device's favicon) are counted as skipped.

Wappalyzer patterns are JavaScript regexes applied case-insensitively, with directives after ``\\;``
(``version:\\1``, ``confidence:50``). The directives are removed; a ``version:\\1`` group becomes the named group
``version`` (attribution reads only model and firmware, and a Wappalyzer version is an application's). Regexes
that are not plain literals have no example value and are counted as skipped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from covered.corpus.candidate import Candidate, Example, literal_pattern
from covered.corpus.converters.ruby_regex import Untranslatable, name_groups, translate
from covered.corpus.converters.web_fields import (
    body_example,
    header_example,
    header_field,
    header_pattern,
    maker_from,
    near_misses,
    verdict,
)
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import Maker, VendorNames
from covered.model import EvidenceKind

__all__ = ["convert", "split_directives"]

_UNOBSERVED = ("js", "dom", "css", "xhr", "dns", "robots", "url", "probe", "scripts")
_CONFIDENCE = re.compile(r"^confidence:(\d+)$")
_VERSION = re.compile(r"^version:.*\\(\d)")


@dataclass(frozen=True, slots=True)
class Directives:
    """A Wappalyzer pattern without its directives, the group its version reads, and its confidence."""

    pattern: str
    version_group: int | None
    confidence: int


def split_directives(value: str) -> Directives:
    r"""Split 'pattern\;version:\1\;confidence:50' into its parts."""
    pattern, *rest = value.split("\\;")
    group: int | None = None
    confidence = 100
    for directive in rest:
        version = _VERSION.match(directive)
        if version is not None:
            group = int(version.group(1))
        found = _CONFIDENCE.match(directive)
        if found is not None:
            confidence = int(found.group(1))
    return Directives(pattern, group, confidence)


def _patterns(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _line_of(text: str, name: str) -> int:
    """1-based line where a technology's entry starts (its key at the top level of the file's object)."""
    key = re.escape(json.dumps(name, ensure_ascii=False))
    found = re.search(rf"^[ \t]{{0,4}}{key}\s*:\s*\{{", text, re.MULTILINE)
    return text.count("\n", 0, found.start()) + 1 if found is not None else 1


@dataclass
class _Technology:
    """One technology being converted."""

    path: str
    name: str
    line: int
    maker: Maker
    names: VendorNames
    skipped: Counter[str]

    def skip_(self, reason: str) -> Candidate | None:
        """Count a matcher left out, by reason (always None)."""
        self.skipped[reason] += 1
        return None

    def candidate(
        self,
        *,
        channel: str,
        field: str,
        header: str | None,
        matcher: str,
        literal: str,
        pattern: str,
        flags: tuple[str, ...],
        examples: tuple[Example, ...],
        extract: tuple[str, ...],
        confidence: int,
    ) -> Candidate:
        judged = verdict(literal, self.maker, self.names, field=field, certainty=confidence)
        where = f"{header} header" if header else {"body": "page", "issuer": "certificate issuer"}.get(field, field)
        short = " ".join(literal.split())[:70]
        return Candidate(
            key=f"{self.path}|{self.name}|{channel}/{field}|{header or ''}|{matcher}",
            channel=channel,
            field=field,
            description=f"{self.name}: {where} {short!r}.",
            vendor=judged.vendor,
            brand=judged.brand,
            claim=judged.claim,
            confidence=judged.confidence,
            examples=examples,
            path=self.path,
            line=self.line,
            pattern=pattern,
            flags=flags,
            extract=extract,
            not_examples=near_misses(field, pattern, flags),
            kind=EvidenceKind.MATCHER_LITERAL,
            note=f"Wappalyzer technology {self.name}: {matcher[:120]}",
        )

    def translated(self, raw: str) -> tuple[str, tuple[str, ...], tuple[tuple[str, str | None], ...], tuple[str, ...]]:
        """(pattern, flags, literal examples with group text, extract) or raises Untranslatable/ValueError."""
        parts = split_directives(raw)
        # Wappalyzer compiles every pattern with the "i" flag; JavaScript's ^ and $ are not line anchors.
        regex = translate(parts.pattern, "i")
        if regex.literals is None:
            raise ValueError("regex without a literal example")
        extract: tuple[str, ...] = ()
        if parts.version_group is not None and parts.version_group <= regex.groups:
            extract = ("version",)
        pattern = name_groups(regex, {parts.version_group: "version"} if extract and parts.version_group else {})
        if extract and any(group is None for _value, group in regex.literals):
            extract = ()
            pattern = name_groups(regex, {})
        return pattern, regex.flags, regex.literals, extract

    def matcher(self, kind: str, name: str | None, raw: str) -> Candidate | None:
        """One pattern of one matcher kind (``headers`` with its header name, ``html``...)."""
        confidence = split_directives(raw).confidence
        bare = split_directives(raw).pattern
        label = f"{kind}[{name}]={raw}" if name else f"{kind}={raw}"
        if bare == "" and kind in ("headers", "cookies", "meta") and name:
            return self.presence(kind, name, label, confidence)
        try:
            pattern, flags, literals, extract = self.translated(raw)
        except Untranslatable as exc:
            return self.skip_(f"regex construct without an exact Python/RE2 equivalent ({exc})")
        except ValueError as exc:
            return self.skip_(str(exc))
        values = [value for value, _group in literals]

        def shaped(shape: str, *, body: bool = False) -> tuple[Example, ...]:
            out = []
            for value, group in literals:
                text = shape.replace("{}", value, 1)
                out.append(
                    Example(body_example(text) if body else text, {"version": group} if extract and group else {})
                )
            return tuple(out)

        def emit(channel: str, field: str, header: str | None, final: str, examples: tuple[Example, ...]) -> Candidate:
            return self.candidate(
                channel=channel,
                field=field,
                header=header,
                matcher=label,
                literal=values[0],
                pattern=final,
                flags=flags,
                examples=examples,
                extract=extract if field != "issuer" else (),
                confidence=confidence,
            )

        if kind == "headers" and name:
            where = header_field(name)
            if where.field == "cookie":
                return self.skip_("Set-Cookie header pattern (the probe records name=value)")
            if where.field == "header" and where.name:
                moved = header_pattern(where.name, pattern)
                if moved is None:
                    return self.skip_("header regex anchors that cannot follow the header name")
                return emit("http", "header", where.name, moved, shaped(header_example(where.name, "{}")))
            return emit("http", where.field, None, pattern, shaped("{}"))
        if kind == "cookies" and name:
            value_part = pattern[1:] if pattern.startswith("^") else f".*?(?:{pattern})"
            return emit("http", "cookie", None, f"^{re.escape(name)}={value_part}", shaped(f"{name}={{}}"))
        if kind == "meta" and name:
            meta = rf"<meta\s[^>]*name=[\"']?{re.escape(name)}[\"']?[^>]*content=[\"'][^\"']*?(?:{pattern})"
            return emit("http", "body", None, meta, shaped(f'<meta name="{name}" content="{{}}">', body=True))
        if kind == "scriptSrc":
            script = rf"<script[^>]+src=[\"']?[^\"'>]*?(?:{pattern})"
            return emit("http", "body", None, script, shaped('<script src="{}"></script>', body=True))
        if kind in ("html", "text"):
            return emit("http", "body", None, pattern, shaped("{}", body=True))
        if kind == "certIssuer":
            issuer = r"(?:^|,)O=\s*" + literal_pattern(values[0])
            return emit("tls", "issuer", None, issuer, (Example(f"O={values[0]}"),))
        return self.skip_(f"matcher {kind}")

    def presence(self, kind: str, name: str, label: str, confidence: int) -> Candidate | None:
        """A header or cookie whose presence alone is the marker."""
        if kind == "headers":
            where = header_field(name)
            pattern = header_pattern(where.name, "") if where.field == "header" and where.name else None
            if pattern is None or where.name is None:
                return self.skip_("presence of a header the probe records on its own field")
            example = header_example(where.name, "")
        elif kind == "cookies":
            pattern, example = f"^{re.escape(name)}=", f"{name}="
        else:
            return self.skip_("presence of a meta tag")
        return self.candidate(
            channel="http",
            field="header" if kind == "headers" else "cookie",
            header=where.name if kind == "headers" else None,
            matcher=label,
            literal=name,
            pattern=pattern,
            flags=("i",),
            examples=(Example(example),),
            extract=(),
            confidence=confidence,
        )


def convert(
    tree: GitTree, spec: CorpusSpec, names: VendorNames, skipped: Counter[str] | None = None
) -> Iterator[Candidate]:
    """Candidates from the technologies made by tracked makers and their look-alikes."""
    tally: Counter[str] = skipped if skipped is not None else Counter()
    prefixes = tuple(spec.paths or ["src/technologies/"])
    for path in (p for p in tree.files() if p.startswith(prefixes) and p.endswith(".json")):
        text = tree.text(path)
        try:
            technologies = json.loads(text)
        except json.JSONDecodeError:
            tally["file that is not JSON"] += 1
            continue
        if not isinstance(technologies, dict):
            continue
        for name in sorted(technologies):
            body = technologies[name]
            if not isinstance(body, dict):
                continue
            line = _line_of(text, name)
            website = body.get("website")
            maker = maker_from(name, website if isinstance(website, str) else None, names)
            if maker is None:
                continue
            yield from _technology(_Technology(path, name, line, maker, names, tally), body)


def _technology(tech: _Technology, body: dict[str, object]) -> Iterator[Candidate]:
    for kind in sorted(body):
        value = body[kind]
        if kind in _UNOBSERVED or kind == "icon":
            tech.skipped[f"matcher {kind} (not observed by covered's probes)"] += 1
            continue
        if kind in ("headers", "cookies", "meta") and isinstance(value, dict):
            for name in sorted(value):
                for raw in _patterns(value[name]):
                    candidate = tech.matcher(kind, name, raw)
                    if candidate is not None:
                        yield candidate
        elif kind in ("html", "text", "scriptSrc", "certIssuer"):
            for raw in _patterns(value):
                candidate = tech.matcher(kind, None, raw)
                if candidate is not None:
                    yield candidate
