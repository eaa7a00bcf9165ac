"""The ban directory in the browser: filtered events, their spread over years and countries, and the
procurement lookup ("is brand X or model Y covered, and by what?")."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from covered.assess.evaluate import coverage_entry
from covered.identify import identifier_for
from covered.model import Channel, Confidence, Event, Observation
from covered.registry import EventQuery, Registry
from covered.report.registry_views import event_row

__all__ = ["DIRECTORY_FILTERS", "directory", "lookup"]

DIRECTORY_FILTERS = (
    "vendor",
    "country",
    "actor",
    "actor_type",
    "action",
    "reason",
    "status",
    "source",
    "since",
    "until",
)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def directory(registry: Registry, params: dict[str, str]) -> dict[str, Any]:
    """Events matching the CLI's filters (comma-separated values, as `covered bans` takes them), with counts
    by year and by country for the charts, and the sources' freshness."""
    query = EventQuery.parse(
        registry,
        **{k: _split(params.get(k, "")) for k in DIRECTORY_FILTERS if k not in {"since", "until"}},
        since=params.get("since") or None,
        until=params.get("until") or None,
    )
    index = registry.event_index
    events = index.select(query)
    newest, stale = registry.freshness([e.source for e in events])
    return {
        "events": [_row(registry, e) for e in events],
        "count": len(events),
        "by_year": dict(sorted(index.count_by(events, "year"))),
        "by_country": dict(index.count_by(events, "country")),
        "sources_as_of": newest.isoformat() if newest else None,
        "stale": stale,
    }


def _row(registry: Registry, event: Event) -> dict[str, Any]:
    row = event_row(registry, event)
    row["date_display"] = event.date.display()
    return row


def lookup(registry: Registry, text: str, identified: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the registry knows about a brand, vendor or model name: the maker behind it (with the source of
    that link), whether the maker is restricted, and the rules and events that name the maker; ``identified``
    adds models the scanner identified on this network (vendor, model, devices), as queries.identified_models
    gives them."""
    text = text.strip()
    if not text:
        return {"query": text, "matches": []}
    compact = _compact(text)
    matches: list[dict[str, Any]] = []
    for brand in registry.brands.values():
        names = [brand.name, *brand.aliases]
        # Names compare without spaces, dots and dashes too: "hik vision", "Hi-Look", "E-Z VIZ".
        if any(compact == _compact(n) for n in names) or (len(compact) >= 3 and compact in _compact(brand.name)):
            makers = [brand.vendor] if brand.vendor else list(brand.vendor_candidates)
            matches.append(
                {
                    "as": "brand",
                    "name": brand.name,
                    "record": brand.id,
                    "how": f"{brand.relationship.value} ({brand.confidence.value} confidence"
                    + (", only some model lines" if brand.model_line_dependent else "")
                    + (f", {brand.period}" if brand.period else "")
                    + ")",
                    "evidence": brand.evidence,
                    "source": brand.source,
                    "note": brand.note,
                    "makers": [_maker(registry, m) for m in makers if m in registry.vendors],
                }
            )
    vendor_id = registry.vendor_id(text) or _vendor_by_compact_name(registry, compact)
    if vendor_id is not None:
        matches.append(
            {
                "as": "vendor",
                "name": registry.vendors[vendor_id].name,
                "record": vendor_id,
                "how": "the maker itself",
                "evidence": "",
                "source": ", ".join(registry.vendors[vendor_id].sources),
                "note": "",
                "makers": [_maker(registry, vendor_id)],
            }
        )
    attribution = identifier_for(registry).attribute(
        "lookup", [Observation(device="lookup", channel=Channel.INVENTORY, field="model", value=text[:200])]
    )
    if attribution.vendor and attribution.vendor in registry.vendors:
        matches.append(
            {
                "as": "model",
                "name": text,
                "record": attribution.vendor,
                "how": f"model name pattern ({(attribution.confidence or Confidence.LOW).value} confidence)",
                "evidence": attribution.explanation,
                "source": "; ".join(f"{e.matcher}: {e.reference}" for e in attribution.evidence if e.reference),
                "note": "A model-name match is a lead, not proof: confirm the label or the device's own answers.",
                "makers": [_maker(registry, attribution.vendor)],
            }
        )
    for seen in identified or []:
        if seen["vendor"] not in registry.vendors:
            continue
        count = seen["devices"]
        matches.append(
            {
                "as": "model seen on this network",
                "name": seen["model"],
                "record": seen["vendor"],
                "how": f"identified by the scanner on {count} device{'s' if count != 1 else ''} here",
                "evidence": "",
                "source": "the devices' own answers (see their evidence chains)",
                "note": "",
                "devices": f"/devices?q={quote(seen['model'])}",
                "makers": [_maker(registry, seen["vendor"])],
            }
        )
    return {"query": text, "matches": matches}


def _compact(name: str) -> str:
    return re.sub(r"[\s.\-_]+", "", name).casefold()


def _vendor_by_compact_name(registry: Registry, compact: str) -> str | None:
    for vendor in registry.vendors.values():
        if any(compact == _compact(n) for n in (vendor.id, vendor.name, *vendor.legal_names, *vendor.aliases)):
            return vendor.id
    return None


def _maker(registry: Registry, vendor_id: str) -> dict[str, Any]:
    vendor = registry.vendors[vendor_id]
    rules = []
    for rule in sorted(registry.rules.values(), key=lambda r: r.id):
        entry = coverage_entry(rule, vendor)
        if entry is not None:
            rules.append(
                {
                    "id": rule.id,
                    "name": rule.name,
                    "jurisdiction": rule.jurisdiction,
                    "prohibits": [p.value for p in rule.prohibits],
                    "confirmation": rule.confirmation.value,
                    "by_name": entry.vendor is not None,
                    "effective": rule.effective_date.display(),
                    "source": rule.source,
                }
            )
    events = registry.event_index.select(EventQuery(vendors=frozenset({vendor_id})))
    return {
        "id": vendor_id,
        "name": vendor.name,
        "country": vendor.country,
        "restricted": vendor.restricted,
        "rules": rules,
        "events": len(events),
    }
