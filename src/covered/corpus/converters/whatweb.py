"""WhatWeb plugins -> candidate signatures for the tracked makers and the camera/telecom makers that look like them.

A plugin is taken when its name starts with a maker the registry knows (``HikVision``, ``Huawei-Firewall``,
``Sony-Network-Camera``) or, failing that, when its website is the maker's domain (``DiBos`` at
boschsecurity.com). Each literal match entry becomes one candidate on the field WhatWeb reads: the Server,
WWW-Authenticate and Location headers, other headers and cookies (``http/header``, ``http/cookie``), the page
title when the literal is a ``<title>`` element, the page body otherwise, and favicon MD5 hashes. MD5s of
other files than /favicon.ico and of page bodies, credentials extractors (``:account``) and regexes with no
literal example are counted as skipped. Text on another page than ``/`` (``:url``) is kept: the vendor-path
probe records the pages a front page leads to with the same fields. Plugin text is read, never run (see
whatweb_plugin).

WhatWeb semantics (lib/plugin_support.rb, lib/plugins.rb at the pinned commit): ``:text`` is a case-sensitive
substring; when an entry has several regexes the last of ``:regexp, :version, :os, :string, :account, :model,
:firmware, :module, :filepath`` is the one matched, and its first group (or ``:offset``) is what the extractor
reports; ``:search`` defaults to the body; ``headers[name]`` reads one header.
"""

from __future__ import annotations

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
    title_literal,
    title_pattern,
    verdict,
)
from covered.corpus.converters.whatweb_plugin import Opaque, Plugin, PluginEntry, RubyRegexLiteral, read_plugin
from covered.corpus.lock import CorpusSpec
from covered.corpus.tree import GitTree
from covered.corpus.vendors import Maker, VendorNames
from covered.model import EvidenceKind

__all__ = ["convert", "plugin_maker"]

# Plugins whose name or website resolves to a tracked maker but that are about something else.
_NOT_THE_MAKER = {
    "axis-commerce.rb": "Axis Commerce is e-commerce software, not Axis Communications",
    "flir-ax8.rb": "FLIR's AX8 thermal sensor is not the Lorex-era FLIR recorder line the brand table links to Dahua",
    "linksys-print-server.rb": "a Linksys product whose website is a Cisco support page",
}
_REGEX_KEYS = ("regexp", "version", "os", "string", "account", "model", "firmware", "module", "filepath")
# WhatWeb's :version is the version of whatever the plugin names (often a web server or application, not the
# device firmware), so it stays "version"; attribution reads only model and firmware.
_EXTRACT = {"model": "model", "firmware": "firmware", "version": "version"}
_LABELS = {
    "server": "Server header",
    "www-authenticate": "WWW-Authenticate header",
    "location": "Location header",
    "header": "response header",
    "cookie": "cookie",
    "title": "page title",
    "body": "page markup",
    "md5": "favicon MD5",
}
# Values devices were seen to send for WhatWeb regexes that are not plain literals, published by another pinned
# corpus (with the extraction the WhatWeb regex makes of them); keyed by plugin path and regex source.
_PUBLISHED: dict[tuple[str, str], tuple[tuple[tuple[str, dict[str, str]], ...], str]] = {
    ("plugins/zte-iad.rb", r"^Mini web server ([^\s]+) ZTE corp 20[\d]{2}\.$"): (
        (("Mini web server 1.0 ZTE corp 2005.", {"version": "1.0"}),),
        "rapid7/recog@14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5:xml/http_servers.xml#L4889",
    ),
}
_FAVICON_URLS = {"/favicon.ico", "favicon.ico"}
_MD5 = re.compile(r"^[0-9a-f]{32}$")


def plugin_maker(path: str, plugin: Plugin, names: VendorNames) -> Maker | None:
    """The maker a plugin is about: the longest leading part of its name that resolves, else its website."""
    if path.rsplit("/", 1)[-1] in _NOT_THE_MAKER or plugin.name is None:
        return None
    return maker_from(plugin.name, plugin.website, names)


@dataclass(frozen=True, slots=True)
class _Target:
    """The observation field an entry reads, with the header name for http/header."""

    channel: str
    field: str
    header: str | None = None


def _target(entry: PluginEntry) -> _Target | str:
    search = entry.values.get("search", "body")
    if not isinstance(search, str):
        return "search is not a literal"
    search = search.strip().lower()
    if search == "body":
        return _Target("http", "body")
    if search == "headers":
        return _Target("http", "header")
    header = re.fullmatch(r"headers\[\s*([a-z0-9_-]+)\s*\]", search)
    if header is None:
        return f"search {search} (not an observed field)"
    where = header_field(header.group(1))
    return _Target("http", where.field, where.name)


