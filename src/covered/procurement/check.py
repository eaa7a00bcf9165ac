"""Each line item → covered true, false or unknown under a profile, with the rules, brand link and evidence.

The item's brand, model, part number and description become inventory observations and go through the same
identifier as devices (brand table, vendor table, model-number signatures); an FCC ID whose grantee code belongs
to a tracked vendor is added as direct evidence. A covered verdict needs an established restricted maker and at
least one rule binding the profile; anything less settled is 'unknown', never clean.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from covered.assess import DeviceContext, assess
from covered.identify import identifier_for
from covered.model import Attribution, Channel, Confidence, Finding, Observation, Profile
from covered.procurement.fcc import FCC_ID, FccGrantee, load_fcc_grantees
from covered.procurement.line_items import LineItem
from covered.registry import Registry

__all__ = ["ItemVerdict", "check_items"]

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9()/+.-]*")


@dataclass
class ItemVerdict:
    """The verdict for one line item, in the fields `covered check --json` prints."""

    line: int
    item: str
    covered: bool | None
    maker: str | None
    brand: str | None
    relationship: str | None
    rules: list[str]
    confidence: str | None
    evidence: list[str]
    explanation: str
    caveats: list[str] = field(default_factory=list)

    def record(self) -> dict[str, object]:
        """JSON-ready fields."""
        return asdict(self)


def _observations(key: str, item: LineItem) -> list[Observation]:
    out: list[Observation] = []

    def add(field_name: str, value: str) -> None:
        out.append(Observation(device=key, channel=Channel.INVENTORY, field=field_name, value=value))

    if item.brand:
        add("manufacturer", item.brand)
        add("brand", item.brand)
    for text in (item.model, item.part_number):
        if text:
            add("model", text)
    if item.description:
        words = _TOKEN.findall(item.description)
        # A description names the brand as a word and the model as a token: each is read on its own (the model
        # signatures are anchored on whole values), and adjacent word pairs catch two-word brands ('LT Security').
        for word in words[:60]:
            if any(c.isdigit() for c in word) and len(word) >= 4:
                add("model", word)
            elif len(word) >= 3:
                add("brand", word)
        for first, second in itertools.pairwise(words[:60]):
            if not any(c.isdigit() for c in first + second):
                add("brand", f"{first} {second}")
    return out


def _fcc_evidence(item: LineItem, grantees: Sequence[FccGrantee]) -> list[tuple[FccGrantee, str]]:
    found = []
    for match in FCC_ID.finditer(item.text):
        fcc_id = match.group("id").upper()
        compact = fcc_id.replace("-", "")
        for grantee in grantees:
            if compact.startswith(grantee.code):
                found.append((grantee, fcc_id))
                break
    return found


def _verdict(
    registry: Registry,
    item: LineItem,
    attribution: Attribution,
    findings: list[Finding],
    fcc: list[tuple[FccGrantee, str]],
) -> ItemVerdict:
    evidence = [f"{e.field}={e.value!r} -> {e.matcher} ({e.reference or 'registry'})" for e in attribution.evidence]
    caveats = list(attribution.notes)
    vendor_id = attribution.vendor
    confidence = attribution.confidence
    restricted = attribution.restricted
    for grantee, fcc_id in fcc:
        evidence.append(f"FCC ID {fcc_id} -> grantee {grantee.code} {grantee.grantee} ({grantee.source})")
        if grantee.confirmation.value == "unconfirmed":
            caveats.append(f"grantee code {grantee.code} is unconfirmed: {grantee.note or ''}".strip())
            continue
        if vendor_id is None or vendor_id == grantee.vendor:
            vendor_id = grantee.vendor
            vendor = registry.vendors.get(vendor_id)
            restricted = bool(vendor and vendor.restricted)
            confidence = Confidence.HIGH if grantee.confirmation.value == "confirmed" else Confidence.MEDIUM
        else:
            caveats.append(f"FCC ID {fcc_id} names {grantee.grantee}, the label another maker: check the item")
            restricted = None
    brand = registry.brands.get(attribution.brand or "")
    relationship = brand.relationship.value if brand is not None else None
    vendor = registry.vendors.get(vendor_id or "")
    maker = vendor.name if vendor is not None else None
    rules = sorted({f.rule for f in findings if f.rule})
    covered: bool | None
    if vendor is None:
        covered = None
        explanation = "maker not determined from the item: listed as unknown, not clean"
        if attribution.lead is not None:
            explanation += f" ({attribution.lead.summary})"
    elif not vendor.restricted:
        covered = False if confidence in (Confidence.HIGH, Confidence.MEDIUM) else None
        explanation = f"{maker} is not a restricted vendor" + ("" if covered is False else " (weak evidence)")
    elif restricted and rules:
        covered = True
        explanation = f"{attribution.explanation}; rules binding the profile: {', '.join(rules)}"
    elif restricted:
        covered = False
        explanation = f"{attribution.explanation}; no rule covering {maker} binds this profile"
    else:
        covered = None
        explanation = f"{attribution.explanation}; restricted maker suspected but not established: verify the model"
    for finding in findings:
        caveats.extend(c for c in finding.caveats if c not in caveats)
    return ItemVerdict(
        line=item.line,
        item=item.text,
        covered=covered,
        maker=maker,
        brand=brand.name if brand is not None else attribution.brand_name,
        relationship=relationship,
        rules=rules,
        confidence=confidence.value if confidence is not None else None,
        evidence=evidence,
        explanation=explanation,
        caveats=caveats,
    )


def check_items(
    registry: Registry, profile: Profile, items: Sequence[LineItem], today: dt.date | None = None
) -> list[ItemVerdict]:
    """A verdict for every line item under the profile, in document order."""
    identifier = identifier_for(registry)
    grantees = load_fcc_grantees(registry.data_dir)
    out = []
    for item in items:
        key = f"line-{item.line}"
        attribution = identifier.attribute(key, _observations(key, item))
        fcc = _fcc_evidence(item, grantees)
        vendor = attribution.vendor
        if vendor is None and fcc and fcc[0][0].confirmation.value != "unconfirmed":
            vendor = fcc[0][0].vendor
            attribution = attribution.model_copy(update={"vendor": vendor, "confidence": Confidence.HIGH})
        findings = assess(registry, profile, [DeviceContext(attribution)], today) if vendor else []
        out.append(
            _verdict(
                registry, item, attribution, [f for f in findings if f.rule and not f.rule.startswith("exposure:")], fcc
            )
        )
    return out
