"""The ban directory in the browser: filtered events, their spread over years and countries, and the
procurement lookup ("is brand X or model Y covered, and by what?")."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from covered.assess.evaluate import coverage_entry
from covered.identify import identifier_for
from covered.model import Brand, Channel, Confidence, Event, Observation, Relationship
from covered.registry import EventQuery, Registry
from covered.registry.jurisdictions import country_of, jurisdiction_name
from covered.report.registry_views import event_row

__all__ = [
    "DIRECTORY_FILTERS",
    "SEARCH_PAGE",
    "directory",
    "directory_choices",
    "directory_events",
    "lookup",
    "search_view",
    "verdict",
]

SEARCH_PAGE = 25
"""Search hits per page."""
MAX_SEARCH_PAGES = 20

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


def directory_choices(registry: Registry) -> dict[str, list[tuple[str, str]]]:
    """The filter menus' options as (value, label): only values some event has, labelled in words."""
    events = list(registry.event_index.select(EventQuery()))
    countries = {country_of(registry.actors[e.actor].jurisdiction) for e in events}
    makers = {v for e in events for v in e.vendors if v in registry.vendors}
    return {
        "vendor": sorted(((v, registry.vendors[v].name) for v in makers), key=lambda pair: pair[1].casefold()),
        "country": sorted(((c, jurisdiction_name(c)) for c in countries), key=lambda pair: pair[1]),
        "action": _worded({e.action.value for e in events}),
        "reason": _worded({e.reason.value for e in events}),
        "status": _worded({e.status.value for e in events}),
        "actor_type": _worded({registry.actors[e.actor].type.value for e in events}),
    }