def _static(entry: PluginEntry) -> str:
    """What WhatWeb reports as fixed strings for the entry (model, version), for the description."""
    parts = []
    for key in ("model", "version", "firmware"):
        value = entry.values.get(key)
        if isinstance(value, list):
            value = ", ".join(v for v in value if isinstance(v, str)) or None
        if isinstance(value, str) and value:
            parts.append(f"{key} {value}")
    return f" (WhatWeb reports {'; '.join(parts)})" if parts else ""


def _page(entry: PluginEntry) -> str:
    """The page an entry is read from: another path than '/' is fetched by the vendor-path probe, when at all."""
    url = entry.values.get("url")
    return url.strip() or "/" if isinstance(url, str) else "/"


def _certainty(entry: PluginEntry) -> int:
    value = entry.values.get("certainty", 100)
    return value if isinstance(value, int) else 100


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 70 else flat[:67] + "..."


@dataclass
class _Context:
    """One plugin being converted."""

    path: str
    plugin: Plugin
    maker: Maker
    names: VendorNames
    skipped: Counter[str]

    def candidate(
        self,
        entry: PluginEntry,
        target: _Target,
        matcher: str,
        literal: str,
        examples: tuple[Example, ...],
        *,
        pattern: str | None = None,
        equals: str | None = None,
        flags: tuple[str, ...] = (),
        extract: tuple[str, ...] = (),
        published: str | None = None,
    ) -> Candidate:
        field = "md5" if target.channel == "favicon" else target.field
        judged = verdict(
            literal, self.maker, self.names, field=field, certainty=_certainty(entry), model="model" in extract
        )
        label = _LABELS[field] if target.header is None else f"{target.header} header"
        name = self.plugin.name or self.path
        return Candidate(
            key=f"{self.path}|{target.channel}/{target.field}|{target.header or ''}|{matcher}",
            channel=target.channel,
            field=target.field,
            description=f"{name}: {label} {_short(literal)!r}{_static(entry)}.",
            vendor=judged.vendor,
            brand=judged.brand,
            claim=judged.claim,
            confidence=judged.confidence,
            examples=examples,
            path=self.path,
            line=entry.line,
            pattern=pattern,
            equals=equals,
            flags=flags,
            extract=extract,
            not_examples=near_misses(field, pattern, flags),
            kind=EvidenceKind.MATCHER_LITERAL if published is None else EvidenceKind.PUBLISHED_EXAMPLE,
            note=f"WhatWeb plugin {name} ({'passive test' if entry.passive else 'match'}): {_short(matcher)}"
            + (f"; WhatWeb reads it on {_page(entry)}" if _page(entry) != "/" else "")
            + (f"; example value published at {published}" if published else ""),
        )

    def convert(self, entry: PluginEntry) -> Candidate | None:
        values = entry.values
        if any(isinstance(v, Opaque) for v in values.values()):
            return self.skip_("a value needs Ruby to evaluate")
        if "account" in values:
            return self.skip_("credentials extractor (:account)")
        url = values.get("url")
        md5 = values.get("md5")
        if md5 is not None:
            return self.favicon(entry, url, md5)
        if "status" in values and values.get("search") not in ("headers[location]", "headers[www-authenticate]"):
            return self.skip_("match that needs an HTTP status")
        target = _target(entry)
        if isinstance(target, str):
            return self.skip_(target)
        text = values.get("text")
        if isinstance(text, str):
            return self.literal(entry, target, text)
        chosen = [k for k in _REGEX_KEYS if isinstance(values.get(k), RubyRegexLiteral)]
        if not chosen:
            return self.skip_("no text, regex or hash to match")
        key = chosen[-1]
        regex = values[key]
        if not isinstance(regex, RubyRegexLiteral):
            return self.skip_("no text, regex or hash to match")
        return self.regex(entry, target, key, regex)

    def skip_(self, reason: str) -> Candidate | None:
        """Count an entry left out, by reason (always None, for ``return self.skip_(...)``)."""
        self.skipped[reason] += 1
        return None

    def favicon(self, entry: PluginEntry, url: object, md5: object) -> Candidate | None:
        if not isinstance(md5, str) or _MD5.match(md5.strip().lower()) is None:
            return self.skip_("md5 is not a hex digest")
        if not isinstance(url, str):
            return self.skip_("md5 of the page body (no favicon/md5 of pages)")
        if url.strip() not in _FAVICON_URLS:
            return self.skip_("md5 of another file than /favicon.ico")
        digest = md5.strip().lower()
        target = _Target("favicon", "md5")
        return self.candidate(entry, target, digest, f"{self.plugin.name} favicon", (Example(digest),), equals=digest)

    def literal(self, entry: PluginEntry, target: _Target, text: str) -> Candidate | None:
        if not text.strip():
            return self.skip_("empty text")
        if target.field == "body":
            title = title_literal(text)
            if title is not None:
                words, closed = title
                pattern = title_pattern(words, closed)
                return self.candidate(entry, _Target("http", "title"), text, words, (Example(words),), pattern=pattern)
            return self.candidate(
                entry, target, text, text, (Example(body_example(text)),), pattern=literal_pattern(text)
            )
        return self.on_header(entry, target, text, literal_pattern(text), (), ((text, None),))

    def regex(self, entry: PluginEntry, target: _Target, key: str, regex: RubyRegexLiteral) -> Candidate | None:
        try:
            translated = translate(regex.source, regex.flags, multiline_field=target.field == "body")
        except Untranslatable as exc:
            return self.skip_(f"regex construct without an exact Python/RE2 equivalent ({exc})")
        offset = entry.values.get("offset", 0)
        group = (offset if isinstance(offset, int) else 0) + 1
        name = _EXTRACT.get(key)
        extract: tuple[str, ...] = ()
        if name is not None and translated.groups >= group:
            extract = (name,)
        pattern = name_groups(translated, {group: name} if name is not None and extract else {})
        matcher = f"/{regex.source}/{regex.flags}"
        published = _PUBLISHED.get((self.path, regex.source))
        if translated.literals is None and published is not None and target.field not in ("body", "header"):
            values, reference = published
            examples = tuple(Example(value, {k: v for k, v in got.items() if k in extract}) for value, got in values)
            return self.candidate(
                entry,
                target,
                matcher,
                values[0][0],
                examples,
                pattern=pattern,
                flags=translated.flags,
                extract=extract,
                published=reference,
            )
        if translated.literals is None:
            return self.skip_("regex without a literal example")
        if target.field == "body":
            title = title_literal(translated.literals[0][0])
            if title is not None and not extract and len(translated.literals) == 1:
                words, closed = title
                flags = tuple(f for f in translated.flags if f == "i")
                return self.candidate(
                    entry,
                    _Target("http", "title"),
                    matcher,
                    words,
                    (Example(words),),
                    pattern=title_pattern(words, closed),
                    flags=flags,
                )
            examples = tuple(
                Example(body_example(value), {extract[0]: part} if extract and part else {})
                for value, part in translated.literals
            )
            if extract and any(not e.extract for e in examples):
                return self.skip_("regex group without a literal value")
            return self.candidate(
                entry,
                target,
                matcher,
                translated.literals[0][0],
                examples,
                pattern=pattern,
                flags=translated.flags,
                extract=extract,
            )
        return self.on_header(entry, target, matcher, pattern, translated.flags, translated.literals, extract)

    def on_header(
        self,
        entry: PluginEntry,
        target: _Target,
        matcher: str,
        pattern: str,
        flags: tuple[str, ...],
        literals: tuple[tuple[str, str | None], ...],
        extract: tuple[str, ...] = (),
    ) -> Candidate | None:
        values = [value for value, _part in literals]
        if extract and any(part is None for _value, part in literals):
            return self.skip_("regex group without a literal value")
        parts = [part for _value, part in literals]
        if target.field == "cookie" and any(";" in v for v in values):
            return self.skip_("cookie attributes (the probe records name=value)")
        if target.field == "header":
            if target.header is None:
                # A search of the raw header block: one header line is one observation.
                examples = tuple(Example(v) for v in values)
            else:
                moved = header_pattern(target.header, pattern)
                if moved is None:
                    return self.skip_("header regex anchors that cannot follow the header name")
                pattern = moved
                examples = tuple(
                    Example(header_example(target.header, v), {extract[0]: p} if extract and p else {})
                    for v, p in zip(values, parts, strict=True)
                )
        else:
            examples = tuple(
                Example(v, {extract[0]: p} if extract and p else {}) for v, p in zip(values, parts, strict=True)
            )
        return self.candidate(
            entry, target, matcher, values[0], examples, pattern=pattern, flags=flags, extract=extract
        )


def _plugin_paths(tree: GitTree, spec: CorpusSpec) -> list[str]:
    """The plugin files under the corpus's paths (the tree also holds data files, e.g. plugins/IpToCountry.csv)."""
    prefixes = tuple(spec.paths or ["plugins/", "my-plugins/"])
    return [p for p in tree.files() if p.startswith(prefixes) and p.endswith(".rb")]


def convert(
    tree: GitTree, spec: CorpusSpec, names: VendorNames, skipped: Counter[str] | None = None
) -> Iterator[Candidate]:
    """Candidates from the plugins about tracked makers and their look-alikes; ``skipped`` counts what was left."""
    tally: Counter[str] = skipped if skipped is not None else Counter()
    for path in _plugin_paths(tree, spec):
        plugin = read_plugin(tree.text(path))
        maker = plugin_maker(path, plugin, names)
        if maker is None:
            continue
        tally["unreadable entry"] += plugin.unreadable
        context = _Context(path, plugin, maker, names, tally)
        for entry in plugin.entries:
            candidate = context.convert(entry)
            if candidate is not None:
                yield candidate
