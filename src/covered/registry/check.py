"""`covered registry check`: references, segments, dates, jurisdictions, expected counts, and verbatim quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from covered.errors import Problem
from covered.model import Confirmation, Corroboration, Event, Fact
from covered.registry.jurisdictions import is_known
from covered.registry.registry import KINDS, Registry

__all__ = ["Problem", "check_registry", "normalise_quote_text", "reference_problems"]

# The seed texts carry non-breaking and thin spaces where curators type plain ones.
_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009]")


def normalise_quote_text(text: str) -> str:
    """Text as compared for quote checks: non-breaking and thin spaces become plain spaces."""
    return _SPACES.sub(" ", text)


def _at(registry: Registry, kind: str, record_id: str, message: str) -> Problem:
    path, line = registry.locations[(kind, record_id)]
    return Problem(path, line, message)


def reference_problems(registry: Registry) -> Iterator[Problem]:
    """Every id that points at a record that does not exist, and every cycle in the actor tree."""

    def missing(kind: str, record_id: str, target_kind: str, value: str | None, what: str) -> Iterator[Problem]:
        if value is not None and value not in registry.records[target_kind]:
            yield _at(registry, kind, record_id, f"{what}: unknown {target_kind} id {value!r}")

    for vendor in registry.vendors.values():
        yield from missing("vendor", vendor.id, "vendor", vendor.parent, "parent")
        for fact_id in vendor.ownership_facts:
            yield from missing("vendor", vendor.id, "fact", fact_id, "ownership_facts")
    for brand in registry.brands.values():
        for vendor_id in (brand.vendor, *brand.vendor_candidates):
            yield from missing("brand", brand.id, "vendor", vendor_id, "vendor")
    for actor in registry.actors.values():
        yield from missing("actor", actor.id, "actor", actor.parent, "parent")
    for actor in registry.actors.values():
        seen: set[str] = set()
        current: str | None = actor.id
        while current is not None and current in registry.actors:
            if current in seen:
                yield _at(registry, "actor", actor.id, f"parent chain loops back to {current!r}")
                break
            seen.add(current)
            current = registry.actors[current].parent
    for rule in registry.rules.values():
        for covered in rule.covered:
            yield from missing("rule", rule.id, "vendor", covered.vendor, "covered.vendor")
    for event in registry.events.values():
        yield from missing("event", event.id, "actor", event.actor, "actor")
        for vendor_id in event.vendors:
            yield from missing("event", event.id, "vendor", vendor_id, "vendors")
        yield from missing("event", event.id, "rule", event.rule, "rule")
        for other in event.related:
            yield from missing("event", event.id, "event", other, "related")
        yield from _source_problems(registry, "event", event.id, event.source, event.segment)
    for fact in registry.facts.values():
        for vendor_id in fact.vendors:
            yield from missing("fact", fact.id, "vendor", vendor_id, "vendors")
        for actor_id in fact.actors:
            yield from missing("fact", fact.id, "actor", actor_id, "actors")
        for other in fact.disputed_by:
            yield from missing("fact", fact.id, "fact", other, "disputed_by")
        yield from _source_problems(registry, "fact", fact.id, fact.source, fact.segment)
    for located in registry.corroborations:
        corr = located.record
        if corr.record not in registry.events and corr.record not in registry.facts:
            yield Problem(located.path, located.line, f"record: no event or fact with id {corr.record!r}")
        if corr.source not in registry.sources:
            yield Problem(located.path, located.line, f"source: unknown source id {corr.source!r}")
        elif corr.segment is not None and corr.segment not in _segment_ids(registry, corr.source):
            yield Problem(located.path, located.line, f"segment: {corr.segment!r} is not a segment of {corr.source!r}")


def _segment_ids(registry: Registry, source_id: str) -> set[str]:
    return {s.id for s in registry.sources[source_id].segments}


def _source_problems(
    registry: Registry, kind: str, record_id: str, source_id: str, segment_id: str | None
) -> Iterator[Problem]:
    if source_id not in registry.sources:
        yield _at(registry, kind, record_id, f"source: unknown source id {source_id!r}")
        return
    source = registry.sources[source_id]
    if segment_id is not None and segment_id not in _segment_ids(registry, source_id):
        yield _at(registry, kind, record_id, f"segment: {segment_id!r} is not a segment of {source_id!r}")
    elif segment_id is None and source.segments:
        yield _at(registry, kind, record_id, f"segment: {source_id!r} is a compilation; name the segment")


def _shared_id_problems(registry: Registry) -> Iterator[Problem]:
    """Ids are unique across kinds too, so `covered show ID` is never ambiguous."""
    owner: dict[str, str] = {}
    for kind in KINDS:
        for record_id in registry.records[kind]:
            if record_id in owner:
                yield _at(registry, kind, record_id, f"id {record_id!r} is also a {owner[record_id]} id")
            else:
                owner[record_id] = kind


def _segment_problems(registry: Registry) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for source in registry.sources.values():
        if source.file is None:
            continue
        path = registry.text_path(source.file)
        if not path.is_file():
            yield _at(registry, "source", source.id, f"file: texts/{source.file} not found")
            continue
        length = len(registry._texts(source.file))
        expected_start = 0
        for segment in source.segments:
            if segment.id in seen:
                yield _at(registry, "source", source.id, f"segment id {segment.id!r} also used in {seen[segment.id]!r}")
            seen[segment.id] = source.id
            if segment.start != expected_start:
                yield _at(
                    registry,
                    "source",
                    source.id,
                    f"segment {segment.id!r} starts at {segment.start}, expected {expected_start} (gap or overlap)",
                )
            if segment.end <= segment.start or segment.end > length:
                yield _at(
                    registry, "source", source.id, f"segment {segment.id!r} ends at {segment.end} (text has {length})"
                )
            expected_start = segment.end
        if source.segments and expected_start != length:
            yield _at(registry, "source", source.id, f"segments end at {expected_start}, text has {length} characters")


def _quote_span(registry: Registry, source_id: str, segment_id: str | None) -> tuple[str, str, list[str]] | None:
    """The text a quote must come from, a description of it, and the languages allowed there."""
    source = registry.sources.get(source_id)
    if source is None or source.file is None:
        return None
    text = registry._texts(source.file)
    if segment_id is None:
        return text, source.file, source.language
    segment = next((s for s in source.segments if s.id == segment_id), None)
    if segment is None:
        return None
    return text[segment.start : segment.end], f"{source.file} segment {segment_id}", segment.language


def _quote_problem(registry: Registry, record: Event | Fact | Corroboration) -> str | None:
    span = _quote_span(registry, record.source, record.segment)
    if span is None:
        return None
    text, where, languages = span
    if normalise_quote_text(record.quote) not in normalise_quote_text(text):
        return f"quote not found verbatim in {where}: {record.quote[:70]!r}"
    if record.quote_language not in languages:
        return f"quote_language {record.quote_language!r} not among {where}'s languages {languages}"
    return None


def _quote_problems(registry: Registry) -> Iterator[Problem]:
    for kind, records in (("event", registry.events), ("fact", registry.facts)):
        for record in records.values():
            message = _quote_problem(registry, record)
            if message is not None:
                yield _at(registry, kind, record.id, message)
    for located in registry.corroborations:
        message = _quote_problem(registry, located.record)
        if message is not None:
            yield Problem(located.path, located.line, message)


def _jurisdiction_problems(registry: Registry) -> Iterator[Problem]:
    for kind, records in (("actor", registry.actors), ("rule", registry.rules)):
        for record in records.values():
            if not is_known(record.jurisdiction):
                yield _at(registry, kind, record.id, f"jurisdiction {record.jurisdiction!r} is not ISO 3166, EU or INT")


def _date_problems(registry: Registry) -> Iterator[Problem]:
    """Events dated after the source that reports them, unless their status says they are still to come."""
    for event in registry.events.values():
        source = registry.sources.get(event.source)
        earliest = event.date.earliest
        if source is None or earliest is None or earliest <= source.as_of:
            continue
        if event.status.value in {"announced", "under_consideration", "in_progress"}:
            continue
        yield _at(registry, "event", event.id, f"dated {event.date.value}, after its source's as-of {source.as_of}")


def _restricted_problems(registry: Registry) -> Iterator[Problem]:
    """A vendor is 'restricted' exactly when a rule that is at least partially confirmed covers it."""
    covering: dict[str, list[str]] = {}
    for rule in registry.rules.values():
        if rule.confirmation is Confirmation.UNCONFIRMED:
            continue
        for covered in rule.covered:
            if covered.vendor is not None and covered.confirmation is not Confirmation.UNCONFIRMED:
                covering.setdefault(covered.vendor, []).append(rule.id)
    for vendor in registry.vendors.values():
        rules = covering.get(vendor.id, [])
        if vendor.restricted and not rules:
            yield _at(
                registry, "vendor", vendor.id, "restricted: true but no confirmed or partially confirmed rule covers it"
            )
        if not vendor.restricted and rules:
            yield _at(registry, "vendor", vendor.id, f"restricted: false but covered by {', '.join(sorted(rules))}")


def _device_data_problems(registry: Registry) -> Iterator[Problem]:
    """OUI registrants, enterprise numbers and port hints point at known vendors and brands.

    Signatures test themselves on their examples in ``covered.identify.self_test``: that needs the matcher.
    """
    seen: set[str] = set()
    for located in registry.oui_registrants:
        entry = located.record
        key = " ".join(entry.registrant.casefold().split())
        if key in seen:
            yield Problem(located.path, located.line, f"registrant {entry.registrant!r} listed twice")
        seen.add(key)
        if entry.vendor not in registry.vendors:
            yield Problem(located.path, located.line, f"vendor: unknown vendor id {entry.vendor!r}")
        if entry.brand is not None and entry.brand not in registry.brands:
            yield Problem(located.path, located.line, f"brand: unknown brand id {entry.brand!r}")
    numbers: set[int] = set()
    for enterprise in registry.enterprises:
        registration = enterprise.record
        if registration.number in numbers:
            yield Problem(enterprise.path, enterprise.line, f"enterprise number {registration.number} listed twice")
        numbers.add(registration.number)
        if registration.vendor is not None and registration.vendor not in registry.vendors:
            yield Problem(enterprise.path, enterprise.line, f"vendor: unknown vendor id {registration.vendor!r}")
        if registration.brand is not None and registration.brand not in registry.brands:
            yield Problem(enterprise.path, enterprise.line, f"brand: unknown brand id {registration.brand!r}")
    hinted: set[tuple[int, str]] = set()
    for hint in registry.port_hints:
        port = hint.record
        if (port.port, port.transport) in hinted:
            yield Problem(hint.path, hint.line, f"port hint {port.transport}/{port.port} listed twice")
        hinted.add((port.port, port.transport))
        if port.vendor not in registry.vendors:
            yield Problem(hint.path, hint.line, f"vendor: unknown vendor id {port.vendor!r}")
        if port.brand is not None and port.brand not in registry.brands:
            yield Problem(hint.path, hint.line, f"brand: unknown brand id {port.brand!r}")


def _assessment_data_problems(registry: Registry) -> Iterator[Problem]:
    """Profiles and vulnerabilities point at known vendors, events and jurisdictions."""
    for located in registry.profiles.values():
        profile = located.record
        for code in profile.jurisdictions:
            if not is_known(code):
                yield Problem(
                    located.path, located.line, f"profile {profile.id}: jurisdiction {code!r} is not ISO 3166"
                )
        for policy in profile.policies:
            for vendor in policy.vendors:
                if vendor not in registry.vendors:
                    yield Problem(located.path, located.line, f"profile {profile.id}: unknown vendor id {vendor!r}")
            for event in policy.precedents:
                if event not in registry.events:
                    yield Problem(located.path, located.line, f"profile {profile.id}: unknown event id {event!r}")
    for endpoint in registry.cloud_endpoints:
        if endpoint.vendor not in registry.vendors:
            yield Problem(registry.data_dir / "cloud_endpoints.yml", None, f"{endpoint.host}: unknown vendor id")
    for vulnerability in registry.vulnerabilities.values():
        if vulnerability.record.vendor not in registry.vendors:
            yield Problem(vulnerability.path, vulnerability.line, f"unknown vendor id {vulnerability.record.vendor!r}")


def _expectation_problems(registry: Registry) -> Iterator[Problem]:
    """Minimum counts declared in expect.yml, so an accidental deletion fails the check."""
    path = registry.data_dir / "expect.yml"
    if not path.exists():
        return
    spec: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for kind, minimum in (spec.get("min_counts") or {}).items():
        if kind == "corroboration":
            count = len(registry.corroborations)
        elif kind == "signature":
            count = len(registry.signatures)
        elif kind in KINDS:
            count = len(registry.records[kind])
        else:
            yield Problem(path, None, f"min_counts: unknown kind {kind!r}")
            continue
        if count < int(minimum):
            yield Problem(path, None, f"expected at least {minimum} {kind} records, found {count}")


def check_registry(registry: Registry) -> list[Problem]:
    """Every problem in the loaded registry, in file order; empty when the data is sound."""
    problems = [
        *reference_problems(registry),
        *_shared_id_problems(registry),
        *_segment_problems(registry),
        *_quote_problems(registry),
        *_jurisdiction_problems(registry),
        *_date_problems(registry),
        *_restricted_problems(registry),
        *_device_data_problems(registry),
        *_assessment_data_problems(registry),
        *_expectation_problems(registry),
    ]
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0))