def _worded(values: set[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ")) for v in sorted(values)]


def search_view(registry: Registry, text: str, page: int = 1) -> dict[str, Any]:
    """A page of ranked search hits, the records whose name is the text itself first (an actor, a brand, a
    maker), and whether any hit holds every word (when none does, the page says its hits hold only some)."""
    page = max(1, min(page, MAX_SEARCH_PAGES))
    wanted = " ".join(text.split()).casefold()
    exact: list[dict[str, str]] = []
    for actor in registry.actors.values():
        if wanted in {n.casefold() for n in (actor.name, *actor.aliases, actor.name_original or "")}:
            exact.append({"kind": "actor", "name": actor.name, "href": f"/directory?actor={quote(actor.id)}"})
    for brand in registry.brands.values():
        if wanted in {n.casefold() for n in (brand.name, *brand.aliases)}:
            exact.append({"kind": "brand", "name": brand.name, "href": f"/records/{quote(brand.id)}"})
    for vendor in registry.vendors.values():
        if wanted in {n.casefold() for n in (vendor.name, *vendor.legal_names, *vendor.aliases, *vendor.native_names)}:
            exact.append({"kind": "maker", "name": vendor.name, "href": f"/directory?vendor={quote(vendor.id)}"})
    found = registry.search_index.search(text, limit=page * SEARCH_PAGE + 1)
    shown = found[(page - 1) * SEARCH_PAGE : page * SEARCH_PAGE]
    every = [h for h in found if any(_holds_every_word(w) for w in h.why)]
    order = {"maker": 0, "actor": 1, "brand": 2}
    return {
        "hits": shown,
        "exact": sorted(exact, key=lambda e: order[e["kind"]]),
        "page": page,
        "more": len(found) > page * SEARCH_PAGE and page < MAX_SEARCH_PAGES,
        "partial": bool(found) and not every,
    }


def _holds_every_word(reason: str) -> bool:
    found = re.match(r"matches (\d+) of (\d+) words", reason)
    return found is not None and found[1] == found[2]


def directory_events(registry: Registry, params: dict[str, str]) -> list[Event]:
    """The events matching the CLI's filters (comma-separated values, as `covered bans` takes them), in the
    directory's order; a bad filter raises UsageError."""
    query = EventQuery.parse(
        registry,
        **{k: _split(params.get(k, "")) for k in DIRECTORY_FILTERS if k not in {"since", "until"}},
        since=params.get("since") or None,
        until=params.get("until") or None,
    )
    return list(registry.event_index.select(query))


def directory(registry: Registry, params: dict[str, str]) -> dict[str, Any]:
    """Events matching the filters (see directory_events), with counts by year and by country for the
    charts, and the sources' freshness."""
    index = registry.event_index
    events = directory_events(registry, params)
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
        exact = any(compact == _compact(n) for n in names)
        if exact or (len(compact) >= 3 and compact in _compact(brand.name)):
            makers = [brand.vendor] if brand.vendor else list(brand.vendor_candidates)
            matches.append(
                {
                    "as": "brand",
                    "rank": 1 if exact else 2,
                    "name": brand.name,
                    "period": brand.period,
                    "some_lines": brand.model_line_dependent,
                    "tie": _tie(brand, [registry.vendors[m].name for m in makers if m in registry.vendors]),
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
                "rank": 0,
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
                "rank": 3,
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
                "rank": 4,
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
    # The maker itself, then brands named exactly, brands containing the text, model patterns, models seen.
    matches.sort(key=lambda match: int(match["rank"]))
    return {"query": text, "matches": matches, "verdict": verdict(text, matches)}


# How a brand's equipment relates to its maker, as a sentence: (all lines, only some lines).
_TIES = {
    Relationship.OWN_BRAND: ("is {maker}'s own brand", "is {maker}'s own brand for some model lines"),
    Relationship.SUBSIDIARY_BRAND: (
        "is a brand of a {maker} subsidiary",
        "some model lines come from a {maker} subsidiary",
    ),
    Relationship.SUBSIDIARY: ("is a {maker} subsidiary", "is a {maker} subsidiary for some model lines"),
    Relationship.FORMER_SUBSIDIARY: ("was a {maker} subsidiary", "some model lines were made by {maker}"),
    Relationship.JOINT_VENTURE_OEM: (
        "is made by a joint venture with {maker}",
        "some model lines come from a joint venture with {maker}",
    ),
    Relationship.SUBSIDIARY_COMPONENT_SUPPLIER: (
        "takes components from a {maker} subsidiary",
        "some model lines take components from a {maker} subsidiary",
    ),
    Relationship.OEM_RELABEL: (
        "sells equipment made by {maker} under its own name",
        "some model lines were made by {maker}",
    ),
    Relationship.PARTIAL_OEM: ("sells some equipment made by {maker}", "some model lines were made by {maker}"),
    Relationship.REPORTED_OEM_UNSPECIFIED: (
        "is reported to sell equipment made by {maker}",
        "some model lines are reported to be made by {maker}",
    ),
}


def _period_words(period: str | None) -> str:
    """'2018 to 2022-11-24' -> ' between 2018 and 2022-11-24'; 'until 2021' and 'since 2017' stay as written."""
    if not period:
        return ""
    found = re.fullmatch(r"\s*(\S+)\s+to\s+(\S+)\s*", period)
    return f" between {found[1]} and {found[2]}" if found else f" {period.strip()}"


def _tie(brand: Brand, makers: list[str]) -> str:
    """The brand's tie to its maker in words, e.g. 'some model lines were made by Dahua between 2018 and 2022'."""
    maker = makers[0] if len(makers) == 1 else " or ".join(makers) if makers else "an unnamed maker"
    whole, some = _TIES.get(brand.relationship, _TIES[Relationship.REPORTED_OEM_UNSPECIFIED])
    words = (some if brand.model_line_dependent else whole).format(maker=maker)
    hedge = "" if brand.confidence is Confidence.HIGH else f" ({brand.confidence.value} confidence)"
    return words + _period_words(brand.period) + hedge


def verdict(query: str, matches: list[dict[str, Any]]) -> str:
    """The lookup's answer in one line, from its most telling match: a brand's tie to its maker, the maker
    itself, a model-name pattern or a model seen here; what to check next follows the semicolon."""
    if not matches:
        return f"Nothing in the registry matches “{query}”; that is not a clearance."
    first = matches[0]
    makers = first["makers"]
    restricted = [m for m in makers if m["restricted"]]
    named = sum(1 for m in makers for r in m["rules"] if r["by_name"])
    rules = f"{named} rule{'s' if named != 1 else ''} in the registry name{'s' if named == 1 else ''} it"
    more = f" ({len(matches) - 1} more match{'es' if len(matches) > 2 else ''} below)" if len(matches) > 1 else ""
    if first["as"] == "brand":
        if not restricted:
            return f"{first['name']}: {first['tie']}, not a restricted maker{more}."
        check = "check the model" if first["some_lines"] else f"treat it as {restricted[0]['name']} equipment"
        check += " and when it was made" if first["period"] else ""
        return f"{first['name']}: {first['tie']}; {check}{more}."
    name = makers[0]["name"] if makers else first["name"]
    if first["as"] == "vendor":
        if restricted:
            return f"{name} is a restricted maker: {rules}{more}."
        return f"{name} is not a restricted maker" + (f", though {rules}" if named else "") + f"{more}."
    status = "a restricted maker" if restricted else "not a restricted maker"
    if first["as"] == "model":
        return (
            f"{first['name']}: the model name follows {name}'s pattern ({status}); "
            f"confirm it on the label or the device's own answers{more}."
        )
    return f"{first['name']}: identified on this network as {name} ({status}); see its devices{more}."


def _compact(name: str) -> str:
    return re.sub(r"[\s.\-_]+", "", name).casefold()


def _vendor_by_compact_name(registry: Registry, compact: str) -> str | None:
    for vendor in registry.vendors.values():
        if any(compact == _compact(n) for n in (vendor.id, vendor.name, *vendor.legal_names, *vendor.aliases)):
            return vendor.id
    return None


def _maker(registry: Registry, vendor_id: str) -> dict[str, Any]:
    vendor = registry.vendors[vendor_id]
    rules: list[dict[str, Any]] = []
    for rule in sorted(registry.rules.values(), key=lambda r: (r.jurisdiction, r.id)):
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
    by_place: dict[str, list[dict[str, Any]]] = {}
    for rule_row in rules:
        by_place.setdefault(rule_row["jurisdiction"], []).append(rule_row)
    return {
        "id": vendor_id,
        "name": vendor.name,
        "country": vendor.country,
        "restricted": vendor.restricted,
        "rules": rules,
        "jurisdictions": [
            {"code": code, "name": jurisdiction_name(code), "rules": place}
            for code, place in sorted(by_place.items(), key=lambda item: (-len(item[1]), item[0]))
        ],
        "events": len(events),
    }
